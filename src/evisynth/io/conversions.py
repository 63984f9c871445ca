"""Data-extraction helpers: turn what trial reports give into the mean, SD and n a meta-analysis needs.

Every function is pure, works on scalars or numpy arrays (broadcasting), and cites the formula
it implements. The study-table reader applies the same functions to optional columns (``se1``,
``ci1_lower``, ``median1``, ``p_value``, ...; see :mod:`evisynth.io.derive` and
``docs/conversions.md``) and records each conversion per study. This module holds the SD
conversions (SE, CI, t, P, change from baseline) and re-exports the median-based estimators of
:mod:`evisynth.io.median_estimates` and the arm arithmetic of :mod:`evisynth.io.arms`.

Sources
-------
* Higgins JPT, Li T, Deeks JJ (eds). Cochrane Handbook for Systematic Reviews of Interventions,
  version 6, chapter 6, §6.5.2.2–6.5.2.3 (SD from SE, CI, t and P), table 6.5.a (combining groups),
  §6.5.2.8 (change-from-baseline SD via a correlation), §23.3.4 (multi-arm trials, splitting a
  shared group). Version 5.1: §7.7.3.2–7.7.3.3, table 7.7.a, §16.4.6.4, §16.5.4.
* Wan X, Wang W, Liu J, Tong T (2014). Estimating the sample mean and standard deviation from the
  sample size, median, range and/or interquartile range. BMC Med Res Methodol 14:135.
* Luo D, Wan X, Liu J, Tong T (2018). Optimally estimating the sample mean from the sample size,
  median, mid-range, and/or mid-quartile range. Stat Methods Med Res 27(6):1785–1805.
* Shi J, Luo D, Weng H, et al. (2020). Optimally estimating the sample standard deviation from the
  five-number summary. Res Synth Methods 11(5):641–654.

Examples
--------
>>> round(float(sd_from_se(0.5, 36)), 6)
3.0
>>> round(float(sd_from_ci(10.0, 14.128, 25)), 4)   # Handbook: n = 25 -> divide by 2 x 2.0639
5.0002
"""

from __future__ import annotations

from typing import Literal, cast

import numpy as np

from evisynth import _dist
from evisynth.errors import InputError
from evisynth.io._conversion_base import ArrayLike, FloatArray, _arr, _check_n, _check_positive
from evisynth.io.arms import combine_binary, combine_groups, split_counts, split_shared_group
from evisynth.io.median_estimates import (
    MEAN_METHODS,
    SD_METHODS,
    MeanSD,
    mean_from_median,
    mean_sd_from_median,
    scenario,
    sd_from_median,
)

Distribution = Literal["auto", "t", "normal"]

#: Below this many participants per group a CI is assumed t-based (Handbook §6.5.2.2: "say fewer than 60").
T_THRESHOLD = 60


# ---------------------------------------------------------------------------------------------
# SD from SE, CI, t and P (Handbook §6.5.2.2 and §6.5.2.3)
# ---------------------------------------------------------------------------------------------


def sd_from_se(se: ArrayLike, n: ArrayLike) -> np.ndarray:
    """Standard deviation of a group from the standard error of its mean: ``SD = SE·√n``.

    Parameters
    ----------
    se : float or array_like
        Standard error of the group mean (> 0).
    n : float or array_like
        Number of participants in the group.

    Returns
    -------
    ndarray
        The standard deviation.

    References
    ----------
    Cochrane Handbook v6, §6.5.2.2 (v5.1 §7.7.3.2).

    Examples
    --------
    >>> float(sd_from_se(2.0, 25))
    10.0
    """
    se, n = _arr(se), _arr(n)
    _check_positive("se", se)
    _check_n("n", n, 1)
    return cast(FloatArray, se * np.sqrt(n))


