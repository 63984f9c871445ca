"""Page 3, Screening: one record at a time, keyboard first (I/E/M, arrows, U undo), blinded to other
reviewers; the conflicts queue, the records waiting for a second reviewer and Cohen's kappa per stage;
the full-text stage with exclusion reasons and "not retrieved". Every decision is one transaction."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from evisynth.api.records import screening
from evisynth.api.web import progress, undo_decision
from evisynth.errors import EvisynthError
from evisynth.web.templating import flash, render, reviewer

STAGES = ("title", "fulltext")


def _stage(value: Any) -> str:
    return value if value in STAGES else "title"


def _terms(request: Request) -> list[str]:
    terms = request.session.get("terms", [])
    return [t for t in terms if isinstance(t, str)]


def _next_open(ids: list[int], mine: dict[int, Any], after: int | None) -> int | None:
    """The first record after ``after`` (wrapping round) that this reviewer has not decided."""
    if not ids:
        return None
    start = ids.index(after) + 1 if after in ids else 0
    for i in ids[start:] + ids[:start]:
        if i not in mine:
            return i
    return None


def screen(request: Request) -> Response:
    project = request.app.state.project
    stage = _stage(request.query_params.get("stage"))
    me = reviewer(request)
    if not me:
        return render(request, "screening_who.html", {"stage": stage}, page="screening")
    snap = screening.snapshot(project, stage)  # the stage read once per request
    ids, mine = snap.ids, snap.own(me)
    asked, after = request.query_params.get("id", ""), request.query_params.get("after", "")
    if asked.isdigit() and int(asked) in ids:
        current: int | None = int(asked)
    else:
        current = _next_open(ids, mine, int(after) if after.isdigit() else None)
    position = ids.index(current) if current in ids else -1
    citation = project.citations([current]).get(current) if current is not None else None
    return render(request, "screening.html", {
        "stage": stage, "record_id": current, "citation": citation, "mine": mine.get(current) if current else None,
        "position": position + 1, "total": len(ids),
        "prev_id": ids[position - 1] if position > 0 else None,
        "next_id": ids[position + 1] if 0 <= position < len(ids) - 1 else None,
        "progress": progress(project, stage, me, snap), "terms": _terms(request),
        "reasons": screening.exclusion_reasons(project) if stage == "fulltext" else [],
        "can_undo": bool(request.session.get("undo")),
    }, page="screening")


async def decide(request: Request) -> Response:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    return await run_in_threadpool(_decide, request, fields)


def _decide(request: Request, form: dict[str, str]) -> Response:
    """Store one decision (one transaction) and send the reviewer to their next open record."""
    project = request.app.state.project
    stage = _stage(form.get("stage"))
    me = reviewer(request)
    if not me:
        flash(request, "give your reviewer name first", "error")
        return RedirectResponse(f"/screening?stage={stage}", status_code=303)
    raw_id = form.get("record_id", "")
    try:
        record_id = int(raw_id)
        # "Not retrieved" is this reviewer's decision like any other: it overrides nobody's
        screening.record_decision(project, record_id, stage, me, form.get("decision", ""), form.get("reason") or None)
    except (EvisynthError, ValueError) as exc:
        flash(request, str(exc), "error")  # back to the same record; at full text the reason list takes the focus
        back = f"&id={raw_id}" if raw_id.isdigit() else ""
        return RedirectResponse(f"/screening?stage={stage}{back}", status_code=303)
    stack = [*request.session.get("undo", []), [stage, record_id]][-50:]
    request.session["undo"] = stack
    # the next open record is found by the page (one snapshot of the stage), not here
    return RedirectResponse(f"/screening?stage={stage}&after={record_id}", status_code=303)


def undo(request: Request) -> Response:
    me = reviewer(request)
    stack = list(request.session.get("undo", []))
    if not stack or not me:
        flash(request, "nothing to undo")
        return RedirectResponse("/screening", status_code=303)
    stage, record_id = stack.pop()
    request.session["undo"] = stack
    undone = undo_decision(request.app.state.project, int(record_id), _stage(stage), me)
    flash(request, f"decision on record {record_id} withdrawn" if undone else f"record {record_id} had no decision")
    return RedirectResponse(f"/screening?stage={_stage(stage)}&id={record_id}", status_code=303)


async def add_reason(request: Request) -> Response:
    """Add a full-text exclusion reason to the review's list (the store, as ``evisynth screen reasons``);
    who added it and when go to the audit trail (History)."""
    form = await request.form()
    reason = " ".join(str(form.get("reason", "")).split())[:200]
    record = str(form.get("record_id", ""))
    back = "/screening?stage=fulltext" + (f"&id={record}" if record.isdigit() else "")
    if not reason:
        flash(request, "type the exclusion reason to add", "error")
        return RedirectResponse(back, status_code=303)
    project = request.app.state.project
    added = await run_in_threadpool(screening.add_exclusion_reasons, project, [reason], reviewer(request) or "web")
    if added:  # one transaction: the reason with who added it and when (History)
        flash(request, f"exclusion reason added: {reason}")
    else:
        flash(request, f"the review already lists the exclusion reason {reason!r}")
    return RedirectResponse(back, status_code=303)


async def terms(request: Request) -> Response:
    form = await request.form()
    words = [w.strip() for w in str(form.get("terms", "")).replace(";", ",").split(",") if w.strip()]
    request.session["terms"] = words[:30]
    return RedirectResponse(f"/screening?stage={_stage(form.get('stage'))}", status_code=303)


def conflicts(request: Request) -> Response:
    project = request.app.state.project
    stage = _stage(request.query_params.get("stage"))
    snap = screening.snapshot(project, stage)
    queue = snap.conflicts()
    prog = progress(project, stage, reviewer(request), snap)
    ids = [i for i, _ in queue] + prog.waiting[:200]
    return render(request, "conflicts.html", {
        "stage": stage, "queue": queue, "waiting": prog.waiting[:200], "progress": prog,
        "citations": project.citations(ids) if ids else {},
        "kappa": {s: screening.kappa(project, s, snap if s == stage else None) for s in STAGES},
        "reasons": screening.exclusion_reasons(project) if stage == "fulltext" else [],
        "decisions_allowed": ("include", "exclude", "maybe", "missing") if stage == "fulltext"
        else ("include", "exclude", "maybe"),
    }, page="screening")


async def resolve(request: Request) -> Response:
    form = await request.form()
    stage = _stage(form.get("stage"))
    who = reviewer(request) or "web"
    try:
        screening.resolve(request.app.state.project, int(str(form.get("record_id", ""))), stage,
                          str(form.get("decision", "")), by=who, reason=str(form.get("reason", "")) or None,
                          note=str(form.get("note", "")))
        flash(request, f"record {form.get('record_id')} resolved")
    except (EvisynthError, ValueError) as exc:
        flash(request, str(exc), "error")
    return RedirectResponse(f"/screening/conflicts?stage={stage}", status_code=303)


routes: list[BaseRoute] = [
    Route("/screening", screen, name="screening"),
    Route("/screening/decide", decide, methods=["POST"], name="decide"),
    Route("/screening/undo", undo, methods=["POST"], name="undo"),
    Route("/screening/terms", terms, methods=["POST"], name="terms"),
    Route("/screening/reasons", add_reason, methods=["POST"], name="add_reason"),
    Route("/screening/conflicts", conflicts, name="conflicts"),
    Route("/screening/resolve", resolve, methods=["POST"], name="resolve"),
]
