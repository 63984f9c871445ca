"""Compute study effects from arm-level or generic data (metafor's ``escalc`` stage).

Formulas (notation of docs/methods.md §1.2):

* MD: ``m1 - m2`` with variance ``sd1²/n1 + sd2²/n2``.
* SMD (Hedges' g, pooled SD with ``N - 2`` df). Three variance choices:
  ``revman`` — ``J = 1 - 3/(4N - 9)``, ``Var = N/(n1 n2) + g²/(2(N - 3.94))`` (Deeks & Higgins,
  *Statistical algorithms in RevMan 5*); ``large-sample`` — exact ``J`` (Hedges 1981) and
  ``1/n1 + 1/n2 + g²/(2N)``; ``unbiased`` — exact ``J`` and
  ``1/n1 + 1/n2 + (1 - (N-4)/((N-2) J²)) g²`` (metafor's ``vtype="LS"`` / ``"UB"``).
* log OR, log RR (``1/a - 1/n1 + 1/c - 1/n2``), RD (``p1(1-p1)/n1 + p2(1-p2)/n2``) and
  Peto's log OR ``(O - E)/V`` with variance ``1/V`` (Yusuf et al. 1985).
* Zero cells: ``continuity`` (0.5 by default, 0 disables) is added to all four cells of a
  study with a zero cell for OR, RR and RD (metafor ``to="only0"``; RevMan's rule). Peto's
  ``(O - E)/V`` needs no correction and gets none (RevMan's study row; metafor's
  ``escalc("PETO", add=0)``). Double-zero studies are dropped for OR, RR and Peto by default
  and kept for RD.
"""

from __future__ import annotations

import math
import warnings
from typing import Literal, cast

import numpy as np

from evisynth._dist import crit_norm
from evisynth.effects.table import MEASURES, RATIO_MEASURES, EffectTable
from evisynth.errors import InputError, ZeroCellWarning
from evisynth.io.tabular import StudyTable

SmdVariance = Literal["revman", "large-sample", "unbiased"]
SMD_VARIANCES = ("revman", "large-sample", "unbiased")

_KIND_MEASURES = {
    "continuous": ("MD", "SMD"),
    "binary": ("OR", "RR", "RD", "PETO"),
    "generic": MEASURES,
}
DEFAULT_MEASURE = {"continuous": "MD", "binary": "OR", "generic": "GEN"}
#: What each kind of data is, in messages (the columns that make a table of that kind).
_NEEDS = {"continuous": "continuous data (m1, sd1, n1, m2, sd2, n2)",
          "binary": "dichotomous data (events1, n1, events2, n2)",
          "generic": "generic data (yi with sei or vi, or estimate with ci_lower and ci_upper)"}


def _measure_kind(measure: str) -> str:
    """The kind of data a measure is computed from (GEN: generic effect data)."""
    return next(kind for kind in ("continuous", "binary") if measure in _KIND_MEASURES[kind]) \
        if measure != "GEN" else "generic"


def hedges_j_exact(df: np.ndarray) -> np.ndarray:
    """Exact small-sample correction ``J(df) = Γ(df/2) / (√(df/2) Γ((df-1)/2))`` (Hedges 1981)."""
    from scipy.special import gammaln

    df = np.asarray(df, dtype=float)
    return cast(np.ndarray, np.exp(gammaln(df / 2) - 0.5 * np.log(df / 2) - gammaln((df - 1) / 2)))


