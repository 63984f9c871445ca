"""Claim extraction across real-world formats (corpus in ``corpus/extraction.json``)."""

from __future__ import annotations

import math

import pytest

from evisynth.check import check_text
from evisynth.check.text import make_document, normalise, strip_html

from .conftest import load_corpus

CASES = load_corpus("extraction.json")


def _same(got: object, want: object) -> bool:
    if isinstance(want, float) and isinstance(got, float):
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    return got == want


def test_corpus_is_large_and_varied() -> None:
    assert len(CASES) >= 40
    texts = " ".join(c["text"] for c in CASES)
    for needle in ("−", "–", "<b>", "&minus;", "90% CI", "p=0·", "P = .", "I^2", "n = ", "(0.71–0.95)"):
        assert needle in texts


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_extraction_corpus(case: dict) -> None:
    result = check_text(case["text"])
    got = [c.to_dict() for c in result.claims]
    assert len(got) == len(case["claims"]), [g["text"] for g in got]
    for claim, want in zip(got, case["claims"], strict=True):
        for key, value in want.items():
            assert _same(claim[key], value), (key, claim[key], value)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_spans_point_into_the_plain_text(case: dict) -> None:
    result = check_text(case["text"])
    for claim in result.claims:
        assert result.text[claim.start : claim.end] == claim.text
        assert claim.sentence_start <= claim.start < claim.end <= len(result.text)
        for _name, num in claim.numbers:
            assert result.text[num.start : num.end] == num.text


def test_html_offsets_are_into_stripped_text() -> None:
    html = "<p>Spasticity fell (MD &minus;0.<b>23</b>, 95% CI &minus;0.43&ndash;&minus;0.02).</p>"
    result = check_text(html)
    assert result.text == "\nSpasticity fell (MD −0.23, 95% CI −0.43–−0.02).\n"
    claim = result.claims[0]
    assert result.text[claim.start : claim.end] == "MD −0.23, 95% CI −0.43–−0.02"
    assert (claim.estimate, claim.ci_lower, claim.ci_upper) == (-0.23, -0.43, -0.02)


def test_normalise_keeps_length_and_maps_lookalikes() -> None:
    raw = "SMD −0.24 (95%\u2009CI −0.45 to −0.03); HR 0·82; I²; 10⁻⁹"
    out = normalise(raw)
    assert len(out) == len(raw)
    assert out == "SMD -0.24 (95% CI -0.45 to -0.03); HR 0.82; I2; 10-9"


def test_block_tags_separate_and_inline_tags_join() -> None:
    assert strip_html("<p>0.03</p><p>0.71</p>") == "\n0.03\n\n0.71\n"
    assert strip_html("<tr><td>0.03</td><td>0.71</td></tr>") == "\n|0.03|0.71\n"  # a row reads as a pipe table
    assert strip_html("2.<i>46</i>") == "2.46"


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("RR 0.82 (0.71-0.95)", 0.71, 0.95),
        ("MD -0.23 (-0.43 to -0.02)", -0.43, -0.02),
        ("MD -0.23 (−0.43–−0.02)", -0.43, -0.02),
        ("MD -0.23 (-0.43 - -0.02)", -0.43, -0.02),
        ("MD 0.10 (-0.43-0.63)", -0.43, 0.63),
        ("OR 1.32 (95% CI 1.10–1.58)", 1.10, 1.58),
    ],
)
def test_hyphen_between_numbers_is_a_range_not_a_minus(text: str, lower: float, upper: float) -> None:
    claim = check_text(text).claims[0]
    assert (claim.ci_lower, claim.ci_upper) == (lower, upper)


def test_sentences_split_on_lowercase_acronyms_but_not_decimals() -> None:
    doc = make_document("Pain fell (P = 0.03). rTMS helped. Smith et al. found 0.5 too.")
    pieces = [doc.plain[s:e] for s, e in doc.sentences]
    assert pieces == ["Pain fell (P = 0.03).", "rTMS helped.", "Smith et al. found 0.5 too."]


def test_claim_keeps_its_sentence() -> None:
    text = "We included 13 studies. Pain fell (MD -0.23, 95% CI -0.43 to -0.02). Nothing else."
    result = check_text(text)
    claim = result.claims[1]
    assert (
        result.text[claim.sentence_start : claim.sentence_end]
        == "Pain fell (MD -0.23, 95% CI -0.43 to -0.02)."
    )
