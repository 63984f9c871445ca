"""Page 6, Certainty & summary: per outcome the GRADE domains with evisynth's suggestion, its rule and
the numbers behind it, the reviewers' overrides (each with a required reason, who and when), the
summary-of-findings table (Word/HTML/CSV) and the plain-language summary with the accuracy checker's
findings highlighted inline (reason on hover and keyboard focus, and listed below the text).

Everything comes from :mod:`evisynth.api.webreview` (the review run over the app's grids and
overrides); this module formats and routes, it computes nothing.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from evisynth.api.webreview import (
    domain_rows,
    override_log,
    project_summary,
    review_result,
    set_override,
    sof_file,
    sof_fragment,
    summary_view,
)
from evisynth.errors import EvisynthError
from evisynth.web.templating import flash, render, reviewer

SOF_MEDIA = {"html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
LEVEL_SYMBOLS = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very low": "⊕◯◯◯"}


def _number(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    return f"{value:.3g}" if abs(value) < 1e-3 or abs(value) >= 1e4 else f"{value:.4g}"


def _shown(value: Any) -> str:
    """A number, flag or list behind a suggestion as short text (formatting only)."""
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: "–"}[value]
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')} {_shown(v)}" for k, v in value.items() if not isinstance(v, list | dict))
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value) or "none"
    return str(value)


def _inputs(inputs: dict[str, Any]) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """The suggestion's inputs as (name, value) pairs, and its per-study rows (risk of bias) apart."""
    pairs, studies = [], []
    for key, value in inputs.items():
        if key == "studies" and isinstance(value, list) and all(isinstance(v, dict) for v in value):
            studies = value
        elif not (isinstance(value, dict) and "text" in value):
            pairs.append((key.replace("_", " "), _shown(value)))
    return pairs, studies


def _context(request: Request, text: str | None = None) -> dict[str, Any]:
    folder = request.app.state.folder
    try:
        result = review_result(folder)
    except EvisynthError as exc:
        return {"error": str(exc), "outcomes": []}
    names = [o.spec.name for o in result.outcomes]
    q = request.query_params.get("o", "")
    current = int(q) if q.isdigit() and int(q) < len(names) else 0
    outcome = result.outcomes[current] if names else None
    rows = []
    for row in domain_rows(result, folder):
        if outcome is not None and row["outcome"] == outcome.spec.name:
            pairs, studies = _inputs(row["inputs"])
            rows.append({**row, "label": row["domain"].replace("_", " "), "pairs": pairs, "studies": studies})
    stored = project_summary(folder)
    source = "your text" if text is not None else "summary/summary.md" if stored is not None else "generated"
    checked = summary_view(result, text if text is not None else stored)
    levels = [(o.spec.name, o.certainty.level, LEVEL_SYMBOLS.get(o.certainty.level, "")) for o in result.outcomes]
    log = [e for e in override_log(folder) if outcome is not None and e.get("outcome") == outcome.spec.name]
    return {"error": None, "outcomes": names, "current": current, "outcome": outcome, "rows": rows,
            "levels": levels, "sof": Markup(sof_fragment(result)), "summary": checked,
            "checked": Markup(checked.checked_html), "summary_source": source, "log": log[-20:][::-1]}


def page(request: Request) -> Response:
    return render(request, "certainty/index.html", _context(request), page="certainty")


async def check(request: Request) -> Response:
    """Check a pasted text against the review's results (nothing is stored)."""
    form = await request.form()
    text = str(form.get("text", ""))[:200_000]
    return render(request, "certainty/index.html", _context(request, text or None), page="certainty")


async def override(request: Request) -> Response:
    form = await request.form()
    index = str(form.get("o", "0"))
    back = f"/certainty?o={index if index.isdigit() else 0}#domains"
    outcome, domain = str(form.get("outcome", "")), str(form.get("domain", ""))
    try:
        names = [o.spec.name for o in review_result(request.app.state.folder).outcomes]
        if outcome not in names:
            raise HTTPException(404, f"no outcome {outcome!r} in this review")
        judgement, reason = str(form.get("judgement", "")), str(form.get("reason", ""))
        who = reviewer(request) or str(request.session.get("user", "")) or "unnamed reviewer"
        set_override(request.app.state.folder, outcome, domain, judgement, reason, who=who)
    except EvisynthError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(back, status_code=303)
    label = domain.replace("_", " ")
    flash(request, f"{outcome}, {label}: {judgement} (saved)" if judgement else
          f"{outcome}, {label}: back to the review file's judgement or evisynth's suggestion")
    return RedirectResponse(back, status_code=303)


def sof(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in SOF_MEDIA:
        raise HTTPException(404, "the summary of findings downloads as .docx, .html or .csv")
    try:
        data = sof_file(review_result(request.app.state.folder), fmt)
    except EvisynthError as exc:
        raise HTTPException(404, str(exc)) from None
    return Response(data, media_type=SOF_MEDIA[fmt],
                    headers={"content-disposition": f'attachment; filename="summary_of_findings.{fmt}"'})


routes: list[BaseRoute] = [
    Route("/certainty", page, name="certainty"),
    Route("/certainty/override", override, methods=["POST"]),
    Route("/certainty/check", check, methods=["POST"]),
    Route("/certainty/sof.{fmt:str}", sof),
]
