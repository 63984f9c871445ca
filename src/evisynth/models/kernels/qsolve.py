"""Solving the generalised Q equation ``Q(τ²) = target``: the Paule-Mandel / empirical Bayes
kernel and the Q-profile confidence limits.

``Q(τ²) = Y'P(τ²)Y`` is convex and decreasing in τ² (``dQ/dτ² = -Y'PPY``), so Newton steps
from the left of the root never overshoot; they are taken on ``1/Q`` (see :func:`newton_q_step`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from evisynth import _dist
from evisynth.models.kernels.arrays import (
    DOT_BIG,
    DOT_SMALL,
    EINSUM_MIN,
    SUM_BIG,
    SUM_SMALL,
    Tau2Estimate,
    as_rows,
    every,
    lastsum,
    n_coef,
    stacked,
)
from evisynth.models.kernels.iterate import done_predicted, iterate_rows, tolerance
from evisynth.models.kernels.moments import fit_moments
from evisynth.models.kernels.wls import fit_at


def newton_q_step(work: tuple[Any, ...], t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One Newton step towards ``Q(τ²) = target`` from the left, per row (an :func:`iterate_rows` step).

    The step is Newton's on ``1/Q(τ²) = 1/target``: ``1/Q`` is concave (Cauchy-Schwarz:
    ``(Y'PPY)² <= Y'PY Y'PPPY``) and increasing, so these steps stay left of the root like plain
    Newton on Q, but ``1/Q`` is nearly linear in τ² and they are longer by the factor Q/target
    (far fewer iterations). ``work`` is ``(y, v, m, X, target, inv_target, prev, tol)`` with
    ``inv_target`` 1/target, or 0 where target <= 0 (plain Newton there), ``prev`` the
    scratch array of :func:`~evisynth.models.kernels.iterate.done_predicted` and ``tol`` the
    per-row tolerance of :func:`~evisynth.models.kernels.iterate.tolerance`.
    """
    y, v, m, X, target, inv_target, prev, tol = work
    if X is None:  # closed forms, fewest array operations (this loop dominates a single fit)
        scalar = t.ndim == 0  # a single fit: numpy scalars broadcast without a new axis (cheaper)
        u = v + (t if scalar else t[..., None])
        w = 1.0 / u if m is None else m / u
        red, dot = (SUM_SMALL, DOT_SMALL) if w.size < EINSUM_MIN else (SUM_BIG, DOT_BIG)
        mu = dot(w, y) / red(w)
        r = y - (mu if scalar else mu[..., None])
        wr = w * r
        rss, slope = dot(wr, r), dot(wr, wr)
    else:
        fit = fit_at(y, v, m, t, X)
        rss, slope = fit.rss, fit.yppy
    f = rss - target
    step = f / slope * (1.0 + f * inv_target)
    if not every(step >= 0.0):  # past the root by rounding, slope 0 or nan: no step
        step = np.where(step >= 0.0, step, 0.0)
    new = t + step
    return new, done_predicted(t, new, prev, None, tol) | (f <= 0)


