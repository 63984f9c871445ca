"""Contract suite: every registered tau² estimator and every measure obeys the same invariants."""

import json
import warnings

import numpy as np
import pytest

from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.errors import FewStudiesWarning, InputError
from evisynth.models.pool import pool
from evisynth.models.tau2 import TAU2_ESTIMATORS

METHODS = sorted(TAU2_ESTIMATORS)
RNG = np.random.default_rng(7)
Y = RNG.normal(0.3, 0.4, 12)
V = RNG.uniform(0.01, 0.2, 12)


@pytest.mark.parametrize("method", METHODS)
def test_tau2_nonnegative_on_many_datasets(method):
    rng = np.random.default_rng(11)
    for _ in range(40):
        k = int(rng.integers(2, 15))
        y = rng.normal(0, rng.uniform(0.01, 1), k)
        v = rng.uniform(0.01, 1, k)
        r = pool(y, v, method=method)
        assert r.tau2 >= 0
        assert np.isfinite(r.estimate)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("test", ["z", "hksj", "hksj-adhoc"])
def test_order_invariance(method, test):
    a = pool(Y, V, method=method, test=test)
    perm = RNG.permutation(len(Y))
    b = pool(Y[perm], V[perm], method=method, test=test)
    for key, value in a.as_dict().items():
        if key == "iterations":
            continue
        if key == "undefined":  # flags (an IntFlag, which pytest.approx would iterate)
            assert value == b.undefined
            continue
        assert value == pytest.approx(b.as_dict()[key], abs=1e-9, nan_ok=True), key


@pytest.mark.parametrize("method", METHODS)
def test_shift_equivariance(method):
    a = pool(Y, V, method=method)
    b = pool(Y + 5.0, V, method=method)
    assert b.estimate == pytest.approx(a.estimate + 5.0, abs=1e-9)
    assert b.tau2 == pytest.approx(a.tau2, abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_random_equals_common_effect_when_tau2_is_zero(method):
    y = np.full(5, 0.1)  # no spread at all: every estimator gives tau² = 0 (SJ only then)
    v = np.array([0.04, 0.05, 0.03, 0.06, 0.05])
    r = pool(y, v, method=method)
    f = pool(y, v, model="fixed")
    assert r.tau2 == 0
    assert r.estimate == pytest.approx(f.estimate, abs=1e-12)
    assert r.se == pytest.approx(f.se, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_k1_is_the_study_itself(method):
    r = pool(np.array([0.4]), np.array([0.09]), method=method)
    assert r.estimate == pytest.approx(0.4)
    assert r.se == pytest.approx(0.3)
    assert r.tau2 == 0 and r.q == 0 and r.q_p == 1
    assert np.isnan(r.pi_lower_t)


@pytest.mark.parametrize("method", METHODS)
def test_k2_defined_but_no_t_prediction_interval(method):
    r = pool(np.array([0.1, 0.9]), np.array([0.02, 0.03]), method=method)
    assert np.isfinite(r.estimate) and r.tau2 >= 0
    assert np.isnan(r.pi_lower_t)
    h = pool(np.array([0.1, 0.9]), np.array([0.02, 0.03]), method=method, test="hksj")
    assert h.df == 1


CONT = "study,m1,sd1,n1,m2,sd2,n2\nA,1,1,10,1.5,1.1,12\nB,2,1.2,15,2.1,1,14\nC,0.5,0.8,20,1.2,0.9,21\nD,1.1,1,9,1.2,1,9\n"
BIN = "study,events1,n1,events2,n2\nA,3,30,8,31\nB,0,20,4,20\nC,10,50,12,49\nD,2,25,2,24\n"
GEN = "study,yi,sei\nA,0.1,0.2\nB,0.4,0.25\nC,-0.2,0.3\nD,0.3,0.15\n"


@pytest.mark.parametrize(
    ("text", "measure"),
    [(CONT, "MD"), (CONT, "SMD"), (BIN, "OR"), (BIN, "RR"), (BIN, "RD"), (BIN, "PETO"), (GEN, "GEN")],
)
@pytest.mark.parametrize("method", ["IV", "MH", "PETO", *METHODS])
def test_every_measure_and_method_round_trips_through_json(tmp_path, text, measure, method):
    if method == "MH" and measure not in ("OR", "RR", "RD"):
        pytest.skip("MH is defined for OR, RR and RD only")
    if method == "PETO" and measure not in ("PETO",):
        pytest.skip("Peto's method is for the Peto OR")
    if measure == "PETO" and method not in ("PETO", *METHODS):
        pytest.skip("IV Peto handled by the tau² methods")
    path = tmp_path / "d.csv"
    path.write_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = run_analysis(path, AnalysisSpec(measure=measure, method=method)).to_dict()
    again = json.loads(json.dumps(doc, allow_nan=False))
    assert again == doc
    weights = [s["weight_percent"] for s in doc["studies"] if s["included"]]
    assert sum(weights) == pytest.approx(100.0, abs=1e-9)
    assert doc["heterogeneity"]["tau2"] >= 0
    lo, hi = doc["pooled"]["ci_lower"], doc["pooled"]["ci_upper"]
    assert lo < doc["pooled"]["estimate"] < hi


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_refused_with_clear_message(tmp_path, bad):
    path = tmp_path / "d.csv"
    path.write_text(f"study,yi,vi\nA,0.1,0.04\nB,{bad},0.05\nC,0.2,0.05\n")
    with pytest.raises(InputError) as info:
        run_analysis(path)
    msg = str(info.value)
    assert "d.csv" in msg and "row 2" in msg and "'yi'" in msg


def test_few_studies_warns():
    from evisynth.analyses.fit import fit_pooled
    from evisynth.effects.table import EffectTable

    eff = EffectTable(("a", "b"), np.array([0.1, 0.3]), np.array([0.1, 0.1]), "GEN", False,
                      np.array([True, True]), ("", ""))
    with pytest.warns(FewStudiesWarning):
        fit_pooled(eff, AnalysisSpec().resolved())
