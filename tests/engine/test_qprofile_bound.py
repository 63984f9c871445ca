"""Q-profile limits for τ² beyond metafor's search bound: exact roots by default, metafor's
censored limits on request (``pool(..., tau2_ci_bound="metafor")``).

The cases are those of the metafor reference suite whose upper limit metafor censors at
``max(100, 10 τ̂²)``; their expected documents record metafor's value and the exact root
(``header.censored_bounds``, found by metafor with a wider bound).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from evisynth import _dist
from evisynth.errors import InputError
from evisynth.models.kernels.moments import fit_moments
from evisynth.models.pool import pool
from evisynth.models.undefined import Undefined

EXPECTED = Path(__file__).resolve().parents[1] / "reference" / "expected"
CASES = ["cont_k2_DL", "cont_k2_REML", "cont_k2_SJ", "cont_k3_DL", "cont_k3_REML", "cont_k3_ML", "cont_k3_PM",
         "cont_k3_HS", "cont_k3_EB", "cont_k3_HE", "cont_k3_REML_hksj", "cont_k3_DL_adhoc"]


def _case(case_id: str):
    doc = json.loads((EXPECTED / f"{case_id}.json").read_text(encoding="utf-8"))
    args = doc["header"]["case"]["args"]
    opts = dict(zip(args[::2], args[1::2], strict=True))
    studies = [s for s in doc["expected"]["studies"] if s["included"]]
    y = np.array([s["yi"] for s in studies])
    v = np.array([s["vi"] for s in studies])
    test = {"z": "z", "hksj": "hksj", "hksj-adhoc": "hksj-adhoc"}[opts.get("--test", "z")]
    return doc, y, v, opts.get("--method", "REML"), test


@pytest.mark.parametrize("case_id", CASES)
def test_metafor_mode_reproduces_the_censored_reference_values(case_id):
    doc, y, v, method, test = _case(case_id)
    res = pool(y, v, method=method, test=test, tau2_ci_bound="metafor")
    notes = doc["header"]["censored_bounds"]
    assert res.tau2_ci_censored is True
    for key, note in notes.items():
        name = key.split(".")[1]
        assert getattr(res, name) == pytest.approx(note["metafor"], rel=1e-8, abs=1e-8), name
        assert getattr(res, name) == pytest.approx(doc["expected"]["heterogeneity"][name], rel=1e-8, abs=1e-8)
    assert res.tau2_ci_upper == pytest.approx(max(100.0, 10 * res.tau2), rel=1e-15)


@pytest.mark.parametrize("case_id", CASES)
def test_exact_mode_reports_the_root(case_id):
    doc, y, v, method, test = _case(case_id)
    res = pool(y, v, method=method, test=test)  # tau2_ci_bound="exact" is the default
    assert res.tau2_ci_censored is False and not res.undefined & Undefined.TAU2_CI_NOT_FOUND
    for key, note in doc["header"]["censored_bounds"].items():
        name = key.split(".")[1]
        assert getattr(res, name) == pytest.approx(note["exact_root"], rel=1e-8), name
    # the limit solves Q(τ²) = χ²_{k-1, α/2} to 1e-9
    target = float(_dist.chi2_ppf(0.025, len(y) - 1))
    q = float(fit_moments(y, v, None, np.array([res.tau2_ci_upper]))[2][0])
    assert q == pytest.approx(target, rel=1e-9)
    assert res.tau2_ci_upper > max(100.0, 10 * res.tau2)


def test_both_modes_agree_below_the_bound_and_in_a_batch():
    rng = np.random.default_rng(8)
    y = rng.normal(0, 1, (50, 6)) * rng.uniform(0.1, 30, (50, 1))
    v = rng.uniform(0.05, 0.5, (50, 6))
    exact = pool(y, v, method="DL")
    metafor = pool(y, v, method="DL", tau2_ci_bound="metafor")
    bound = np.maximum(100.0, 10 * exact.tau2)
    beyond = exact.tau2_ci_upper > bound
    assert beyond.any() and (~beyond).any()
    np.testing.assert_array_equal(metafor.tau2_ci_censored, beyond)
    assert not exact.tau2_ci_censored.any()
    np.testing.assert_allclose(metafor.tau2_ci_upper, np.minimum(exact.tau2_ci_upper, bound), rtol=1e-14)
    for i in np.flatnonzero(beyond)[:5]:
        one = pool(y[i], v[i], method="DL")
        assert one.tau2_ci_upper == pytest.approx(exact.tau2_ci_upper[i], rel=1e-12)


def test_tau2_ci_bound_is_validated():
    with pytest.raises(InputError, match="tau2_ci_bound must be one of exact, metafor"):
        pool(np.array([0.1, 0.2]), np.array([0.1, 0.1]), tau2_ci_bound="wide")
