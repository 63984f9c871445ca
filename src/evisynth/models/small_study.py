"""Small-study-effect tests and fail-safe N, on study effects ``y`` and variances ``v``.

Definitions follow metafor 3.8.1 (Viechtbauer 2010):

* :func:`egger_lm` — Egger's regression test as ``regtest(model="lm")``: weighted least
  squares of ``y`` on ``(1, √v)`` with weights ``1/v`` and the residual variance estimated
  (equivalent to regressing ``y/√v`` on ``1/√v``); the test is the t test of the ``√v``
  coefficient with k-2 df (Egger et al. 1997, BMJ 315:629-634).
* :func:`egger_mixed` — ``regtest(model="rma")``: the same predictor in the analysis'
  (mixed-effects) meta-regression, z or HKSJ t test (Sterne & Egger 2005).
* :func:`rank_test` — Begg & Mazumdar (1994, Biometrics 50:1088-1101) as ``ranktest``:
  Kendall's τ_b between the standardised deviates ``(y - θ_FE)/√(v - 1/Σw)`` and ``v``; P
  from the exact null distribution of Kendall's statistic when there are no ties, otherwise
  from the normal approximation with the tie-corrected variance and no continuity correction
  (R's ``cor.test(method="kendall", exact=TRUE)``).
* :func:`fail_safe_n` — ``fsn`` types Rosenthal (1979, Stouffer's method, one-sided α),
  Orwin (1983, unweighted mean, target half of it) and Rosenberg (2005, weighted, two-sided
  α), with metafor's rounding (ceiling unless within √eps of an integer).

With identical effects (up to rounding, :func:`evisynth.models.undefined.identical_effects`)
Egger's and Begg's statistics are 0/0: they are returned as nan with ``undefined`` set to
``ZERO_RESIDUALS`` (Egger's bias is then 0 and the limit estimate the common mean); where
metafor computes them from rounding noise. Egger's test also needs k >= 3 (``TOO_FEW_STUDIES``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evisynth import _dist
from evisynth.models.kernels.wls import WLS
from evisynth.models.mixed import MixedFit, exact_fit, fit_mixed
from evisynth.models.undefined import Undefined, identical_effects


@dataclass(frozen=True)
class EggerResult:
    """Regression test for funnel-plot asymmetry."""

    statistic: float
    df: float | None
    p_value: float
    bias: float
    bias_se: float
    limit_estimate: float
    limit_ci_lower: float
    limit_ci_upper: float
    #: why values are nan (:class:`~evisynth.models.undefined.Undefined`)
    undefined: Undefined = Undefined.NONE


def _egger_design(y: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Egger's design matrix: an intercept and the standard error ``√v`` as the predictor."""
    return np.column_stack([np.ones(len(y)), np.sqrt(v)])


def egger_lm(y: np.ndarray, v: np.ndarray, level: float = 0.95) -> EggerResult:
    """Classic Egger test (weighted linear regression with a free residual variance).

    Fitted in exactly rescaled units (effects by 2⁻ʰ, variances by 4⁻ʰ: the test and the bias
    are scale-free). Undefined (nan, flagged) with fewer than 3 studies and where the regression
    fits every effect exactly up to rounding (its residual variance is then 0/0)."""
    y = np.asarray(y, float)
    v = np.asarray(v, float)
    k = len(y)
    df = k - 2
    nan = float("nan")
    if k < 3:
        return EggerResult(nan, float(df), nan, nan, nan, nan, nan, nan, Undefined.TOO_FEW_STUDIES)
    h = math.frexp(float(np.mean(v)))[1] >> 1
    ys, vs = np.ldexp(y, -h), np.ldexp(v, -2 * h)
    if identical_effects(ys, vs):  # slope 0, intercept the common mean; the t test is 0/0
        w = 1 / vs
        mean = float(np.ldexp(np.sum(w * ys) / np.sum(w), h))
        return EggerResult(nan, float(df), nan, 0.0, nan, mean, nan, nan, Undefined.ZERO_RESIDUALS)
    X = _egger_design(ys, vs)
    fit = WLS(ys[None], (1 / vs)[None], X[None])
    beta = fit.beta[0]
    sigma2 = float(fit.rss[0]) / df
    se = np.sqrt(np.diag(fit.vb[0]) * sigma2)
    flags = Undefined.NONE
    if exact_fit(ys, fit):  # on a line in √v: the residual variance is 0/0
        se, flags = np.full(2, np.nan), Undefined.ZERO_RESIDUALS
    t = beta / se
    p = float(_dist.two_sided_p_t(t[1], df))
    crit = float(_dist.crit_t(level, df))
    b0, se0 = float(np.ldexp(beta[0], h)), float(np.ldexp(se[0], h))
    return EggerResult(float(t[1]), float(df), p, float(beta[1]) + 0.0, float(se[1]), b0 + 0.0,
                       b0 - crit * se0, b0 + crit * se0, flags)


