"""Mantel-Haenszel and Peto common-effect methods on 2x2 counts.

These work on the counts themselves, not on the effect table, and are their own entry
points (as metafor's ``rma.mh`` and ``rma.peto``).

* OR: Mantel & Haenszel (1959) with the Robins-Breslow-Greenland (1986) variance.
* RR: Greenland & Robins (1985) estimate and variance.
* RD: MH weights ``n1 n2 / N`` with the Sato, Greenland & Robins (1989) variance (as metafor).
* Peto: ``Σ(O - E) / ΣV`` with variance ``1/ΣV`` (Yusuf et al. 1985).

Heterogeneity uses Cochran's Q of the per-study inverse-variance estimates around the pooled
value (metafor; RevMan's ``Q`` for MH analyses, docs/methods.md §1.5), and for Peto the
``Σ(O-E)²/V - (Σ(O-E))²/ΣV`` form.

Zero cells in the MH sums (``mh_continuity``): ``"revman"`` adds the continuity correction
to all cells of tables with a zero cell before forming the sums (RevMan 5, meta's
``MH.exact = FALSE``); ``"none"`` leaves the sums uncorrected (metafor's ``rma.mh``). The
per-study estimates shown beside them are corrected in both cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evisynth import _dist
from evisynth.errors import InputError, UnsupportedAnalysisError

MH_CONTINUITY = ("revman", "none")


@dataclass(frozen=True)
class CountsPooled:
    """Result of a Mantel-Haenszel or Peto analysis (log scale for OR/RR)."""

    method: str
    measure: str
    k: int
    estimate: float
    se: float
    statistic: float
    p_value: float
    ci_lower: float
    ci_upper: float
    q: float
    q_df: int
    q_p: float
    i2: float
    h2: float
    weights: np.ndarray  # percent; nan for tables not in the computation


def _tables(events1: np.ndarray, n1: np.ndarray, events2: np.ndarray, n2: np.ndarray,
            use: np.ndarray, add: float) -> tuple[np.ndarray, ...]:
    a, c = events1[use].astype(float), events2[use].astype(float)
    b, d = n1[use] - a, n2[use] - c
    if add > 0:
        zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
        inc = np.where(zero, add, 0.0)
        a, b, c, d = a + inc, b + inc, c + inc, d + inc
    return a, b, c, d


def _heterogeneity(yi: np.ndarray, vi: np.ndarray, beta: float) -> tuple[float, int, float, float, float]:
    ok = np.isfinite(yi) & np.isfinite(vi)
    k = int(ok.sum())
    if k <= 1:
        return 0.0, max(k - 1, 0), 1.0, 0.0, 1.0
    q = max(0.0, float(np.sum((yi[ok] - beta) ** 2 / vi[ok])))
    return _finish_q(q, k)


def _finish_q(q: float, k: int) -> tuple[float, int, float, float, float]:
    df = k - 1
    i2 = max(0.0, 100 * (q - df) / q) if q > 0 else 0.0
    return q, df, float(_dist.chi2_sf(q, df)), i2, q / df


def mantel_haenszel(
    events1: np.ndarray, n1: np.ndarray, events2: np.ndarray, n2: np.ndarray,
    yi: np.ndarray, vi: np.ndarray,
    *, measure: str, in_sums: np.ndarray, mh_continuity: str = "revman", continuity: float = 0.5,
    level: float = 0.95,
) -> CountsPooled:
    """Mantel-Haenszel pooled OR, RR or RD.

    Parameters
    ----------
    events1, n1, events2, n2 : ndarray
        Counts per study.
    yi, vi : ndarray
        Per-study (corrected) estimates used for Q; nan where not estimable.
    measure : {"OR", "RR", "RD"}
    in_sums : ndarray of bool
        Tables that enter the MH sums.
    mh_continuity : {"revman", "none"}
        Whether zero-cell tables enter the sums corrected.
    continuity : float
        The correction added to each cell.
    level : float
        Confidence level.
    """
    if measure not in ("OR", "RR", "RD"):
        raise UnsupportedAnalysisError(f"Mantel-Haenszel is defined for OR, RR and RD, not {measure}")
    if mh_continuity not in MH_CONTINUITY:
        raise InputError(f"mh_continuity must be one of {', '.join(MH_CONTINUITY)}; got {mh_continuity!r}")
    add = continuity if mh_continuity == "revman" else 0.0
    a, b, c, d = _tables(events1, n1, events2, n2, in_sums, add)
    m1, m2 = a + b, c + d
    N = m1 + m2
    if measure == "OR":
        R, S = a * d / N, b * c / N
        Pi, Qi = (a + d) / N, (b + c) / N
        sr, ss = R.sum(), S.sum()
        if sr == 0 or ss == 0:
            raise UnsupportedAnalysisError("the Mantel-Haenszel odds ratio is not estimable (no discordant events)")
        beta = float(np.log(sr / ss))
        var = 0.5 * ((Pi * R).sum() / sr**2 + (Pi * S + Qi * R).sum() / (sr * ss) + (Qi * S).sum() / ss**2)
        w = S
    elif measure == "RR":
        R, S = a * m2 / N, c * m1 / N
        sr, ss = R.sum(), S.sum()
        if a.sum() == 0 or c.sum() == 0:
            raise UnsupportedAnalysisError("the Mantel-Haenszel risk ratio is not estimable (no events in an arm)")
        beta = float(np.log(sr / ss))
        var = ((m1 / N) * (m2 / N) * (a + c) - (a / N) * c).sum() / (sr * ss)
        w = S
    else:
        wsum = (m1 * m2 / N).sum()
        beta = float((a * (m2 / N) - c * (m1 / N)).sum() / wsum)
        num = beta * (c * (m1 / N) ** 2 - a * (m2 / N) ** 2 + (m1 / N) * (m2 / N) * (m2 - m1) / 2).sum()
        num += (a * (m2 - c) / N + c * (m1 - a) / N).sum() / 2
        var = num / wsum**2
        w = m1 * m2 / N
    se = float(np.sqrt(var))
    weights = np.full(len(events1), np.nan)
    weights[in_sums] = 100 * w / w.sum()
    q, df, qp, i2, h2 = _heterogeneity(yi, vi, beta)
    return _wald("MH", measure, int(np.sum(in_sums)), beta, se, level, q, df, qp, i2, h2, weights)


def peto(
    events1: np.ndarray, n1: np.ndarray, events2: np.ndarray, n2: np.ndarray,
    *, in_sums: np.ndarray, level: float = 0.95, k_studies: int | None = None,
) -> CountsPooled:
    """Peto's one-step pooled log odds ratio from uncorrected counts."""
    a, b, c, d = _tables(events1, n1, events2, n2, in_sums, 0.0)
    m1, m2 = a + b, c + d
    N = m1 + m2
    xt, yt = a + c, b + d
    E = xt * m1 / N
    with np.errstate(divide="ignore", invalid="ignore"):
        V = xt * yt * (m1 / N) * (m2 / N) / (N - 1)
    V = np.where(np.isfinite(V), V, 0.0)
    sv = V.sum()
    if sv == 0:
        raise UnsupportedAnalysisError("one of the two outcomes never occurs in any study; Peto's method cannot be used")
    beta = float((a - E).sum() / sv)
    se = float(np.sqrt(1 / sv))
    pos = V > 0
    q = max(0.0, float(((a - E)[pos] ** 2 / V[pos]).sum() - (a - E)[pos].sum() ** 2 / sv))
    k = int(k_studies if k_studies is not None else pos.sum())
    if pos.sum() > 1 and k > 1:
        q, df, qp, i2, h2 = _finish_q(q, k)
    else:
        df, qp, i2, h2 = max(k - 1, 0), 1.0, 0.0, 1.0
    weights = np.full(len(events1), np.nan)
    weights[in_sums] = 100 * V / sv
    return _wald("PETO", "PETO", k, beta, se, level, q, df, qp, i2, h2, weights)


def _wald(method: str, measure: str, k: int, beta: float, se: float, level: float, q: float, df: int,
          qp: float, i2: float, h2: float, weights: np.ndarray) -> CountsPooled:
    z = _dist.crit_norm(level)
    stat = beta / se
    return CountsPooled(
        method=method, measure=measure, k=k, estimate=beta, se=se, statistic=stat,
        p_value=float(_dist.two_sided_p_norm(stat)), ci_lower=beta - z * se, ci_upper=beta + z * se,
        q=q, q_df=df, q_p=qp, i2=i2, h2=h2, weights=weights,
    )
