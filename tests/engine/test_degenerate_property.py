"""Property test: identical, near-identical and extreme-scale data never raise, never give a
meaningless number.

For every setting, every field of :func:`evisynth.models.pool.pool`'s result is finite, or nan
because the settings make it inapplicable (:func:`~evisynth.models.pool.not_applicable`) or
with a flag in ``undefined`` that explains it (:func:`~evisynth.models.pool.undefined_fields`);
τ² >= 0 and never -0.0; every interval is ordered. Data that double precision cannot hold
(arbitrary combinations of effects up to 1e300 and variances from 1e-300 to 1e300) give that
result or one :class:`~evisynth.errors.InputError` naming the problem.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evisynth.errors import InputError
from evisynth.models.pool import MODELS, TESTS, not_applicable, pool, undefined_fields
from evisynth.models.tau2 import TAU2_ESTIMATORS
from evisynth.models.undefined import Undefined

SETTINGS = st.fixed_dictionaries({
    "model": st.sampled_from(MODELS),
    "method": st.sampled_from(list(TAU2_ESTIMATORS)),
    "test": st.sampled_from(TESTS),
    "level": st.sampled_from([0.9, 0.95, 0.99]),
    "heterogeneity_ci": st.booleans(),
    "tau2_ci_bound": st.sampled_from(["exact", "metafor"]),
})
SCALE = st.integers(-150, 149).map(lambda e: 10.0**e)  # standard errors of this size (variances to ~1e300)


@st.composite
def degenerate_data(draw):
    """Identical, near-identical (a few units in the last place apart) or ordinary effects, at
    any scale: effects ``centre + s z`` with standard errors about ``s``."""
    k = draw(st.integers(1, 12))
    s = draw(SCALE)
    v = np.array(draw(st.lists(st.floats(0.2, 5.0), min_size=k, max_size=k))) * s * s
    centre = draw(st.floats(-1e3, 1e3)) * s * draw(st.sampled_from([1.0, 1e10, 1e100]))
    kind = draw(st.sampled_from(["identical", "near", "ordinary"]))
    if kind == "identical":
        y = np.full(k, centre)
    elif kind == "near" and centre:
        ulps = np.array(draw(st.lists(st.integers(-8, 8), min_size=k, max_size=k)), dtype=float)
        y = centre + ulps * np.spacing(centre if centre else 1.0)
    else:
        y = centre + np.array(draw(st.lists(st.floats(-5, 5), min_size=k, max_size=k))) * s
    return y[np.isfinite(y)] if np.isfinite(y).all() else np.full(k, centre), v


def check(res, opts: dict) -> None:
    skip = not_applicable(opts["model"], opts["test"], opts["heterogeneity_ci"])
    flags = Undefined(int(res.undefined))
    allowed = skip | undefined_fields(flags)
    for name, value in res.as_dict().items():
        if isinstance(value, float):
            assert math.isfinite(value) or (math.isnan(value) and name in allowed), (name, value, flags)
            assert value != 0 or math.copysign(1.0, value) > 0, f"{name} is -0.0"
    assert res.tau2 >= 0 and res.i2 >= 0 and res.i2 <= 100 + 1e-9
    for lo, hi in (("ci_lower", "ci_upper"), ("pi_lower", "pi_upper"), ("pi_lower_t", "pi_upper_t"),
                   ("tau2_ci_lower", "tau2_ci_upper"), ("i2_ci_lower", "i2_ci_upper"), ("h2_ci_lower", "h2_ci_upper")):
        a, b = getattr(res, lo), getattr(res, hi)
        if not (math.isnan(a) or math.isnan(b)):
            assert a <= b, (lo, a, b)
    if res.tau2_ci_lower <= res.tau2 <= res.tau2_ci_upper:  # (DL, HS, SJ may lie outside, as in metafor)
        assert res.i2_ci_lower <= res.i2 <= res.i2_ci_upper, (res.i2_ci_lower, res.i2, res.i2_ci_upper)
    if not math.isnan(res.ci_lower):
        assert res.ci_lower <= res.estimate <= res.ci_upper


@settings(max_examples=400, deadline=None)
@given(degenerate_data(), SETTINGS)
def test_identical_near_identical_and_extreme_scale_data(data, opts):
    y, v = data
    res = pool(y, v, **opts)
    check(res, opts)
    if len(y) > 1 and np.ptp(y) <= 16 * np.spacing(np.max(np.abs(y))):  # identical up to rounding
        assert res.q == 0.0 and res.tau2 == 0.0
        if opts["test"] == "hksj":
            assert res.undefined & Undefined.ZERO_RESIDUALS


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-300, 300), st.floats(-1, 1), st.integers(-300, 300)), min_size=1,
                max_size=8), SETTINGS)
def test_arbitrary_extremes_give_a_result_or_one_clear_error(studies, opts):
    y = np.array([m * 10.0**e for e, m, _ in studies])
    v = np.array([10.0**e for *_, e in studies])
    try:
        res = pool(y, v, **opts)
    except InputError as exc:
        text = str(exc)
        assert "double precision" in text and "\n" not in text
        return
    check(res, opts)


# Effects a few units apart measured with huge precision: τ² ≫ vt and I² rounds to 100. Before the
# fix 100·τ²/(vt + τ²) was not monotone in floating point there: REML gave the lower I² limit 100.0
# above I² = 99.99999999999999, PM the lower limit 100.0 above the upper 99.99999999999999.
NEAR_100 = [([0.0, 1e-5, 2e-5, 3.0000000000000004e-05], 1e-30, "REML"), ([0.0, 1e-9, 2e-9], 1e-40, "PM"),
            ([0.0, 1e-9, 2e-9], 1e-36, "DL")]


@pytest.mark.parametrize(("y", "v", "method"), NEAR_100)
def test_i2_interval_keeps_the_order_of_the_tau2_interval_when_i2_rounds_to_100(y, v, method):
    res = pool(np.array(y), np.full(len(y), v), method=method, heterogeneity_ci=True)
    assert res.i2 > 100 - 1e-9
    assert res.tau2_ci_lower <= res.tau2 <= res.tau2_ci_upper
    assert res.i2_ci_lower <= res.i2 <= res.i2_ci_upper
    assert res.h2_ci_lower <= res.h2 <= res.h2_ci_upper


def test_i2_interval_order_holds_in_the_batch_engine_too():
    from evisynth.batch import batch_meta_analysis

    y = np.array([[0.0, 1e-5, 2e-5, 3.0000000000000004e-05], [0.0, 1e-9, 2e-9, 3e-9]])
    out = batch_meta_analysis(y, np.full(y.shape, 1e-30), method="REML", heterogeneity_ci=True)
    assert np.all(out["i2_ci_lower"] <= out["i2"]) and np.all(out["i2"] <= out["i2_ci_upper"])
    single = pool(y[0], np.full(4, 1e-30), method="REML", heterogeneity_ci=True)
    assert (out["i2_ci_lower"][0], out["i2_ci_upper"][0]) == (single.i2_ci_lower, single.i2_ci_upper)
