"""Orchestration: run every check on a summary and collect the findings.

>>> r = check_text("rTMS significantly improved ADL (SMD = 0.31, 95% CI -0.06 to 0.67, P = 0.10).")
>>> [(f.severity, f.kind, r.text[f.start : f.end]) for f in r.findings]
[('error', 'significance_language', 'significantly'), ('error', 'significance_language', 'improved')]
>>> r.claims[0].ci_level, r.claims[0].p_relation
(0.95, '=')
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evisynth.check.certainty import CERTAINTY_RANK, check_certainty, findings_sections, source_ratings
from evisynth.check.certainty_declared import check_declared
from evisynth.check.consistency import check_claim, check_heterogeneity
from evisynth.check.context import OutcomeIndex
from evisynth.check.extract import extract_claims
from evisynth.check.files import HTML_SUFFIXES, read_source, read_text
from evisynth.check.garbled import check_garbled
from evisynth.check.language import check_significance
from evisynth.check.model import CheckResult, Claim, Finding
from evisynth.check.moderators import check_comparisons, check_moderators
from evisynth.check.source import check_against_source, check_loose_numbers
from evisynth.check.source_direction import check_directions
from evisynth.check.source_facts import load
from evisynth.check.text import make_document
from evisynth.check.unsupported import check_unsupported
from evisynth.errors import InputError

__all__ = ["CheckResult", "Claim", "Finding", "check_file", "check_text", "read_source"]


def _level(value: str, argument: str) -> str:
    level = value.strip().lower().replace("_", " ").replace("-", " ")
    if level not in CERTAINTY_RANK:
        raise InputError(f"{argument}: unknown certainty {value!r}; use one of high, moderate, low, very low")
    return level


def check_text(
    text: str,
    source: str | Mapping[str, Any] | list[Any] | None = None,
    certainty: str | Mapping[str, str] | None = None,
    *,
    html: bool | None = None,
) -> CheckResult:
    """Check a summary's statistics and wording; optionally trace it to its source.

    Parameters
    ----------
    text : str
        The summary: plain text, Markdown or HTML (detected unless ``html`` is given).
    source : str, dict or list, optional
        The source text (e.g. the original abstract), or a parsed evisynth analysis or
        summary JSON (any nesting; see the module :mod:`~evisynth.check.source_facts`).
    certainty : str or mapping, optional
        The GRADE certainty of the evidence (``"high"``, ``"moderate"``, ``"low"``,
        ``"very low"``) for every sentence, or a mapping from outcome name to certainty
        (applied to sentences that name the outcome). Certainty stated in a sentence
        ("moderate-certainty evidence") and certainty attached to a matched source outcome
        take precedence.
    html : bool, optional
        Force (True) or skip (False) HTML stripping.

    Returns
    -------
    CheckResult
        ``text`` (the plain text offsets refer to), ``claims`` and ``findings``.
    """
    if not isinstance(text, str):
        raise InputError(f"text: expected a string, got {type(text).__name__}")
    doc = make_document(text, html_input=html)
    claims = extract_claims(doc)
    findings: list[Finding] = []
    for i, claim in enumerate(claims):
        findings.extend(check_claim(i, claim))
    findings.extend(check_heterogeneity(enumerate(claims)))
    findings.extend(check_garbled(doc))
    sections = findings_sections(doc)
    facts = None
    if source is not None:
        try:
            facts = load(source)
        except (TypeError, ValueError) as exc:
            raise InputError(f"source: {exc}") from None
    source_text = (facts.doc, facts.claims) if facts is not None and facts.doc is not None else None
    findings.extend(check_significance(doc, claims, source_text, sections))
    findings.extend(check_comparisons(doc, claims))
    findings.extend(check_moderators(doc, claims, findings, sections, source_text))
    by_claim: dict[int, str] = {}
    by_outcome: dict[str, str] = {}
    rated_source: OutcomeIndex | None = None
    if facts is not None:
        source_findings, by_claim = check_against_source(claims, facts)
        findings.extend(source_findings)
        findings.extend(check_loose_numbers(doc.norm, claims, facts))
        findings.extend(check_unsupported(doc, facts))
        findings.extend(check_directions(doc, facts))
        rated_source = source_ratings(facts.doc, facts.certainty_by_outcome)
    default = None
    if isinstance(certainty, str):
        default = _level(certainty, "certainty")
    elif isinstance(certainty, Mapping):
        by_outcome.update({str(k): _level(v, f"certainty[{k!r}]") for k, v in certainty.items()})
    elif certainty is not None:
        raise InputError(f"certainty: expected a level or a mapping, got {type(certainty).__name__}")
    findings.extend(
        check_certainty(
            doc,
            claims,
            default=default,
            by_claim=by_claim,
            by_outcome=by_outcome,
            source=rated_source,
            in_findings=sections,
            source_doc=facts.doc if facts is not None else None,
        )
    )
    findings.extend(check_declared(doc, claims, by_claim=by_claim, by_outcome=by_outcome, source=rated_source,
                                   default=default, in_findings=sections))
    return CheckResult(doc.plain, tuple(claims), tuple(_tidy(findings)))


def _tidy(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in findings:
        key = (f.kind, f.start, f.end, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    big = 10**12
    return sorted(out, key=lambda f: (f.start is None, f.start or big, f.end or big, f.severity != "error"))


def check_file(
    path: str | Path,
    against: str | Path | None = None,
    certainty: str | Mapping[str, str] | None = None,
) -> CheckResult:
    """Check a summary file (text, Markdown or HTML), optionally against a source file."""
    text = read_text(path, "summary")
    html = True if str(path).lower().endswith(HTML_SUFFIXES) else None
    source = read_source(against) if against is not None else None
    return check_text(text, source, certainty, html=html)
