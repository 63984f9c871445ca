"""Shared pieces of the risk-of-bias figures: judgement levels, palettes, symbols and labels.

Layout facts follow robvis (McGuinness & Higgins, Res Synth Methods 2020;12:55-61,
doi:10.1002/jrsm.1411): judgements as coloured dots carrying a symbol (+ low, − some concerns,
× high, ! critical, ? no information), the "cochrane" palette, and a colour-blind-safe palette.
No robvis code is used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evisynth.errors import InputError
from evisynth.plots import _theme

#: Judgement (any tool) → plot level.
LEVEL_OF = {
    "low": "low", "some concerns": "some", "unclear": "some", "moderate": "some", "high": "high",
    "serious": "high", "critical": "critical", "no information": "ni",
}
#: robvis "cochrane" palette (the forest plot's RoB dots use the same) and a colour-blind-safe one
#: (ColorBrewer YlOrBr sequence, distinguishable without red-green vision; dots also carry symbols).
PALETTES = {
    "cochrane": dict(_theme.ROB_COLOURS),
    "colourblind": {"low": "#fed98e", "some": "#fe9929", "high": "#d95f0e", "critical": "#993404",
                    "ni": "#ffffff", "na": "#f0f0f0"},
}
PALETTES["colorblind"] = PALETTES["colourblind"]
#: Symbol colour on each dot (white on dark fills).
SYMBOL_INK = {"cochrane": {"high": "#ffffff", "critical": "#ffffff"},
              "colourblind": {"high": "#ffffff", "critical": "#ffffff"}}
SYMBOL_INK["colorblind"] = SYMBOL_INK["colourblind"]

#: Judgement labels in legends, per tool, best first (the order of the summary bars' segments).
TOOL_LEVELS = {
    "rob2": (("low", "Low"), ("some", "Some concerns"), ("high", "High")),
    "rob1": (("low", "Low"), ("some", "Unclear"), ("high", "High")),
    "robins-i": (("low", "Low"), ("some", "Moderate"), ("high", "Serious"), ("critical", "Critical"),
                 ("ni", "No information")),
}
TOOL_TITLES = {"rob2": "RoB 2", "rob1": "Cochrane risk-of-bias tool (RoB 1)", "robins-i": "ROBINS-I"}


@dataclass(frozen=True)
class LegendItem:
    level: str
    label: str
    colour: str
    symbol: str


def palette(name: str) -> dict[str, str]:
    if name not in PALETTES:
        raise InputError(f"unknown risk-of-bias palette {name!r}; accepted: cochrane, colourblind")
    return PALETTES[name]


def level(judgement: str | None) -> str:
    """Plot level of a judgement (``na`` when not judged)."""
    if not judgement:
        return "na"
    return LEVEL_OF.get(judgement.strip().lower(), "na")


def one_tool(assessments: Iterable[object]) -> str:
    tools = {getattr(a, "tool", None) for a in assessments}
    if not tools:
        raise InputError("a risk-of-bias plot needs at least one assessment")
    if len(tools) > 1:
        raise InputError(f"one risk-of-bias plot shows one tool; got {', '.join(sorted(map(str, tools)))} "
                         "(filter the assessments by tool)")
    return str(tools.pop())


def legend(tool: str, palette_name: str, used: set[str] | None = None) -> tuple[LegendItem, ...]:
    colours = palette(palette_name)
    return tuple(LegendItem(lv, label, colours[lv], _theme.ROB_SYMBOLS[lv]) for lv, label in TOOL_LEVELS[tool]
                 if used is None or lv in used)


def symbol_ink(palette_name: str, lv: str) -> str:
    return SYMBOL_INK.get(palette_name, {}).get(lv, _theme.INK)
