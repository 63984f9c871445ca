"""The analysis facade: study tables in, typed results out.

Examples
--------
>>> import pandas as pd
>>> import evisynth
>>> data = pd.DataFrame({
...     "study": ["A", "B", "C"], "m1": [1.0, 2.0, 0.5], "sd1": [1.0, 1.2, 0.8], "n1": [10, 15, 20],
...     "m2": [1.5, 2.1, 1.2], "sd2": [1.1, 1.0, 0.9], "n2": [12, 14, 21]})
>>> res = evisynth.meta_analysis(data, method="DL")
>>> round(res.pooled.estimate, 4)
-0.5177
>>> print(res.text["overall_effect"])
Test for overall effect: Z = 2.59 (P = 0.009)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from evisynth import options as opt
from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.fit import PooledResult, fit_pooled
from evisynth.analyses.results import (
    CumulativeRow,
    InfluenceRow,
    LeaveOneOutRow,
    MetaRegression,
    PublicationBias,
    SubgroupAnalysis,
)
from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.compute import compute_effects
from evisynth.effects.table import EffectTable
from evisynth.errors import InputError
from evisynth.io.tabular import StudyTable
from evisynth.io.tabular import read_study_table as _read
from evisynth.models.pool import PoolArrays
from evisynth.models.pool import pool as _pool


class MetaAnalysis(AnalysisBundle):
    """An :class:`AnalysisBundle` with its figures one call away (what :func:`meta_analysis` returns).

    In a notebook the result shows itself as an HTML table; ``res.summary()`` is the RevMan-style
    text, ``res.pooled.ci_lower`` a typed attribute, ``res.to_frame()`` the studies as a DataFrame.
    """

    @classmethod
    def of(cls, bundle: AnalysisBundle) -> MetaAnalysis:
        """The same results, as a :class:`MetaAnalysis`."""
        return cls(**{f.name: getattr(bundle, f.name) for f in fields(bundle)})

    def forest(self, **options: Any) -> Any:
        """The RevMan-style forest plot as a matplotlib Figure (options: :class:`~evisynth.plots.forest.ForestOptions`)."""
        from evisynth.plots import forest

        return forest.draw(forest.forest_layout(self, forest.ForestOptions(**options)))

    def funnel(self, **options: Any) -> Any:
        """The contour-enhanced funnel plot as a matplotlib Figure."""
        from evisynth.plots import funnel

        return funnel.draw(funnel.funnel_layout(self, **options))

    def report(self, out_dir: str | Path, *, force: bool = False, **options: Any) -> Path:
        """Write ``report.html``, ``report.md``, the figures and ``analysis.json`` into ``out_dir``
        (``force`` replaces files there that evisynth did not write)."""
        from evisynth.report.html_report import write_report
        from evisynth.report.options import ReportOptions

        return write_report(self, out_dir, ReportOptions(**options), force=force)

    def save(self, path: str | Path, *, force: bool = False) -> Path:
        """Write the analysis document as JSON (see :func:`save_analysis`)."""
        return save_analysis(self, path, force=force)


def read_study_table(data: Any, *, source: str | None = None, split_control: bool | None = None) -> StudyTable:
    """Read and check a study table (CSV/Excel path or DataFrame); see :mod:`evisynth.io.tabular`.

    ``split_control`` overrides the table's ``split_control`` column (``False``: every comparison
    keeps its whole shared control group, as for a three-level sensitivity analysis).
    """
    return _read(data, source=source, split_control=split_control)


def effect_sizes(data: Any, measure: str | None = None, *, smd_variance: str = opt.DEFAULT_SMD_VARIANCE,
                 continuity: float = opt.DEFAULT_CONTINUITY, drop_double_zero: bool | None = None,
                 log_scale: bool = False) -> EffectTable:
    """Compute study effects (``yi``, ``vi``) from a study table; see :func:`evisynth.effects.compute_effects`."""
    table = data if isinstance(data, StudyTable) else _read(data)
    return compute_effects(table, measure, smd_variance=smd_variance,  # type: ignore[arg-type]
                           continuity=continuity, drop_double_zero=drop_double_zero, log_scale=log_scale)


def analyze(data: Any, spec: AnalysisSpec | None = None, **settings: Any) -> MetaAnalysis:
    """Run every analysis an :class:`AnalysisSpec` (or keyword settings) asks for.

    Keyword settings are the fields of :class:`AnalysisSpec` (``measure``, ``model``,
    ``method``, ``test``, ``level``, ``subgroup``, ``moderators``, ``bias``, ``sensitivity``...).
    """
    spec = replace(spec, **settings) if spec is not None else AnalysisSpec(**settings)
    return MetaAnalysis.of(run_analysis(data, spec))


def meta_analysis(data: Any, **settings: Any) -> MetaAnalysis:
    """Pool a study table (random effects REML by default); returns a :class:`MetaAnalysis`."""
    return analyze(data, **settings)


def save_analysis(bundle: AnalysisBundle, path: str | Path, *, force: bool = False,
                  inputs: tuple[str | Path, ...] = ()) -> Path:
    """Write the analysis document (``evisynth analyze --json``) atomically.

    Never over one of the analysis' input files (or ``inputs``); an existing file that evisynth did
    not write (or that was edited since) is replaced only with ``force``.
    """
    import json

    from evisynth.files import write_output

    text = json.dumps(bundle.to_dict(), indent=2, allow_nan=False) + "\n"
    return write_output(path, text, inputs=(*inputs, *(i["path"] for i in bundle.inputs)), force=force,
                        by="analyze", provenance=bundle.provenance, option="--json")


def load_analysis(source: str | Path | Mapping[str, Any]) -> MetaAnalysis:
    """An analysis saved earlier (``evisynth analyze --json`` file, or its dict), as typed results."""
    if isinstance(source, Mapping):
        return MetaAnalysis.of(AnalysisBundle.from_dict(source))
    import json

    path = Path(source)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read an analysis document: {exc}", file=str(path)) from None
    if not isinstance(doc, dict) or "pooled" not in doc or "studies" not in doc:
        raise InputError("not an evisynth analysis document (needs 'studies' and 'pooled')", file=str(path))
    return MetaAnalysis.of(AnalysisBundle.from_dict(doc))


def mantel_haenszel(data: Any, measure: str = "OR", **settings: Any) -> MetaAnalysis:
    """Mantel-Haenszel common-effect analysis of dichotomous data (OR, RR or RD)."""
    return analyze(data, measure=measure, method="MH", **settings)


def peto(data: Any, **settings: Any) -> MetaAnalysis:
    """Peto's one-step odds ratio (common effect) of dichotomous data."""
    return analyze(data, measure="PETO", method="PETO", **settings)


