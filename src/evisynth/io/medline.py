"""PubMed/MEDLINE tagged text (``.nbib`` / ``.txt`` "PubMed format").

Each line holds a tag left-justified in four characters, ``"- "`` and the value; continuation
lines are indented six spaces; records are separated by blank lines and start with ``PMID-``.
"""

from __future__ import annotations

import re

from evisynth.io._citation import RawRecord, collect, finish, first_value
from evisynth.records.model import Citation, ParseProblem, ParseResult

_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")


def _build(fields: dict[str, list[str]], line: int) -> Citation | ParseProblem:
    def first(*tags: str) -> str:
        return first_value(fields, *tags)

    raw = RawRecord(line=line, database="PubMed")
    raw.pmid = first("PMID")
    raw.title = first("TI", "BTI")
    raw.abstract = first("AB")
    raw.authors = fields.get("FAU") or fields.get("AU") or []
    raw.year = first("DP", "DEP")
    raw.journal = first("JT", "TA")
    raw.volume = first("VI")
    raw.issue = first("IP")
    raw.pages = first("PG")
    raw.language = first("LA")
    raw.keywords = fields.get("OT", []) + fields.get("MH", [])
    for value in fields.get("LID", []) + fields.get("AID", []):
        if value.rstrip().endswith("[doi]"):
            raw.doi = value
            break
    if not raw.pmid:
        return ParseProblem(line, "record has no PMID line; skipped")
    return finish(raw)


def parse_medline(text: str) -> ParseResult:
    """Parse MEDLINE tagged text; malformed records are reported with their line and skipped.

    Parameters
    ----------
    text : str
        The whole export, already decoded.

    Returns
    -------
    ParseResult
        ``format="medline"``, ``database="PubMed"``.
    """
    records: list[Citation] = []
    problems: list[ParseProblem] = []
    fields: dict[str, list[str]] = {}
    start = 0
    last_tag = ""
    broken = False

    def close() -> None:
        nonlocal fields, broken
        if fields and not broken:
            result = _build(fields, start)
            collect(result, records, problems)
        fields, broken = {}, False

    for number, line in enumerate(text.splitlines(), start=1):
        line = line.lstrip("\ufeff").rstrip()
        if not line.strip():
            close()
            continue
        if line.startswith("      ") or (line.startswith(" ") and last_tag in fields):
            if last_tag in fields:
                fields[last_tag][-1] = f"{fields[last_tag][-1]} {line.strip()}"
            elif not broken:
                problems.append(ParseProblem(number, "continuation line outside a record; ignored"))
            continue
        match = _TAG.match(line)
        if not match:
            if not fields:
                start = number
            if not broken:
                problems.append(ParseProblem(start, f"line {number} is not a MEDLINE field; record skipped"))
            broken = True
            fields.setdefault("?", [])
            continue
        tag, value = match.group(1), match.group(2).strip()
        if tag == "PMID" and fields:
            close()
        if not fields:
            start = number
        fields.setdefault(tag, []).append(value)
        last_tag = tag
    close()
    return ParseResult("medline", tuple(records), tuple(problems), "PubMed")
