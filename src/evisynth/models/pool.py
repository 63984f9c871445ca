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
* Q-profile confidence interval for τ² (Viechtbauer 2007), carried over to τ, I² and H²: the
  exact roots by default, or metafor's limits censored at its search bound
  (``tau2_ci_bound="metafor"``).

Each meta-analysis is fitted in exactly rescaled units (:mod:`evisynth.models.kernels.scaling`),
so results are the same at any scale of the data and no sum over- or underflows; data that
double precision cannot hold are refused with an :class:`~evisynth.errors.InputError`.
Degenerate data get the right limit or an explicit "undefined" (see :class:`PoolArrays` and
:mod:`evisynth.models.undefined`).
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import numpy as np

from evisynth import _dist
from evisynth.errors import InputError
from evisynth.models.kernels.arrays import IVFit, any_all, every, prepare
from evisynth.models.kernels.moments import iv_fit, moment_fits
from evisynth.models.kernels.qsolve import qprofile_limits
from evisynth.models.kernels.scaling import normalise, power_of_two
from evisynth.models.pool_arrays import PoolArrays, batch_result, not_applicable, single_result, undefined_fields
from evisynth.models.tau2 import TAU2_ESTIMATORS
from evisynth.models.undefined import ROUNDING, TINY_Q, Undefined, at_rounding_level
from evisynth.options import DEFAULT_TAU2_METHOD

TESTS = ("z", "hksj", "hksj-adhoc")
MODELS = ("fixed", "random")
#: ``tau2_ci_bound`` values: the exact Q-profile roots, or metafor's, censored at its search bound
TAU2_CI_BOUNDS = ("exact", "metafor")
_crit_norm = functools.lru_cache(maxsize=64)(_dist.crit_norm)
#: The shift of a single fit whose effects were not shifted (adding it is skipped)
_NO_SHIFT = 0.0

__all__ = ["MODELS", "TAU2_CI_BOUNDS", "TESTS", "PoolArrays", "check_settings", "not_applicable", "pool",
           "undefined_fields"]


def check_settings(model: str, method: str, test: str, level: float, tau2_ci_bound: str = "exact") -> None:
    """Validate pooling settings, naming the argument and the accepted values."""
    if model not in MODELS:
        raise InputError(f"model must be one of {', '.join(MODELS)}; got {model!r}")
    if model == "random" and method not in TAU2_ESTIMATORS:
        raise InputError(f"method must be one of {', '.join(TAU2_ESTIMATORS)} for random effects; got {method!r}")
    if test not in TESTS:
        raise InputError(f"test must be one of {', '.join(TESTS)}; got {test!r}")
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise InputError(f"level must be a fraction between 0 and 1 (e.g. 0.95); got {level!r}")
    if tau2_ci_bound not in TAU2_CI_BOUNDS:
        raise InputError(f"tau2_ci_bound must be one of {', '.join(TAU2_CI_BOUNDS)}; got {tau2_ci_bound!r}")


