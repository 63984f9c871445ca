"""Many independent meta-analyses in one call, on the same engine as a single fit.

:func:`batch_meta_analysis` takes rectangular ``(m, k)`` arrays (one row per meta-analysis,
absent studies marked by a mask or by NaN) and calls :func:`evisynth.models.pool.pool`, the
function every single analysis uses, on blocks of rows. :func:`fit_grouped` does the same
for a long table: rows are gathered into padded blocks of similar size (studies per
meta-analysis rounded up to a power of two) so a few large meta-analyses never inflate
the padding of the many small ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from evisynth.errors import InputError
from evisynth.models.pool import PoolArrays, check_settings, pool

#: Result columns, in output order (every column has one value per meta-analysis).
COLUMNS: tuple[str, ...] = tuple(
    name for name in PoolArrays.__dataclass_fields__ if name != "vt"
)

#: Columns holding flags (booleans) rather than numbers.
BOOL_COLUMNS: tuple[str, ...] = ("converged", "tau2_ci_censored")

#: Effects and variances beyond this scale (or variances below its inverse) are refused: the estimators
#: form squares and cubes of weights and squared residuals, which would overflow double precision.
EXTREME = 1e100

#: Rows per call of :func:`pool`: small enough for the working arrays to stay in cache.
BLOCK_ROWS = 16384


def _settings(model: str, method: str, test: str, level: float) -> tuple[str, str]:
    if method == "IV":  # as in ``evisynth analyze``: a common-effect (inverse-variance) analysis
        model = "fixed"
    if model == "fixed":
        method = "REML"  # ignored by pool() for the common-effect model
    check_settings(model, method, test, level)
    return model, method


def as_floats(values: Any, name: str) -> np.ndarray:
    """``values`` as a float array, or an :class:`InputError` naming ``name`` (text, ragged lists, objects)."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numbers (arrays of floats); {exc}") from None


