"""Degenerate and extreme data: the right limit, or undefined with a reason; never a traceback
or a number made of rounding noise.

metafor's numbers on the same data come from ``validation/metafor/degenerate.R``
(``data/degenerate_metafor.json``). Where evisynth reports a number it must match metafor's;
where the statistic is 0/0 (identical effects under HKSJ, Egger's and Begg's tests), evisynth
reports nan with ``Undefined.ZERO_RESIDUALS`` and metafor's value is checked to be the
degenerate one it prints instead (SE 0, an infinite statistic, or rounding noise).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from evisynth.errors import DegenerateDataWarning, EvisynthWarning, InputError
from evisynth.models.mixed import fit_mixed
from evisynth.models.permutation import permutation_test
from evisynth.models.pool import pool
from evisynth.models.small_study import egger_lm, egger_mixed, rank_test
from evisynth.models.tau2 import TAU2_ESTIMATORS
from evisynth.models.undefined import ROUNDING, Undefined, identical_effects

METAFOR = json.loads((Path(__file__).parent / "data" / "degenerate_metafor.json").read_text(encoding="utf-8"))
CASES = METAFOR["cases"]
TESTS = {"z": "z", "knha": "hksj", "adhoc": "hksj-adhoc"}
HKSJ_UNDEFINED = ("se", "statistic", "p_value", "ci_lower", "ci_upper", "pi_lower", "pi_upper", "pi_lower_t",
                  "pi_upper_t")


def _value(x):
    return {"Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan}.get(x, x) if isinstance(x, str) else x


def _same(ours: float, theirs, tol: float = 1e-6) -> bool:
    theirs = _value(theirs)
    if math.isinf(theirs):
        return ours == theirs
    return abs(ours - theirs) <= tol * max(1.0, abs(theirs))


def _positive_zero(x: float) -> bool:
    return x != 0 or math.copysign(1.0, x) > 0


@pytest.mark.parametrize("case", ["identical_k3", "identical_k4", "near_identical_k4", "identical_log_or",
                                  "tiny_variances"])
def test_pool_matches_metafor_or_reports_undefined(case):
    data = CASES[case]
    y, v = np.array(data["yi"]), np.array(data["vi"])
    degenerate = identical_effects(y, v)
    assert degenerate
    for key, theirs in data["rma"].items():
        method, test = key.split("_")
        assert "error" not in theirs, f"{case} {key}: metafor stopped: {theirs}"
        res = pool(y, v, method=method, test=TESTS[test])
        label = f"{case} {key}"
        undefined = degenerate and test == "knha"
        assert res.undefined == (Undefined.ZERO_RESIDUALS if undefined else Undefined.NONE), label
        for name, value in theirs.items():
            ours = getattr(res, name)
            if undefined and name in HKSJ_UNDEFINED:
                assert math.isnan(ours), f"{label} {name}: {ours}"
                # metafor prints the 0/0 as a zero SE, an infinite statistic, P 0, a zero-width CI
                assert _value(value) in (0.0, math.inf) or name.startswith("ci"), f"{label} {name}: {value}"
                continue
            assert _same(ours, value), f"{label} {name}: ours {ours!r}, metafor {value!r}"
        for name, ours in res.as_dict().items():
            if isinstance(ours, float):
                assert _positive_zero(ours), f"{label} {name} is -0.0"
        if degenerate:  # the exact limits, not rounding noise
            assert res.q == 0.0 and res.tau2 == 0.0 and res.i2 == 0.0 and res.tau2_ci_upper == 0.0


@pytest.mark.parametrize("case", ["mr_identical", "mr_on_a_line"])
def test_meta_regression_matches_metafor_or_reports_undefined(case):
    data = CASES[case]
    y, v = np.array(data["yi"]), np.array(data["vi"])
    X = np.column_stack([np.ones(len(y)), data["x"]])
    for key, theirs in data["mr"].items():
        method, test = key.split("_")
        assert "error" not in theirs, f"{case} {key}: metafor stopped: {theirs}"
        model = "fixed" if method == "FE" else "random"
        fit = fit_mixed(y, v, X, model=model, method="REML" if method == "FE" else method, test=TESTS[test])
        label = f"{case} {key}"
        assert fit.tau2 == 0.0 and fit.qe == 0.0, label
        assert _same(fit.qe, theirs["qe"]) and _same(fit.tau2, theirs["tau2"]), label
        for j in range(2):
            assert _same(float(fit.beta[j]), theirs["beta"][j]), f"{label} beta[{j}]"
        if test == "knha":  # HKSJ factor 0/0: metafor prints SE 0 and infinite statistics
            assert fit.undefined == Undefined.ZERO_RESIDUALS, label
            assert np.isnan(fit.se).all() and np.isnan(fit.p_value).all() and math.isnan(fit.qm), label
            assert theirs["se"] == [0, 0], label
        else:
            assert fit.undefined == Undefined.NONE, label
            for j in range(2):
                assert _same(float(fit.se[j]), theirs["se"][j]), f"{label} se[{j}]"


def test_subgroup_model_with_common_tau2_and_hksj_on_identical_effects():
    """The common-τ² subgroup model (one coefficient per subgroup, no intercept) under HKSJ."""
    y = np.full(6, 0.4)
    v = np.array([0.01, 0.02, 0.03, 0.02, 0.05, 0.04])
    X = np.column_stack([np.repeat([1.0, 0.0], 3), np.repeat([0.0, 1.0], 3)])
    fit = fit_mixed(y, v, X, test="hksj", btt=np.arange(2))
    assert fit.undefined == Undefined.ZERO_RESIDUALS
    assert fit.beta == pytest.approx([0.4, 0.4], abs=1e-15)
    assert np.isnan(fit.se).all() and math.isnan(fit.qm_p)
    z = fit_mixed(y, v, X, test="z", btt=np.arange(2))
    assert z.undefined == Undefined.NONE and np.isfinite(z.se).all()


@pytest.mark.parametrize("case", ["identical_k4", "near_identical_k4", "identical_log_or"])
def test_small_study_tests_are_undefined_for_identical_effects(case):
    data = CASES[case]
    y, v = np.array(data["yi"]), np.array(data["vi"])
    theirs = data["bias"]
    eg = egger_lm(y, v)
    assert eg.undefined == Undefined.ZERO_RESIDUALS and math.isnan(eg.statistic) and math.isnan(eg.p_value)
    assert eg.bias == 0.0 and eg.limit_estimate == pytest.approx(float(np.sum(y / v) / np.sum(1 / v)), rel=1e-15)
    # metafor's Egger t is computed from rounding noise (its bias is ~1e-16, not 0)
    assert abs(theirs["z"]["egger_lm"]["bias"]) < 1e-12
    rt = rank_test(y, v)
    assert rt.undefined == Undefined.ZERO_RESIDUALS and math.isnan(rt.kendall_tau) and math.isnan(rt.p_value)
    if case != "near_identical_k4":  # metafor: NA; on the near-identical set its tau comes from noise
        assert _value(theirs["z"]["rank"]["kendall_tau"]) != _value(theirs["z"]["rank"]["kendall_tau"])
    mixed_z, _ = egger_mixed(y, v, model="random", method="REML", test="z")
    assert mixed_z.statistic == 0.0 and mixed_z.p_value == 1.0 and mixed_z.bias == 0.0
    assert _same(mixed_z.statistic, theirs["z"]["egger_rma"]["statistic"])
    mixed_t, _ = egger_mixed(y, v, model="random", method="REML", test="hksj")
    assert mixed_t.undefined == Undefined.ZERO_RESIDUALS and math.isnan(mixed_t.statistic)
    assert abs(_value(theirs["knha"]["egger_rma"]["statistic"])) == math.inf or case == "near_identical_k4"


def test_permutation_test_on_identical_effects_under_hksj():
    X = np.column_stack([np.ones(6), np.arange(6.0)])
    v = np.array([0.01, 0.02, 0.03, 0.04, 0.05, 0.06])
    res = permutation_test(np.full(6, 0.3), v, X, model="random", method="REML", test="hksj", iterations=100,
                           seed=1, btt=np.array([1]))
    assert res.undefined == Undefined.ZERO_RESIDUALS and np.isnan(res.p_values).all()


def test_residuals_just_above_rounding_level_are_data():
    y = np.array([1.0, 1.0 + 64 * ROUNDING, 1.0])
    v = np.array([0.1, 0.2, 0.3])
    assert not identical_effects(y, v)
    res = pool(y, v, test="hksj")
    assert res.undefined == Undefined.NONE and res.se > 0 and math.isfinite(res.statistic)


@pytest.mark.parametrize("factor", [2.0**-490, 1e-150, 1e-20, 1e20, 1e150, 2.0**490])
@pytest.mark.parametrize("method", list(TAU2_ESTIMATORS))
def test_results_are_scale_equivariant_at_any_scale(factor, method):
    rng = np.random.default_rng(5)
    v = rng.uniform(0.01, 0.3, 9)
    y = 0.2 + rng.normal(0, 1, 9) * np.sqrt(v + 0.1)
    a = pool(y, v, method=method, test="hksj")
    b = pool(y * factor, v * factor**2, method=method, test="hksj")
    for name in ("estimate", "se", "ci_lower", "ci_upper", "pi_lower", "pi_upper", "tau", "tau_ci_lower",
                 "tau_ci_upper"):
        assert getattr(b, name) == pytest.approx(getattr(a, name) * factor, rel=1e-12, abs=1e-12 * factor), name
    for name in ("tau2", "tau2_se", "tau2_ci_lower", "tau2_ci_upper", "vt"):
        assert getattr(b, name) == pytest.approx(getattr(a, name) * factor**2, rel=1e-12,
                                                 abs=1e-12 * factor**2), name
    for name in ("statistic", "p_value", "i2", "h2", "q", "q_p", "i2_ci_upper", "h2_ci_upper"):
        assert getattr(b, name) == pytest.approx(getattr(a, name), rel=1e-12, abs=1e-12), name
    assert b.converged and b.undefined == Undefined.NONE


def test_effects_1e98_standard_errors_apart_are_refused_where_metafor_prints_numbers():
    """metafor pools them (Q = 8.2e195); the τ² standard errors square τ²/v, beyond double
    precision for some estimators, so evisynth refuses the data for every estimator alike."""
    data = CASES["tiny_variances_spread"]
    assert _value(data["rma"]["DL_z"]["q"]) > 1e195
    for method in TAU2_ESTIMATORS:
        with pytest.raises(InputError, match=r"2e.98 times the smallest standard error"):
            pool(np.array(data["yi"]), np.array(data["vi"]), method=method)


def test_tiny_variances_give_the_exact_answer():
    """Study variances of 1e-200 used to give τ² = -0, an empty I² and a zero-width CI."""
    v = np.array([1e-200, 2e-200, 3e-200, 4e-200])
    for method in ("DL", "PM", "REML"):
        res = pool(np.full(4, 0.25), v, method=method)
        assert res.tau2 == 0.0 and _positive_zero(res.tau2) and res.i2 == 0.0 and res.h2 == 1.0
        assert res.se == pytest.approx(1 / math.sqrt(np.sum(1 / v)), rel=1e-14)
        assert res.ci_lower < 0.25 < res.ci_upper or res.ci_upper - res.ci_lower < 1e-99
        assert res.converged


@pytest.mark.parametrize(("y", "v", "message"), [
    ([1.0, 2.0, 3.0], [1e-300, 1.0, 1e300], "the others vanish below the resolution"),
    ([1.0, 2.0, 3.0], [1e-10, 1.0, 2.0], "6.67e.09 times the weight of all the others"),
    ([1e300, -1e300, 0.0], [1.0, 1.0, 1.0], "differ by up to"),
    ([1e300, 1e300, 1e300], [1e-300, 1e-300, 1e-300], "as large as"),
])
def test_data_beyond_double_precision_are_refused_naming_the_problem(y, v, message):
    with pytest.raises(InputError, match=message):
        pool(np.array(y), np.array(v))
    with pytest.raises(InputError, match=r"meta-analysis 1 .0-based.: .*" + message):
        pool(np.array([[0.1, 0.2, 0.3], y]), np.array([[0.1, 0.1, 0.1], v]))


def test_huge_identical_effects_give_the_exact_answer():
    res = pool(np.full(200, 1e300), np.full(200, 1.0), test="hksj-adhoc")
    assert res.estimate == 1e300 and res.tau2 == 0.0 and res.q == 0.0
    assert res.se == pytest.approx(1 / math.sqrt(200), rel=1e-14)


def test_degenerate_warning_category_exists():
    assert issubclass(DegenerateDataWarning, EvisynthWarning)
    assert Undefined.ZERO_RESIDUALS.messages()[0].startswith("the study effects are identical")
    assert (Undefined.TOO_FEW_STUDIES | Undefined.TAU2_CI_NOT_FOUND).messages()[1].startswith("the Q-profile")
