"""Run one :class:`AnalysisSpec` on a study table and collect everything in an :class:`AnalysisBundle`."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

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
        _check_scale(eff)
        fit = fit_pooled(eff, spec)
        subgroups = subgroup_analysis(eff, spec) if spec.subgroup else None
        meta_reg = meta_regression_section(eff, spec) if spec.moderators else None
        bias = publication_bias_section(eff, spec, fit) if spec.bias else None
        sens = sensitivity_section(eff, spec, fit) if spec.sensitivity else None
    for w in record:
        text = f"{w.category.__name__}: {w.message}"
        if text not in caught:
            caught.append(text)
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return AnalysisBundle(
        spec=spec, measure=eff.measure, log_scale=eff.log_scale, data_type=eff.kind, source=eff.source,
        studies=studies_from(eff, fit.weights, spec.level), pooled=fit.pooled, heterogeneity=fit.heterogeneity,
        totals=totals_from(eff), subgroups=subgroups, meta_regression=meta_reg, publication_bias=bias,
        sensitivity=sens, warnings=tuple(caught), effects=eff, inputs=_inputs(data, eff.source),
    )


#: The scale analyses are exact in (see :data:`evisynth.batch._core.EXTREME`).
EXTREME = 1e100


def _check_scale(eff: EffectTable) -> None:
    """Refuse effects or variances at a scale whose squares overflow double precision (one line, naming the study)."""
    import numpy as np

    y, v = np.asarray(eff.yi, float), np.asarray(eff.vi, float)
    bad = np.asarray(eff.included, bool) & np.isfinite(y) & np.isfinite(v) & (
        (np.abs(y) > EXTREME) | (v > EXTREME) | (v < 1 / EXTREME))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"study {eff.study[i]!r}: yi={float(y[i]):.3g}, vi={float(v[i]):.3g} is outside the range "
                         f"analyses are exact in (|yi| <= {EXTREME:g}, {1 / EXTREME:g} <= vi <= {EXTREME:g}); "
                         "express the effects in another unit", file=eff.source or None)


def _inputs(data: Any, source: str) -> tuple[dict[str, Any], ...]:
    """The input file behind ``data`` (hashed for the document's provenance), if there is one."""
    path = Path(data) if isinstance(data, (str, Path)) else Path(source) if source else None
    if path is None or not path.is_file():
        return ()
    return (input_record(path),)
