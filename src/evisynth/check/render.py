"""The readable report: each claim with its verdict, reason and quoted span.

Control characters (ESC/CSI/OSC sequences and the like) from the text are stripped, so a
summary cannot drive the terminal it is printed on.
"""

from __future__ import annotations

import textwrap

from evisynth.check.model import CheckResult, Claim
from evisynth.check.output import strip_controls

_WIDTH = 100


def _ok_reason(claim: Claim, checked_source: bool) -> str:
    parts = []
    if claim.estimate is not None and claim.has_ci:
        parts.append("the estimate lies within its CI")
    if claim.p_value is not None and (claim.has_ci or claim.statistic):
        parts.append("the P value fits the " + ("CI" if claim.has_ci else "test statistic"))
    if checked_source:
        parts.append("its numbers are in the source")
    if not parts:
        parts.append("nothing in it contradicts the rest of the text")
    text = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return text[0].upper() + text[1:] + "."


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return f'"{flat}"' if len(flat) <= 90 else f'"{flat[:87]}..."'


def render_report(result: CheckResult, *, title: str = "summary", checked_source: bool = False) -> str:
    """Render ``result`` as plain text for a terminal or a log."""
    n_err, n_warn = len(result.errors), len(result.warnings)
    lines = [
        f"evisynth check: {title}",
        f"{len(result.claims)} claims; {n_err} error{'s' * (n_err != 1)}, {n_warn} warning{'s' * (n_warn != 1)}",
        "",
    ]
    indent = " " * 14
    groups = result.findings_by_claim()
    for i, (claim, verdict) in enumerate(zip(result.claims, result.verdicts(), strict=True)):
        lines.append(f"{i + 1:>3}. {verdict:<8} {_quote(claim.text)}")
        own = groups.get(i, [])
        if not own:
            lines.append(
                textwrap.fill(_ok_reason(claim, checked_source), _WIDTH, initial_indent=indent, subsequent_indent=indent)
            )
        for f in own:
            quoted = ""
            if f.start is not None and f.end is not None and (f.start, f.end) != (claim.start, claim.end):
                quoted = f" [at {_quote(result.text[f.start : f.end])}]"
            lines.append(
                textwrap.fill(
                    f"{f.severity} ({f.kind}): {f.message}{quoted}",
                    _WIDTH,
                    initial_indent=indent,
                    subsequent_indent=indent + "  ",
                )
            )
    loose = groups.get(None, [])
    if loose:
        lines += ["", "Other findings:"]
        for f in loose:
            where = f" {_quote(result.text[f.start : f.end])}" if f.start is not None and f.end is not None else ""
            lines.append(
                textwrap.fill(
                    f"{f.severity} ({f.kind}):{where} {f.message}",
                    _WIDTH,
                    initial_indent="  ",
                    subsequent_indent="    ",
                )
            )
    lines += [
        "",
        "Result: " + ("errors found" if n_err else "no errors" + (" (see warnings)" if n_warn else "")),
    ]
    return strip_controls("\n".join(lines)) + "\n"
