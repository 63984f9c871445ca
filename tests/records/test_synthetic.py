"""The SYNTHETIC example search of the rTMS review builds a project whose PRISMA diagram adds up."""

from __future__ import annotations

from pathlib import Path

from evisynth.examples.project import build_example_project
from evisynth.examples.search import write_example_search
from evisynth.examples.synthetic_records import EXAMPLE_STUDIES, SYNTHETIC_NOTE
from evisynth.io.detect import read_export
from evisynth.store.prisma_store import prisma_counts
from evisynth.store.screening_store import kappa, studies


def test_example_search_files(tmp_path: Path) -> None:
    written = write_example_search(tmp_path, seed=1)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".evisynth-manifest.json") == [
        "SYNTHETIC_README.txt",
        "central.csv",
        "embase.ris",
        "pubmed.nbib",
        "screening",
        "wos.txt",
    ]
    assert SYNTHETIC_NOTE in (tmp_path / "SYNTHETIC_README.txt").read_text(encoding="utf-8")
    formats = {
        name: read_export(written[name]).result.format
        for name in ("Embase", "PubMed", "Web of Science", "CENTRAL")
    }
    assert formats == {"Embase": "ris", "PubMed": "medline", "Web of Science": "wos", "CENTRAL": "csv"}
    assert all(
        r.doi.startswith("10.99999/synthetic.") or not r.doi
        for r in read_export(written["Embase"]).result.records
    )
    again = tmp_path / "again"
    write_example_search(again, seed=1)
    assert (again / "embase.ris").read_bytes() == (tmp_path / "embase.ris").read_bytes()  # deterministic


def test_example_project_gives_13_studies(tmp_path: Path) -> None:
    project = build_example_project(tmp_path, seed=2024)
    try:
        counts = prisma_counts(project)
        counts.check()
        assert (counts.new_studies, counts.new_reports) == (13, 16)
        assert (counts.records_screened, counts.records_excluded) == (279, 240)
        assert (counts.dbr_sought_reports, counts.dbr_notretrieved_reports, counts.dbr_assessed) == (
            39,
            2,
            37,
        )
        assert sum(counts.dbr_excluded.values()) == 21
        assert counts.database_results - counts.duplicates == 279
        assert set(counts.database_specific_results) == {"Embase", "PubMed", "Web of Science", "CENTRAL"}
        assert sorted(studies(project)) == sorted(label for label, _ in EXAMPLE_STUDIES)
        assert sum(n for _, n in EXAMPLE_STUDIES) == 18
        (title_kappa,) = kappa(project, "title")
        assert title_kappa.n == 279 and 0.5 < title_kappa.kappa < 1.0
    finally:
        project.close()


def test_example_project_with_the_data_files_labels(tmp_path: Path) -> None:
    labels = tuple((f"Trial {c}", 1) for c in "AB")
    project = build_example_project(tmp_path, seed=3, studies=labels)
    try:
        counts = prisma_counts(project)
        counts.check()
        assert (counts.new_studies, counts.new_reports) == (2, 4)
        assert sorted(studies(project)) == ["Trial A", "Trial B"]
    finally:
        project.close()
