"""GRADE's vocabulary: the domains, the judgement words each accepts and the levels they move.

Downgrade domains (GRADE guidelines 4-8) and upgrade domains (GRADE guidelines 9); a reviewer's
:class:`Override` replaces evisynth's suggestion for its domain and must give a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

DESIGNS = ("randomised", "observational")
IMPORTANCE = ("critical", "important", "limited")
DOWNGRADE_DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
UPGRADE_DOMAINS = ("large_effect", "dose_response", "confounding")
DOMAINS = DOWNGRADE_DOMAINS + UPGRADE_DOMAINS

#: Judgement words accepted per domain, with the levels they move the rating (negative = down).
JUDGEMENTS: dict[str, dict[str, int]] = {
    **{d: {"not serious": 0, "serious": -1, "very serious": -2} for d in DOWNGRADE_DOMAINS},
    "imprecision": {"not serious": 0, "serious": -1, "very serious": -2, "extremely serious": -3},
    "publication_bias": {"undetected": 0, "not serious": 0, "strongly suspected": -1, "very strongly suspected": -2},
    "large_effect": {"none": 0, "large": 1, "very large": 2},
    "dose_response": {"none": 0, "present": 1},
    "confounding": {"none": 0, "present": 1},
}


@dataclass(frozen=True)
class Override:
    """A reviewer's judgement for one GRADE domain, replacing the suggestion."""

    domain: str
    judgement: str
    reason: str

    @property
    def levels(self) -> int:
        """Levels this judgement moves the rating (negative = rated down)."""
        return JUDGEMENTS[self.domain][self.judgement]


class GradeOutcome(Protocol):
    """What GRADE needs to know about an outcome beyond its analysis (the review file's outcome)."""

    @property
    def name(self) -> str: ...
    @property
    def mid(self) -> float | None: ...
    @property
    def units(self) -> str | None: ...
    @property
    def lower_is_better(self) -> bool: ...
    @property
    def assumed_control_risk(self) -> float | None: ...
    @property
    def control_mean(self) -> float | None: ...
    @property
    def per(self) -> int: ...
    @property
    def dose_moderator(self) -> str | None: ...
    @property
    def dose_units(self) -> str | None: ...