def _empty_columns(m: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name in COLUMNS:
        if name in ("k", "q_df", "iterations"):
            out[name] = np.zeros(m, dtype=np.int64)
        elif name in BOOL_COLUMNS:
            out[name] = np.zeros(m, dtype=bool)
        else:
            out[name] = np.full(m, np.nan)
    return out


def batch_meta_analysis(
    y: Any,
    v: Any,
    mask: Any = None,
    *,
    model: str = "random",
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
    heterogeneity_ci: bool = False,
    block_rows: int = BLOCK_ROWS,
    progress: Callable[[int], Any] | None = None,
) -> dict[str, np.ndarray]:
    """Fit ``m`` independent meta-analyses given as rows of ``(m, k)`` arrays.

    Parameters
    ----------
    y, v : array_like, shape (m, k)
        Effect estimates and their sampling variances, one meta-analysis per row.
    mask : array_like of bool, shape (m, k), optional
        Studies present in each row. By default a study is present where both ``y`` and
        ``v`` are finite, so ragged batches can be padded with NaN.
    model : {"random", "fixed"}
    method : str
        τ² estimator: ``DL``, ``REML``, ``ML``, ``PM``, ``SJ``, ``HE``, ``HS``, ``EB``
        (``IV`` means a common-effect analysis, as on the command line).
    test : {"z", "hksj", "hksj-adhoc"}
    level : float
        Confidence level as a fraction.
    heterogeneity_ci : bool
        Also compute the Q-profile confidence interval of τ² (and τ, I², H²).
    block_rows : int
        Meta-analyses per engine call (memory and cache use, not results).
    progress : callable, optional
        Called with the number of rows finished after each block.

    Returns
    -------
    dict of str to numpy.ndarray
        The columns of :data:`COLUMNS`, each of length ``m``, with the same values a single
        :func:`evisynth.models.pool.pool` call gives for each row. ``converged`` is False where
        an iterative estimator did not reach its tolerance (the batch still completes).

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([[0.1, 0.3, 0.2], [0.5, -0.1, np.nan]])
    >>> v = np.array([[0.01, 0.02, 0.015], [0.04, 0.05, np.nan]])
    >>> res = batch_meta_analysis(y, v, method="DL")
    >>> res["k"].tolist()
    [3, 2]
    """
    model, method = _settings(model, method, test, level)
    y = as_floats(y, "y")
    v = as_floats(v, "v")
    if y.ndim != 2 or v.shape != y.shape:
        raise InputError(f"y and v must be 2-D arrays of the same shape (m, k); got {y.shape} and {v.shape}")
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != y.shape:
            raise InputError(f"mask must have the shape of y {y.shape}; got {mask.shape}")
    m = y.shape[0]
    out = _empty_columns(m)
    block_rows = max(1, int(block_rows))
    # everything per block of rows (mask, checks, fit), so the working set stays in cache
    for lo in range(0, m, block_rows):
        hi = min(m, lo + block_rows)
        yb, vb = y[lo:hi], v[lo:hi]
        if mask is None:
            mb = np.isfinite(yb)
            mb &= np.isfinite(vb)
        else:
            mb = mask[lo:hi]
        _check_values(yb, vb, mb, lo)
        res = pool(yb, vb, None if mb.all() else mb, model=model, method=method, test=test, level=level,
                   heterogeneity_ci=heterogeneity_ci)
        for name in COLUMNS:
            out[name][lo:hi] = getattr(res, name)
        if progress is not None:
            progress(hi - lo)
    return out


def _check_values(y: np.ndarray, v: np.ndarray, mask: np.ndarray, offset: int = 0) -> None:
    bad = v > 0
    bad &= np.isfinite(v)
    bad &= np.isfinite(y)
    np.logical_not(bad, out=bad)
    bad &= mask
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InputError(
            f"meta-analysis {offset + row} (0-based), study {col}: every present study needs a finite effect and "
            f"a positive finite variance; got yi={y[row, col]!r}, vi={v[row, col]!r}"
        )
    extreme = mask & ((np.abs(y) > EXTREME) | (v > EXTREME) | (v < 1 / EXTREME))
    if extreme.any():
        row, col = np.argwhere(extreme)[0]
        raise InputError(
            f"meta-analysis {offset + row} (0-based), study {col}: yi={y[row, col]!r}, vi={v[row, col]!r} is outside "
            f"the range batch analyses are exact in (|yi| <= {EXTREME:g}, {1 / EXTREME:g} <= vi <= {EXTREME:g}); "
            "express the effects in another unit (evisynth.pool rescales a single analysis itself)"
        )
    empty = ~mask.any(axis=1)
    if empty.any():
        raise InputError(f"meta-analysis {offset + int(np.flatnonzero(empty)[0])} (0-based) has no study")


def fit_grouped(
    gid: np.ndarray,
    y: np.ndarray,
    v: np.ndarray,
    n_groups: int,
    **settings: Any,
) -> dict[str, np.ndarray]:
    """Fit one meta-analysis per group of a long table.

    Parameters
    ----------
    gid : ndarray of int, shape (n,)
        Group number (0 .. n_groups-1) of every row; rows need not be sorted.
    y, v : ndarray, shape (n,)
    n_groups : int
    **settings
        Passed to :func:`batch_meta_analysis`.

    Returns
    -------
    dict of str to numpy.ndarray
        Columns of length ``n_groups``, in group-number order.
    """
    gid = np.asarray(gid, dtype=np.int64)
    y = as_floats(y, "y")
    v = as_floats(v, "v")
    n = gid.shape[0]
    if gid.ndim != 1 or y.shape != gid.shape or v.shape != gid.shape:
        raise InputError(f"gid, y and v must be 1-D arrays of the same length; got shapes {gid.shape}, {y.shape} "
                         f"and {v.shape}")
    if n and (gid.min() < 0 or gid.max() >= n_groups):
        raise InputError(f"group numbers must lie in 0 .. {n_groups - 1}; got {int(gid.min())} .. {int(gid.max())}")
    if n and not np.all(gid[1:] >= gid[:-1]):
        order = np.argsort(gid, kind="stable")
        gid, y, v = gid[order], y[order], v[order]
    sizes = np.bincount(gid, minlength=n_groups)
    if n_groups and not sizes.all():
        raise InputError(f"group {int(np.flatnonzero(sizes == 0)[0])} has no row")
    starts = np.zeros(n_groups, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    pos = np.arange(n, dtype=np.int64) - starts[gid]
    # bucket b holds the groups with 2^(b-1) < k <= 2^b: padding at most doubles the work
    bucket = np.ceil(np.log2(np.maximum(sizes, 1))).astype(np.int64)
    out = _empty_columns(n_groups)
    progress = settings.pop("progress", None)
    for b in np.unique(bucket):
        groups = np.flatnonzero(bucket == b)
        width = int(sizes[groups].max())
        local = np.full(n_groups, -1, dtype=np.int64)
        local[groups] = np.arange(groups.size)
        rows = np.flatnonzero(local[gid] >= 0) if groups.size < n_groups else np.arange(n)
        r = local[gid[rows]]
        Y = np.zeros((groups.size, width))
        V = np.ones((groups.size, width))
        M = np.zeros((groups.size, width), dtype=bool)
        Y[r, pos[rows]] = y[rows]
        V[r, pos[rows]] = v[rows]
        M[r, pos[rows]] = True
        res = batch_meta_analysis(Y, V, M, progress=progress, **settings)
        for name in COLUMNS:
            out[name][groups] = res[name]
    return out
