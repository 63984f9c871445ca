"""Numbers in the evidence summary, each recorded with the result it came from (``claims.json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evisynth import format as fmt
from evisynth.analyses.bundle import AnalysisBundle
from evisynth.errors import InputError
from evisynth.report.results_text import Estimate

MEASURE_WORDS = {"OR": "odds ratio", "PETO": "Peto odds ratio", "RR": "risk ratio", "RD": "risk difference",
                 "MD": "mean difference", "SMD": "standardised mean difference", "GEN": "effect estimate"}


class Claims:
    """Formats numbers for the text and records each one with the result it came from."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self._section = ""

    def section(self, name: str) -> None:
        self._section = name

    def add(self, text: str, value: Any, kind: str, source: str, outcome: str | None = None,
            **extra: Any) -> str:
        self.items.append({"id": f"c{len(self.items) + 1}", "section": self._section, "outcome": outcome,
                           "kind": kind, "text": text, "value": value, "source": source, **extra})
        return text

    def num(self, value: float, kind: str, source: str, outcome: str | None = None, decimals: int = 2) -> str:
        return self.add(fmt.format_number(value, decimals), value, kind, source, outcome, decimals=decimals)

    def count(self, value: int, kind: str, source: str, outcome: str | None = None) -> str:
        return self.add(fmt.format_count(value), value, kind, source, outcome)

    def p(self, value: float, source: str, outcome: str | None = None) -> str:
        return self.add(fmt.p_text(value), value, "p_value", source, outcome)

    def per(self, value: float, per: int, source: str, outcome: str | None = None) -> str:
        return self.add(fmt.format_int(value * per), value * per, "natural_frequency", source, outcome, per=per)


@dataclass
class Summary:
    """The summary as blocks (``("h1"|"h2"|"p"|"ul"|"qa", ...)``) and its claims."""

    title: str
    blocks: list[tuple[Any, ...]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)


def display_value(analysis: AnalysisBundle, r: Estimate, key: str) -> tuple[float, str]:
    """Display value and its source path (``_exp`` twin for ratio measures)."""
    value = analysis.natural(getattr(r, key))
    if value is None:
        raise InputError(f"{key} of {analysis.measure_label} is not estimable; the summary cannot state it")
    return value, f"{key}_exp" if analysis.log_scale else key
