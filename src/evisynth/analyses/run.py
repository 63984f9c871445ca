"""Run one :class:`AnalysisSpec` on a study table and collect everything in an :class:`AnalysisBundle`."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from evisynth.analyses.bundle import AnalysisBundle, studies_from, totals_from
from evisynth.analyses.fit import fit_pooled
from evisynth.analyses.meta_regression import meta_regression_section
from evisynth.analyses.publication_bias import publication_bias_section
from evisynth.analyses.sensitivity import sensitivity_section
from evisynth.analyses.spec import AnalysisSpec
from evisynth.analyses.subgroups import subgroup_analysis
from evisynth.effects.compute import compute_effects
from evisynth.effects.table import EffectTable
from evisynth.errors import InputError
from evisynth.files import input_record
from evisynth.io.tabular import StudyTable, read_study_table

__all__ = ["AnalysisBundle", "run_analysis"]


def run_analysis(data: Any, spec: AnalysisSpec | None = None, *, source: str | None = None) -> AnalysisBundle:
    """Read (if needed), compute effects and run every analysis ``spec`` asks for.

    Parameters
    ----------
    data : str, Path, pandas.DataFrame, StudyTable or EffectTable
    spec : AnalysisSpec, optional
    source : str, optional
        Name for messages when ``data`` is a DataFrame.
    """
    spec = (spec or AnalysisSpec()).resolved()
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        if isinstance(data, EffectTable):
            eff = data
        else:
            table = data if isinstance(data, StudyTable) else read_study_table(data, source=source)
            eff = compute_effects(table, spec.measure, smd_variance=spec.smd_variance,  # type: ignore[arg-type]
                                  continuity=spec.continuity, drop_double_zero=spec.drop_double_zero,
                                  log_scale=spec.log_scale)
        spec = replace(spec, measure=eff.measure)
        if spec.method == "MH" and eff.kind != "binary":
            raise InputError("--method MH needs dichotomous data (events1, n1, events2, n2)")
        fit = fit_pooled(eff, spec)
        subgroups = subgroup_analysis(eff, spec) if spec.subgroup else None
        meta_reg = meta_regression_section(eff, spec) if spec.moderators else None
        bias = publication_bias_section(eff, spec, fit) if spec.bias else None
        sens = sensitivity_section(eff, spec, fit) if spec.sensitivity else None
    counted = np.ones(eff.k, dtype=bool) if spec.count_method else None  # MH and Peto count every table
    for w in record:
        text = f"{w.category.__name__}: {w.message}"
        if text not in caught:
            caught.append(text)
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    caught = merge_undefined(caught)
    return AnalysisBundle(
        spec=spec, measure=eff.measure, log_scale=eff.log_scale, data_type=eff.kind, source=eff.source,
        studies=studies_from(eff, fit.weights, spec.level, counted), pooled=fit.pooled,
        heterogeneity=fit.heterogeneity, totals=totals_from(eff, counted), subgroups=subgroups,
        meta_regression=meta_reg, publication_bias=bias, sensitivity=sens, warnings=tuple(caught), effects=eff,
        inputs=_inputs(data, eff.source), multilevel=fit.multilevel, robust=fit.robust,
    )


def merge_undefined(caught: list[str]) -> list[str]:
    """Degenerate-data warnings with one reason become one line naming every part it applies to.

    >>> merge_undefined(["DegenerateDataWarning: x are undefined [pooled analysis]",
    ...                  "DegenerateDataWarning: x are undefined [Egger's test]"])
    ["DegenerateDataWarning: x are undefined [pooled analysis; Egger's test]"]
    """
    head = "DegenerateDataWarning: "
    parts: dict[str, list[str]] = {}
    out: list[str] = []
    for text in caught:
        if text.startswith(head) and text.endswith("]") and " [" in text:
            reason, what = text[:-1].rsplit(" [", 1)
            if reason not in parts:
                parts[reason] = []
                out.append(reason)
            parts[reason].append(what)
        else:
            out.append(text)
    return [f"{t} [{'; '.join(parts[t])}]" if t in parts else t for t in out]


def _inputs(data: Any, source: str) -> tuple[dict[str, Any], ...]:
    """The input file behind ``data`` (hashed for the document's provenance), if there is one."""
    path = Path(data) if isinstance(data, (str, Path)) else Path(source) if source else None
    if path is None or not path.is_file():
        return ()
    return (input_record(path),)
