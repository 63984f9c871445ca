"""From domain judgements to a certainty rating (GRADE).

Randomised evidence starts at high (4), observational at low (2). Each downgrade domain
subtracts 0, 1 or 2 levels (imprecision up to 3); upgrades (large effect, dose-response,
plausible confounding) add levels only for observational evidence that was not rated down.
The result is floored at very low (1) and capped at high (4). A reviewer override replaces
the suggestion for its domain; both are kept and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evisynth.format import sentence
from evisynth.grade.domains import DomainSuggestion
from evisynth.grade.judgements import DOWNGRADE_DOMAINS, UPGRADE_DOMAINS, Override

LEVELS = {4: "high", 3: "moderate", 2: "low", 1: "very low"}
SYMBOLS = {4: "⊕⊕⊕⊕", 3: "⊕⊕⊕◯", 2: "⊕⊕◯◯", 1: "⊕◯◯◯"}
DOMAIN_LABELS = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
    "large_effect": "Large effect",
    "dose_response": "Dose-response gradient",
    "confounding": "Plausible confounding",
}
_COUNT_WORDS = {1: "one level", 2: "two levels", 3: "three levels"}


_sentence = sentence  # a reason that already ends a sentence keeps its own full stop


@dataclass(frozen=True)
class DomainRating:
    """The final judgement for one domain: the suggestion, the override (if any) and what counts."""

    domain: str
    suggestion: DomainSuggestion
    override: Override | None = None
    applied: bool = True
    note: str | None = None

    @property
    def judgement(self) -> str:
        return self.override.judgement if self.override else self.suggestion.judgement

    @property
    def levels(self) -> int:
        """Levels this domain moves the rating, as judged (before applicability rules)."""
        return self.override.levels if self.override else self.suggestion.levels

    @property
    def effective_levels(self) -> int:
        return self.levels if self.applied else 0

    @property
    def by_reviewer(self) -> bool:
        return self.override is not None

    def explanation(self) -> str:
        """Footnote text: what was decided, why, and by whom."""
        label = DOMAIN_LABELS[self.domain]
        n = abs(self.levels)
        if not self.applied:
            head = f"{label}: {self.judgement} (not applied)"
        elif self.levels < 0:
            head = f"{label}: rated down {_COUNT_WORDS[n]} ({self.judgement})"
        elif self.levels > 0:
            head = f"{label}: rated up {_COUNT_WORDS[n]} ({self.judgement})"
        else:
            head = f"{label}: {self.judgement}"
        if self.override:
            text = (f"{head}, reviewers' judgement: {_sentence(self.override.reason)} evisynth suggested "
                    f"{self.suggestion.judgement}: {_sentence(self.suggestion.reason)}")
        else:
            text = f"{head}: {_sentence(self.suggestion.reason)}"
        if not self.applied and self.note:
            text += f" {self.note}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain, "judgement": self.judgement, "levels": self.levels,
            "effective_levels": self.effective_levels, "by_reviewer": self.by_reviewer,
            "override_reason": self.override.reason if self.override else None, "applied": self.applied,
            "note": self.note, "suggestion": self.suggestion.to_dict(), "explanation": self.explanation(),
        }


@dataclass(frozen=True)
class CertaintyRating:
    """The certainty of the evidence for one outcome."""

    design: str
    start: int
    domains: dict[str, DomainRating]
    score: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def level(self) -> str:
        """``high``, ``moderate``, ``low`` or ``very low``."""
        return LEVELS[self.score]

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.score]

    @property
    def label(self) -> str:
        """E.g. ``⊕⊕⊕◯ MODERATE``."""
        return f"{self.symbol} {self.level.upper()}"

    @property
    def downgrades(self) -> int:
        return -sum(d.effective_levels for k, d in self.domains.items() if k in DOWNGRADE_DOMAINS)

    @property
    def upgrades(self) -> int:
        return sum(d.effective_levels for k, d in self.domains.items() if k in UPGRADE_DOMAINS)

    def footnote_domains(self) -> list[DomainRating]:
        """Domains that need a footnote: every rating change and every reviewer override."""
        return [d for d in self.domains.values() if d.levels != 0 or d.by_reviewer]

    def reasons_down(self) -> list[str]:
        """Domains that rated the evidence down (for plain-language explanations)."""
        return [k for k, d in self.domains.items() if k in DOWNGRADE_DOMAINS and d.effective_levels < 0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "design": self.design, "start": LEVELS[self.start], "downgrades": self.downgrades,
            "upgrades": self.upgrades, "score": self.score, "level": self.level, "symbol": self.symbol,
            "domains": {k: d.to_dict() for k, d in self.domains.items()}, "notes": list(self.notes),
        }


def rate(suggestions: dict[str, DomainSuggestion], overrides: dict[str, Override] | None = None,
         design: str = "randomised") -> CertaintyRating:
    """Combine suggestions and overrides into the final rating.

    >>> from evisynth.grade.domains import DomainSuggestion as S
    >>> s = {d: S(d, "not serious", 0, "", "") for d in ("risk_of_bias", "imprecision")}
    >>> s["imprecision"] = S("imprecision", "serious", -1, "wide CI", "")
    >>> rate(s).label
    '⊕⊕⊕◯ MODERATE'
    """
    overrides = overrides or {}
    start = 4 if design == "randomised" else 2
    ratings: dict[str, DomainRating] = {}
    for domain in (*DOWNGRADE_DOMAINS, *UPGRADE_DOMAINS):
        if domain in suggestions:
            ratings[domain] = DomainRating(domain, suggestions[domain], overrides.get(domain))
    down = -sum(r.levels for k, r in ratings.items() if k in DOWNGRADE_DOMAINS)
    notes: list[str] = []
    for domain in UPGRADE_DOMAINS:
        r = ratings.get(domain)
        if r is None or r.levels <= 0:
            continue
        if design == "randomised":
            note = "Not applied: randomised evidence starts at high certainty and is not rated up."
        elif down > 0 and not r.by_reviewer:
            note = "Not applied: evidence rated down in another domain is not rated up (GRADE guidelines 9)."
        else:
            continue
        ratings[domain] = DomainRating(domain, r.suggestion, r.override, applied=False, note=note)
        notes.append(f"{DOMAIN_LABELS[domain]}: {note}")
    up = sum(r.effective_levels for k, r in ratings.items() if k in UPGRADE_DOMAINS)
    score = max(1, min(4, start - down + up))
    if start - down + up < 1:
        notes.append("Rating floored at very low.")
    return CertaintyRating(design, start, ratings, score, tuple(notes))
