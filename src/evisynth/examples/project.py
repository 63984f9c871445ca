"""Building the SYNTHETIC example project of the rTMS review (see :mod:`evisynth.examples.synthetic_records`)."""

from __future__ import annotations

import csv
from pathlib import Path

from evisynth.errors import InputError
from evisynth.records.normalise import normalise_doi, normalise_pmid, normalise_title
from evisynth.store.project import Project


def _match(project: Project, rows: list[dict[str, str]], name: str) -> list[tuple[int, dict[str, str]]]:
    citations = project.citations()
    by_doi = {c.doi: i for i, c in citations.items() if c.doi}
    by_pmid = {c.pmid: i for i, c in citations.items() if c.pmid}
    by_title = {normalise_title(c.title): i for i, c in citations.items()}
    out = []
    for line, row in enumerate(rows, start=2):
        found = (
            by_doi.get(normalise_doi(row.get("doi", "")))
            or by_pmid.get(normalise_pmid(row.get("pmid", "")))
            or by_title.get(normalise_title(row.get("title", "")))
        )
        if found is None:
            raise InputError("no record matches this row", file=name, row=line)
        out.append((found, row))
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def apply_example_screening(project: Project, folder: str | Path, by: str = "A") -> None:
    """Load the screening files written by :func:`~evisynth.examples.search.write_example_search`:
    exclusion reasons, both reviewers' sheets, resolutions, reports not retrieved and studies."""
    from evisynth.store import screening_store as ss
    from evisynth.store.sheets import import_sheet

    screening = Path(folder) / "screening"
    ss.add_exclusion_reasons(project, (screening / "exclusion_reasons.txt").read_text("utf-8").splitlines())
    for stage in ("title", "fulltext"):
        if stage == "fulltext":
            for record_id, _ in _match(project, _rows(screening / "not_retrieved.csv"), "not_retrieved.csv"):
                ss.set_retrieved(project, record_id, False, "synthetic: not retrieved")
        for reviewer in ("A", "B"):
            import_sheet(project, reviewer, stage, screening / f"{stage}_{reviewer}.csv")
        resolutions = [r for r in _rows(screening / "resolutions.csv") if r["stage"] == stage]
        for record_id, row in _match(project, resolutions, "resolutions.csv"):
            ss.resolve(
                project,
                record_id,
                stage,
                row["decision"],
                by=by,
                reason=row["reason"] or None,
                note="synthetic example",
            )
    for record_id, row in _match(project, _rows(screening / "studies.csv"), "studies.csv"):
        ss.link_report(project, record_id, row["study"], new=True)


def build_example_project(
    folder: str | Path,
    seed: int = 2024,
    url: str | None = None,
    studies: tuple[tuple[str, int], ...] | None = None,
    force: bool = False,
) -> Project:
    """Write the SYNTHETIC example search into ``folder``, import it, deduplicate and screen it.

    ``studies`` gives (label, comparisons) of the included studies (default
    :data:`~evisynth.examples.synthetic_records.EXAMPLE_STUDIES`, 13 studies). Returns the open
    :class:`Project` (close it when done); its PRISMA counts show one included study per label.
    """
    from evisynth.examples.search import write_example_search
    from evisynth.io.detect import read_export

    folder = Path(folder)
    written = (write_example_search(folder, seed, studies=studies, force=force) if studies
               else write_example_search(folder, seed, force=force))
    project = Project(folder, url)
    for database in ("Embase", "PubMed", "Web of Science", "CENTRAL"):
        export = read_export(written[database])
        project.import_records(
            export.result, database=database, file_name=written[database].name, sha256=export.sha256
        )
    project.dedupe()
    apply_example_screening(project, folder)
    return project
