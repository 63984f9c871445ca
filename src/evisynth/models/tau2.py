"""Estimators of the between-study variance τ², registered by metafor's method codes.

Every estimator is a pure function ``(y, v, X=None, mask=None) -> Tau2Estimate`` that works
on arrays with any leading batch axes (the last axis indexes studies), so the same code fits
one meta-analysis or a million. Definitions follow metafor's ``rma.uni`` (Viechtbauer 2010);
the iterative ones are solved to tight convergence rather than metafor's default stopping
rule (``threshold=1e-5``), so they agree with metafor run with a tight ``control``.

References
----------
* DL: DerSimonian R, Laird N (1986). Control Clin Trials 7:177-188.
* HE: Hedges LV (1983) / Hedges & Olkin (1985), method-of-moments on OLS residuals.
* HS: Hunter JE, Schmidt FL (2004). Methods of Meta-Analysis.
* SJ: Sidik K, Jonkman JN (2005). J Biopharm Stat 15:823-838.
* ML, REML: Viechtbauer W (2005). J Educ Behav Stat 30:261-293 (Fisher scoring).
* PM: Paule RC, Mandel J (1982). J Res Natl Bur Stand 87:377-385.
* EB: Morris CN (1983). JASA 78:47-55 (its estimating equation equals PM's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from evisynth.models._design import WLS

#: Tolerance on successive τ² values (relative to max(1, τ²)) for iterative estimators.
THRESHOLD = 1e-12
MAX_ITER = 1000


@dataclass(frozen=True)
class Tau2Estimate:
    """τ² with its standard error and convergence information (arrays of the batch shape)."""

    tau2: np.ndarray
    se: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    at_zero_check: np.ndarray | None = None  # ML/REML: True where ll at τ²=0 beat the solution


def prepare(
    y: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(y, v, m, k)`` with absent studies neutralised (y=0, v=1, m=0)."""
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    if mask is None:
        mask = np.ones(y.shape, dtype=bool)
    m = np.asarray(mask, dtype=float)
    return np.where(mask, y, 0.0), np.where(mask, v, 1.0), m, m.sum(axis=-1)


def _p(X: np.ndarray | None) -> int:
    return 1 if X is None else X.shape[-1]


def fit_at(y: np.ndarray, v: np.ndarray, m: np.ndarray, tau2: np.ndarray | float, X: np.ndarray | None) -> WLS:
    """Weighted fit with weights ``m / (v + τ²)``."""
    t = np.asarray(tau2, dtype=float)[..., None]
    return WLS(y, m / (v + t), X)


def q_generalised(y: np.ndarray, v: np.ndarray, m: np.ndarray, tau2: np.ndarray, X: np.ndarray | None) -> WLS:
    """Fit whose ``rss`` is the generalised Q statistic ``Q(τ²) = Y'P(τ²)Y``."""
    return fit_at(y, v, m, tau2, X)


