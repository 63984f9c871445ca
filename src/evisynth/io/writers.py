"""Writing citations back out as RIS, MEDLINE, Web of Science plain text and CSV.

Used for exchange with reference managers and to build synthetic searches; each writer produces
text its parser in this package reads back to the same normalised fields.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import replace

from evisynth.records.model import Citation
from evisynth.records.normalise import clean_items, clean_text


def _clean(rec: Citation) -> Citation:
    """One line per value: line breaks inside a field could otherwise forge tags."""
    return replace(
        rec,
        title=clean_text(rec.title),
        journal=clean_text(rec.journal),
        volume=clean_text(rec.volume),
        issue=clean_text(rec.issue),
        pages=clean_text(rec.pages),
        doi=clean_text(rec.doi),
        pmid=clean_text(rec.pmid),
        abstract=clean_text(rec.abstract),
        language=clean_text(rec.language),
        accession=clean_text(rec.accession),
        database=clean_text(rec.database),
        authors=clean_items(rec.authors),
        keywords=clean_items(rec.keywords),
    )


def _pages(pages: str) -> tuple[str, str]:
    start, _, end = pages.partition("-")
    return start, end


def _tagged(sep: str, *fields: tuple[str, object]) -> list[str]:
    """A ``<tag><sep><value>`` line for each ``(tag, value)`` whose value is present, in order."""
    return [f"{tag}{sep}{value}" for tag, value in fields if value]


def write_ris(records: Iterable[Citation], database: str = "") -> str:
    """RIS text (``TY  - JOUR`` ... ``ER  - ``), one field per line."""
    out: list[str] = []
    for rec in map(_clean, records):
        start, end = _pages(rec.pages)
        out.append("TY  - JOUR")
        out += _tagged("  - ", ("DB", database or rec.database))
        out += [f"AU  - {a}" for a in rec.authors]
        out.append(f"TI  - {rec.title}")
        out += _tagged(
            "  - ",
            ("T2", rec.journal),
            ("PY", rec.year),
            ("VL", rec.volume),
            ("IS", rec.issue),
            ("SP", start),
            ("EP", end),
            ("AB", rec.abstract),
        )
        out += [f"KW  - {k}" for k in rec.keywords]
        out += _tagged("  - ", ("DO", rec.doi), ("C2", rec.pmid), ("LA", rec.language), ("AN", rec.accession))
        out.append("ER  - ")
        out.append("")
    return "\n".join(out) + "\n"


def _wrap(tag: str, value: str, width: int = 82) -> list[str]:
    """MEDLINE field: tag padded to four characters, continuation lines indented six spaces."""
    words = value.split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width - 6:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return [f"{tag:<4}- {lines[0]}"] + [f"      {x}" for x in lines[1:]]


def write_medline(records: Iterable[Citation]) -> str:
    """PubMed/MEDLINE tagged text; records without a PMID get none (PubMed always has one)."""
    out: list[str] = []
    for rec in map(_clean, records):
        out.append(f"PMID- {rec.pmid}")
        out.append("OWN - NLM")
        out += _tagged("  - ", ("VI", rec.volume), ("IP", rec.issue), ("DP", rec.year))
        out += _wrap("TI", rec.title)
        out += _tagged("  - ", ("PG", rec.pages))
        if rec.doi:
            out.append(f"LID - {rec.doi} [doi]")
        if rec.abstract:
            out += _wrap("AB", rec.abstract)
        for author in rec.authors:
            out.append(f"FAU - {author}")
            surname, _, initials = author.partition(",")
            out.append(f"AU  - {surname.strip()} {initials.replace('.', '').replace(' ', '')}".rstrip())
        out += _tagged("  - ", ("LA", rec.language), ("JT", rec.journal))
        out += [f"OT  - {k}" for k in rec.keywords]
        if rec.doi:
            out.append(f"AID - {rec.doi} [doi]")
        out.append("")
    return "\n".join(out) + "\n"


def write_wos(records: Iterable[Citation]) -> str:
    """Web of Science tagged plain text with the ``FN``/``VR`` header and ``EF`` end."""
    out = ["FN Clarivate Analytics Web of Science", "VR 1.0"]
    for rec in map(_clean, records):
        out.append("PT J")
        for index, author in enumerate(rec.authors):
            out.append(f"{'AU' if index == 0 else '  '} {author}")
        out.append(f"TI {rec.title}")
        start, end = _pages(rec.pages)
        out += _tagged(
            " ",
            ("SO", rec.journal.upper()),
            ("LA", rec.language),
            ("DE", "; ".join(rec.keywords)),  # _clean dropped empty keywords: empty only when there are none
            ("AB", rec.abstract),
            ("PY", rec.year),
            ("VL", rec.volume),
            ("IS", rec.issue),
            ("BP", start),
            ("EP", end),
            ("DI", rec.doi),
            ("PM", rec.pmid),
            ("UT", rec.accession),
        )
        out.append("ER")
        out.append("")
    out.append("EF")
    return "\n".join(out) + "\n"


CSV_COLUMNS = (
    "Authors",
    "Title",
    "Year",
    "Journal",
    "Volume",
    "Issue",
    "Pages",
    "DOI",
    "PMID",
    "Abstract",
    "Keywords",
    "Language",
    "Accession Number",
)


def write_csv(records: Iterable[Citation]) -> str:
    """CSV with the column names :mod:`evisynth.io.csv_records` reads (authors ``;``-separated)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rec in map(_clean, records):
        writer.writerow(
            [
                "; ".join(rec.authors),
                rec.title,
                rec.year or "",
                rec.journal,
                rec.volume,
                rec.issue,
                rec.pages,
                rec.doi,
                rec.pmid,
                rec.abstract,
                "; ".join(rec.keywords),
                rec.language,
                rec.accession,
            ]
        )
    return buffer.getvalue()
