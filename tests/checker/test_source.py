"""The summary against its source: rounding, P floors, counts, direction, measure, JSON walking."""

from __future__ import annotations

import pytest

from evisynth.check import check_text
from evisynth.check.extract import parse_number
from evisynth.check.source import p_matches, written_matches
from evisynth.check.source_facts import from_json

from .conftest import CORPUS, load_corpus


@pytest.mark.parametrize(
    ("written", "value", "ok"),
    [
        ("0.03", 0.0301, True),
        ("0.03", 0.035, True),
        ("0.03", 0.0351, False),
        ("-0.23", -0.2261, True),
        ("-0.23", 0.2261, False),
        ("2.5", 2.46, True),
        ("2.46", 2.4617, True),
        ("0.097", 0.0974, True),
    ],
)
def test_written_matches_is_rounding_at_the_written_precision(written: str, value: float, ok: bool) -> None:
    assert written_matches(parse_number(written, 0), value) is ok


def test_p_floor_and_relations() -> None:
    floor = parse_number("0.00001", 0)
    assert p_matches(floor, "<", 3e-9)
    assert not p_matches(floor, "<", 0.0002)
    assert p_matches(parse_number("0.001", 0), "<", 0.0004)
    assert p_matches(parse_number("0.05", 0), ">", 0.2)
    assert p_matches(parse_number("0.03", 0), "=", 0.0301)


def test_rtms_json_is_walked_for_results_counts_and_certainty() -> None:
    facts = from_json(load_corpus("rtms_summary.json"))
    assert 13 in facts.studies and 18 in facts.comparisons and 18 not in facts.studies
    assert 412 in facts.participants
    assert facts.certainty_by_outcome == {
        "spasticity": "moderate",
        "motor function": "low",
        "activities of daily living": "low",
    }
    measures = {r.measure for r in facts.results}
    assert {"MD", "SMD", "beta", "I2", "chi2"} <= measures
    assert any(r.key and r.estimate == -0.2261 for r in facts.results)


def test_ratio_json_on_the_log_scale_is_compared_on_the_ratio_scale() -> None:
    source = {
        "measure": "RR",
        "log_scale": True,
        "pooled": {"k": 9, "estimate": -0.1985, "ci_lower": -0.3425, "ci_upper": -0.0513, "p_value": 0.0076},
    }
    assert check_text("RR 0.82 (95% CI 0.71 to 0.95), P = 0.008", source).findings == ()
    twins = {
        "measure": "OR",
        "log_scale": True,
        "pooled": {
            "estimate": -0.2,
            "ci_lower": -0.3,
            "ci_upper": -0.1,
            "estimate_exp": 0.8187,
            "ci_lower_exp": 0.7408,
            "ci_upper_exp": 0.9048,
            "p_value": 0.0001,
        },
    }
    assert check_text("OR 0.82 (95% CI 0.74 to 0.90)", twins).findings == ()


def test_findings_against_a_text_source() -> None:
    source = "Twelve trials (1,980 participants): RR 0.82 (95% CI 0.71 to 0.95); P = 0.008."
    cases = {
        "Fourteen trials (1,980 participants): RR 0.82 (95% CI 0.71 to 0.95); P = 0.008.": "count_mismatch",
        "Twelve trials (1,890 participants): RR 0.82 (95% CI 0.71 to 0.95); P = 0.008.": "count_mismatch",
        "Twelve trials (1,980 participants): OR 0.82 (95% CI 0.71 to 0.95); P = 0.008.": "measure_mismatch",
        "Twelve trials (1,980 participants): RR 1.22 (95% CI 1.05 to 1.41); P = 0.008.": "direction_mismatch",
        "Twelve trials (1,980 participants): RR 0.85 (95% CI 0.71 to 0.95); P = 0.008.": "not_in_source",
        "Twelve trials (1,980 participants): RR 0.82 (95% CI 0.71 to 0.95); P = 0.08.": "not_in_source",
    }
    assert check_text(next(iter(cases)).replace("Fourteen", "Twelve"), source).findings == ()
    for text, kind in cases.items():
        kinds = {f.kind for f in check_text(text, source).findings}
        assert kind in kinds, (text, kinds)


def test_comparisons_used_as_studies_are_named() -> None:
    source = "We included 13 studies (18 comparisons) with 412 participants."
    finding = check_text("We included 18 studies with 412 participants.", source).findings[0]
    assert finding.kind == "count_mismatch" and "comparisons" in finding.message
    assert finding.start is not None and finding.end is not None


def test_dropped_key_finding_is_a_warning_without_a_location() -> None:
    source = "Pain: MD -0.23 (95% CI -0.43 to -0.02). Function: MD 2.46 (95% CI 1.54 to 3.38)."
    result = check_text("Pain fell (MD -0.23, 95% CI -0.43 to -0.02).", source)
    assert [(f.severity, f.kind, f.start, f.claim) for f in result.findings] == [
        ("warning", "other", None, None)
    ]
    assert "2.46" in result.findings[0].message


def test_number_not_in_source_points_at_the_number() -> None:
    source = (CORPUS / "rtms_source.txt").read_text(encoding="utf-8")
    text = "rTMS reduced spasticity (MD = -0.23, 95% CI -0.43 to -0.12, P = 0.03)."
    result = check_text(text, source)
    bad = [f for f in result.findings if f.kind == "not_in_source"]
    assert bad and result.text[bad[0].start : bad[0].end] == "-0.12"


def test_summary_json_shape_with_outcomes_and_certainty() -> None:
    source = {
        "outcomes": [
            {
                "name": "pain",
                "certainty": "low",
                "analysis": {
                    "measure": "MD",
                    "log_scale": False,
                    "pooled": {
                        "k": 5,
                        "estimate": -0.5,
                        "ci_lower": -0.9,
                        "ci_upper": -0.1,
                        "p_value": 0.014,
                    },
                },
            }
        ]
    }
    result = check_text("Acupuncture reduces pain (MD -0.50, 95% CI -0.90 to -0.10, P = 0.01).", source)
    assert [(f.kind, f.severity) for f in result.findings] == [("certainty_language", "error")]
    assert check_text("Acupuncture may reduce pain (MD -0.5, 95% CI -0.9 to -0.1).", source).findings == ()


def test_loose_decimal_numbers_are_traced_as_warnings() -> None:
    source = "The outcome occurred in 12.9% vs 15.3% (HR 0.83, 95% CI 0.71 to 0.97)."
    assert check_text("Events: 12.9% vs 15.3% (HR 0.83, 95% CI 0.71 to 0.97).", source).findings == ()
    result = check_text("Events: 12.6% vs 15.3% at 65 years (HR 0.83, 95% CI 0.71 to 0.97).", source)
    assert [(f.severity, f.kind, result.text[f.start : f.end]) for f in result.findings] == [
        ("warning", "not_in_source", "12.6")
    ]
