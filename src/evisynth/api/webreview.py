"""Certainty and summary for the web app: the review run over the grids the app saved, GRADE overrides
entered in the browser (each with its reason, who and when), the summary-of-findings table as
HTML/CSV/Word, and the plain-language summary with the accuracy checker's findings inline.

Overrides the app stores go to ``<project>/grade/overrides.json`` (replaced atomically, under a lock
on the folder) and every change is appended to ``<project>/grade/overrides.log.jsonl`` (who, when, the
judgement before and after, the reason); the review file is read, never rewritten. An override here
replaces the review file's override of the same domain.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evisynth.api.extraction import grid_path
from evisynth.check.check import check_text
from evisynth.check.view import html_fragment
from evisynth.errors import InputError
from evisynth.files import append_line, write_text
from evisynth.files.manifest import locked
from evisynth.grade.judgements import DOMAINS, JUDGEMENTS, Override
from evisynth.report.sof import build_sof, render_csv, render_html, write_docx
from evisynth.report.summary import build_summary
from evisynth.report.summary_render import checker_source, plain_text, render_summary_markdown
from evisynth.review.file import find_review, load_review
from evisynth.review.runner import ReviewResult, run_review

__all__ = [
    "DOMAINS",
    "JUDGEMENTS",
    "SummaryView",
    "domain_rows",
    "find_review",
    "override_log",
    "overrides",
    "project_summary",
    "review_result",
    "set_override",
    "sof_file",
    "sof_fragment",
    "summary_view",
]

OVERRIDES_FILE = Path("grade") / "overrides.json"
OVERRIDES_LOG = Path("grade") / "overrides.log.jsonl"
SUMMARY_FILE = Path("summary") / "summary.md"


def overrides(project_dir: str | Path) -> dict[str, dict[str, dict[str, str]]]:
    """The app's overrides: outcome → domain → ``judgement``, ``reason``, ``who``, ``when``."""
    path = Path(project_dir) / OVERRIDES_FILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def override_log(project_dir: str | Path) -> list[dict[str, str]]:
    """Every override change made in the app, oldest first (``grade/overrides.log.jsonl``)."""
    path = Path(project_dir) / OVERRIDES_LOG
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by a crash: the others still count
        if isinstance(entry, dict):
            out.append(entry)
    return out