def egger_mixed(y: np.ndarray, v: np.ndarray, *, model: str, method: str, test: str,
                level: float = 0.95) -> tuple[EggerResult, MixedFit]:
    """Egger-type test with ``√v`` as moderator in the analysis' (mixed-effects) model."""
    y = np.asarray(y, float)
    v = np.asarray(v, float)
    X = _egger_design(y, v)
    fit = fit_mixed(y, v, X, model=model, method=method, test=test, level=level)
    res = EggerResult(float(fit.statistic[1]), fit.df, float(fit.p_value[1]), float(fit.beta[1]),
                      float(fit.se[1]), float(fit.beta[0]), float(fit.ci_lower[0]), float(fit.ci_upper[0]),
                      fit.undefined)
    if identical_effects(y, v):  # the slope is 0 (not rounding noise), the limit the common mean
        w = 1 / v
        mean, defined = float(np.sum(w * y) / np.sum(w)), math.isfinite(res.bias_se)
        res = EggerResult(0.0 if defined else math.nan, fit.df, 1.0 if defined else math.nan, 0.0, res.bias_se,
                          mean, res.limit_ci_lower, res.limit_ci_upper, fit.undefined)
    return res, fit


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's τ_b (R's ``cor(x, y, method="kendall")``), in O(k) memory."""
    s = n1 = n2 = 0.0
    for i in range(len(x) - 1):
        a = np.sign(x[i + 1:] - x[i])
        b = np.sign(y[i + 1:] - y[i])
        s += float(np.sum(a * b))
        n1 += float(np.count_nonzero(a))
        n2 += float(np.count_nonzero(b))
    denom = math.sqrt(n1 * n2)
    return s / denom if denom > 0 else float("nan")


def kendall_cdf(q: float, n: int) -> float:
    """``P(T <= q)`` for the number ``T`` of concordant pairs among ``n`` independent ranks."""
    top = n * (n - 1) // 2
    if q < 0:
        return 0.0
    if q >= top:
        return 1.0
    dist = np.ones(1)
    for i in range(2, n + 1):
        # convolve with the uniform distribution on 0..i-1 through cumulative sums
        c = np.concatenate([[0.0], np.cumsum(dist)])
        size = len(dist) + i - 1
        j = np.arange(size)
        hi = np.minimum(j + 1, len(dist))
        lo = np.maximum(j - i + 1, 0)
        dist = (c[hi] - c[lo]) / i
    return float(np.sum(dist[: int(q) + 1]))


@dataclass(frozen=True)
class RankTestResult:
    """Begg and Mazumdar's rank correlation test."""

    kendall_tau: float
    p_value: float
    exact: bool
    statistic: float
    #: why values are nan (:class:`~evisynth.models.undefined.Undefined`)
    undefined: Undefined = Undefined.NONE


