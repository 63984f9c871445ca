"""CSV exchange of screening sheets: export one reviewer's sheet, import it back.

Columns: ``record_id, title, authors, year, journal, doi, pmid, abstract, decision, reason``. On
import, ``decision`` may be ``include``/``exclude``/``maybe`` or ``i``/``e``/``m``; blank rows are
skipped. Rows are matched by ``record_id``, or (when that is blank, e.g. a sheet prepared outside
evisynth) by DOI, then PMID, then normalised title. The whole sheet is checked before anything is
stored, and stored in one transaction; a record given two different decisions on two rows is
refused (which one is meant cannot be told).

The exported sheet is written atomically; cells a spreadsheet would run as formulas (a title
beginning with ``=``, ``+``, ``-``, ``@``...) get a leading apostrophe, which the import removes.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from evisynth.errors import InputError
from evisynth.files import csv_row, csv_uncell, open_output
from evisynth.records.normalise import normalise_doi, normalise_pmid, normalise_title
from evisynth.records.screening import parse_decision, parse_stage
from evisynth.store import schema as s
from evisynth.store.project import Project
from evisynth.store.screening_store import eligible, exclusion_reasons, own_decisions

COLUMNS = (
    "record_id",
    "title",
    "authors",
    "year",
    "journal",
    "doi",
    "pmid",
    "abstract",
    "decision",
    "reason",
)


def export_sheet(project: Project, reviewer: str, stage: str, path: str | Path, *, force: bool = False,
                 inputs: tuple[str | Path, ...] = ()) -> int:
    """Write ``reviewer``'s sheet for ``stage`` (their own decisions filled in); returns the row count.

    The sheet is written atomically. It never replaces one of ``inputs`` (the project's database and
    review file), and replaces an existing file that evisynth did not write only with ``force``.
    """
    stage = parse_stage(stage)
    ids = eligible(project, stage)
    citations = project.citations(ids)
    mine = own_decisions(project, reviewer, stage)
    settings = {"reviewer": reviewer, "stage": stage}
    with open_output(path, "w", inputs=inputs, force=force, by="screen export", newline="", option="--out",
                     provenance={"settings": settings}) as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for record_id in ids:
            c = citations[record_id]
            d = mine.get(record_id)
            writer.writerow(csv_row(
                [
                    record_id,
                    c.title,
                    "; ".join(c.authors),
                    c.year or "",
                    c.journal,
                    c.doi,
                    c.pmid,
                    c.abstract,
                    d.decision if d else "",
                    (d.reason or "") if d else "",
                ]
            ))
    return len(ids)


def import_sheet(project: Project, reviewer: str, stage: str, path: str | Path) -> int:
    """Store the decisions of a sheet for ``reviewer``; returns how many were stored.

    Raises
    ------
    InputError
        Naming the file and row of the first problem (unknown record, bad decision, missing or unknown
        full-text exclusion reason); nothing is stored then.
    """
    from sqlalchemy import delete, insert

    from evisynth.store.screening_store import _now

    stage = parse_stage(stage)
    name = str(path)
    if not reviewer.strip():
        raise InputError("the reviewer name must not be empty")
    ids = eligible(project, stage)
    citations = project.citations(ids)
    by_doi = {c.doi: i for i, c in citations.items() if c.doi}
    by_pmid = {c.pmid: i for i, c in citations.items() if c.pmid}
    by_title = {normalise_title(c.title): i for i, c in citations.items()}
    reasons = set(exclusion_reasons(project))
    try:
        rows = _read_rows(path, name, stage, citations, by_doi, by_pmid, by_title, reasons)
    except UnicodeDecodeError:
        raise InputError("the sheet is not UTF-8 text; save it as 'CSV UTF-8'", file=name) from None
    except csv.Error as exc:
        raise InputError(f"the sheet is not valid CSV ({exc})", file=name) from None
    c = s.screening_decisions.c
    with project.transaction() as conn:
        for record_id in rows:
            conn.execute(
                delete(s.screening_decisions).where(
                    c.record_id == record_id, c.stage == stage, c.reviewer == reviewer
                )
            )
        if rows:
            now = _now()
            new = [{"record_id": r, "stage": stage, "reviewer": reviewer, "decision": d, "reason": why}
                   for r, (d, why) in rows.items()]
            conn.execute(insert(s.screening_decisions), [{**row, "decided_at": now} for row in new])
            conn.execute(insert(s.screening_events), [{**row, "action": "decided", "at": now} for row in new])
    return len(rows)


def _read_rows(
    path: str | Path,
    name: str,
    stage: str,
    citations: dict[int, Any],
    by_doi: dict[str, int],
    by_pmid: dict[str, int],
    by_title: dict[str, int],
    reasons: set[str],
) -> dict[int, tuple[str, str | None]]:
    rows: dict[int, tuple[str, str | None]] = {}
    first_line: dict[int, int] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "decision" not in fields:
            raise InputError("the sheet has no 'decision' column", file=name)
        reader.fieldnames = fields
        previous = reader.line_num
        for raw in reader:
            line, previous = previous + 1, reader.line_num  # the line the row starts on
            row = {k: csv_uncell(v) if isinstance(v, str) else v for k, v in raw.items()}
            value = (row.get("decision") or "").strip()
            if not value:
                continue
            try:
                decision = parse_decision(value)
            except InputError as exc:
                raise InputError(exc.detail, file=name, row=line, column="decision") from None
            rid = (row.get("record_id") or "").strip()
            if rid:
                if not rid.isdigit() or int(rid) not in citations:
                    raise InputError(f"record {rid} is not up for {stage} screening", file=name, row=line)
                record_id = int(rid)
            else:
                found = (
                    by_doi.get(normalise_doi(row.get("doi") or ""))
                    or by_pmid.get(normalise_pmid(row.get("pmid") or ""))
                    or by_title.get(normalise_title(row.get("title") or ""))
                )
                if found is None:
                    raise InputError(
                        "no record matches this row (by record_id, DOI, PMID or title)", file=name, row=line
                    )
                record_id = found
            reason = (row.get("reason") or "").strip() or None
            if stage == "fulltext" and decision == "exclude":
                if reason not in reasons:
                    raise InputError(
                        f"full-text exclusion reason {reason!r} is not in the review's list "
                        f"({'; '.join(sorted(reasons)) or 'empty'})",
                        file=name,
                        row=line,
                        column="reason",
                    )
            else:
                reason = None
            if record_id in rows and rows[record_id] != (decision, reason):
                raise InputError(
                    f"record {record_id} has two different decisions (the other on row {first_line[record_id]}); "
                    "keep one row per record", file=name, row=line)
            first_line.setdefault(record_id, line)
            rows[record_id] = (decision, reason)
    return rows
