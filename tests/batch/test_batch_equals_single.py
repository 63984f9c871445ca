"""The batch path gives the single-fit numbers (to 1e-10) for every method, test and model."""

import numpy as np
import pytest

from evisynth.batch import COLUMNS, batch_meta_analysis, fit_grouped
from evisynth.models.kernels import likelihood
from evisynth.models.pool import pool
from evisynth.models.tau2 import TAU2_ESTIMATORS


def _ragged(seed: int = 7, m: int = 40, k: int = 12):
    rng = np.random.default_rng(seed)
    y = rng.normal(0.2, 0.4, (m, k))
    v = rng.uniform(0.005, 0.3, (m, k))
    sizes = rng.integers(2, k + 1, m)
    sizes[:3] = (2, 3, k)
    mask = np.arange(k)[None, :] < sizes[:, None]
    # scatter the present studies so the mask is not a prefix
    for i in range(m):
        mask[i] = rng.permutation(mask[i])
    y[5, :] *= 0.01  # a row with tau2 at 0 for most estimators
    return y, v, mask


#: τ is sqrt(τ²), and τ² is solved to 1e-12 (absolute near 0), so where τ² is ~1e-14 the τ
#: columns can differ by ~1e-10 between summation orders; they are compared through τ².
SQUARED = ("tau", "tau_ci_lower", "tau_ci_upper")


def _assert_same(batch: dict, i: int, single, label: str) -> None:
    for name in COLUMNS:
        a, b = batch[name][i], getattr(single, name)
        if name in SQUARED:
            a, b = a * a, b * b
        if name == "undefined":
            assert int(a) == int(b), f"{label} row {i} {name}"
        elif isinstance(b, (bool, np.bool_)):
            assert bool(a) == bool(b), f"{label} row {i} {name}"
        elif isinstance(b, float) and np.isnan(b):
            assert np.isnan(a), f"{label} {name}: {a} vs nan"
        else:
            assert a == pytest.approx(b, rel=1e-10, abs=1e-10), f"{label} row {i} {name}"


@pytest.mark.parametrize("test", ["z", "hksj", "hksj-adhoc"])
@pytest.mark.parametrize("method", sorted(TAU2_ESTIMATORS))
def test_batch_equals_single_random(method, test):
    y, v, mask = _ragged()
    res = batch_meta_analysis(y, v, mask, method=method, test=test, heterogeneity_ci=True, block_rows=7)
    assert res["converged"].all()
    for i in range(y.shape[0]):
        one = pool(y[i][mask[i]], v[i][mask[i]], method=method, test=test, heterogeneity_ci=True)
        _assert_same(res, i, one, f"{method}/{test}")


@pytest.mark.parametrize("test", ["z", "hksj", "hksj-adhoc"])
def test_batch_equals_single_fixed(test):
    y, v, mask = _ragged(seed=3)
    for res in (batch_meta_analysis(y, v, mask, model="fixed", test=test),
                batch_meta_analysis(y, v, mask, method="IV", test=test)):
        for i in range(y.shape[0]):
            one = pool(y[i][mask[i]], v[i][mask[i]], model="fixed", test=test, heterogeneity_ci=False)
            _assert_same(res, i, one, f"fixed/{test}")


def test_nan_padding_is_a_mask():
    y, v, mask = _ragged(seed=11)
    yn, vn = np.where(mask, y, np.nan), np.where(mask, v, np.nan)
    a = batch_meta_analysis(yn, vn, method="REML")
    b = batch_meta_analysis(y, v, mask, method="REML")
    for name in COLUMNS:
        np.testing.assert_array_equal(a[name], b[name])


def test_long_rows_in_any_order_match_rectangular():
    y, v, mask = _ragged(seed=5)
    gid = np.nonzero(mask)[0]
    yy, vv = y[mask], v[mask]
    order = np.random.default_rng(0).permutation(gid.size)
    res = fit_grouped(gid[order], yy[order], vv[order], y.shape[0], method="PM", heterogeneity_ci=True)
    ref = batch_meta_analysis(y, v, mask, method="PM", heterogeneity_ci=True)
    for name in COLUMNS:
        np.testing.assert_allclose(res[name], ref[name], rtol=1e-10, atol=1e-12)


def test_non_converged_rows_are_reported_not_raised(monkeypatch):
    monkeypatch.setattr(likelihood, "FISHER_PASSES", (likelihood.Pass(likelihood.StepRule.FISHER_SCORING, 1.0, 2),))
    y, v, mask = _ragged(seed=2)
    res = batch_meta_analysis(y, v, mask, method="REML")
    assert (~res["converged"]).any()
    assert res["converged"].dtype == bool
    assert np.isfinite(res["estimate"]).all()
    assert (res["iterations"][~res["converged"]] == 2).all()


def test_k1_rows_and_bad_values():
    res = batch_meta_analysis(np.array([[0.3, np.nan], [0.1, 0.2]]), np.array([[0.01, np.nan], [0.02, 0.03]]))
    assert res["k"].tolist() == [1, 2]
    assert res["tau2"][0] == 0.0 and res["estimate"][0] == pytest.approx(0.3)
    assert res["converged"][0] and res["iterations"][0] == 0
    from evisynth.errors import InputError

    with pytest.raises(InputError, match="positive finite variance"):
        batch_meta_analysis(np.array([[0.1, 0.2]]), np.array([[0.01, -0.02]]))
    with pytest.raises(InputError, match="method must be one of"):
        batch_meta_analysis(np.array([[0.1, 0.2]]), np.array([[0.01, 0.02]]), method="XX")
