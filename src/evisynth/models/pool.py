"""Inverse-variance pooling (common effect or random effects) with heterogeneity statistics.

One function, :func:`pool`, serves a single meta-analysis and a batch of independent ones:
inputs have shape ``(..., k)`` with an optional boolean ``mask``; every output field has the
batch shape. A single meta-analysis (1-D inputs) runs through the same code with the batch
shape ``()``, so its per-fit quantities are numpy scalars, whose arithmetic costs a tenth of
that of 1-element arrays; its results are returned as Python scalars. Definitions follow
metafor's ``rma.uni`` and ``confint.rma.uni``:

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

import functools
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from evisynth import _dist
from evisynth.errors import InputError
from evisynth.models.kernels.arrays import any_all, prepare
from evisynth.models.kernels.moments import fit_moments
from evisynth.models.kernels.qsolve import qprofile_limits
from evisynth.models.tau2 import TAU2_ESTIMATORS

TESTS = ("z", "hksj", "hksj-adhoc")
_crit_norm = functools.lru_cache(maxsize=64)(_dist.crit_norm)
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
    v_in = np.asarray(v, dtype=float)
    single = y_in.ndim == 1  # one fit: no batch axis (shape ()), the results become Python scalars
    yy, vv, m, k = prepare(y_in, v_in, mask)
    shape = k.shape
    k_min = y_in.shape[-1] if m is None else k.min(initial=np.inf)  # every row has k studies without a mask
    has_df = k > 1
    all_df = bool(k_min > 1)
    kk = k if all_df else np.where(has_df, k, 2.0)  # k - 1 >= 1 where used as degrees of freedom
    nan: Any = np.float64(np.nan) if single else np.full(shape, np.nan)

    mom: tuple[np.ndarray, ...] | None = None
    tt: np.ndarray | None = None
    if model == "random":
        with np.errstate(divide="ignore", invalid="ignore"):  # rows with k = 1 are set to τ² = 0 below
            est = TAU2_ESTIMATORS[method].kernel(yy, vv, m, k, None)
        tau2, tau2_se = est.tau2, est.se
        converged, iterations = est.converged, est.iterations
        mom = est.moments
        if not all_df:  # one study: τ² is 0 by definition, nothing was estimated
            tau2, tau2_se = np.where(has_df, tau2, 0.0), np.where(has_df, tau2_se, np.nan)
            converged, iterations = np.where(has_df, converged, True), np.where(has_df, iterations, 0)
            mom = None
        tt = np.stack([np.zeros(shape), tau2]) if mom is None else None
    else:
        tau2, tau2_se = np.zeros(shape), nan
        converged, iterations = np.ones(shape, dtype=bool), np.zeros(shape, dtype=int)
        tt = np.zeros((1, *shape))
    if mom is None:  # common-effect fit (τ² = 0) and the fit at τ² in one evaluation
        assert tt is not None
        with np.errstate(divide="ignore", invalid="ignore"):
            mom = fit_moments(yy, vv, m, tt)
    # common-effect fit: Q = Σw(y - ȳ_w)², tr(P) = Σw - Σw²/Σw; last: the fit at τ²
    s1_all, mu_all, rss_all, s2_all = mom[:4]
    s1_0, q_raw = s1_all[0], rss_all[0]
    tr_p0 = s1_0 - s2_all[0] / s1_0
    s1, mu, rss = s1_all[-1], mu_all[-1], rss_all[-1]
    se = np.sqrt(1.0 / s1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if test == "z":
            df = nan
            crit: Any = _crit_norm(level)
            stat = mu / se
            pval = _dist.two_sided_p_norm(stat)
        else:
            s2w = np.where(rss <= np.finfo(float).eps, 0.0, rss / (kk - 1))
            if test == "hksj-adhoc":
                s2w = np.maximum(s2w, 1.0)
            if not all_df:  # a single study has no df for t: test it with z, unscaled (as metafor)
                s2w = np.where(has_df, s2w, 1.0)
            se = np.sqrt(s2w) * se
            crit = _dist.crit_t(level, kk - 1)
            stat = mu / se
            pval = _dist.two_sided_p_t(stat, kk - 1)
            df = k - 1.0
            if not all_df:
                df = np.where(has_df, df, np.nan)
                crit = np.where(has_df, crit, _dist.crit_norm(level))
                pval = np.where(has_df, pval, _dist.two_sided_p_norm(stat))
        ci_lo, ci_hi = mu - crit * se, mu + crit * se

        # heterogeneity (always from the common-effect fit)
        q_df = k - 1
        q = np.maximum(0.0, q_raw)
        q_p = _dist.chi2_sf(q, kk - 1)
        vt = q_df / tr_p0
        if model == "fixed":
            i2 = np.where(q > 0, np.maximum(0.0, 100 * (q - q_df) / q), 0.0)
            h2 = q / q_df
        else:
            i2 = 100 * tau2 / (vt + tau2)
            h2 = tau2 / vt + 1
        if not all_df:
            q, vt, i2 = (np.where(has_df, a, 0.0) for a in (q, vt, i2))
            q_p, h2 = np.where(has_df, q_p, 1.0), np.where(has_df, h2, 1.0)

        if model == "random":
            sd = np.sqrt(se * se + tau2)
            pi_lo, pi_hi = mu - crit * sd, mu + crit * sd
            ok_t = k >= 3
            all_t = bool(k_min >= 3)
            ct = _dist.crit_t(level, k - 2 if all_t else np.where(ok_t, k - 2, 1.0))
            pi_lo_t, pi_hi_t = mu - ct * sd, mu + ct * sd
            if not all_t:
                pi_lo_t, pi_hi_t = np.where(ok_t, pi_lo_t, np.nan), np.where(ok_t, pi_hi_t, np.nan)
        else:
            pi_lo = pi_hi = pi_lo_t = pi_hi_t = nan

        censored = np.zeros(shape, dtype=bool)
        if model == "random" and heterogeneity_ci:
            t_lo, t_hi = qprofile_limits(yy, vv, m, level, start=tau2, q_known=(q_raw, rss))
            # metafor's confint() searches τ² only up to max(100, 10·τ̂²) and reports that bound
            # (printed as "> bound") when a limit lies beyond it; we do the same, and flag it.
            bound = np.maximum(100.0, 10.0 * tau2)
            censored = np.isfinite(t_hi) & (t_hi > bound)
            if any_all(censored):
                t_lo, t_hi = np.minimum(t_lo, bound), np.minimum(t_hi, bound)
            i2_lo, i2_hi = 100 * t_lo / (vt + t_lo), 100 * t_hi / (vt + t_hi)
            h2_lo, h2_hi = t_lo / vt + 1, t_hi / vt + 1
            tau_lo, tau_hi = np.sqrt(t_lo), np.sqrt(t_hi)
        else:
            t_lo = t_hi = i2_lo = i2_hi = h2_lo = h2_hi = tau_lo = tau_hi = nan

    values = (
        k.astype(int), mu, se, stat, df, pval, ci_lo, ci_hi, pi_lo, pi_hi, pi_lo_t, pi_hi_t,
        tau2, tau2_se, t_lo, t_hi, np.sqrt(tau2), tau_lo, tau_hi, i2, i2_lo, i2_hi, h2, h2_lo, h2_hi,
        q, q_df.astype(int), q_p, vt, converged, iterations, censored,
    )
    if single:
        return _scalars(values)
    return PoolArrays(*values)


_NAMES = tuple(f.name for f in fields(PoolArrays))
#: Python type of each field of a single fit's :class:`PoolArrays`
_CONVERT = tuple(int if name in ("k", "q_df", "iterations") else bool if name in ("converged", "tau2_ci_censored")
                 else float for name in _NAMES)


def _scalars(values: tuple[Any, ...]) -> PoolArrays:
    """One fit's values (field order; numpy scalars or 0-d arrays) as a :class:`PoolArrays` of Python scalars."""
    return PoolArrays(*[conv(val) for conv, val in zip(_CONVERT, values, strict=True)])
