"""Array plumbing shared by the kernels: preparation of (masked) batches, fast reductions over
the study axis, and the record every τ² kernel returns.

Arrays carry any number of leading batch axes and a last axis of length ``k`` (studies). A
single meta-analysis is run with batch shape ``()``, so its per-fit quantities are numpy
scalars, whose arithmetic costs a fraction of that of 1-element arrays; the reductions below
accept both.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, NamedTuple, cast, overload

import numpy as np

#: Above this many elements a last-axis sum goes through ``einsum`` (several times faster than
#: ``ndarray.sum(axis=-1)`` for short rows); below it the call overhead of ``sum`` is smaller.
EINSUM_MIN = 2048

add_reduce = np.add.reduce
#: ``Σ a b`` over the last axis in one call (``numpy.vecdot``, numpy >= 2), else product and sum
vecdot: Any = getattr(np, "vecdot", None) or (lambda a, b: add_reduce(a * b, -1))

#: last-axis sums without a Python-level wrapper, for the iteration loops that pick one of
#: them per call: ``add.reduce`` for small arrays, ``einsum`` for large ones (as :func:`lastsum`)
SUM_SMALL = functools.partial(add_reduce, axis=-1)
SUM_BIG = functools.partial(np.einsum, "...i->...")
#: ``Σ a b`` over the last axis, small and large arrays (as :func:`lastdot`)
DOT_SMALL = vecdot
DOT_BIG = functools.partial(np.einsum, "...i,...i->...")

#: reductions over every axis (also of 0-d arrays and numpy scalars: a single fit has no batch axis)
count = np.count_nonzero
sum_all = functools.partial(np.add.reduce, axis=None)
any_all = functools.partial(np.logical_or.reduce, axis=None)


def lastsum(a: np.ndarray) -> np.ndarray:
    """Sum over the last (study) axis."""
    if a.size >= EINSUM_MIN:
        return cast(np.ndarray, np.einsum("...i->...", a))
    return cast(np.ndarray, add_reduce(a, -1))


def lastdot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``Σ a b`` over the last axis without forming the product array (large batches)."""
    if a.size >= EINSUM_MIN and a.shape == b.shape:
        return cast(np.ndarray, np.einsum("...i,...i->...", a, b))
    return cast(np.ndarray, vecdot(a, b))


def every(flags: Any) -> bool:
    """Whether every element of a boolean array (or numpy bool scalar) is True."""
    return bool(flags) if flags.ndim == 0 else count(flags) == flags.size


class IVFit(NamedTuple):
    """Sums of an intercept-only inverse-variance fit with weights ``w = 1/(v + τ²)`` (batch-shaped)."""

    s1: Any  #: Σw
    mu: Any  #: the weighted mean Σwy/Σw
    rss: Any  #: Σw(y - μ)², the generalised Q statistic Q(τ²)
    s2: Any  #: Σw²


@dataclass(slots=True)
class Tau2Estimate:
    """τ² with its standard error and convergence information (arrays of the batch shape; numpy
    scalars for a single fit without a batch axis).

    A plain (not frozen) record, built once per estimator call and read by the caller."""

    tau2: Any
    se: Any
    converged: Any
    iterations: Any
    at_zero_check: Any = None  # ML/REML: True where ll at τ²=0 beat the solution
    #: intercept-only DL, HS, ML, REML: the common-effect fit (τ² = 0) and the fit at the
    #: estimate, which :func:`~evisynth.models.pool.pool` reuses instead of recomputing them
    fits: tuple[IVFit, IVFit] | None = None


def closed_form(tau2: np.ndarray, se: np.ndarray, fits: tuple[IVFit, IVFit] | None = None) -> Tau2Estimate:
    """The record of a non-iterative estimator: converged, no iterations."""
    if np.ndim(tau2) == 0:  # one fit: numpy scalars
        return Tau2Estimate(tau2, se, np.True_, np.int64(0), None, fits)
    return Tau2Estimate(tau2, se, np.ones(np.shape(tau2), dtype=bool), np.zeros(np.shape(tau2), dtype=int), None, fits)


def prepare(
    y: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, Any]:
    """Return ``(y, v, m, k)``: float arrays with absent studies neutralised (y=0, v=1), the float
    mask ``m`` (None when every study is present: no mask work at all) and the number of studies
    ``k`` per row (a numpy scalar for a single fit)."""
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != bool:
            mask = mask != 0
        if not mask.all():
            m = mask.astype(float)
            return np.where(mask, y, 0.0), np.where(mask, v, 1.0), m, lastsum(m)
    if y.ndim == 1:  # one fit: a numpy scalar (cheaper in arithmetic than a 0-d array)
        return y, v, None, np.float64(y.shape[-1])
    return y, v, None, np.full(y.shape[:-1], float(y.shape[-1]))


def conditioned_design(X: np.ndarray, m: np.ndarray | None) -> np.ndarray:
    """A design with the column space of ``X`` over the present studies (``m``: float mask or
    None), better conditioned for the normal equations; every τ² estimator depends on the
    design only through that space (the projection ``P``), not on how it is parametrised.

    With an intercept (a first column of ones) the other columns are centred on their mean
    over the present studies, which removes the near-collinearity of moderators far from 0
    (publication years: the condition number of ``X'WX`` drops from ~1e7 to ~1); every column
    is then scaled by a power of two (exactly) to a root-mean-square between 1 and 2. Absent
    studies' rows are set to 0.
    """
    X = np.asarray(X, dtype=float)
    mm = np.ones(X.shape[:-1]) if m is None else m
    Xc = X * mm[..., None]
    k = lastsum(mm)[..., None]
    if X.shape[-1] > 1 and np.all((X[..., 0] == 1) | (mm == 0)):
        mean = Xc[..., 1:].sum(axis=-2) / k
        Xc[..., 1:] -= mean[..., None, :] * mm[..., None]
    rms = np.sqrt((Xc * Xc).sum(axis=-2) / k)
    exponent = np.frexp(np.where(rms > 0, rms, 1.0))[1]
    return cast(np.ndarray, np.ldexp(Xc, -exponent[..., None, :] + 1))


def n_coef(X: np.ndarray | None) -> int:
    """Number of coefficients ``p`` of a design (1 for the intercept-only model, ``X is None``)."""
    return 1 if X is None else X.shape[-1]


@overload
def as_rows(a: np.ndarray, n: int, trailing: int) -> np.ndarray: ...
@overload
def as_rows(a: None, n: int, trailing: int) -> None: ...
def as_rows(a: np.ndarray | None, n: int, trailing: int) -> np.ndarray | None:
    """Flatten the batch axes of ``a`` (keeping ``trailing`` axes) to one row axis of length n."""
    if a is None:
        return None
    return a.reshape((n, *a.shape[a.ndim - trailing:]))


def take_rows(data: tuple[Any, ...], rows: np.ndarray) -> tuple[Any, ...]:
    """``a[rows]`` for every array in ``data`` (other elements, such as None or flags, as they are)."""
    return tuple(a[rows] if isinstance(a, np.ndarray) else a for a in data)


@overload
def stacked(a: np.ndarray) -> np.ndarray: ...
@overload
def stacked(a: None) -> None: ...
def stacked(a: np.ndarray | None) -> np.ndarray | None:
    """Two copies of ``a`` along a new leading axis (two problems solved as one batch)."""
    return None if a is None else np.stack([a, a])
