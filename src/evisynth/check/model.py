"""Result types of the accuracy checker (frozen dataclasses with ``to_dict``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]

#: Every finding kind; part of the public JSON contract.
KINDS: tuple[str, ...] = (
    "p_ci_mismatch",
    "estimate_outside_ci",
    "implausible_value",
    "significance_language",
    "incommensurable_comparison",
    "certainty_language",
    "not_in_source",
    "count_mismatch",
    "direction_mismatch",
    "measure_mismatch",
    "other",
)

#: Ratio measures: analysed on the log scale, no effect at 1.
RATIO_MEASURES = frozenset({"OR", "RR", "HR", "IRR"})
#: Difference measures: no effect at 0, P recomputable from the CI.
DIFFERENCE_MEASURES = frozenset({"MD", "SMD", "RD", "beta"})
#: Test statistics extracted as claims of their own.
STATISTICS = frozenset({"Z", "t", "chi2", "F", "Q"})


@dataclass(frozen=True)
class Num:
    """One number as written: its value, text, span in the plain text and rounding half-width."""

    value: float
    text: str
    start: int
    end: int
    decimals: int
    half: float
    percent: bool = False

    def interval(self) -> tuple[float, float]:
        """The values that round to this number as written."""
        return (self.value - self.half, self.value + self.half)


@dataclass(frozen=True)
class Claim:
    """A statistical claim found in the summary.

    The first twelve attributes are the public JSON contract. ``ci_level`` is a fraction
    (0.95) and ``None`` when the text does not state it (checks then assume 0.95); I² is a
    percentage (51.0); ``p_relation`` is ``"="``, ``"<"`` or ``">"``; ``measure`` is one of
    ``MD``, ``SMD`` (also Hedges' g and Cohen's d), ``OR``, ``RR``, ``HR``, ``IRR``, ``RD``,
    ``beta``, ``r``, ``I2``, or a test statistic ``Z``, ``t``, ``chi2``, ``F``, ``Q``.
    """

    start: int
    end: int
    text: str
    measure: str | None = None
    estimate: float | None = None
    ci_level: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    p_value: float | None = None
    p_relation: str | None = None
    n_studies: int | None = None
    n_participants: int | None = None
    # -- not part of the JSON contract --
    sentence: str = ""
    sentence_start: int = 0
    sentence_end: int = 0
    numbers: tuple[tuple[str, Num], ...] = ()
    statistic: str | None = None
    statistic_value: float | None = None
    df: tuple[float, ...] = ()
    n_comparisons: int | None = None
    #: absolute effects "per 1000" (GRADE SoF phrasing): asymmetric CIs, no P from the CI
    per: int | None = None

    def num(self, name: str) -> Num | None:
        """The written number behind a field (``estimate``, ``ci_lower``, ``p_value``, ...)."""
        for key, value in self.numbers:
            if key == name:
                return value
        return None

    @property
    def is_result(self) -> bool:
        """An effect estimate (not a bare P value, count or test statistic)."""
        return self.estimate is not None and self.measure not in STATISTICS

    @property
    def has_ci(self) -> bool:
        return self.ci_lower is not None and self.ci_upper is not None

    def to_dict(self) -> dict[str, Any]:
        """The claim as in the JSON contract (plain floats, ``None`` for missing)."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "measure": self.measure,
            "estimate": _f(self.estimate),
            "ci_level": _f(self.ci_level),
            "ci_lower": _f(self.ci_lower),
            "ci_upper": _f(self.ci_upper),
            "p_value": _f(self.p_value),
            "p_relation": self.p_relation,
            "n_studies": self.n_studies,
            "n_participants": self.n_participants,
        }


@dataclass(frozen=True)
class Finding:
    """A problem found: where (plain-text offsets), how bad, what kind and why.

    ``start``/``end`` are ``None`` only for findings about something the summary leaves
    out (a key source finding it drops).
    """

    severity: Severity
    kind: str
    start: int | None
    end: int | None
    message: str
    claim: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "claim": self.claim,
        }


@dataclass(frozen=True)
class CheckResult:
    """Everything the checker found in one summary.

    Attributes
    ----------
    text : str
        The plain text every offset points into.
    claims : tuple of Claim
    findings : tuple of Finding
        Sorted by position.
    """

    text: str
    claims: tuple[Claim, ...] = ()
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when there are no findings of severity ``error``."""
        return not self.errors

    def verdict(self, index: int) -> str:
        """``ok``, ``warning`` or ``error`` for claim ``index``."""
        return self.verdicts()[index]

    def verdicts(self) -> list[str]:
        """The verdict of every claim, in one pass over the findings."""
        out = ["ok"] * len(self.claims)
        for f in self.findings:
            if f.claim is not None and 0 <= f.claim < len(out) and out[f.claim] != "error":
                out[f.claim] = "error" if f.severity == "error" else "warning"
        return out

    def findings_by_claim(self) -> dict[int | None, list[Finding]]:
        """Findings grouped by the claim they concern (``None``: not tied to a claim)."""
        groups: dict[int | None, list[Finding]] = {}
        for f in self.findings:
            groups.setdefault(f.claim, []).append(f)
        return groups

    def to_dict(self) -> dict[str, Any]:
        """The public JSON contract: ``{"claims": [...], "findings": [...]}``.

        Each claim also carries its ``verdict`` (``ok``/``warning``/``error``).
        """
        claims = []
        for claim, verdict in zip(self.claims, self.verdicts(), strict=True):
            item = claim.to_dict()
            item["verdict"] = verdict
            claims.append(item)
        return {"claims": claims, "findings": [f.to_dict() for f in self.findings]}


def _f(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(x)
