"""Risk-of-bias judgements beside a forest plot (RoB 2 domains D1..D5 and Overall).

Judgements are read as people write them (``Low``, ``Some concerns``, ``High``, ``+``, ``-``,
``?``, ...) and mapped to the theme's levels (``low``, ``some``, ``high``, ``critical``, ``ni``,
``na``).

>>> rob_level("Some concerns"), rob_level("+"), rob_level("?"), rob_level("")
('some', 'low', 'ni', None)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from evisynth.analyses.results import StudyRow

ROB_DOMAINS = ("D1", "D2", "D3", "D4", "D5", "Overall")


def rob_level(value: Any) -> str | None:
    """The level of one judgement (``None`` when blank or unreadable)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    if text in ("na", "n/a", "not applicable"):
        return "na"
    if text in ("+", "low", "l"):
        return "low"
    if text in ("-", "high", "h"):
        return "high"
    if text in ("?", "ni", "no information"):
        return "ni"
    first = text[0]
    return {"l": "low", "s": "some", "m": "some", "u": "some", "h": "high", "c": "critical", "n": "ni"}.get(first)


def rob_table(studies: Sequence[StudyRow], rob: Mapping[str, Mapping[str, str]] | None = None, *,
              show: bool = True) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    """The risk-of-bias domains to show and each study's judgements (aligned with ``studies``).

    Judgements come from ``rob`` (``{study: {domain: judgement}}``) when given, else from the
    studies' moderator columns named D1..D5 / Overall (any case). Without any judgement (or with
    ``show`` false) no domain is shown.
    """
    if not show:
        return (), [{} for _ in studies]
    if rob is not None:
        given_rob = [rob.get(s.study) or {} for s in studies]
        given = [d for d in ROB_DOMAINS if any(d in r for r in given_rob)]
        given += list(dict.fromkeys(d for r in given_rob for d in r if d not in ROB_DOMAINS))
        table = [{d: lev for d in given if (lev := rob_level(r.get(d)))} for r in given_rob]
        return tuple(given), table
    names: dict[str, str] = {}
    for s in studies:
        for key in s.moderators:
            for d in ROB_DOMAINS:
                if key.strip().lower() == d.lower():
                    names[d] = key
    domains = tuple(d for d in ROB_DOMAINS if d in names)
    table = [{d: lev for d in domains if (lev := rob_level(s.moderators.get(names[d])))} for s in studies]
    if not any(table):
        return (), table
    return domains, table
