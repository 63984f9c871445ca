"""All results of one analysis: :class:`AnalysisBundle`, the object every layer above reads.

Its :meth:`AnalysisBundle.to_dict` is the analysis document written by ``evisynth analyze
--json`` (a public contract: key names never change with settings); :meth:`AnalysisBundle.from_dict`
reads a document written earlier back into the same typed object.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evisynth import format as fmt
from evisynth._version import __version__
from evisynth.analyses.results import (
    FigureData,
    Heterogeneity,
    MetaRegression,
    MultilevelSection,
    Pooled,
    PublicationBias,
    RobustSection,
    Sensitivity,
    StudyRow,
    SubgroupAnalysis,
    SummaryText,
    Totals,
    exp_or_none,
)
from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.table import MEASURE_LABELS, EffectTable


@dataclass(frozen=True)
class AnalysisBundle:
    """All results of one analysis, with the settings and data that produced them.

    Attributes
    ----------
    spec : AnalysisSpec
        The resolved settings.
    studies : tuple of StudyRow
        One row per input row, in input order.
    pooled, heterogeneity, totals : Pooled, Heterogeneity, Totals
    subgroups, meta_regression, publication_bias, sensitivity
        The sections that were asked for (``None`` otherwise).
    warnings : tuple of str
        ``"Category: message"`` of every warning raised while analysing.
    effects : EffectTable or None
        The effect table analysed (``None`` for a bundle read back from JSON).
    inputs : tuple of dict
        The input files read (``path``, ``sha256``, ``bytes``); empty for a DataFrame.
    multilevel, robust : MultilevelSection, RobustSection or None
        The three-level model's variance components and tests (``--model multilevel``) and the
        cluster-robust inference that replaced the model-based one in ``pooled`` (``--robust``).
    """

    spec: AnalysisSpec
    measure: str
    log_scale: bool
    data_type: str
    source: str
    studies: tuple[StudyRow, ...]
    pooled: Pooled
    heterogeneity: Heterogeneity
    totals: Totals
    subgroups: SubgroupAnalysis | None = None
    meta_regression: MetaRegression | None = None
    publication_bias: PublicationBias | None = None
    sensitivity: Sensitivity | None = None
    warnings: tuple[str, ...] = ()
    evisynth_version: str = __version__
    effects: EffectTable | None = field(default=None, repr=False, compare=False)
    inputs: tuple[dict[str, Any], ...] = field(default=(), repr=False, compare=False)
    multilevel: MultilevelSection | None = None
    robust: RobustSection | None = None

    # -- derived ------------------------------------------------------------------------------

    @property
    def measure_label(self) -> str:
        """``Mean Difference``, ``Odds Ratio``, ... as RevMan names the measure."""
        return MEASURE_LABELS.get(self.measure, self.measure)

    @property
    def k(self) -> int:
        """Number of studies in the pooled analysis."""
        return self.pooled.k

    @property
    def included(self) -> tuple[StudyRow, ...]:
        """The study rows that entered the analysis."""
        return tuple(s for s in self.studies if s.included)

    @property
    def text(self) -> dict[str, str]:
        """RevMan-style summary lines (heterogeneity, overall effect, subgroup differences)."""
        p, h = self.pooled, self.heterogeneity
        out = {
            "heterogeneity": fmt.heterogeneity_text(q=h.q, df=h.q_df, q_p=h.q_p, i2=h.i2,
                                                    tau2=h.tau2 if p.random else None),
            "overall_effect": fmt.overall_effect_text(p.statistic, p.p_value, p.df),
        }
        if p.model == "multilevel":
            out["heterogeneity"] = out["heterogeneity"].replace("Tau²", "Tau² (sigma² between + within clusters)", 1)
        if p.test == "CR2":
            from evisynth.analyses.text_dependent import robust_effect_text

            out["overall_effect"] = robust_effect_text(p)
        if self.subgroups is not None:
            d = self.subgroups.difference
            out["subgroup_difference"] = fmt.subgroup_difference_text(d.q, d.df, d.p_value, d.i2)
        return out

    @functools.cached_property
    def figures(self) -> FigureData:
        """What figures need beyond the document: Baujat points and one bubble fit per moderator."""
        from evisynth.analyses.figure_data import figure_data

        return figure_data(self.studies, self.pooled, self.spec.moderators)

    def natural(self, x: float | None) -> float | None:
        """``x`` on the scale people read: exponentiated for ratio measures."""
        return exp_or_none(x) if self.log_scale else x

    # -- saving and reading ---------------------------------------------------------------------

    @property
    def provenance(self) -> dict[str, Any]:
        """What produced these results: ``evisynth_version``, ``settings`` and ``inputs`` (each input file's
        ``path``, ``sha256`` and ``bytes``). No timestamp: the same inputs give the same document."""
        return {"evisynth_version": self.evisynth_version, "settings": self.spec.settings(),
                "inputs": [dict(i) for i in self.inputs]}

    def to_dict(self) -> dict[str, Any]:
        """The analysis document (JSON-ready)."""
        pooled = self.pooled.to_dict()
        doc: dict[str, Any] = {
            "evisynth_version": self.evisynth_version,
            "source": self.source,
            "measure": self.measure,
            "measure_label": self.measure_label,
            "log_scale": self.log_scale,
            "data_type": self.data_type,
            "settings": self.spec.settings(),
            "studies": [s.to_dict() for s in self.studies],
            "pooled": pooled,
            "heterogeneity": self.heterogeneity.to_dict(),
            "totals": self.totals.to_dict(),
        }
        for name in ("multilevel", "robust", "subgroups", "meta_regression", "publication_bias", "sensitivity"):
            section = getattr(self, name)
            if section is not None:
                doc[name] = section.to_dict()
        doc["text"] = self.text
        doc["warnings"] = list(self.warnings)
        doc["provenance"] = self.provenance
        return doc

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> AnalysisBundle:
        """Read an analysis document (``to_dict()`` or ``evisynth analyze --json``) back."""
        log = bool(doc.get("log_scale", False))
        spec = AnalysisSpec.from_settings(dict(doc.get("settings") or {}))
        sections: dict[str, Any] = {}
        for name, kind in (("multilevel", MultilevelSection), ("robust", RobustSection),
                           ("subgroups", SubgroupAnalysis), ("meta_regression", MetaRegression),
                           ("publication_bias", PublicationBias), ("sensitivity", Sensitivity)):
            if doc.get(name) is not None:
                sections[name] = kind.from_dict(doc[name], log_scale=log)
        return cls(
            spec=spec, measure=str(doc["measure"]), log_scale=log, data_type=str(doc.get("data_type", "generic")),
            source=str(doc.get("source", "")),
            studies=tuple(StudyRow.from_dict(s, log_scale=log) for s in doc["studies"]),
            pooled=Pooled.from_dict(doc["pooled"], log_scale=log),
            heterogeneity=Heterogeneity.from_dict(doc["heterogeneity"]),
            totals=Totals.from_dict(doc.get("totals") or {}),
            warnings=tuple(doc.get("warnings") or ()),
            evisynth_version=str(doc.get("evisynth_version", "")),
            inputs=tuple(dict(i) for i in (doc.get("provenance") or {}).get("inputs") or () if isinstance(i, Mapping)),
            **sections,
        )

    # -- display ------------------------------------------------------------------------------

    def summary(self) -> SummaryText:
        """The readable, RevMan-style report (what ``evisynth analyze`` prints)."""
        from evisynth.analyses.text import render_text

        return SummaryText(render_text(self))

    def __str__(self) -> str:
        return str(self.summary())

    def to_frame(self) -> Any:
        """The studies as a pandas DataFrame (one row per input row, arm data as columns)."""
        import pandas as pd

        rows = []
        for s in self.studies:
            row = {k: v for k, v in s.to_dict().items() if k not in ("data", "moderators")}
            row.update(s.data)
            rows.append(row)
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        e = html.escape
        p, text = self.pooled, self.text
        level = round(100 * p.level)
        head = (f"<tr><th style='text-align:left'>Study</th><th>{e(self.measure)} [{level}% CI]</th>"
                "<th>Weight</th></tr>")
        body = []
        for s in self.studies:
            if s.included and s.estimable:
                est = fmt.format_effect_ci(self.natural(s.yi), self.natural(s.ci_lower), self.natural(s.ci_upper))
                weight = fmt.format_percent(s.weight_percent, 1)
            else:
                est, weight = "Not estimable", e(s.note or "")
            body.append(f"<tr><td style='text-align:left'>{e(s.study)}</td><td>{e(est)}</td><td>{weight}</td></tr>")
        total = fmt.format_effect_ci(self.natural(p.estimate), self.natural(p.ci_lower), self.natural(p.ci_upper))
        body.append(f"<tr><th style='text-align:left'>Total ({level}% CI)</th><th>{e(total)}</th><th>100.0%</th></tr>")
        lower, upper = p.prediction_interval()
        if lower is not None:
            pi = fmt.format_ci(self.natural(lower), self.natural(upper))
            body.append(f"<tr><td style='text-align:left'>Prediction interval</td><td>{e(pi)}</td><td></td></tr>")
        caption = f"{self.measure_label} ({p.model}, {p.method}, {p.test}); k = {p.k}"
        notes = "".join(f"<p>{e(line)}</p>" for line in (text["heterogeneity"], text["overall_effect"]))
        return f"<table><caption>{e(caption)}</caption>{head}{''.join(body)}</table>{notes}"


def studies_from(eff: EffectTable, weights: Any, level: float, counted: Any = None) -> tuple[StudyRow, ...]:
    """The study rows of an effect table with the analysis' weights (percent, nan if not analysed).

    ``counted`` marks the rows the analysis counts (default: the rows with an effect); Mantel-Haenszel
    and Peto count every table, so a double-zero study is ``included`` with no effect of its own
    ("not estimable").
    """
    import numpy as np

    from evisynth._dist import crit_norm
    from evisynth.analyses.results import number, plain

    z = crit_norm(level)
    inc = eff.included if counted is None else np.asarray(counted, dtype=bool)
    rows = []
    for i in range(eff.k):
        yi, vi = eff.yi[i], eff.vi[i]
        se = float(np.sqrt(vi)) if np.isfinite(vi) else None
        rows.append(StudyRow(
            study=eff.study[i], yi=number(yi), vi=number(vi), se=number(se),
            ci_lower=number(yi - z * se) if se is not None else None,
            ci_upper=number(yi + z * se) if se is not None else None,
            weight_percent=number(weights[i]) if inc[i] else None, included=bool(inc[i]),
            note=eff.notes[i] or None, data={key: plain(col[i]) for key, col in eff.data.items()},
            moderators={key: plain(col[i]) for key, col in eff.extra.items()},
            decimals={key: d for key, col in eff.decimals.items() if key in eff.data and (d := col[i]) is not None},
            derived=tuple(key for key, col in eff.decimals.items()
                          if key in eff.data and col[i] is None and plain(eff.data[key][i]) is not None),
            log_scale=eff.log_scale,
        ))
    return tuple(rows)


def totals_from(eff: EffectTable, counted: Any = None) -> Totals:
    """Participants (and events) per arm over the studies counted in ``k`` (default: the included ones).

    Mantel-Haenszel and Peto analyses count every table, double-zero ones too, so their totals
    include them (as RevMan's totals row does).
    """
    import numpy as np

    d, inc = eff.data, (eff.included if counted is None else np.asarray(counted, dtype=bool))
    values: dict[str, int] = {}
    if "n1" in d:
        values["n1"] = int(np.sum(d["n1"][inc]))
        values["n2"] = int(np.sum(d["n2"][inc]))
        values["participants"] = values["n1"] + values["n2"]
    if "events1" in d:
        values["events1"] = int(np.sum(d["events1"][inc]))
        values["events2"] = int(np.sum(d["events2"][inc]))
    return Totals(**values)
