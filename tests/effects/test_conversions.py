"""Data-extraction helpers against the worked examples of the Cochrane Handbook and the source papers.

Handbook references: v6 chapter 6 (§6.5.2.2, §6.5.2.3, §6.5.2.8, table 6.5.a) and the archived
v5.1 sections with the same examples (§7.7.3.2, §7.7.3.3, §16.4.6.4, table 7.7.a).
"""

import numpy as np
import pytest
from scipy import stats

from evisynth.errors import InputError
from evisynth.io import conversions as cv

# --- SD from SE / CI / t / P -------------------------------------------------------------------

def test_sd_from_se_handbook_formula() -> None:
    # Handbook v6 §6.5.2.2: SD = SE x sqrt(N).
    assert cv.sd_from_se(3.2, 25) == pytest.approx(16.0)
    np.testing.assert_allclose(cv.sd_from_se([1.0, 0.5], [4, 100]), [2.0, 5.0])


def test_ci_divisor_handbook_values() -> None:
    # Handbook v6 §6.5.2.2: 3.92 for 95%, 3.29 for 90%, 5.15 for 99% (large samples) ...
    assert cv.ci_divisor(200, 0.95, "normal") == pytest.approx(3.92, abs=0.001)
    assert cv.ci_divisor(200, 0.90, "normal") == pytest.approx(3.29, abs=0.001)
    assert cv.ci_divisor(200, 0.99, "normal") == pytest.approx(5.15, abs=0.002)
    # ... and for a group of 25 (t with 24 df): "3.92 should be replaced by 2 x 2.0639 = 4.128".
    assert cv.ci_divisor(24, 0.95, "auto", 25) == pytest.approx(4.128, abs=0.0005)
    # 'auto' switches to the normal value at 60 per group ("say fewer than 60").
    assert cv.ci_divisor(59, 0.95, "auto", 60) == pytest.approx(3.92, abs=0.001)
    assert cv.ci_divisor(58, 0.95, "auto", 59) > 3.99


def test_sd_from_ci_of_mean() -> None:
    # n = 25, 95% CI width 4.128 -> SD = sqrt(25) * 4.128 / 4.128 = 5.
    assert cv.sd_from_ci(10, 14.128, 25) == pytest.approx(5.0, abs=0.001)
    # Large group: width 3.92 -> SD = sqrt(100).
    assert cv.sd_from_ci(0, 3.92, 100) == pytest.approx(10.0, abs=0.001)
    # Forcing the normal divisor for a small group (what a large-sample formula would give).
    assert cv.sd_from_ci(10, 14.128, 25, distribution="normal") == pytest.approx(5 * 4.128 / 3.919928, rel=1e-6)
    with pytest.raises(InputError, match="upper confidence limit"):
        cv.sd_from_ci(2, 1, 30)


def test_sd_from_p_handbook_example() -> None:
    # Handbook v5.1 §7.7.3.3 (v6 §6.5.2.3): n 25 and 22, MD 3.8, P = 0.008 -> t = 2.78 on 45 df
    # ("= tinv(0.008, 45)"), SE = 3.8/2.78 = 1.37, SD = 1.37 / sqrt(1/25 + 1/22).
    assert cv.t_from_p(0.008, 45) == pytest.approx(2.78, abs=0.005)
    sd = cv.sd_from_p(3.8, 0.008, 25, 22)
    assert sd == pytest.approx(1.37 / np.sqrt(1 / 25 + 1 / 22), abs=0.01)
    # The t-statistic route with the Handbook's rounded t gives the Handbook's SE of 1.37.
    assert cv.sd_from_t(3.8, 2.78, 25, 22) * np.sqrt(1 / 25 + 1 / 22) == pytest.approx(1.37, abs=0.005)
    with pytest.raises(InputError):
        cv.sd_from_p(3.8, 0.0, 25, 22)


