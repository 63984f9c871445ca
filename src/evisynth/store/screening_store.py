"""Screening decisions, conflicts, full-text retrieval, exclusion reasons and studies in the store.

Reviewers screen independently: the queries a reviewer's screener and sheet use return that
reviewer's own decisions only; conflicts are listed once at least two reviewers have decided.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from evisynth.errors import InputError
from evisynth.records.normalise import first_author_key
from evisynth.records.screening import (
    STAGES,
    Agreement,
    Decision,
    agreement,
    decisions_for,
    final_decision,
    is_conflict,
    is_waiting,
    passes_title_stage,
)
from evisynth.store import schema as s
from evisynth.store.engine import review_reviewers_per_record
from evisynth.store.project import Project, citation_from_row


def _now() -> datetime:
    return datetime.now(UTC)


def _check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise InputError(f"unknown screening stage {stage!r}; accepted: {', '.join(STAGES)}")


def reviewers_per_record(project: Project) -> int:
    """How many reviewers must decide each record before their common decision counts (the review
    file's ``[screening] reviewers_per_record``, default 2; 1 for a review screened by one person)."""
    return review_reviewers_per_record(project.folder)


# -------------------------------------------------------------------- reasons
def exclusion_reasons(project: Project) -> list[str]:
    """The review's full-text exclusion reasons, in the order they were added."""
    from sqlalchemy import select

    with project.engine.connect() as conn:
        return list(
            conn.execute(select(s.exclusion_reasons.c.reason).order_by(s.exclusion_reasons.c.id)).scalars()
        )


def add_exclusion_reasons(project: Project, reasons: list[str], by: str = "") -> list[str]:
    """Add reasons to the review's list, with who (``by``) and when (existing ones are left as they are);
    return those added."""
    from sqlalchemy import insert, select

    wanted = list(dict.fromkeys(r.strip() for r in reasons if r.strip()))
    if not wanted:
        return []
    with project.transaction() as conn:  # read and write in one transaction: two reviewers adding at once
        known = set(conn.execute(select(s.exclusion_reasons.c.reason)).scalars())
        new = [r for r in wanted if r not in known]
        if new:
            conn.execute(insert(s.exclusion_reasons), [{"reason": r, "added_by": by, "added_at": _now()} for r in new])
    return new


# -------------------------------------------------------------------- decisions
def _decisions(conn: Any, stage: str) -> dict[int, list[Decision]]:
    from sqlalchemy import select

    c = s.screening_decisions.c
    out: dict[int, list[Decision]] = defaultdict(list)
    # only the columns a Decision holds, as plain tuples: parsing every row's timestamp cost 4x the rest
    rows = conn.execute(select(c.record_id, c.stage, c.reviewer, c.decision, c.reason).where(c.stage == stage)
                        .order_by(c.id))
    for record_id, st, who, decision, reason in rows:
        out[record_id].append(Decision(record_id, st, who, decision, reason))
    return out


def _resolutions(conn: Any, stage: str) -> dict[int, tuple[str, str | None]]:
    from sqlalchemy import select

    c = s.final_decisions.c
    rows = conn.execute(select(c.record_id, c.decision, c.reason).where(c.stage == stage))
    return {record_id: (decision, reason) for record_id, decision, reason in rows}


def _not_retrieved(conn: Any) -> set[int]:
    from sqlalchemy import select

    c = s.retrieval.c
    return set(conn.execute(select(c.record_id).where(c.retrieved == 0)).scalars())


@dataclass(frozen=True, slots=True)
class StageSnapshot:
    """One stage read in one go (one connection, one read transaction): the records up for screening
    in order, every reviewer's decisions and the recorded resolutions. A page request reads it once
    and derives the reviewer's queue, progress and conflicts from it instead of querying again."""

    stage: str
    ids: list[int]
    decisions: dict[int, list[Decision]]
    resolved: dict[int, tuple[str, str | None]]
    required: int = 2

    def own(self, reviewer: str) -> dict[int, Decision]:
        """``reviewer``'s own decisions (never anyone else's), as :func:`own_decisions`."""
        return {i: d for i, ds in self.decisions.items() for d in ds if d.reviewer == reviewer}

    def finals(self) -> dict[int, tuple[str, str | None] | None]:
        """Final decision (or ``None``) of every record up for the stage."""
        return {i: final_decision(self.decisions.get(i, []), self.resolved.get(i), required=self.required)
                for i in self.ids}

    def waiting(self) -> list[int]:
        """Records decided (alike) by fewer reviewers than the review asks, without a resolution."""
        return [i for i in self.ids if i not in self.resolved and is_waiting(self.decisions.get(i, []),
                                                                             self.required)]

    def conflicts(self) -> list[tuple[int, list[Decision]]]:
        """Records where reviewers disagree and no final decision was recorded yet."""
        return [(i, self.decisions[i]) for i in self.ids if i not in self.resolved and is_conflict(
            self.decisions.get(i, []))]


def snapshot(project: Project, stage: str, conn: Any | None = None) -> StageSnapshot:
    """The state of ``stage`` read once (see :class:`StageSnapshot`)."""
    _check_stage(stage)
    if conn is None:
        with project.engine.connect() as own:  # one read transaction: a consistent view
            return snapshot(project, stage, own)
    required = reviewers_per_record(project)
    ids = _eligible(conn, stage, project.active_ids(conn), required)
    return StageSnapshot(stage, ids, dict(_decisions(conn, stage)), _resolutions(conn, stage), required)


def finals(project: Project, stage: str, conn: Any | None = None) -> dict[int, tuple[str, str | None] | None]:
    """Final decision (or ``None``) of every record eligible for ``stage``."""
    return snapshot(project, stage, conn).finals()


def eligible(project: Project, stage: str, conn: Any | None = None) -> list[int]:
    """Records to screen at ``stage``: all active records at title/abstract; at full text, those
    that passed title/abstract and whose report was not marked as not retrieved."""
    _check_stage(stage)
    if conn is None:
        with project.engine.connect() as own:
            return eligible(project, stage, own)
    return _eligible(conn, stage, project.active_ids(conn), reviewers_per_record(project))


def _up_for(conn: Any, stage: str, record_id: int, required: int) -> bool:
    """Whether one record is up for ``stage`` (as ``record_id in eligible(...)``, reading that record only)."""
    from sqlalchemy import select

    m, rt = s.merges.c, s.retrieval.c
    if conn.execute(select(s.records.c.id).where(s.records.c.id == record_id)).first() is None or conn.execute(
            select(m.record_id).where(m.record_id == record_id, m.undone_at.is_(None))).first() is not None:
        return False
    if stage == "title":
        return True
    if conn.execute(select(rt.record_id).where(rt.record_id == record_id, rt.retrieved == 0)).first() is not None:
        return False
    d, f = s.screening_decisions.c, s.final_decisions.c
    title = [Decision(r.record_id, r.stage, r.reviewer, r.decision, r.reason) for r in conn.execute(
        select(s.screening_decisions).where(d.record_id == record_id, d.stage == "title").order_by(d.id))]
    resolved = conn.execute(select(f.decision, f.reason).where(f.record_id == record_id, f.stage == "title")).first()
    return passes_title_stage(final_decision(title, (resolved[0], resolved[1]) if resolved else None,
                                             required=required))


def _eligible(conn: Any, stage: str, active: list[int], required: int) -> list[int]:
    if stage == "title":
        return active
    decisions, resolved, missing = _decisions(conn, "title"), _resolutions(conn, "title"), _not_retrieved(conn)
    return [i for i in active if i not in missing and passes_title_stage(
        final_decision(decisions.get(i, []), resolved.get(i), required=required))]


def record_decision(
    project: Project,
    record_id: int,
    stage: str,
    reviewer: str,
    decision: str,
    reason: str | None = None,
    conn: Any | None = None,
) -> None:
    """Record (or replace) one reviewer's decision, and add it to the screening events (a replaced decision
    stays there); full-text exclusions need a listed reason."""
    from sqlalchemy import delete, insert, select

    _check_stage(stage)
    if not reviewer.strip():
        raise InputError("the reviewer name must not be empty")
    if decision not in decisions_for(stage):
        raise InputError(f"unknown decision {decision!r}; accepted: {', '.join(decisions_for(stage))}")
    if stage == "fulltext" and decision == "exclude":
        reasons = exclusion_reasons(project)
        if not reason:
            raise InputError(f"choose an exclusion reason for record {record_id} from the review's list "
                             f"({'; '.join(reasons) or 'empty: add reasons first'})")
        if reason not in reasons:
            raise InputError(
                f"full-text exclusion of record {record_id} needs a reason from the review's list "
                f"({'; '.join(reasons) or 'empty: add reasons first'}); got {reason!r}"
            )
    else:
        reason = None
    if conn is None:
        with project.transaction() as own:
            record_decision(project, record_id, stage, reviewer, decision, reason, own)
        return
    if not _up_for(conn, stage, record_id, reviewers_per_record(project)):
        raise InputError(f"record {record_id} is not up for {stage} screening")
    c, now = s.screening_decisions.c, _now()
    mine = (c.record_id == record_id, c.stage == stage, c.reviewer == reviewer)
    if conn.execute(select(c.decision, c.reason).where(*mine)).first() == (decision, reason):
        return  # the same decision again: nothing changes, nothing to add to the history
    conn.execute(delete(s.screening_decisions).where(*mine))
    row = {"record_id": record_id, "stage": stage, "reviewer": reviewer, "decision": decision, "reason": reason}
    conn.execute(insert(s.screening_decisions).values(**row, decided_at=now))
    conn.execute(insert(s.screening_events).values(**row, action="decided", at=now))  # append-only history


def own_decisions(project: Project, reviewer: str, stage: str) -> dict[int, Decision]:
    """One reviewer's own decisions at ``stage`` (never anyone else's)."""
    from sqlalchemy import select

    c = s.screening_decisions.c
    with project.engine.connect() as conn:
        rows = conn.execute(select(s.screening_decisions).where(c.stage == stage, c.reviewer == reviewer))
        return {r.record_id: Decision(r.record_id, stage, reviewer, r.decision, r.reason) for r in rows}


def conflicts(project: Project, stage: str) -> list[tuple[int, list[Decision]]]:
    """Records where reviewers disagree and no final decision was recorded yet."""
    return snapshot(project, stage).conflicts()


def resolve(
    project: Project,
    record_id: int,
    stage: str,
    decision: str,
    *,
    by: str,
    reason: str | None = None,
    note: str = "",
) -> None:
    """Record the final decision on a record at ``stage`` (after a conflict, or to overrule); a resolution
    it replaces is kept in ``screening_events`` (action ``resolved``) for the History page."""
    from sqlalchemy import delete, insert, select

    _check_stage(stage)
    if decision not in decisions_for(stage):
        raise InputError(f"choose the final decision for record {record_id} ({', '.join(decisions_for(stage))})"
                         if not decision else
                         f"unknown decision {decision!r}; accepted: {', '.join(decisions_for(stage))}")
    if stage == "fulltext" and decision == "exclude" and reason not in exclusion_reasons(project):
        raise InputError(f"a full-text exclusion needs a reason from the review's list; got {reason!r}")
    with project.transaction() as conn:
        if record_id not in set(eligible(project, stage, conn)):
            raise InputError(f"record {record_id} is not up for {stage} screening")
        c = s.final_decisions.c
        for old in conn.execute(select(s.final_decisions).where(c.record_id == record_id, c.stage == stage)):
            why = "; ".join(x for x in (old.reason, f"note: {old.note}" if old.note else "") if x)  # kept on History
            conn.execute(insert(s.screening_events).values(record_id=record_id, stage=stage, reviewer=old.resolved_by,
                         action="resolved", decision=old.decision, reason=why or None, at=old.decided_at))
        conn.execute(delete(s.final_decisions).where(c.record_id == record_id, c.stage == stage))
        conn.execute(insert(s.final_decisions).values(
            record_id=record_id, stage=stage, decision=decision, resolved_by=by, note=note, decided_at=_now(),
            reason=reason if stage == "fulltext" and decision == "exclude" else None))


def kappa(project: Project, stage: str, snap: StageSnapshot | None = None) -> list[Agreement]:
    """Cohen's kappa for each pair of reviewers at ``stage`` (from ``snap`` when given)."""
    snap = snap or snapshot(project, stage)
    ids = set(snap.ids)
    return agreement([d for i, ds in snap.decisions.items() if i in ids for d in ds])


# -------------------------------------------------------------------- retrieval
def set_retrieved(project: Project, record_id: int, retrieved: bool, note: str = "") -> None:
    """Mark a report sought at full text as retrieved or not retrieved."""
    from sqlalchemy import delete, insert

    with project.transaction() as conn:
        if record_id not in project.active_ids(conn):
            raise InputError(f"no active record with id {record_id}")
        conn.execute(delete(s.retrieval).where(s.retrieval.c.record_id == record_id))
        conn.execute(insert(s.retrieval).values(record_id=record_id, retrieved=int(retrieved), note=note))


# -------------------------------------------------------------------- studies
def included_reports(project: Project, conn: Any | None = None) -> list[int]:
    """Records whose final full-text decision is *include*."""
    return [i for i, f in finals(project, "fulltext", conn).items() if f is not None and f[0] == "include"]


def closest_labels(label: str, labels: list[str], limit: int = 3) -> list[str]:
    """The existing study labels most like ``label`` (rapidfuzz ``WRatio`` ≥ 60, best first).

    >>> closest_labels("Smith 2019", ["Smith 2018", "Jones 2019", "Smyth 2019", "Brown 2001"])
    ['Smith 2018', 'Smyth 2019', 'Jones 2019']
    """
    from rapidfuzz import fuzz, process, utils

    found = process.extract(label, labels, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit,
                            score_cutoff=60)
    return [match for match, _score, _index in found]


def link_report(project: Project, record_id: int, label: str, *, new: bool = False) -> bool:
    """Assign an included report to the existing study ``label``; returns whether a study was created.

    A study is created only with ``new=True``: a label that matches no study (a typo, say) is an
    :class:`~evisynth.errors.InputError` that names the closest existing labels.
    """
    from sqlalchemy import delete, insert, select

    label = label.strip()
    if not label:
        raise InputError("the study label must not be empty")
    with project.transaction() as conn:
        if record_id not in included_reports(project, conn):
            raise InputError(f"record {record_id} is not an included report")
        row = conn.execute(select(s.studies.c.id).where(s.studies.c.label == label)).first()
        if row is None and not new:
            labels = list(conn.execute(select(s.studies.c.label)).scalars())
            close = closest_labels(label, labels)
            hint = (f"did you mean {', '.join(repr(c) for c in close)}? " if close
                    else "" if labels else "the review has no studies yet; ")
            raise InputError(f"no study is labelled {label!r}; {hint}give --new to create a study with this label")
        study_id = (
            row[0]
            if row
            else conn.execute(insert(s.studies).values(label=label).returning(s.studies.c.id)).scalar_one()
        )
        conn.execute(delete(s.study_reports).where(s.study_reports.c.record_id == record_id))
        conn.execute(insert(s.study_reports).values(record_id=record_id, study_id=study_id))
    return row is None


def auto_studies(project: Project) -> dict[str, list[int]]:
    """Give every included report without a study its own study labelled "Surname Year" (a, b, ... when
    taken); returns the labels created."""
    from sqlalchemy import select

    with project.engine.connect() as conn:
        linked = set(conn.execute(select(s.study_reports.c.record_id)).scalars())
        labels = set(conn.execute(select(s.studies.c.label)).scalars())
        todo = [i for i in included_reports(project, conn) if i not in linked]
        rows = {
            r.id: citation_from_row(r)
            for r in conn.execute(select(s.records).where(s.records.c.id.in_(todo)))
        }
    created: dict[str, list[int]] = {}
    for record_id in todo:
        cit = rows[record_id]
        surname = (
            cit.authors[0].split(",")[0].strip() if cit.authors else first_author_key(cit.authors) or "Anon"
        )
        base = f"{surname} {cit.year or 'n.d.'}"
        label, n = base, 0
        while label in labels:
            label = f"{base}{chr(ord('a') + n)}"
            n += 1
        labels.add(label)
        link_report(project, record_id, label, new=True)
        created[label] = [record_id]
    return created


def studies(project: Project) -> dict[str, list[int]]:
    """Study label -> ids of its included reports."""
    from sqlalchemy import select

    with project.engine.connect() as conn:
        included = set(included_reports(project, conn))
        q = (
            select(s.studies.c.label, s.study_reports.c.record_id)
            .join(s.study_reports, s.study_reports.c.study_id == s.studies.c.id)
            .order_by(s.studies.c.label)
        )
        out: dict[str, list[int]] = defaultdict(list)
        for label, record_id in conn.execute(q):
            if record_id in included:
                out[label].append(record_id)
    return dict(out)
