"""Page 7, History: the audit trail, who did what, when and why (optionally for one record)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from evisynth.api.web import history


def page(request: Request) -> Response:
    from evisynth.web.templating import render

    asked = request.query_params.get("record", "")
    record = int(asked) if asked.isdigit() else None
    events = history(request.app.state.project, record_id=record, project_dir=request.app.state.folder)
    return render(request, "history.html", {"events": events, "record": record}, page="history")


routes: list[BaseRoute] = [Route("/history", page, name="history")]
