"""The import, dedupe, screen and prisma commands, end to end on a project folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evisynth.cli.main import main

DATA = Path(__file__).parent / "data"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("EVISYNTH_DB_URL", raising=False)
    for name in ("embase.ris", "pubmed.nbib", "wos.txt", "generic.csv", "broken.ris"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def cli(folder: Path, *args: str) -> int:
    return main([*args, "--project", str(folder)])


def test_full_workflow(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli(folder, "import", str(folder / "embase.ris")) == 0
    assert "embase.ris: imported 3 records from Embase (ris) as batch 1" in capsys.readouterr().out
    assert cli(folder, "import", str(folder / "embase.ris")) == 0
    assert "identical to batch 1" in capsys.readouterr().out
    assert cli(folder, "import", str(folder / "pubmed.nbib")) == 0
    assert cli(folder, "import", str(folder / "wos.txt"), "--source", "WoS Core Collection") == 0
    capsys.readouterr()
    # a CSV does not say where it came from
    assert cli(folder, "import", str(folder / "generic.csv")) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        f"evisynth import: error: {folder / 'generic.csv'}: cannot tell which database this "
        "export came from; pass --source NAME"
    )
    assert cli(folder, "import", str(folder / "broken.ris"), "--source", "Scopus") == 0
    out = capsys.readouterr()
    assert "imported 2 records from Scopus (ris) as batch 4, 4 skipped" in out.out
    assert f"warning: {folder / 'broken.ris'}, line 7: record has no title; skipped" in out.err

    assert cli(folder, "import", "--list") == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith("batch 1: Embase, embase.ris (ris), 3 records, imported ")
    assert listing[-1] == "4 batches, 9 records"
    assert cli(folder, "dedupe") == 0
    assert "compared 9 records: 3 duplicates merged" in capsys.readouterr().out
    assert cli(folder, "dedupe", "merges") == 0
    assert "3 active merges" in capsys.readouterr().out
    assert cli(folder, "dedupe", "undo", "99") == 2
    assert capsys.readouterr().err.strip() == "evisynth dedupe: error: no merge with id 99"

    assert cli(folder, "prisma", "--out", str(folder / "out")) == 2
    assert "records have no final title/abstract decision" in capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("i\ne\ni\ne\ne\ne\n"))
    assert cli(folder, "screen", "--reviewer", "A", "--stage", "title") == 0
    assert "all 6 records screened at title stage by A" in capsys.readouterr().out
    # two reviewers per record by default: A's decisions alone wait for a second reviewer
    assert cli(folder, "screen", "conflicts", "--stage", "title") == 0
    assert "0 conflicts at title stage; 6 records waiting for another reviewer (2 reviewers per record)" in (
        capsys.readouterr().out)
    # this review is screened by one person: the review file says so
    (folder / "review.toml").write_text("[screening]\nreviewers_per_record = 1\n", encoding="utf-8")
    assert cli(folder, "screen", "reasons", "Wrong population") == 0
    assert (
        cli(
            folder,
            "screen",
            "export",
            "--reviewer",
            "A",
            "--stage",
            "fulltext",
            "--out",
            str(folder / "ft.csv"),
        )
        == 0
    )
    assert "wrote 2 records" in capsys.readouterr().out
    sheet = (folder / "ft.csv").read_text(encoding="utf-8").splitlines()
    first_id, second_id = (line.split(",")[0] for line in sheet[1:])
    (folder / "ft.csv").write_text(
        f"record_id,decision,reason\n{first_id},include,\n{second_id},exclude,Wrong population\n",
        encoding="utf-8",
    )
    assert (
        cli(folder, "screen", "import", str(folder / "ft.csv"), "--reviewer", "A", "--stage", "fulltext") == 0
    )
    assert cli(folder, "screen", "studies", "--auto") == 0
    assert cli(folder, "screen", "kappa") == 0
    capsys.readouterr()
    assert cli(folder, "prisma", "--out", str(folder / "out")) == 0
    written = capsys.readouterr().out.split()
    assert [Path(p).name for p in written] == ["prisma.svg", "prisma.png", "prisma.pdf", "prisma.json"]
    assert '"new_studies": 1' in (folder / "out" / "prisma.json").read_text(encoding="utf-8")


def test_unknown_stage_is_one_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(folder, "screen", "--reviewer", "A", "--stage", "abstracts") == 2
    assert capsys.readouterr().err.strip() == (
        "evisynth screen: error: unknown screening stage 'abstracts'; accepted: title, fulltext"
    )
