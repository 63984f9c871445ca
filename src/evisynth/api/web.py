"""What the local web app (``evisynth serve``) needs from a review project, beyond :mod:`evisynth.api.records`.

The app renders these typed results and holds no statistics or SQL of its own.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evisynth.records.screening import label
from evisynth.store import schema as s
from evisynth.store import screening_store as screening
from evisynth.store.engine import DB_FILENAME
from evisynth.store.project import Project

__all__ = ["UPLOAD_SUFFIXES", "HistoryEvent", "ScreeningProgress", "build_demo_project", "history", "import_upload",
           "open_store", "progress",
           "reviewers", "serve", "store_folder", "undo_decision"]


def store_folder(project_dir: str | Path) -> Path:
    """The folder holding the project store: ``project_dir`` itself, or its ``search/`` folder when only
    that holds a database (the layout ``evisynth demo`` writes)."""
    folder = Path(project_dir)
    if not (folder / DB_FILENAME).exists() and (folder / "search" / DB_FILENAME).exists():
        return folder / "search"
    return folder


def open_store(project_dir: str | Path, db_url: str | None = None) -> Project:
    """Open (creating if needed) the project store of ``project_dir``."""
    return Project(store_folder(project_dir), db_url)


def build_demo_project(folder: str | Path, url: str | None = None) -> Project:
    """The SYNTHETIC example search (four databases imported, deduplicated and screened) in ``folder``."""
    from evisynth.examples.project import build_example_project

    return build_example_project(folder, seed=2026, url=url)


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One entry of the audit trail: who did what to which record, when and why."""

    when: datetime
    who: str
    action: str
    record_id: int | None
    detail: str


def history(project: Project, *, record_id: int | None = None, limit: int = 500,
            project_dir: str | Path | None = None) -> list[HistoryEvent]:
    """Every stored decision and change (imports, merges, duplicate checks, screening decisions and
    resolutions, and the changes made in the app: review file, data grids, GRADE overrides and the
    plain-language summary), newest first. The logs of the app's changes are read from ``project_dir``
    (default: the store's folder)."""
    from sqlalchemy import select

    events: list[HistoryEvent] = []
    with project.engine.connect() as conn:
        for b in conn.execute(select(s.batches)):
            events.append(HistoryEvent(b.imported_at, "", "import", None,
                                       f"{b.file_name} ({b.database_name}, {b.format}): {b.record_count} "
                                       f"record{'' if b.record_count == 1 else 's'}"))
        for m in conn.execute(select(s.merges)):
            events.append(HistoryEvent(m.created_at, m.decided_by, f"merge ({m.method})", m.record_id,
                                       f"record {m.record_id} merged into {m.keeper_id} (key {m.match_key}, "
                                       f"score {m.score:.2f})"))
            if m.undone_at is not None:
                events.append(HistoryEvent(m.undone_at, "", "merge undone", m.record_id,
                                           f"merge {m.id} undone: record {m.record_id} active again"))
        for c in conn.execute(select(s.dedupe_candidates).where(s.dedupe_candidates.c.decided_at.is_not(None))):
            events.append(HistoryEvent(c.decided_at, c.decided_by or "", f"duplicate pair {c.status}", c.record_a,
                                       f"records {c.record_a} and {c.record_b}: {c.reason}"))
        for d in conn.execute(select(s.screening_events).order_by(s.screening_events.c.id)):  # append-only
            why = f" ({d.reason})" if d.reason else ""
            if d.action == "withdrawn":
                events.append(HistoryEvent(d.at, d.reviewer, f"{label(d.stage)}: decision withdrawn", d.record_id,
                                           "decision withdrawn (undo)"))
            elif d.action == "resolved":  # a resolution that a later one replaced
                events.append(HistoryEvent(d.at, d.reviewer, f"{label(d.stage)}: resolved (replaced later)",
                                           d.record_id, f"final: {label(d.decision)}{why}"))
            else:
                events.append(HistoryEvent(d.at, d.reviewer, f"{label(d.stage)}: {label(d.decision)}",
                                           d.record_id, f"{label(d.decision)}{why}"))
        for r in conn.execute(select(s.exclusion_reasons).where(s.exclusion_reasons.c.added_at.is_not(None))):
            events.append(HistoryEvent(r.added_at, r.added_by or "", "exclusion reason added", None, r.reason))
        for f in conn.execute(select(s.final_decisions)):
            why = f" ({f.reason})" if f.reason else ""
            events.append(HistoryEvent(f.decided_at, f.resolved_by, f"{label(f.stage)}: resolved", f.record_id,
                                       f"final: {label(f.decision)}{why}" + (f"; note: {f.note}" if f.note else "")))
    from evisynth.api.reviewfile import review_changes
    from evisynth.api.websummary import summary_changes

    folder = Path(project_dir) if project_dir is not None else project.folder
    events += [HistoryEvent(c.when, c.who, c.what, None, c.detail)
               for c in (*review_changes(folder), *summary_changes(folder))]
    events += _override_events(folder)
    if record_id is not None:
        events = [e for e in events if e.record_id == record_id]

    def key(e: HistoryEvent) -> float:
        return (e.when if e.when.tzinfo else e.when.replace(tzinfo=UTC)).timestamp()

    events.sort(key=key, reverse=True)
    return events[:limit]


