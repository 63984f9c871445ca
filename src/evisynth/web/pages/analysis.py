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
    form_settings,
    grid_columns,
    inline_svg,
    report_file,
    review_specs,
)
from evisynth.errors import EvisynthError
from evisynth.web.templating import render

SETTINGS = ("measure", "model", "method", "test", "level")
MEDIA = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf", "html": "text/html; charset=utf-8",
         "md": "text/markdown; charset=utf-8", "json": "application/json"}


def _query(request: Request) -> dict[str, str]:
    q = request.query_params
    return {k: q.get(k, "") for k in ("o", "of", *SETTINGS, "subgroup", "moderator")}


def _view(request: Request, q: dict[str, str]) -> dict[str, Any]:
    """The outcome chosen and its analysis: the review file's settings for that outcome, changed by the
    form's; choosing another outcome (``o`` differs from the form's ``of``) starts from its own settings."""
    folder = request.app.state.folder
    outcomes = outcome_grids(folder)
    names = list(outcomes)
    out: dict[str, Any] = {"outcomes": names, "current": 0, "columns": (), "view": None, "error": None,
                           "settings": form_settings(None)}
    if not names:
        out["error"] = "no outcome has data yet: enter it on the data extraction page"
        return out
    i = int(q["o"]) if q["o"].isdigit() and int(q["o"]) < len(names) else 0
    if q["of"] and q["of"] != str(i):
        q.update({k: "" for k in (*SETTINGS, "subgroup", "moderator")})
    grid, _ = outcomes[names[i]]
    base = review_specs(folder).get(names[i])
    columns = grid_columns(grid)
    start = form_settings(base)
    settings = {k: q[k] or start[k] for k in SETTINGS}
    out.update(current=i, columns=columns, settings=settings)
    subgroup = q["subgroup"] if q["subgroup"] in columns else None
    moderator = q["moderator"] if q["moderator"] in columns else None
    try:
        out["view"] = analyse_grid(grid, settings, source=names[i], subgroup=subgroup,
                                   moderators=(moderator,) if moderator else (), base=base)
    except EvisynthError as exc:
        out["error"] = str(exc)
    return out


def _context(request: Request) -> dict[str, Any]:
    q = _query(request)
    ctx = _view(request, q)
    view: AnalysisView | None = ctx["view"]
    figures = []
    if view is not None:
        for n, item in enumerate(view.all_figures(), 1):
            figures.append({"key": item.key, "number": n, "title": item.title, "caption": item.caption,
                            "svg": Markup(inline_svg(item)) if n == 1 or item.key.startswith(("forest", "bubble"))
                            else None})
    keep = {k: v for k, v in q.items() if v and k != "of"}
    keep.update({k: v for k, v in ctx["settings"].items() if v})
    keep["o"] = str(ctx["current"])
    return {**ctx, "q": q, "choices": CHOICES, "figures": figures, "formats": FIGURE_FORMATS,
            "qs": urlencode(keep)}


def page(request: Request) -> Response:
    name = "analysis/panel.html" if request.headers.get("hx-request") else "analysis/index.html"
    return render(request, name, _context(request), page="analysis")


def _analysed(request: Request) -> AnalysisView:
    ctx = _view(request, _query(request))
    if ctx["view"] is None:
        raise HTTPException(404, ctx["error"] or "no analysis")
    view: AnalysisView = ctx["view"]
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
