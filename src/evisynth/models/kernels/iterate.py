"""Row-wise iteration to convergence: the driver every iterative kernel runs on.

Each row of a batch (one meta-analysis) iterates on its own data only, so it gets the same
answer alone as in any batch; finished rows are frozen and the working set is compacted as
rows finish. A single fit runs with no batch axis at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, cast

import numpy as np

from evisynth.models.kernels.arrays import count, every, lastdot, lastsum, take_rows

#: Tolerance on successive τ² values, relative to ``max(unit, τ²)`` with ``unit`` the power of
#: four nearest the row's mean sampling variance (:func:`tolerance`), for iterative estimators;
#: the Newton iterations also stop when the next step, predicted from the last two, is 100
#: times below it (see :func:`done_predicted`).
THRESHOLD = 1e-12
MAX_ITER = 1000
#: Working sets smaller than this are never compacted (masking a few rows is cheaper than copying).
COMPACT_MIN = 16

Step = Callable[[tuple[Any, ...], np.ndarray], tuple[np.ndarray, np.ndarray]]


def iterate_rows(
    step: Step, x0: np.ndarray, active: np.ndarray | None, data: tuple[Any, ...], max_iter: int = MAX_ITER
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Iterate ``x <- step(data, x)`` independently for every row until the row reports ``done``.

    ``x0`` has shape ``(n,)`` (or ``()`` for one row without a batch axis, as a single fit is run)
    and ``active`` the same shape (``active=None``: every row);
    each array in ``data`` has a first axis indexing the same ``n`` rows (other elements, such as
    None or flags, are passed through). ``step(data_rows, x_rows)`` returns the new iterate and a
    boolean ``done`` per row.

    Runs under the caller's ``np.errstate`` (see :mod:`evisynth.models.kernels`). A row's
    sequence of iterates depends on its own data only, so it gets the same answer
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
    if active is None or every(active):
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
        work = take_rows(data, rows)
        wx = x[rows]
    witer = np.zeros(wx.shape, dtype=int)
    wconv = np.zeros(wx.shape, dtype=bool)
    wact = wconv
    full = True  # every working row still active: no masking (the whole of a single fit)
    it = 0
    for it in range(1, max_iter + 1):
        new, done = step(work, wx)
        if full:
            wx = new
            n_done = count(done)
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
        n_act = count(wact)
        if n_act == 0:
            break
        if 2 * n_act <= wact.size and wact.size >= COMPACT_MIN:
            if rows is None:
                rows = np.arange(n)
                x, iterations, converged = np.empty(n), np.empty(n, dtype=int), np.empty(n, dtype=bool)
            x[rows], iterations[rows], converged[rows] = wx, witer, wconv
            rows = rows[wact]
            work = take_rows(work, wact)
            wx, witer, wconv = wx[wact], witer[wact], wconv[wact]
            full = True
    if full:
        witer[...] = it
    if rows is None:  # [()]: numpy scalars for a single fit, the arrays themselves otherwise
        return wx[()], wconv[()], witer[()]
    x[rows], iterations[rows], converged[rows] = wx, witer, wconv
    return x, converged, iterations


def tolerance(v: np.ndarray, m: np.ndarray | None, k: Any, mean_v: Any = None) -> Any:
    """``THRESHOLD`` times the power of four nearest each row's mean sampling variance (exactly
    ``THRESHOLD`` for data normalised by :func:`~evisynth.models.kernels.scaling.normalise`):
    the iterations' absolute tolerance below τ² of that size, so that they stop at the same
    relative precision whatever the scale of the data (and take the same steps, scaled).
    ``mean_v`` is that mean where the caller has it."""
    if mean_v is None:
        mean_v = (lastsum(v) if m is None else lastdot(m, v)) / k
    if np.ndim(mean_v) == 0:
        return np.float64(math.ldexp(THRESHOLD, 2 * (math.frexp(float(mean_v))[1] >> 1)))
    return np.ldexp(THRESHOLD, 2 * (np.frexp(mean_v)[1] >> 1))


def done_predicted(t: np.ndarray, new: np.ndarray, prev: np.ndarray, plain: np.ndarray | None,
                   tol: Any) -> np.ndarray:
    """Convergence per row of a Newton iteration ``t -> new``.

    Newton converges quadratically (``δ_{n+1} ≈ K δ_n²``), so with ``K`` estimated as
    ``δ_n / δ_{n-1}²`` the step after this one is predicted as ``δ_n³ / δ_{n-1}²``; a row is
    done when the step ``|new - t|`` or that prediction, times 100 for safety, is within
    ``max(tol, THRESHOLD τ²)`` (``tol`` per row, see :func:`tolerance`), which saves the last
    step that would only confirm convergence.
    ``prev`` (per row, updated in place) holds a tenth of the last step, 0 before the first;
    where ``plain`` is False (a fallback, not a Newton step; None: every row is a Newton step)
    only the step itself counts and ``prev`` is reset to 0.
    """
    size = abs(new - t)
    q = size / prev  # 10 δ_n / δ_{n-1}; inf where there is no previous Newton step
    if plain is not None:
        q = np.where(plain, q, np.inf)
    # operators only (cheap on the numpy scalars of a single fit); where q is nan (0/0: no step
    # at all) the step itself decides; the tolerance is max(tol, THRESHOLD τ²)
    done = (size <= tol) | (size <= THRESHOLD * new) | (size * q * q <= tol) | (size * q * q <= THRESHOLD * new)
    prev[...] = size * 0.1
    if plain is not None:
        prev[~plain] = 0.0
    return cast(np.ndarray, done)
