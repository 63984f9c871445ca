"""GRADE's risk-of-bias domain in a review run: weight shares from evisynth.rob assessments and the
analysis restricted to the studies at low risk of bias (review runner, grade.rob_domain)."""

from __future__ import annotations

import json
import math
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from evisynth.api.analysis import meta_analysis
from evisynth.grade import domains as dm
from evisynth.grade.rob_domain import LowRiskSensitivity
from evisynth.grade.thresholds import Thresholds
from evisynth.review.runner import run_review
from evisynth.rob import assess_judgements

from .helpers import DATA, make_doc


@pytest.fixture(scope="module")
def result():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_review(DATA / "review.toml")


def test_shares_are_the_weight_of_each_judgement(result):
    death = result.outcomes[0]
    s = death.certainty.domains["risk_of_bias"].suggestion
    weights = {r.study: r.weight_percent for r in death.analysis.studies if r.included and r.weight_percent}
    total = sum(weights.values())
    # rob.csv: Alpha, Gamma, Epsilon low; Delta some concerns; Beta, Zeta high (Zeta: double zero, no weight)
    expect_low = sum(weights[k] for k in ("Alpha 2001", "Gamma 2005", "Epsilon 2010")) / total
    expect_high = sum(weights.get(k, 0.0) for k in ("Beta 2003", "Zeta 2012")) / total
    assert s.inputs["share_low"] == pytest.approx(expect_low, rel=1e-12)
    assert s.inputs["share_high"] == pytest.approx(expect_high, rel=1e-12)
    assert s.inputs["share_low"] + s.inputs["share_some_concerns"] + s.inputs["share_high"] == pytest.approx(1.0)
    assert s.inputs["low_risk_studies"] == ["Alpha 2001", "Gamma 2005", "Epsilon 2010"]
    pct = f"{100 * s.inputs['share_not_low']:.0f}%"
    assert s.reason.startswith(f"{pct} of the weight comes from studies at some concerns or high risk of bias")


def test_low_risk_sensitivity_is_the_analysis_of_the_low_risk_studies(result):
    death = result.outcomes[0]
    sens = death.rob_sensitivity
    assert isinstance(sens, LowRiskSensitivity)
    assert sens.studies == ("Alpha 2001", "Gamma 2005", "Epsilon 2010")
    table = pd.read_csv(DATA / "mortality.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = meta_analysis(table[table.study.isin(sens.studies)], measure="RR", method="MH").pooled
    assert sens.estimate == pytest.approx(math.exp(ref.estimate), rel=1e-12)
    assert sens.ci_lower == pytest.approx(math.exp(ref.ci_lower), rel=1e-12)
    assert sens.ci_upper == pytest.approx(math.exp(ref.ci_upper), rel=1e-12)
    assert sens.full_estimate == pytest.approx(death.analysis.natural(death.analysis.pooled.estimate), rel=1e-12)
    s = death.certainty.domains["risk_of_bias"].suggestion
    assert "restricted to the 3 studies at low risk of bias: RR 0.66 [0.39, 1.11]" in s.reason
    assert "(all studies: RR 0.64 [0.47, 0.88])" in s.reason
    assert s.inputs["low_risk_sensitivity"]["k"] == 3


def test_outcome_document_carries_judgements_and_sensitivity(result):
    doc = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    rob = doc["outcomes"][1]["risk_of_bias"]
    assert sorted(rob["judgements"]) == ["A", "B", "C", "D", "E"]  # only this outcome's studies
    assert rob["judgements"]["D"]["Overall"] == "high"
    assert rob["low_risk_sensitivity"]["studies"] == ["A", "C"]
    assert result.outcomes[1].forest_rob["B"] == {"D1": "some concerns", "D2": "low", "D3": "low",
                                                  "D4": "some concerns", "D5": "low", "Overall": "some concerns"}


def test_profile_markdown_shows_the_numbers(result):
    from evisynth.report.profile import render_profile_markdown

    text = render_profile_markdown(result)
    assert "share_high = " in text and "share_low = " in text
    assert "restricted to the 2 studies at low risk of bias: SMD" in text


def test_toml_assessments_with_signalling_answers_feed_the_review(tmp_path: Path):
    for name in ("review.toml", "mortality.csv", "pain.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    text = (tmp_path / "review.toml").read_text(encoding="utf-8").replace('"rob.csv"', '"rob.toml"')
    (tmp_path / "review.toml").write_text(text, encoding="utf-8")
    rows = ["[[assessment]]\nstudy = \"Alpha 2001\"\noutcome = \"Death\"\n"
            "judgements = { D1 = \"high\", D2 = \"low\", D3 = \"low\", D4 = \"low\", D5 = \"low\" }\n"]
    for study in ("Beta 2003", "Gamma 2005", "Delta 2008", "Epsilon 2010", "Zeta 2012", "A", "B", "C", "D", "E"):
        rows.append(f"[[assessment]]\nstudy = \"{study}\"\n"
                    "judgements = { D1 = \"low\", D2 = \"low\", D3 = \"low\", D4 = \"low\", D5 = \"low\" }\n")
    (tmp_path / "rob.toml").write_text("\n".join(rows), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = run_review(tmp_path / "review.toml")
    death, pain = r.outcomes
    assert death.rob["Alpha 2001"].overall == "high"  # the outcome-specific assessment wins
    assert death.rob_sensitivity is not None and "Alpha 2001" not in death.rob_sensitivity.studies
    assert pain.rob_sensitivity is None  # every study at low risk: nothing to restrict
    assert pain.certainty.domains["risk_of_bias"].suggestion.judgement == "not serious"


def test_no_study_at_low_risk_gives_no_estimate():
    doc = make_doc(yi=[0.1, 0.2], weights=[50, 50], names=["S1", "S2"])
    sens = LowRiskSensitivity((), "MD", reason="no study is at low risk of bias")
    rob = {"S1": assess_judgements("rob2", "S1", None, {"D1": "high"}), "S2": "some concerns"}
    s = dm.risk_of_bias(doc, rob, Thresholds(), sensitivity=sens)
    assert s.judgement == "serious"  # 50% high is not more than 80%; 100% not low
    assert "no analysis restricted to studies at low risk of bias (no study is at low risk of bias)" in s.reason


def test_simple_csv_with_an_overall_differing_from_the_worst_domain_is_still_read(tmp_path: Path):
    from evisynth.review.rob_sensitivity import read_review_rob

    p = tmp_path / "rob.csv"
    p.write_text("study,D1,D2,D3,D4,D5,overall\nA,low,low,some concerns,low,low,low\nB,,,,,,high\n", encoding="utf-8")
    a = {x.study: x for x in read_review_rob(p)}
    assert a["A"].overall == "low" and a["A"].overall_justification == "as entered in rob.csv"
    assert a["B"].overall == "high"
    p.write_text("study,D1,overall\nA,maybe,low\n", encoding="utf-8")
    with pytest.raises(Exception, match="maybe"):
        read_review_rob(p)
