"""Reading study tables (CSV, Excel, aliases, generic CIs), zero cells and named warnings."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.effects.compute import compute_effects
from evisynth.errors import ConvergenceWarning, InputError, ZeroCellWarning
from evisynth.io.tabular import read_study_table


def write(tmp_path, text, name="d.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_revman_aliases_and_case_insensitive_headers(tmp_path):
    header = "Study,Mean_E,SD_E,Total_E,Mean_C,SD_C,Total_C,Limb\n"
    p = write(tmp_path, header + "A,1,1,10,2,1,10,upper\nB,2,1,12,2.5,1.5,11,lower\n")
    t = read_study_table(p)
    assert t.kind == "continuous"
    assert list(t.columns["m2"]) == [2.0, 2.5]
    assert t.extra["Limb"].tolist() == ["upper", "lower"]


def test_excel_input(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("openpyxl")
    path = tmp_path / "d.xlsx"
    pd.DataFrame({"study": ["A", "B", "C"], "events_e": [2, 5, 1], "total_e": [20, 30, 25],
                  "events_c": [6, 9, 3], "total_c": [21, 29, 24]}).to_excel(path, index=False)
    doc = run_analysis(path, AnalysisSpec(measure="RR", method="MH", mh_continuity="none")).to_dict()
    assert doc["pooled"]["k"] == 3
    # metafor 3.8.1: rma.mh(ai=c(2,5,1), n1i=c(20,30,25), ci=c(6,9,3), n2i=c(21,29,24), measure="RR")
    assert doc["pooled"]["estimate"] == pytest.approx(-0.82174069836027042, abs=1e-12)


def test_generic_ratio_from_confidence_interval(tmp_path):
    p = write(tmp_path, "study,estimate,ci_lower,ci_upper\nA,0.8,0.6,1.0667\nB,0.5,0.25,1.0\n")
    eff = compute_effects(read_study_table(p), "RR")
    assert eff.log_scale
    assert eff.yi[0] == pytest.approx(math.log(0.8))
    assert math.sqrt(eff.vi[1]) == pytest.approx((math.log(1.0) - math.log(0.25)) / (2 * 1.959963984540054))


def test_generic_ratio_refuses_non_positive_limits(tmp_path):
    p = write(tmp_path, "study,estimate,ci_lower,ci_upper\nA,0.8,-0.1,1.2\nB,0.5,0.25,1.0\n")
    with pytest.raises(InputError, match="row 1"):
        compute_effects(read_study_table(p), "OR")


def test_zero_cells_corrected_and_reported(tmp_path):
    p = write(tmp_path, "study,events1,n1,events2,n2\nA,0,10,3,10\nB,0,10,0,10\nC,4,10,5,10\n")
    with pytest.warns(ZeroCellWarning):
        eff = compute_effects(read_study_table(p), "OR")
    assert eff.included.tolist() == [True, False, True]
    assert "0.5 added" in eff.notes[0]
    assert "double-zero" in eff.notes[1]
    # metafor escalc("OR", ai=0, n1i=10, ci=3, n2i=10): log((0.5*7.5)/(10.5*3.5))
    assert eff.yi[0] == pytest.approx(math.log(0.5 * 7.5 / (10.5 * 3.5)))
    with pytest.warns(ZeroCellWarning):
        rd = compute_effects(read_study_table(p), "RD")
    assert rd.included.tolist() == [True, True, True]
    assert rd.yi[1] == 0.0


def test_continuity_zero_leaves_zero_cell_study_not_estimable(tmp_path):
    p = write(tmp_path, "study,events1,n1,events2,n2\nA,0,10,3,10\nC,4,10,5,10\nD,2,12,5,11\n")
    eff = compute_effects(read_study_table(p), "OR", continuity=0)
    assert eff.included.tolist() == [False, True, True]
    assert "not estimable" in eff.notes[0]


def test_non_convergence_is_flagged_and_warned(monkeypatch):
    from evisynth.analyses.fit import fit_pooled
    from evisynth.effects.table import EffectTable
    from evisynth.models.kernels import likelihood

    # one Fisher-scoring step and no fallback passes: REML cannot converge
    monkeypatch.setattr(likelihood, "FISHER_PASSES", (likelihood.Pass(likelihood.StepRule.SAFEGUARDED_SCORING, 1.0, 1),))
    y = np.array([0.1, 0.8, -0.4, 1.2, 0.3])
    v = np.array([0.01, 0.02, 0.015, 0.03, 0.02])
    eff = EffectTable(tuple("abcde"), y, v, "GEN", False, np.ones(5, bool), ("",) * 5)
    with pytest.warns(ConvergenceWarning):
        res = fit_pooled(eff, AnalysisSpec(method="REML").resolved())
    assert res.converged is False


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-3, 3), st.floats(0.001, 2)), min_size=2, max_size=25),
       st.sampled_from(["DL", "REML", "ML", "PM", "SJ", "HE", "HS", "EB"]))
def test_property_tau2_nonnegative_and_estimate_in_data_range(pairs, method):
    from evisynth.models.pool import pool

    y = np.array([p[0] for p in pairs])
    v = np.array([p[1] for p in pairs])
    r = pool(y, v, method=method)
    assert r.tau2 >= 0
    assert y.min() - 1e-9 <= r.estimate <= y.max() + 1e-9
    assert r.ci_lower <= r.estimate <= r.ci_upper


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_property_reader_never_crashes(tmp_path_factory, text):
    p = tmp_path_factory.mktemp("fuzz") / "f.csv"
    p.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            run_analysis(p)
        except InputError:
            pass
