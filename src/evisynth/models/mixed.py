"""Mixed-effects (meta-regression) model fit for a given design matrix.

``y_i = x_i'β + u_i + e_i`` with ``u_i ~ N(0, τ²)`` and ``e_i ~ N(0, v_i)`` (metafor's
``rma.uni`` with ``mods``). τ² comes from the same estimator registry as the intercept-only
model; the test of moderators is Wald ``QM`` (χ² with m df) or, under HKSJ, ``QM/m`` against
F(m, k-p) (Knapp & Hartung 2003). Residual heterogeneity ``QE`` is the weighted residual sum
of squares of the common-effect fit with k-p df.

The model is fitted in exactly rescaled units (effects and standard errors divided by the same
power of two, see :mod:`evisynth.models.kernels.scaling`), so the results do not depend on the
scale of the data. Effects the model fits exactly up to rounding (e.g. all identical) give
``QE = 0`` and ``τ² = 0``; under HKSJ the variance factor is then 0/0 and the coefficient
standard errors, tests, intervals and ``QM`` are nan, flagged ``ZERO_RESIDUALS`` in
:attr:`MixedFit.undefined` (see :mod:`evisynth.models.undefined`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evisynth import _dist
from evisynth.errors import InputError
from evisynth.models.kernels.scaling import unrepresentable
from evisynth.models.kernels.wls import WLS, fit_at
from evisynth.models.tau2 import TAU2_ESTIMATORS
from evisynth.models.undefined import TINY_Q, Undefined, at_rounding_level
from evisynth.options import DEFAULT_TAU2_METHOD


@dataclass(frozen=True)
class MixedFit:
    """Result of :func:`fit_mixed` (coefficient arrays have length p).

    ``undefined`` flags why values are nan (:class:`~evisynth.models.undefined.Undefined`):
    ``ZERO_RESIDUALS`` (exact fit under ``test="hksj"``: ``se``, ``statistic``, ``p_value``,
    ``ci_lower``, ``ci_upper``, ``vb``, ``qm``, ``qm_p``), ``TOO_FEW_STUDIES`` (no residual
    degrees of freedom under a t test: ``crit``, ``p_value``, ``ci_*``, ``qm_p``).
    """

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
    undefined: Undefined = Undefined.NONE


def exact_fit(y: np.ndarray, fit: WLS) -> bool:
    """Whether a weighted fit reproduces every effect up to rounding: each residual is at rounding
    level relative to the largest magnitude entering the fit (``|yᵢ|`` and ``|xᵢⱼ βⱼ|``)."""
    assert fit.X is not None
    terms = np.abs(fit.X * fit.beta[..., None, :]).sum(axis=-1)
    return bool(at_rounding_level(fit.resid, np.max(np.maximum(np.abs(y), terms), axis=-1)))


def fit_mixed(
    y: np.ndarray,
    v: np.ndarray,
    X: np.ndarray,
    *,
    model: str = "random",
    method: str = DEFAULT_TAU2_METHOD,
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

    Raises
    ------
    InputError
        Collinear moderators, too few studies, or data double precision cannot hold.
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
    # exactly rescaled units: sampling variances about 1 (y by 2^-h, v by 4^-h)
    h = math.frexp(float(np.mean(v)))[1] >> 1
    ys, vs = np.ldexp(y, -h), np.ldexp(v, -2 * h)
    flags = Undefined.NONE
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fe = WLS(ys[None], (1 / vs)[None], X[None])
        exact = k > p and (exact_fit(ys, fe) or float(fe.rss[0]) < TINY_Q)
        if model == "random":
            est = TAU2_ESTIMATORS[method](ys, vs, X)
            tau2, tau2_se, converged = float(est.tau2), float(est.se), bool(est.converged)
            if exact:  # Q(τ²) = 0 for every τ²: the estimators' limit is 0 (SJ's is noise otherwise)
                tau2 = 0.0
        else:
            tau2, tau2_se, converged = 0.0, None, True
        fit = fit_at(ys[None], vs[None], np.ones((1, k)), np.array([tau2]), X[None])
        beta = fit.beta[0]
        vb = fit.vb[0]
        df: float | None = None
        if test != "z":
            s2w = float(fit.rss[0]) / (k - p)
            if test == "hksj-adhoc":
                s2w = max(1.0, s2w)
            elif exact:  # 0/0: the HKSJ factor is undefined
                s2w = math.nan
                flags |= Undefined.ZERO_RESIDUALS
            vb = s2w * vb
            df = float(k - p)
        se = np.sqrt(np.diag(vb))
        stat = beta / se
        m = len(btt)
        sub = vb[np.ix_(btt, btt)]
        qm = float(beta[btt] @ np.linalg.solve(sub, beta[btt])) if m and np.all(np.isfinite(sub)) else math.nan
        if df is None:
            crit = _dist.crit_norm(level)
            pval = _dist.two_sided_p_norm(stat)
            qm_p = float(_dist.chi2_sf(qm, m)) if m else math.nan
        else:
            if df > 0:
                crit = float(_dist.crit_t(level, df))
                pval = _dist.two_sided_p_t(stat, df)
            else:
                crit, pval = math.nan, np.full(p, np.nan)
                flags |= Undefined.TOO_FEW_STUDIES
            qm = qm / m if m else math.nan
            qm_p = float(_dist.f_sf(qm, m, df)) if (m and df > 0) else math.nan
        if k > p:
            qe = 0.0 if exact else max(0.0, float(fe.rss[0]))
            qe_p = float(_dist.chi2_sf(qe, k - p))
            vt = (k - p) / float(fe.tr_p[0])
            if model == "fixed":
                i2 = max(0.0, 100 * (qe - (k - p)) / qe) if qe > 0 else 0.0
                h2 = qe / (k - p)
            else:
                i2 = 100 * tau2 / (vt + tau2)
                h2 = tau2 / vt + 1
        else:
            qe, qe_p, i2, h2, vt = 0.0, 1.0, 0.0, 1.0, 1.0
    if not all(math.isfinite(x) for x in (*beta, *np.sqrt(np.diag(fit.vb[0])), qe, tau2, i2, h2, 1 / vt)):
        raise InputError(unrepresentable(y, v))
    # back to the data's units (exact), never -0.0
    beta, se = np.ldexp(beta, h) + 0.0, np.ldexp(se, h)
    return MixedFit(
        beta=beta, se=se, statistic=stat + 0.0, p_value=np.asarray(pval, dtype=float),
        ci_lower=beta - crit * se + 0.0, ci_upper=beta + crit * se + 0.0, vb=np.ldexp(vb, 2 * h), df=df,
        crit=crit, tau2=float(np.ldexp(tau2, 2 * h)) + 0.0,
        tau2_se=None if tau2_se is None else float(np.ldexp(tau2_se, 2 * h)), converged=converged, qm=qm,
        qm_df=m, qm_p=qm_p, qe=qe + 0.0, qe_df=k - p, qe_p=qe_p, i2=i2 + 0.0, h2=h2, k=k, p=p, undefined=flags,
    )
