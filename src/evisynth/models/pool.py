"""Inverse-variance pooling (common effect or random effects) with heterogeneity statistics.

One function, :func:`pool`, serves a single meta-analysis and a batch of independent ones:
inputs have shape ``(..., k)`` with an optional boolean ``mask``; every output field has the
batch shape. Definitions follow metafor's ``rma.uni`` and ``confint.rma.uni``:

* random effects ``w* = 1/(v + τ²)``, estimate ``Σw*y/Σw*``, ``SE = 1/√Σw*``;
* ``test="z"`` (Wald), ``"hksj"`` (Hartung & Knapp 2001; Sidik & Jonkman 2002: SE scaled by
  ``q = Σw*(y - μ)²/(k-1)``, t with k-1 df) and ``"hksj-adhoc"`` (q truncated below at 1;
  Knapp & Hartung 2003, metafor's ``test="adhoc"``);
* prediction interval ``μ ± c √(SE² + τ²)`` with metafor's default ``c`` (z, or t with k-1 df
  under HKSJ), and the t-based interval with k-2 df (Higgins, Thompson & Spiegelhalter 2009;
  metafor ``pi.type="Riley"``);
* Cochran's Q, ``I² = 100 τ²/(τ² + s̃²)`` with the typical within-study variance
  ``s̃² = (k-1)/tr(P)`` (Higgins & Thompson 2002), ``H² = τ²/s̃² + 1``; for the common-effect
  model the Q-based ``I² = (Q - df)/Q`` and ``H² = Q/df``;
* Q-profile confidence interval for τ² (Viechtbauer 2007), carried over to τ, I² and H².
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from evisynth import _dist
from evisynth.errors import InputError
from evisynth.models._design import WLS
from evisynth.models.tau2 import TAU2_ESTIMATORS, fit_at, prepare, solve_q_equation

TESTS = ("z", "hksj", "hksj-adhoc")
MODELS = ("fixed", "random")


@dataclass(frozen=True)
class PoolArrays:
    """Columnar results of :func:`pool`; each field has the batch shape (scalars for one fit)."""

    k: Any
    estimate: Any
    se: Any
    statistic: Any
    df: Any
    p_value: Any
    ci_lower: Any
    ci_upper: Any
    pi_lower: Any
    pi_upper: Any
    pi_lower_t: Any
    pi_upper_t: Any
    tau2: Any
    tau2_se: Any
    tau2_ci_lower: Any
    tau2_ci_upper: Any
    tau: Any
    tau_ci_lower: Any
    tau_ci_upper: Any
    i2: Any
    i2_ci_lower: Any
    i2_ci_upper: Any
    h2: Any
    h2_ci_lower: Any
    h2_ci_upper: Any
    q: Any
    q_df: Any
    q_p: Any
    vt: Any
    converged: Any
    iterations: Any
    tau2_ci_censored: Any = False

    def as_dict(self) -> dict[str, Any]:
        """Field name -> value."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def check_settings(model: str, method: str, test: str, level: float) -> None:
    """Validate pooling settings, naming the argument and the accepted values."""
    if model not in MODELS:
        raise InputError(f"model must be one of {', '.join(MODELS)}; got {model!r}")
    if model == "random" and method not in TAU2_ESTIMATORS:
        raise InputError(f"method must be one of {', '.join(TAU2_ESTIMATORS)} for random effects; got {method!r}")
    if test not in TESTS:
        raise InputError(f"test must be one of {', '.join(TESTS)}; got {test!r}")
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise InputError(f"level must be a fraction between 0 and 1 (e.g. 0.95); got {level!r}")


def pool(
    y: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None = None,
    *,
    model: str = "random",
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
    heterogeneity_ci: bool = True,
) -> PoolArrays:
    """Pool study effects by inverse variance.

    Parameters
    ----------
    y, v : array_like, shape (..., k)
        Effects and sampling variances (one row per meta-analysis in a batch).
    mask : array_like of bool, optional
        Which studies are present in each row (all by default).
    model : {"random", "fixed"}
    method : str
        τ² estimator code (``DL``, ``REML``, ``ML``, ``PM``, ``SJ``, ``HE``, ``HS``, ``EB``).
    test : {"z", "hksj", "hksj-adhoc"}
    level : float
        Confidence level as a fraction.
    heterogeneity_ci : bool
        Compute the Q-profile interval for τ² (and τ, I², H²).

    Returns
    -------
    PoolArrays
    """
    check_settings(model, method, test, level)
    y_in = np.asarray(y, dtype=float)
    single = y_in.ndim == 1
    if single:
        y_in = y_in[None]
        v = np.asarray(v, dtype=float)[None]
        mask = None if mask is None else np.asarray(mask)[None]
    yy, vv, m, k = prepare(y_in, v, mask)

    with np.errstate(divide="ignore", invalid="ignore"):
        return _pool(yy, vv, m, k, single, model=model, method=method, test=test, level=level,
                     heterogeneity_ci=heterogeneity_ci)


