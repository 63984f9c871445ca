"""Run one :class:`AnalysisSpec` on a study table and collect everything in an :class:`AnalysisBundle`.

The bundle's :meth:`AnalysisBundle.to_dict` is the analysis document written by
``evisynth analyze --json`` (a public contract: key names never change with settings).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from evisynth import format as fmt
from evisynth._dist import crit_norm
from evisynth._version import __version__
from evisynth.analyses.fit import PooledResult, clean, exp_twins, fit_pooled
from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.compute import compute_effects
from evisynth.effects.table import MEASURE_LABELS, EffectTable
from evisynth.errors import InputError
from evisynth.io.tabular import StudyTable, read_study_table


@dataclass(frozen=True)
class AnalysisBundle:
    """All results of one analysis, with the inputs and settings that produced them."""

    spec: AnalysisSpec
    effects: EffectTable
    pooled: PooledResult
    subgroups: dict[str, Any] | None = None
    meta_regression: dict[str, Any] | None = None
    publication_bias: dict[str, Any] | None = None
    sensitivity: dict[str, Any] | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def studies(self) -> list[dict[str, Any]]:
        """The ``studies`` section: one entry per input row, in input order."""
        eff = self.effects
        z = crit_norm(self.spec.level)
        out = []
        for i in range(eff.k):
            yi, vi = eff.yi[i], eff.vi[i]
            se = float(np.sqrt(vi)) if np.isfinite(vi) else None
            entry: dict[str, Any] = {
                "study": eff.study[i],
                "yi": clean(yi),
                "vi": clean(vi),
                "se": clean(se),
                "ci_lower": clean(yi - z * se) if se is not None else None,
                "ci_upper": clean(yi + z * se) if se is not None else None,
                "weight_percent": clean(self.pooled.weights[i]) if eff.included[i] else None,
                "included": bool(eff.included[i]),
                "note": eff.notes[i] or None,
            }
            if eff.log_scale:
                entry = exp_twins(entry, ("yi", "ci_lower", "ci_upper"))
            entry["data"] = {key: clean(col[i]) for key, col in eff.data.items()}
            entry["moderators"] = {key: clean(col[i]) for key, col in eff.extra.items()}
            out.append(entry)
        return out

    def to_frame(self) -> Any:
        """The studies as a pandas DataFrame (one row per input row)."""
        import pandas as pd

        rows = []
        for s in self.studies():
            row = {k: v for k, v in s.items() if k not in ("data", "moderators")}
            row.update(s["data"])
            rows.append(row)
        return pd.DataFrame(rows)

    def __str__(self) -> str:
        from evisynth.report.analysis_text import render_text

        return render_text(self.to_dict())

    def _repr_html_(self) -> str:
        import html

        return "<pre>" + html.escape(str(self)) + "</pre>"

    def totals(self) -> dict[str, Any]:
        """Participants (and events) per arm over the included studies."""
        d, inc = self.effects.data, self.effects.included
        out: dict[str, Any] = {}
        if "n1" in d:
            out["n1"] = int(np.sum(d["n1"][inc]))
            out["n2"] = int(np.sum(d["n2"][inc]))
            out["participants"] = out["n1"] + out["n2"]
        if "events1" in d:
            out["events1"] = int(np.sum(d["events1"][inc]))
            out["events2"] = int(np.sum(d["events2"][inc]))
        return out

    def text(self) -> dict[str, str]:
        """RevMan-style summary lines."""
        p = self.pooled
        het = fmt.heterogeneity_text(q=p.q, df=p.q_df, q_p=p.q_p, i2=p.i2,
                                     tau2=p.tau2 if p.model == "random" else None)
        overall = fmt.overall_effect_text(p.statistic, p.p_value, p.df)
        out = {"heterogeneity": het, "overall_effect": overall}
        if self.subgroups:
            d = self.subgroups["difference"]
            out["subgroup_difference"] = fmt.subgroup_difference_text(d["q"], d["df"], d["p_value"], d["i2"])
        return out

    def to_dict(self) -> dict[str, Any]:
        """The analysis document (JSON-ready)."""
        pooled = self.pooled.pooled_dict()
        pooled.update(model=self.pooled.model, method=self.pooled.method, test=self.pooled.test,
                      level=self.spec.level, converged=self.pooled.converged)
        doc: dict[str, Any] = {
            "evisynth_version": __version__,
            "source": self.effects.source,
            "measure": self.effects.measure,
            "measure_label": MEASURE_LABELS[self.effects.measure],
            "log_scale": self.effects.log_scale,
            "data_type": self.effects.kind,
            "settings": self.spec.settings(),
            "studies": self.studies(),
            "pooled": pooled,
            "heterogeneity": self.pooled.heterogeneity_dict(),
            "totals": self.totals(),
        }
        if self.subgroups is not None:
            doc["subgroups"] = self.subgroups
        if self.meta_regression is not None:
            doc["meta_regression"] = self.meta_regression
        if self.publication_bias is not None:
            doc["publication_bias"] = self.publication_bias
        if self.sensitivity is not None:
            doc["sensitivity"] = self.sensitivity
        doc["text"] = self.text()
        doc["warnings"] = list(self.warnings)
        return doc


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
        pooled = fit_pooled(eff, spec)
        subgroups = meta_reg = bias = sens = None
        if spec.subgroup:
            from evisynth.analyses.subgroups import subgroup_analysis

            subgroups = subgroup_analysis(eff, spec)
        if spec.moderators:
            from evisynth.analyses.meta_regression import meta_regression_section

            meta_reg = meta_regression_section(eff, spec)
        if spec.bias:
            from evisynth.analyses.publication_bias import publication_bias_section

            bias = publication_bias_section(eff, spec, pooled)
        if spec.sensitivity:
            from evisynth.analyses.sensitivity import sensitivity_section

            sens = sensitivity_section(eff, spec, pooled)
    for w in record:
        text = f"{w.category.__name__}: {w.message}"
        if text not in caught:
            caught.append(text)
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return AnalysisBundle(spec, eff, pooled, subgroups, meta_reg, bias, sens, tuple(caught))
