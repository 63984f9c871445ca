"""Page 6, Certainty & summary: per outcome the GRADE domains with evisynth's suggestion, its rule and
the numbers behind it, the reviewers' overrides (each with a required reason, who and when), the
summary-of-findings table (Word/HTML/CSV) and the plain-language summary with the accuracy checker's
findings highlighted inline (reason on hover and keyboard focus, and listed below the text), editable:
"Check" checks the text without storing it, "Save as the review's summary" replaces
``summary/summary.md`` (the old version kept, the change logged for the History page) and checks it
again; the saved summary downloads as Markdown.

The review run and the checked summary come from the app's :class:`~evisynth.api.webcache.ReviewCache`
(``app.state.reviews``): a reload with no file changed does not run the review again.

Everything comes from :mod:`evisynth.api.webreview` (the review run over the app's grids and
overrides); this module formats and routes, it computes nothing.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from evisynth.api.webcache import ReviewCache
from evisynth.api.webreview import domain_rows, override_log, set_override, sof_file, sof_fragment
from evisynth.api.websummary import MAX_SUMMARY_CHARS, SUMMARY_FILE, project_summary, save_summary
from evisynth.errors import EvisynthError
from evisynth.web.templating import author, flash, render

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
        names = {"statistic": "t", "df": "df", "p_value": "P"}
        return "; ".join(f"{names.get(k, k.replace('_', ' '))} {_shown(v)}" for k, v in value.items()
                         if not isinstance(v, list | dict))
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value) or "none"
    return str(value)


#: Plain labels for the numbers behind a suggestion (the keys of ``DomainSuggestion.inputs``); a key
#: without one is shown with its underscores as spaces.
INPUT_LABELS: dict[str, str] = {
    "k": "studies (k)", "i2": "I² (%)", "q": "Q", "q_p": "P for heterogeneity",
    "pi_lower": "prediction interval, lower", "pi_upper": "prediction interval, upper",
    "pi_crosses_no_effect": "prediction interval crosses no effect",
    "estimates_on_both_sides": "study estimates on both sides of no effect",
    "some_cis_do_not_overlap": "some study CIs do not overlap",
    "ci_lower": "CI, lower", "ci_upper": "CI, upper", "includes_no_effect": "CI includes no effect",
    "ci_excludes_no_effect": "CI excludes no effect",
    "threshold_lower": "threshold, lower (important effect)", "threshold_upper": "threshold, upper (important effect)",
    "threshold_source": "thresholds from",
    "crosses_lower": "CI reaches beyond the lower threshold", "crosses_upper": "CI reaches beyond the upper threshold",
    "ois": "optimal information size", "ois_assumptions": "OIS assumptions", "ois_met": "OIS met",
    "participants": "participants", "events": "events",
    "share_low": "weight at low risk", "share_some_concerns": "weight at some concerns",
    "share_high": "weight at high risk", "share_not_low": "weight not at low risk",
    "share_missing": "weight without a judgement", "missing": "studies without a judgement",
    "low_risk_studies": "studies at low risk", "egger": "Egger's test", "trim_and_fill_k0": "trim-and-fill: studies added",
    "estimate": "estimate", "se": "SE", "p_value": "P", "moderator": "moderator",
}


def _inputs(inputs: dict[str, Any]) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """The suggestion's inputs as (name, value) pairs, and its per-study rows (risk of bias) apart."""
    pairs, studies = [], []
    for key, value in inputs.items():
        if key == "studies" and isinstance(value, list) and all(isinstance(v, dict) for v in value):
            studies = value
        elif not (isinstance(value, dict) and "text" in value):
            pairs.append((INPUT_LABELS.get(key, key.replace("_", " ")), _shown(value)))
    return pairs, studies


def _reviews(request: Request) -> ReviewCache:
    cache: ReviewCache = request.app.state.reviews
    return cache


def _who(request: Request) -> str:
    return author(request) or "unnamed reviewer"


def _context(request: Request, text: str | None = None, editing: str | None = None) -> dict[str, Any]:
    """The page's context; ``text`` is a pasted text to check instead of the project's summary, and
    ``editing`` the text to leave in the editor (default: the text checked)."""
    folder = request.app.state.folder
    status = request.session.pop("summary_status", None)   # what the last save did, shown by the editor
    stored = project_summary(folder)
    try:
        result, checked = _reviews(request).summary(folder, text if text is not None else stored)
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
    source = "your text" if text is not None else SUMMARY_FILE.as_posix() if stored is not None else "generated"
    levels = [(o.spec.name, o.certainty.level, LEVEL_SYMBOLS.get(o.certainty.level, "")) for o in result.outcomes]
    log = [e for e in override_log(folder) if outcome is not None and e.get("outcome") == outcome.spec.name]
    return {"error": None, "outcomes": names, "current": current, "outcome": outcome, "rows": rows,
            "levels": levels, "sof": Markup(sof_fragment(result)), "summary": checked,
            "checked": Markup(checked.checked_html), "summary_source": source, "log": log[-20:][::-1],
            "editing": checked.text if editing is None else editing, "stored": stored is not None,
            "max_chars": MAX_SUMMARY_CHARS, "summary_status": status}


