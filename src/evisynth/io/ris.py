"""RIS exports (Embase.com, Ovid, Scopus, CENTRAL, EndNote and other generic RIS).

One field per line: a two-character tag, two spaces, ``-``, a space and the value. A record
starts with ``TY`` and ends with ``ER``. Lines that carry no tag continue the previous field
(some exports wrap long abstracts). Vendor differences are handled by the tag table below.
"""

from __future__ import annotations

import re

from evisynth.io._citation import RawRecord, collect, finish, first_value
from evisynth.records.model import Citation, ParseProblem, ParseResult
from evisynth.records.normalise import join_pages

_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")
_PMID_VALUE = re.compile(r"^\s*(?:PMID:?\s*|PUBMED\s+)?(\d{1,9})\s*$", re.IGNORECASE)
_PUBMED_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|list_uids=|pubmed/)(\d{1,9})")

#: Journal tags in order of preference (full title first).
_JOURNAL_TAGS = ("JF", "T2", "JO", "JA", "J2")


def _build(fields: dict[str, list[str]], line: int) -> Citation | ParseProblem:
    def first(*tags: str) -> str:
        return first_value(fields, *tags)

    raw = RawRecord(line=line)
    raw.title = first("TI", "T1", "CT", "BT")
    raw.authors = fields.get("AU", []) + fields.get("A1", [])
    raw.year = first("PY", "Y1", "DA", "Y2")
    raw.journal = first(*_JOURNAL_TAGS)
    raw.volume = first("VL")
    raw.issue = first("IS", "CP")
    raw.pages = join_pages(first("SP"), first("EP"))
    raw.abstract = " ".join(fields.get("AB", []) or fields.get("N2", []))
    raw.keywords = [k for value in fields.get("KW", []) for k in re.split(r";\s*", value)]
    raw.language = first("LA")
    raw.accession = first("AN", "ID")
    raw.database = first("DB", "DP")
    raw.doi = first("DO", "DI")
    if not raw.doi:
        for url in fields.get("UR", []) + fields.get("L2", []):
            if "doi.org/" in url:
                raw.doi = url
                break
    for tag in ("PM", "C2", "C5", "AN"):
        for value in fields.get(tag, []):
            match = _PMID_VALUE.match(value)
            if match and (tag in ("PM", "C2", "C5") or "medline" in raw.database.lower()):
                raw.pmid = match.group(1)
                break
        if raw.pmid:
            break
    if not raw.pmid:
        for url in fields.get("UR", []):
            match = _PUBMED_URL.search(url)
            if match:
                raw.pmid = match.group(1)
                break
    return finish(raw)


def parse_ris(text: str) -> ParseResult:
    """Parse RIS text into citations; malformed records are reported with their line and skipped.

    Parameters
    ----------
    text : str
        The whole export, already decoded.

    Returns
    -------
    ParseResult
        ``format="ris"``; ``database`` is the most common ``DB`` tag value, if any.
    """
    records: list[Citation] = []
    problems: list[ParseProblem] = []
    fields: dict[str, list[str]] | None = None
    start = 0
    last_tag = ""
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.lstrip("\ufeff").rstrip()
        match = _TAG.match(line)
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if tag == "TY":
                if fields is not None:
                    problems.append(ParseProblem(start, "record has no ER line before the next TY; skipped"))
                fields, start, last_tag = {}, number, ""
                continue
            if fields is None:
                problems.append(
                    ParseProblem(number, f"tag {tag} outside a record (no TY before it); ignored")
                )
                continue
            if tag == "ER":
                result = _build(fields, start)
                collect(result, records, problems)
                fields = None
                continue
            fields.setdefault(tag, []).append(value)
            last_tag = tag
        elif line.strip():
            if fields is not None and last_tag:
                fields[last_tag][-1] = f"{fields[last_tag][-1]} {line.strip()}"
            elif fields is not None:
                problems.append(ParseProblem(number, "line is not a RIS field; record skipped"))
                fields = None
            else:
                problems.append(
                    ParseProblem(number, "line is not a RIS field and lies outside a record; ignored")
                )
    if fields is not None:
        problems.append(ParseProblem(start, "file ends inside a record (no ER line); record skipped"))
    databases = [r.database for r in records if r.database]
    # Embase.com marks records that came from MEDLINE with DB "Medline": the file is still Embase's
    embase = [d for d in databases if "embase" in d.lower()]
    database = embase[0] if embase else max(set(databases), key=databases.count) if databases else ""
    return ParseResult("ris", tuple(records), tuple(problems), database)
