"""Risk-of-bias assessments in the project store: save, load the current ones, list the history.

The tables are append-only: saving an assessment adds a revision (who saved it and when) and
never changes or deletes an earlier one, so the history of every judgement stays auditable. The
*current* assessment of a (tool, study, outcome) is its latest revision.

Examples
--------
>>> import tempfile
>>> from evisynth.rob import assess_judgements
>>> from evisynth.store.project import Project
>>> with tempfile.TemporaryDirectory() as d, Project(d) as p:
...     _ = save_assessments(p, [assess_judgements("rob1", "A", None, {"D1": "low"})], by="JH")
...     [(a.study, a.overall) for a in load_assessments(p)]
[('A', 'low')]
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from evisynth.errors import InputError
from evisynth.rob import Assessment, DomainAssessment, forest_rob, overall_judgements
from evisynth.store import schema as s
from evisynth.store.project import Project


@dataclass(frozen=True)
class SavedAssessment:
    """One stored revision: its id, who saved it and when, and the assessment."""

    id: int
    saved_by: str
    saved_at: datetime
    assessment: Assessment


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def save_assessments(project: Project, assessments: Iterable[Assessment], *, by: str) -> list[int]:
    """Store assessments (one transaction; each becomes a new revision). Returns their ids."""
    from sqlalchemy import insert

    if not by.strip():
        raise InputError("saving risk-of-bias assessments needs the name of who saves them (by=...)")
    items = list(assessments)
    now = datetime.now(UTC)
    ids: list[int] = []
    with project.transaction() as conn:
        for a in items:
            new_id = conn.execute(insert(s.rob_assessments).values(
                tool=a.tool, variant=a.variant, aim=a.aim, study=a.study, outcome=a.outcome or "", result=a.result,
                overall=a.overall, overall_proposed=a.overall_proposed, overall_justification=a.overall_justification,
                notes=json.dumps(list(a.notes)), assessor=a.assessor, assessed_at=a.assessed_at, saved_by=by.strip(),
                saved_at=now, source=a.source,
            ).returning(s.rob_assessments.c.id)).scalar_one()
            if a.domains:
                conn.execute(insert(s.rob_domains), [{
                    "assessment_id": new_id, "position": i, "key": d.key, "name": d.name, "judgement": d.judgement,
                    "proposed": d.proposed, "justification": d.justification, "direction": d.direction,
                    "path": json.dumps(list(d.path)), "answers": json.dumps(dict(d.answers)),
                    "comments": json.dumps(dict(d.comments)), "missing": json.dumps(list(d.missing)),
                } for i, d in enumerate(a.domains)])
            ids.append(int(new_id))
    return ids


def _assessment(row: Any, domains: list[Any]) -> Assessment:
    return Assessment(
        tool=row.tool, study=row.study, outcome=row.outcome or None,
        domains=tuple(DomainAssessment(
            d.key, d.name, d.judgement, d.proposed, json.loads(d.answers), json.loads(d.comments), d.justification,
            d.direction, tuple(json.loads(d.path)), tuple(json.loads(d.missing))) for d in domains),
        overall=row.overall, overall_proposed=row.overall_proposed, overall_justification=row.overall_justification,
        variant=row.variant, aim=row.aim, result=row.result, assessor=row.assessor,
        assessed_at=_aware(row.assessed_at), notes=tuple(json.loads(row.notes)), source=row.source)


def _query(project: Project, where: Any = None) -> list[SavedAssessment]:
    from sqlalchemy import select

    a, d = s.rob_assessments, s.rob_domains
    with project.engine.connect() as conn:
        q = select(a).order_by(a.c.id)
        if where is not None:
            q = q.where(where)
        rows = list(conn.execute(q))
        by_id: dict[int, list[Any]] = {r.id: [] for r in rows}
        if rows:
            for dom in conn.execute(select(d).where(d.c.assessment_id.in_(list(by_id))).order_by(
                    d.c.assessment_id, d.c.position)):
                by_id[dom.assessment_id].append(dom)
    return [SavedAssessment(r.id, r.saved_by, _aware(r.saved_at) or r.saved_at, _assessment(r, by_id[r.id]))
            for r in rows]


def assessment_history(project: Project, *, study: str | None = None, outcome: str | None = None,
                       tool: str | None = None) -> list[SavedAssessment]:
    """Every stored revision (oldest first), optionally for one study / outcome / tool."""
    from sqlalchemy import and_

    a = s.rob_assessments.c
    conds = []
    if study is not None:
        conds.append(a.study == study)
    if outcome is not None:
        conds.append(a.outcome == outcome)
    if tool is not None:
        conds.append(a.tool == tool)
    return _query(project, and_(*conds) if conds else None)


def load_assessments(project: Project, *, tool: str | None = None, outcome: str | None = None) -> list[Assessment]:
    """The current assessments: the latest revision of each (tool, study, outcome), in first-saved order.

    With ``outcome``, assessments of that outcome and study-level ones (no outcome) are returned.
    """
    latest: dict[tuple[str, str, str], SavedAssessment] = {}
    order: list[tuple[str, str, str]] = []
    for saved in assessment_history(project, tool=tool):
        a = saved.assessment
        key = (a.tool, a.study, a.outcome or "")
        if key not in latest:
            order.append(key)
        latest[key] = saved
    out = [latest[k].assessment for k in order]
    if outcome is not None:
        out = [a for a in out if a.outcome is None or a.outcome.casefold() == outcome.casefold()]
    return out


def list_assessments(project: Project) -> list[dict[str, Any]]:
    """One line per current assessment: tool, study, outcome, overall, assessor, assessed and saved when/by."""
    rows = []
    current = {(x.tool, x.study, x.outcome or "") for x in load_assessments(project)}
    latest: dict[tuple[str, str, str], SavedAssessment] = {}
    counts: dict[tuple[str, str, str], int] = {}
    for saved in assessment_history(project):
        a = saved.assessment
        key = (a.tool, a.study, a.outcome or "")
        latest[key] = saved
        counts[key] = counts.get(key, 0) + 1
    for key in sorted(current, key=lambda k: latest[k].id):
        saved = latest[key]
        a = saved.assessment
        rows.append({"id": saved.id, "tool": a.tool, "study": a.study, "outcome": a.outcome, "overall": a.overall,
                     "assessor": a.assessor, "assessed_at": a.assessed_at, "saved_by": saved.saved_by,
                     "saved_at": saved.saved_at, "revisions": counts[key]})
    return rows


def forest_rob_for(project: Project, outcome: str | None = None, *, tool: str | None = None) -> dict[str, dict[str, str]]:
    """``{study: {"D1": ..., "Overall": ...}}`` from the store for the forest plot's RoB columns."""
    return forest_rob(load_assessments(project, tool=tool), outcome)


def overall_for(project: Project, outcome: str | None = None, *, tool: str | None = None) -> dict[str, str | None]:
    """Study → overall judgement for ``outcome`` (input of :func:`evisynth.rob.grade_risk_of_bias`)."""
    return overall_judgements(load_assessments(project, tool=tool), outcome)
