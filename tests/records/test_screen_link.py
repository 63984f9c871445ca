"""``evisynth screen link ID LABEL``: links only to an existing study unless ``--new`` is given, and suggests
the closest labels when the label matches none (a mistyped label used to create a new study silently)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evisynth.cli.main import main
from evisynth.examples.project import build_example_project
from evisynth.store import screening_store as ss


@pytest.fixture
def project_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int]:
    monkeypatch.delenv("EVISYNTH_DB_URL", raising=False)
    project = build_example_project(tmp_path, seed=2026)
    try:
        record = ss.studies(project)["Study 01"][1]  # the second report of Study 01
    finally:
        project.close()
    return tmp_path, record


def _studies(folder: Path) -> dict[str, list[int]]:
    from evisynth.store.project import Project

    project = Project(folder)
    try:
        return ss.studies(project)
    finally:
        project.close()


def test_mistyped_label_is_refused_with_suggestions(project_folder, capsys):
    folder, record = project_folder
    before = _studies(folder)
    assert main(["screen", "link", str(record), "Studdy 02", "--project", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no study is labelled 'Studdy 02'" in err and "did you mean 'Study 02'" in err and "--new" in err
    assert _studies(folder) == before  # nothing created, nothing moved


def test_existing_label_links_and_new_creates(project_folder, capsys):
    folder, record = project_folder
    assert main(["screen", "link", str(record), "Study 02", "--project", str(folder)]) == 0
    assert capsys.readouterr().out.strip() == f"record {record} -> study Study 02"
    assert record in _studies(folder)["Study 02"]
    assert main(["screen", "link", str(record), "Study 01 (extension)", "--new", "--project", str(folder)]) == 0
    assert capsys.readouterr().out.strip() == f"record {record} -> study Study 01 (extension) (new study)"
    assert _studies(folder)["Study 01 (extension)"] == [record]


def test_closest_labels():
    labels = ["Smith 2018", "Jones 2019", "Smyth 2019", "Brown 2001"]
    assert ss.closest_labels("Smith 2019", labels)[:2] == ["Smith 2018", "Smyth 2019"]
    assert ss.closest_labels("smith 2018", labels)[0] == "Smith 2018"  # case does not hide the match
    assert ss.closest_labels("Zzyzx", labels) == []