def test_sd_from_diff_ci() -> None:
    # Handbook §6.5.2.3: SE = width / (2 t_{N1+N2-2}) for small trials; here 25 and 22 -> 45 df.
    t45 = stats.t.ppf(0.975, 45)
    sd = cv.sd_from_diff_ci(1.0, 1.0 + 2 * t45 * 1.37, 25, 22)
    assert sd == pytest.approx(1.37 / np.sqrt(1 / 25 + 1 / 22), rel=1e-9)
    # Large trials use 3.92.
    assert cv.sd_from_diff_ci(0, 3.92, 100, 100) == pytest.approx(np.sqrt(50), rel=1e-3)


# --- change from baseline --------------------------------------------------------------------

def test_change_sd_handbook_crossover_example() -> None:
    # Handbook v5.1 §16.4.6.4: SD_E 2.38, SD_C 2.21, imputed r = 0.68, n = 10 -> SE(MD) = 0.583.
    sd = cv.sd_change(2.38, 2.21, 0.68)
    assert sd / np.sqrt(10) == pytest.approx(0.583, abs=0.0005)
    # The correlation is recovered from the three SDs (Handbook v6 §6.5.2.8).
    assert cv.corr_from_sds(2.38, 2.21, sd) == pytest.approx(0.68)
    with pytest.raises(InputError):
        cv.sd_change(2.0, 2.0, 1.5)


# --- median / IQR / range ---------------------------------------------------------------------

def test_wan_s1_by_hand() -> None:
    # Wan et al. 2014 eqs (2) and (7): a = 5, m = 8, b = 12, n = 10.
    mean = cv.mean_from_median(8, 10, minimum=5, maximum=12, method="wan")
    assert mean == pytest.approx((5 + 16 + 12) / 4 + (5 - 16 + 12) / 40)  # 8.275
    xi = 2 * stats.norm.ppf((10 - 0.375) / (10 + 0.25))
    assert cv.sd_from_median(10, minimum=5, maximum=12) == pytest.approx(7 / xi)
    # Wan's table 1 gives the exact expected range of 10 normal values as 3.078 sigma; the
    # closed form differs by 0.5% (documented).
    assert xi == pytest.approx(3.078, rel=0.006)


def test_wan_and_luo_s3_by_hand() -> None:
    # q1 = 38, m = 45, q3 = 55, n = 50.
    assert cv.mean_from_median(45, 50, q1=38, q3=55, method="wan") == pytest.approx(46.0)  # Wan eq (14)
    w = 0.7 + 0.39 / 50  # Luo 2018 eq (15)
    assert cv.mean_from_median(45, 50, q1=38, q3=55) == pytest.approx(w * 46.5 + (1 - w) * 45)
    eta = 2 * stats.norm.ppf((0.75 * 50 - 0.125) / 50.25)  # Wan eq (16)
    assert cv.sd_from_median(50, q1=38, q3=55) == pytest.approx(17 / eta)
    # Large-sample limit is the Handbook's IQR/1.35 rule (v6 §6.5.2.5).
    assert cv.sd_from_median(100000, q1=0, q3=1.35) == pytest.approx(1.0, abs=0.001)


def test_luo_shi_s2_by_hand() -> None:
    n, a, q1, m, q3, b = 50, 20, 38, 45, 55, 80
    w1 = 2.2 / (2.2 + n**0.75)
    w2 = 0.7 - 0.72 / n**0.55
    res = cv.mean_sd_from_median(m, n, q1=q1, q3=q3, minimum=a, maximum=b)
    assert res.mean == pytest.approx(w1 * (a + b) / 2 + w2 * (q1 + q3) / 2 + (1 - w1 - w2) * m)
    th1 = (2 + 0.14 * n**0.6) * stats.norm.ppf((n - 0.375) / (n + 0.25))
    th2 = (2 + 2 / (0.07 * n**0.6)) * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25))
    assert res.sd == pytest.approx((b - a) / th1 + (q3 - q1) / th2)  # Shi 2020 eq (11)
    assert res.description == "median, IQR and range (Luo 2018 mean, Shi 2020 SD)"
    wan = cv.mean_sd_from_median(m, n, q1=q1, q3=q3, minimum=a, maximum=b, mean_method="wan", sd_method="wan")
    assert wan.mean == pytest.approx((a + 2 * q1 + 2 * m + 2 * q3 + b) / 8)  # Wan eq (10)
    xi = 2 * stats.norm.ppf((n - 0.375) / (n + 0.25))
    eta = 2 * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25))
    assert wan.sd == pytest.approx(0.5 * ((b - a) / xi + (q3 - q1) / eta))  # Wan eq (12)
    assert wan.description == "median, IQR and range (Wan 2014 mean, Wan 2014 SD)"


