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
from typing import Any, Literal, cast

import numpy as np

from evisynth.errors import InputError
from evisynth.models.pool import PoolArrays, check_settings, pool
from evisynth.options import DEFAULT_TAU2_METHOD

#: Result columns, in output order (every column has one value per meta-analysis).
COLUMNS: tuple[str, ...] = tuple(
    name for name in PoolArrays.__dataclass_fields__ if name != "vt"
)

#: Columns holding flags (booleans) rather than numbers.
BOOL_COLUMNS: tuple[str, ...] = ("converged", "tau2_ci_censored")
#: Columns holding integers: counts, and ``undefined`` (bit flags of
#: :class:`evisynth.models.undefined.Undefined`: why a value of that row is missing; 0 = nothing).
INT_COLUMNS: tuple[str, ...] = ("k", "q_df", "iterations", "undefined")

#: Rows per call of :func:`pool`: small enough for the working arrays to stay in cache.
BLOCK_ROWS = 16384


def _settings(model: str, method: str, test: str, level: float, tau2_ci_bound: str = "exact") -> tuple[str, str]:
    if method == "IV":  # as in ``evisynth analyze``: a common-effect (inverse-variance) analysis
        model = "fixed"
    if model == "fixed":
        method = DEFAULT_TAU2_METHOD  # ignored by pool() for the common-effect model
    check_settings(model, method, test, level, tau2_ci_bound)
    return model, method


