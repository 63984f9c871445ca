"""Screening rules: stages, decisions, final decisions, conflicts and Cohen's kappa (pure logic)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

STAGES: tuple[str, ...] = ("title", "fulltext")
DECISIONS: tuple[str, ...] = ("include", "exclude", "maybe")
#: A reviewer's full-text decision that the report could not be obtained (stored code; shown "not retrieved").
NOT_RETRIEVED = "missing"
#: Decisions a reviewer (or a resolution) can record at full text.
FULLTEXT_DECISIONS: tuple[str, ...] = (*DECISIONS, NOT_RETRIEVED)
#: How stages and decisions are named to people (the stored codes stay short).
LABELS = {"title": "Title/abstract", "fulltext": "Full text", NOT_RETRIEVED: "not retrieved"}


def label(code: str) -> str:
    """A stage or decision as people read it.

    >>> label("fulltext"), label("missing"), label("include")
    ('Full text', 'not retrieved', 'include')
    """
    return LABELS.get(code, code)


def decisions_for(stage: str) -> tuple[str, ...]:
    """The decisions accepted at ``stage`` (at full text also :data:`NOT_RETRIEVED`)."""
    return FULLTEXT_DECISIONS if stage == "fulltext" else DECISIONS
_ALIASES = {
    "i": "include",
    "e": "exclude",
    "m": "maybe",
    "in": "include",
    "ex": "exclude",
    "included": "include",
    "excluded": "exclude",
    "y": "include",
    "n": "exclude",
    "?": "maybe",
}


@dataclass(frozen=True, slots=True)
class Decision:
    """One reviewer's decision on one record at one stage (``reason`` for full-text exclusions)."""

    record_id: int
    stage: str
    reviewer: str
    decision: str
    reason: str | None = None


def parse_stage(value: str) -> str:
    """``"title"`` or ``"fulltext"`` (also accepts ``title-abstract``, ``ta``, ``full-text``, ``ft``)."""
    key = value.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    mapped = {
        "title": "title",
        "titleabstract": "title",
        "ta": "title",
        "abstract": "title",
        "fulltext": "fulltext",
        "ft": "fulltext",
        "full": "fulltext",
    }.get(key)
    if mapped is None:
        from evisynth.errors import InputError

        raise InputError(f"unknown screening stage {value!r}; accepted: title, fulltext")
    return mapped


def parse_decision(value: str) -> str:
    """``include``/``exclude``/``maybe`` from the word or its first letter."""
    key = value.strip().lower()
    mapped = key if key in DECISIONS else _ALIASES.get(key)
    if mapped is None:
        from evisynth.errors import InputError

        raise InputError(f"unknown decision {value!r}; accepted: include, exclude, maybe (or i, e, m)")
    return mapped


def _outcome(decision: str, reason: str | None, stage: str) -> tuple[str, str | None]:
    return (decision, reason if stage == "fulltext" and decision == "exclude" else None)


#: Reviewers who must decide a record independently before their common decision counts (Cochrane
#: Handbook, chapter 4: two people screen each record); a review screened by one person sets 1.
REVIEWERS_PER_RECORD = 2


def final_decision(
    decisions: Sequence[Decision], resolution: tuple[str, str | None] | None = None, *,
    required: int = REVIEWERS_PER_RECORD,
) -> tuple[str, str | None] | None:
    """The decision that counts: the recorded resolution if any, else the reviewers' common
    decision (and full-text exclusion reason) once at least ``required`` reviewers decided; ``None``
    while fewer reviewers screened the record or they disagree.

    Examples
    --------
    >>> a, b = Decision(1, "title", "A", "exclude"), Decision(1, "title", "B", "exclude")
    >>> final_decision([a]) is None, final_decision([a], required=1), final_decision([a, b])
    (True, ('exclude', None), ('exclude', None))
    """
    if resolution is not None:
        return resolution
    if len({d.reviewer for d in decisions}) < max(required, 1):
        return None
    outcomes = {_outcome(d.decision, d.reason, d.stage) for d in decisions}
    return next(iter(outcomes)) if len(outcomes) == 1 else None


def is_conflict(decisions: Sequence[Decision]) -> bool:
    """True when at least two reviewers screened the record and gave different decisions (or, at
    full text, different exclusion reasons)."""
    return len({_outcome(d.decision, d.reason, d.stage) for d in decisions}) > 1


def is_waiting(decisions: Sequence[Decision], required: int = REVIEWERS_PER_RECORD) -> bool:
    """True when someone screened the record but fewer than ``required`` reviewers did and those who
    did agree: it waits for another reviewer (without a resolution, it has no final decision yet)."""
    return 0 < len({d.reviewer for d in decisions}) < required and not is_conflict(decisions)


def passes_title_stage(final: tuple[str, str | None] | None) -> bool:
    """Records included or marked *maybe* at title/abstract go on to full-text retrieval."""
    return final is not None and final[0] in ("include", "maybe")


@dataclass(frozen=True, slots=True)
class Agreement:
    """Cohen's kappa between two reviewers over the records both screened at a stage."""

    reviewer_a: str
    reviewer_b: str
    n: int
    observed: float
    expected: float
    kappa: float | None


def cohens_kappa(pairs: Sequence[tuple[str, str]]) -> tuple[float, float, float | None]:
    """Cohen's (1960) kappa for paired categorical ratings.

    Returns ``(p_observed, p_expected, kappa)``; kappa is ``None`` when undefined (no pairs, or
    expected agreement of 1 because both reviewers used one and the same category throughout).

    Examples
    --------
    >>> cohens_kappa([("include", "include"), ("exclude", "exclude"), ("include", "exclude"),
    ...               ("exclude", "exclude")])
    (0.75, 0.5, 0.5)
    """
    n = len(pairs)
    if n == 0:
        return 0.0, 0.0, None
    categories = sorted({c for pair in pairs for c in pair})
    observed = sum(a == b for a, b in pairs) / n
    expected = sum(
        (sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n) for c in categories
    )
    if expected >= 1.0:
        return observed, expected, None
    return observed, expected, (observed - expected) / (1.0 - expected)


def agreement(decisions: Sequence[Decision]) -> list[Agreement]:
    """Kappa for every pair of reviewers of one stage (decisions include/exclude/maybe)."""
    by_reviewer: dict[str, dict[int, str]] = {}
    for d in decisions:
        by_reviewer.setdefault(d.reviewer, {})[d.record_id] = d.decision
    names = sorted(by_reviewer)
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            common = sorted(set(by_reviewer[a]) & set(by_reviewer[b]))
            po, pe, kappa = cohens_kappa([(by_reviewer[a][r], by_reviewer[b][r]) for r in common])
            out.append(Agreement(a, b, len(common), po, pe, kappa))
    return out
