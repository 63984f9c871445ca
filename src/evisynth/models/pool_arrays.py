"""The result record of :func:`evisynth.models.pool.pool` and its conversion back from the
engine's working units.

:class:`PoolArrays` holds one value per meta-analysis in each field. :func:`single_result` and
:func:`batch_result` turn the working values of :func:`~evisynth.models.pool.pool` (numpy
scalars for one fit, arrays for a batch, in the units of
:func:`~evisynth.models.kernels.scaling.normalise`) into the data's units, never -0.0, and
refuse with one :class:`~evisynth.errors.InputError` what double precision could not hold.
Which fields may be nan, and why, is :func:`not_applicable` (by the settings) and
:func:`undefined_fields` (by the flags of :class:`~evisynth.models.undefined.Undefined`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from evisynth.errors import InputError
from evisynth.models.kernels.scaling import power_of_two, unrepresentable
from evisynth.models.undefined import Undefined


@dataclass(frozen=True)
class PoolArrays:
    """Columnar results of :func:`pool`; each field has the batch shape (scalars for one fit).

    Fields that the settings make inapplicable are nan (see :func:`not_applicable`). Any other
    nan has its reason in ``undefined`` (:class:`~evisynth.models.undefined.Undefined`; an
    integer array for a batch):

    * ``TOO_FEW_STUDIES``: one study under random effects (``tau2_se`` and the τ², τ, I², H²
      intervals) or under a t test (``df``: tested with z, as metafor does); two studies under
      random effects (the t-based prediction interval ``pi_lower_t``/``pi_upper_t``);
    * ``ZERO_RESIDUALS``: identical effects (to rounding) under ``test="hksj"``: the HKSJ
      factor is 0/0, so ``se``, ``statistic``, ``p_value``, the confidence and both prediction
      intervals are nan (``"hksj-adhoc"`` truncates the factor at 1 and stays defined). With
      identical effects Q, τ² and the τ² interval are exactly 0 for every test;
    * ``TAU2_CI_NOT_FOUND``: a Q-profile limit could not be solved (the τ², τ, I², H² intervals).

    ``tau2_ci_censored`` is True only with ``tau2_ci_bound="metafor"``, where the upper τ² limit
    lies beyond metafor's search bound ``max(100, 10 τ̂²)`` and is reported at that bound.
    """

    k: Any
    estimate: Any
    se: Any
    statistic: Any
    df: Any
    p_value: Any
    ci_lower: Any
    ci_upper: Any
    pi_lower: Any
    pi_upper: Any
    pi_lower_t: Any
    pi_upper_t: Any
    tau2: Any
    tau2_se: Any
    tau2_ci_lower: Any
    tau2_ci_upper: Any
    tau: Any
    tau_ci_lower: Any
    tau_ci_upper: Any
    i2: Any
    i2_ci_lower: Any
    i2_ci_upper: Any
    h2: Any
    h2_ci_lower: Any
    h2_ci_upper: Any
    q: Any
    q_df: Any
    q_p: Any
    vt: Any
    converged: Any
    iterations: Any
    tau2_ci_censored: Any = False
    undefined: Any = Undefined.NONE

    def as_dict(self) -> dict[str, Any]:
        """Field name -> value."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


_NAMES = tuple(f.name for f in fields(PoolArrays))
_INTS = ("k", "q_df", "iterations")
_FLAGS = ("converged", "tau2_ci_censored")
_TAU2_CI = ("tau2_ci_lower", "tau2_ci_upper", "tau_ci_lower", "tau_ci_upper", "i2_ci_lower", "i2_ci_upper",
            "h2_ci_lower", "h2_ci_upper")


def not_applicable(model: str, test: str, heterogeneity_ci: bool) -> frozenset[str]:
    """The :class:`PoolArrays` fields that are nan by the settings alone (never flagged)."""
    out = {"df"} if test == "z" else set()
    if model == "fixed":
        out |= {"pi_lower", "pi_upper", "pi_lower_t", "pi_upper_t", "tau2_se", *_TAU2_CI}
    if not heterogeneity_ci:
        out |= set(_TAU2_CI)
    return frozenset(out)


#: The :class:`PoolArrays` fields each flag can leave nan (see the class docstring).
UNDEFINED_FIELDS: dict[Undefined, frozenset[str]] = {
    Undefined.TOO_FEW_STUDIES: frozenset({"df", "tau2_se", "pi_lower_t", "pi_upper_t", *_TAU2_CI}),
    Undefined.ZERO_RESIDUALS: frozenset({"se", "statistic", "p_value", "ci_lower", "ci_upper", "pi_lower", "pi_upper",
                                         "pi_lower_t", "pi_upper_t"}),
    Undefined.TAU2_CI_NOT_FOUND: frozenset(_TAU2_CI),
}


def undefined_fields(flags: int) -> frozenset[str]:
    """The :class:`PoolArrays` fields that ``flags`` (one row's ``undefined``) can leave nan."""
    out: frozenset[str] = frozenset()
    for flag, names in UNDEFINED_FIELDS.items():
        if flags & flag:
            out |= names
    return out



