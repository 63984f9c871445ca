"""Page 5, Analysis: measure, model, τ² method, test and level (choices from :mod:`evisynth.options`),
the RevMan-style forest plot as inline SVG (updated with htmx), the subgroup analysis with its test
for subgroup differences, meta-regression with bubble plots, publication bias and sensitivity
analyses; every figure as SVG/PNG/PDF, the report as HTML/Markdown and the analysis JSON.

The numbers come from :mod:`evisynth.api.webanalysis` (typed results laid out by the report's own
tables and templates); nothing is computed here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from evisynth.api.extraction import outcome_grids
from evisynth.api.webanalysis import (
    CHOICES,
    FIGURE_FORMATS,
    AnalysisView,
    analyse_grid,
    figure_file,
    inline_svg,
    report_file,
)
from evisynth.errors import EvisynthError
from evisynth.web.templating import render

SETTINGS = ("measure", "model", "method", "test", "level")
MEDIA = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf", "html": "text/html; charset=utf-8",
         "md": "text/markdown; charset=utf-8", "json": "application/json"}


def _query(request: Request) -> dict[str, str]:
    q = request.query_params
    return {k: q.get(k, "") for k in ("o", *SETTINGS, "subgroup", "moderator")}


def _view(request: Request, q: dict[str, str]) -> tuple[list[str], int, list[str], AnalysisView | None, str | None]:
    outcomes = outcome_grids(request.app.state.folder)
    names = list(outcomes)
    if not names:
        return names, 0, [], None, "no outcome has data yet: enter it on the data extraction page"
    i = int(q["o"]) if q["o"].isdigit() and int(q["o"]) < len(names) else 0
    grid, _ = outcomes[names[i]]
    columns = [h for h in grid.header if h and h.lower() != "study"]
    try:
        view = analyse_grid(grid, {k: q[k] for k in SETTINGS}, source=names[i], subgroup=q["subgroup"] or None,
                            moderators=(q["moderator"],) if q["moderator"] else ())
    except EvisynthError as exc:
        return names, i, columns, None, str(exc)
    return names, i, columns, view, None


def _context(request: Request) -> dict[str, Any]:
    q = _query(request)
    names, i, columns, view, error = _view(request, q)
    figures = []
    if view is not None:
        for n, item in enumerate(view.all_figures(), 1):
            figures.append({"key": item.key, "number": n, "title": item.title, "caption": item.caption,
                            "svg": Markup(inline_svg(item)) if n == 1 or item.key.startswith(("forest", "bubble"))
                            else None})
    keep = {k: v for k, v in q.items() if v}
    keep["o"] = str(i)
    return {"outcomes": names, "current": i, "columns": columns, "view": view, "error": error, "q": q,
            "choices": CHOICES, "figures": figures, "formats": FIGURE_FORMATS, "qs": urlencode(keep)}


def page(request: Request) -> Response:
    name = "analysis/results.html" if request.headers.get("hx-request") else "analysis/index.html"
    return render(request, name, _context(request), page="analysis")


def _analysed(request: Request) -> AnalysisView:
    _, _, _, view, error = _view(request, _query(request))
    if view is None:
        raise HTTPException(404, error or "no analysis")
    return view


def figure(request: Request) -> Response:
    key, _, fmt = request.path_params["name"].rpartition(".")
    if fmt not in FIGURE_FORMATS:
        raise HTTPException(404, "figures are .svg, .png or .pdf")
    try:
        item = _analysed(request).figure(key)
    except EvisynthError as exc:
        raise HTTPException(404, str(exc)) from None
    return Response(figure_file(item, fmt), media_type=MEDIA[fmt],
                    headers={"content-disposition": f'attachment; filename="{item.key}.{fmt}"'})


def report(request: Request) -> Response:
    name = request.url.path.rsplit("/", 1)[-1]
    data = report_file(_analysed(request), name)
    return Response(data, media_type=MEDIA[name.rsplit(".", 1)[-1]],
                    headers={"content-disposition": f'attachment; filename="{name}"'})


routes: list[BaseRoute] = [
    Route("/analysis", page, name="analysis"),
    Route("/analysis/figure/{name:str}", figure),
    *[Route(f"/analysis/{n}", report) for n in ("report.html", "report.md", "analysis.json")],
]