def rank_test(y: np.ndarray, v: np.ndarray) -> RankTestResult:
    """Begg and Mazumdar's rank correlation test (see the module docstring); undefined (nan,
    flagged ``ZERO_RESIDUALS``) for identical effects, whose standardised deviates are all 0."""
    y = np.asarray(y, float)
    v = np.asarray(v, float)
    n = len(y)
    if identical_effects(y, v):
        return RankTestResult(float("nan"), float("nan"), False, float("nan"), Undefined.ZERO_RESIDUALS)
    w = 1 / v
    theta = float(np.sum(w * y) / np.sum(w))
    ystar = (y - theta) / np.sqrt(v - 1 / np.sum(w))
    tau = kendall_tau_b(ystar, v)
    if not math.isfinite(tau):
        return RankTestResult(float("nan"), float("nan"), False, float("nan"))
    ties = min(len(np.unique(ystar)), len(np.unique(v))) < n
    if not ties:
        q = round((tau + 1) * n * (n - 1) / 4)
        if q > n * (n - 1) / 4:
            p = 1 - kendall_cdf(q - 1, n)
        else:
            p = kendall_cdf(q, n)
        return RankTestResult(tau, min(2 * p, 1.0), True, float(q))
    tx = np.unique(ystar, return_counts=True)[1].astype(float)
    ty = np.unique(v, return_counts=True)[1].astype(float)
    tx, ty = tx[tx > 1], ty[ty > 1]
    t0 = n * (n - 1) / 2
    t1 = np.sum(tx * (tx - 1)) / 2
    t2 = np.sum(ty * (ty - 1)) / 2
    s = tau * math.sqrt((t0 - t1) * (t0 - t2))
    v0 = n * (n - 1) * (2 * n + 5)
    vt = np.sum(tx * (tx - 1) * (2 * tx + 5))
    vu = np.sum(ty * (ty - 1) * (2 * ty + 5))
    v1 = np.sum(tx * (tx - 1)) * np.sum(ty * (ty - 1))
    v2 = np.sum(tx * (tx - 1) * (tx - 2)) * np.sum(ty * (ty - 1) * (ty - 2))
    var_s = (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2))
    z = s / math.sqrt(var_s)
    return RankTestResult(tau, float(_dist.two_sided_p_norm(z)), False, float(z))


def _fsn_round(x: float) -> float:
    if math.isinf(x):
        return x
    return float(math.ceil(x)) if abs(x - round(x)) >= np.finfo(float).eps ** 0.5 else float(round(x))


@dataclass(frozen=True)
class FailSafeN:
    """Fail-safe numbers (Rosenthal, Orwin, Rosenberg) with their ingredients."""

    rosenthal: float
    rosenthal_p: float
    orwin: float
    orwin_mean: float
    orwin_target: float
    rosenberg: float
    rosenberg_p: float
    alpha: float


def fail_safe_n(y: np.ndarray, v: np.ndarray, alpha: float = 0.05) -> FailSafeN:
    """Fail-safe N of the three classic types (see the module docstring)."""
    y = np.asarray(y, float)
    v = np.asarray(v, float)
    k = len(y)
    z_avg = abs(float(np.sum(y / np.sqrt(v))) / math.sqrt(k))
    rosenthal_p = float(_dist.norm_sf(z_avg))
    rosenthal = max(0.0, k * (z_avg / float(_dist.norm_ppf(1 - alpha))) ** 2 - k)
    mean = float(np.mean(y))
    target = mean / 2
    orwin = math.inf if target == 0 else max(0.0, k * (mean - target) / target)
    w = 1 / v
    sw = float(np.sum(w))
    zval = float(np.sum(w * y)) / sw / math.sqrt(1 / sw)
    wp = (float(np.sum(w * y)) / float(_dist.norm_ppf(1 - alpha / 2))) ** 2 - sw
    rosenberg = max(0.0, k * wp / sw)
    return FailSafeN(_fsn_round(rosenthal), rosenthal_p, _fsn_round(orwin), mean, target,
                     _fsn_round(rosenberg), float(_dist.two_sided_p_norm(zval)), alpha)
