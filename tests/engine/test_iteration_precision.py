"""The iterative solvers stop early (on the predicted next Newton step) without losing precision,
and the single-fit path (no batch axis) and the shared pieces give the batch numbers.

The reference roots are found independently with :func:`scipy.optimize.brentq` on the score
(ML/REML) or on ``Q(τ²) - target`` (Q-profile limits), to 1e-15.
"""

import numpy as np
import pytest
from scipy.optimize import brentq

from evisynth.models.kernels import likelihood
from evisynth.models.kernels.iterate import THRESHOLD, iterate_rows
from evisynth.models.kernels.moments import fit_moments
from evisynth.models.kernels.qsolve import qprofile_limits as qprofile_ci
from evisynth.models.pool import pool
from evisynth.models.tau2 import tau2_ml, tau2_reml


def _datasets(n: int = 150, seed: int = 11):
    rng = np.random.default_rng(seed)
    for i in range(n):
        k = int(rng.integers(2, 30))
        scale = float(10.0 ** rng.uniform(-2, 2))
        v = rng.uniform(0.01, 0.4, k) * scale
        tau2 = float(rng.choice([0.0, 0.02, 0.2, 1.0])) * scale
        y = rng.normal(0.0, 1.0) + rng.normal(0.0, 1.0, k) * np.sqrt(v + tau2)
        yield i, y, v


def _score(t: float, y: np.ndarray, v: np.ndarray, reml: bool) -> float:
    w = 1.0 / (v + t)
    r = y - np.sum(w * y) / np.sum(w)
    s = np.sum(w * w * r * r) - np.sum(w)
    return s + np.sum(w * w) / np.sum(w) if reml else s


@pytest.mark.parametrize("kind", ["REML", "ML"])
def test_ml_reml_roots_to_tolerance(kind):
    reml = kind == "REML"
    fn = tau2_reml if reml else tau2_ml
    checked = 0
    for i, y, v in _datasets():
        est = fn(y, v)
        t = float(est.tau2)
        assert est.converged, f"data set {i}"
        if t == 0.0:
            assert _score(0.0, y, v, reml) <= 1e-9 * np.sum(1 / v) or est.at_zero_check, f"data set {i}"
            continue
        lo, hi = t * 0.5, t * 2.0
        while _score(lo, y, v, reml) <= 0:
            lo /= 2
        while _score(hi, y, v, reml) >= 0:
            hi *= 2
        root = brentq(_score, lo, hi, args=(y, v, reml), xtol=1e-15 * max(1.0, t), rtol=1e-15)
        assert abs(t - root) <= 10 * THRESHOLD * max(1.0, t), f"data set {i}: {t} vs {root}"
        checked += 1
    assert checked > 80  # most data sets have an interior maximum


def test_qprofile_limits_solve_q_equation():
    from evisynth import _dist

    for i, y, v in _datasets(80, seed=5):
        k = y.size
        with np.errstate(divide="ignore", invalid="ignore"):  # kernels run under the caller's errstate
            lo, hi, found = qprofile_ci(y[None], v[None], None, 0.95)
        assert found.all()
        for limit, target in ((lo[0], _dist.chi2_ppf(0.975, k - 1)), (hi[0], _dist.chi2_ppf(0.025, k - 1))):
            q0 = float(fit_moments(y, v, None, np.zeros(1))[2][0])
            if q0 <= target:
                assert limit == 0.0, f"data set {i}"
                continue
            q = float(fit_moments(y, v, None, np.array([limit]))[2][0])
            assert q == pytest.approx(target, rel=1e-9), f"data set {i}"


def test_qprofile_known_q_values_change_nothing():
    for _, y, v in _datasets(40, seed=9):
        t = tau2_reml(y, v).tau2
        mom = fit_moments(y, v, None, np.array([0.0, float(t)]))
        with np.errstate(divide="ignore", invalid="ignore"):  # kernels run under the caller's errstate
            plain = qprofile_ci(y, v, None, 0.95, start=np.asarray(t))
            known = qprofile_ci(y, v, None, 0.95, start=np.asarray(t), q_known=(mom[2][0], mom[2][1]))
        assert plain == known


