"""Golden tests of the SoF table and the evidence summary; wording that follows certainty; the Word table.

Regenerate the golden files after an intended change with ``EVISYNTH_UPDATE_GOLDEN=1 pytest tests/grade``
and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from evisynth import format as fmt
from evisynth.report import phrasing
from evisynth.report.claims import Claims
from evisynth.report.sof import build_sof, render_csv, render_html, render_markdown, write_sof
from evisynth.report.summary import build_summary, meta_regression_paragraphs, write_summary
from evisynth.report.summary_render import render_summary_markdown
from evisynth.review.file import load_review, parse_review
from evisynth.review.runner import run_review

from .helpers import DATA, regression

GOLDEN = Path(__file__).parent / "golden"
REVIEW = DATA / "review.toml"
OVERRIDES = """
[outcomes.grade]
risk_of_bias = { judgement = "not serious", reason = "the high-risk trial carries little weight" }
"""


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("EVISYNTH_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


@pytest.fixture(scope="module")
def result():
    return run_review(REVIEW)


@pytest.fixture(scope="module")
def overridden():
    # Death: reviewers judge imprecision not serious -> moderate; Pain: risk of bias not serious -> high
    text = REVIEW.read_text(encoding="utf-8")
    text = text.replace("[outcomes.prior]", '[outcomes.grade]\nimprecision = { judgement = "not serious", '
                        'reason = "OIS nearly met and the CI excludes no effect" }\n\n[outcomes.prior]')
    return run_review(parse_review(text + OVERRIDES, REVIEW))


def test_certainty_of_the_fixture(result, overridden):
    assert [o.certainty.level for o in result.outcomes] == ["low", "moderate"]
    assert [o.certainty.level for o in overridden.outcomes] == ["moderate", "high"]


def test_sof_golden(result):
    t = build_sof(result)
    check_golden("sof.md", render_markdown(t))
    check_golden("sof.csv", render_csv(t))
    check_golden("sof.html", render_html(t))


def test_sof_golden_overridden(overridden):
    check_golden("sof_overridden.md", render_markdown(build_sof(overridden)))


def test_sof_cells(result):
    rows = build_sof(result).rows
    death, pain = rows
    assert death.relative == "RR 0.64 (0.47 to 0.88)"
    # the Mantel-Haenszel analysis counts every trial, the double-zero one too (metafor's rma.mh; RevMan)
    assert death.comparator == "164 per 1000"
    assert death.difference == "58 fewer per 1000 (from 87 fewer to 20 fewer)"
    assert death.participants == "1032 (6 RCTs)"
    assert death.certainty == "⊕⊕◯◯ LOW" and death.letters == ("a", "b")
    assert pain.relative == "-" and pain.difference.startswith("SMD 0.28 lower")
    assert "small effect" in pain.comments


def test_sof_absolute_effects_match_transform(result):
    death = result.outcomes[0]
    analysis, a = death.analysis, death.absolute
    assert a.acr == pytest.approx(85 / 517)  # control events / control participants of all 6 trials
    assert a.risk == pytest.approx(a.acr * analysis.natural(analysis.pooled.estimate))
    assert a.risk_lower == pytest.approx(a.acr * analysis.natural(analysis.pooled.ci_lower))


def test_summary_golden(result, overridden):
    check_golden("summary.md", render_summary_markdown(build_summary(result)))
    check_golden("summary_overridden.md", render_summary_markdown(build_summary(overridden)))


def test_wording_changes_with_certainty(result, overridden):
    low = render_summary_markdown(build_summary(result))
    mod = render_summary_markdown(build_summary(overridden))
    assert "Key takeaway: Exercise may reduce death compared with usual care (low-certainty evidence)." in low
    assert "Key takeaway: Exercise probably reduces death compared with usual care (moderate-certainty evidence)." in mod
    assert "Exercise probably reduces pain slightly compared with usual care." in low
    assert "Exercise reduces pain slightly compared with usual care." in mod


@pytest.mark.parametrize(
    ("extra", "level", "expected"),
    [
        ("", "moderate", "Exercise probably reduces pain slightly compared with usual care."),
        ('indirectness = { judgement = "serious", reason = "x" }\n', "low",
         "Exercise may reduce pain slightly compared with usual care."),
        ('indirectness = { judgement = "very serious", reason = "x" }\n', "very low",
         "We are uncertain whether exercise reduces pain compared with usual care, because the evidence is very "
         "uncertain."),
    ],
)
def test_statement_per_certainty_level(extra, level, expected):
    text = REVIEW.read_text(encoding="utf-8") + ("\n[outcomes.grade]\n" + extra if extra else "")
    r = run_review(parse_review(text, REVIEW))
    pain = r.outcomes[1]
    assert pain.certainty.level == level
    md = render_summary_markdown(build_summary(r))
    assert expected in md


def test_no_forbidden_words(result, overridden):
    for r in (result, overridden):
        md = render_summary_markdown(build_summary(r)).lower()
        assert "significant" not in md and "improved" not in md and "no effect" not in md.replace(
            "sides of no effect", "")


def test_every_claim_is_in_the_text_and_a_correct_rounding(result):
    s = build_summary(result)
    md = render_summary_markdown(s)
    assert s.claims
    for c in s.claims:
        assert c["text"] in md, c
        if c["kind"] in ("estimate", "ci_lower", "ci_upper", "control_mean", "statistic", "slope"):
            assert c["text"] == fmt.format_number(c["value"], c.get("decimals", 2))
        elif c["kind"] == "p_value" and c["text"].startswith("P"):
            assert c["text"] == fmt.p_text(c["value"])
        elif c["kind"] == "natural_frequency":
            assert c["text"] == fmt.format_int(c["value"])


def test_numbers_in_the_evidence_section_are_all_claimed(result):
    s = build_summary(result)
    claimed = {c["text"] for c in s.claims} | {fmt.format_number(c["value"]) for c in s.claims
                                                if isinstance(c["value"], float)}
    evidence = [b[1] for b in s.blocks if b[0] == "p" and b[1].startswith(("Death (", "Pain ("))]
    for para in evidence:
        for num in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?", para):
            if num in ("95", "12", "8", "1000"):  # CI level, follow-up text, per 1000
                continue
            assert num in claimed or any(num in c["text"] for c in s.claims), (num, para)


def test_subgroup_finding_reports_the_test_for_subgroup_differences(result):
    md = render_summary_markdown(build_summary(result))
    assert re.search(r"Test for subgroup differences: Chi² = \d+\.\d\d, df = 1 \(P = 0\.\d\d\), I² = \d+\.\d%", md)
    assert "no clear evidence that the effect differs" in md


def test_meta_regression_slope_with_units(result):
    o = result.outcomes[1]
    reg = replace(o.analysis, meta_regression=regression([
        {"name": "intercept", "estimate": 0.2, "se": 0.1, "p_value": 0.05, "ci_lower": 0.0, "ci_upper": 0.4},
        {"name": "dose", "estimate": -0.0123, "se": 0.004, "p_value": 0.0021, "ci_lower": -0.0201,
         "ci_upper": -0.0045}]))
    spec = replace(o.spec, dose_moderator="dose", dose_units="session per week")
    c = Claims()
    (text,) = meta_regression_paragraphs(replace(o, regression=reg, spec=spec), c)
    assert text == ("Meta-regression of pain on dose (standardised-mean-difference scale): the regression coefficient was "
                    "-0.012 per session per week (95% CI -0.020 to -0.005; P = 0.002).")
    # sources point into review_result.json, where each outcome has its meta_regression beside its analysis
    assert [x["source"] for x in c.items][-1] == "meta_regression.coefficients[1].p_value"


def test_phrasing_grid():
    size = phrasing.EffectSize(phrasing.LARGE, "increase", False, True)
    assert phrasing.statement("X", "Y", "Z", "high", size) == "X results in a large increase in Y compared with Z."
    assert phrasing.statement("X", "Y", "Z", "low", size) == "X may result in a large increase in Y compared with Z."
    none = phrasing.EffectSize(phrasing.LITTLE_OR_NO, "reduce", True, True)
    assert phrasing.statement("X", "Y", "Z", "moderate", none) == \
        "X probably makes little or no difference to Y compared with Z."
    wide = phrasing.EffectSize(phrasing.INCONCLUSIVE, "reduce", True, True, ("benefit", "harm"))
    assert phrasing.statement("X", "Y", "Z", "low", wide) == (
        "X may make little or no difference to Y compared with Z, but an important benefit or harm cannot be ruled out.")
    assert phrasing.statement("X", "Y", "Z", "very low", wide).startswith("We are uncertain whether X changes Y")
    assert [phrasing.smd_size(g) for g in (0.19, 0.2, 0.49, 0.5, 0.79, 0.8)] == [
        "trivial", "small", "small", "moderate", "moderate", "large"]


def test_write_summary_and_docx_read_back(result, tmp_path):
    docx = pytest.importorskip("docx")
    paths = write_summary(result, tmp_path)
    for key in ("summary_md", "summary_html", "claims", "sof_html", "sof_md", "sof_csv", "sof_docx", "profile_json",
                "profile_md", "check"):
        assert paths[key].is_file(), key
    d = docx.Document(str(paths["sof_docx"]))
    table = d.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header[0] == "Outcomes" and header[3] == "Relative effect (95% CI)"
    cells = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert cells[0][3] == "RR 0.64 (0.47 to 0.88)"
    assert cells[0][5] == "⊕⊕◯◯ LOW a,b"
    assert cells[1][0].startswith("Pain")
    assert any(p.text.startswith("a. Risk of bias: rated down one level") for p in d.paragraphs)
    claims = json.loads(paths["claims"].read_text(encoding="utf-8"))["claims"]
    assert {c["section"] for c in claims} >= {"key_takeaway", "evidence", "plain_language"}
    profile = json.loads(paths["profile_json"].read_text(encoding="utf-8"))
    assert profile["outcomes"][0]["certainty"]["level"] == "low"
    assert profile["outcomes"][0]["certainty"]["domains"]["imprecision"]["suggestion"]["inputs"]["ois"] == 2282


def test_write_sof_without_docx(result, tmp_path):
    paths = write_sof(result, tmp_path, docx=False)
    assert set(paths) == {"html", "md", "csv"}


def test_load_review_roundtrip():
    assert load_review(REVIEW).outcomes[1].phrase == "pain"


@pytest.mark.parametrize("extra", ["", 'indirectness = { judgement = "very serious", reason = "x" }\n'])
def test_summary_passes_the_accuracy_checker(extra):
    pytest.importorskip("evisynth.check.check")
    from evisynth.report.summary_render import plain_text, run_checker

    text = REVIEW.read_text(encoding="utf-8") + ("\n[outcomes.grade]\n" + extra if extra else "")
    r = run_review(parse_review(text, REVIEW))
    report = run_checker(plain_text(render_summary_markdown(build_summary(r))), r)
    assert report["available"]
    assert report["ok"], [f for f in report.get("findings", []) if f.get("severity") == "error"]


def test_sof_footnotes_not_duplicated_for_unapplied_upgrades(result):
    from evisynth.grade.certainty import rate
    from evisynth.grade.domains import DomainSuggestion

    death = result.outcomes[0]
    sugg = {k: d.suggestion for k, d in death.certainty.domains.items()}
    sugg["large_effect"] = DomainSuggestion("large_effect", "large", 1, "pooled ratio 0.40", "rule")
    sugg["imprecision"] = DomainSuggestion("imprecision", "very serious", -2, "wide", "rule")
    sugg["inconsistency"] = DomainSuggestion("inconsistency", "very serious", -2, "I² = 95%", "rule")
    certainty = rate(sugg)
    r = replace(result, outcomes=(replace(death, certainty=certainty),))
    t = build_sof(r)
    texts = [text for _, text in t.footnotes]
    assert sum("Large effect" in x for x in texts) == 1
    assert "Large effect: large (not applied): pooled ratio 0.40. Not applied: randomised evidence" in texts[-2]
    assert texts[-1] == "Rating floored at very low."
    assert t.rows[0].certainty == "⊕◯◯◯ VERY LOW"
