"""Screening: independent decisions, conflicts, kappa, reasons, retrieval, studies, sheets, screener."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from evisynth.cli.screener import run_screener
from evisynth.errors import InputError
from evisynth.records.model import Citation, ParseResult
from evisynth.records.screening import (
    Decision,
    agreement,
    cohens_kappa,
    final_decision,
    is_waiting,
    parse_decision,
)
from evisynth.store import screening_store as ss
from evisynth.store.prisma_store import prisma_counts
from evisynth.store.project import Project
from evisynth.store.sheets import export_sheet, import_sheet


def seed(project: Project, n: int = 6) -> None:
    records = tuple(
        Citation(
            title=f"Trial {chr(65 + i)} of rTMS",
            authors=(f"Author{i}, A",),
            year=2010 + i,
            abstract=f"Abstract {i}",
        )
        for i in range(n)
    )
    project.import_records(ParseResult("ris", records), database="Embase", file_name="e.ris", sha256="e" * 64)


def one_reviewer(project: Project) -> None:
    """The review is screened by one person: ``[screening] reviewers_per_record = 1``."""
    (project.folder / "review.toml").write_text("[screening]\nreviewers_per_record = 1\n", encoding="utf-8")


def test_kappa_against_hand_computation() -> None:
    # 10 records: 4 both include, 4 both exclude, 2 disagree -> po 0.8; pe = 0.5*0.5 + 0.5*0.5 = 0.5 -> 0.6
    pairs = (
        [("include", "include")] * 4
        + [("exclude", "exclude")] * 4
        + [("include", "exclude"), ("exclude", "include")]
    )
    assert cohens_kappa(pairs) == pytest.approx((0.8, 0.5, 0.6))
    assert cohens_kappa([("include", "include")] * 3)[2] is None
    assert cohens_kappa([]) == (0.0, 0.0, None)


def test_final_decision_rules() -> None:
    a = Decision(1, "fulltext", "A", "exclude", "Wrong population")
    b = Decision(1, "fulltext", "B", "exclude", "Not randomised")
    assert final_decision([a]) is None  # one reviewer of the two a record needs: waiting, not final
    assert final_decision([a], required=1) == ("exclude", "Wrong population")
    assert final_decision([a, Decision(1, "fulltext", "B", "exclude", "Wrong population")]) == (
        "exclude", "Wrong population")
    assert is_waiting([a]) and not is_waiting([a, b]) and not is_waiting([a], required=1) and not is_waiting([])
    assert final_decision([a, b]) is None  # same decision, different reasons: a conflict
    assert final_decision([a, b], ("exclude", "Not randomised")) == ("exclude", "Not randomised")
    assert parse_decision("I") == "include" and parse_decision(" maybe ") == "maybe"
    with pytest.raises(InputError, match="unknown decision 'x'"):
        parse_decision("x")


def test_independent_two_stage_screening_to_prisma(project: Project) -> None:
    seed(project)
    ss.add_exclusion_reasons(project, ["Wrong population", "Not randomised"])
    # title stage: A and B disagree on records 2 and 5
    a = {1: "include", 2: "include", 3: "exclude", 4: "include", 5: "exclude", 6: "include"}
    b = {1: "include", 2: "exclude", 3: "exclude", 4: "maybe", 5: "include", 6: "include"}
    for record_id in a:
        ss.record_decision(project, record_id, "title", "A", a[record_id])
        assert set(ss.own_decisions(project, "B", "title")) == set(range(1, record_id))  # B never sees A's
        ss.record_decision(project, record_id, "title", "B", b[record_id])
    conflicts = ss.conflicts(project, "title")
    assert [i for i, _ in conflicts] == [2, 4, 5]
    (kappa,) = ss.kappa(project, "title")
    # A: inc 4, exc 2; B: inc 3, exc 2, maybe 1; agree on 1, 3, 6 -> po 0.5, pe (4*3 + 2*2)/36
    assert kappa.n == 6 and kappa.observed == pytest.approx(0.5)
    assert kappa.kappa == pytest.approx((0.5 - 16 / 36) / (1 - 16 / 36))
    ss.resolve(project, 2, "title", "include", by="C", note="discussed")
    ss.resolve(project, 4, "title", "maybe", by="C")
    ss.resolve(project, 5, "title", "exclude", by="C")
    assert ss.conflicts(project, "title") == []
    # full text: records 1, 2, 4, 6 sought; 6 not retrieved
    assert ss.eligible(project, "fulltext") == [1, 2, 4, 6]
    ss.set_retrieved(project, 6, False, "library could not supply")
    assert ss.eligible(project, "fulltext") == [1, 2, 4]
    with pytest.raises(InputError, match="needs a reason from the review's list"):
        ss.record_decision(project, 2, "fulltext", "A", "exclude", "Because")
    with pytest.raises(InputError, match="not up for fulltext screening"):
        ss.record_decision(project, 3, "fulltext", "A", "include")
    for reviewer in ("A", "B"):
        ss.record_decision(project, 1, "fulltext", reviewer, "include")
        ss.record_decision(project, 2, "fulltext", reviewer, "exclude", "Wrong population")
        ss.record_decision(project, 4, "fulltext", reviewer, "include")
    with pytest.raises(InputError, match="2 included reports are not grouped into a study"):
        prisma_counts(project).check()
    assert ss.link_report(project, 1, "Author0 2010", new=True)
    assert not ss.link_report(project, 4, "Author0 2010")  # a second report of the same study
    assert ss.studies(project) == {"Author0 2010": [1, 4]}
    counts = prisma_counts(project)
    counts.check()
    assert counts.to_dict() == {
        "database_results": 6,
        "database_specific_results": {"Embase": 6},
        "register_results": 0,
        "register_specific_results": {},
        "duplicates": 0,
        "excluded_automatic": 0,
        "excluded_other": 0,
        "records_screened": 6,
        "records_excluded": 2,
        "dbr_sought_reports": 4,
        "dbr_notretrieved_reports": 1,
        "dbr_assessed": 3,
        "dbr_excluded": {"Wrong population": 1},
        "new_studies": 1,
        "new_reports": 2,
        "total_studies": 1,
        "total_reports": 2,
    }


def test_prisma_refuses_unscreened_records(project: Project) -> None:
    seed(project, 3)
    ss.record_decision(project, 1, "title", "A", "exclude")
    assert prisma_counts(project).records_screened == 0  # one reviewer's exclusion is not final
    ss.record_decision(project, 1, "title", "B", "exclude")
    with pytest.raises(InputError, match=r"records screened \(1\) should equal records identified \(3\)"):
        prisma_counts(project).check()


def test_auto_studies_labels(project: Project) -> None:
    records = (
        Citation(title="One", authors=("Smith, J",), year=2001),
        Citation(title="Two", authors=("Smith, K",), year=2001),
    )
    project.import_records(ParseResult("ris", records), database="Embase", file_name="e.ris", sha256="f" * 64)
    for i in (1, 2):
        for who in ("A", "B"):
            ss.record_decision(project, i, "title", who, "include")
        for who in ("A", "B"):
            ss.record_decision(project, i, "fulltext", who, "include")
    assert ss.auto_studies(project) == {"Smith 2001": [1], "Smith 2001a": [2]}
    assert ss.auto_studies(project) == {}


def test_sheet_round_trip_and_errors(project: Project, tmp_path: Path) -> None:
    seed(project, 4)
    ss.record_decision(project, 1, "title", "A", "exclude")
    ss.record_decision(project, 1, "title", "B", "include")
    sheet = tmp_path / "A.csv"
    assert export_sheet(project, "A", "title", sheet) == 4
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    assert [r["decision"] for r in rows] == ["exclude", "", "", ""]  # only A's own decision shows
    rows[1]["decision"], rows[2]["decision"] = "i", "m"
    rows[3]["record_id"], rows[3]["decision"] = "", "e"  # matched by title
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    assert import_sheet(project, "A", "title", sheet) == 4
    assert {i: d.decision for i, d in ss.own_decisions(project, "A", "title").items()} == {
        1: "exclude",
        2: "include",
        3: "maybe",
        4: "exclude",
    }
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,decision\n2,include\n3,perhaps\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.csv, row 3, column 'decision': unknown decision 'perhaps'"):
        import_sheet(project, "B", "title", bad)
    assert ss.own_decisions(project, "B", "title").keys() == {1}  # nothing from the bad sheet stored


def test_terminal_screener_is_resumable(project: Project) -> None:
    seed(project, 3)
    shown: list[str] = []
    keys = iter(["x", "i", "q"])
    assert run_screener(project, "A", "title", key=lambda: next(keys), write=shown.append) == 1
    assert "0/3 screened" in shown[0] and "Trial A of rTMS" in shown[0] and "Abstract 0" in shown[0]
    assert shown[1] == "press i, e, m or q"
    keys = iter(["e", "m"])
    shown.clear()
    assert run_screener(project, "A", "title", key=lambda: next(keys), write=shown.append) == 2
    assert "1/3 screened" in shown[0] and "Trial B of rTMS" in shown[0]
    assert shown[-1] == "all 3 records screened at title stage by A"
    assert {i: d.decision for i, d in ss.own_decisions(project, "A", "title").items()} == {
        1: "include",
        2: "exclude",
        3: "maybe",
    }
    # full text: exclusion asks for a reason by number (one person screens this review)
    one_reviewer(project)
    ss.add_exclusion_reasons(project, ["Wrong population", "Not randomised"])
    keys = iter(["e", "2", "i"])
    assert run_screener(project, "A", "fulltext", key=lambda: next(keys), write=shown.append) == 2
    assert ss.own_decisions(project, "A", "fulltext")[1].reason == "Not randomised"


def test_agreement_pairs() -> None:
    decisions = [
        Decision(1, "title", r, d) for r, d in (("A", "include"), ("B", "include"), ("C", "exclude"))
    ]
    assert [(x.reviewer_a, x.reviewer_b, x.n) for x in agreement(decisions)] == [
        ("A", "B", 1),
        ("A", "C", 1),
        ("B", "C", 1),
    ]


def test_exclusion_reasons_from_review_file(tmp_path: Path) -> None:
    (tmp_path / "review.toml").write_text(
        '[screening]\nexclusion_reasons = ["Wrong population", "Not randomised"]\n', encoding="utf-8"
    )
    with Project(tmp_path) as project:
        ss.add_exclusion_reasons(project, ["Wrong dose"])
        assert ss.exclusion_reasons(project) == ["Wrong population", "Not randomised", "Wrong dose"]
    (tmp_path / "review.toml").write_text("[screening\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"review\.toml: not valid TOML"):
        Project(tmp_path)


def test_sheet_encoding_and_multiline_errors(project: Project, tmp_path: Path) -> None:
    seed(project, 2)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("record_id,decision,reason\n1,include,Réunion\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.csv: the sheet is not UTF-8 text"):
        import_sheet(project, "A", "title", latin)
    multi = tmp_path / "multi.csv"
    multi.write_text(
        'record_id,title,decision\n1,"a title\nover two lines",include\n7,x,include\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"multi\.csv, row 4: record 7 is not up for title screening"):
        import_sheet(project, "A", "title", multi)
    with pytest.raises(InputError, match="unknown decision 'accept'"):
        ss.resolve(project, 1, "title", "accept", by="C")


def test_two_reviewers_per_record_by_default(project: Project) -> None:
    seed(project, 3)
    ss.record_decision(project, 1, "title", "A", "include")
    ss.record_decision(project, 2, "title", "A", "exclude")
    snap = ss.snapshot(project, "title")
    assert snap.required == 2 and snap.waiting() == [1, 2] and set(snap.finals().values()) == {None}
    assert ss.eligible(project, "fulltext") == []  # nothing goes on to full text on one reviewer's word
    ss.record_decision(project, 1, "title", "B", "include")  # agreement of two: final
    ss.record_decision(project, 2, "title", "B", "include")  # disagreement: a conflict, not waiting
    snap = ss.snapshot(project, "title")
    assert snap.waiting() == [] and [i for i, _ in snap.conflicts()] == [2]
    assert snap.finals() == {1: ("include", None), 2: None, 3: None}
    assert ss.eligible(project, "fulltext") == [1]
    ss.record_decision(project, 3, "title", "A", "exclude")
    one_reviewer(project)  # a review screened by one person: one decision is final
    assert ss.snapshot(project, "title").finals()[3] == ("exclude", None)
    assert prisma_counts(project).records_excluded == 1
    (project.folder / "review.toml").write_text("[screening]\nreviewers_per_record = 0\n", encoding="utf-8")
    with pytest.raises(InputError, match="reviewers_per_record must be a whole number from 1 to 10; got 0"):
        ss.snapshot(project, "title")
