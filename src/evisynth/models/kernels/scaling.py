"""Exact rescaling of meta-analyses to units where the sampling variances are about 1.

Every statistic of a meta-analysis is equivariant under ``y -> (y - c) a``, ``v -> v a²``:
τ² scales by ``a²``, the estimate by ``a`` (and shifts by ``c``), and Q, I², H², z, t, P do not
change. With ``a`` a power of two the rescaling is exact in floating point. The engine fits
a meta-analysis at an extreme scale in units where its mean sampling variance lies in [0.5, 2)
(and one whose effects lie very far from 0 relative to their standard errors shifted by its
first effect), and converts back: no sum over- or underflows for data at any scale (variances
from 1e-300 to 1e300). At ordinary scales the data are left as they are and the iterations'
tolerance is scaled instead (:func:`~evisynth.models.kernels.iterate.tolerance`): the same
steps, so the results are exactly equivariant either way.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from evisynth.models.kernels.arrays import lastdot, lastsum

#: Rows whose mean sampling variance is within 4^±SAFE_EXPONENT (about 3e-39 to 3e38) are fitted
#: as they are: their sums cannot overflow, and the iterations' tolerance is scaled to them
#: (:func:`~evisynth.models.kernels.iterate.tolerance`), which takes exactly the steps of the
#: rescaled fit. Rows beyond it are rescaled.
SAFE_EXPONENT = 64
#: Effects are shifted by the first one where it exceeds this many standard errors (about, in
#: the units of the mean sampling variance): below it the sums keep their precision without a
#: shift, above it the shift keeps them exact (identical effects of 1e300 become exact zeros).
SHIFT_ABOVE = 4096.0


def normalise(y: np.ndarray, v: np.ndarray, m: np.ndarray | None, k: Any, shift: bool = True
              ) -> tuple[np.ndarray, np.ndarray, Any, Any]:
    """Rescale prepared arrays (see :func:`~evisynth.models.kernels.arrays.prepare`) row by row
    where that is needed.

    Returns ``(y', v', c, h)`` with ``y' = (y - c) 2⁻ʰ`` and ``v' = v 4⁻ʰ``. ``h`` is half the
    binary exponent of the row's mean sampling variance (rounded down) where that lies beyond
    :data:`SAFE_EXPONENT`, else 0 (the row is left as it is). ``c`` is the row's first effect
    where that is beyond :data:`SHIFT_ABOVE` standard errors from 0 (effects whose sums would
    lose precision or overflow), else 0, and always 0 with ``shift=False`` (designs without an
    intercept). Absent studies stay neutral (``y' = 0``, ``v' = 1``). For a single fit ``c``
    is a float and ``h`` an int; for a batch they are arrays of the batch shape. Without any
    row to change, ``y`` and ``v`` are returned as they are.
    """
    mean_v = (lastsum(v) if m is None else lastdot(m, v)) / k
    if np.ndim(mean_v) == 0:  # one fit: Python numbers
        h: Any = math.frexp(float(mean_v))[1] >> 1
        c: Any = float(y[0]) if shift else 0.0
        if not abs(c) > math.ldexp(SHIFT_ABOVE, h):
            c = 0.0
        if -SAFE_EXPONENT <= h <= SAFE_EXPONENT:
            if not c:
                return y, v, 0.0, 0
            h = 0
        with np.errstate(over="ignore"):  # beyond double precision even in these units: callers refuse it
            y2 = np.ldexp(y - c, -h)
            v2 = np.ldexp(v, -2 * h)
    else:
        h = np.frexp(mean_v)[1] >> 1
        c = np.zeros(mean_v.shape)
        if shift:
            first = y[..., 0]
            c = np.where(np.abs(first) > np.ldexp(SHIFT_ABOVE, h), first, 0.0)
        h = np.where(np.abs(h) > SAFE_EXPONENT, h, 0)
        if not (h.any() or c.any()):
            return y, v, c, h
        hh = h[..., None]
        with np.errstate(over="ignore"):  # beyond double precision even in these units: callers refuse it
            y2 = np.ldexp(y - c[..., None], -hh)
            v2 = np.ldexp(v, -2 * hh)
    if m is not None:
        present = m > 0
        y2, v2 = np.where(present, y2, 0.0), np.where(present, v2, 1.0)
    return y2, v2, c, h


def power_of_two(h: Any, power: int) -> Any:
    """``2^(power h)`` as a float (one fit) or an array, for converting results back."""
    if isinstance(h, int):
        return math.ldexp(1.0, power * h)
    return np.ldexp(1.0, power * h)


def unrepresentable(y: np.ndarray, v: np.ndarray) -> str:
    """Why one meta-analysis (its present studies) cannot be pooled in double precision."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return _unrepresentable(y, v)


def _unrepresentable(y: np.ndarray, v: np.ndarray) -> str:
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v)) and np.all(v > 0)):
        return "every study needs a finite effect and a positive finite variance"
    vmin, vmax = float(np.min(v)), float(np.max(v))
    se_min = math.sqrt(vmin)
    spread = float(np.max(y) - np.min(y))
    w = np.sort(1.0 / v)
    if len(w) > 1 and not np.sum(w[:-1]) >= 2.0**-26 * w[-1]:
        return (f"one study has {w[-1] / np.sum(w[:-1]):.3g} times the weight of all the others together (sampling "
                f"variances from {vmin:.3g} to {vmax:.3g}): the others vanish below the resolution of double precision")
    if not vmax / vmin <= 1e150:
        return (f"the sampling variances range from {vmin:.3g} to {vmax:.3g}; a ratio beyond 1e150 cannot be "
                "pooled in double precision")
    if not spread / se_min <= 1e50:
        return (f"the effects differ by up to {spread:.3g}, {spread / se_min:.3g} times the smallest standard "
                "error: beyond what double precision can pool; check the units of the effects and variances")
    return (f"effects as large as {float(np.max(np.abs(y))):.3g} with standard errors as small as {se_min:.3g}: "
            "the test statistics exceed double precision; check the units of the effects and variances")