def _pool(yy: np.ndarray, vv: np.ndarray, m: np.ndarray, k: np.ndarray, single: bool, *, model: str, method: str,
          test: str, level: float, heterogeneity_ci: bool) -> PoolArrays:
    shape = k.shape
    nan = np.full(shape, np.nan)
    fe = WLS(yy, m / vv)
    if model == "random":
        est = TAU2_ESTIMATORS[method](yy, vv, None, m.astype(bool))
        tau2 = np.where(k > 1, est.tau2, 0.0)
        tau2_se = np.where(k > 1, est.se, np.nan)
        converged, iterations = est.converged, est.iterations
    else:
        tau2, tau2_se = np.zeros(shape), nan.copy()
        converged, iterations = np.ones(shape, dtype=bool), np.zeros(shape, dtype=int)
    fit = fit_at(yy, vv, m, tau2, None)
    mu = fit.beta[..., 0]
    se = np.sqrt(1.0 / fit.s1)
    df = nan.copy()
    z = _dist.crit_norm(level)
    if test == "z":
        crit = np.full(shape, z)
    else:
        s2w = np.where(fit.rss <= np.finfo(float).eps, 0.0, fit.rss / (k - 1))
        if test == "hksj-adhoc":
            s2w = np.maximum(s2w, 1.0)
        # a single study has no df for the t distribution: test it with z, unscaled (as metafor)
        s2w = np.where(k > 1, s2w, 1.0)
        se = np.sqrt(s2w) * se
        df = np.where(k > 1, k - 1, np.nan)
        crit = np.where(k > 1, _dist.crit_t(level, np.where(k > 1, k - 1, 1)), z)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = mu / se
    if test == "z":
        pval = _dist.two_sided_p_norm(stat)
    else:
        pval = np.where(k > 1, _dist.two_sided_p_t(stat, np.where(k > 1, k - 1, 1)), _dist.two_sided_p_norm(stat))
    ci_lo, ci_hi = mu - crit * se, mu + crit * se

    # heterogeneity (always from the common-effect fit)
    has_df = k > 1
    q = np.where(has_df, np.maximum(0.0, fe.rss), 0.0)
    q_df = k - 1
    q_p = np.where(has_df, _dist.chi2_sf(q, np.maximum(q_df, 1)), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        vt = np.where(has_df, q_df / fe.tr_p, 0.0)
        if model == "fixed":
            i2 = np.where(has_df & (q > 0), np.maximum(0.0, 100 * (q - q_df) / q), 0.0)
            h2 = np.where(has_df, q / q_df, 1.0)
        else:
            i2 = np.where(has_df, 100 * tau2 / (vt + tau2), 0.0)
            h2 = np.where(has_df, tau2 / vt + 1, 1.0)

    if model == "random":
        sd = np.sqrt(se**2 + tau2)
        pi_lo, pi_hi = mu - crit * sd, mu + crit * sd
        ok_t = k >= 3
        ct = _dist.crit_t(level, np.where(ok_t, k - 2, 1))
        pi_lo_t = np.where(ok_t, mu - ct * sd, np.nan)
        pi_hi_t = np.where(ok_t, mu + ct * sd, np.nan)
    else:
        pi_lo = pi_hi = pi_lo_t = pi_hi_t = nan

    t_lo = t_hi = nan
    censored = np.zeros(shape, dtype=bool)
    if model == "random" and heterogeneity_ci:
        t_lo, t_hi = qprofile_ci(yy, vv, m, level)
        # metafor's confint() searches τ² only up to max(100, 10·τ̂²) and reports that bound
        # (printed as "> bound") when a limit lies beyond it; we do the same, and flag it.
        bound = np.maximum(100.0, 10.0 * tau2)
        censored = np.isfinite(t_hi) & (t_hi > bound)
        t_lo, t_hi = np.minimum(t_lo, bound), np.minimum(t_hi, bound)
    with np.errstate(divide="ignore", invalid="ignore"):
        i2_lo, i2_hi = 100 * t_lo / (vt + t_lo), 100 * t_hi / (vt + t_hi)
        h2_lo, h2_hi = t_lo / vt + 1, t_hi / vt + 1

    out = PoolArrays(
        k=k.astype(int), estimate=mu, se=se, statistic=stat, df=df, p_value=pval,
        ci_lower=ci_lo, ci_upper=ci_hi, pi_lower=pi_lo, pi_upper=pi_hi,
        pi_lower_t=pi_lo_t, pi_upper_t=pi_hi_t,
        tau2=tau2, tau2_se=tau2_se, tau2_ci_lower=t_lo, tau2_ci_upper=t_hi,
        tau=np.sqrt(tau2), tau_ci_lower=np.sqrt(t_lo), tau_ci_upper=np.sqrt(t_hi),
        i2=i2, i2_ci_lower=i2_lo, i2_ci_upper=i2_hi, h2=h2, h2_ci_lower=h2_lo, h2_ci_upper=h2_hi,
        q=q, q_df=q_df.astype(int), q_p=q_p, vt=vt, converged=converged, iterations=iterations,
        tau2_ci_censored=censored,
    )
    if single:
        return PoolArrays(**{key: _scalar(val) for key, val in out.as_dict().items()})
    return out


def _scalar(a: Any) -> Any:
    a = np.asarray(a)[0] if np.ndim(a) else a
    return a.item() if isinstance(a, np.generic) else a


def qprofile_ci(
    y: np.ndarray, v: np.ndarray, m: np.ndarray, level: float, X: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Q-profile confidence limits for τ² (Viechtbauer 2007), batch-shaped.

    The lower limit solves ``Q(τ²) = χ²_{k-p, 1-α/2}``, the upper ``Q(τ²) = χ²_{k-p, α/2}``; a limit
    is 0 when ``Q(0)`` is already below its target. Undefined (nan) when ``k - p < 1``.
    """
    p = 1 if X is None else X.shape[-1]
    k = m.sum(axis=-1)
    dfq = k - p
    ok = dfq >= 1
    dsafe = np.where(ok, dfq, 1)
    alpha = 1 - level
    crit_upper = _dist.chi2_ppf(1 - alpha / 2, dsafe)
    crit_lower = _dist.chi2_ppf(alpha / 2, dsafe)
    lo, _, _ = solve_q_equation(y, v, m, crit_upper, X)
    hi, _, _ = solve_q_equation(y, v, m, crit_lower, X)
    return np.where(ok, lo, np.nan), np.where(ok, hi, np.nan)
