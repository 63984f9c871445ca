"""The HTML view: the summary with every finding highlighted inline (reused by the web app).

:func:`html_fragment` returns a self-contained ``<div class="evisynth-check">`` (the text
with ``<mark>`` elements whose reason shows on hover and on keyboard focus, and the list of
findings each ``<mark>`` points to with ``aria-describedby``); :func:`html_page` wraps it in a
page with its stylesheet. Everything from the text or the findings is escaped (Jinja2
autoescaping).

>>> from evisynth.check import check_text
>>> html = html_fragment(check_text("<b>x</b> significantly better (MD 0.3, 95% CI -0.1 to 0.7)", html=False))
>>> "&lt;b&gt;x&lt;/b&gt;" in html and '<mark class="es-finding es-error"' in html
True
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

from evisynth.check.model import CheckResult, Finding


@cache
def _env() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("evisynth.check", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _segments(result: CheckResult, ids: dict[int, str]) -> list[dict[str, Any]]:
    """Cut the text at every finding boundary; each piece knows the findings covering it."""
    text = result.text
    located: list[tuple[int, int, int]] = [
        (i, f.start, f.end) for i, f in enumerate(result.findings) if f.start is not None and f.end is not None
    ]
    ends = {i: e for i, _s, e in located}
    cuts = sorted({0, len(text)} | {s for _i, s, _e in located} | {e for _i, _s, e in located})
    starts: dict[int, list[int]] = {}
    for i, s, _e in located:
        starts.setdefault(s, []).append(i)
    active: list[int] = []
    out: list[dict[str, Any]] = []
    for a, b in itertools.pairwise(cuts):
        active = [i for i in active if ends[i] > a] + starts.get(a, [])
        if a >= b:
            continue
        covering: list[Finding] = [result.findings[i] for i in active]
        severity = "error" if any(f.severity == "error" for f in covering) else "warning"
        out.append(
            {
                "text": text[a:b],
                "findings": covering,
                "severity": severity,
                "reason": " | ".join(f"{f.severity} ({f.kind}): {f.message}" for f in covering),
                "ids": " ".join(ids[i] for i in active),
            }
        )
    return out


def html_fragment(result: CheckResult, *, id_prefix: str = "es-f") -> str:
    """The summary with its findings highlighted inline, as an escaped HTML fragment."""
    ids = {i: f"{id_prefix}-{i + 1}" for i in range(len(result.findings))}
    findings = [
        {
            "id": ids[i],
            "severity": f.severity,
            "kind": f.kind,
            "message": f.message,
            "quote": result.text[f.start : f.end] if f.start is not None and f.end is not None else "",
        }
        for i, f in enumerate(result.findings)
    ]
    return str(
        _env()
        .get_template("fragment.html.j2")
        .render(
            segments=_segments(result, ids),
            findings=findings,
            n_claims=len(result.claims),
            n_errors=len(result.errors),
            n_warnings=len(result.warnings),
        )
    )


def _css(name: str) -> str:
    from importlib import resources

    return resources.files("evisynth.check").joinpath("templates", name).read_text(encoding="utf-8")


def findings_css() -> str:
    """The style of :func:`html_fragment`'s highlights and list (scoped to ``.evisynth-check``), for a page
    that embeds the fragment (the web app serves it as ``/static/check.css``)."""
    return _css("check.css")


def html_page(result: CheckResult, *, title: str = "summary") -> str:
    """A complete HTML page around :func:`html_fragment` (marked as written by evisynth check)."""
    from markupsafe import Markup

    css = _css("page.css") + findings_css()
    page = _env().get_template("page.html.j2").render(title=title, css=Markup(css),
                                                      fragment=Markup(html_fragment(result)))
    return str(page)
