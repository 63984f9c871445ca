"""Page 1, Project: the review folder, who is screening, and a dashboard with PRISMA counts and progress."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from evisynth.api.records import prisma_counts
from evisynth.api.web import progress, reviewers
from evisynth.web.pages.files import listing
from evisynth.web.templating import render, reviewer


def dashboard(request: Request) -> Response:
    project = request.app.state.project
    me = reviewer(request)
    return render(request, "project.html", {
        "folder": request.app.state.folder,
        "batches": project.batches(),
        "counts": prisma_counts(project),
        "stages": [progress(project, stage, me) for stage in ("title", "fulltext")],
        "reviewers": reviewers(project),
        "outputs": listing(request.app.state.folder)[:60],
    }, page="project")


routes: list[BaseRoute] = [Route("/", dashboard, name="project")]