def ci_divisor(df: ArrayLike, level: float = 0.95, distribution: Distribution = "auto",
               n: ArrayLike | None = None) -> np.ndarray:
    """Width of a confidence interval in standard errors: ``2·z`` or ``2·t_{df}``.

    ``distribution="auto"`` uses the t distribution when ``n`` (participants per group) is below
    :data:`T_THRESHOLD` and the normal distribution otherwise (Handbook §6.5.2.2). For a 95% CI
    the normal divisor is 3.92 (exactly ``2 × 1.959964``).
    """
    if not 0 < level < 1:
        raise InputError(f"level must be a fraction between 0 and 1 (e.g. 0.95); got {level!r}")
    if distribution not in ("auto", "t", "normal"):
        raise InputError(f"distribution must be 'auto', 't' or 'normal'; got {distribution!r}")
    df = _arr(df)
    z = _dist.crit_norm(level)
    t = _arr(_dist.crit_t(level, np.maximum(df, 1)))
    if distribution == "normal":
        return np.broadcast_to(2 * z, df.shape).astype(float)
    if distribution == "t":
        return 2 * t
    size = _arr(n) if n is not None else df + 1
    return np.where(size < T_THRESHOLD, 2 * t, 2 * z)


def sd_from_ci(lower: ArrayLike, upper: ArrayLike, n: ArrayLike, *, level: float = 0.95,
               distribution: Distribution = "auto") -> np.ndarray:
    """Standard deviation of a group from a confidence interval of its mean.

    ``SD = √n · (upper − lower) / w`` with ``w = 2·t_{1−α/2, n−1}`` for small groups and
    ``w = 2·z_{1−α/2}`` (3.92 for 95%) for large ones.

    Parameters
    ----------
    lower, upper : float or array_like
        Confidence limits of the group mean.
    n : float or array_like
        Participants in the group.
    level : float
        Confidence level of the interval (0.95, 0.90, 0.99, ...).
    distribution : {"auto", "t", "normal"}
        ``auto`` (default): t with ``n − 1`` df when ``n < 60``, normal otherwise (Handbook: "if
        the sample size is small (say fewer than 60 participants in each group) then confidence
        intervals should have been calculated using a value from a t distribution").

    References
    ----------
    Cochrane Handbook v6, §6.5.2.2 (worked value: n = 25 gives ``w = 2 × 2.0639 = 4.128``).

    Examples
    --------
    >>> round(float(sd_from_ci(-1.96, 1.96, 100)), 3)   # large n: divide by 3.92
    10.0
    """
    lower, upper, n = _arr(lower), _arr(upper), _arr(n)
    _check_n("n", n)
    if np.any(~(upper > lower)):
        raise InputError("the upper confidence limit must be above the lower limit")
    return cast(FloatArray, np.sqrt(n) * (upper - lower) / ci_divisor(n - 1, level, distribution, n))


def _pooled_from_se_diff(se_diff: np.ndarray, n1: np.ndarray, n2: np.ndarray) -> np.ndarray:
    return se_diff / np.sqrt(1 / n1 + 1 / n2)


def sd_from_diff_ci(lower: ArrayLike, upper: ArrayLike, n1: ArrayLike, n2: ArrayLike, *, level: float = 0.95,
                    distribution: Distribution = "auto") -> np.ndarray:
    """Pooled within-group SD from a confidence interval of a difference in means.

    ``SE = (upper − lower)/w`` (``w = 2·t_{n1+n2−2}`` when either group has fewer than 60
    participants under ``"auto"``, otherwise 3.92 for 95%), then ``SD = SE / √(1/n1 + 1/n2)``.
    The same SD is assigned to both groups.

    References
    ----------
    Cochrane Handbook v6, §6.5.2.3 (v5.1 §7.7.3.3).
    """
    lower, upper, n1, n2 = _arr(lower), _arr(upper), _arr(n1), _arr(n2)
    _check_n("n1", n1)
    _check_n("n2", n2)
    if np.any(~(upper > lower)):
        raise InputError("the upper confidence limit must be above the lower limit")
    w = ci_divisor(n1 + n2 - 2, level, distribution, np.minimum(n1, n2))
    return _pooled_from_se_diff((upper - lower) / w, n1, n2)


def sd_from_t(md: ArrayLike, t: ArrayLike, n1: ArrayLike, n2: ArrayLike) -> np.ndarray:
    """Pooled within-group SD from the t statistic of a two-sample t test.

    ``SE = |MD / t|`` and ``SD = SE / √(1/n1 + 1/n2)``, assigned to both groups.

    References
    ----------
    Cochrane Handbook v6, §6.5.2.3 (v5.1 §7.7.3.3).

    Examples
    --------
    >>> round(float(sd_from_t(3.8, 2.78, 25, 22)), 2)   # Handbook example: SE = 3.8/2.78 = 1.37
    4.68
    """
    md, t, n1, n2 = _arr(md), _arr(t), _arr(n1), _arr(n2)
    _check_n("n1", n1)
    _check_n("n2", n2)
    if np.any(t == 0) or np.any(md == 0):
        raise InputError("a t statistic or mean difference of 0 gives no information on the SD")
    return _pooled_from_se_diff(np.abs(md / t), n1, n2)


