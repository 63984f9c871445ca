"""Shared helpers of the data-extraction conversions.

Used by :mod:`evisynth.io.conversions`, :mod:`evisynth.io.median_estimates` and :mod:`evisynth.io.arms`:
array coercion and the input checks every conversion applies; no formulas live here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from evisynth.errors import InputError

ArrayLike = Any

#: Return type of the vectorised conversions (float arrays, or numpy float scalars for scalar input).
FloatArray = npt.NDArray[np.float64]


def _arr(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _check_positive(name: str, x: np.ndarray) -> None:
    if np.any(~(x > 0)):
        raise InputError(f"{name} must be > 0; got {x.tolist() if x.ndim else float(x)!r}")


def _check_n(name: str, n: np.ndarray, minimum: float = 2) -> None:
    if np.any(~(n >= minimum)):
        raise InputError(f"{name} must be at least {minimum:g}; got {n.tolist() if n.ndim else float(n)!r}")