def smd(
    m1: np.ndarray, sd1: np.ndarray, n1: np.ndarray,
    m2: np.ndarray, sd2: np.ndarray, n2: np.ndarray,
    variance: SmdVariance = "revman",
) -> tuple[np.ndarray, np.ndarray]:
    """Hedges' g and its sampling variance under the chosen variance formula."""
    if variance not in SMD_VARIANCES:
        raise InputError(f"smd_variance must be one of {', '.join(SMD_VARIANCES)}; got {variance!r}")
    n = n1 + n2
    sp = np.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n - 2))
    d = (m1 - m2) / sp
    if variance == "revman":
        g = (1 - 3 / (4 * n - 9)) * d
        return g, n / (n1 * n2) + g**2 / (2 * (n - 3.94))
    j = hedges_j_exact(n - 2)
    g = j * d
    if variance == "large-sample":
        return g, 1 / n1 + 1 / n2 + g**2 / (2 * n)
    mi = n - 2
    return g, 1 / n1 + 1 / n2 + (1 - (mi - 2) / (mi * j**2)) * g**2


def compute_effects(
    table: StudyTable,
    measure: str | None = None,
    *,
    smd_variance: SmdVariance = "revman",
    continuity: float = 0.5,
    drop_double_zero: bool | None = None,
    log_scale: bool = False,
) -> EffectTable:
    """Turn a checked study table into an :class:`EffectTable`.

    Parameters
    ----------
    table : StudyTable
        From :func:`evisynth.io.tabular.read_study_table`.
    measure : str, optional
        ``MD``, ``SMD``, ``OR``, ``RR``, ``RD``, ``PETO`` or ``GEN``; defaults to MD for
        continuous, OR for dichotomous and GEN for generic data.
    smd_variance : {"revman", "large-sample", "unbiased"}
        Variance (and correction factor) of Hedges' g.
    continuity : float
        Added to every cell of a 2x2 table that has a zero cell (0 disables); not used by
        ``PETO``, whose ``(O - E)/V`` needs no correction.
    drop_double_zero : bool, optional
        Drop studies without events (or with only events) in both arms. Default: true for
        OR, RR and Peto, false for RD.
    log_scale : bool
        For generic data with ``measure="GEN"``: the inputs are log ratios.

    Returns
    -------
    EffectTable
    """
    kind = table.kind
    measure = (measure or DEFAULT_MEASURE[kind]).upper()
    if measure not in MEASURES:
        raise InputError(f"measure must be one of {', '.join(MEASURES)}; got {measure!r}")
    if measure not in _KIND_MEASURES[kind]:
        raise InputError(
            f"measure {measure} needs {_NEEDS[_measure_kind(measure)]}, but the table has {_NEEDS[kind]}; "
            f"use one of {', '.join(_KIND_MEASURES[kind])}",
            file=table.source,
        )
    if not (continuity >= 0 and math.isfinite(continuity)):
        raise InputError(f"continuity must be a number >= 0 (0 disables); got {continuity!r}")
    c = table.columns
    k = table.k
    notes = [""] * k
    included = np.ones(k, dtype=bool)
    is_log = measure in RATIO_MEASURES or (measure == "GEN" and log_scale)

    if kind == "continuous":
        notes = list(table.derived) or notes
        if measure == "MD":
            yi = c["m1"] - c["m2"]
            vi = c["sd1"] ** 2 / c["n1"] + c["sd2"] ** 2 / c["n2"]
        else:
            yi, vi = smd(c["m1"], c["sd1"], c["n1"], c["m2"], c["sd2"], c["n2"], smd_variance)
    elif kind == "binary":
        yi, vi, included, notes = _binary(table, measure, continuity, drop_double_zero)
    else:
        yi, vi = _generic(table, is_log)
        notes = list(table.derived) or notes
    if kind == "binary" and table.derived:
        notes = ["; ".join(x for x in pair if x) for pair in zip(table.derived, notes, strict=True)]

    bad = included & ~(np.isfinite(yi) & np.isfinite(vi) & (vi > 0))
    for i in np.flatnonzero(bad):
        included[i] = False
        notes[i] = (notes[i] + "; " if notes[i] else "") + "not estimable (excluded)"
    return EffectTable(
        study=table.study,
        yi=np.asarray(yi, dtype=float),
        vi=np.asarray(vi, dtype=float),
        measure=measure,
        log_scale=is_log,
        included=included,
        notes=tuple(notes),
        data=dict(c),
        extra=dict(table.extra),
        source=table.source,
        kind=kind,
        decimals=dict(table.decimals),
    )