def t_from_p(p: ArrayLike, df: ArrayLike) -> np.ndarray:
    """The t value with two-sided P value ``p`` on ``df`` degrees of freedom."""
    p, df = _arr(p), _arr(df)
    if np.any(~((p > 0) & (p < 1))):
        raise InputError(f"P value must be between 0 and 1 (exclusive); got {p.tolist() if p.ndim else float(p)!r}")
    return _arr(_dist.t_ppf(1 - p / 2, df))


def sd_from_p(md: ArrayLike, p: ArrayLike, n1: ArrayLike, n2: ArrayLike) -> np.ndarray:
    """Pooled within-group SD from the two-sided P value of a two-sample t test.

    ``t = t⁻¹_{n1+n2−2}(1 − P/2)``, then as :func:`sd_from_t`. For "P < 0.05" use 0.05 (a
    conservative choice); "NS" cannot be converted.

    References
    ----------
    Cochrane Handbook v6, §6.5.2.3 (v5.1 §7.7.3.3: MD 3.8, n 25 and 22, P = 0.008 → t = 2.78,
    SE = 1.37, SD ≈ 4.7).
    """
    md, n1, n2 = _arr(md), _arr(n1), _arr(n2)
    return sd_from_t(md, t_from_p(p, n1 + n2 - 2), n1, n2)


# ---------------------------------------------------------------------------------------------
# Change from baseline (Handbook §6.5.2.8)
# ---------------------------------------------------------------------------------------------


def sd_change(sd_baseline: ArrayLike, sd_final: ArrayLike, corr: ArrayLike) -> np.ndarray:
    """SD of change from baseline imputed from baseline and final SDs and a correlation.

    ``SD_change = √(SD_b² + SD_f² − 2·r·SD_b·SD_f)``.

    References
    ----------
    Cochrane Handbook v6, §6.5.2.8 (v5.1 §16.1.3.2); the same formula gives the SD of
    within-person differences in a cross-over trial (v5.1 §16.4.6.4: SDs 2.38 and 2.21 with
    r = 0.68 give SE(MD) = 0.583 for n = 10).

    Examples
    --------
    >>> round(float(sd_change(2.38, 2.21, 0.68)) / 10 ** 0.5, 3)
    0.583
    """
    b, f, r = _arr(sd_baseline), _arr(sd_final), _arr(corr)
    _check_positive("sd_baseline", b)
    _check_positive("sd_final", f)
    if np.any(~((r >= -1) & (r <= 1))):
        raise InputError("corr must be a correlation between -1 and 1")
    return cast(FloatArray, np.sqrt(b**2 + f**2 - 2 * r * b * f))


def corr_from_sds(sd_baseline: ArrayLike, sd_final: ArrayLike, sd_change: ArrayLike) -> np.ndarray:
    """Correlation between baseline and final values implied by the three SDs (Handbook §6.5.2.8).

    ``r = (SD_b² + SD_f² − SD_change²) / (2·SD_b·SD_f)``; impute it in studies lacking the change SD.
    """
    b, f, c = _arr(sd_baseline), _arr(sd_final), _arr(sd_change)
    return cast(FloatArray, (b**2 + f**2 - c**2) / (2 * b * f))


__all__ = [
    "MEAN_METHODS",
    "SD_METHODS",
    "T_THRESHOLD",
    "MeanSD",
    "ci_divisor",
    "combine_binary",
    "combine_groups",
    "corr_from_sds",
    "mean_from_median",
    "mean_sd_from_median",
    "scenario",
    "sd_change",
    "sd_from_ci",
    "sd_from_diff_ci",
    "sd_from_median",
    "sd_from_p",
    "sd_from_se",
    "sd_from_t",
    "split_counts",
    "split_shared_group",
    "t_from_p",
]
