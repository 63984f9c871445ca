"""Turning the raw fields a parser collected into a :class:`~evisynth.records.model.Citation`."""

from __future__ import annotations

from dataclasses import dataclass, field

from evisynth.records.model import Citation, ParseProblem
from evisynth.records.normalise import clean_items, clean_text, normalise_doi, normalise_pmid, parse_year


@dataclass(slots=True)
class RawRecord:
    """Fields gathered for one record before validation."""

    line: int
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: str = ""
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    language: str = ""
    accession: str = ""
    database: str = ""


def first_value(fields: dict[str, list[str]], *tags: str) -> str:
    """The first value of the first of ``tags`` present in ``fields`` (``""`` when none is)."""
    for tag in tags:
        if fields.get(tag):
            return fields[tag][0]
    return ""


def collect(result: Citation | ParseProblem, records: list[Citation], problems: list[ParseProblem]) -> None:
    """Append a built record to ``records``, or the reason it was skipped to ``problems``."""
    if isinstance(result, Citation):
        records.append(result)
    else:
        problems.append(result)


def finish(raw: RawRecord) -> Citation | ParseProblem:
    """Validate ``raw``; a record without a title is reported, not imported."""
    title = clean_text(raw.title)
    if not title:
        return ParseProblem(raw.line, "record has no title; skipped")
    authors = clean_items(raw.authors)
    keywords = tuple(dict.fromkeys(clean_items(raw.keywords)))
    return Citation(
        title=title,
        authors=authors,
        year=parse_year(raw.year),
        journal=clean_text(raw.journal),
        volume=clean_text(raw.volume),
        issue=clean_text(raw.issue),
        pages=clean_text(raw.pages),
        doi=normalise_doi(raw.doi),
        pmid=normalise_pmid(raw.pmid),
        abstract=clean_text(raw.abstract),
        keywords=keywords,
        language=clean_text(raw.language),
        accession=clean_text(raw.accession),
        line=raw.line,
        database=clean_text(raw.database),
    )
