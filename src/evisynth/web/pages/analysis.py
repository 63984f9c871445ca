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
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from evisynth.api.analysischoices import LABELS, coherent, measures_for, methods_for, page_words, valid_tests
from evisynth.api.extraction import outcome_grids
from evisynth.api.reviewfile import set_analysis
from evisynth.api.webanalysis import (
    CHOICES,
    FIGURE_FORMATS,
    REPORT_FILES,
    AnalysisView,
    analyse_grid,
    download_name,
    figure_file,
    form_settings,
    grid_info,
    inline_svg,
    report_file,
    review_outcomes,
    review_settings_text,
    settings_differ,
    spec_options,
)
from evisynth.errors import EvisynthError
from evisynth.web.templating import author, flash, render

SETTINGS = ("measure", "model", "method", "test", "level", "cluster", "robust")
MEDIA = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf", "html": "text/html; charset=utf-8",
         "md": "text/markdown; charset=utf-8", "json": "application/json", "zip": "application/zip"}


def _query(request: Request) -> dict[str, str]:
    q = request.query_params
    return {k: q.get(k, "") for k in ("o", "of", *SETTINGS, "subgroup", "moderator")}


def _view(request: Request, q: dict[str, str]) -> dict[str, Any]:
    """The outcome chosen and its analysis: the review file's settings for that outcome, changed by the
    form's; choosing another outcome (``o`` differs from the form's ``of``) starts from its own settings."""
    folder = request.app.state.folder
    outcomes = outcome_grids(folder)
    names = list(outcomes)
    out: dict[str, Any] = {"outcomes": names, "current": 0, "columns": (), "clusters": (), "view": None, "error": None,
                           "settings": form_settings(None), "kind": None, "review": None, "differs": False}
    if not names:
        out["error"] = "no outcome has data yet: enter it on the data extraction page"
        return out
    i = int(q["o"]) if q["o"].isdigit() and int(q["o"]) < len(names) else 0
    if q["of"] and q["of"] != str(i):
        q.update({k: "" for k in (*SETTINGS, "subgroup", "moderator")})
    grid, _ = outcomes[names[i]]
    spec = review_outcomes(folder).get(names[i])
    base = spec.analysis if spec is not None else None
    kind, columns, clusters = grid_info(grid)
    start = form_settings(base)
    chosen = q["of"] == str(i)  # the form was sent: an unticked robust SE box means no robust SE
    settings = coherent({k: q[k] if chosen and k == "robust" else q[k] or start[k] for k in SETTINGS}, kind, base)
    out.update(current=i, columns=columns, clusters=clusters, settings=settings, kind=kind, name=names[i],
               review=review_settings_text(base) if base is not None else None,
               differs=settings_differ(settings, base))
    subgroup = q["subgroup"] if q["subgroup"] in columns else None
    moderator = q["moderator"] if q["moderator"] in columns else None
    try:
        out["view"] = analyse_grid(grid, settings, source=names[i], subgroup=subgroup,
                                   moderators=(moderator,) if moderator else (), base=base,
                                   options=spec_options(spec) if spec is not None else None)
    except EvisynthError as exc:
        out["error"] = page_words(str(exc))
    return out


def _choices(settings: dict[str, str], kind: str | None) -> dict[str, list[tuple[str, str]]]:
    """Each select's (value, label) pairs: measures for the grid's data, methods for the model, tests for
    both; a value outside them (e.g. from a link) is kept so the form shows what was analysed."""
    model = settings["model"]
    codes = {"measure": measures_for(kind), "model": CHOICES["model"],
             "method": methods_for(model, kind, settings["measure"]),
             "test": valid_tests(model, bool(settings.get("robust")))}
    out = {}
    for name, values in codes.items():
        extra = (settings[name],) if settings[name] and settings[name] not in values else ()
        out[name] = [(c, LABELS[name].get(c, c)) for c in (*values, *extra)]
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
    return {**ctx, "q": q, "choices": _choices(ctx["settings"], ctx["kind"]), "figures": figures,
            "formats": FIGURE_FORMATS, "qs": urlencode(keep),
            "dependent": ctx["settings"]["model"] == "multilevel" or bool(ctx["settings"].get("robust"))}


def page(request: Request) -> Response:
    name = "analysis/panel.html" if request.headers.get("hx-request") else "analysis/index.html"
    return render(request, name, _context(request), page="analysis")


def _analysed(request: Request) -> tuple[AnalysisView, str]:
    """The analysis of the request's outcome and settings, with the outcome's name."""
    ctx = _view(request, _query(request))
    if ctx["view"] is None:
        raise HTTPException(404, ctx["error"] or "no analysis")
    view: AnalysisView = ctx["view"]
    return view, str(ctx["name"])


def _attachment(name: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{name}"'}


def figure(request: Request) -> Response:
    key, _, fmt = request.path_params["name"].rpartition(".")
    if fmt not in FIGURE_FORMATS:
        raise HTTPException(404, "figures are .svg, .png or .pdf")
    view, outcome = _analysed(request)
    try:
        item = view.figure(key)
    except EvisynthError as exc:
        raise HTTPException(404, str(exc)) from None
    return Response(figure_file(item, fmt), media_type=MEDIA[fmt],
                    headers=_attachment(download_name(f"{item.key}.{fmt}", outcome)))


def report(request: Request) -> Response:
    name = request.url.path.rsplit("/", 1)[-1]
    view, outcome = _analysed(request)
    return Response(report_file(view, name), media_type=MEDIA[name.rsplit(".", 1)[-1]],
                    headers=_attachment(download_name(name, outcome)))


async def use_settings(request: Request) -> Response:
    """Write the page's settings into the outcome's table of the review file (POST, CSRF-checked)."""
    form = await request.form()
    outcomes = list(outcome_grids(request.app.state.folder))
    name = str(form.get("outcome", ""))
    if name not in outcomes:
        raise HTTPException(404, "no such outcome")
    settings = {k: str(form.get(k, "")) for k in SETTINGS}
    who = author(request)
    try:
        changes = set_analysis(request.app.state.folder, name, settings, who=who)
    except EvisynthError as exc:
        flash(request, page_words(str(exc)), "error")
    else:
        flash(request, f"the review file now analyses {name} with these settings ({'; '.join(changes)}); the "
                       "previous version is kept in history/review/" if changes else
                       f"the review file already analyses {name} with these settings")
    keep = {k: str(form.get(k, "")) for k in ("subgroup", "moderator") if form.get(k)}
    return RedirectResponse(f"/analysis?{urlencode({'o': outcomes.index(name), **keep})}", status_code=303)


routes: list[BaseRoute] = [
    Route("/analysis", page, name="analysis"),
    Route("/analysis/figure/{name:str}", figure),
    Route("/analysis/settings", use_settings, methods=["POST"]),
    *[Route(f"/analysis/{n}", report) for n in REPORT_FILES],
]
