"""Page 1, Project: the review question (PICO) and outcomes, who is screening, and a dashboard with
PRISMA counts and progress. A project without a review file gets a form that creates one; the
question and the outcomes are edited here too (the review file keeps its comments, see
:mod:`evisynth.api.reviewfile`)."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from evisynth.api.records import prisma_counts
from evisynth.api.reviewfile import (
    IMPORTANCE,
    MEASURES,
    QUESTION_FIELDS,
    add_outcome,
    create_review,
    edit_question,
    question,
    set_reviewers_per_record,
)
from evisynth.api.web import progress, reviewers
from evisynth.errors import EvisynthError, InputError
from evisynth.web.pages.files import listing
from evisynth.web.templating import flash, render, reviewer


def dashboard(request: Request) -> Response:
    project = request.app.state.project
    me = reviewer(request)
    return render(request, "project.html", {
        "folder": request.app.state.folder,
        "question": question(request.app.state.folder),
        "question_fields": QUESTION_FIELDS,
        "measures": MEASURES,
        "importance": IMPORTANCE,
        "batches": project.batches(),
        "counts": prisma_counts(project),
        "stages": [progress(project, stage, me) for stage in ("title", "fulltext")],
        "reviewers": reviewers(project),
        "per_record": _per_record(project),
        "outputs": _grouped(listing(request.app.state.folder)),
    }, page="project")


def _per_record(project: object) -> int | None:
    """The review's reviewers per record (``None`` when the review file cannot say)."""
    from evisynth.api.records import screening

    try:
        return screening.reviewers_per_record(project)  # type: ignore[arg-type]
    except EvisynthError:
        return None


def _grouped(files: list[str]) -> list[tuple[str, list[str]]]:
    """Output files by their top folder (``""``: the project folder itself first), every file listed."""
    groups: dict[str, list[str]] = {}
    for f in files:
        top = f.split("/", 1)[0] if "/" in f else ""
        groups.setdefault(top, []).append(f)
    return sorted(groups.items(), key=lambda item: (item[0] != "", item[0]))


def _outcome(form: FormData) -> dict[str, str]:
    return {k: str(form.get(f"outcome_{k}", "") or "") for k in ("name", "measure", "importance", "lower_is_better")}


async def create(request: Request) -> Response:
    form = await request.form()
    try:
        create_review(request.app.state.folder, {k: form.get(k, "") for k in QUESTION_FIELDS}, _outcome(form),
                      who=reviewer(request))
        flash(request, "review.toml created: the question and the first outcome; enter its data on Data extraction")
    except EvisynthError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/#question", status_code=303)


async def edit(request: Request) -> Response:
    form = await request.form()
    try:
        changes = edit_question(request.app.state.folder, {k: form.get(k, "") for k in QUESTION_FIELDS},
                                who=reviewer(request))
        flash(request, f"question saved ({len(changes)} change(s))" if changes else "nothing changed")
    except EvisynthError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/#question", status_code=303)


async def outcome(request: Request) -> Response:
    form = await request.form()
    try:
        add_outcome(request.app.state.folder, _outcome(form), who=reviewer(request))
        flash(request, f"outcome {str(form.get('outcome_name', '')).strip()!r} added")
    except EvisynthError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/#outcomes", status_code=303)


async def screening_setting(request: Request) -> Response:
    form = await request.form()
    value = str(form.get("reviewers_per_record", ""))
    try:
        if not value.isdigit():
            raise InputError(f"reviewers per record must be a whole number from 1 to 10; got {value!r}")
        changed = set_reviewers_per_record(request.app.state.folder, int(value), who=reviewer(request))
        flash(request, f"each record now needs {value} reviewer{'' if value == '1' else 's'} before its decision "
                       "is final" if changed else "nothing changed")
    except EvisynthError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/#h-reviewer", status_code=303)


routes: list[BaseRoute] = [
    Route("/", dashboard, name="project"),
    Route("/review/screening", screening_setting, methods=["POST"], name="review_screening"),
    Route("/review/create", create, methods=["POST"], name="review_create"),
    Route("/review/question", edit, methods=["POST"], name="review_question"),
    Route("/review/outcomes", outcome, methods=["POST"], name="review_outcome"),
]
