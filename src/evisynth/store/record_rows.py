"""The rows of a review project's records: import batches, citations and dedupe counts.

Typed views of database rows used by :class:`evisynth.store.project.Project` (which re-exports
them) and the stores built on it; no queries live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from evisynth.records.model import Citation


@dataclass(frozen=True, slots=True)
class Batch:
    """One imported file."""

    id: int
    database: str
    imported_at: datetime
    file_name: str
    sha256: str
    format: str
    record_count: int
    problem_count: int


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did; ``duplicate_of`` is set (and nothing changed) for a file seen before."""

    batch: Batch
    duplicate_of: Batch | None = None


@dataclass(frozen=True, slots=True)
class DedupeSummary:
    """Counts of one deduplication run."""

    compared: int
    merged: int
    queued: int


def _now() -> datetime:
    return datetime.now(UTC)


def _batch(row: Any) -> Batch:
    return Batch(
        row.id,
        row.database_name,
        row.imported_at,
        row.file_name,
        row.file_sha256,
        row.format,
        row.record_count,
        row.problem_count,
    )


def citation_from_row(row: Any) -> Citation:
    """A :class:`Citation` from a ``records`` row."""
    return Citation(
        title=row.title,
        authors=tuple(a for a in row.authors.split("; ") if a),
        year=row.year,
        journal=row.journal,
        volume=row.volume,
        issue=row.issue,
        pages=row.pages,
        doi=row.doi,
        pmid=row.pmid,
        abstract=row.abstract,
        keywords=tuple(k for k in row.keywords.split("; ") if k),
        language=row.language,
        accession=row.accession,
        line=row.line,
    )


def citation_row(batch_id: int, c: Citation) -> dict[str, Any]:
    """The ``records`` row of a citation imported in batch ``batch_id`` (the inverse of :func:`citation_from_row`)."""
    return {
        "batch_id": batch_id,
        "line": c.line,
        "title": c.title,
        "authors": "; ".join(c.authors),
        "year": c.year,
        "journal": c.journal,
        "volume": c.volume,
        "issue": c.issue,
        "pages": c.pages,
        "doi": c.doi,
        "pmid": c.pmid,
        "abstract": c.abstract,
        "keywords": "; ".join(c.keywords),
        "language": c.language,
        "accession": c.accession,
    }


__all__ = ["Batch", "DedupeSummary", "ImportOutcome", "citation_from_row", "citation_row"]
