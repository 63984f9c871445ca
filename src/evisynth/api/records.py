"""Search records of a review project: import, deduplication, screening, studies and PRISMA counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evisynth.files import redact_url
from evisynth.io.detect import decode, infer_database, read_export
from evisynth.plots.prisma import save_prisma
from evisynth.records.model import Citation
from evisynth.records.screening import label as screening_label
from evisynth.records.screening import parse_decision, parse_stage
from evisynth.store import screening_store as screening
from evisynth.store.engine import REVIEW_FILES, create_engine, database_url, find_project_folder
from evisynth.store.migrations import DatabaseStatus, status, upgrade_sql
from evisynth.store.prisma_store import prisma_counts
from evisynth.store.project import Project
from evisynth.store.sheets import export_sheet, import_sheet

__all__ = ["Citation", "DatabaseStatus", "Project", "database_status", "database_upgrade_sql",
           "decode", "export_sheet", "import_sheet", "infer_database", "parse_decision",
           "parse_stage", "prisma_counts", "project_inputs", "project_provenance", "read_export", "save_prisma",
           "screening", "screening_label", "write_prisma"]


def project_inputs(project: Project) -> list[Path]:
    """The project's own files, which no output may replace: its SQLite database (with its journal
    files) and its review file."""
    files = [project.folder / name for name in REVIEW_FILES]
    if project.url.startswith("sqlite:///"):
        db = Path(project.url[len("sqlite:///"):])
        files += [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    return files


def project_provenance(project: Project, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Provenance of a document made from the store: version, ``settings`` and, as inputs, every
    imported export file (name, SHA-256, database, records; ``bytes`` is not stored)."""
    from evisynth._version import __version__

    inputs = [{"path": b.file_name, "sha256": b.sha256, "bytes": None, "database": b.database,
               "records": b.record_count} for b in project.batches()]
    db = Path(project.url[len("sqlite:///"):]).name if project.url.startswith("sqlite:///") else redact_url(project.url)
    return {"evisynth_version": __version__, "settings": {"database": db, **(settings or {})},
            "inputs": inputs}


def write_prisma(project: Project, out_dir: str | Path, *, title: str = "", force: bool = False) -> list[Path]:
    """Count the PRISMA boxes from the store and write the diagram and ``prisma.json`` (with provenance)."""
    counts = prisma_counts(project)
    return save_prisma(counts, out_dir, title=title, force=force, inputs=tuple(project_inputs(project)),
                       provenance=project_provenance(project, {"title": title}))


def database_status(folder: str | Path | None = None, url: str | None = None) -> DatabaseStatus:
    """Where the project database stands against this evisynth's schema revisions, changing nothing."""
    from sqlalchemy.exc import DBAPIError

    from evisynth.errors import InputError
    from evisynth.store.migrations import LATEST, revisions

    target = database_url(find_project_folder(folder), url)
    if target.startswith("sqlite:///") and not Path(target[len("sqlite:///"):]).exists():
        return DatabaseStatus(None, 0, LATEST, tuple(revisions()))   # not created by merely looking
    engine = create_engine(target)
    try:
        return status(engine)
    except DBAPIError as exc:
        first = (str(exc.orig).strip().splitlines() or ["unknown error"])[0]
        raise InputError(f"cannot open the project database: {redact_url(first)}") from None
    finally:
        engine.dispose()


def database_upgrade_sql(folder: str | Path | None = None, url: str | None = None, *, start: int | None = None) -> str:
    """The SQL that opening the project would run to bring its database (at version ``start``, read
    from it when not given) to the newest revision."""
    target = database_url(find_project_folder(folder), url)
    return upgrade_sql(target, database_status(folder, url).version if start is None else start)