@pytest.mark.parametrize("n", [30, 100, 400])
def test_estimators_recover_normal_parameters(n: int) -> None:
    # Expected order statistics of N(50, 10^2) (Blom positions, the basis of all three papers).
    z = stats.norm.ppf
    a, b = 50 + 10 * z((1 - 0.375) / (n + 0.25)), 50 + 10 * z((n - 0.375) / (n + 0.25))
    q3 = 50 + 10 * z((0.75 * n - 0.125) / (n + 0.25))
    q1 = 100 - q3
    for kw in ({"minimum": a, "maximum": b}, {"q1": q1, "q3": q3}, {"q1": q1, "q3": q3, "minimum": a, "maximum": b}):
        for mm in ("luo", "wan"):
            assert cv.mean_from_median(50, n, method=mm, **kw) == pytest.approx(50, abs=1e-9)
        for sm in ("shi", "wan"):
            assert cv.sd_from_median(n, method=sm, **kw) == pytest.approx(10, rel=0.06)


def test_median_order_is_checked() -> None:
    with pytest.raises(InputError, match="q1 <= median <= q3"):
        cv.mean_sd_from_median(10, 20, q1=12, q3=15)
    with pytest.raises(InputError, match="needs the quartiles"):
        cv.scenario()
    with pytest.raises(InputError, match="mean method"):
        cv.mean_from_median(10, 20, q1=8, q3=12, method="hozo")


# --- combining and splitting groups ---------------------------------------------------------

def test_combine_groups_equals_pooled_raw_data() -> None:
    # Handbook table 6.5.a gives exactly the mean and sample SD of the merged raw data.
    rng = np.random.default_rng(6)
    x, y = rng.normal(10, 3, 17), rng.normal(14, 5, 23)
    n, m, s = cv.combine_groups(len(x), x.mean(), x.std(ddof=1), len(y), y.mean(), y.std(ddof=1))
    both = np.concatenate([x, y])
    assert n == 40
    assert m == pytest.approx(both.mean(), rel=1e-12)
    assert s == pytest.approx(both.std(ddof=1), rel=1e-12)
    # Applied pairwise for three groups.
    w = rng.normal(7, 2, 9)
    n3, m3, s3 = cv.combine_groups(n, m, s, len(w), w.mean(), w.std(ddof=1))
    allv = np.concatenate([both, w])
    assert (n3, m3, s3) == pytest.approx((49, allv.mean(), allv.std(ddof=1)))
    assert cv.combine_binary(3, 20, 5, 22) == (8, 42)


def test_split_shared_group() -> None:
    # Handbook v6 §23.3.4: divide the shared group so it is not counted twice.
    assert cv.split_counts(30, 2) == [15, 15]
    assert cv.split_counts(31, 3) == [11, 10, 10]
    parts = cv.split_shared_group(31, 3, events=10)
    assert sum(p[0] for p in parts) == 31 and sum(p[1] for p in parts) == 10
    assert parts == [(11, 4), (10, 3), (10, 3)]
    assert cv.split_shared_group(20, 2) == [(10, None), (10, None)]
    with pytest.raises(InputError):
        cv.split_shared_group(10, 2, events=11)