def solve_q_equation(
    y: np.ndarray,
    v: np.ndarray,
    m: np.ndarray | None,
    target: np.ndarray | float,
    X: np.ndarray | None = None,
    start: np.ndarray | None = None,
    q_known: tuple[np.ndarray, np.ndarray] | None = None,
    tol: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve ``Q(τ²) = target`` for τ² >= 0 by Newton's method (on 1/Q) from the left, row by row.

    Where ``Q(0) <= target`` the answer is 0. ``m`` is the float mask of
    :func:`~evisynth.models.kernels.arrays.prepare` (None: every study present). Newton starts
    at ``start`` where that is still left of the root (``Q(start) > target``), else at 0.
    ``q_known`` is ``(Q(0), Q(start))`` where the caller has them already (intercept-only
    models); they are then not evaluated again; ``tol`` the iteration's tolerance
    (:func:`~evisynth.models.kernels.iterate.tolerance`) where the caller has it.

    Returns
    -------
    tau2, converged, iterations
    """
    shape = y.shape[:-1]
    n = math.prod(shape)
    if tol is None:
        tol = tolerance(v, m, y.shape[-1] if m is None else lastsum(m))
    target = np.asarray(target, dtype=float)
    if target.shape != shape:
        target = np.broadcast_to(target, shape)
    if start is not None:
        start = np.asarray(start, dtype=float)
        if start.shape != shape:
            start = np.broadcast_to(start, shape)
    if shape == () and X is None:  # one fit: no batch axis at all (numpy scalars are cheapest)
        y2, v2, m2, X2, target2 = y, v, m, X, target[()]
        start2 = None if start is None else start[()]
        if q_known is not None:
            q_known = (np.asarray(q_known[0], dtype=float)[()], np.asarray(q_known[1], dtype=float)[()])
    else:  # rows
        y2, v2, m2, X2 = as_rows(y, n, 1), as_rows(v, n, 1), as_rows(m, n, 1), as_rows(X, n, 2)
        target2, tol = target.reshape(n), np.reshape(tol, n)
        start2 = None if start is None else start.reshape(n)
        if q_known is not None:
            q_known = (np.reshape(q_known[0], n), np.reshape(q_known[1], n))
    x0 = np.zeros(target2.shape)
    if start2 is not None and X2 is None:
        if q_known is None:  # Q(0) and Q(start) in one evaluation (leading axis of 2)
            tt = np.zeros((2, *target2.shape))
            tt[1] = start2
            q0, qs = fit_moments(y2, v2, m2, tt)[2]
        else:
            q0, qs = q_known
        f0, fs = q0 - target2, qs - target2
        x0 = np.where((start2 > 0) & (fs > 0), start2, 0.0)
    else:
        f0 = fit_at(y2, v2, m2, 0.0, X2).rss - target2
        if start2 is not None:
            left = (start2 > 0) & (fit_at(y2, v2, m2, start2, X2).rss - target2 > 0)
            x0 = np.where(left, start2, 0.0)
    inv_target = 1.0 / target2  # (Q-profile targets are chi-squared quantiles, > 0)
    if not every(target2 > 0):
        inv_target = np.where(target2 > 0, inv_target, 0.0)[()]
    tau2, conv, it = iterate_rows(newton_q_step, x0, f0 > 0,
                                  (y2, v2, m2, X2, target2, inv_target, np.zeros(target2.shape), tol))
    if tau2.shape == shape:
        return tau2, conv, it
    return tau2.reshape(shape), conv.reshape(shape), it.reshape(shape)


def pm(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    """Paule-Mandel (and empirical Bayes, the same estimating equation): the root of
    ``Q(τ²) = k - p``, 0 where ``Q(0) < k - p``."""
    p = n_coef(X)
    tau2, conv, it = solve_q_equation(y, v, m, k - p, X)
    fit = fit_at(y, v, m, tau2, X)
    se = np.sqrt(2 * k**2 / (k - p) / fit.s1**2)
    return Tau2Estimate(tau2, se, conv, it)


def qprofile_limits(
    y: np.ndarray, v: np.ndarray, m: np.ndarray | None, level: float, X: np.ndarray | None = None,
    *, start: np.ndarray | None = None, q_known: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q-profile confidence limits for τ² (Viechtbauer 2007), batch-shaped, with no search bound.

    The lower limit solves ``Q(τ²) = χ²_{k-p, 1-α/2}``, the upper ``Q(τ²) = χ²_{k-p, α/2}``; a limit
    is 0 when ``Q(0)`` is already below its target. Undefined (nan) when ``k - p < 1``. ``Q``
    decreases to 0 as τ² grows, so each root exists; Newton's iteration from the left
    (:func:`solve_q_equation`) reaches it however far out it lies. ``start`` (e.g. the τ²
    estimate) is used as Newton's starting point where it lies below a limit, which saves
    iterations; the limits do not depend on it. ``q_known`` is ``(Q(0), Q(start))`` where the
    caller has them (intercept-only models).

    Returns
    -------
    lower, upper, found
        ``found`` is False where an iteration did not converge (the limits there are the last
        iterates; callers report them as undefined).
    """
    p = n_coef(X)
    shape = y.shape[:-1]
    if m is not None:
        k = m.sum(axis=-1)
    else:
        k = np.float64(y.shape[-1]) if shape == () else np.full(shape, float(y.shape[-1]))
    dfq = k - p
    ok = dfq >= 1
    all_ok = every(ok)
    dsafe = dfq if all_ok else np.where(ok, dfq, 1)
    alpha = 1 - level
    crit_upper = _dist.chi2_ppf(1 - alpha / 2, dsafe)
    crit_lower = _dist.chi2_ppf(alpha / 2, dsafe)
    if shape == () and X is None:  # one fit: each limit on its own, without a batch axis
        tol = tolerance(v, m, k)
        lo, found_lo, _ = solve_q_equation(y, v, m, crit_upper, X, start=start, q_known=q_known, tol=tol)
        hi, found_hi, _ = solve_q_equation(y, v, m, crit_lower, X, start=start, q_known=q_known, tol=tol)
        found = found_lo & found_hi
    else:  # both limits in one row-wise solve (two stacked copies of the batch): half the iterations' overhead
        both, conv, _ = solve_q_equation(
            stacked(y), stacked(v), stacked(m), np.stack([crit_upper, crit_lower]), stacked(X),
            start=None if start is None else stacked(np.asarray(start, dtype=float)),
            q_known=None if q_known is None else (stacked(q_known[0]), stacked(q_known[1])))
        lo, hi, found = both[0], both[1], conv[0] & conv[1]
    if all_ok:
        return lo, hi, found
    return np.where(ok, lo, np.nan), np.where(ok, hi, np.nan), found | ~ok