def page(request: Request) -> Response:
    return render(request, "certainty/index.html", _context(request), page="certainty")


async def check(request: Request) -> Response:
    """Check a pasted text against the review's results (nothing is stored)."""
    form = await request.form()
    text = str(form.get("text", ""))[:MAX_SUMMARY_CHARS]
    context = await run_in_threadpool(_context, request, text or None, text)
    return render(request, "certainty/index.html", context, page="certainty")


def _remaining(errors: int, warnings: int) -> str:
    if not errors and not warnings:
        return "the accuracy check found no errors or warnings"
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((errors, "error"), (warnings, "warning")) if n]
    return f"{' and '.join(parts)} remain{'s' if errors + warnings == 1 else ''} (highlighted below)"


def _status(request: Request, message: str, kind: str = "info") -> None:
    """A one-line message shown above the summary (where the page opens after a save), not at the top."""
    request.session["summary_status"] = {"message": message, "kind": kind}


async def save(request: Request) -> Response:
    """Save the edited text as ``summary/summary.md`` (old version kept, change logged) and check it."""
    form = await request.form()
    text = str(form.get("text", ""))
    index = str(form.get("o", "0"))
    folder = request.app.state.folder
    try:
        saved = await run_in_threadpool(lambda: save_summary(folder, text, who=_who(request)))
    except EvisynthError as exc:  # empty or too long: nothing saved, the text stays in the editor
        _status(request, str(exc), "error")
        context = await run_in_threadpool(_context, request, None, text[:MAX_SUMMARY_CHARS])
        return render(request, "certainty/index.html", context, page="certainty")
    what = (f"Saved as the review's summary ({SUMMARY_FILE.as_posix()})" if saved.changed
            else "The summary is unchanged; nothing saved")
    try:
        _, view = await run_in_threadpool(_reviews(request).summary, folder, project_summary(folder))
    except EvisynthError as exc:
        _status(request, f"{what}; it could not be checked: {exc}", "error")
    else:
        _status(request, f"{what}: {_remaining(view.errors, view.warnings)}", "error" if view.errors else "info")
    return RedirectResponse(f"/certainty?o={index if index.isdigit() else 0}#summary", status_code=303)


def summary_download(request: Request) -> Response:
    """The saved summary as a Markdown file."""
    text = project_summary(request.app.state.folder)
    if text is None:
        raise HTTPException(404, "this project has no saved summary yet")
    return Response(text.encode("utf-8"), media_type="text/markdown; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="summary.md"'})


async def override(request: Request) -> Response:
    form = await request.form()
    index = str(form.get("o", "0"))
    back = f"/certainty?o={index if index.isdigit() else 0}#domains"
    outcome, domain = str(form.get("outcome", "")), str(form.get("domain", ""))
    try:
        result = await run_in_threadpool(_reviews(request).result, request.app.state.folder)
        names = [o.spec.name for o in result.outcomes]
        if outcome not in names:
            raise HTTPException(404, f"no outcome {outcome!r} in this review")
        judgement, reason = str(form.get("judgement", "")), str(form.get("reason", ""))
        set_override(request.app.state.folder, outcome, domain, judgement, reason, who=_who(request))
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
        data = sof_file(_reviews(request).result(request.app.state.folder), fmt)
    except EvisynthError as exc:
        raise HTTPException(404, str(exc)) from None
    if fmt == "csv" and not data.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data  # a byte-order mark: Excel on Windows shows "⊕◯", "№", "–" as written
    return Response(data, media_type=SOF_MEDIA[fmt],
                    headers={"content-disposition": f'attachment; filename="summary_of_findings.{fmt}"'})


routes: list[BaseRoute] = [
    Route("/certainty", page, name="certainty"),
    Route("/certainty/override", override, methods=["POST"]),
    Route("/certainty/check", check, methods=["POST"]),
    Route("/certainty/summary", save, methods=["POST"]),
    Route("/certainty/summary.md", summary_download, name="summary_download"),
    Route("/certainty/sof.{fmt:str}", sof),
]
