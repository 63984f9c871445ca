"""The GRADE evidence profile: every domain's suggestion, the numbers behind it, overrides and the rating.

JSON (:func:`profile_dict`) for tools, Markdown (:func:`render_profile_markdown`) for people.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evisynth import format as fmt
from evisynth.files import OutputSet, markdown_text
from evisynth.grade.certainty import DOMAIN_LABELS
from evisynth.review.runner import OutcomeResult, ReviewResult


def profile_dict(result: ReviewResult) -> dict[str, Any]:
    """JSON-ready GRADE profile of every outcome."""
    r = result.review
    outcomes = []
    for o in result.outcomes:
        c = o.certainty
        outcomes.append({
            "outcome": o.spec.name, "importance": o.spec.importance, "measure": o.analysis.measure,
            "studies": o.k, "participants": o.participants, "study_design": o.spec.study_design,
            "certainty": c.to_dict(),
            "prompts": [d.suggestion.prompt for d in c.domains.values()
                        if d.suggestion.needs_review and d.suggestion.prompt and not d.by_reviewer],
            "notes": list(o.notes),
        })
    return {"evisynth_version": result.evisynth_version, "title": r.title, "question": {
        "population": r.population, "intervention": r.intervention, "comparison": r.comparison,
        "setting": r.setting}, "thresholds": r.thresholds.to_dict(), "outcomes": outcomes}


def _inputs_text(inputs: dict[str, Any]) -> str:
    parts = []
    for key, value in inputs.items():
        if isinstance(value, (list, dict)) or value is None:
            continue
        if isinstance(value, bool):
            parts.append(f"{key} = {'yes' if value else 'no'}")
        elif isinstance(value, float):
            parts.append(f"{key} = {fmt.format_number(value, 3)}")
        else:
            parts.append(f"{key} = {value}")
    return "; ".join(parts)


def _studies(o: OutcomeResult) -> str:
    """"6 studies (11 comparisons)" when comparisons of multi-arm trials share a trial id, else "11 studies"."""
    trials = o.shared_trials
    if trials is not None:
        return f"{trials} {'study' if trials == 1 else 'studies'} ({o.k} comparisons)"
    return f"{o.k} {'study' if o.k == 1 else 'studies'}"


def render_profile_markdown(result: ReviewResult) -> str:
    """A GRADE evidence profile in Markdown: one table of domains per outcome."""
    r = result.review
    lines = [f"# GRADE evidence profile: {r.title}", "",
             f"Question: {r.intervention} compared with {r.comparison} for {r.population}.", ""]
    for o in result.outcomes:
        c = o.certainty
        n = fmt.format_count(o.participants) if o.participants is not None else "-"
        lines += [f"## {o.spec.name} ({o.spec.importance})", "",
                  f"{_studies(o)}, {n} participants; starting certainty {c.to_dict()['start']} "
                  f"({o.spec.study_design} evidence). Final certainty: **{c.label}**.", "",
                  "| Domain | Judgement | Levels | Source | Reason | Numbers behind it |",
                  "|---|---|---|---|---|---|"]
        for key, d in c.domains.items():
            source = "reviewer override" if d.by_reviewer else "evisynth suggestion"
            reason = d.override.reason if d.override else d.suggestion.reason
            if d.by_reviewer:
                reason += f" (suggested: {d.suggestion.judgement}: {d.suggestion.reason})"
            if not d.applied and d.note:
                reason += f" {d.note}"
            lv = f"{d.effective_levels:+d}" if d.effective_levels else "0"
            lines.append(f"| {DOMAIN_LABELS[key]} | {d.judgement} | {lv} | {source} | {reason.replace('|', '/')} | "
                         f"{_inputs_text(d.suggestion.inputs).replace('|', '/')} |")
        prompts = [d.suggestion.prompt for d in c.domains.values()
                   if d.suggestion.needs_review and d.suggestion.prompt and not d.by_reviewer]
        if prompts:
            lines += ["", "For the reviewers to check:", "", *[f"- {p}" for p in prompts]]
        if o.notes:
            lines += ["", *[f"- Note: {n}" for n in o.notes]]
        lines.append("")
    lines += ["## Rules and thresholds", ""]
    lines += [f"- {k} = {v}" for k, v in r.thresholds.to_dict().items()]
    return "\n".join(lines) + "\n"


def write_profile(result: ReviewResult, out_dir: str | Path | OutputSet, *, force: bool = False) -> dict[str, Path]:
    """Write ``grade_profile.json`` (with its ``provenance``) and ``grade_profile.md`` (HTML in labels escaped).

    ``out_dir`` may be an :class:`~evisynth.files.OutputSet` (committed by its owner); otherwise the
    files are written atomically and an existing file evisynth did not write needs ``force``.
    """
    provenance = result.provenance
    own = not isinstance(out_dir, OutputSet)
    out = OutputSet(out_dir, inputs=[i["path"] for i in provenance["inputs"]], force=force, by="grade_profile",
                    provenance=provenance) if not isinstance(out_dir, OutputSet) else out_dir
    pj = out.add_json("grade_profile.json", {**profile_dict(result), "provenance": provenance}, ensure_ascii=False)
    pm = out.add("grade_profile.md", markdown_text(render_profile_markdown(result)))
    if own:
        out.commit()
    return {"json": pj, "md": pm}