def _override_events(folder: Path) -> list[HistoryEvent]:
    """The GRADE overrides entered on the Certainty page (``grade/overrides.log.jsonl``)."""
    from evisynth.api.webreview import override_log

    events = []
    for e in override_log(folder):
        try:
            when = datetime.strptime(str(e["when"]), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        except (KeyError, ValueError):
            continue
        domain = str(e.get("domain", "")).replace("_", " ")
        change = f"{e.get('before') or 'no override'} → {e.get('after') or 'override removed'}"
        why = f" ({e['reason']})" if e.get("reason") else ""
        events.append(HistoryEvent(when, str(e.get("who", "")), "GRADE override", None,
                                   f"{e.get('outcome', '')}, {domain}: {change}{why}"))
    return events


def undo_decision(project: Project, record_id: int, stage: str, reviewer: str) -> bool:
    """Withdraw ``reviewer``'s own decision on a record (one transaction; the withdrawal is kept as a
    screening event, so History shows it); ``False`` when there was none."""
    from sqlalchemy import delete, insert

    c = s.screening_decisions.c
    with project.transaction() as conn:
        done = conn.execute(delete(s.screening_decisions).where(
            c.record_id == record_id, c.stage == stage, c.reviewer == reviewer))
        if done.rowcount:
            conn.execute(insert(s.screening_events).values(record_id=record_id, stage=stage, reviewer=reviewer,
                                                           action="withdrawn", at=datetime.now(UTC)))
        return bool(done.rowcount)


def reviewers(project: Project) -> list[str]:
    """Everyone who recorded a screening decision, alphabetically."""
    from sqlalchemy import select

    with project.engine.connect() as conn:
        return sorted(set(conn.execute(select(s.screening_decisions.c.reviewer).distinct()).scalars()))


@dataclass(frozen=True, slots=True)
class ScreeningProgress:
    """Progress of one stage: records up for screening, decided by this reviewer, by two or more
    reviewers, finally decided, in conflict, and waiting for a second reviewer (decided alike by fewer
    reviewers than ``required``, the review's ``[screening] reviewers_per_record``)."""

    stage: str
    eligible: int
    mine: int
    dual: int
    final: int
    conflicts: int
    waiting: list[int]
    required: int = 2


def progress(project: Project, stage: str, reviewer: str = "",
             snap: screening.StageSnapshot | None = None) -> ScreeningProgress:
    """Screening progress at ``stage`` (``reviewer``'s own count when a name is given), from ``snap``
    (:func:`evisynth.store.screening_store.snapshot`) when the caller has read one already."""
    snap = snap or screening.snapshot(project, stage)
    ids = snap.ids
    finals = snap.finals()
    by_record = {rid: {d.reviewer for d in ds} for rid, ds in snap.decisions.items()}
    mine = sum(1 for i in ids if reviewer in by_record.get(i, set()))
    dual = sum(1 for i in ids if len(by_record.get(i, set())) >= 2)
    final = sum(1 for i in ids if finals.get(i) is not None)
    return ScreeningProgress(stage, len(ids), mine, dual, final, len(snap.conflicts()), sorted(snap.waiting()),
                             snap.required)


def serve(project_dir: str | Path, *, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True,
          db_url: str | None = None, token: str | None = None, users_file: str | Path | None = None,
          announce: Any = print) -> None:
    """Run the web app with uvicorn until interrupted (see :func:`evisynth.web.server.run`)."""
    from evisynth.errors import InputError

    try:
        server = importlib.import_module("evisynth.web.server")  # the app sits above the API; resolved at run time
        importlib.import_module("uvicorn")
    except ModuleNotFoundError as exc:
        raise InputError(f"the web app needs {exc.name}: pip install 'evisynth[web]'") from None
    server.run(project_dir, host=host, port=port, open_browser=open_browser, db_url=db_url, token=token,
               users_file=users_file, announce=announce)


#: File names accepted by the upload of a search export (RIS, nbib/MEDLINE, PubMed XML, WoS, CSV).
UPLOAD_SUFFIXES = (".ris", ".txt", ".nbib", ".medline", ".xml", ".csv", ".tsv", ".ciw", ".enw")


def import_upload(project: Project, data: bytes, file_name: str, database: str = "") -> tuple[Any, Any]:
    """Parse an uploaded search export with the CLI's safe parsers and store it as one batch.

    Returns ``(ImportOutcome, ParseResult)``; raises :class:`~evisynth.errors.InputError` with one line
    naming the file for an unknown type, an unreadable export or an unnamed database.
    """
    import hashlib

    from evisynth.errors import InputError
    from evisynth.io.detect import decode, detect_format, infer_database, parse_text

    name = Path(file_name).name or "upload"
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise InputError(f"not a search export; accepted: {', '.join(UPLOAD_SUFFIXES)}", file=name)
    text = decode(data)
    result = parse_text(text, detect_format(text, name))
    if not result.records:
        raise InputError("no records could be read; nothing imported", file=name)
    source = database.strip() or infer_database(result, text[:200000])
    if not source:
        raise InputError("cannot tell which database this export came from; give the database name", file=name)
    outcome = project.import_records(result, database=source, file_name=name,
                                     sha256=hashlib.sha256(data).hexdigest())
    return outcome, result
