"""Parsers on hand-written samples of every export format, including broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from evisynth.errors import InputError
from evisynth.io.detect import detect_format, infer_database, read_export

DATA = Path(__file__).parent / "data"
TRIAL_TITLE = "Accelerated theta burst stimulation for treatment-resistant depression"


def read(name: str):
    return read_export(DATA / name).result


@pytest.mark.parametrize(
    ("name", "fmt", "database"),
    [
        ("embase.ris", "ris", "Embase"),
        ("scopus.ris", "ris", "Scopus"),
        ("central.ris", "ris", "CENTRAL"),
        ("ovid.ris", "ris", "Embase"),
        ("pubmed.nbib", "medline", "PubMed"),
        ("pubmed.xml", "pubmed-xml", "PubMed"),
        ("wos.txt", "wos", "Web of Science"),
        ("wos_tab.txt", "wos-tab", "Web of Science"),
        ("scopus.csv", "csv", "Scopus"),
        ("generic.csv", "csv", None),
    ],
)
def test_format_and_database_are_recognised(name: str, fmt: str, database: str | None) -> None:
    result = read(name)
    assert result.format == fmt
    assert infer_database(result) == database


@pytest.mark.parametrize(
    "name", ["embase.ris", "scopus.ris", "pubmed.nbib", "pubmed.xml", "wos.txt", "wos_tab.txt", "scopus.csv"]
)
def test_same_trial_gives_same_normalised_fields_in_every_format(name: str) -> None:
    rec = read(name).records[0]
    assert rec.title.lower().startswith(TRIAL_TITLE.lower()) or TRIAL_TITLE.lower() in rec.title.lower()
    assert rec.doi == "10.1016/j.brs.2021.01.012"
    assert rec.year == 2021
    assert rec.volume == "14"
    assert rec.pages == "301-309"
    assert rec.authors[0].lower().startswith("smith")


def test_embase_ris_fields() -> None:
    result = read("embase.ris")
    assert len(result.records) == 3 and not result.problems
    first, spanish, conf = result.records
    assert first.authors == ("Smith J.", "Okafor C.N.", "Müller K.")
    assert first.journal == "Brain Stimulation"
    assert first.issue == "2"
    assert first.pmid == "33556789"
    assert first.accession == "2010934567"
    assert first.abstract.endswith("randomised to active or sham iTBS.")  # wrapped continuation line joined
    assert first.keywords == ("theta burst stimulation", "depression", "randomized controlled trial")
    assert first.language == "English"
    assert first.line == 1
    assert spanish.title.startswith("[Repetitive") and spanish.doi == "" and spanish.line == 29
    assert conf.doi == "10.1016/s0924-9338(19)30123-4"
    assert conf.keywords == ("deep TMS", "OCD", "depression")


def test_central_and_ovid_ris() -> None:
    central = read("central.ris").records[0]
    assert central.pmid == "14557145" and central.accession == "CN-01234567"
    assert central.journal == "Archives of general psychiatry"
    ovid = read("ovid.ris").records[0]
    assert ovid.year == 2020 and ovid.doi == "10.1016/j.jad.2020.01.001"
    assert ovid.authors == ("Nakamura, Yuki", "Rossi, Paolo")
    assert ovid.abstract.startswith("Objective")


def test_broken_ris_reports_lines_and_keeps_good_records() -> None:
    result = read("broken.ris")
    assert [r.title for r in result.records] == [
        "A good record before the broken ones",
        "A good record after the broken ones",
    ]
    assert [(p.line, p.message.split(";")[0]) for p in result.problems] == [
        (7, "record has no title"),
        (12, "record has no ER line before the next TY"),
        (19, "tag TI outside a record (no TY before it)"),
        (20, "file ends inside a record (no ER line)"),
    ]
    assert result.problems[0].describe("broken.ris") == "broken.ris, line 7: record has no title; skipped"


def test_medline_fields() -> None:
    result = read("pubmed.nbib")
    assert len(result.records) == 2 and not result.problems
    rec, spanish = result.records
    assert rec.pmid == "33556789"
    assert rec.title == (
        "Accelerated theta burst stimulation for treatment-resistant depression: a "
        "randomized sham-controlled trial."
    )
    assert rec.authors == ("Smith, John", "Okafor, Chidi N")
    assert rec.journal == "Brain stimulation"
    assert rec.language == "eng"
    assert "iTBS" in rec.keywords and "Humans" in rec.keywords
    assert spanish.line == 39 and spanish.pages == "12-8" and spanish.year == 2001 and spanish.doi == ""


def test_broken_medline() -> None:
    result = read("broken.nbib")
    assert [r.pmid for r in result.records] == ["10000001", "10000004"]
    assert [p.line for p in result.problems] == [6, 10]
    assert "line 12 is not a MEDLINE field" in result.problems[1].message


def test_pubmed_xml_fields() -> None:
    result = read("pubmed.xml")
    assert len(result.records) == 2
    rec, spanish = result.records
    assert rec.title.startswith("Accelerated theta burst stimulation")  # inline <i> text kept
    assert rec.authors == ("Smith, J", "Okafor, CN", "rTMS Study Group")
    assert rec.abstract == (
        "BACKGROUND: Accelerated iTBS may shorten treatment courses. METHODS: 60 adults "
        "were randomised to active or sham iTBS."
    )
    assert rec.keywords == ("iTBS", "Depressive Disorder, Treatment-Resistant")
    assert rec.line == 4
    assert spanish.journal == "Actas españolas de psiquiatría" and spanish.year == 2001
    assert spanish.authors == ("García-Toro, M",)
    assert [(p.line, p.message) for p in result.problems] == [
        (61, "PubmedArticle has no Article element; skipped")
    ]


def test_pubmed_xml_not_well_formed_keeps_earlier_records() -> None:
    result = read("broken.xml")
    assert [r.pmid for r in result.records] == ["1"]
    assert result.problems[0].line == 4 and "not well-formed" in result.problems[0].message


def test_pubmed_xml_refuses_entities() -> None:
    result = read("entities.xml")
    assert result.records == ()
    assert "entities" in result.problems[0].message


def test_wos_plain_text() -> None:
    result = read("wos.txt")
    assert len(result.records) == 2 and not result.problems
    rec = result.records[0]
    assert rec.authors == ("Smith, John", "Okafor, Chidi N.")
    assert rec.title.endswith("A randomized sham-controlled trial")
    assert rec.pmid == "33556789" and rec.accession == "WOS:000612345600012"
    assert rec.keywords == ("theta burst", "depression", "rTMS", "MAGNETIC STIMULATION", "EFFICACY")
    assert rec.abstract.endswith("shorten treatment courses.")


def test_broken_wos() -> None:
    result = read("broken_wos.txt")
    assert [r.title for r in result.records] == ["Good one", "Last good"]
    assert [p.line for p in result.problems] == [8, 11, 15]


def test_wos_tab_delimited() -> None:
    result = read("wos_tab.txt")
    assert [r.title[:20] for r in result.records] == ["Accelerated theta bu", "Low-frequency rTMS f"]
    assert result.records[0].authors == ("Smith, John", "Okafor, Chidi N.")
    assert result.records[1].authors == ("Kim, Sun",)
    assert result.records[1].pages == "100-105"
    assert [(p.line, p.message) for p in result.problems] == [(3, "record has no title; skipped")]


def test_scopus_csv() -> None:
    result = read("scopus.csv")
    assert len(result.records) == 2
    rec = result.records[0]
    assert rec.authors == ("Smith, John", "Okafor, Chidi N.")  # "Author full names" preferred
    assert rec.abstract == 'Background: Accelerated iTBS may shorten treatment courses, "a lot".'
    assert rec.pmid == "33556789" and rec.accession == "2-s2.0-85100000001"
    assert [(p.line, p.message) for p in result.problems] == [(5, "record has no title; skipped")]


def test_generic_semicolon_csv() -> None:
    result = read("generic.csv")
    assert [r.authors for r in result.records] == [("Lee, H",), ("Kim, S", "Park, J")]
    assert result.records[1].pmid == "29000001"


def test_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some words\n")
    with pytest.raises(InputError, match=r"notes\.txt: cannot recognise the export format"):
        read_export(path)
    assert detect_format("x,y\n1,2\n", "a.dat") == "csv"


def test_embase_com_export_with_medline_records_is_embase() -> None:
    from evisynth.io.ris import parse_ris

    text = "".join(
        f"TY  - JOUR\nDB  - {db}\nTI  - Title {i}\nER  - \n"
        for i, db in enumerate(["Medline", "Medline", "Embase"])
    )
    result = parse_ris(text)
    assert infer_database(result) == "Embase"
    assert [r.database for r in result.records] == ["Medline", "Medline", "Embase"]


def test_folder_instead_of_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder, not an export file"):
        read_export(tmp_path)


def test_utf16_wos_tab_and_crlf_ris(tmp_path: Path) -> None:
    utf16 = tmp_path / "savedrecs.txt"
    utf16.write_bytes((DATA / "wos_tab.txt").read_text(encoding="utf-8-sig").encode("utf-16"))
    result = read_export(utf16).result
    assert result.format == "wos-tab" and len(result.records) == 2
    crlf = tmp_path / "windows.ris"
    crlf.write_bytes((DATA / "embase.ris").read_bytes().replace(b"\n", b"\r\n"))
    assert read_export(crlf).result.records == read("embase.ris").records