def pool(
    y: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None = None,
    *,
    model: str = "random",
    method: str = DEFAULT_TAU2_METHOD,
    test: str = "z",
    level: float = 0.95,
    heterogeneity_ci: bool = True,
    tau2_ci_bound: Literal["exact", "metafor"] = "exact",
) -> PoolArrays:
    """Pool study effects by inverse variance.

    Parameters
    ----------
    y, v : array_like, shape (..., k)
        Effects and sampling variances (one row per meta-analysis in a batch): finite effects
        and positive finite variances for every study present (callers check this).
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
    tau2_ci_bound : {"exact", "metafor"}
        ``"exact"``: the Q-profile limits are the exact roots however large (``Q(τ²)`` is
        monotone, so they exist). ``"metafor"``: as metafor's ``confint()``, which searches only
        up to ``max(100, 10 τ̂²)`` and reports a limit beyond it at that bound, with
        ``tau2_ci_censored`` True.

    Returns
    -------
    PoolArrays
        See its docstring for undefined values and their flags.

    Raises
    ------
    InputError
        For settings not accepted, and for data that double precision cannot pool (variances
        spanning more than about 150 orders of magnitude in one meta-analysis, effects about
        1e75 standard errors apart: Cochran's Q above :data:`Q_MAX`), naming the problem and,
        in a batch, the meta-analysis.

    Examples
    --------
    >>> r = pool(np.array([0.3, 0.3, 0.3]), np.array([0.01, 0.02, 0.03]), test="hksj")
    >>> r.tau2, r.q, r.se, r.undefined
    (0.0, 0.0, nan, <Undefined.ZERO_RESIDUALS: 2>)
    """
    check_settings(model, method, test, level, tau2_ci_bound)
    y_in = np.asarray(y, dtype=float)
    v_in = np.asarray(v, dtype=float)
    single = y_in.ndim == 1  # one fit: no batch axis (shape ()), the results become Python scalars
    yy, vv, m, k = prepare(y_in, v_in, mask)
    yy, vv, shift, h = normalise(yy, vv, m, k)
    shape = k.shape
    k_min = y_in.shape[-1] if m is None else k.min(initial=np.inf)  # every row has k studies without a mask
    has_df = k > 1
    all_df = bool(k_min > 1)
    kk = k if all_df else np.where(has_df, k, 2.0)  # k - 1 >= 1 where used as degrees of freedom
    nan: Any = np.float64(np.nan) if single else np.full(shape, np.nan)
    flags: Any = 0 if single else np.zeros(shape, dtype=np.uint8)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tau2, tau2_se, converged, iterations, fe, re = _estimate(yy, vv, m, k, has_df, all_df, model, method, nan)
        # identical effects (to rounding): those rows are fitted again with their effects made
        # exactly equal (the limit); Q and τ² are then exactly 0, and the HKSJ factor is 0/0
        # the shift in normalised units: the effects are yy + c
        c = _NO_SHIFT if single and not shift else shift * power_of_two(h, -1)
        zero = _zero_residuals(yy, m, has_df, fe.s1, fe.mu, fe.rss, c)
        if zero is not None:
            # the common value (the first effect moved by the common-effect mean) becomes the shift
            c = np.where(zero, (0.0 if c is _NO_SHIFT else c) + fe.mu, c)
            shift = np.where(zero, shift + fe.mu * power_of_two(h, 1), shift)
            if single:
                c, shift = float(c), float(shift)
            same = np.where(zero[..., None] if np.ndim(zero) else zero, 0.0, yy)
            again = _estimate(same, vv, m, k, has_df, all_df, model, method, nan)
            tau2, tau2_se, converged, iterations = (np.where(zero, b, a) for a, b in zip(
                (tau2, tau2_se, converged, iterations), again[:4], strict=True))
            tau2 = np.where(zero, 0.0, tau2)
            fe, re = (IVFit(*(np.where(zero, b, a) for a, b in zip(old, new, strict=True)))
                      for old, new in ((fe, again[4]), (re, again[5])))
        # common-effect fit: Q = Σw(y - ȳ_w)², tr(P) = Σw - Σw²/Σw; re: the fit at τ²
        s1_0, q_raw = fe.s1, fe.rss
        tr_p0 = s1_0 - fe.s2 / s1_0
        s1, mu, rss = re.s1, re.mu, re.rss
        if zero is not None:
            q_raw, rss = np.where(zero, 0.0, q_raw), np.where(zero, 0.0, rss)

        se = np.sqrt(1.0 / s1)
        se_z = se
        if test == "z":
            df = nan
            crit: Any = _crit_norm(level)
            stat = (mu + c if c is not _NO_SHIFT else mu) / se
            pval = _dist.two_sided_p_norm(stat)
        else:
            s2w = rss / (kk - 1)
            if test == "hksj-adhoc":
                s2w = np.maximum(s2w, 1.0)
            elif zero is not None:  # 0/0: undefined
                s2w = np.where(zero, np.nan, s2w)
                flags = flags | np.where(zero, Undefined.ZERO_RESIDUALS.value, 0).astype(np.uint8)
            if not all_df:  # a single study has no df for t: test it with z, unscaled (as metafor)
                s2w = np.where(has_df, s2w, 1.0)
                flags = flags | np.where(has_df, 0, Undefined.TOO_FEW_STUDIES.value).astype(np.uint8)
            se = np.sqrt(s2w) * se
            crit = _dist.crit_t(level, kk - 1)
            stat = (mu + c if c is not _NO_SHIFT else mu) / se
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
            i2 = np.minimum(100.0, 100 * tau2 / (vt + tau2))  # rounding may pass 100 when vt << tau2
            h2 = tau2 / vt + 1
        if not all_df:
            q, vt, i2 = (np.where(has_df, a, 0.0) for a in (q, vt, i2))
            q_p, h2 = np.where(has_df, q_p, 1.0), np.where(has_df, h2, 1.0)

        if model == "random":
            if not all_df:
                flags = flags | np.where(has_df, 0, Undefined.TOO_FEW_STUDIES.value).astype(np.uint8)
            sd = np.sqrt(se * se + tau2)
            pi_lo, pi_hi = mu - crit * sd, mu + crit * sd
            ok_t = k >= 3
            all_t = bool(k_min >= 3)
            ct = _dist.crit_t(level, k - 2 if all_t else np.where(ok_t, k - 2, 1.0))
            pi_lo_t, pi_hi_t = mu - ct * sd, mu + ct * sd
            if not all_t:
                pi_lo_t, pi_hi_t = np.where(ok_t, pi_lo_t, np.nan), np.where(ok_t, pi_hi_t, np.nan)
                flags = flags | np.where(ok_t, 0, Undefined.TOO_FEW_STUDIES.value).astype(np.uint8)
        else:
            pi_lo = pi_hi = pi_lo_t = pi_hi_t = nan

        censored: Any = np.zeros(shape, dtype=bool)
        if model == "random" and heterogeneity_ci:
            t_lo, t_hi, found = qprofile_limits(yy, vv, m, level, start=tau2, q_known=(q_raw, rss))
            if not every(found):
                t_lo, t_hi = np.where(found, t_lo, np.nan), np.where(found, t_hi, np.nan)
                flags = flags | np.where(found, 0, Undefined.TAU2_CI_NOT_FOUND.value).astype(np.uint8)
            if tau2_ci_bound == "metafor":
                # metafor's confint() searches τ² only up to max(100, 10·τ̂²) (original units) and
                # reports that bound (printed as "> bound") for a limit beyond it; flagged
                bound = np.maximum(100.0 * power_of_two(h, -2), 10.0 * tau2)
                censored = np.isfinite(t_hi) & (t_hi > bound)
                if any_all(censored):
                    t_lo, t_hi = np.minimum(t_lo, bound), np.minimum(t_hi, bound)
            i2_lo, i2_hi = np.minimum(100.0, 100 * t_lo / (vt + t_lo)), np.minimum(100.0, 100 * t_hi / (vt + t_hi))
            i2_lo, i2_hi = ordered_i2_limits(i2, i2_lo, i2_hi, tau2, t_lo, t_hi)
            h2_lo, h2_hi = t_lo / vt + 1, t_hi / vt + 1
            tau_lo, tau_hi = np.sqrt(t_lo), np.sqrt(t_hi)
        else:
            t_lo = t_hi = i2_lo = i2_hi = h2_lo = h2_hi = tau_lo = tau_hi = nan
        # not finite (or vt = ±0, from Σw² overflowing): beyond double precision
        z = stat if test == "z" else (mu + c if c is not _NO_SHIFT else mu) / se_z
        checked = (mu, se_z, z, q, tau2, i2, h2, 1.0 / vt if all_df else np.where(has_df, 1.0 / vt, 1.0),
                   0.0 if model == "fixed" else tau2_se if all_df else np.where(has_df, tau2_se, 1.0))

    values = [
        k, mu, se, stat, df, pval, ci_lo, ci_hi, pi_lo, pi_hi, pi_lo_t, pi_hi_t,
        tau2, tau2_se, t_lo, t_hi, np.sqrt(tau2), tau_lo, tau_hi, i2, i2_lo, i2_hi, h2, h2_lo, h2_hi,
        q, q_df, q_p, vt, converged, iterations, censored, flags,
    ]
    # tr(P)/Σw: the other studies' share of the weight when one study dominates (k >= 2)
    share = tr_p0 / s1_0 if all_df else np.where(has_df, tr_p0 / s1_0, 1.0)
    if single:
        return single_result(values, checked, share, shift, h, y_in, v_in, mask)
    return batch_result(values, checked, share, shift, h, y_in, v_in, m)