def as_floats(values: Any, name: str) -> np.ndarray:
    """``values`` as a float array, or an :class:`InputError` naming ``name`` (text, ragged lists, objects)."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numbers (arrays of floats); {exc}") from None


#: ``invalid`` values of :func:`batch_meta_analysis`
INVALID = ("raise", "drop")


def column_dtype(name: str) -> type:
    """The numpy type of a result column."""
    if name == "undefined":
        return np.uint8
    if name in INT_COLUMNS or name == "k_dropped":
        return np.int64
    return bool if name in BOOL_COLUMNS else np.float64


def empty_columns(m: int) -> dict[str, np.ndarray]:
    """Uninitialised result columns for ``m`` meta-analyses (every row must be written)."""
    return {name: np.empty(m, dtype=column_dtype(name)) for name in COLUMNS}


def _missing_row(out: dict[str, np.ndarray], rows: np.ndarray) -> None:
    """Fill the rows of meta-analyses left without a study: k = 0, every statistic missing."""
    from evisynth.models.undefined import Undefined

    for name, col in out.items():
        if name in ("k", "q_df", "iterations"):
            col[rows] = 0
        elif name == "undefined":
            col[rows] = Undefined.TOO_FEW_STUDIES.value
        elif name == "converged":
            col[rows] = True
        elif name in BOOL_COLUMNS:
            col[rows] = False
        elif name != "k_dropped":
            col[rows] = np.nan


def batch_meta_analysis(
    y: Any,
    v: Any,
    mask: Any = None,
    *,
    model: str = "random",
    method: str = DEFAULT_TAU2_METHOD,
    test: str = "z",
    level: float = 0.95,
    heterogeneity_ci: bool = False,
    tau2_ci_bound: Literal["exact", "metafor"] = "exact",
    invalid: Literal["raise", "drop"] = "raise",
    block_rows: int = BLOCK_ROWS,
    progress: Callable[[int], Any] | None = None,
) -> dict[str, np.ndarray]:
    """Fit ``m`` independent meta-analyses given as rows of ``(m, k)`` arrays.

    Parameters
    ----------
    y, v : array_like, shape (m, k)
        Effect estimates and their sampling variances, one meta-analysis per row.
    mask : array_like of bool, shape (m, k), optional
        Studies present in each row. By default a study is absent where both ``y`` and ``v``
        are NaN, so ragged batches can be padded with NaN; every other entry is a study.
    model : {"random", "fixed"}
    method : str
        τ² estimator: ``DL``, ``REML``, ``ML``, ``PM``, ``SJ``, ``HE``, ``HS``, ``EB``
        (``IV`` means a common-effect analysis, as on the command line).
    test : {"z", "hksj", "hksj-adhoc"}
    level : float
        Confidence level as a fraction.
    heterogeneity_ci : bool
        Also compute the Q-profile confidence interval of τ² (and τ, I², H²).
    tau2_ci_bound : {"exact", "metafor"}
        Exact Q-profile limits (default), or metafor's, censored at its search bound (see
        :func:`evisynth.models.pool.pool`; ``tau2_ci_censored`` flags them).
    invalid : {"raise", "drop"}
        A present study needs a finite effect and a positive finite variance (an infinite
        value, a NaN in one array only, a variance <= 0 are invalid). ``"raise"`` (default):
        one :class:`~evisynth.errors.InputError` naming the first such study (meta-analysis
        and study, both 0-based, and the values) and how many there are; nothing is fitted.
        ``"drop"``: such studies are left out and counted in an extra column ``k_dropped``;
        a meta-analysis left without a study gets ``k = 0``, missing statistics and
        ``undefined`` = 1 (too few studies).
    block_rows : int
        Meta-analyses per engine call (memory and cache use, not results).
    progress : callable, optional
        Called with the number of rows finished after each block.

    Returns
    -------
    dict of str to numpy.ndarray
        The columns of :data:`COLUMNS` (and ``k_dropped`` with ``invalid="drop"``), each of
        length ``m``, with the same values a single :func:`evisynth.models.pool.pool` call gives
        for each row. ``converged`` is False where an iterative estimator did not reach its
        tolerance (the batch still completes); ``undefined`` says why a value of the row is
        missing (bit flags of :class:`evisynth.models.undefined.Undefined`, 0 for none).

    Raises
    ------
    InputError
        Invalid studies (with ``invalid="raise"``), a meta-analysis without any study, bad
        settings or shapes, or data double precision cannot pool.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([[0.1, 0.3, 0.2], [0.5, -0.1, np.nan]])
    >>> v = np.array([[0.01, 0.02, 0.015], [0.04, 0.05, np.nan]])
    >>> res = batch_meta_analysis(y, v, method="DL")
    >>> res["k"].tolist()
    [3, 2]
    >>> v[0, 1] = np.inf
    >>> res = batch_meta_analysis(y, v, method="DL", invalid="drop")
    >>> res["k"].tolist(), res["k_dropped"].tolist()
    ([2, 2], [1, 0])
    """
    model, method = _settings(model, method, test, level, tau2_ci_bound)
    if invalid not in INVALID:
        raise InputError(f"invalid must be one of {', '.join(INVALID)}; got {invalid!r}")
    y = as_floats(y, "y")
    v = as_floats(v, "v")
    if y.ndim != 2 or v.shape != y.shape:
        raise InputError(f"y and v must be 2-D arrays of the same shape (m, k); got {y.shape} and {v.shape}")
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != y.shape:
            raise InputError(f"mask must have the shape of y {y.shape}; got {mask.shape}")
    m = y.shape[0]
    out = empty_columns(m)
    drop = invalid == "drop"
    if drop:
        out["k_dropped"] = np.zeros(m, dtype=np.int64)
    settings = dict(model=model, method=method, test=test, level=level, heterogeneity_ci=heterogeneity_ci,
                    tau2_ci_bound=tau2_ci_bound)
    block_rows = max(1, int(block_rows))
    # everything per block of rows (mask, checks, fit), so the working set stays in cache
    for lo in range(0, m, block_rows):
        hi = min(m, lo + block_rows)
        yb, vb = y[lo:hi], v[lo:hi]
        mb = None if mask is None else mask[lo:hi]
        # fast path: every entry a valid study (y + v is finite only if both are; an overflow of
        # the sum or anything else sends the block to the exact checks)
        with np.errstate(invalid="ignore", over="ignore"):
            valid_block = mb is None and bool(np.isfinite(yb + vb).all()) and bool((vb > 0).all())
        if not valid_block:
            mb = _present(yb, vb, mb, lo, y, v, mask, out.get("k_dropped"))
            if mb.all():
                mb = None
        if mb is not None and not (filled := mb.any(axis=1)).all():
            if not drop:
                raise InputError(f"meta-analysis {lo + int(np.flatnonzero(~filled)[0])} (0-based) has no study")
            _missing_row(out, np.arange(lo, hi)[~filled])
            rows = np.flatnonzero(filled)
            if rows.size:
                res = pool(yb[rows], vb[rows], mb[rows], **settings)  # type: ignore[arg-type]
                for name in COLUMNS:
                    out[name][lo + rows] = getattr(res, name)
        else:
            res = pool(yb, vb, mb, **settings)  # type: ignore[arg-type]
            for name in COLUMNS:
                out[name][lo:hi] = getattr(res, name)
        if progress is not None:
            progress(hi - lo)
    return out


def _present(yb: np.ndarray, vb: np.ndarray, mb: np.ndarray | None, offset: int, y: np.ndarray, v: np.ndarray,
             mask: np.ndarray | None, dropped: np.ndarray | None) -> np.ndarray:
    """The studies to fit in a block: present (the mask, or not NaN in both arrays) and valid
    (finite effect, positive finite variance). Invalid present studies raise one InputError
    (``dropped`` None), or are left out and counted in ``dropped``."""
    present = ~(np.isnan(yb) & np.isnan(vb)) if mb is None else mb
    valid = np.isfinite(yb) & np.isfinite(vb) & (vb > 0)
    bad = present & ~valid
    if bad.any():
        if dropped is None:
            row, col = (int(i) for i in np.argwhere(bad)[0])
            n_bad, n_rows = _count_invalid(y, v, mask)
            raise InputError(
                f"meta-analysis {offset + row} (0-based), study {col}: every present study needs a finite effect and "
                f"a positive finite variance; got yi={float(yb[row, col])!r}, vi={float(vb[row, col])!r} "
                f"({n_bad} such {'study' if n_bad == 1 else 'studies'} in {n_rows} meta-analys"
                f"{'is' if n_rows == 1 else 'es'}). Pad absent studies with NaN in both arrays or mask them out; "
                "pass invalid='drop' to leave invalid studies out (counted in the column k_dropped)"
            )
        dropped[offset:offset + len(yb)] = bad.sum(axis=1)
    return cast(np.ndarray, present & valid)


def _count_invalid(y: np.ndarray, v: np.ndarray, mask: np.ndarray | None) -> tuple[int, int]:
    """How many present studies are invalid, and in how many meta-analyses (the whole input)."""
    with np.errstate(invalid="ignore"):
        present = ~(np.isnan(y) & np.isnan(v)) if mask is None else mask
        bad = present & ~(np.isfinite(y) & np.isfinite(v) & (v > 0))
    return int(bad.sum()), int(bad.any(axis=1).sum())


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
    progress = settings.pop("progress", None)
    if n_groups and sizes.min() == sizes.max():  # every group has k rows, in order: reshape, no padding
        k = int(sizes[0])
        Y, V = y.reshape(n_groups, k), v.reshape(n_groups, k)
        # without NaN effects "no mask" means every study present, and takes the engine's fast check
        M = None if not np.isnan(y).any() else np.ones((n_groups, k), dtype=bool)
        res = batch_meta_analysis(Y, V, M, progress=progress, **settings)
        return {name: res[name] for name in COLUMNS}
    starts = np.zeros(n_groups, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    pos = np.arange(n, dtype=np.int64) - starts[gid]
    # bucket b holds the groups with 2^(b-1) < k <= 2^b: padding at most doubles the work
    bucket = np.ceil(np.log2(np.maximum(sizes, 1))).astype(np.int64)
    out = empty_columns(n_groups)
    for b in np.flatnonzero(np.bincount(bucket)):  # the buckets in use, ascending (np.unique imports numpy.ma)
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