def solve_q_equation(
    y: np.ndarray,
    v: np.ndarray,
    m: np.ndarray,
    target: np.ndarray | float,
    X: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve ``Q(τ²) = target`` for τ² >= 0 by Newton's method started at 0.

    ``Q`` is convex and decreasing in τ² (``dQ/dτ² = -Y'PPY``), so Newton steps from the left
    never overshoot and converge monotonically. Where ``Q(0) <= target`` the answer is 0.

    Returns
    -------
    tau2, converged, iterations
    """
    target = np.broadcast_to(np.asarray(target, dtype=float), m.shape[:-1]).copy()
    tau2 = np.zeros(m.shape[:-1])
    converged = np.zeros(m.shape[:-1], dtype=bool)
    iterations = np.zeros(m.shape[:-1], dtype=int)
    active = np.ones(m.shape[:-1], dtype=bool)
    f0 = q_generalised(y, v, m, tau2, X).rss - target
    active &= f0 > 0
    converged |= ~active
    for it in range(1, MAX_ITER + 1):
        if not active.any():
            break
        idx = np.nonzero(active)
        Xa = None if X is None else X[idx]
        fit = q_generalised(y[idx], v[idx], m[idx], tau2[idx], Xa)
        f = fit.rss - target[idx]
        slope = fit.yppy
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(slope > 0, f / slope, 0.0)
        new = tau2[idx] + np.maximum(step, 0.0)
        done = (np.abs(new - tau2[idx]) <= THRESHOLD * np.maximum(1.0, new)) | (f <= 0)
        tau2[idx] = new
        iterations[idx] = it
        sub = np.zeros(active.shape, dtype=bool)
        sub[idx] = done
        converged |= sub
        active &= ~sub
    return tau2, converged, iterations


def tau2_dl(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """DerSimonian-Laird moment estimator ``max(0, (Q - (k-p)) / tr(P))``."""
    y, v, m, k = prepare(y, v, mask)
    p = _p(X)
    fe = WLS(y, m / v, X)
    tau2 = np.maximum(0.0, (fe.rss - (k - p)) / fe.tr_p)
    se = np.sqrt((2 * (k - p) + 4 * tau2 * fe.tr_p + 2 * tau2**2 * fe.tr_pp) / fe.tr_p**2)
    return _done(tau2, se)


def tau2_he(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Hedges' estimator from unweighted (OLS) residuals: ``(RSS - tr(PV)) / (k - p)``."""
    y, v, m, k = prepare(y, v, mask)
    p = _p(X)
    ols = WLS(y, m, X)
    tr_pv = ols.tr_pv(v)
    raw = (ols.rss - tr_pv) / (k - p)
    tau2 = np.maximum(0.0, raw)
    se = np.sqrt((2 * ols.tr_pvpv(v) + 4 * tau2 * tr_pv + 2 * tau2**2 * (k - p)) / (k - p) ** 2)
    return _done(tau2, se)


def tau2_hs(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Hunter-Schmidt estimator ``max(0, (Q - k) / Σw)``."""
    y, v, m, k = prepare(y, v, mask)
    p = _p(X)
    fe = WLS(y, m / v, X)
    tau2 = np.maximum(0.0, (fe.rss - k) / fe.s1)
    se = np.sqrt((2 * (k - p) + 4 * tau2 * fe.tr_p + 2 * tau2**2 * fe.tr_pp) / fe.s1**2)
    return _done(tau2, se)


def tau2_sj(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Sidik-Jonkman estimator ``τ0² Y'P(τ0²)Y / (k - p)`` with ``τ0² = Σ(y - ȳ)²/k``."""
    y, v, m, k = prepare(y, v, mask)
    p = _p(X)
    ybar = (m * y).sum(axis=-1) / k
    tau0 = (m * (y - ybar[..., None]) ** 2).sum(axis=-1) / k
    fit = fit_at(y, v, m, tau0, X)
    tau2 = np.maximum(0.0, tau0 * fit.rss / (k - p))
    se = np.sqrt(
        tau0**2 / (k - p) ** 2 * (2 * fit.tr_pvpv(v) + 4 * tau2 * fit.tr_pvp(v) + 2 * tau2**2 * fit.tr_pp)
    )
    return _done(tau2, se)


def tau2_pm(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Paule-Mandel estimator: the root of ``Q(τ²) = k - p`` (0 when ``Q(0) < k - p``)."""
    y, v, m, k = prepare(y, v, mask)
    p = _p(X)
    tau2, conv, it = solve_q_equation(y, v, m, k - p, X)
    fit = fit_at(y, v, m, tau2, X)
    se = np.sqrt(2 * k**2 / (k - p) / fit.s1**2)
    return Tau2Estimate(tau2, se, conv, it)


def tau2_eb(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Empirical Bayes (Morris) estimator; its estimating equation ``Q(τ²) k/(k-p) = k`` is PM's."""
    return tau2_pm(y, v, X, mask)


def _loglik(y: np.ndarray, v: np.ndarray, m: np.ndarray, tau2: np.ndarray, X: np.ndarray | None,
            reml: bool) -> np.ndarray:
    fit = fit_at(y, v, m, tau2, X)
    ll = -0.5 * (m * np.log(v + tau2[..., None])).sum(axis=-1) - 0.5 * fit.rss
    if reml:
        ll = ll - 0.5 * np.linalg.slogdet(np.linalg.inv(fit.vb))[1]
    return ll


def _fisher(y: np.ndarray, v: np.ndarray, X: np.ndarray | None, mask: np.ndarray | None,
            kind: str) -> Tau2Estimate:
    y, v, m, _ = prepare(y, v, mask)
    start = tau2_he(y, v, X, m.astype(bool)).tau2
    tau2 = start.copy()
    converged = np.zeros(tau2.shape, dtype=bool)
    iterations = np.zeros(tau2.shape, dtype=int)
    active = np.ones(tau2.shape, dtype=bool)
    for it in range(1, MAX_ITER + 1):
        if not active.any():
            break
        idx = np.nonzero(active)
        Xa = None if X is None else X[idx]
        fit = fit_at(y[idx], v[idx], m[idx], tau2[idx], Xa)
        if kind == "ML":
            adj = (fit.yppy - fit.s1) / fit.s2
        else:
            adj = (fit.yppy - fit.tr_p) / fit.tr_pp
        adj = np.where(np.isfinite(adj), adj, 0.0)
        old = tau2[idx]
        # step halving keeps τ² >= 0 (metafor's rule)
        for _ in range(1100):
            neg = old + adj < 0
            if not neg.any():
                break
            adj = np.where(neg, adj / 2, adj)
        new = np.maximum(old + adj, 0.0)
        done = np.abs(new - old) <= THRESHOLD * np.maximum(1.0, new)
        tau2[idx] = new
        iterations[idx] = it
        sub = np.zeros(active.shape, dtype=bool)
        sub[idx] = done
        converged |= sub
        active &= ~sub
    # guard against a local maximum: compare with the likelihood at τ² = 0 (as metafor does)
    zero = np.zeros_like(tau2)
    reml = kind == "REML"
    ll0 = _loglik(y, v, m, zero, X, reml)
    ll1 = _loglik(y, v, m, tau2, X, reml)
    at_zero = converged & (ll0 - ll1 > 1e-10) & (tau2 > 0)
    tau2 = np.where(at_zero, 0.0, tau2)
    fit = fit_at(y, v, m, tau2, X)
    se = np.sqrt(2 / fit.s2) if kind == "ML" else np.sqrt(2 / fit.tr_pp)
    return Tau2Estimate(tau2, se, converged, iterations, at_zero)


def tau2_ml(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Maximum likelihood by Fisher scoring from the HE estimate."""
    return _fisher(y, v, X, mask, "ML")


def tau2_reml(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Restricted maximum likelihood by Fisher scoring from the HE estimate."""
    return _fisher(y, v, X, mask, "REML")


def _batched(func: Callable[..., Tau2Estimate]) -> Callable[..., Tau2Estimate]:
    """Let an estimator take one meta-analysis (1-D arrays) as well as a batch."""

    def wrapper(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None,
                mask: np.ndarray | None = None) -> Tau2Estimate:
        y = np.asarray(y, dtype=float)
        # undefined cases (k <= p) give nan, which callers mask; no floating-point warnings
        with np.errstate(divide="ignore", invalid="ignore"):
            if y.ndim >= 2:
                return func(y, v, X, mask)
            X1 = None if X is None else np.asarray(X, dtype=float)[None]
            m1 = None if mask is None else np.asarray(mask)[None]
            res = func(y[None], np.asarray(v, dtype=float)[None], X1, m1)
        return Tau2Estimate(
            *(None if a is None else a[0] for a in (res.tau2, res.se, res.converged, res.iterations,
                                                    res.at_zero_check))
        )

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def _done(tau2: np.ndarray, se: np.ndarray) -> Tau2Estimate:
    return Tau2Estimate(tau2, se, np.ones(np.shape(tau2), dtype=bool), np.zeros(np.shape(tau2), dtype=int))


Estimator = Callable[..., Tau2Estimate]

#: Registry of τ² estimators keyed by metafor's method codes.
TAU2_ESTIMATORS: dict[str, Estimator] = {
    code: _batched(fn)
    for code, fn in {
        "DL": tau2_dl,
        "HE": tau2_he,
        "HS": tau2_hs,
        "SJ": tau2_sj,
        "ML": tau2_ml,
        "REML": tau2_reml,
        "PM": tau2_pm,
        "EB": tau2_eb,
    }.items()
}
ITERATIVE = frozenset({"ML", "REML", "PM", "EB"})
