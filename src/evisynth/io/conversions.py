"""Data-extraction helpers: turn what trial reports give into the mean, SD and n a meta-analysis needs.

Every function is pure, works on scalars or numpy arrays (broadcasting), and cites the formula
it implements. The study-table reader applies the same functions to optional columns (``se1``,
``ci1_lower``, ``median1``, ``p_value``, ...; see :mod:`evisynth.io.derive` and
``docs/conversions.md``) and records each conversion per study.

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

from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt

from evisynth import _dist
from evisynth.errors import InputError

ArrayLike = Any
Distribution = Literal["auto", "t", "normal"]

#: Below this many participants per group a CI is assumed t-based (Handbook §6.5.2.2: "say fewer than 60").
T_THRESHOLD = 60

MEAN_METHODS = ("luo", "wan")
SD_METHODS = ("shi", "wan")

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


# ---------------------------------------------------------------------------------------------
# Median, quartiles and range (Wan 2014, Luo 2018, Shi 2020)
# ---------------------------------------------------------------------------------------------


def _xi(n: np.ndarray) -> np.ndarray:
    """``ξ(n) = 2Φ⁻¹((n − 0.375)/(n + 0.25))`` (Wan 2014, eq. 7)."""
    return 2 * _arr(_dist.norm_ppf((n - 0.375) / (n + 0.25)))


def _eta(n: np.ndarray) -> np.ndarray:
    """``η(n) = 2Φ⁻¹((0.75n − 0.125)/(n + 0.25))`` (Wan 2014, eq. 13/16)."""
    return 2 * _arr(_dist.norm_ppf((0.75 * n - 0.125) / (n + 0.25)))


def scenario(q1: Any = None, q3: Any = None, minimum: Any = None, maximum: Any = None) -> str:
    """Which summary is available: ``"S1"`` (min, median, max), ``"S2"`` (all five), ``"S3"`` (quartiles)."""
    has_q = q1 is not None and q3 is not None
    has_r = minimum is not None and maximum is not None
    if has_q and has_r:
        return "S2"
    if has_r:
        return "S1"
    if has_q:
        return "S3"
    raise InputError("a median needs the quartiles (q1 and q3), the range (min and max) or both")


def mean_from_median(median: ArrayLike, n: ArrayLike, *, q1: ArrayLike | None = None, q3: ArrayLike | None = None,
                     minimum: ArrayLike | None = None, maximum: ArrayLike | None = None,
                     method: str = "luo") -> np.ndarray:
    """Estimate a sample mean from the median with the range and/or the quartiles.

    Parameters
    ----------
    median, n : array_like
    q1, q3 : array_like, optional
        First and third quartiles.
    minimum, maximum : array_like, optional
        Smallest and largest values.
    method : {"luo", "wan"}
        ``luo`` (default; Luo et al. 2018, eqs. 7, 11, 15) weights the mid-range, mid-quartile
        range and median by sample size; ``wan`` uses Wan et al. 2014 (eqs. 2, 10, 14).

    Returns
    -------
    ndarray

    Notes
    -----
    Scenario S1 = {min, median, max}; S2 = {min, q1, median, q3, max}; S3 = {q1, median, q3}.
    Luo: S1 ``w(a+b)/2 + (1−w)m`` with ``w = 4/(4 + n^0.75)``; S2 ``w1(a+b)/2 + w2(q1+q3)/2 +
    (1−w1−w2)m`` with ``w1 = 2.2/(2.2 + n^0.75)``, ``w2 = 0.7 − 0.72/n^0.55``; S3
    ``w(q1+q3)/2 + (1−w)m`` with ``w = 0.7 + 0.39/n``. Wan: S1 ``(a+2m+b)/4 + (a−2m+b)/(4n)``; S2
    ``(a+2q1+2m+2q3+b)/8``; S3 ``(q1+m+q3)/3``.

    Examples
    --------
    >>> round(float(mean_from_median(10, 100, q1=8, q3=13, method="wan")), 4)
    10.3333
    """
    m, n = _arr(median), _arr(n)
    _check_n("n", n, 1)
    sc = scenario(q1, q3, minimum, maximum)
    method = method.lower()
    if method not in MEAN_METHODS:
        raise InputError(f"mean method must be one of {', '.join(MEAN_METHODS)}; got {method!r}")
    a = _arr(minimum) if minimum is not None else None
    b = _arr(maximum) if maximum is not None else None
    lo = _arr(q1) if q1 is not None else None
    hi = _arr(q3) if q3 is not None else None
    if sc == "S1":
        assert a is not None and b is not None  # scenario() gives S1 only with the range
        if method == "wan":
            return cast(FloatArray, (a + 2 * m + b) / 4 + (a - 2 * m + b) / (4 * n))
        w = 4 / (4 + n**0.75)
        return cast(FloatArray, w * (a + b) / 2 + (1 - w) * m)
    assert lo is not None and hi is not None  # S2 and S3 have the quartiles
    if sc == "S2":
        assert a is not None and b is not None  # ... and S2 the range as well
        if method == "wan":
            return cast(FloatArray, (a + 2 * lo + 2 * m + 2 * hi + b) / 8)
        w1 = 2.2 / (2.2 + n**0.75)
        w2 = 0.7 - 0.72 / n**0.55
        return cast(FloatArray, w1 * (a + b) / 2 + w2 * (lo + hi) / 2 + (1 - w1 - w2) * m)
    if method == "wan":
        return cast(FloatArray, (lo + m + hi) / 3)
    w = 0.7 + 0.39 / n
    return cast(FloatArray, w * (lo + hi) / 2 + (1 - w) * m)


def sd_from_median(n: ArrayLike, *, q1: ArrayLike | None = None, q3: ArrayLike | None = None,
                   minimum: ArrayLike | None = None, maximum: ArrayLike | None = None,
                   method: str = "shi") -> np.ndarray:
    """Estimate a sample SD from the range and/or the interquartile range.

    Parameters
    ----------
    n : array_like
    q1, q3, minimum, maximum : array_like, optional
    method : {"shi", "wan"}
        For S2 (five-number summary) ``shi`` (default; Shi et al. 2020, eq. 11) uses
        ``(b−a)/θ1(n) + (q3−q1)/θ2(n)`` with ``θ1 = (2 + 0.14n^0.6)Φ⁻¹((n−0.375)/(n+0.25))`` and
        ``θ2 = (2 + 2/(0.07n^0.6))Φ⁻¹((0.75n−0.125)/(n+0.25))``; ``wan`` averages the two
        single-summary estimators (Wan 2014, eq. 12). For S1 and S3 both methods are Wan's:
        ``(b−a)/ξ(n)`` (eq. 7/9) and ``(q3−q1)/η(n)`` (eq. 15/16).

    Notes
    -----
    ξ and η use the closed-form normal-quantile approximations given in Wan et al.; their
    tables of exact expected values for small n (used by R's *meta* for n ≤ 50 / n ≤ 201) are not
    used. The difference is below 1% for n ≥ 10.

    Examples
    --------
    >>> round(float(sd_from_median(400, q1=-0.6745, q3=0.6745)), 2)   # standard normal quartiles
    1.0
    """
    n = _arr(n)
    _check_n("n", n, 2)
    sc = scenario(q1, q3, minimum, maximum)
    method = method.lower()
    if method not in SD_METHODS:
        raise InputError(f"SD method must be one of {', '.join(SD_METHODS)}; got {method!r}")
    if sc == "S1":
        return cast(FloatArray, (_arr(maximum) - _arr(minimum)) / _xi(n))
    if sc == "S3":
        return cast(FloatArray, (_arr(q3) - _arr(q1)) / _eta(n))
    rng, iqr = _arr(maximum) - _arr(minimum), _arr(q3) - _arr(q1)
    if method == "wan":
        return cast(FloatArray, 0.5 * (rng / _xi(n) + iqr / _eta(n)))
    theta1 = (2 + 0.14 * n**0.6) * _arr(_dist.norm_ppf((n - 0.375) / (n + 0.25)))
    theta2 = (2 + 2 / (0.07 * n**0.6)) * _arr(_dist.norm_ppf((0.75 * n - 0.125) / (n + 0.25)))
    return cast(FloatArray, rng / theta1 + iqr / theta2)


@dataclass(frozen=True)
class MeanSD:
    """Result of :func:`mean_sd_from_median`: the estimates and how they were obtained."""

    mean: np.ndarray
    sd: np.ndarray
    scenario: str
    mean_method: str
    sd_method: str

    @property
    def description(self) -> str:
        """E.g. ``"median, IQR and range (Luo 2018 mean, Shi 2020 SD)"``."""
        given = {"S1": "median and range", "S2": "median, IQR and range", "S3": "median and IQR"}[self.scenario]
        mean_src = {"luo": "Luo 2018", "wan": "Wan 2014"}[self.mean_method]
        sd_src = "Shi 2020" if (self.sd_method == "shi" and self.scenario == "S2") else "Wan 2014"
        return f"{given} ({mean_src} mean, {sd_src} SD)"


def mean_sd_from_median(median: ArrayLike, n: ArrayLike, *, q1: ArrayLike | None = None,
                        q3: ArrayLike | None = None, minimum: ArrayLike | None = None,
                        maximum: ArrayLike | None = None, mean_method: str = "luo",
                        sd_method: str = "shi") -> MeanSD:
    """Mean and SD from the median with the IQR and/or range; the default mirrors R *meta*.

    Checks the order ``min ≤ q1 ≤ median ≤ q3 ≤ max`` (with ``q1 < q3`` and ``min < max``) and
    returns a :class:`MeanSD` naming the methods used (Luo 2018 mean; Shi 2020 SD for the
    five-number summary, Wan 2014 SD otherwise).

    Examples
    --------
    >>> r = mean_sd_from_median(10, 50, q1=8, q3=13)
    >>> r.description
    'median and IQR (Luo 2018 mean, Wan 2014 SD)'
    """
    sc = scenario(q1, q3, minimum, maximum)
    m = _arr(median)
    if q1 is not None and q3 is not None:
        lo, hi = _arr(q1), _arr(q3)
        if np.any(~(lo < hi)) or np.any(m < lo) or np.any(m > hi):
            raise InputError("quartiles must satisfy q1 <= median <= q3 with q1 < q3")
    if minimum is not None and maximum is not None:
        a, b = _arr(minimum), _arr(maximum)
        if np.any(~(a < b)) or np.any(m < a) or np.any(m > b):
            raise InputError("range must satisfy min <= median <= max with min < max")
        if q1 is not None and q3 is not None and (np.any(_arr(q1) < a) or np.any(_arr(q3) > b)):
            raise InputError("quartiles must lie within the range (min <= q1, q3 <= max)")
    mean = mean_from_median(m, n, q1=q1, q3=q3, minimum=minimum, maximum=maximum, method=mean_method)
    sd = sd_from_median(n, q1=q1, q3=q3, minimum=minimum, maximum=maximum, method=sd_method)
    return MeanSD(mean, sd, sc, mean_method.lower(), sd_method.lower())


# ---------------------------------------------------------------------------------------------
# Combining and splitting groups (Handbook table 6.5.a, §23.3.4)
# ---------------------------------------------------------------------------------------------


def combine_groups(n1: ArrayLike, m1: ArrayLike, sd1: ArrayLike,
                   n2: ArrayLike, m2: ArrayLike, sd2: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combine two groups' (n, mean, SD) into one group (Cochrane Handbook table 6.5.a).

    ``N = N1 + N2``; ``M = (N1M1 + N2M2)/N``;
    ``SD = √{[(N1−1)SD1² + (N2−1)SD2² + (N1N2/N)(M1² + M2² − 2M1M2)] / (N − 1)}``.
    The result equals the mean and sample SD of the pooled raw data exactly. Apply repeatedly
    for more than two groups.

    Returns
    -------
    (n, mean, sd)

    Examples
    --------
    >>> n, m, s = combine_groups(2, 1.0, 2 ** 0.5, 2, 5.0, 2 ** 0.5)   # raw data 0, 2 and 4, 6
    >>> float(n), float(m), round(float(s) ** 2, 6)
    (4.0, 3.0, 6.666667)
    """
    n1, m1, sd1, n2, m2, sd2 = (_arr(x) for x in (n1, m1, sd1, n2, m2, sd2))
    _check_n("n1", n1, 1)
    _check_n("n2", n2, 1)
    n = n1 + n2
    mean = (n1 * m1 + n2 * m2) / n
    var = ((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2 + n1 * n2 / n * (m1**2 + m2**2 - 2 * m1 * m2)) / (n - 1)
    return n, mean, np.sqrt(var)


def combine_binary(events1: ArrayLike, n1: ArrayLike, events2: ArrayLike, n2: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Combine two groups' events and totals by adding them (Handbook table 6.5.a)."""
    return _arr(events1) + _arr(events2), _arr(n1) + _arr(n2)


def split_counts(total: int, parts: int) -> list[int]:
    """Split a whole number into ``parts`` whole numbers that differ by at most one (first ones larger).

    >>> split_counts(25, 2)
    [13, 12]
    """
    if parts < 1:
        raise InputError(f"cannot split into {parts} parts")
    base, rem = divmod(int(total), parts)
    return [base + (1 if i < rem else 0) for i in range(parts)]


def split_shared_group(n: int, parts: int, events: int | None = None) -> list[tuple[int, int | None]]:
    """Divide a shared (e.g. control) group among ``parts`` comparisons of a multi-arm trial.

    The participants are split as evenly as whole numbers allow, so the group is not counted
    more than once (Cochrane Handbook v6 §23.3.4; v5.1 §16.5.4). Events are split in proportion
    to the participants (largest-remainder rounding, totals preserved, never above the arm size).
    Means and SDs stay as reported.

    Returns
    -------
    list of (n, events)

    Examples
    --------
    >>> split_shared_group(25, 2, events=7)
    [(13, 4), (12, 3)]
    """
    sizes = split_counts(n, parts)
    if events is None:
        return [(s, None) for s in sizes]
    if not 0 <= events <= n:
        raise InputError(f"events {events} must be between 0 and the group size {n}")
    exact = [events * s / n for s in sizes] if n else [0.0] * parts
    counts = [int(np.floor(x)) for x in exact]
    order = sorted(range(parts), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: events - sum(counts)]:
        counts[i] += 1
    return [(s, min(c, s)) for s, c in zip(sizes, counts, strict=True)]


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
