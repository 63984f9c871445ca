"""Numbers some figures need that the analysis document does not carry.

The plotting modules do no statistics: when a figure needs a fitted line or per-study
diagnostics, the analyses layer computes them here and carries them in the bundle
(:class:`~evisynth.analyses.results.FigureData`), both for a fresh analysis and for one read
back from JSON (the inputs are the study rows and the pooled model's settings).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from evisynth import options as opt
from evisynth.analyses.results import BaujatPoint, BubbleFit, FigureData, Pooled, StudyRow
from evisynth.errors import EvisynthError, InputError
from evisynth.models.mixed import fit_mixed


def _included(studies: Sequence[StudyRow]) -> list[StudyRow]:
    return [s for s in studies if s.included and s.yi is not None and s.vi is not None
            and math.isfinite(s.yi) and math.isfinite(s.vi)]


def _model(pooled: Pooled) -> tuple[str, str, str, float]:
    """Model, τ² method, test and level of an inverse-variance fit like the analysis'."""
    model = "random" if pooled.random else "fixed"
    return model, opt.iv_method(model, pooled.method), pooled.test, pooled.level


def moderator_value(study: StudyRow, moderator: str) -> Any:
    """A study's value of ``moderator`` (case-insensitive column match); None when missing."""
    for key, value in study.moderators.items():
        if key.lower() == moderator.lower():
            if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
                return None
            return value
    return None


def _number(x: Any) -> float | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x)
    try:
        return float(str(x))
    except ValueError:
        return None


def bubble_fit(studies: Sequence[StudyRow], pooled: Pooled, moderator: str, *, n_points: int = 81) -> BubbleFit:
    """Fit a meta-regression of the study effects on one moderator, for a bubble plot.

    The model (random/fixed, τ² estimator, test, level) is the analysis' (``pooled``); see
    :class:`~evisynth.analyses.results.BubbleFit` for what is returned.
    """
    rows = [(s, moderator_value(s, moderator)) for s in _included(studies)]
    rows = [(s, x) for s, x in rows if x is not None]
    if len(rows) < 2:
        raise InputError(f"moderator '{moderator}' has values for fewer than 2 included studies")
    model, method, test, level = _model(pooled)
    y = np.array([s.yi for s, _ in rows], float)
    v = np.array([s.vi for s, _ in rows], float)
    nums = [_number(x) for _, x in rows]
    names = tuple(s.study for s, _ in rows)
    if any(n is None for n in nums):
        labels = [str(x) for _, x in rows]
        levels = list(dict.fromkeys(labels))
        if len(levels) < 2:
            raise InputError(f"moderator '{moderator}' has a single level among the included studies")
        D = np.column_stack([[1.0 if lab == lev else 0.0 for lab in labels] for lev in levels])
        means = fit_mixed(y, v, D, model=model, method=method, test=test, level=level, btt=np.arange(len(levels)))
        fit = fit_mixed(y, v, np.column_stack([np.ones(len(y)), D[:, 1:]]), model=model, method=method,
                        test=test, level=level)
        w = 1.0 / (v + fit.tau2)
        return BubbleFit(moderator, True, model, method, level, names, tuple(labels), tuple(y.tolist()),
                         tuple((w / w.sum()).tolist()), fit=tuple(means.beta.tolist()),
                         ci_lower=tuple(means.ci_lower.tolist()), ci_upper=tuple(means.ci_upper.tolist()),
                         levels=tuple(levels), tau2=fit.tau2, qm=fit.qm, qm_df=fit.qm_df, qm_p=fit.qm_p)
    x = np.array(nums, float)
    if np.ptp(x) == 0:
        raise InputError(f"moderator '{moderator}' takes a single value among the included studies")
    X = np.column_stack([np.ones(len(y)), x])
    fit = fit_mixed(y, v, X, model=model, method=method, test=test, level=level)
    grid = np.linspace(x.min(), x.max(), n_points)
    G = np.column_stack([np.ones(n_points), grid])
    pred = G @ fit.beta
    se = np.sqrt(np.einsum("ij,jk,ik->i", G, fit.vb, G))
    w = 1.0 / (v + fit.tau2)
    return BubbleFit(moderator, False, model, method, level, names, tuple(x.tolist()), tuple(y.tolist()),
                     tuple((w / w.sum()).tolist()), fit=tuple(pred.tolist()),
                     ci_lower=tuple((pred - fit.crit * se).tolist()), ci_upper=tuple((pred + fit.crit * se).tolist()),
                     grid=tuple(grid.tolist()), intercept=float(fit.beta[0]), slope=float(fit.beta[1]),
                     slope_p=float(fit.p_value[1]), tau2=fit.tau2, qm=fit.qm, qm_df=fit.qm_df, qm_p=fit.qm_p)


def baujat_points(studies: Sequence[StudyRow]) -> tuple[BaujatPoint, ...]:
    """Baujat et al. (Stat Med 2002;21:2641-52) diagnostics from the common-effect model.

    ``x`` is a study's contribution to Cochran's Q, ``w_i (y_i - θ)²``; ``y`` is its influence on
    the pooled result, ``(θ - θ_(-i))² / Var(θ_(-i))``, where ``θ_(-i)`` omits the study.
    """
    rows = _included(studies)
    if len(rows) < 3:
        raise InputError("a Baujat plot needs at least 3 included studies")
    y = np.array([s.yi for s in rows], float)
    w = 1.0 / np.array([s.vi for s in rows], float)
    theta = float((w * y).sum() / w.sum())
    x_contrib = w * (y - theta) ** 2
    sw, swy = w.sum(), (w * y).sum()
    theta_minus = (swy - w * y) / (sw - w)
    var_minus = 1.0 / (sw - w)
    influence = (theta - theta_minus) ** 2 / var_minus
    return tuple(BaujatPoint(s.study, float(a), float(b)) for s, a, b in zip(rows, x_contrib, influence, strict=True))


def figure_data(studies: Sequence[StudyRow], pooled: Pooled, moderators: Sequence[str]) -> FigureData:
    """Baujat points (k >= 3) and a bubble fit per moderator; a figure that cannot be drawn is left out
    with a warning naming why."""
    baujat = baujat_points(studies) if len(_included(studies)) >= 3 else None
    bubbles = []
    for mod in moderators:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                bubbles.append(bubble_fit(studies, pooled, mod))
        except EvisynthError as exc:
            warnings.warn(f"no bubble plot for moderator {mod!r}: {exc}", stacklevel=2)
    return FigureData(baujat, tuple(bubbles))
