"""Final rating arithmetic, upgrades and reviewer overrides (evisynth.grade.certainty)."""

from __future__ import annotations

import pytest

from evisynth.grade.certainty import rate
from evisynth.grade.domains import DomainSuggestion
from evisynth.review.file import DOMAINS, Override

LEVELS = {"not serious": 0, "serious": -1, "very serious": -2, "undetected": 0, "strongly suspected": -1,
          "none": 0, "large": 1, "very large": 2, "present": 1}


def sugg(**judgements: str) -> dict[str, DomainSuggestion]:
    out = {}
    for d in DOMAINS:
        default = "undetected" if d == "publication_bias" else "none" if d in (
            "large_effect", "dose_response", "confounding") else "not serious"
        j = judgements.get(d, default)
        out[d] = DomainSuggestion(d, j, LEVELS[j], f"because {d}", "rule")
    return out


@pytest.mark.parametrize(
    ("judgements", "level"),
    [
        ({}, "high"),
        ({"imprecision": "serious"}, "moderate"),
        ({"imprecision": "serious", "risk_of_bias": "serious"}, "low"),
        ({"imprecision": "very serious"}, "low"),
        ({"imprecision": "very serious", "risk_of_bias": "serious"}, "very low"),
        ({"imprecision": "very serious", "risk_of_bias": "very serious", "publication_bias": "strongly suspected"},
         "very low"),
    ],
)
def test_randomised_rating_arithmetic(judgements, level):
    r = rate(sugg(**judgements))
    assert r.level == level
    assert r.start == 4


def test_floor_is_very_low_with_a_note():
    r = rate(sugg(imprecision="very serious", risk_of_bias="very serious", inconsistency="serious"))
    assert r.score == 1 and r.downgrades == 5
    assert "Rating floored at very low." in r.notes


def test_symbols_and_labels():
    assert rate(sugg()).label == "⊕⊕⊕⊕ HIGH"
    assert rate(sugg(imprecision="serious")).label == "⊕⊕⊕◯ MODERATE"
    assert rate(sugg(imprecision="very serious")).label == "⊕⊕◯◯ LOW"
    assert rate(sugg(imprecision="very serious", inconsistency="serious")).label == "⊕◯◯◯ VERY LOW"


def test_observational_starts_low_and_can_be_rated_up():
    assert rate(sugg(), design="observational").level == "low"
    assert rate(sugg(large_effect="large"), design="observational").level == "moderate"
    assert rate(sugg(large_effect="very large"), design="observational").level == "high"
    capped = rate(sugg(large_effect="very large", dose_response="present"), design="observational")
    assert capped.level == "high" and capped.upgrades == 3  # capped at high


def test_no_upgrade_after_a_downgrade_or_for_randomised_evidence():
    r = rate(sugg(large_effect="large", imprecision="serious"), design="observational")
    assert r.level == "very low"
    assert not r.domains["large_effect"].applied
    text = r.domains["large_effect"].explanation()
    assert text.startswith("Large effect: large (not applied): because large_effect.") and "Not applied" in text
    rct = rate(sugg(large_effect="large"))
    assert rct.level == "high" and rct.upgrades == 0
    assert any("randomised evidence" in n for n in rct.notes)


def test_override_replaces_suggestion_and_keeps_both():
    o = {"indirectness": Override("indirectness", "serious", "most trials recruited men only")}
    r = rate(sugg(), o)
    assert r.level == "moderate"
    d = r.domains["indirectness"]
    assert d.by_reviewer and d.judgement == "serious" and d.suggestion.judgement == "not serious"
    text = d.explanation()
    assert text.startswith("Indirectness: rated down one level (serious), reviewers' judgement: most trials")
    assert "evisynth suggested not serious" in text
    assert d in r.footnote_domains()


def test_override_can_remove_a_downgrade_and_is_still_footnoted():
    o = {"imprecision": Override("imprecision", "not serious", "OIS met with the updated trial")}
    r = rate(sugg(imprecision="serious"), o)
    assert r.level == "high"
    assert [d.domain for d in r.footnote_domains()] == ["imprecision"]


def test_reviewer_upgrade_applies_even_with_downgrade():
    o = {"confounding": Override("confounding", "present", "all plausible confounders would reduce the effect")}
    r = rate(sugg(inconsistency="serious"), o, design="observational")
    assert r.level == "low"  # 2 - 1 + 1


def test_extremely_serious_imprecision_three_levels():
    o = {"imprecision": Override("imprecision", "extremely serious", "very few events, CI spans all thresholds")}
    assert rate(sugg(), o).level == "very low"
    assert rate(sugg(), o).downgrades == 3


def test_footnotes_only_for_changes_and_overrides():
    r = rate(sugg(risk_of_bias="serious"))
    assert [d.domain for d in r.footnote_domains()] == ["risk_of_bias"]
    assert r.domains["risk_of_bias"].explanation() == "Risk of bias: rated down one level (serious): because risk_of_bias."


def test_footnotes_end_with_one_full_stop_when_a_reason_already_ends_a_sentence():
    s = sugg(risk_of_bias="serious")
    s["risk_of_bias"] = DomainSuggestion("risk_of_bias", "serious", -1, "Most weight from high-risk trials.", "rule")
    o = {"indirectness": Override("indirectness", "serious", "Most trials recruited men only. ")}
    r = rate(s, o)
    rob, ind = r.domains["risk_of_bias"].explanation(), r.domains["indirectness"].explanation()
    assert rob == "Risk of bias: rated down one level (serious): Most weight from high-risk trials."
    assert ind == ("Indirectness: rated down one level (serious), reviewers' judgement: Most trials recruited men "
                   "only. evisynth suggested not serious: because indirectness.")
    assert ".." not in rob + ind
