"""Degenerate data through the whole analysis, and the exact Q-profile bound (issue #17)."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.cli.main import main
from evisynth.errors import DegenerateDataWarning

IDENTICAL = pd.DataFrame({"study": list("ABCD"), "yi": [0.3] * 4, "vi": [0.01, 0.02, 0.05, 0.03], "x": [1, 2, 3, 4],
                          "g": ["a", "a", "b", "b"]})


def test_identical_effects_under_hksj_give_null_with_one_named_warning():
    with pytest.warns(DegenerateDataWarning, match="identical"):
        b = run_analysis(IDENTICAL, AnalysisSpec(test="hksj", bias=True, moderators=("x",)))
    assert b.pooled.estimate == pytest.approx(0.3, abs=1e-15)
    assert b.pooled.se is None and b.pooled.ci_lower is None and b.pooled.p_value is None
    assert b.heterogeneity.tau2 == 0.0 and str(b.heterogeneity.tau2) == "0.0"  # never -0
    assert b.publication_bias.egger.p_value is None and b.publication_bias.begg.p_value is None
    assert b.meta_regression.coefficients[1].se is None
    merged = [w for w in b.warnings if w.startswith("DegenerateDataWarning")]
    assert len(merged) == 1 and "pooled analysis; meta-regression; Egger's test" in merged[0]
    doc = json.loads(json.dumps(b.to_dict(), allow_nan=False))  # every number finite or null
    assert doc["pooled"]["ci_lower"] is None


def test_common_tau2_subgroups_with_hksj_do_not_fail():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = run_analysis(IDENTICAL, AnalysisSpec(test="hksj", subgroup="g", subgroup_model="common"))
    assert [g.estimate for g in b.subgroups.groups] == pytest.approx([0.3, 0.3], abs=1e-15)


def test_common_effect_meta_regression_r2_is_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = run_analysis(IDENTICAL, AnalysisSpec(model="fixed", moderators=("x",)))
    assert b.meta_regression.r2 == 0.0


def test_exact_q_profile_limit_by_default_and_metafor_bound_as_option(tmp_path, capsys):
    data = tmp_path / "k2.csv"
    data.write_text("study,yi,vi\nA,-2,0.01\nB,2,0.01\n", encoding="utf-8")
    assert main(["analyze", str(data), "--json", "-"]) == 0
    exact = json.loads(capsys.readouterr().out)["heterogeneity"]
    assert exact["tau2_ci_upper"] == pytest.approx(8146.05615775734, rel=1e-9)
    assert exact["tau2_ci_upper_censored"] is False
    assert exact["tau2_ci_upper"] > 100  # beyond metafor's search bound max(100, 10 tau2) = 100
    assert main(["analyze", str(data), "--tau2-ci-bound", "metafor", "--json", "-"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["heterogeneity"]["tau2_ci_upper"] == 100.0 and out["heterogeneity"]["tau2_ci_upper_censored"] is True
    assert out["settings"]["tau2_ci_bound"] == "metafor"