#: How each field converts back from the normalised units: (power of 2^h, add the shift)
_UNITS = {name: (1, True) for name in ("estimate", "ci_lower", "ci_upper", "pi_lower", "pi_upper",
                                       "pi_lower_t", "pi_upper_t")}
_UNITS |= {name: (1, False) for name in ("se", "tau", "tau_ci_lower", "tau_ci_upper")}
_UNITS |= {name: (2, False) for name in ("tau2", "tau2_se", "tau2_ci_lower", "tau2_ci_upper", "vt")}
_SCALED = tuple((i, *_UNITS[name]) for i, name in enumerate(_NAMES) if name in _UNITS)
_INT_AT = tuple(_NAMES.index(name) for name in _INTS)
_FLAG_AT = tuple(_NAMES.index(name) for name in _FLAGS)
_UNDEFINED_AT = _NAMES.index("undefined")
_FLOAT_AT = tuple(i for i, name in enumerate(_NAMES) if name not in (*_INTS, *_FLAGS, "undefined"))
_K, _ESTIMATE, _TAU2, _Q = (_NAMES.index(name) for name in ("k", "estimate", "tau2", "q"))
#: Cochran's Q above this (effects about 1e75 standard errors apart) is refused: the τ² standard
#: errors square τ²/v and would overflow, for some estimators and not others
Q_MAX = 1e150
#: One study with all but this share of the total weight is refused (the sampling variances span
#: about eight orders of magnitude or more): Σw - Σw²/Σw, which every heterogeneity statistic
#: uses, would then have lost more than half its digits to cancellation
MIN_SHARE = 2.0**-26


def single_result(values: list[Any], checked: tuple[Any, ...], share: Any, shift: float, h: int, y: np.ndarray,
            v: np.ndarray, mask: Any) -> PoolArrays:
    """One fit's values (field order; numpy scalars or 0-d arrays, normalised units) in original
    units as a :class:`PoolArrays` of Python scalars, never -0.0; refuses results that double
    precision could not hold."""
    out: list[Any] = list(values)
    for i in _FLOAT_AT:
        out[i] = float(values[i]) + 0.0  # + 0.0: never -0.0
    total = 0.0
    for x in checked:
        total += float(x)
    if not (math.isfinite(total) or all(math.isfinite(float(x)) for x in checked)) or out[_Q] > Q_MAX \
            or not share >= MIN_SHARE:
        _refuse(y, v, mask, None)
    if h:
        f1 = power_of_two(h, 1)  # 2^h (|h| <= 537: always a float); 4^h applied as f1 f1, which may overflow
        for i, power, shifted in _SCALED:
            out[i] = (out[i] * f1 if power == 1 else out[i] * f1 * f1) + (shift if shifted else 0.0)
    elif shift:
        for i, _, shifted in _SCALED:
            if shifted:
                out[i] += shift
    for i in _INT_AT:
        out[i] = int(values[i])
    for i in _FLAG_AT:
        out[i] = bool(values[i])
    flags = int(values[_UNDEFINED_AT])
    out[_UNDEFINED_AT] = Undefined(flags) if flags else Undefined.NONE
    if not (math.isfinite(out[_ESTIMATE]) and math.isfinite(out[_TAU2])):
        _refuse(y, v, mask, None)
    return PoolArrays(*out)


def batch_result(values: list[Any], checked: tuple[Any, ...], share: np.ndarray, shift: np.ndarray, h: np.ndarray,
           y: np.ndarray, v: np.ndarray, m: np.ndarray | None) -> PoolArrays:
    """A batch's values in original units (never -0.0); refuses rows that double precision could not hold."""
    bad = np.zeros(h.shape, dtype=bool)
    for x in checked:
        bad |= ~np.isfinite(x)
    bad |= values[_Q] > Q_MAX
    bad |= ~(share >= MIN_SHARE)
    if bad.any():
        _refuse_row(bad, y, v, m)
    out = list(values)
    for i in _FLOAT_AT:
        out[i] = np.asarray(values[i], dtype=float) + 0.0
    for i, power, shifted in _SCALED:
        x = np.ldexp(out[i], power * h)
        out[i] = x + shift if shifted else x
    for i in _INT_AT:
        out[i] = np.asarray(values[i]).astype(int)
    out[_UNDEFINED_AT] = np.asarray(values[_UNDEFINED_AT], dtype=np.uint8)
    bad = ~(np.isfinite(out[_ESTIMATE]) & np.isfinite(out[_TAU2]))
    if bad.any():
        _refuse_row(bad, y, v, m)
    return PoolArrays(*out)


def _refuse_row(bad: np.ndarray, y: np.ndarray, v: np.ndarray, m: np.ndarray | None) -> None:
    row = tuple(int(i) for i in np.unravel_index(int(np.flatnonzero(bad)[0]), bad.shape))
    _refuse(y[row], v[row], None if m is None else m[row] > 0, row[0] if len(row) == 1 else row)


def _refuse(y: np.ndarray, v: np.ndarray, mask: Any, row: Any) -> None:
    if mask is not None:
        keep = np.asarray(mask, dtype=bool)
        y, v = y[keep], v[keep]
    where = "" if row is None else f"meta-analysis {row} (0-based): "
    raise InputError(where + unrepresentable(y, v))
