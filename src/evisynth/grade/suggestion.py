"""The suggestion for one GRADE domain (what every rule of :mod:`evisynth.grade.domains` returns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DomainSuggestion:
    """evisynth's suggestion for one GRADE domain."""

    domain: str
    judgement: str
    levels: int
    reason: str
    rule: str
    inputs: dict[str, Any] = field(default_factory=dict)
    needs_review: bool = False
    prompt: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"domain": self.domain, "judgement": self.judgement, "levels": self.levels, "reason": self.reason,
                "rule": self.rule, "inputs": self.inputs, "needs_review": self.needs_review, "prompt": self.prompt}
