"""Web of Science exports: tagged plain text (``FN``/``VR`` header, ``PT`` ... ``ER``) and tab-delimited.

Plain text: two-character tag, a space, the value; continuation lines are indented three spaces.
Author (``AU``, ``AF``) and address tags hold one item per line; keyword tags (``DE``, ``ID``) hold
``;``-separated lists that may wrap. The tab-delimited export uses the same tags as column headers.
"""

from __future__ import annotations

import csv
import re

from evisynth.io._citation import RawRecord, collect, finish
from evisynth.records.model import Citation, ParseProblem, ParseResult
from evisynth.records.normalise import join_pages

_TAG = re.compile(r"^([A-Z][A-Z0-9]) (.*)$")
_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "CA", "C1", "C3", "CR", "RP", "EM", "GP"})


def _build(get: dict[str, list[str]], line: int) -> Citation | ParseProblem:
    def first(*tags: str) -> str:
        for tag in tags:
            if get.get(tag) and get[tag][0]:
                return get[tag][0]
        return ""

    raw = RawRecord(line=line, database="Web of Science")
    raw.title = first("TI")
    raw.authors = get.get("AF") or get.get("AU") or []
    raw.year = first("PY", "EA", "PD")
    raw.journal = first("SO", "JI", "J9")
    raw.volume = first("VL")
    raw.issue = first("IS")
    raw.pages = join_pages(first("BP"), first("EP")) or first("AR")
    raw.abstract = first("AB")
    raw.keywords = [k for tag in ("DE", "ID") for v in get.get(tag, []) for k in v.split(";")]
    raw.language = first("LA")
    raw.doi = first("DI", "D2")
    raw.pmid = first("PM")
    raw.accession = first("UT")
    return finish(raw)


def parse_wos(text: str) -> ParseResult:
    """Parse Web of Science tagged plain text; malformed records are reported and skipped.

    Returns
    -------
    ParseResult
        ``format="wos"``, ``database="Web of Science"``.
    """
    records: list[Citation] = []
    problems: list[ParseProblem] = []
    fields: dict[str, list[str]] | None = None
    start = 0
    last = ""
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.lstrip("\ufeff").rstrip()
        if not line.strip():
            continue
        if line.startswith("   ") and fields is not None and last:
            value = line.strip()
            if last in _LIST_TAGS:
                fields[last].append(value)
            else:
                fields[last][-1] = f"{fields[last][-1]} {value}"
            continue
        if line in ("ER", "EF"):
            if line == "ER":
                if fields is None:
                    problems.append(ParseProblem(number, "ER without a record; ignored"))
                else:
                    result = _build(fields, start)
                    collect(result, records, problems)
                fields = None
            continue
        match = _TAG.match(line)
        if not match:
            if fields is not None:
                problems.append(
                    ParseProblem(start, f"line {number} is not a Web of Science field; record skipped")
                )
                fields = None
            else:
                problems.append(ParseProblem(number, "line is not a Web of Science field; ignored"))
            continue
        tag, value = match.group(1), match.group(2).strip()
        if tag in ("FN", "VR") and fields is None:
            continue
        if tag == "PT":
            if fields is not None:
                problems.append(ParseProblem(start, "record has no ER line before the next PT; skipped"))
            fields, start, last = {}, number, ""
        if fields is None:
            problems.append(ParseProblem(number, f"tag {tag} outside a record (no PT before it); ignored"))
            continue
        fields.setdefault(tag, []).append(value)
        last = tag
    if fields is not None:
        problems.append(ParseProblem(start, "file ends inside a record (no ER line); record skipped"))
    return ParseResult("wos", tuple(records), tuple(problems), "Web of Science")


def parse_wos_tab(text: str) -> ParseResult:
    """Parse a Web of Science tab-delimited export (header row of field tags).

    Returns
    -------
    ParseResult
        ``format="wos-tab"``, ``database="Web of Science"``.
    """
    records: list[Citation] = []
    problems: list[ParseProblem] = []
    lines = text.lstrip("\ufeff").splitlines()
    if not lines:
        return ParseResult("wos-tab", (), (ParseProblem(1, "file is empty"),), "Web of Science")
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [h.strip().upper() for h in next(reader)]
    if "TI" not in header:
        return ParseResult(
            "wos-tab", (), (ParseProblem(1, "header has no TI (title) column"),), "Web of Science"
        )
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) + 1:
            problems.append(
                ParseProblem(number, f"row has {len(row)} fields, header has {len(header)}; skipped")
            )
            continue
        get: dict[str, list[str]] = {}
        for tag, cell in zip(header, row, strict=False):
            cell = cell.strip()
            if tag in ("AU", "AF"):
                get[tag] = [a for a in (x.strip() for x in cell.split(";")) if a]
            else:
                get[tag] = [cell]
        result = _build(get, number)
        collect(result, records, problems)
    return ParseResult("wos-tab", tuple(records), tuple(problems), "Web of Science")
