"""Data types of bibliographic records as they come out of a database export."""

from __future__ import annotations

from dataclasses import dataclass

#: Normalised fields every parser fills (empty string / empty tuple / ``None`` when absent).
FIELDS: tuple[str, ...] = (
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "abstract",
    "keywords",
    "language",
    "accession",
)


@dataclass(frozen=True, slots=True)
class Citation:
    """One bibliographic record, normalised across export formats.

    Attributes
    ----------
    title, journal, volume, issue, pages, abstract, language : str
        As exported, with whitespace collapsed; ``""`` when absent.
    authors, keywords : tuple of str
        In the order of the export (authors as ``"Surname, Initials"`` where the format gives them so).
    year : int or None
        Publication year.
    doi : str
        Normalised DOI (lower case, no resolver prefix), ``""`` when absent.
    pmid : str
        PubMed identifier (digits only), ``""`` when absent.
    accession : str
        Database accession number (WoS UT, Embase accession, Ovid ID), ``""`` when absent.
    line : int
        Line of the export file on which the record starts (1-based; CSV: the data row's line).
    database : str
        Database named inside the export (e.g. RIS ``DB`` tag), ``""`` when the file does not say.
    """

    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    language: str = ""
    accession: str = ""
    line: int = 0
    database: str = ""


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A record that could not be read, with the line where it starts."""

    line: int
    message: str

    def describe(self, file: str) -> str:
        """One line naming the file and line."""
        return f"{file}, line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What a parser returns: the records it could read and the problems it skipped."""

    format: str
    records: tuple[Citation, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
    database: str = ""
