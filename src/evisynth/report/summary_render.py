"""The evidence summary as Markdown and HTML, and the accuracy check of it against the review's results."""

from __future__ import annotations

import re
from typing import Any

from evisynth.check.check import check_text
from evisynth.report.claims import Summary
from evisynth.review.runner import ReviewResult


def render_summary_markdown(s: Summary) -> str:
    out = []
    for block in s.blocks:
        kind = block[0]
        if kind == "h1":
            out += [f"# {block[1]}", ""]
        elif kind == "h2":
            out += [f"## {block[1]}", ""]
        elif kind == "p":
            out += [block[1], ""]
        elif kind == "ul":
            out += [*[f"- {item}" for item in block[1]], ""]
        elif kind == "qa":
            out += [f"**{block[1]}**", "", block[2], ""]
    return "\n".join(out)


def render_summary_html(s: Summary) -> str:
    """The summary as a page (template ``report/summary.html.j2``)."""
    from evisynth.report.templating import render

    return render("report/summary.html.j2", title=s.title, blocks=s.blocks)


def plain_text(markdown: str) -> str:
    """The Markdown without emphasis markers (what the checker reads)."""
    return re.sub(r"\*\*(.+?)\*\*", r"\1", markdown)


def checker_source(result: ReviewResult) -> dict[str, Any]:
    """The results the summary may be traced to, in the shape the accuracy checker reads (documents)."""
    outcomes = []
    for o in result.outcomes:
        doc = o.analysis.to_dict()
        entry: dict[str, Any] = {
            "name": o.spec.name, "measure": doc["measure"], "log_scale": doc["log_scale"],
            "certainty": o.certainty.level, "pooled": doc["pooled"], "heterogeneity": doc["heterogeneity"],
            "totals": doc["totals"], "studies": doc["studies"], "absolute": o.absolute.to_dict(),
        }
        if (trials := o.shared_trials) is not None:
            entry.update(n_studies=trials, n_comparisons=o.k)
        subgroups = o.to_dict()["subgroup_analyses"]
        if subgroups:
            entry["subgroups"] = subgroups
        if o.regression is not None and o.regression.meta_regression is not None:
            entry["meta_regression"] = o.regression.meta_regression.to_dict()
        pr = o.spec.prior
        if pr is not None:
            entry["prior"] = {"label": pr.source, "measure": pr.measure or doc["measure"], "log_scale": False,
                              "estimate": pr.estimate, "ci_lower": pr.ci_lower, "ci_upper": pr.ci_upper,
                              "studies": pr.studies, "participants": pr.participants}
        outcomes.append(entry)
    return {"title": result.review.title, "outcomes": outcomes}


def run_checker(text: str, result: ReviewResult) -> dict[str, Any]:
    """Run the accuracy checker on the summary against the review's results."""
    source = checker_source(result)
    certainty = {o.spec.name: o.certainty.level for o in result.outcomes}
    res = check_text(text, source=source, certainty=certainty)
    d: dict[str, Any] = res.to_dict()
    return {"available": True, "ok": bool(res.ok), **d}
