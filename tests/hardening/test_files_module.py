"""evisynth.files: atomic writes, protected targets, the manifest, escaping, provenance."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evisynth.errors import InputError
from evisynth.files import (
    MANIFEST,
    OutputSet,
    atomic_open,
    check_output,
    csv_cell,
    csv_uncell,
    markdown_cell,
    markdown_text,
    provenance,
    redact_url,
    same_file,
    sweep_temporary,
    terminal_text,
    write_output,
    written_by_evisynth,
)
from evisynth.files.atomic import TMP_SUFFIX


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_atomic_open_leaves_old_file_and_no_temporary_on_error(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_open(target, "w") as fh:
        fh.write("half of the new content")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert _names(tmp_path) == ["out.txt"]
    with atomic_open(target, "w") as fh:
        fh.write("new")
    assert target.read_text() == "new" and _names(tmp_path) == ["out.txt"]


def test_stale_temporary_files_of_dead_processes_are_swept(tmp_path: Path) -> None:
    dead = tmp_path / f".x.csv.999999999.0123abcd{TMP_SUFFIX}"
    dead.write_text("left by a killed process")
    alive = tmp_path / f".x.csv.{os.getpid()}.0123abcd{TMP_SUFFIX}"
    alive.write_text("being written now")
    assert sweep_temporary(tmp_path) == [dead]
    assert alive.exists()


def test_inputs_are_never_overwritten_through_any_path(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("study,yi,vi\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.csv").symlink_to(data)
    os.link(data, tmp_path / "hard.csv")
    for alias in (data, tmp_path / "sub" / ".." / "d.csv", tmp_path / "link.csv", tmp_path / "hard.csv"):
        assert same_file(alias, data)
        with pytest.raises(InputError, match="is an input of this command"):
            check_output(alias, inputs=[data], force=True)
    assert data.read_text() == "study,yi,vi\n"


def test_own_outputs_are_refreshed_user_files_and_edits_protected(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("the user's file")
    with pytest.raises(InputError, match="not written by evisynth"):
        write_output(target, "{}")
    write_output(target, "{}", force=True)
    assert written_by_evisynth(target)
    write_output(target, '{"a": 1}')  # its own output: refreshed without --force
    target.write_text('{"a": 2}')  # edited by the user: theirs now
    assert not written_by_evisynth(target)
    with pytest.raises(InputError, match="or was changed since"):
        write_output(target, "{}")
    with pytest.raises(InputError, match="is a folder"):
        check_output(tmp_path)


def test_output_set_checks_everything_before_writing_anything(tmp_path: Path) -> None:
    out = tmp_path / "report"
    with OutputSet(out, by="report") as files:
        files.add("a.md", "A")
        files.add("figures/f.png", b"\x89PNG")
    assert (out / "figures" / "f.png").read_bytes() == b"\x89PNG"
    assert written_by_evisynth(out / "figures" / "f.png")  # listed in the root's manifest
    (out / "b.md").write_text("user's notes")
    files = OutputSet(out, by="report")
    files.add("a.md", "A2")
    with pytest.raises(InputError, match=r"b\.md"):
        files.add("b.md", "B")
    assert (out / "a.md").read_text() == "A"  # nothing written yet
    with OutputSet(out, by="report") as again:  # a.md only: figures/f.png is stale and evisynth's -> removed
        again.add("a.md", "A3")
    assert not (out / "figures" / "f.png").exists() and (out / "b.md").read_text() == "user's notes"
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file; expected a folder"):
        OutputSet(tmp_path / "file")
    with pytest.raises(InputError, match="must be a path inside"):
        OutputSet(out).add("../escape.txt", "x")
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.md", "b.md", "figures"]


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"), ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"),
    ("-1", "-1"), ("-0.25", "-0.25"), ("+3e-5", "+3e-5"), ("-", "-"), ("Smith 2020", "Smith 2020"), (-1.5, -1.5),
    (3, 3), (None, None), ("", ""),
])
def test_csv_cells_neutralise_formulas_and_keep_numbers(value: object, expected: object) -> None:
    assert csv_cell(value) == expected
    if isinstance(value, str):
        assert csv_uncell(csv_cell(value)) == value


def test_markdown_text_has_no_live_html_or_links() -> None:
    text = markdown_text('<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) P < 0.05')
    assert "<script" not in text and "<img" not in text and "](" not in text
    assert text.endswith("P < 0.05")
    assert markdown_cell("a|b\nc") == "a\\|b c"


def test_terminal_text_strips_escape_sequences_and_controls() -> None:
    hostile = "Title\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\\x9b31m\x08\u202eend\r"
    assert terminal_text(hostile) == "Titlelinkend"
    assert terminal_text("a\tb\nc\r", keep_cr=True) == "a\tb\nc\r"


@pytest.mark.parametrize("url, shown", [
    ("postgresql+psycopg://ann:s3cr%40t@db:5432/review", "postgresql+psycopg://ann:***@db:5432/review"),
    ("error at 'postgresql://u:pw@h/db': refused", "error at 'postgresql://u:***@h/db': refused"),
    ("postgresql://h/db?user=u&password=pw", "postgresql://h/db?user=u&password=***"),
    ("sqlite:////tmp/x/evisynth.db", "sqlite:////tmp/x/evisynth.db"),
])
def test_passwords_in_database_urls_are_redacted(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_provenance_is_reproducible(tmp_path: Path) -> None:
    p = tmp_path / "d.csv"
    p.write_bytes(b"abc")
    doc = provenance({"method": "REML"}, [p, tmp_path / "missing.csv"])
    assert doc["inputs"] == [{"path": str(p), "bytes": 3,
                              "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}]
    assert provenance({"method": "REML"}, [p]) == doc
