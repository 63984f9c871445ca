"""Answers and judgement scales of the risk-of-bias tools, and their normalisation.

Signalling questions are answered Y (yes), PY (probably yes), PN (probably no), N (no), NI (no
information) or NA (not applicable) (RoB 2 guidance, 22 August 2019, section "Signalling
questions"; the same codes in ROBINS-I). Judgements are stored in lower case.
"""

from __future__ import annotations

ANSWERS = ("Y", "PY", "PN", "N", "NI", "NA")
YES = frozenset({"Y", "PY"})
NO = frozenset({"N", "PN"})
YES_NI = frozenset({"Y", "PY", "NI"})
NO_NI = frozenset({"N", "PN", "NI"})
NI = frozenset({"NI"})
ANSWERED = frozenset({"Y", "PY", "PN", "N", "NI"})

ROB2_LEVELS = ("low", "some concerns", "high")
ROB1_LEVELS = ("low", "unclear", "high")
ROBINS_I_LEVELS = ("low", "moderate", "serious", "critical", "no information")

#: Judgement scale of each tool, from best to worst (ROBINS-I "no information" last, outside the order).
LEVELS: dict[str, tuple[str, ...]] = {"rob2": ROB2_LEVELS, "rob1": ROB1_LEVELS, "robins-i": ROBINS_I_LEVELS}
TOOLS = tuple(LEVELS)
TOOL_NAMES = {"rob2": "RoB 2", "rob1": "RoB 1 (Cochrane risk-of-bias tool, RevMan 5)", "robins-i": "ROBINS-I"}

_ANSWER_ALIASES = {
    "y": "Y", "yes": "Y", "py": "PY", "probably yes": "PY", "pn": "PN", "probably no": "PN",
    "n": "N", "no": "N", "ni": "NI", "no information": "NI", "na": "NA", "n/a": "NA", "not applicable": "NA",
}
_JUDGEMENT_ALIASES = {
    "low": "low", "low risk": "low", "low risk of bias": "low", "l": "low", "+": "low",
    "some concerns": "some concerns", "some concern": "some concerns", "some": "some concerns", "s": "some concerns",
    "-": "some concerns",
    "high": "high", "high risk": "high", "high risk of bias": "high", "h": "high", "x": "high",
    "unclear": "unclear", "unclear risk": "unclear", "unclear risk of bias": "unclear", "u": "unclear", "?": "unclear",
    "moderate": "moderate", "moderate risk": "moderate", "moderate risk of bias": "moderate", "m": "moderate",
    "serious": "serious", "serious risk": "serious", "serious risk of bias": "serious",
    "critical": "critical", "critical risk": "critical", "critical risk of bias": "critical", "c": "critical",
    "no information": "no information", "ni": "no information",
}
#: RevMan 5 QUALITY_ITEM_DATA_ENTRY RESULT values (RoB 1): YES = low risk, NO = high risk, UNKNOWN = unclear.
REVMAN_RESULT = {"YES": "low", "NO": "high", "UNKNOWN": "unclear"}
REVMAN_RESULT_BACK = {v: k for k, v in REVMAN_RESULT.items()}


def normalise_answer(value: object) -> str | None:
    """``'probably yes'`` → ``'PY'``; ``''`` → ``None``; unknown text raises ``KeyError``."""
    text = " ".join(str(value).strip().lower().split()) if value is not None else ""
    if not text:
        return None
    return _ANSWER_ALIASES[text]


def normalise_judgement(value: object, tool: str) -> str | None:
    """A judgement of ``tool`` in canonical lower case (``None`` for empty); ``KeyError`` if not on its scale.

    RevMan's RoB 1 codes (``YES``/``NO``/``UNKNOWN``) are accepted for RoB 1. For RoB 2, ``unclear``
    and ``moderate`` read as ``some concerns`` (as the simple RoB CSV always did).
    """
    raw = " ".join(str(value).strip().split()) if value is not None else ""
    if not raw:
        return None
    if tool == "rob1" and raw.upper() in REVMAN_RESULT:
        return REVMAN_RESULT[raw.upper()]
    level = _JUDGEMENT_ALIASES[raw.lower()]
    if tool == "rob2" and level in ("unclear", "moderate"):
        level = "some concerns"  # the simple RoB CSV accepted these (grade/rob.py format)
    elif tool == "rob1" and level == "some concerns":
        level = "unclear"
    if level not in LEVELS[tool]:
        raise KeyError(raw)
    return level


def accepted_judgements(tool: str) -> str:
    """The judgements of ``tool`` for error messages."""
    return ", ".join(LEVELS[tool])


def worst(levels: list[str], tool: str) -> str | None:
    """The worst judgement of ``levels`` on ``tool``'s scale (ROBINS-I: ``no information`` only when
    nothing else is known; Sterne et al. BMJ 2016;355:i4919, overall judgement table)."""
    scale = LEVELS[tool]
    known = [lv for lv in levels if lv in scale and lv != "no information"]
    if tool == "robins-i" and "no information" in levels and not any(lv in ("serious", "critical") for lv in known):
        return "no information"
    if not known:
        return None
    return max(known, key=scale.index)