def _estimate(yy: np.ndarray, vv: np.ndarray, m: np.ndarray | None, k: Any, has_df: Any, all_df: bool, model: str,
              method: str, nan: Any) -> tuple[Any, Any, Any, Any, IVFit, IVFit]:
    """τ² (with its SE and convergence) and the common-effect and random-effects fits."""
    shape = k.shape
    if model == "fixed":
        fe = iv_fit(yy, vv, m, 0.0)[0]
        return np.zeros(shape), nan, np.ones(shape, dtype=bool), np.zeros(shape, dtype=int), fe, fe
    est = TAU2_ESTIMATORS[method].kernel(yy, vv, m, k, None)  # rows with k = 1: τ² set to 0 below
    tau2, tau2_se, converged, iterations, fits = est.tau2, est.se, est.converged, est.iterations, est.fits
    if not all_df:  # one study: τ² is 0 by definition, nothing was estimated
        tau2, tau2_se = np.where(has_df, tau2, 0.0), np.where(has_df, tau2_se, np.nan)
        converged, iterations = np.where(has_df, converged, True), np.where(has_df, iterations, 0)
        fits = None
    if fits is None:  # the common-effect fit (τ² = 0) and the fit at τ² in one evaluation
        fits = moment_fits(yy, vv, m, tau2)
    return tau2, tau2_se, converged, iterations, fits[0], fits[1]


