"""Page 2, Search results: upload exports (one batch each, with the database name), deduplicate,
check uncertain pairs side by side (confirm / reject), undo merges, and the merge audit trail."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from evisynth.api.web import UPLOAD_SUFFIXES, import_upload
from evisynth.errors import EvisynthError
from evisynth.web.templating import flash, render, reviewer


def _who(request: Request) -> str:
    return reviewer(request) or "web"


def search(request: Request) -> Response:
    project = request.app.state.project
    pairs = project.candidates("pending")
    ids = [i for _, c in pairs for i in (c.record_a, c.record_b)]
    merges = project.merges(include_undone=True)
    return render(request, "search.html", {
        "batches": project.batches(), "pairs": pairs,
        "citations": project.citations(ids, include_merged=True) if ids else {},
        "merges": merges[-200:][::-1], "suffixes": ", ".join(UPLOAD_SUFFIXES),
    }, page="search")


async def upload(request: Request) -> Response:
    form = await request.form()
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        flash(request, "choose an export file to upload", "error")
        return RedirectResponse("/search", status_code=303)
    data = await file.read()
    project = request.app.state.project
    try:
        outcome, result = import_upload(project, data, file.filename, str(form.get("database", "")))
    except EvisynthError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/search", status_code=303)
    b = outcome.batch
    if outcome.duplicate_of is not None:
        flash(request, f"{file.filename}: identical to batch {b.id} ({b.file_name}); nothing changed")
    else:
        skipped = f", {len(result.problems)} skipped" if result.problems else ""
        flash(request, f"{b.file_name}: imported {b.record_count} records from {b.database} as batch {b.id}{skipped}")
    return RedirectResponse("/search", status_code=303)


def dedupe(request: Request) -> Response:
    summary = request.app.state.project.dedupe(by=_who(request))
    flash(request, f"checked {summary.compared} records: {summary.merged} merged automatically, "
                   f"{summary.queued} {'pair' if summary.queued == 1 else 'pairs'} to check")
    return RedirectResponse("/search#pairs", status_code=303)


async def decide(request: Request) -> Response:
    form = await request.form()
    try:
        request.app.state.project.decide_candidate(int(request.path_params["cid"]),
                                                   duplicate=form.get("duplicate") == "yes", by=_who(request))
    except EvisynthError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/search#pairs", status_code=303)


def undo(request: Request) -> Response:
    try:
        request.app.state.project.undo_merge(int(request.path_params["mid"]), by=_who(request))
        flash(request, f"merge {request.path_params['mid']} undone")
    except EvisynthError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/search#merges", status_code=303)


routes: list[BaseRoute] = [
    Route("/search", search, name="search"),
    Route("/search/upload", upload, methods=["POST"], name="upload"),
    Route("/search/dedupe", dedupe, methods=["POST"], name="dedupe"),
    Route("/search/pairs/{cid:int}", decide, methods=["POST"], name="decide_pair"),
    Route("/search/merges/{mid:int}/undo", undo, methods=["POST"], name="undo_merge"),
]