def _binary(
    table: StudyTable, measure: str, add: float, drop00: bool | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    c = table.columns
    a, n1, cc, n2 = c["events1"], c["n1"], c["events2"], c["n2"]
    b, d = n1 - a, n2 - cc
    if drop00 is None:
        drop00 = measure != "RD"
    double_zero = ((a == 0) & (cc == 0)) | ((b == 0) & (d == 0))
    zero = (a == 0) | (b == 0) | (cc == 0) | (d == 0)
    included = np.ones(table.k, dtype=bool)
    notes = [""] * table.k
    if drop00:
        included &= ~double_zero
    # Peto's (O - E)/V is finite with a zero cell (V > 0 unless the table is double-zero): no
    # correction, as RevMan shows the study row and as Peto's pooled estimate uses it.
    corrected = zero & included & (add > 0) & (measure != "PETO")
    for i in range(table.k):
        if drop00 and double_zero[i]:
            notes[i] = "double-zero study: no events in either arm, not estimable"
        elif corrected[i]:
            notes[i] = f"zero cell: {add:g} added to all four cells"
    if corrected.any() or (drop00 and double_zero.any()):
        parts = []
        if corrected.any():
            n = int(corrected.sum())
            parts.append(f"{add:g} added to every cell of {n} {'study' if n == 1 else 'studies'} with a zero cell")
        if drop00 and double_zero.any():
            n = int(double_zero.sum())
            parts.append(f"{n} double-zero {'study' if n == 1 else 'studies'} (no events in either arm) not "
                         "estimable")
        warnings.warn("; ".join(parts), ZeroCellWarning, stacklevel=3)
    inc = np.where(corrected, add, 0.0)
    a_, b_, c_, d_ = a + inc, b + inc, cc + inc, d + inc
    n1_, n2_ = a_ + b_, c_ + d_
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = a_ / n1_, c_ / n2_
        if measure == "OR":
            yi = np.log(a_ * d_ / (b_ * c_))
            vi = 1 / a_ + 1 / b_ + 1 / c_ + 1 / d_
        elif measure == "RR":
            yi = np.log(p1 / p2)
            vi = 1 / a_ - 1 / n1_ + 1 / c_ - 1 / n2_
        elif measure == "RD":
            yi = p1 - p2
            vi = p1 * (1 - p1) / n1_ + p2 * (1 - p2) / n2_
        else:  # PETO
            nt = n1_ + n2_
            e = (a_ + c_) * n1_ / nt
            v = (a_ + c_) * (b_ + d_) * (n1_ / nt) * (n2_ / nt) / (nt - 1)
            yi = (a_ - e) / v
            vi = 1 / v
    yi = np.where(included, yi, np.nan)
    vi = np.where(included, vi, np.nan)
    return yi, vi, included, notes


def _generic(table: StudyTable, is_log: bool) -> tuple[np.ndarray, np.ndarray]:
    c = table.columns
    if "yi" in c and ("vi" in c or "sei" in c):
        yi = c["yi"].copy()
        vi = c["vi"].copy() if "vi" in c else c["sei"] ** 2
        return yi, vi
    est, lo, hi = c["estimate"], c["ci_lower"], c["ci_upper"]
    z = crit_norm(0.95)
    if is_log:
        for i in range(table.k):
            if not (lo[i] > 0 and est[i] > 0):
                raise InputError(
                    f"a ratio estimate and its confidence limits must be > 0 (got {est[i]:g} "
                    f"[{lo[i]:g}, {hi[i]:g}]); give natural-scale ratios or use --measure GEN "
                    "without --log-scale",
                    file=table.source, row=i + 1, line=i + 2, column="ci_lower",
                )
        yi = np.log(est)
        se = (np.log(hi) - np.log(lo)) / (2 * z)
    else:
        yi = est.copy()
        se = (hi - lo) / (2 * z)
    return yi, se**2