def set_override(project_dir: str | Path, outcome: str, domain: str, judgement: str, reason: str,
                 who: str = "") -> None:
    """Store (or, with an empty ``judgement``, remove) the reviewers' judgement of one domain.

    A judgement needs a reason: an empty ``reason`` is an :class:`InputError` and nothing is written.
    The change is appended to the log, then ``overrides.json`` is replaced atomically, both under an
    exclusive lock on the ``grade`` folder (two reviewers saving at once never lose a change).
    """
    if domain not in JUDGEMENTS:
        raise InputError(f"GRADE domain {domain!r} is not one of {', '.join(DOMAINS)}")
    if judgement and judgement not in JUDGEMENTS[domain]:
        raise InputError(f"{domain}: judgement {judgement!r} is not one of {', '.join(JUDGEMENTS[domain])}")
    if judgement and not reason.strip():
        raise InputError(f"{domain}: an override needs a reason (what the reviewers judged and why)")
    folder = Path(project_dir) / OVERRIDES_FILE.parent
    folder.mkdir(parents=True, exist_ok=True)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    with locked(folder):
        data = overrides(project_dir)
        entry = data.setdefault(outcome, {})
        before = entry.get(domain, {}).get("judgement", "")
        if not judgement:
            entry.pop(domain, None)
        else:
            entry[domain] = {"judgement": judgement, "reason": reason.strip(), "who": who, "when": when}
        line = json.dumps({"when": when, "who": who, "outcome": outcome, "domain": domain, "before": before,
                           "after": judgement, "reason": reason.strip()}, ensure_ascii=False, sort_keys=True)
        append_line(Path(project_dir) / OVERRIDES_LOG, line)
        write_text(Path(project_dir) / OVERRIDES_FILE,
                   json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def project_summary(project_dir: str | Path) -> str | None:
    """The plain-language summary the project holds (``summary/summary.md``, as ``evisynth demo`` and
    ``evisynth review`` write it), or ``None``."""
    path = Path(project_dir) / SUMMARY_FILE
    return path.read_text(encoding="utf-8") if path.is_file() else None


def review_result(project_dir: str | Path) -> ReviewResult:
    """Run the project's review with the grids the app saved, the risk of bias and the overrides entered
    in the app."""
    path = find_review(project_dir)
    if path is None:
        raise InputError(f"{project_dir}: no review.toml (or data/review.toml) describing the outcomes")
    review = load_review(path)
    web = overrides(project_dir)
    outcomes = []
    for spec in review.outcomes:
        saved = grid_path(project_dir, spec.name)
        merged = {**spec.overrides, **{d: Override(d, o["judgement"], o["reason"])
                                       for d, o in web.get(spec.name, {}).items()}}
        outcomes.append(replace(spec, data=saved if saved.exists() else spec.data, overrides=merged))
    from evisynth.api.webrob import app_rob_file

    rob = app_rob_file(project_dir)  # the judgements entered on the Risk of bias page
    return run_review(replace(review, outcomes=tuple(outcomes), risk_of_bias=rob or review.risk_of_bias))


def sof_file(result: ReviewResult, fmt: str) -> bytes:
    """The summary-of-findings table as ``html``, ``csv`` or ``docx``."""
    table = build_sof(result)
    if fmt == "html":
        return render_html(table).encode("utf-8")
    if fmt == "csv":
        return render_csv(table).encode("utf-8")
    if fmt == "docx":
        buf = io.BytesIO()
        write_docx(table, buf, provenance=result.provenance)
        return buf.getvalue()
    raise InputError(f"summary-of-findings format {fmt!r} is not one of html, csv, docx")


def sof_fragment(result: ReviewResult) -> str:
    """The summary-of-findings table as an HTML fragment (the report's own template, text escaped)."""
    return render_html(build_sof(result), standalone=False)


@dataclass(frozen=True)
class SummaryView:
    """The plain-language summary, its accuracy check as highlighted HTML, and the counts: ``markdown``
    is the text the checker read (emphasis and heading markers removed), ``text`` the text as given (or generated)."""

    markdown: str
    checked_html: str
    errors: int
    warnings: int
    claims: int
    text: str = ""


_HEADING_RE = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)


def summary_view(result: ReviewResult, text: str | None = None) -> SummaryView:
    """Check ``text`` (default: the generated summary) against the review's results; the findings are
    highlighted inline by the checker's own HTML view (reason on hover and keyboard focus)."""
    source = render_summary_markdown(build_summary(result)) if text is None else text
    body = _HEADING_RE.sub("", plain_text(source))  # "## Key results" reads as a line "Key results"
    certainty = {o.spec.name: o.certainty.level for o in result.outcomes}
    checked = check_text(body, source=checker_source(result), certainty=certainty, html=False)
    return SummaryView(body, html_fragment(checked), len(checked.errors), len(checked.warnings),
                       len(checked.claims), source)


def domain_rows(result: ReviewResult, project_dir: str | Path) -> list[dict[str, Any]]:
    """Per outcome and domain: the suggestion with its reason and numbers, the override and who made it."""
    web = overrides(project_dir)
    rows = []
    for o in result.outcomes:
        for name, rating in o.certainty.domains.items():
            s = rating.suggestion
            rows.append({"outcome": o.spec.name, "domain": name, "suggested": s.judgement, "reason": s.reason,
                         "rule": s.rule, "inputs": s.inputs, "judgement": rating.judgement,
                         "override": rating.override, "by": web.get(o.spec.name, {}).get(name),
                         "choices": tuple(JUDGEMENTS.get(name, {})), "needs_review": s.needs_review})
    return rows
