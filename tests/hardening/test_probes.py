"""Every probe of issue #13 (overwriting, injection, tracebacks, smaller defects), run as a user would."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import evisynth
from evisynth import format as fmt
from evisynth.batch import batch_meta_analysis, fit_grouped, from_long
from evisynth.cli.main import main
from evisynth.errors import InputError
from evisynth.records.model import Citation, ParseResult
from evisynth.store.project import Project

TABLE = "study,yi,vi,region\nA,0.10,0.010,EU\nB,0.30,0.020,US\nC,0.25,0.015,EU\nD,0.05,0.030,US\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    p = tmp_path / "d.csv"
    p.write_text(TABLE)
    return p


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().err


# ---------------------------------------------------------------- 1. data loss by overwriting
def test_analyze_json_never_replaces_its_data(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(data), "--json", str(data), "--force"]) == 2
    assert "is an input of this command" in _err(capsys)
    assert data.read_text() == TABLE
    link = data.with_name("alias.csv")
    link.symlink_to(data)
    assert main(["analyze", str(data), "--json", str(link), "--force"]) == 2
    assert data.read_text() == TABLE


def test_analyze_json_refreshes_its_own_output_only(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = data.with_name("a.json")
    assert main(["analyze", str(data), "--json", str(out)]) == 0
    assert main(["analyze", str(data), "--json", str(out), "--method", "DL"]) == 0
    assert json.loads(out.read_text())["settings"]["method"] == "DL"
    out.write_text("my notes")
    assert main(["analyze", str(data), "--json", str(out)]) == 2
    assert "--force" in _err(capsys) and out.read_text() == "my notes"


def test_batch_never_replaces_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text("g,yi,vi\na,0.1,0.01\na,0.2,0.02\n")
    assert main(["batch", str(src), "--group", "g", "--out", str(src), "--force"]) == 2
    assert src.read_text() == "g,yi,vi\na,0.1,0.01\na,0.2,0.02\n"
    user = tmp_path / "results.csv"
    user.write_text("keep me")
    assert main(["batch", str(src), "--group", "g", "--out", str(user)]) == 2
    assert user.read_text() == "keep me"
    assert main(["batch", str(src), "--group", "g", "--out", str(user), "--force"]) == 0
    assert main(["batch", str(src), "--group", "g", "--out", str(user)]) == 0  # now evisynth's own


def _project(folder: Path, titles: list[str]) -> None:
    records = tuple(Citation(title=t, authors=("Doe, J",), year=2020) for t in titles)
    with Project(folder) as project:
        project.import_records(ParseResult("ris", records), database="Embase", file_name="e.ris", sha256="e" * 64)


def test_screen_export_never_replaces_a_sheet_or_the_database(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path, ["Trial one", "Trial two"])
    sheet = tmp_path / "decisions.csv"
    sheet.write_text("record_id,decision\n" + "".join(f"{i},include\n" for i in range(50_000)))
    before = sheet.read_bytes()
    base = ["screen", "export", "--reviewer", "A", "--stage", "title", "--project", str(tmp_path)]
    assert main([*base, "--out", str(sheet)]) == 2
    assert sheet.read_bytes() == before
    assert main([*base, "--out", str(tmp_path / "evisynth.db"), "--force"]) == 2
    assert "is an input of this command" in _err(capsys)
    assert main([*base, "--out", str(tmp_path / "mine.csv")]) == 0
    assert main([*base, "--out", str(tmp_path / "mine.csv")]) == 0


def test_report_out_dir_keeps_the_users_files(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = data.with_name("rep")
    out.mkdir()
    (out / "report.md").write_text("my draft")
    args = ["report", str(data), "--out", str(out), "--dpi", "50"]
    assert main(args) == 2
    assert "report.md" in _err(capsys)
    assert sorted(p.name for p in out.iterdir()) == ["report.md"]  # nothing written at all
    assert main([*args, "--force"]) == 0
    assert main(args) == 0  # its own, unchanged: refreshed
    assert main(["report", str(data), "--out", str(data), "--dpi", "50"]) == 2  # report --out EXISTING_FILE
    assert "is a file; expected a folder" in _err(capsys)


def test_summarize_keeps_edited_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path)]) == 0
    review, out = tmp_path / "review.toml", tmp_path / "summary"
    assert main(["summarize", str(review), "--out", str(out), "--no-docx"]) in (0, 1)
    assert main(["summarize", str(review), "--out", str(out), "--no-docx"]) in (0, 1)
    (out / "sof.md").write_text("edited by hand")
    assert main(["summarize", str(review), "--out", str(out), "--no-docx"]) == 2
    assert (out / "sof.md").read_text() == "edited by hand"
    assert main(["summarize", str(review), "--out", str(tmp_path), "--no-docx", "--force"]) in (0, 1)
    assert "review.toml" in review.read_text() or review.read_text().startswith("#")  # never replaced


# ---------------------------------------------------------------- 2. injection
HOSTILE = '=HYPERLINK("http://evil.example","click") <script>alert(1)</script>\x1b]0;pwned\x07'


def test_screen_export_neutralises_formulas_and_import_reads_them_back(tmp_path: Path) -> None:
    _project(tmp_path, [HOSTILE, "-5 mg dose trial", "@risk study"])
    sheet = tmp_path / "s.csv"
    assert main(["screen", "export", "--reviewer", "A", "--stage", "title", "--project", str(tmp_path),
                 "--out", str(sheet)]) == 0
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    assert {r["title"][:2] for r in rows} == {"'=", "'-", "'@"}
    for r in rows:
        r["record_id"], r["decision"] = "", "include"  # a sheet matched by title only
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert main(["screen", "import", str(sheet), "--reviewer", "A", "--stage", "title", "--project",
                 str(tmp_path)]) == 0


def test_batch_group_labels_are_neutralised(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('g,yi,vi\n"=1+1",0.1,0.01\n"=1+1",0.2,0.02\n-3,0.1,0.01\n-3,0.3,0.02\n')
    out = tmp_path / "out.csv"
    assert main(["batch", str(src), "--group", "g", "--out", str(out)]) == 0
    assert [r["g"] for r in csv.DictReader(out.open())] == ["'=1+1", "-3"]


def test_markdown_outputs_carry_no_live_html(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("study,yi,vi,region\n" + "".join(
        f"\"<img src=x onerror=alert({i})>{i}\",{0.1 * i},0.01,\"<script>x</script>{i % 2}\"\n" for i in range(4)))
    assert main(["report", str(data), "--out", str(tmp_path / "r"), "--dpi", "50", "--subgroup", "region"]) == 0
    md = (tmp_path / "r" / "report.md").read_text()
    assert "<img" not in md and "<script" not in md and "&lt;img" in md
    html = (tmp_path / "r" / "report.html").read_text()
    assert "<img src=x" not in html and "<script>x" not in html


def test_terminal_output_has_no_control_sequences(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.csv"
    data.write_text("study,yi,vi\n\"A\x1b]0;pwned\x07\x1b[31m\",0.1,0.01\nB,0.2,0.02\nC,0.3,0.03\n")
    assert main(["analyze", str(data)]) == 0
    _project(tmp_path, [HOSTILE])
    assert main(["dedupe", "list", "--project", str(tmp_path)]) == 0
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "\x07" not in out.out + out.err


def test_database_password_is_not_echoed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "nosuchdriver+x://alice:hunter2@db.invalid/review"
    assert main(["dedupe", "list", "--project", str(tmp_path), "--db", url]) == 2
    err = _err(capsys)
    assert "hunter2" not in err and "alice:***@" in err


# ---------------------------------------------------------------- 3. tracebacks
def test_round_half_up_and_formatting_of_huge_numbers() -> None:
    assert fmt.round_half_up(1e300, 2) == 1e300 and fmt.round_half_up(-1.7e308, 4) == -1.7e308
    assert fmt.format_number(1e300) == "1.00e+300" and fmt.format_number(-2.5e16, 4) == "-2.50e+16"
    assert fmt.format_number(999999999999999.0) == "999999999999999.00"  # fixed-point below 1e15
    assert fmt.format_number(float("inf")) == "Inf" and fmt.round_half_up(float("nan"), 2) != 0


def test_analyze_huge_values_writes_its_document(tmp_path: Path) -> None:
    data = tmp_path / "huge.csv"  # Q = 2.1e120: its text used to raise decimal.InvalidOperation
    data.write_text("study,yi,vi\nA,1e40,1e-40\nB,-1e40,1e-40\nC,5e39,2e-40\n")
    out = tmp_path / "a.json"
    assert main(["analyze", str(data), "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["heterogeneity"]["q"] == pytest.approx(2.1e120) and doc["text"]["heterogeneity"].startswith("Hetero")
    assert main(["analyze", str(data)]) == 0
    # beyond what double precision can pool (Q > 1e150): refused in one line by the engine
    data.write_text("study,yi,vi\nA,1e50,1e-50\nB,-1e50,1e-50\nC,5e49,2e-50\n")
    assert main(["analyze", str(data), "--json", str(tmp_path / "c.json")]) == 2
    beyond = tmp_path / "beyond.csv"
    beyond.write_text("study,yi,vi\nA,1e300,1\nB,-1e300,1\nC,5e299,2\n")
    assert main(["analyze", str(beyond), "--json", str(tmp_path / "b.json")]) == 2  # one line, not NaN


def test_pool_and_batch_entry_points_refuse_bad_arrays_in_one_line() -> None:
    cases = [lambda: evisynth.pool([0.1, 0.2, 0.3], [0.1, 0.2]), lambda: evisynth.pool(0.5, 0.1),
             lambda: evisynth.pool(["a", "b"], [0.1, 0.2]), lambda: evisynth.pool([[0.1], [0.2, 0.3]], [0.1, 0.2]),
             lambda: batch_meta_analysis([[0.1, 0.2]], [[0.1, 0.2]], mask=[True, False, True]),
             lambda: batch_meta_analysis([["x"]], [[0.1]]), lambda: batch_meta_analysis(0.1, 0.1),
             lambda: fit_grouped(np.array([0, 0, 1]), np.array([0.1, 0.2]), np.array([0.1, 0.2, 0.3]), 2)]
    for case in cases:
        with pytest.raises(InputError):
            case()


def test_from_long_with_a_text_effect_column() -> None:
    df = pd.DataFrame({"group": ["a", "a"], "yi": ["0.1", "big"], "vi": [0.1, 0.2]})
    with pytest.raises(InputError, match="row 2, column 'yi': needs a number; got 'big'"):
        from_long(df)


def test_report_on_many_studies_draws_a_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evisynth.report import figures

    monkeypatch.setattr(figures, "MAX_STUDY_ROWS", 20)
    rng = np.random.default_rng(3)
    data = tmp_path / "many.csv"
    data.write_text("study,yi,vi\n" + "".join(f"S{i},{rng.normal():.3f},{rng.uniform(0.01, 0.1):.3f}\n"
                                              for i in range(60)))
    assert main(["report", str(data), "--out", str(tmp_path / "r"), "--dpi", "50"]) == 0
    figs = sorted(p.name for p in (tmp_path / "r" / "figures").iterdir())
    assert figs == ["funnel.png", "radial.png"]
    assert "are not drawn for 60 studies" in (tmp_path / "r" / "report.md").read_text()


def test_importing_junk_caps_repeated_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.ris"
    junk.write_text("".join(f"garbage line {i}\n" for i in range(20_000)))
    assert main(["import", str(junk), "--project", str(tmp_path), "--source", "X"]) == 2
    err = _err(capsys).splitlines()
    assert len(err) < 20
    assert any("19,995 more like this" in line for line in err)


# ---------------------------------------------------------------- 4. smaller
def test_utf16_without_bom(tmp_path: Path) -> None:
    ris = tmp_path / "u.ris"
    ris.write_bytes("TY  - JOUR\nTI  - Trial\nER  - \n".encode("utf-16-le"))
    assert main(["import", str(ris), "--project", str(tmp_path), "--source", "X"]) == 0
    table = tmp_path / "t.csv"
    table.write_bytes(TABLE.encode("utf-16-be"))
    assert evisynth.meta_analysis(table).k == 4


def test_nul_byte_in_a_header_is_named(tmp_path: Path) -> None:
    p = tmp_path / "n.csv"
    p.write_bytes(b"stu\x00dy,yi,vi\nA,0.1,0.01\n")
    with pytest.raises(InputError, match="header row contains a NUL byte"):
        evisynth.read_study_table(p)


def test_batch_refuses_an_empty_group_label(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text("g,yi,vi\na,0.1,0.01\n,0.2,0.02\n")
    assert main(["batch", str(src), "--group", "g", "--out", str(tmp_path / "o.csv")]) == 2
    assert "empty group label" in _err(capsys)
    assert not (tmp_path / "o.csv").exists()


def test_screening_sheet_with_one_record_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path, ["Trial one", "Trial two"])
    sheet = tmp_path / "s.csv"
    sheet.write_text("record_id,decision\n1,include\n2,exclude\n1,exclude\n")
    args = ["screen", "import", str(sheet), "--reviewer", "A", "--stage", "title", "--project", str(tmp_path)]
    assert main(args) == 2
    assert "record 1 has two different decisions" in _err(capsys)
    sheet.write_text("record_id,decision\n1,include\n1,include\n")  # the same decision twice is harmless
    assert main(args) == 0


def test_subgroup_note_without_extra_columns(tmp_path: Path) -> None:
    p = tmp_path / "d.csv"
    p.write_text("study,yi,vi\nA,0.1,0.01\nB,0.2,0.02\n")
    with pytest.raises(InputError) as info:
        evisynth.meta_analysis(p, subgroup="region")
    assert "available: none" not in str(info.value) and "add a column" in str(info.value)


def test_excel_formula_without_cached_value(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["study", "yi", "vi"], ["A", 0.1, 0.01], ["B", "=0.1+0.1", 0.02], ["C", 0.3, 0.01]):
        ws.append(row)
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(InputError, match=r"'=0\.1\+0\.1' is a formula without a saved result"):
        evisynth.read_study_table(tmp_path / "f.xlsx")


# ---------------------------------------------------------------- provenance (#17 section 2)
def test_provenance_in_every_document(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    assert main(["analyze", str(data), "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    prov = doc["provenance"]
    assert prov["evisynth_version"] == evisynth.__version__ and prov["settings"] == doc["settings"]
    assert prov["inputs"] == [{"path": str(data), "sha256": __import__("hashlib").sha256(data.read_bytes()).hexdigest(),
                               "bytes": len(TABLE)}]
    assert evisynth.load_analysis(out).to_dict() == doc  # round trip keeps it
    first = out.read_bytes()
    assert main(["analyze", str(data), "--json", str(out)]) == 0
    assert out.read_bytes() == first  # no timestamps: reproducible
    src = tmp_path / "in.parquet"
    pd.DataFrame({"g": ["a", "a"], "yi": [0.1, 0.2], "vi": [0.01, 0.02]}).to_parquet(src)
    assert main(["batch", str(src), "--group", "g", "--out", str(tmp_path / "o.parquet")]) == 0
    import pyarrow.parquet as pq

    meta = json.loads(pq.read_schema(tmp_path / "o.parquet").metadata[b"evisynth"])
    assert meta["inputs"][0]["sha256"] and meta["settings"]["method"] == "REML"


@pytest.mark.slow
def test_demo_refreshes_its_own_folder_and_keeps_yours(tmp_path: Path) -> None:
    from evisynth.api.demo import run_demo

    out = tmp_path / "demo"
    run_demo(out, progress=None, later_stages=False)
    run_demo(out, progress=None, later_stages=False)  # its own files: refreshed
    (out / "notes.txt").write_text("mine")
    (out / "demo.json").write_text("edited")
    with pytest.raises(InputError, match=r"demo\.json"):
        run_demo(out, progress=None, later_stages=False)
    assert (out / "demo.json").read_text() == "edited" and (out / "notes.txt").read_text() == "mine"
    run_demo(out, progress=None, later_stages=False, force=True)
    assert json.loads((out / "demo.json").read_text())["synthetic"] is True
