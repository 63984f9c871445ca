"""RevMan 5's random-effects analysis of Mantel-Haenszel outcomes ("M-H, Random").

RevMan does not offer a separate random-effects estimator for dichotomous data pooled by
Mantel-Haenszel: it takes the heterogeneity statistic of the M-H common-effect analysis,
Cochran's Q of the inverse-variance study estimates around the **Mantel-Haenszel** pooled
value, estimates τ² from it with DerSimonian and Laird's moment formula, and pools the study
estimates with weights ``1/(v_i + τ²)`` (Deeks & Higgins, *Statistical algorithms in Review
Manager 5*, 2010, section "Random effects"; docs/methods.md §1.8). metafor's ``rma.uni(method="DL")``
centres Q on the inverse-variance estimate instead, so the two differ slightly whenever the M-H
and inverse-variance common-effect estimates differ.

>>> import numpy as np
>>> r = mh_random(np.log([0.5, 0.8, 1.1]), np.array([0.04, 0.05, 0.06]), q=3.1, level=0.95)
>>> round(r.tau2, 4), round(float(np.exp(r.estimate)), 4)
(0.0271, 0.7348)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evisynth import _dist


@dataclass(frozen=True)
class MHRandom:
    """The M-H random-effects result (analysis scale): estimate, Wald test and CI, τ², weights."""

    k: int
    estimate: float
    se: float
    statistic: float
    p_value: float
    ci_lower: float
    ci_upper: float
    tau2: float
    pi_lower: float | None
    pi_upper: float | None
    pi_lower_t: float | None
    pi_upper_t: float | None
    weights: np.ndarray  # percent over the estimable studies, in their order


def mh_random(yi: np.ndarray, vi: np.ndarray, *, q: float, level: float = 0.95) -> MHRandom:
    """DerSimonian-Laird random effects with τ² from the Mantel-Haenszel-centred ``q``.

    Parameters
    ----------
    yi, vi : ndarray
        The estimable studies' effects and variances (analysis scale).
    q : float
        Cochran's Q around the Mantel-Haenszel estimate (the M-H analysis' heterogeneity).
    level : float
        Confidence level.
    """
    y, v = np.asarray(yi, float), np.asarray(vi, float)
    k = len(y)
    w = 1.0 / v
    sw = float(w.sum())
    denom = sw - float((w**2).sum()) / sw
    tau2 = max(0.0, (q - (k - 1)) / denom) if k > 1 and denom > 0 else 0.0
    ws = 1.0 / (v + tau2)
    sws = float(ws.sum())
    est = float((ws * y).sum() / sws)
    se = float(np.sqrt(1.0 / sws))
    z = _dist.crit_norm(level)
    stat = est / se
    pi: tuple[float | None, float | None] = (None, None)
    pi_t: tuple[float | None, float | None] = (None, None)
    sd = float(np.sqrt(se**2 + tau2))
    if k > 1:
        pi = (est - z * sd, est + z * sd)
    if k > 2:
        t = float(_dist.crit_t(level, k - 2))
        pi_t = (est - t * sd, est + t * sd)
    return MHRandom(k, est, se, stat, float(_dist.two_sided_p_norm(stat)), est - z * se, est + z * se, tau2,
                    pi[0], pi[1], pi_t[0], pi_t[1], 100 * ws / sws)
