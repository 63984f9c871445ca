""""No difference" and equivalence wording about no result the checker can locate.

A flat "there was no difference in X" or "A and B were similarly effective" with no confidence
interval to judge it against is still absence of evidence read as evidence of absence: a warning.
It is not flagged when the text does not assert it as the review's finding:

* a condition or an aim ("before it can be concluded that", "whether", "if");
* a report of single studies or of a count of studies ("one study reported no difference",
  "six reported no difference", "one study reported higher X, whereas there was no difference in Y");
* groups compared at baseline ("the groups are similar");
* results that were not pooled (medians and IQRs, narrative synthesis, vote counting);
* a sensitivity analysis ("results were similar when we excluded trials at high risk of bias"):
  the robustness of a result, not the effect;
* for equivalence only ("similar", "comparable"): subgroups compared with each other (the
  moderator rules judge those), or a text that judges differences against a clinical threshold
  ("not clinically meaningful", "minimal important difference"), where "similar" can be that
  judgement rather than a reading of a non-significant result.

:func:`blanket_null`: "little or no difference in all the outcomes we measured" when some result
excludes no effect.

The phrases are in ``lexicons/significance.toml`` (``[unlocated]``), with their sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evisynth.check import lexicon
from evisynth.check.context import significance
from evisynth.check.language_scope import describe_numbers
from evisynth.check.model import Claim, Finding
from evisynth.check.text import Document

_CONDITION_RE = re.compile(r"\b(?:if|when|whether|unless)\b")
_FLAT_NULL_RE = re.compile(r"no\s", re.I)


def _rx(*path: str) -> re.Pattern[str]:
    return lexicon.regex("significance", "unlocated", *path)


def _ends_with(rx: re.Pattern[str], text: str) -> bool:
    """True when a phrase of ``rx`` ends ``text`` (trailing white space aside)."""
    text = text.rstrip()
    return any(m.end() == len(text) for m in rx.finditer(text))


def clinical_threshold(*docs: Document | None) -> bool:
    """True when a text judges differences against a clinical threshold ("not clinically meaningful")."""
    rx = _rx("clinical_threshold")
    return any(d is not None and rx.search(d.norm) is not None for d in docs)


def asserted(
    doc: Document,
    start: int,
    clause: tuple[int, int],
    kind: str,
    in_findings: Sequence[bool] | None,
    threshold: bool,
) -> bool:
    """Whether the null or equivalence word at ``start`` is stated as the review's own finding.

    Parameters
    ----------
    doc : Document
        The summary.
    start : int
        Where the word starts.
    clause : tuple of int
        The clause around it.
    kind : str
        ``"null_error"``, ``"null_warning"`` or ``"equivalence"``.
    in_findings : sequence of bool, optional
        For each sentence, whether it reports findings.
    threshold : bool
        Whether the text (or its source) judges differences against a clinical threshold.
    """
    norm = doc.norm
    said = doc.plain[start : start + 4]
    if kind == "null_warning" and _FLAT_NULL_RE.match(said) is None:
        return False  # "did not improve": softer forms need a located result
    if kind not in ("null_error", "null_warning", "equivalence"):
        return False
    k = doc.sentence_index(start)
    if in_findings is not None and (k >= len(in_findings) or not in_findings[k]):
        return False
    c0 = clause[0]
    if _CONDITION_RE.search(norm, max(c0, start - 20), start):
        return False
    lead = re.split(r"[,;]", norm[max(c0, start - 80) : start])[-1]
    if _ends_with(_rx("reported_by"), lead) or _rx("not_asserted").search(lead):
        return False
    sent = doc.sentence_span(start)
    if _rx("single_study").search(norm, sent[0], start):
        return False  # "one study reported higher X, whereas there was no difference in Y"
    if _rx("not_pooled").search(norm, sent[0], sent[1]):
        return False
    if _rx("sensitivity").search(norm, sent[0], sent[1]):
        return False  # "results were similar when we excluded trials at high risk of bias": robustness
    if kind == "equivalence":
        if threshold or _rx("subgroups").search(norm, sent[0], sent[1]):
            return False
    return True


def quote(plain: str, start: int, end: int, limit: int = 60) -> str:
    """The words from ``start`` to the end of the clause, cut at a word boundary near ``limit``."""
    text = " ".join(plain[start:end].split()).rstrip(" .,;:")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " ..."


def unlocated_null(start: int, end: int, said: str, kind: str) -> Finding:
    """ "No difference" or "as effective as" about no result the checker can find: a warning, because
    a review can only show an effect too small or too uncertain to detect, not its absence."""
    if kind == "equivalence":
        what = "states that the options are equivalent; without an equivalence margin and a CI inside it"
    else:
        what = "states that there is no effect; without a CI that excludes every important effect"
    return Finding(
        "warning",
        "significance_language",
        start,
        end,
        f'"{said}" {what}, a review can only find an effect too small or too uncertain to detect. '
        f'GRADE wording: "little or no difference" (with the certainty), or "uncertain".',
        None,
    )


def blanket_null(
    doc: Document,
    claims: Sequence[Claim],
    source_claims: Sequence[Claim],
    in_findings: Sequence[bool] | None,
) -> list[Finding]:
    """ "Little or no difference in all the outcomes we measured" when a result the text or its source
    reports excludes no effect: one statement cannot cover every outcome (a warning)."""
    norm = doc.norm
    significant = next((c for c in list(claims) + list(source_claims) if c.is_result and significance(c)), None)
    if significant is None:
        return []
    scope = _rx("all_outcomes")
    out: list[Finding] = []
    for path in (("accurate_null",), ("null_warning",), ("null_error",), ("equivalence",)):
        for m in lexicon.regex("significance", "words", *path).finditer(norm):
            k = doc.sentence_index(m.start())
            if in_findings is not None and (k >= len(in_findings) or not in_findings[k]):
                continue
            over = scope.search(norm, m.end(), min(len(norm), m.end() + 40))
            if over is None or "." in norm[m.end() : over.start()]:
                continue
            said = doc.plain[m.start() : over.end()]
            out.append(
                Finding(
                    "warning",
                    "significance_language",
                    m.start(),
                    over.end(),
                    f'"{said}" covers every outcome, but {significant.text.strip()} excludes no effect '
                    f"({describe_numbers(significant)}). Each outcome needs its own statement.",
                    None,
                )
            )
    return out