def test_fit_moments_against_direct_sums():
    rng = np.random.default_rng(2)
    y, v = rng.normal(size=(3, 7)), rng.uniform(0.1, 1.0, (3, 7))
    m = (rng.random((3, 7)) > 0.3).astype(float)
    tt = np.array([[0.0, 0.1, 0.5], [0.2, 0.0, 1.5]])
    s1, mu, rss, s2, s3, logs = fit_moments(y, v, m, tt, likelihood=True)
    for j in range(2):
        for i in range(3):
            keep = m[i] > 0
            w = 1 / (v[i][keep] + tt[j, i])
            mean = np.sum(w * y[i][keep]) / np.sum(w)
            assert s1[j, i] == pytest.approx(np.sum(w), rel=1e-14)
            assert mu[j, i] == pytest.approx(mean, rel=1e-14)
            assert rss[j, i] == pytest.approx(np.sum(w * (y[i][keep] - mean) ** 2), rel=1e-12)
            assert s2[j, i] == pytest.approx(np.sum(w**2), rel=1e-14)
            assert s3[j, i] == pytest.approx(np.sum(w**3), rel=1e-14)
            assert logs[j, i] == pytest.approx(np.sum(np.log(v[i][keep] + tt[j, i])), rel=1e-14)
    assert len(fit_moments(y, v, m, tt)) == 4


def _sqrt2_step(work, x):
    new = x - (x * x - work[0]) / (2 * x)
    return new, abs(new - x) <= 1e-15


def test_iterate_rows_without_batch_axis():
    x, conv, it = iterate_rows(_sqrt2_step, np.asarray(1.0), None, (2.0,))
    assert np.ndim(x) == 0 and bool(conv) and int(it) > 0
    assert float(x) == pytest.approx(np.sqrt(2), rel=1e-15)
    # one row, not active: returned as given, converged, no iterations
    x, conv, it = iterate_rows(_sqrt2_step, np.asarray(1.0), np.asarray(False), (2.0,))
    assert float(x) == 1.0 and bool(conv) and int(it) == 0
    # the batch gives the same numbers
    xb, convb, _ = iterate_rows(_sqrt2_step, np.array([1.0, 3.0]), None, (np.array([2.0, 2.0]),))
    assert xb[0] == pytest.approx(np.sqrt(2), rel=1e-15) and convb.all()


def test_single_fit_through_the_fallback_step_matches_batch():
    """Rows whose Newton step leaves the τ² >= 0 region take the fallback step; a single fit (no
    batch axis) takes it as a batch of one and must agree with the batch."""
    calls = []
    original = likelihood.cautious_information

    def spy(parts):
        calls.append(1)
        return original(parts)

    rng = np.random.default_rng(4)
    y = rng.normal(0.0, 0.05, (30, 8))  # little heterogeneity: τ² goes to 0 from a positive start
    v = rng.uniform(0.01, 0.1, (30, 8))
    y[:, 0] += 0.3
    batch = pool(y, v, heterogeneity_ci=True)
    likelihood.cautious_information = spy
    try:
        singles = [pool(y[i], v[i], heterogeneity_ci=True) for i in range(30)]
    finally:
        likelihood.cautious_information = original
    assert calls, "no data set took the fallback step"
    for i, one in enumerate(singles):
        assert one.tau2 == pytest.approx(batch.tau2[i], rel=1e-12, abs=1e-15)
        assert one.estimate == pytest.approx(batch.estimate[i], rel=1e-12)
        assert one.tau2_ci_upper == pytest.approx(batch.tau2_ci_upper[i], rel=1e-12, abs=1e-15)
