"""Mixed-effects (meta-regression) model fit for a given design matrix.

``y_i = x_i'β + u_i + e_i`` with ``u_i ~ N(0, τ²)`` and ``e_i ~ N(0, v_i)`` (metafor's
``rma.uni`` with ``mods``). τ² comes from the same estimator registry as the intercept-only
model; the test of moderators is Wald ``QM`` (χ² with m df) or, under HKSJ, ``QM/m`` against
F(m, k-p) (Knapp & Hartung 2003). Residual heterogeneity ``QE`` is the weighted residual sum
of squares of the common-effect fit with k-p df.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evisynth import _dist
from evisynth.errors import InputError
from evisynth.models.kernels.wls import WLS, fit_at
from evisynth.models.tau2 import TAU2_ESTIMATORS


@dataclass(frozen=True)
class MixedFit:
    """Result of :func:`fit_mixed` (coefficient arrays have length p)."""

    beta: np.ndarray
    se: np.ndarray
    statistic: np.ndarray
    p_value: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    vb: np.ndarray
    df: float | None
    crit: float
    tau2: float
    tau2_se: float | None
    converged: bool
    qm: float
    qm_df: int
    qm_p: float
    qe: float
    qe_df: int
    qe_p: float
    i2: float
    h2: float
    k: int
    p: int


def fit_mixed(
    y: np.ndarray,
    v: np.ndarray,
    X: np.ndarray,
    *,
    model: str = "random",
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
    btt: np.ndarray | None = None,
) -> MixedFit:
    """Fit a (mixed-effects) meta-regression.

    Parameters
    ----------
    y, v : ndarray, shape (k,)
    X : ndarray, shape (k, p)
        Design matrix (include the intercept column yourself).
    model : {"random", "fixed"}
    method : str
        τ² estimator code (ignored for ``model="fixed"``).
    test : {"z", "hksj", "hksj-adhoc"}
    level : float
    btt : ndarray of int, optional
        Coefficients tested by QM (default: all but a leading intercept column).
    """
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    X = np.asarray(X, dtype=float)
    k, p = X.shape
    if np.linalg.matrix_rank(X) < p:
        raise InputError("the moderators are collinear (the design matrix is not of full rank)")
    if k < p + (1 if model == "random" else 0):
        raise InputError(
            f"{k} studies are too few for {p} coefficients"
            + (" and tau²" if model == "random" else "")
        )
    if btt is None:
        is_int = np.all(X[:, 0] == 1)
        btt = np.arange(1, p) if (is_int and p > 1) else np.arange(p)
    if model == "random":
        est = TAU2_ESTIMATORS[method](y, v, X)
        tau2, tau2_se, converged = float(est.tau2), float(est.se), bool(est.converged)
    else:
        tau2, tau2_se, converged = 0.0, None, True
    fit = fit_at(y[None], v[None], np.ones((1, k)), np.array([tau2]), X[None])
    beta = fit.beta[0]
    vb = fit.vb[0]
    df: float | None = None
    if test != "z":
        rss = float(fit.rss[0])
        s2w = 0.0 if rss <= np.finfo(float).eps else rss / (k - p)
        if test == "hksj-adhoc":
            s2w = max(1.0, s2w)
        vb = s2w * vb
        df = float(k - p)
    se = np.sqrt(np.diag(vb))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = beta / se
    m = len(btt)
    sub = vb[np.ix_(btt, btt)]
    qm = float(beta[btt] @ np.linalg.solve(sub, beta[btt])) if m else float("nan")
    if df is None:
        crit = _dist.crit_norm(level)
        pval = _dist.two_sided_p_norm(stat)
        qm_p = float(_dist.chi2_sf(qm, m)) if m else float("nan")
    else:
        if df > 0:
            crit = float(_dist.crit_t(level, df))
            pval = _dist.two_sided_p_t(stat, df)
        else:
            crit, pval = float("nan"), np.full(p, np.nan)
        qm = qm / m if m else float("nan")
        qm_p = float(_dist.f_sf(qm, m, df)) if (m and df > 0) else float("nan")
    fe = WLS(y[None], (1 / v)[None], X[None])
    if k > p:
        qe = max(0.0, float(fe.rss[0]))
        qe_p = float(_dist.chi2_sf(qe, k - p))
        vt = (k - p) / float(fe.tr_p[0])
        if model == "fixed":
            i2 = max(0.0, 100 * (qe - (k - p)) / qe) if qe > 0 else 0.0
            h2 = qe / (k - p)
        else:
            i2 = 100 * tau2 / (vt + tau2)
            h2 = tau2 / vt + 1
    else:
        qe, qe_p, i2, h2 = 0.0, 1.0, 0.0, 1.0
    return MixedFit(
        beta=beta, se=se, statistic=stat, p_value=np.asarray(pval, dtype=float),
        ci_lower=beta - crit * se, ci_upper=beta + crit * se, vb=vb, df=df, crit=crit,
        tau2=tau2, tau2_se=tau2_se, converged=converged, qm=qm, qm_df=m, qm_p=qm_p,
        qe=qe, qe_df=k - p, qe_p=qe_p, i2=i2, h2=h2, k=k, p=p,
    )
