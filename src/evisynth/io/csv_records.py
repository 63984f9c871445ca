"""Bibliographic records from CSV (Scopus, Cochrane Library, PubMed "CSV" and hand-made sheets).

Columns are recognised case-insensitively by the names below; authors and keywords are split on
``;`` (and ``,`` between authors when the cell has no ``;`` but looks like a PubMed author list).
The delimiter (comma, semicolon or tab) is detected from the header line.

=============  ==============================================================================
field          accepted column names
=============  ==============================================================================
title          title, article title, document title, ti
authors        author full names (preferred), authors, author, author(s), au
year           year, publication year, py, pubyear, create date
journal        journal, source title, source, journal/book, publication title, so
volume         volume, vl
issue          issue, number, is
pages          pages, page, page start + page end, pg
doi            doi, di
pmid           pmid, pubmed id, pubmed, pm
abstract       abstract, ab
keywords       keywords, author keywords, index keywords, kw
language       language, language of original document, la
accession      accession number, eid, ut, cn, id
=============  ==============================================================================
"""

from __future__ import annotations

import csv
import io
import re

from evisynth.io._citation import RawRecord, collect, finish
from evisynth.records.model import Citation, ParseProblem, ParseResult
from evisynth.records.normalise import join_pages

_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "article title", "document title", "ti"),
    "authors": ("author full names", "authors", "author", "author(s)", "au"),
    "year": ("year", "publication year", "py", "pubyear", "create date"),
    "journal": ("journal", "source title", "source", "journal/book", "publication title", "so"),
    "volume": ("volume", "vl"),
    "issue": ("issue", "number", "is"),
    "pages": ("pages", "page", "pg"),
    "page_start": ("page start", "start page", "bp"),
    "page_end": ("page end", "end page", "ep"),
    "doi": ("doi", "di"),
    "pmid": ("pmid", "pubmed id", "pubmed", "pm"),
    "abstract": ("abstract", "ab"),
    "keywords": ("keywords", "author keywords", "index keywords", "kw"),
    "language": ("language", "language of original document", "la"),
    "accession": ("accession number", "eid", "ut", "cn", "id"),
}
_LOOKUP = {alias: key for key, aliases in _COLUMNS.items() for alias in aliases}
_PUBMED_AUTHORS = re.compile(r"^[^,;]+ [A-Z]{1,3}(, [^,;]+ [A-Z]{1,3})+\.?$")


def _header_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().strip('"').lower())


def parse_csv(text: str) -> ParseResult:
    """Parse a CSV of records; rows without a title are reported with their line and skipped.

    Returns
    -------
    ParseResult
        ``format="csv"``; ``database`` is ``"Scopus"`` when the columns are Scopus's (``EID``).
    """
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return ParseResult("csv", (), (ParseProblem(1, "file is empty"),))
    except csv.Error as exc:
        return ParseResult("csv", (), (ParseProblem(1, f"header cannot be read ({exc})"),))
    index: dict[str, int] = {}
    rank: dict[str, int] = {}
    for position, name in enumerate(header):
        alias = _header_key(name)
        key = _LOOKUP.get(alias)
        if key and _COLUMNS[key].index(alias) < rank.get(key, len(_COLUMNS[key])):
            index[key], rank[key] = position, _COLUMNS[key].index(alias)
    if "title" not in index:
        return ParseResult("csv", (), (ParseProblem(1, "no title column (expected e.g. 'Title')"),))
    database = "Scopus" if "eid" in {_header_key(h) for h in header} else ""
    records: list[Citation] = []
    problems: list[ParseProblem] = []
    while True:
        number = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(ParseProblem(number, f"row cannot be read ({exc}); skipped"))
            continue
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str, row: list[str] = row) -> str:
            position = index.get(key)
            return row[position] if position is not None and position < len(row) else ""

        raw = RawRecord(line=number, database=database)
        raw.title = cell("title")
        authors = cell("authors")
        if ";" not in authors and _PUBMED_AUTHORS.match(authors.strip()):
            raw.authors = [a.strip() for a in authors.rstrip(".").split(",")]
        else:
            raw.authors = [a.strip() for a in authors.split(";")]
        raw.year = cell("year")
        raw.journal = cell("journal")
        raw.volume = cell("volume")
        raw.issue = cell("issue")
        raw.pages = cell("pages") or join_pages(cell("page_start"), cell("page_end"))
        raw.doi = cell("doi")
        raw.pmid = cell("pmid")
        raw.abstract = cell("abstract")
        raw.keywords = cell("keywords").split(";")
        raw.language = cell("language")
        raw.accession = cell("accession")
        result = finish(raw)
        collect(result, records, problems)
    return ParseResult("csv", tuple(records), tuple(problems), database)
