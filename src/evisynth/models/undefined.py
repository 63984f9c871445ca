"""Why a statistic is undefined: the flags models functions return with their results.

A models function never reports a meaningless number. Where a statistic is undefined for the
data (0/0 in exact arithmetic, or a quantity decided by rounding noise) it returns ``nan`` in
that field and sets a flag of :class:`Undefined` in the result's ``undefined`` field, which
says why; the analyses layer turns the nan into JSON ``null`` and each flag into a named
warning (:class:`~evisynth.errors.DegenerateDataWarning`, with :meth:`Undefined.messages`).
Where the statistic has a well-defined limit (Q = 0 and τ² = 0 for identical effects) the
limit is returned instead, without a flag. Fields that a setting makes inapplicable (the
prediction interval of a common-effect model, ``df`` of a z test) are nan without a flag; each
function's docstring lists them.

Flags are an :class:`enum.IntFlag`: one value for a single fit, an integer array (one value per
meta-analysis) for a batch, where ``Undefined(int(a[i]))`` decodes row ``i``.

Rounding-level residuals
------------------------
Effects that are identical, or that a model fits exactly, up to rounding ("residuals at
rounding level relative to the effects' scale") are detected by :func:`at_rounding_level`:
every residual is at most :data:`ROUNDING` (2⁻⁴⁰, about 9e-13, 4096 units in the last place)
times the largest magnitude entering the fit (or the effects are less than 1e-150 standard
errors apart, :data:`TINY_Q`). Such data carry no information about their
residual variation, so statistics that divide by it (the Hartung-Knapp-Sidik-Jonkman variance
factor, Egger's residual variance, Begg's standardised deviates) are undefined; results that
do not depend on it are computed as for exactly identical effects.
"""

from __future__ import annotations

import enum
from typing import cast

import numpy as np

#: Residuals at most this fraction of the effects' magnitude are rounding noise (2⁻⁴⁰ ≈ 9.1e-13).
ROUNDING = 2.0**-40
#: Effects whose Cochran's Q is below this (less than 1e-150 standard errors apart, where squared
#: residuals underflow) are identical to double precision, whatever their own magnitude.
TINY_Q = 1e-300


class Undefined(enum.IntFlag):
    """Reasons for statistics reported as nan (combine with ``|``)."""

    #: nothing is undefined
    NONE = 0

    #: Too few studies for the statistic: one study (no τ² standard error or interval), k = 2
    #: for the t-based prediction interval (k - 2 df), no residual degrees of freedom.
    TOO_FEW_STUDIES = 1
    #: The effects are identical, or the model fits every effect exactly, up to rounding: the
    #: statistics that divide by the residual variation (HKSJ standard error, test and intervals;
    #: Egger's test; Begg's rank correlation) are 0/0.
    ZERO_RESIDUALS = 2
    #: The Q-profile equation for a τ² confidence limit could not be solved (no root found).
    TAU2_CI_NOT_FOUND = 4

    def messages(self) -> list[str]:
        """One readable sentence per flag set, for a warning."""
        return [MESSAGES[flag] for flag in Undefined if flag in self]


MESSAGES: dict[Undefined, str] = {
    Undefined.TOO_FEW_STUDIES: "too few studies for some statistics (reported as null)",
    Undefined.ZERO_RESIDUALS: (
        "the study effects are identical (or fitted exactly) up to rounding, so statistics that divide by "
        "their residual variation (Hartung-Knapp standard error, test and intervals; Egger's test; Begg's "
        "rank correlation) are undefined (reported as null)"
    ),
    Undefined.TAU2_CI_NOT_FOUND: "the Q-profile confidence limit for tau² could not be found (reported as null)",
}


def at_rounding_level(resid: np.ndarray, magnitude: np.ndarray | float, axis: int = -1) -> np.ndarray:
    """Whether every residual along ``axis`` is at most :data:`ROUNDING` times ``magnitude`` (the
    largest absolute value entering the fit, per row)."""
    return cast(np.ndarray, np.max(np.abs(resid), axis=axis) <= ROUNDING * np.asarray(magnitude))


def identical_effects(y: np.ndarray, v: np.ndarray) -> bool:
    """Whether one meta-analysis' effects are identical up to rounding: every residual from the
    inverse-variance weighted mean is at rounding level relative to the largest |effect|, or
    Cochran's Q is below :data:`TINY_Q` (always False for fewer than two studies).

    >>> identical_effects(np.array([0.3, 0.1 + 0.2, 0.3]), np.array([0.1, 0.2, 0.3]))
    True
    >>> identical_effects(np.array([0.3, 0.3000001]), np.array([0.1, 0.2]))
    False
    """
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    if y.size < 2:
        return False
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        w = 1.0 / v
        mean = float(np.sum(w * y) / np.sum(w))
        r = y - mean
        return bool(at_rounding_level(r, float(np.max(np.abs(y))))) or float(np.sum(w * r * r)) < TINY_Q
