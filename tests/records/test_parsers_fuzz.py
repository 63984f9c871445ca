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


_FIELD = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80),
    authors=st.lists(_FIELD.filter(lambda a: a and ";" not in a and "," not in a), max_size=3),
    year=st.one_of(st.none(), st.integers(1900, 2030)),
    fmt=st.sampled_from(["ris", "medline", "wos", "csv"]),
)
def test_writers_and_parsers_round_trip(title: str, authors: list[str], year: int | None, fmt: str) -> None:
    from evisynth.io.writers import write_csv, write_medline, write_ris, write_wos
    from evisynth.records.normalise import clean_text

    if not clean_text(title):
        return
    citation = Citation(title=title, authors=tuple(authors), year=year, pmid="12345")
    writer = {"ris": write_ris, "medline": write_medline, "wos": write_wos, "csv": write_csv}[fmt]
    result = parse_text(writer([citation]), fmt)
    assert not result.problems
    (back,) = result.records
    assert back.title == clean_text(title)
    assert back.year == year
    assert back.pmid == "12345"
    if fmt != "medline":  # MEDLINE's FAU carries the names as written
        assert back.authors == tuple(clean_text(a) for a in authors if clean_text(a))