def _section(bundle: AnalysisBundle, name: str) -> Any:
    section = getattr(bundle, name)
    if section is None:  # every section asked for is computed or raises; this is a safeguard
        raise InputError(f"the analysis produced no {name.replace('_', ' ')} section")
    return section


def subgroup_analysis(data: Any, subgroup: str, **settings: Any) -> SubgroupAnalysis:
    """Estimates per level of ``subgroup`` and the test for subgroup differences."""
    return _section(analyze(data, subgroup=subgroup, **settings), "subgroups")  # type: ignore[no-any-return]


def meta_regression(data: Any, moderators: str | list[str] | tuple[str, ...], **settings: Any) -> MetaRegression:
    """Meta-regression on one or more moderator columns."""
    mods = (moderators,) if isinstance(moderators, str) else tuple(moderators)
    return _section(analyze(data, moderators=mods, **settings), "meta_regression")  # type: ignore[no-any-return]


def publication_bias(data: Any, **settings: Any) -> PublicationBias:
    """Egger, Begg, trim-and-fill and fail-safe N."""
    return _section(analyze(data, bias=True, **settings), "publication_bias")  # type: ignore[no-any-return]


def leave_one_out(data: Any, **settings: Any) -> tuple[LeaveOneOutRow, ...]:
    """Leave-one-out analyses (one row per omitted study)."""
    return _section(analyze(data, sensitivity=True, **settings), "sensitivity").leave_one_out  # type: ignore[no-any-return]


def cumulative(data: Any, order: str | None = None, **settings: Any) -> tuple[CumulativeRow, ...]:
    """Cumulative meta-analysis in input order or by the ``order`` column."""
    sens = _section(analyze(data, sensitivity=True, order=order, **settings), "sensitivity")
    return sens.cumulative  # type: ignore[no-any-return]


def influence(data: Any, **settings: Any) -> tuple[InfluenceRow, ...] | None:
    """Influence diagnostics per study (metafor's ``influence.rma.uni``; ``None`` for MH/Peto)."""
    return _section(analyze(data, sensitivity=True, **settings), "sensitivity").influence  # type: ignore[no-any-return]


