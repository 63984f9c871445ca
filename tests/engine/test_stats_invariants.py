"""Invariants, input errors and warnings of the meta-regression, bias and sensitivity sections."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.errors import DataWarning, FewStudiesWarning, InputError
from evisynth.models.mixed import fit_mixed
from evisynth.models.permutation import distinct_permutations, permutation_test
from evisynth.models.small_study import kendall_cdf, rank_test

DATA = Path(__file__).parent / "data"
BCG = DATA / "bcg.csv"
SAMPLES = Path(__file__).resolve().parents[1] / "data"


def run(path: Path, spec: AnalysisSpec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_analysis(path, spec)


# -- meta-regression -----------------------------------------------------------------------

@pytest.mark.parametrize(("spec", "message"), [
    (AnalysisSpec(moderators=("latitude",)), "no column 'latitude'"),
    (AnalysisSpec(moderators=("alloc",), reference=(("alloc", "cluster"),)), "not a level of 'alloc'"),
    (AnalysisSpec(moderators=("ablat",), reference=(("alloc", "random"),)), "not a moderator"),
    (AnalysisSpec(moderators=("ablat",), reference=(("ablat", "10"),)), "categorical"),
    (AnalysisSpec(moderators=("ablat",), predict=((("year", 1950.0),),)), "not a moderator"),
    (AnalysisSpec(moderators=("ablat", "alloc"), predict=((("ablat", 30.0),),)), "missing: alloc"),
    (AnalysisSpec(moderators=("alloc",), predict=((("alloc", "cluster"),),)), "not a level"),
    (AnalysisSpec(moderators=("ablat",), predict=((("ablat", "north"),),)), "must be a number"),
    (AnalysisSpec(moderators=("ablat", "ablat")), "more than once"),
])
def test_meta_regression_input_errors(spec, message):
    with pytest.raises(InputError, match=message):
        run(BCG, spec)


def test_constant_moderator_is_refused(tmp_path):
    text = BCG.read_text().splitlines()
    rows = [text[0] + ",const"] + [line + ",1" for line in text[1:]]
    path = tmp_path / "const.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError, match="constant"):
        run(path, AnalysisSpec(moderators=("const",)))


def test_missing_moderator_values_are_omitted_with_a_warning():
    with pytest.warns(DataWarning, match="left out of the meta-regression"):
        b = run_analysis(DATA / "bangert.csv", AnalysisSpec(moderators=("length",)))
    m = b.to_dict()["meta_regression"]
    assert m["k"] == 46 and len(m["omitted"]) == 2


def test_too_few_studies_for_the_coefficients(tmp_path):
    text = BCG.read_text().splitlines()
    path = tmp_path / "three.csv"
    path.write_text("\n".join(text[:4]) + "\n")
    with pytest.raises(InputError, match="needs at least"):
        run(path, AnalysisSpec(moderators=("ablat", "year")))


def test_r2_is_zero_when_intercept_only_tau2_is_zero():
    m = run(DATA / "normand.csv", AnalysisSpec(method="DL", moderators=("n",))).to_dict()["meta_regression"]
    assert 0 <= m["r2"] <= 100


def test_permutation_p_values_in_unit_interval_and_reproducible():
    spec = AnalysisSpec(moderators=("ablat", "alloc"), permutations=500, seed=7)
    a = run(BCG, spec).to_dict()["meta_regression"]
    b = run(BCG, spec).to_dict()["meta_regression"]
    assert a["permutation_p"] == b["permutation_p"]
    assert all(0 < p <= 1 for p in a["permutation_p"] + [a["permutation_qm_p"]])
    assert a["permutations"] == {"iterations": 500, "exact": False, "seed": 7}


def test_permutation_p_close_to_parametric_for_many_studies():
    rng = np.random.default_rng(11)
    k = 80
    x = rng.normal(size=k)
    v = np.full(k, 0.1)  # homoscedastic and homogeneous: the parametric test is then exact
    y = 0.05 * x + rng.normal(scale=np.sqrt(v))
    X = np.column_stack([np.ones(k), x])
    fit = fit_mixed(y, v, X, model="fixed")
    perm = permutation_test(y, v, X, model="fixed", method="REML", test="z", iterations=5000, seed=3,
                            btt=np.array([1]))
    assert perm.p_values[1] == pytest.approx(float(fit.p_value[1]), abs=0.03)
    assert perm.qm_p == pytest.approx(perm.p_values[1], abs=1e-12)  # one moderator: QM = z²


def test_five_thousand_permutations_run_in_one_call():
    # speed is measured in benchmarks/bench_permutation.py, never asserted here
    rng = np.random.default_rng(5)
    k = 18
    v = rng.uniform(0.02, 0.3, k)
    x = rng.normal(size=k)
    y = 0.3 * x + rng.normal(scale=np.sqrt(v + 0.1))
    X = np.column_stack([np.ones(k), x])
    res = permutation_test(y, v, X, model="random", method="REML", test="hksj", iterations=5000, seed=1,
                           btt=np.array([1]))
    assert res.iterations == 5000 and not res.exact


def test_distinct_permutations():
    X = np.column_stack([np.ones(6), [0, 0, 1, 1, 1, 2]])
    assert distinct_permutations(X) == 60


# -- publication bias ------------------------------------------------------------------------

def test_bias_needs_three_studies(tmp_path):
    text = BCG.read_text().splitlines()
    path = tmp_path / "two.csv"
    path.write_text("\n".join(text[:3]) + "\n")
    with pytest.raises(InputError, match="at least 3 studies"):
        run(path, AnalysisSpec(bias=True))


def test_bias_warns_below_ten_studies():
    b = run(DATA / "normand.csv", AnalysisSpec(bias=True))
    assert any("FewStudiesWarning" in w for w in b.warnings)
    with pytest.warns(FewStudiesWarning):
        run_analysis(DATA / "normand.csv", AnalysisSpec(bias=True))


def test_bias_for_mh_uses_inverse_variance_common_effect():
    mh = run(DATA / "bcg_counts.csv", AnalysisSpec(measure="RR", method="MH", bias=True)).to_dict()["publication_bias"]
    iv = run(DATA / "bcg_counts.csv", AnalysisSpec(measure="RR", method="IV", bias=True)).to_dict()["publication_bias"]
    assert mh["model"] == "fixed" and mh["note"]
    assert mh["egger_mixed"] == iv["egger_mixed"]
    assert mh["trim_and_fill"]["estimate"] == pytest.approx(iv["trim_and_fill"]["estimate"], abs=1e-12)
    assert "estimate_exp" in mh["trim_and_fill"]


def test_kendall_exact_distribution_sums_to_one():
    for n in (2, 5, 9):
        top = n * (n - 1) // 2
        assert kendall_cdf(top, n) == 1.0
        assert kendall_cdf(-1, n) == 0.0
        probs = np.diff([kendall_cdf(q, n) for q in range(-1, top + 1)])
        assert probs == pytest.approx(probs[::-1])  # symmetric
    assert kendall_cdf(0, 4) == pytest.approx(1 / 24)


def test_rank_test_invariant_to_study_order():
    rng = np.random.default_rng(2)
    y, v = rng.normal(size=12), rng.uniform(0.1, 1, 12)
    a = rank_test(y, v)
    idx = rng.permutation(12)
    b = rank_test(y[idx], v[idx])
    assert (a.kendall_tau, a.p_value) == pytest.approx((b.kendall_tau, b.p_value), abs=1e-14)


# -- sensitivity -----------------------------------------------------------------------------

def test_leave_one_out_rows_only_for_included_studies():
    b = run(SAMPLES / "binary.csv", AnalysisSpec(measure="OR", sensitivity=True))
    inc = [s["study"] for s in b.to_dict()["studies"] if s["included"]]
    s = b.to_dict()["sensitivity"]
    assert [r["omitted"] for r in s["leave_one_out"]] == inc
    assert [r["study"] for r in s["influence"]] == inc
    assert len(s["cumulative"]) == len(inc)
    assert s["cumulative"][-1]["estimate"] == pytest.approx(b.pooled.estimate, abs=1e-10)


def test_cumulative_order_is_stable_and_missing_go_last(tmp_path):
    b = run(BCG, AnalysisSpec(sensitivity=True, order="year"))
    years = [int(s.split()[-1]) for s in (r["added"] for r in b.to_dict()["sensitivity"]["cumulative"])]
    assert years == sorted(years)
    with pytest.raises(InputError, match="no column"):
        run(BCG, AnalysisSpec(sensitivity=True, order="published"))


def test_sensitivity_needs_two_studies(tmp_path):
    text = BCG.read_text().splitlines()
    path = tmp_path / "one.csv"
    path.write_text("\n".join(text[:2]) + "\n")
    with pytest.raises(InputError, match="at least 2 studies"):
        run(path, AnalysisSpec(sensitivity=True))


def test_json_document_is_strict_json():
    import json

    b = run(BCG, AnalysisSpec(log_scale=True, moderators=("ablat",), predict=((("ablat", 20.0),),),
                              bias=True, sensitivity=True, permutations=200))
    doc = json.loads(json.dumps(b.to_dict(), allow_nan=False))
    assert {"meta_regression", "publication_bias", "sensitivity"} <= set(doc)
    assert doc["meta_regression"]["predictions"][0]["pi_upper_exp"] > 0


def test_meta_regression_invariant_to_row_order(tmp_path):
    lines = BCG.read_text().splitlines()
    rev = tmp_path / "rev.csv"
    rev.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n")
    spec = AnalysisSpec(moderators=("ablat", "alloc"), test="hksj", predict=((("ablat", 40.0), ("alloc", "random")),))
    a, b = run(BCG, spec).to_dict()["meta_regression"], run(rev, spec).to_dict()["meta_regression"]
    for key in ("estimate", "se", "p_value"):
        assert [c[key] for c in a["coefficients"]] == pytest.approx([c[key] for c in b["coefficients"]], abs=1e-10)
    assert a["qm"] == pytest.approx(b["qm"], abs=1e-10) and a["r2"] == pytest.approx(b["r2"], abs=1e-8)
    assert a["predictions"][0]["pi_lower"] == pytest.approx(b["predictions"][0]["pi_lower"], abs=1e-10)
    assert a["qm_df2"] == 9 and a["qm_test"] == "F"
