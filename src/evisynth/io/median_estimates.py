"""Mean and SD from the median with the quartiles and/or the range (Wan 2014, Luo 2018, Shi 2020).

Part of the data-extraction conversions; :mod:`evisynth.io.conversions` re-exports every name.

Sources
-------
* Wan X, Wang W, Liu J, Tong T (2014). Estimating the sample mean and standard deviation from the
  sample size, median, range and/or interquartile range. BMC Med Res Methodol 14:135.
* Luo D, Wan X, Liu J, Tong T (2018). Optimally estimating the sample mean from the sample size,
  median, mid-range, and/or mid-quartile range. Stat Methods Med Res 27(6):1785–1805.
* Shi J, Luo D, Weng H, et al. (2020). Optimally estimating the sample standard deviation from the
  five-number summary. Res Synth Methods 11(5):641–654.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from evisynth import _dist
from evisynth.errors import InputError
from evisynth.io._conversion_base import ArrayLike, FloatArray, _arr, _check_n

MEAN_METHODS = ("luo", "wan")
SD_METHODS = ("shi", "wan")


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


__all__ = [
    "MEAN_METHODS",
    "SD_METHODS",
    "MeanSD",
    "mean_from_median",
    "mean_sd_from_median",
    "scenario",
    "sd_from_median",
]
