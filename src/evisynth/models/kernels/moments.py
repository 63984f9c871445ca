"""Closed-form τ² kernels (DL, HE, HS, SJ) and the stacked intercept-only fit.

Every kernel takes prepared arrays ``(y, v, m, k, X)`` (see
:func:`~evisynth.models.kernels.arrays.prepare`; ``m`` None when every study is present,
``X`` None for the intercept-only model) with any batch shape, and returns a
:class:`~evisynth.models.kernels.arrays.Tau2Estimate`. The formulas, with their sources, are
those of :mod:`evisynth.models.reference`, here in O(k) closed forms and vectorised over rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from evisynth.models.kernels.arrays import IVFit, Tau2Estimate, closed_form, lastdot, lastsum, n_coef
from evisynth.models.kernels.wls import WLS, fit_at, weights


def fit_moments(
    y: np.ndarray, v: np.ndarray, m: np.ndarray | None, tt: np.ndarray, likelihood: bool = False
) -> tuple[np.ndarray, ...]:
    """Intercept-only weighted fits at a stack of τ² values in one pass.

    ``tt`` has shape ``(j, *batch)``; the results have that shape: ``Σw``, the weighted mean
    ``μ``, ``Σw(y - μ)²`` (the generalised Q) and ``Σw²`` over the studies present, with
    ``w = m / (v + τ²)``; with ``likelihood=True`` also ``Σw³`` and ``Σ log(v + τ²)``.
    """
    u = v + tt[..., None]
    w = 1.0 / u if m is None else m / u
    s1 = lastsum(w)
    mu = lastdot(w, y) / s1
    r = y - mu[..., None]
    rss = lastdot(w * r, r)
    s2 = lastdot(w, w)
    if not likelihood:
        return s1, mu, rss, s2
    s3 = lastdot(w * w, w)
    logu = np.log(u)
    return s1, mu, rss, s2, s3, lastsum(logu) if m is None else lastdot(m, logu)


def iv_fit(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, tau2: Any) -> tuple[IVFit, Any]:
    """The intercept-only fit with weights ``m/(v + τ²)`` (``τ²`` batch-shaped, or 0) and ``Σw³``."""
    u = v if isinstance(tau2, float) and tau2 == 0.0 else v + (tau2 if np.ndim(tau2) == 0 else tau2[..., None])
    w = 1.0 / u if m is None else m / u
    s1 = lastsum(w)
    mu = lastdot(w, y) / s1
    r = y - (mu if np.ndim(mu) == 0 else mu[..., None])
    ww = w * w
    return IVFit(s1, mu, lastdot(w * r, r), lastsum(ww)), lastdot(ww, w)


def moment_fits(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, tau2: Any) -> tuple[IVFit, IVFit]:
    """The common-effect fit and the fit at ``τ²`` (batch-shaped) in one stacked evaluation."""
    tt = np.zeros((2, *np.shape(tau2)))
    tt[1] = tau2
    mom = fit_moments(y, v, m, tt)
    return IVFit(*(a[0] for a in mom)), IVFit(*(a[1] for a in mom))


def _moment_se(tau2: Any, df: Any, tr_p: Any, tr_pp: Any, denominator: Any) -> Any:
    """``√Var(Q)`` over ``denominator``: ``Var(Q) = 2(k-p) + 4τ² tr(P) + 2τ⁴ tr(PP)`` at the estimate."""
    return np.sqrt((2 * df + 4 * tau2 * tr_p + 2 * tau2**2 * tr_pp) / denominator**2)


def dl(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    """DerSimonian-Laird: ``max(0, (Q - (k-p)) / tr(P))`` from the common-effect fit."""
    if X is None:  # closed forms from the sums of the common-effect fit, which pool() reuses
        fe, s3 = iv_fit(y, v, m, 0.0)
        a = fe.s2 / fe.s1
        tr_p, tr_pp = fe.s1 - a, fe.s2 - 2 * s3 / fe.s1 + a * a
        tau2 = np.maximum(0.0, (fe.rss - (k - 1)) / tr_p)
        return closed_form(tau2, _moment_se(tau2, k - 1, tr_p, tr_pp, tr_p), (fe, iv_fit(y, v, m, tau2)[0]))
    p = n_coef(X)
    fit = WLS(y, weights(v, m, 0.0), X)
    tau2 = np.maximum(0.0, (fit.rss - (k - p)) / fit.tr_p)
    return closed_form(tau2, _moment_se(tau2, k - p, fit.tr_p, fit.tr_pp, fit.tr_p))


def he_start(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None
             ) -> tuple[np.ndarray, np.ndarray]:
    """Hedges' τ² alone (the starting value of ML/REML) and ``Σv``; without moderators in closed
    form, using ``tr(PV) = Σv (k-1)/k`` for the OLS projection."""
    sv = lastsum(v) if m is None else lastdot(m, v)
    if X is not None:
        ols = WLS(y, np.ones(y.shape) if m is None else m, X)
        return np.maximum(0.0, (ols.rss - ols.tr_pv(v)) / (k - X.shape[-1])), sv
    r = y - ((lastsum(y) if m is None else lastdot(m, y)) / k)[..., None]
    rss = lastdot(r, r) if m is None else lastdot(m * r, r)
    return np.maximum(0.0, (rss - sv * (k - 1) / k) / (k - 1)), sv


def he(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    """Hedges: ``max(0, (RSS - tr(PV)) / (k - p))`` from the unweighted (OLS) fit."""
    p = n_coef(X)
    ols = WLS(y, np.ones(y.shape) if m is None else m, X)
    tr_pv = ols.tr_pv(v)
    tau2 = np.maximum(0.0, (ols.rss - tr_pv) / (k - p))
    se = np.sqrt((2 * ols.tr_pvpv(v) + 4 * tau2 * tr_pv + 2 * tau2**2 * (k - p)) / (k - p) ** 2)
    return closed_form(tau2, se)


def hs(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    """Hunter-Schmidt: ``max(0, (Q - k) / Σw)`` from the common-effect fit."""
    if X is None:  # closed forms from the sums of the common-effect fit, which pool() reuses
        fe, s3 = iv_fit(y, v, m, 0.0)
        a = fe.s2 / fe.s1
        tr_p, tr_pp = fe.s1 - a, fe.s2 - 2 * s3 / fe.s1 + a * a
        tau2 = np.maximum(0.0, (fe.rss - k) / fe.s1)
        return closed_form(tau2, _moment_se(tau2, k - 1, tr_p, tr_pp, fe.s1), (fe, iv_fit(y, v, m, tau2)[0]))
    p = n_coef(X)
    fit = WLS(y, weights(v, m, 0.0), X)
    tau2 = np.maximum(0.0, (fit.rss - k) / fit.s1)
    return closed_form(tau2, _moment_se(tau2, k - p, fit.tr_p, fit.tr_pp, fit.s1))


def sj(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    """Sidik-Jonkman: ``τ0² Y'P(τ0²)Y / (k - p)`` with ``τ0² = Σ(y - ȳ)²/k``."""
    p = n_coef(X)
    ybar = (lastsum(y) if m is None else lastsum(m * y)) / k
    dev2 = (y - ybar[..., None]) ** 2
    tau0 = (lastsum(dev2) if m is None else lastsum(m * dev2)) / k
    fit = fit_at(y, v, m, tau0, X)
    tau2 = np.maximum(0.0, tau0 * fit.rss / (k - p))
    se = np.sqrt(
        tau0**2 / (k - p) ** 2 * (2 * fit.tr_pvpv(v) + 4 * tau2 * fit.tr_pvp(v) + 2 * tau2**2 * fit.tr_pp)
    )
    return closed_form(tau2, se)
