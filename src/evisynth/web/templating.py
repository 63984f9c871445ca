"""The app's Jinja2 templates (autoescaped) and the navigation shared by every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from evisynth.api.records import screening_label
from evisynth.web.security import csrf_token

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")

#: (key, label, path) of the seven pages of issue #12, in the order of a review.
NAV: tuple[tuple[str, str, str], ...] = (
    ("project", "Project", "/"),
    ("search", "Search results", "/search"),
    ("screening", "Screening", "/screening"),
    ("extraction", "Data extraction", "/extraction"),
    ("rob", "Risk of bias", "/rob"),
    ("analysis", "Analysis", "/analysis"),
    ("certainty", "Certainty & summary", "/certainty"),
    ("history", "History", "/history"),
)


def environment() -> Environment:
    """A Jinja2 environment over ``templates/`` and the report's templates (``report/...``, shared with
    ``report.html``), with autoescaping always on."""
    from jinja2 import ChoiceLoader, PackageLoader

    from evisynth.api.templates import FILTERS, TEMPLATE_PACKAGE

    env = Environment(loader=ChoiceLoader([FileSystemLoader(TEMPLATES_DIR), PackageLoader(*TEMPLATE_PACKAGE)]),
                      autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(FILTERS)
    return env


templates = Jinja2Templates(env=environment())


def reviewer(request: Request) -> str:
    """The signed-in reviewer's name (``""`` until given)."""
    name = request.session.get("reviewer", "")
    return name if isinstance(name, str) else ""


def author(request: Request) -> str:
    """Who makes a change: the reviewer's name, else the signed-in user (``""`` when neither is known)."""
    return reviewer(request) or str(request.session.get("user", ""))


def render(request: Request, name: str, context: dict[str, Any] | None = None, *, page: str = "",
           status_code: int = 200) -> HTMLResponse:
    """Render ``name`` with the shared context (navigation, CSRF token, reviewer, flash message)."""
    flash = request.session.pop("flash", None)
    ctx = {"nav": NAV, "page": page, "csrf_token": csrf_token(request.session), "reviewer": reviewer(request),
           "flash": flash, "auth": request.app.state.auth.enabled, **(context or {})}
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def flash(request: Request, message: str, kind: str = "info") -> None:
    """A one-line message shown on the next page rendered."""
    request.session["flash"] = {"message": message, "kind": kind}


def highlight(text: str, terms: list[str]) -> Markup:
    """``text`` escaped, with every case-insensitive occurrence of a search term in ``<mark>``."""
    words = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not words or not text:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out += [str(escape(text[last:m.start()])), f"<mark>{escape(m.group(0))}</mark>"]
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


#: Inline formatting tags that bibliographic exports leave in titles and abstracts ("<i>rTMS</i>" from PubMed).
_FORMATTING_TAG_RE = re.compile(r"</?(?:i|b|u|em|strong|sup|sub|sc)\s*/?>", re.IGNORECASE)


def untag(text: str | None) -> str:
    """``text`` without the inline formatting tags of bibliographic records (the text is escaped later,
    so any other markup still shows as text)."""
    return _FORMATTING_TAG_RE.sub("", text or "")


templates.env.filters["highlight"] = highlight
templates.env.filters["untag"] = untag
templates.env.filters["label"] = screening_label  # "fulltext" -> "Full text", "missing" -> "not retrieved"
