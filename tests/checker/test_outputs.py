"""``evisynth check`` at its edges (#13, #16): nothing overwritten, atomic writes, clean terminal,
deep JSON refused, the HTML and JSON formats, folders, PDF sources."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from evisynth.check import check_text
from evisynth.check.view import html_fragment
from evisynth.cli.main import main

SUMMARY = "rTMS significantly improved ADL (SMD = 0.31, 95% CI -0.06 to 0.67, P = 0.10).\n"


def _one_line(err: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err


def test_no_output_replaces_the_summary_or_the_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = tmp_path / "s.txt"
    s.write_text(SUMMARY)
    src = tmp_path / "src.txt"
    src.write_text("SMD 0.31 (95% CI -0.06 to 0.67)")
    for argv in (
        ["check", str(s), "--json", str(s)],
        ["check", str(s), "--out", str(s), "--force"],
        ["check", str(s), "--against", str(src), "--json", str(src), "--force"],
        ["check", str(s), "--json", str(tmp_path / "o.json"), "--out", str(tmp_path / "o.json")],
    ):
        assert main(argv) == 2
        _one_line(capsys.readouterr().err)
    assert s.read_text() == SUMMARY and src.read_text().startswith("SMD")


def test_a_users_file_needs_force_and_our_own_output_is_refreshed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = tmp_path / "s.txt"
    s.write_text(SUMMARY)
    mine = tmp_path / "notes.json"
    mine.write_text('{"my": "notes"}')
    assert main(["check", str(s), "--json", str(mine)]) == 2
    assert "--force" in capsys.readouterr().err and mine.read_text() == '{"my": "notes"}'
    assert main(["check", str(s), "--json", str(mine), "--force"]) == 1
    assert list(json.loads(mine.read_text())) == ["claims", "findings"]
    assert main(["check", str(s), "--json", str(mine)]) == 1  # written by evisynth: refreshed without --force
    for fmt, name in (("html", "r.html"), ("text", "r.txt"), ("json", "r.json")):
        out = tmp_path / name
        assert main(["check", str(s), "--format", fmt, "--out", str(out)]) == 1
        assert main(["check", str(s), "--format", fmt, "--out", str(out)]) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary files left
    capsys.readouterr()


def test_deeply_nested_json_source_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = tmp_path / "s.txt"
    s.write_text("MD 0.2 (95% CI 0.1 to 0.3)")
    for depth in (100, 100_000):
        deep = tmp_path / f"deep{depth}.json"
        deep.write_text("[" * depth + "]" * depth)
        assert main(["check", str(s), "--against", str(deep)]) == 2
        err = capsys.readouterr().err
        _one_line(err)
        assert "nests JSON deeper" in err
    with pytest.raises(Exception, match="deeper"):
        nested: list = []
        for _ in range(200):
            nested = [nested]
        check_text("MD 0.2 (95% CI 0.1 to 0.3)", nested)


def test_terminal_output_strips_control_sequences(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = tmp_path / "s\x1b[31mred.txt"
    s.write_text("\x1b]8;;http://evil\x07Click\x1b]8;;\x07 \x1b[2J significantly (MD 0.3,\x1b[2J 95% CI -0.1 to 0.7)")
    main(["check", str(s)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "sred.txt" in out and "95% CI -0.1 to 0.7" in out


def test_html_view_highlights_escapes_and_is_keyboard_reachable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = check_text('<img src=x onerror="alert(1)"> significantly better (MD 0.3, 95% CI -0.1 to 0.7)', html=False)
    frag = html_fragment(result)
    assert "<img" not in frag and "&lt;img" in frag
    assert frag.count('tabindex="0"') == len({(f.start, f.end) for f in result.findings})
    assert 'data-reason="error (significance_language)' in frag and "aria-describedby=" in frag
    s = tmp_path / "s.html"
    s.write_text("<p>x <script>alert(1)</script> significantly (MD 0.3, 95% CI -0.1 to 0.7)</p>")
    assert main(["check", str(s), "--format", "html"]) == 1
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>") and "<script>" not in page and "<mark" in page


def test_format_json_is_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = tmp_path / "s.txt"
    s.write_text(SUMMARY)
    assert main(["check", str(s), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["claims", "findings"]
    assert list(data["findings"][0]) == ["severity", "kind", "start", "end", "message", "claim"]


def test_folder_pairs_summaries_with_sources_and_writes_one_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.summary.txt").write_text("Falls fell (RR 0.77, 95% CI 0.71 to 0.83).")
    (tmp_path / "a.source.txt").write_text("Exercise reduced falls (risk ratio 0.77, 95% CI 0.71 to 0.83).")
    (tmp_path / "=cmd.summary.md").write_text("Pain fell (MD -0.5, 95% CI -0.9 to -0.1, P = 0.40).")
    (tmp_path / "notes.txt").write_text("ignored")
    assert main(["check", str(tmp_path)]) == 1
    printed = capsys.readouterr().out
    assert "a.summary.txt" in printed and "2 summaries" in printed
    rows = list(csv.reader((tmp_path / "evisynth-check.csv").open()))
    assert rows[0][:3] == ["summary", "source", "status"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["a.summary.txt"][1:3] == ["a.source.txt", "ok"]
    assert by_name["'=cmd.summary.md"][2] == "errors"  # a formula-like cell is neutralised
    assert main(["check", str(tmp_path)]) == 1  # our own table is refreshed
    capsys.readouterr()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["check", str(empty)]) == 2
    _one_line(capsys.readouterr().err)


def test_pdf_source_is_read(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    matplotlib = pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure  # no pyplot: other tests check it is never imported

    from evisynth.check.check import check_file

    with matplotlib.rc_context({"pdf.fonttype": 42}):  # TrueType text, extractable
        fig = Figure(figsize=(8, 2))
        fig.text(0.02, 0.7, "Exercise reduced falls (rate ratio 0.77, 95% CI 0.71 to 0.83;")
        fig.text(0.02, 0.5, "moderate-certainty evidence). Pain: MD = − 0.41 (95% CI −0.80 to −0.02).")
        fig.savefig(tmp_path / "source.pdf")
    s = tmp_path / "s.txt"
    s.write_text(
        "Exercise probably reduces falls (rate ratio 0.77, 95% CI 0.71 to 0.83). Pain: MD = -0.41 (95% CI -0.80 to -0.02)."
    )
    assert check_file(s, tmp_path / "source.pdf").findings == ()
    s.write_text(
        "Exercise clearly reduces falls (rate ratio 0.77, 95% CI 0.71 to 0.83). Pain: MD = -0.14 (95% CI -0.80 to -0.02)."
    )
    kinds = {f.kind for f in check_file(s, tmp_path / "source.pdf").findings}
    assert {"certainty_language", "not_in_source"} <= kinds
