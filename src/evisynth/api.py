"""The public Python facade: everything outside the engine calls these functions.

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
>>> print(res.text()["overall_effect"])
Test for overall effect: Z = 2.59 (P = 0.009)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from evisynth.analyses.fit import PooledResult, fit_pooled
from evisynth.analyses.run import AnalysisBundle, run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.compute import compute_effects
from evisynth.effects.table import EffectTable
from evisynth.errors import InputError
from evisynth.io.tabular import StudyTable
from evisynth.io.tabular import read_study_table as _read
from evisynth.models.pool import PoolArrays
from evisynth.models.pool import pool as _pool


def read_study_table(data: Any, *, source: str | None = None) -> StudyTable:
    """Read and check a study table (CSV/Excel path or DataFrame); see :mod:`evisynth.io.tabular`."""
    return _read(data, source=source)


def effect_sizes(
    data: Any,
    measure: str | None = None,
    *,
    smd_variance: str = "revman",
    continuity: float = 0.5,
    drop_double_zero: bool | None = None,
    log_scale: bool = False,
) -> EffectTable:
    """Compute study effects (``yi``, ``vi``) from a study table; see :func:`evisynth.effects.compute_effects`."""
    table = data if isinstance(data, StudyTable) else _read(data)
    return compute_effects(table, measure, smd_variance=smd_variance,  # type: ignore[arg-type]
                           continuity=continuity, drop_double_zero=drop_double_zero, log_scale=log_scale)


def analyze(data: Any, spec: AnalysisSpec | None = None, **settings: Any) -> AnalysisBundle:
    """Run every analysis an :class:`AnalysisSpec` (or keyword settings) asks for.

    Keyword settings are the fields of :class:`AnalysisSpec` (``measure``, ``model``,
    ``method``, ``test``, ``level``, ``subgroup``, ``moderators``, ``bias``, ``sensitivity``...).
    """
    spec = replace(spec, **settings) if spec is not None else AnalysisSpec(**settings)
    return run_analysis(data, spec)


def meta_analysis(data: Any, **settings: Any) -> AnalysisBundle:
    """Pool a study table (random effects REML by default); returns an :class:`AnalysisBundle`."""
    return analyze(data, **settings)


def mantel_haenszel(data: Any, measure: str = "OR", **settings: Any) -> AnalysisBundle:
    """Mantel-Haenszel common-effect analysis of dichotomous data (OR, RR or RD)."""
    return analyze(data, measure=measure, method="MH", **settings)


def peto(data: Any, **settings: Any) -> AnalysisBundle:
    """Peto's one-step odds ratio (common effect) of dichotomous data."""
    return analyze(data, measure="PETO", method="PETO", **settings)


def subgroup_analysis(data: Any, subgroup: str, **settings: Any) -> dict[str, Any]:
    """The subgroup section (estimates per level and the test for subgroup differences)."""
    res = analyze(data, subgroup=subgroup, **settings).subgroups
    assert res is not None
    return res


def meta_regression(data: Any, moderators: str | list[str] | tuple[str, ...], **settings: Any) -> dict[str, Any]:
    """The meta-regression section for one or more moderator columns."""
    mods = (moderators,) if isinstance(moderators, str) else tuple(moderators)
    res = analyze(data, moderators=mods, **settings).meta_regression
    assert res is not None
    return res


def publication_bias(data: Any, **settings: Any) -> dict[str, Any]:
    """Egger, Begg, trim-and-fill and fail-safe N."""
    res = analyze(data, bias=True, **settings).publication_bias
    assert res is not None
    return res


def _sensitivity(data: Any, key: str, **settings: Any) -> Any:
    res = analyze(data, sensitivity=True, **settings).sensitivity
    assert res is not None
    return res[key]


def leave_one_out(data: Any, **settings: Any) -> list[dict[str, Any]]:
    """Leave-one-out analyses (one row per omitted study)."""
    return _sensitivity(data, "leave_one_out", **settings)


def cumulative(data: Any, order: str | None = None, **settings: Any) -> list[dict[str, Any]]:
    """Cumulative meta-analysis in input order or by the ``order`` column."""
    return _sensitivity(data, "cumulative", order=order, **settings)


def influence(data: Any, **settings: Any) -> list[dict[str, Any]]:
    """Influence diagnostics per study (metafor's ``influence.rma.uni``)."""
    return _sensitivity(data, "influence", **settings)


def pool(yi: Any, vi: Any, *, model: str = "random", method: str = "REML", test: str = "z",
         level: float = 0.95, heterogeneity_ci: bool = True) -> PoolArrays:
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
    y = np.asarray(yi, dtype=float)
    v = np.asarray(vi, dtype=float)
    if y.ndim != 1 or v.shape != y.shape or y.size == 0:
        raise InputError(f"yi and vi must be 1-D arrays of the same, non-zero length; got shapes {y.shape} "
                         f"and {v.shape} (for many meta-analyses use evisynth.batch.batch_meta_analysis)")
    ok = np.isfinite(y) & np.isfinite(v) & (v > 0)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise InputError(f"study {i} (0-based) needs a finite effect and a positive finite variance; "
                         f"got yi={float(y[i])!r}, vi={float(v[i])!r}")
    return _pool(y, v, model=model, method=method, test=test, level=level, heterogeneity_ci=heterogeneity_ci)


def pool_effects(effects: EffectTable, **settings: Any) -> PooledResult:
    """Pool an existing :class:`EffectTable` with the given settings."""
    return fit_pooled(effects, AnalysisSpec(**settings).resolved())


__all__ = [
    "AnalysisBundle",
    "AnalysisSpec",
    "EffectTable",
    "PooledResult",
    "analyze",
    "cumulative",
    "effect_sizes",
    "influence",
    "leave_one_out",
    "mantel_haenszel",
    "meta_analysis",
    "meta_regression",
    "peto",
    "pool",
    "pool_effects",
    "publication_bias",
    "read_study_table",
    "subgroup_analysis",
]
