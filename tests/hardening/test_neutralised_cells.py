"""A table evisynth wrote with formula cells neutralised ("'=x", OWASP's CSV-injection rule) reads back
as typed: the study-table reader undoes exactly what evisynth.files.csv_cell did, nothing else."""

from __future__ import annotations

from pathlib import Path

from evisynth.io.tabular import read_study_table


def test_neutralised_labels_read_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text("study,yi,sei\n'=HYPERLINK(1),0.1,0.2\n'@home,-0.2,0.3\nO'Brien 2001,0.0,0.1\n'quoted,0.3,0.2\n",
                    encoding="utf-8")
    table = read_study_table(path)
    assert list(table.study) == ["=HYPERLINK(1)", "@home", "O'Brien 2001", "'quoted"]