def _zero_residuals(yy: np.ndarray, m: np.ndarray | None, has_df: Any, s1_0: Any, mu_0: Any, q0: Any,
                    c: Any) -> Any:
    """Rows (k >= 2) whose effects are identical up to rounding, or None when there is none.

    In the normalised units of :func:`~evisynth.models.kernels.scaling.normalise` the effects
    are ``y' + c`` (``c`` the shift in those units). If every residual from the common-effect mean is at
    most ``ROUNDING`` times the largest |effect|, that largest |effect| is at most
    ``|μ0' + c| / (1 - ROUNDING)``, so ``Q <= Σw (2 ROUNDING |μ0' + c|)²``: that cheap
    condition rules out almost every row, and the remaining candidates get the exact test.
    Effects less than 1e-150 standard errors apart (Cochran's Q below ``TINY_Q``, where the
    squares of the residuals underflow) count as identical too.
    """
    if np.ndim(q0) == 0:  # one fit: Python floats
        q, centre = float(q0), float(mu_0) + c
        if not (has_df and (q <= float(s1_0) * (2 * ROUNDING * centre) * (2 * ROUNDING * centre) or q < TINY_Q)):
            return None
        candidate: Any = np.True_
    else:
        candidate = has_df & ((q0 <= s1_0 * (2 * ROUNDING * (mu_0 + c)) ** 2) | (q0 < TINY_Q))
        if not any_all(candidate):
            return None
    cc = np.asarray(c)[..., None]
    r = yy - np.asarray(mu_0)[..., None]
    size = np.abs(yy + cc)
    if m is not None:
        r, size = r * m, size * m
    exact = at_rounding_level(r, np.max(size, axis=-1)) | (q0 < TINY_Q)
    return candidate & exact


def ordered_i2_limits(i2: Any, i2_lo: Any, i2_hi: Any, tau2: Any, t_lo: Any, t_hi: Any) -> tuple[Any, Any]:
    """The I² limits in the order of the τ² values they come from.

    ``I² = 100·τ²/(vt + τ²)`` increases with τ², but in floating point it need not when
    ``vt ≪ τ²`` (I² within an ulp of 100): ``τ²_lo < τ̂²`` can give I²_lo = 100.0 above
    I² = 99.99999999999999. A limit that rounding put on the wrong side of the estimate (or of the
    other limit) is moved onto it; nothing else changes, so an estimate that lies outside the
    Q-profile interval of τ² (possible for DL, HS, SJ, as in metafor) stays outside the I² interval.

    >>> ordered_i2_limits(99.99999999999999, 100.0, 100.0, 2.0, 1.0, 3.0)
    (99.99999999999999, 100.0)
    >>> ordered_i2_limits(50.0, 60.0, 70.0, 1.0, 1.2, 1.4)   # estimate below the τ² interval: kept
    (60.0, 70.0)
    """
    lo = np.where((t_lo <= tau2) & (i2_lo > i2), i2, i2_lo)
    hi = np.where((t_hi >= tau2) & (i2_hi < i2), i2, i2_hi)
    lo = np.where((t_lo <= t_hi) & (lo > hi), hi, lo)
    if np.ndim(lo) == 0:
        return float(lo), float(hi)
    return lo, hi