def pool(yi: Any, vi: Any, *, model: str = opt.DEFAULT_MODEL, method: str = opt.DEFAULT_TAU2_METHOD,
         test: str = opt.DEFAULT_TEST, level: float = opt.DEFAULT_LEVEL, heterogeneity_ci: bool = True) -> PoolArrays:
    """Pool effect estimates ``yi`` with sampling variances ``vi`` (arrays; no study table needed).

    The fastest entry point for one meta-analysis: every pooled, prediction-interval and
    heterogeneity statistic of :func:`evisynth.models.pool.pool` as plain floats. For many
    meta-analyses at once use :func:`evisynth.batch.batch_meta_analysis`.

    >>> r = pool([0.1, 0.3, 0.5, 0.2], [0.02, 0.03, 0.04, 0.02], method="DL")
    >>> round(r.estimate, 4), round(r.tau2, 4)
    (0.2368, 0.0)

    Raises :class:`~evisynth.errors.InputError` unless ``yi`` and ``vi`` are 1-D, of the same
    non-zero length, with finite effects and positive finite variances.
    """
    from evisynth.batch._core import as_floats

    y = as_floats(yi, "yi")
    v = as_floats(vi, "vi")
    if y.ndim != 1 or v.shape != y.shape or y.size == 0:
        raise InputError(f"yi and vi must be 1-D arrays of the same, non-zero length; got shapes {y.shape} "
                         f"and {v.shape} (for many meta-analyses use evisynth.batch.batch_meta_analysis)")
    ok = np.isfinite(y) & np.isfinite(v) & (v > 0)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise InputError(f"study {i} (0-based) needs a finite effect and a positive finite variance; "
                         f"got yi={float(y[i])!r}, vi={float(v[i])!r}")
    c = _scale(y, v)
    if c == 1.0:
        return _pool(y, v, model=model, method=method, test=test, level=level, heterogeneity_ci=heterogeneity_ci)
    res = _pool(y / c, v / (c * c), model=model, method=method, test=test, level=level,
                heterogeneity_ci=heterogeneity_ci)
    return replace(res, **{f: getattr(res, f) * c for f in _LINEAR}, **{f: getattr(res, f) * c * c for f in _SQUARE})


#: Results in the effects' unit, and in its square (see :func:`_scale`).
_LINEAR = ("estimate", "se", "ci_lower", "ci_upper", "pi_lower", "pi_upper", "pi_lower_t", "pi_upper_t", "tau",
           "tau_ci_lower", "tau_ci_upper")
_SQUARE = ("tau2", "tau2_se", "tau2_ci_lower", "tau2_ci_upper", "vt")
#: Effects and variances inside this range are pooled as they are; double precision has room for the
#: weights' squares and cubes and the squared residuals that the estimators form.
_ORDINARY = 1e100


def _scale(y: np.ndarray, v: np.ndarray) -> float:
    """1.0 for ordinary data; for data at an extreme scale (effects beyond ±1e100, variances outside
    1e-100..1e100) the unit ``c`` in which to pool (every estimator is scale-equivariant: effects
    ``y/c``, variances ``v/c²``; results scale back exactly). Data that no unit brings into range
    (e.g. variances from 1e-300 to 1e300 in one analysis) are refused with one line."""
    big = max(float(np.max(np.abs(y))), 0.0)
    if big <= _ORDINARY and float(v.min()) >= 1 / _ORDINARY and float(v.max()) <= _ORDINARY:
        return 1.0
    c = float(np.sqrt(np.median(v)))
    if big / c <= _ORDINARY and float(v.min()) / c / c >= 1 / _ORDINARY and float(v.max()) / c / c <= _ORDINARY:
        return c
    raise InputError(f"the effects (|yi| up to {big:.3g}) and variances ({float(v.min()):.3g} to {float(v.max()):.3g}) "
                     "are too far apart in scale to pool in double precision (no unit brings effects within 1e100 "
                     "and variances within 1e-100..1e100); express the effects in another unit")


def pool_effects(effects: EffectTable, **settings: Any) -> PooledResult:
    """Pool an existing :class:`EffectTable` with the given settings."""
    return fit_pooled(effects, AnalysisSpec(**settings).resolved())


__all__ = [
    "AnalysisBundle", "AnalysisSpec", "EffectTable", "MetaAnalysis", "PoolArrays", "PooledResult", "StudyTable",
    "analyze", "cumulative", "effect_sizes", "influence", "leave_one_out", "load_analysis", "mantel_haenszel",
    "meta_analysis", "meta_regression", "peto", "pool", "pool_effects", "publication_bias", "read_study_table",
    "save_analysis", "subgroup_analysis",
]
