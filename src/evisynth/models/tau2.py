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
* ML, REML: Viechtbauer W (2005). J Educ Behav Stat 30:261-293 (Fisher scoring; here
  safeguarded with the observed information, see :func:`_fisher_step`).
* PM: Paule RC, Mandel J (1982). J Res Natl Bur Stand 87:377-385.
* EB: Morris CN (1983). JASA 78:47-55 (its estimating equation equals PM's).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from evisynth.models._design import _EINSUM_MIN, WLS, _add_reduce, _dot, _sum, _vecdot

#: Tolerance on successive τ² values (relative to max(1, τ²)) for iterative estimators; the
#: Newton iterations also stop when the next step, predicted from the last two, is 100 times
#: below it (see :func:`_fisher_step`).
THRESHOLD = 1e-12
MAX_ITER = 1000


@dataclass(slots=True)
class Tau2Estimate:
    """τ² with its standard error and convergence information (arrays of the batch shape).

    A plain (not frozen) record: it is built several times per fit, and a frozen dataclass's
    per-field ``object.__setattr__`` was a measurable share of a single fit's time."""

    tau2: np.ndarray
    se: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    at_zero_check: np.ndarray | None = None  # ML/REML: True where ll at τ²=0 beat the solution
    #: ML/REML without moderators: :func:`fit_moments` at τ² = 0 and at the estimate (leading
    #: axis of 2), which :func:`~evisynth.models.pool.pool` reuses instead of recomputing
    moments: tuple[np.ndarray, ...] | None = None


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
    s1 = _sum(w)
    mu = _dot(w, y) / s1
    r = y - mu[..., None]
    rss = _dot(w * r, r)
    s2 = _dot(w, w)
    if not likelihood:
        return s1, mu, rss, s2
    s3 = _dot(w * w, w)
    logu = np.log(u)
    return s1, mu, rss, s2, s3, _sum(logu) if m is None else _dot(m, logu)


def prepare(
    y: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(y, v, m, k)`` with absent studies neutralised (y=0, v=1, m=0)."""
    y, v, m, k = _prep(y, v, mask)
    return y, v, (np.ones(y.shape) if m is None else m), k


def _prep(
    y: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, Any]:
    """Like :func:`prepare`, but ``m`` is None when every study is present (no mask work at all)."""
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != bool:
            mask = mask != 0
        if not mask.all():
            m = mask.astype(float)
            return np.where(mask, y, 0.0), np.where(mask, v, 1.0), m, _sum(m)
    if y.ndim == 1:  # one fit: a numpy scalar (cheaper in arithmetic than a 0-d array)
        return y, v, None, np.float64(y.shape[-1])
    return y, v, None, np.full(y.shape[:-1], float(y.shape[-1]))


def _p(X: np.ndarray | None) -> int:
    return 1 if X is None else X.shape[-1]


def _weights(v: np.ndarray, m: np.ndarray | None, tau2: np.ndarray | float) -> np.ndarray:
    t = np.asarray(tau2, dtype=float)[..., None]
    return 1.0 / (v + t) if m is None else m / (v + t)


def fit_at(
    y: np.ndarray, v: np.ndarray, m: np.ndarray | None, tau2: np.ndarray | float, X: np.ndarray | None
) -> WLS:
    """Weighted fit with weights ``m / (v + τ²)`` (``m=None``: every study present)."""
    return WLS(y, _weights(v, m, tau2), X)


def q_generalised(
    y: np.ndarray, v: np.ndarray, m: np.ndarray | None, tau2: np.ndarray | float, X: np.ndarray | None
) -> WLS:
    """Fit whose ``rss`` is the generalised Q statistic ``Q(τ²) = Y'P(τ²)Y``."""
    return fit_at(y, v, m, tau2, X)


# -- per-row iteration ---------------------------------------------------------------------------

Step = Callable[[tuple[Any, ...], np.ndarray], tuple[np.ndarray, np.ndarray]]


def _take(data: tuple[Any, ...], rows: np.ndarray) -> tuple[Any, ...]:
    return tuple(a[rows] if isinstance(a, np.ndarray) else a for a in data)


def iterate_rows(
    step: Step, x0: np.ndarray, active: np.ndarray | None, data: tuple[Any, ...], max_iter: int = MAX_ITER
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Iterate ``x <- step(data, x)`` independently for every row until the row reports ``done``.

    ``x0`` has shape ``(n,)`` (or ``()`` for one row without a batch axis, as a single fit is run)
    and ``active`` the same shape (``active=None``: every row);
    each array in ``data`` has a first axis indexing the same ``n`` rows (other elements, such as
    None or flags, are passed through). ``step(data_rows, x_rows)`` returns the new iterate and a
    boolean ``done`` per row.

    A row's sequence of iterates depends on its own data only, so it gets the same answer
    alone as in any batch. Finished rows are frozen; the working set is compacted once fewer
    than half of its rows are still active (no per-iteration fancy indexing, and a single
    fit never indexes at all). Rows not done after ``max_iter`` steps keep their last
    iterate and are reported as not converged.

    Returns
    -------
    x, converged, iterations
    """
    n = x0.size
    rows: np.ndarray | None = None  # None: the working set is every row, in order
    if active is not None:
        active = np.asarray(active, dtype=bool)
    if active is None or _every(active):
        # the steps return new arrays, so x0 is not written to; the full-size outputs are
        # allocated only if the working set is ever compacted
        work, wx = data, np.asarray(x0, dtype=float)
        x = iterations = converged = wx
    elif x0.ndim == 0:  # one row, not active: nothing to do
        return np.array(x0, dtype=float), ~active, np.zeros((), dtype=int)
    else:
        x = np.array(x0, dtype=float)
        iterations = np.zeros(x.shape, dtype=int)
        converged = ~active
        rows = np.flatnonzero(active)
        if rows.size == 0:
            return x, converged, iterations
        work = _take(data, rows)
        wx = x[rows]
    witer = np.zeros(wx.shape, dtype=int)
    wconv = np.zeros(wx.shape, dtype=bool)
    wact = wconv
    full = True  # every working row still active: no masking (the whole of a single fit)
    it = 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for it in range(1, max_iter + 1):
            new, done = step(work, wx)
            if full:
                wx = new
                n_done = _count(done)
                if n_done == done.size:
                    wconv[...] = True
                    break
                if n_done == 0:
                    continue
                full = False
                witer[...] = it
                wconv = np.array(done, dtype=bool)
                wact = ~wconv
            else:
                wx = np.where(wact, new, wx)
                witer[wact] = it
                wconv |= wact & done
                wact &= ~done
            n_act = _count(wact)
            if n_act == 0:
                break
            if 2 * n_act <= wact.size and wact.size >= _COMPACT_MIN:
                if rows is None:
                    rows = np.arange(n)
                    x, iterations, converged = np.empty(n), np.empty(n, dtype=int), np.empty(n, dtype=bool)
                x[rows], iterations[rows], converged[rows] = wx, witer, wconv
                rows = rows[wact]
                work = _take(work, wact)
                wx, witer, wconv = wx[wact], witer[wact], wconv[wact]
                full = True
    if full:
        witer[...] = it
    if rows is None:  # [()]: numpy scalars for a single fit, the arrays themselves otherwise
        return wx[()], wconv[()], witer[()]
    x[rows], iterations[rows], converged[rows] = wx, witer, wconv
    return x, converged, iterations


def _every(flags: Any) -> bool:
    """Whether every element of a boolean array (or numpy bool scalar) is True."""
    return bool(flags) if flags.ndim == 0 else _count(flags) == flags.size


#: reductions over every axis (also of 0-d arrays and numpy scalars: a single fit has no batch axis)
_count = np.count_nonzero
_sum_all = functools.partial(np.add.reduce, axis=None)
#: Working sets smaller than this are never compacted (masking a few rows is cheaper than copying).
_COMPACT_MIN = 16
#: last-axis sums without a Python-level wrapper: ``add.reduce`` for small arrays, ``einsum``
#: (several times faster on short rows) for large ones, as :func:`evisynth.models._design._sum`
_SUM_SMALL = functools.partial(_add_reduce, axis=-1)
_SUM_BIG = functools.partial(np.einsum, "...i->...")
#: ``Σ a b`` over the last axis in one call
_DOT_SMALL = _vecdot
_DOT_BIG = functools.partial(np.einsum, "...i,...i->...")
_isfinite = math.isfinite
_any = functools.partial(np.logical_or.reduce, axis=None)


@overload
def _rows(a: np.ndarray, n: int, trailing: int) -> np.ndarray: ...
@overload
def _rows(a: None, n: int, trailing: int) -> None: ...
def _rows(a: np.ndarray | None, n: int, trailing: int) -> np.ndarray | None:
    """Flatten the batch axes of ``a`` (keeping ``trailing`` axes) to one row axis of length n."""
    if a is None:
        return None
    return a.reshape((n, *a.shape[a.ndim - trailing:]))


def _newton_step(work: tuple[Any, ...], t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y, v, m, X, target, inv_target, prev = work
    if X is None:  # closed forms, fewest array operations (this loop dominates a single fit)
        scalar = t.ndim == 0  # a single fit: numpy scalars broadcast without a new axis (cheaper)
        u = v + (t if scalar else t[..., None])
        w = 1.0 / u if m is None else m / u
        red, dot = (_SUM_SMALL, _DOT_SMALL) if w.size < _EINSUM_MIN else (_SUM_BIG, _DOT_BIG)
        mu = dot(w, y) / red(w)
        r = y - (mu if scalar else mu[..., None])
        wr = w * r
        rss, slope = dot(wr, r), dot(wr, wr)
    else:
        fit = fit_at(y, v, m, t, X)
        rss, slope = fit.rss, fit.yppy
    f = rss - target
    # Newton on 1/Q(τ²) = 1/target: 1/Q is concave (Cauchy-Schwarz: (Y'PPY)² <= Y'PY Y'PPPY) and
    # increasing, so these steps stay left of the root like plain Newton on Q, but 1/Q is nearly
    # linear in τ² and they are longer by the factor Q/target (far fewer iterations).
    # (``inv_target`` is 1/target, or 0 where target <= 0: plain Newton there)
    step = f / slope * (1.0 + f * inv_target)
    if not _every(step >= 0.0):  # past the root by rounding, slope 0 or nan: no step
        step = np.where(step >= 0.0, step, 0.0)
    new = t + step
    # Newton converges quadratically here too: stop on the predicted next step (see _fisher_step)
    return new, _done_predicted(t, new, prev, None) | (f <= 0)


def solve_q_equation(
    y: np.ndarray,
    v: np.ndarray,
    m: np.ndarray | None,
    target: np.ndarray | float,
    X: np.ndarray | None = None,
    start: np.ndarray | None = None,
    q_known: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve ``Q(τ²) = target`` for τ² >= 0 by Newton's method (on 1/Q) from the left, row by row.

    ``Q`` is convex and decreasing in τ² (``dQ/dτ² = -Y'PPY``), so Newton steps from the left
    never overshoot and converge monotonically. Where ``Q(0) <= target`` the answer is 0.
    ``m`` is the float mask of :func:`prepare` (None: every study present). Newton starts at
    ``start`` where that is still left of the root (``Q(start) > target``), else at 0.
    ``q_known`` is ``(Q(0), Q(start))`` where the caller has them already (intercept-only
    models); they are then not evaluated again.

    Returns
    -------
    tau2, converged, iterations
    """
    shape = y.shape[:-1]
    n = math.prod(shape)
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
        y2, v2, m2, X2 = _rows(y, n, 1), _rows(v, n, 1), _rows(m, n, 1), _rows(X, n, 2)
        target2 = target.reshape(n)
        start2 = None if start is None else start.reshape(n)
        if q_known is not None:
            q_known = (np.reshape(q_known[0], n), np.reshape(q_known[1], n))
    x0 = np.zeros(target2.shape)
    if start2 is not None and X2 is None:
        if q_known is None:  # Q(0) and Q(start) in one evaluation (leading axis of 2)
            tt = np.zeros((2, *target2.shape))
            tt[1] = start2
            with np.errstate(divide="ignore", invalid="ignore"):
                q0, qs = fit_moments(y2, v2, m2, tt)[2]
        else:
            q0, qs = q_known
        f0, fs = q0 - target2, qs - target2
        x0 = np.where((start2 > 0) & (fs > 0), start2, 0.0)
    else:
        f0 = q_generalised(y2, v2, m2, 0.0, X2).rss - target2
        if start2 is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                left = (start2 > 0) & (q_generalised(y2, v2, m2, start2, X2).rss - target2 > 0)
            x0 = np.where(left, start2, 0.0)
    inv_target = 1.0 / target2  # (Q-profile targets are chi-squared quantiles, > 0)
    if not _every(target2 > 0):
        with np.errstate(divide="ignore"):
            inv_target = np.where(target2 > 0, inv_target, 0.0)[()]
    tau2, conv, it = iterate_rows(_newton_step, x0, f0 > 0,
                                  (y2, v2, m2, X2, target2, inv_target, np.zeros(target2.shape)))
    if tau2.shape == shape:
        return tau2, conv, it
    return tau2.reshape(shape), conv.reshape(shape), it.reshape(shape)


# -- estimators on prepared arrays (m None = all present) -------------------------------------------


def _dl(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    p = _p(X)
    fe = WLS(y, _weights(v, m, 0.0), X)
    tau2 = np.maximum(0.0, (fe.rss - (k - p)) / fe.tr_p)
    se = np.sqrt((2 * (k - p) + 4 * tau2 * fe.tr_p + 2 * tau2**2 * fe.tr_pp) / fe.tr_p**2)
    return _done(tau2, se)


def _he(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None,
        se: bool = True) -> Tau2Estimate:
    p = _p(X)
    if not se and X is None:  # starting value of ML/REML: closed form, tr(PV) = Σv (k-1)/k for OLS
        sv = _sum(v) if m is None else _dot(m, v)
        r = y - ((_sum(y) if m is None else _dot(m, y)) / k)[..., None]
        rss = _dot(r, r) if m is None else _dot(m * r, r)
        tau2 = np.maximum(0.0, (rss - sv * (k - 1) / k) / (k - 1))
        return Tau2Estimate(tau2, tau2, tau2, tau2)
    ols = WLS(y, np.ones(y.shape) if m is None else m, X)
    tr_pv = ols.tr_pv(v)
    tau2 = np.maximum(0.0, (ols.rss - tr_pv) / (k - p))
    if not se:  # starting value of ML/REML
        return Tau2Estimate(tau2, tau2, tau2, tau2)
    se_ = np.sqrt((2 * ols.tr_pvpv(v) + 4 * tau2 * tr_pv + 2 * tau2**2 * (k - p)) / (k - p) ** 2)
    return _done(tau2, se_)


def _hs(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    p = _p(X)
    fe = WLS(y, _weights(v, m, 0.0), X)
    tau2 = np.maximum(0.0, (fe.rss - k) / fe.s1)
    se = np.sqrt((2 * (k - p) + 4 * tau2 * fe.tr_p + 2 * tau2**2 * fe.tr_pp) / fe.s1**2)
    return _done(tau2, se)


def _sj(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    p = _p(X)
    ybar = (_sum(y) if m is None else _sum(m * y)) / k
    dev2 = (y - ybar[..., None]) ** 2
    tau0 = (_sum(dev2) if m is None else _sum(m * dev2)) / k
    fit = fit_at(y, v, m, tau0, X)
    tau2 = np.maximum(0.0, tau0 * fit.rss / (k - p))
    se = np.sqrt(
        tau0**2 / (k - p) ** 2 * (2 * fit.tr_pvpv(v) + 4 * tau2 * fit.tr_pvp(v) + 2 * tau2**2 * fit.tr_pp)
    )
    return _done(tau2, se)


def _pm(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    p = _p(X)
    tau2, conv, it = solve_q_equation(y, v, m, k - p, X)
    fit = fit_at(y, v, m, tau2, X)
    se = np.sqrt(2 * k**2 / (k - p) / fit.s1**2)
    return Tau2Estimate(tau2, se, conv, it)


def _loglik(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, tau2: np.ndarray, X: np.ndarray,
            reml: bool) -> np.ndarray:
    """ML/REML log-likelihood (up to a constant) of a model with moderators ``X``; without
    moderators :func:`_fisher_finish` forms it from :func:`fit_moments`."""
    logv = np.log(v + np.asarray(tau2, dtype=float)[..., None])
    fit = fit_at(y, v, m, tau2, X)
    ll = -0.5 * (_sum(logv) if m is None else _sum(m * logv)) - 0.5 * fit.rss
    if reml:
        ll = ll - 0.5 * fit.log_det_xtwx
    return ll


def _score(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, X: np.ndarray | None, t: np.ndarray,
           reml: bool, observed: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, Any]:
    """Twice the ML/REML score at ``t``, the expected information term and (if asked) the
    observed one and ``Σw²/Σw`` (for the scaled Newton step of :func:`_fisher_step`)."""
    if X is None:  # closed forms, the same sums as the scaled Newton step
        score, _, parts = _newton_terms(y, v, m, None, t, reml)
        info, obs_info = _information(parts)
        return score, info, obs_info if observed else None, parts[3]
    obs = a = None
    fit = fit_at(y, v, m, t, X)
    score, info = (fit.yppy - fit.tr_p, fit.tr_pp) if reml else (fit.yppy - fit.s1, fit.s2)
    if observed:
        obs, a = 2 * fit.quad_p(fit.wresid) - info, fit.s2 / fit.s1
    return score, info, obs, a


def _newton_terms(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, X: np.ndarray | None, t: np.ndarray,
                  reml: bool) -> tuple[np.ndarray, np.ndarray, Any]:
    """Twice the score ``S`` at ``t`` and ``I_obs - 2 S Σw²/Σw``, the (sign-flipped, rescaled)
    derivative of ``S(τ²)·(c + τ²)²`` used by the scaled Newton step of :func:`_fisher_step`.

    With ``s_j = Σw^j``, ``a = s2/s1``, ``B = Σw²r²``, ``C = Σw³r²`` and ``b = Σw²r`` (``r`` the
    residuals from the weighted mean) the score is ``B - s1 (+ a)`` and the derivative term
    ``2(C - aB) - 2b²/s1 + s2 (+ 2 s3/s1 - 3a²)`` (ML, REML additions in brackets); it is what
    :func:`_score` gives as ``observed - 2 score a``, with fewer operations. The third item
    holds what :func:`_cautious` needs for the fallback step.
    """
    if X is not None:
        score, info, obs, a = _score(y, v, m, X, t, reml, True)
        assert obs is not None
        return score, obs - 2 * score * a, np.maximum(info, obs)
    scalar = t.ndim == 0  # a single fit: numpy scalars broadcast without a new axis (cheaper)
    u = v + (t if scalar else t[..., None])
    w = 1.0 / u if m is None else m / u
    red, dot = (_SUM_SMALL, _DOT_SMALL) if w.size < _EINSUM_MIN else (_SUM_BIG, _DOT_BIG)
    s1 = red(w)
    mu = dot(w, y) / s1
    wr = w * (y - (mu if scalar else mu[..., None]))
    ww = w * w
    s2 = red(ww)
    a = s2 / s1
    big_b = dot(wr, wr)
    wwr = w * wr
    b = red(wwr)
    big_c = dot(wwr, wr)
    if reml:
        s3 = dot(ww, w)
        score = big_b - s1 + a
        curv = 2.0 * (big_c - a * big_b + (s3 - b * b) / s1) + s2 - 3.0 * a * a
    else:
        s3 = None
        score = big_b - s1
        curv = 2.0 * (big_c - a * big_b - b * b / s1) + s2
    return score, curv, (s1, s2, s3, a, big_c, b)


def _information(parts: tuple[Any, ...]) -> tuple[Any, Any]:
    """Expected and observed information (the latter from ``Y'PPPY = Σw(wr)² - (Σw·wr)²/Σw``) from
    the pieces :func:`_newton_terms` returns: ``tr(PP) = s2 - 2 s3/s1 + (s2/s1)²`` (REML) or
    ``s2`` (ML)."""
    s1, s2, s3, a, big_c, b = parts
    info = s2 if s3 is None else s2 - 2 * s3 / s1 + a * a
    return info, 2 * (big_c - b * b / s1) - info


def _cautious(parts: Any) -> np.ndarray:
    """``max(I_exp, I_obs)`` from the pieces :func:`_newton_terms` returns (the damped step's divisor)."""
    if isinstance(parts, np.ndarray):  # formed already (models with moderators)
        return parts
    return np.maximum(*_information(parts))


def _fisher_step(work: tuple[Any, ...], t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One (safeguarded) Newton-type step on the ML or REML score ``S``.

    Plain Fisher scoring (``S / information`` with the expected information, metafor's rule)
    converges only linearly and can oscillate for hundreds of iterations (ratio -0.9 per step
    on ordinary k=10 data). The first pass (``hybrid == SCALED_NEWTON``) instead takes Newton steps on
    ``S(τ²)·(c + τ²)²`` with ``c + τ² = Σw/Σw²`` (the weighted mean of ``v + τ²``): for equal
    sampling variances that function is linear in τ² (one step to the root), in general nearly
    so, and Newton converges quadratically; its derivative is ``-(I_obs - 2 S Σw²/Σw)·(c+τ²)²``
    with the observed information ``I_obs``. Where that denominator is not positive the step
    falls back to ``S / max(I_exp, I_obs)`` (the damped scoring step). The second pass
    (``hybrid=True``) is that damped scoring step, with ``I_obs`` within ``NEWTON_ZONE`` of
    the root; ``hybrid=False`` is plain Fisher scoring. A step that would make
    τ² negative is halved (metafor's rule), except that where the score at 0 is already <= 0
    the maximum is on the boundary and the iterate goes to 0 at once instead of creeping
    towards it. The root, and so τ², is the same.

    ``work`` ends with a per-row scratch array (updated in place) holding a tenth of the last
    step length of the scaled Newton pass, 0 before the first step. Newton converges
    quadratically (``δ_{n+1} ≈ K δ_n²``), so with ``K`` estimated as ``δ_n / δ_{n-1}²`` the
    step after this one is predicted as ``δ_n³ / δ_{n-1}²``; a row is done when that
    prediction, times 100 for safety, is within the tolerance, which saves the last step that
    would only confirm convergence. Elsewhere (and on any fallback step) only the step itself
    counts.
    """
    y, v, m, X, reml, stepadj, hybrid, prev = work
    plain = None
    one = False  # a single fit (0-d) taken as a batch of one row
    if hybrid == SCALED_NEWTON:
        score, curv, parts = _newton_terms(y, v, m, X, t, reml)
        adj = score / curv
        if stepadj != 1.0:
            adj = stepadj * adj
        new = t + adj
        # fast path: curv > 0, a finite step and τ² >= 0 in every row (nan fails every test)
        if _every((curv > 0.0) & (new >= 0.0) & (abs(adj) < np.inf)):
            return new, _done_predicted(t, new, prev, None)
        if t.ndim == 0:  # the fallback indexes rows: continue as a batch of one (prev reshaped is a view)
            one = True
            y, v, m = y[None], v[None], None if m is None else m[None]
            t, prev, score, curv = t.reshape(1), prev.reshape(1), np.reshape(score, 1), np.reshape(curv, 1)
            parts = tuple(None if p is None else np.reshape(p, 1) for p in parts)
            adj, new = np.reshape(adj, 1), np.reshape(new, 1)
        plain = (curv > 0) & (new >= 0) & np.isfinite(adj)  # rows whose Newton step stands
        cautious = _cautious(parts)
        info = np.where(curv > 0, curv, cautious)
    else:
        cautious = None
        score, info, observed, _ = _score(y, v, m, X, t, reml, hybrid)
        if observed is not None:  # observed information near the root or where it is larger
            near = np.abs(score) <= NEWTON_ZONE * info * np.maximum(t, 1e-8)
            info = np.where(near & (observed > 0), observed, np.maximum(info, observed))
    adj = score / info
    if stepadj != 1.0:
        adj = stepadj * adj
    new = t + adj
    if not (_isfinite(_sum_all(adj)) and _every(new >= 0.0)):  # a non-finite or negative step somewhere
        finite = np.isfinite(adj)
        if not finite.all():
            adj = np.where(finite, adj, 0.0)
        new = t + adj
        neg = new < 0
        if cautious is not None and neg.any():
            # a long step past 0 may have jumped over an interior maximum: take the cautious
            # (damped scoring) step there instead, as the boundary rule below assumes
            adj = np.where(neg, stepadj * score / cautious, adj)
            finite = np.isfinite(adj)
            if not finite.all():
                adj = np.where(finite, adj, 0.0)
            new = t + adj
            neg = new < 0
        if neg.any():
            adj = np.where(neg & (t <= 0), 0.0, adj)  # from τ² = 0 no halving helps: stay
            rows = np.flatnonzero(neg & (t > 0))
            if rows.size:
                a, tr = adj[rows], t[rows]
                if hybrid:
                    ys, vs, ms, Xs = _take((y, v, m, X), rows)
                    s0 = _score(ys, vs, ms, Xs, np.zeros(rows.size), reml, False)[0]
                    a = np.where(s0 <= 0, -tr, a)
                for _ in range(1100):
                    bad = tr + a < 0
                    if not bad.any():
                        break
                    a = np.where(bad, a / 2, a)
                adj[rows] = a
            new = np.maximum(t + adj, 0.0)
    if plain is not None:
        done = _done_predicted(t, new, prev, plain)
        return (new[0], done[0]) if one else (new, done)
    return new, np.abs(new - t) <= THRESHOLD * np.maximum(new, 1.0)


def _done_predicted(t: np.ndarray, new: np.ndarray, prev: np.ndarray, plain: np.ndarray | None) -> np.ndarray:
    """Convergence per row from the step ``|new - t|`` or, where the last two steps were Newton
    steps (``plain``; None: every row), from the predicted next step (see :func:`_fisher_step`).
    Stores a tenth of this step in ``prev`` (0 where it was not a Newton step)."""
    size = abs(new - t)
    q = size / prev  # 10 δ_n / δ_{n-1}; inf where there is no previous Newton step
    if plain is not None:
        q = np.where(plain, q, np.inf)
    # operators only (cheap on the numpy scalars of a single fit); where q is nan (0/0: no step
    # at all) the step itself decides; the tolerance is THRESHOLD * max(τ², 1)
    done = (size <= THRESHOLD) | (size <= THRESHOLD * new) | (size * q * q <= THRESHOLD) \
        | (size * q * q <= THRESHOLD * new)
    prev[...] = size * 0.1
    if plain is not None:
        prev[~plain] = 0.0
    return done


#: ``hybrid`` modes of :func:`_fisher_step`: scaled Newton steps (fast pass), or safeguarded
#: scoring that switches to the observed information within ``NEWTON_ZONE`` of the root
#: (``True``), or plain Fisher scoring (``False``).
SCALED_NEWTON = 2
NEWTON_ZONE = 0.1

#: Passes of the iteration: (step length, iterations, mode). Scaled Newton first; rows not
#: converged after 100 steps (rare: e.g. a score that approaches 0 without crossing it) restart
#: from the HE estimate with safeguarded scoring, then with damped plain Fisher scoring,
#: metafor's advice for non-convergence (``control=list(stepadj=0.5)``). Every pass solves the
#: same score equation to the same tolerance, so a converged row has the same τ² whichever
#: pass converged it.
FISHER_PASSES = ((1.0, 100, SCALED_NEWTON), (1.0, 100, True), (0.5, MAX_ITER, False), (0.25, MAX_ITER, False))


def _fisher(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None,
            kind: str) -> Tau2Estimate:
    reml = kind == "REML"
    shape = k.shape
    n = math.prod(shape)
    start = _he(y, v, m, k, X, se=False).tau2
    if shape == () and X is None:  # one fit: no batch axis at all (numpy scalars are cheapest)
        y2, v2, m2, X2 = y, v, m, X
        start = np.asarray(start, dtype=float)
    else:  # rows
        start = start.reshape(n)
        y2, v2, m2, X2 = _rows(y, n, 1), _rows(v, n, 1), _rows(m, n, 1), _rows(X, n, 2)
    stepadj, max_iter, hybrid = FISHER_PASSES[0]
    tau2, converged, iterations = iterate_rows(_fisher_step, start, None,
                                               (y2, v2, m2, X2, reml, stepadj, hybrid, np.zeros(start.shape)), max_iter)
    for stepadj, max_iter, hybrid in FISHER_PASSES[1:]:
        if _every(converged):
            break
        todo = ~converged
        t, c, i = iterate_rows(_fisher_step, start, todo,
                               (y2, v2, m2, X2, reml, stepadj, hybrid, np.zeros(start.shape)), max_iter)
        tau2 = np.where(todo, t, tau2)
        converged |= todo & c
        iterations += np.where(todo, i, 0)
    if X is None:
        return _fisher_finish(y2, v2, m2, tau2, converged, iterations, reml, shape)
    tau2, converged, iterations = tau2.reshape(shape), converged.reshape(shape), iterations.reshape(shape)
    # guard against a local maximum: compare with the likelihood at τ² = 0 (as metafor does)
    at_zero = np.zeros(shape, dtype=bool)
    if _any(converged & (tau2 > 0)):
        with np.errstate(divide="ignore", invalid="ignore"):  # ll at 0 and at τ² in one stacked evaluation
            ll = _loglik(np.concatenate([y2, y2]), np.concatenate([v2, v2]),
                         None if m2 is None else np.concatenate([m2, m2]),
                         np.concatenate([np.zeros(n), tau2.reshape(n)]), np.concatenate([X2, X2]), reml)
        at_zero = converged & ((ll[:n] - ll[n:]).reshape(shape) > 1e-10) & (tau2 > 0)
        if _any(at_zero):
            tau2 = np.where(at_zero, 0.0, tau2)
    fit = fit_at(y, v, m, tau2, X)
    se = np.sqrt(2 / fit.s2) if kind == "ML" else np.sqrt(2 / fit.tr_pp)
    return Tau2Estimate(tau2, se, converged, iterations, at_zero)


def _fisher_finish(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, tau2: np.ndarray, converged: np.ndarray,
                   iterations: np.ndarray, reml: bool, shape: tuple[int, ...]) -> Tau2Estimate:
    """Intercept-only ML/REML after the iteration (rows flattened): the guard against a local
    maximum (the log-likelihood at τ² = 0 is compared with that at the solution, as metafor does)
    and the standard error, from one :func:`fit_moments` evaluation at ``[0, τ²]``."""
    tt = np.zeros((2, *tau2.shape))
    tt[1] = tau2
    with np.errstate(divide="ignore", invalid="ignore"):
        mom: tuple[np.ndarray, ...] = fit_moments(y, v, m, tt, likelihood=True)
        s1, _, rss, s2, s3, logs = mom
        minus2ll = logs + rss + np.log(s1) if reml else logs + rss  # -2 ll up to a constant
        # ll(0) - ll(τ²) > 1e-10
        at_zero = converged & (minus2ll[1] - minus2ll[0] > 2e-10) & (tau2 > 0)
        if _any(at_zero):
            tau2 = np.where(at_zero, 0.0, tau2)
            mom = tuple(np.stack([a[0], np.where(at_zero, a[0], a[1])]) for a in mom)
            s1, _, rss, s2, s3, logs = mom
        if reml:  # tr(PP) = s2 - 2 s3/s1 + (s2/s1)²
            a = s2[1] / s1[1]
            se = np.sqrt(2 / (s2[1] - 2 * s3[1] / s1[1] + a * a))
        else:
            se = np.sqrt(2 / s2[1])
    if tau2.shape != shape:
        mom = tuple(a.reshape((2, *shape)) for a in mom)
        tau2, se, converged, iterations, at_zero = (a.reshape(shape) for a in (tau2, se, converged, iterations, at_zero))
    return Tau2Estimate(tau2, se, converged, iterations, at_zero, mom[:4])


def _ml(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    return _fisher(y, v, m, k, X, "ML")


def _reml(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: np.ndarray, X: np.ndarray | None) -> Tau2Estimate:
    return _fisher(y, v, m, k, X, "REML")


#: Estimators on prepared arrays ``(y, v, m, k, X)`` from :func:`_prep`, used by :func:`~evisynth.models.pool.pool`
#: so the preparation is done once per call; the public functions below wrap the same code.
PREPARED: dict[str, Callable[..., Tau2Estimate]] = {
    "DL": _dl, "HE": _he, "HS": _hs, "SJ": _sj, "ML": _ml, "REML": _reml, "PM": _pm, "EB": _pm,
}


# -- public estimators ---------------------------------------------------------------------------


def tau2_dl(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """DerSimonian-Laird moment estimator ``max(0, (Q - (k-p)) / tr(P))``."""
    return _dl(*_prep(y, v, mask), X)


def tau2_he(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Hedges' estimator from unweighted (OLS) residuals: ``(RSS - tr(PV)) / (k - p)``."""
    return _he(*_prep(y, v, mask), X)


def tau2_hs(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Hunter-Schmidt estimator ``max(0, (Q - k) / Σw)``."""
    return _hs(*_prep(y, v, mask), X)


def tau2_sj(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Sidik-Jonkman estimator ``τ0² Y'P(τ0²)Y / (k - p)`` with ``τ0² = Σ(y - ȳ)²/k``."""
    return _sj(*_prep(y, v, mask), X)


def tau2_pm(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Paule-Mandel estimator: the root of ``Q(τ²) = k - p`` (0 when ``Q(0) < k - p``)."""
    return _pm(*_prep(y, v, mask), X)


def tau2_eb(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Empirical Bayes (Morris) estimator; its estimating equation ``Q(τ²) k/(k-p) = k`` is PM's."""
    return _pm(*_prep(y, v, mask), X)


def tau2_ml(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Maximum likelihood by Fisher scoring from the HE estimate."""
    return _fisher(*_prep(y, v, mask), X, "ML")


def tau2_reml(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None, mask: np.ndarray | None = None) -> Tau2Estimate:
    """Restricted maximum likelihood by Fisher scoring from the HE estimate."""
    return _fisher(*_prep(y, v, mask), X, "REML")


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
            res.tau2[0], res.se[0], res.converged[0], res.iterations[0],
            None if res.at_zero_check is None else res.at_zero_check[0],
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
