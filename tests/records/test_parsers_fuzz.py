"""Property-based tests: parsers never crash, whatever the input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from evisynth.errors import InputError
from evisynth.io.detect import FORMATS, detect_format, parse_text
from evisynth.records.model import Citation, ParseResult

# Lines built from the pieces real exports are made of, so the parsers get past their first checks.
_PIECES = st.sampled_from(
    [
        "TY  - JOUR",
        "ER  - ",
        "TI  - A title",
        "AU  - Smith, J",
        "PY  - 2020",
        "DO  - 10.1000/xyz",
        "KW  - a; b",
        "PMID- 123",
        "TI  - x",
        "      continued",
        "FAU - Smith, John",
        "LID - 10.1/x [doi]",
        "DP  - 2019 Jan",
        "FN Clarivate",
        "VR 1.0",
        "PT J",
        "ER",
        "EF",
        "   wrapped",
        "AU Smith, J",
        "TI Title",
        "PY 2001",
        "<PubmedArticleSet>",
        "<PubmedArticle>",
        "</PubmedArticle>",
        "<ArticleTitle>t</ArticleTitle>",
        "<MedlineCitation>",
        "</MedlineCitation>",
        "<Article>",
        "</Article>",
        "<!ENTITY a 'b'>",
        "title,authors,year",
        '"a, b",c,2020',
        "PT\tTI\tAU",
        "J\tTitle\tSmith",
        "",
        " ",
        "\ufeff",
    ]
)
_TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(_PIECES, st.text(max_size=30)), max_size=40).map("\n".join),
)


def _check(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    for record in result.records:
        assert isinstance(record, Citation)
        assert record.title  # records without a title are reported, never returned
        assert record.year is None or 1500 <= record.year <= 2099
    for problem in result.problems:
        assert isinstance(problem.line, int) and problem.line >= 0 and problem.message


@settings(max_examples=80, deadline=None)
@given(text=_TEXT, fmt=st.sampled_from(sorted(FORMATS)))
def test_every_parser_survives_arbitrary_text(text: str, fmt: str) -> None:
    _check(parse_text(text, fmt))


@settings(max_examples=80, deadline=None)
@given(text=_TEXT)
def test_detection_either_names_a_format_or_says_clearly_it_cannot(text: str) -> None:
    try:
        fmt = detect_format(text, "upload.bin")
    except InputError as exc:
        assert "cannot recognise the export format" in str(exc)
        return
    assert fmt in FORMATS
    _check(parse_text(text, fmt))
