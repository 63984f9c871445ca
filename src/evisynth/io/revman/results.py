"""evisynth's results written into a RevMan review model (the inverse of :mod:`evisynth.io.revman.check`).

A project exported as a RevMan Web data package carries the analyses' results (study estimates,
CIs and weights; totals, heterogeneity and tests of each outcome and subgroup) under RevMan's
attribute names, taken from each outcome's analysis document (its JSON contract only). Reading
the package back and re-analysing then reproduces them (``revman-check.json``).
"""

from __future__ import annotations

import math
from typing import Any

from evisynth.io.revman.model import Outcome
from evisynth.io.revman.settings import is_ratio

__all__ = ["fill_results"]


def _text(x: Any) -> str | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(float(x)):
        return None
    return repr(float(x))


def _put(attrs: dict[str, str], values: dict[str, Any]) -> None:
    for key, value in values.items():
        text = _text(value)
        if text is not None:
            attrs[key] = text


def _scale(d: dict[str, Any], key: str, ratio: bool) -> Any:
    return d.get(f"{key}_exp") if ratio else d.get(key)


def _summary(attrs: dict[str, str], res: dict[str, Any], het: dict[str, Any], ratio: bool) -> None:
    z = res.get("statistic")
    _put(attrs, {"EFFECT_SIZE": _scale(res, "estimate", ratio), "CI_START": _scale(res, "ci_lower", ratio),
                 "CI_END": _scale(res, "ci_upper", ratio), "Z": abs(z) if isinstance(z, (int, float)) else None,
                 "P_Z": res.get("p_value"), "CHI2": het.get("q"), "DF": het.get("q_df"), "P_CHI2": het.get("q_p"),
                 "I2": het.get("i2"), "TAU2": het.get("tau2")})


def fill_results(outcome: Outcome, doc: dict[str, Any]) -> None:
    """Store the analysis document ``doc`` of ``outcome`` in its attributes (rows in table order)."""
    ratio = is_ratio(outcome)
    studies = doc.get("studies") or []
    for (_group, row), s in zip(outcome.all_rows(), studies, strict=False):
        if s.get("yi") is None:
            row.attrs["ESTIMABLE"] = "NO"
            continue
        row.attrs["ESTIMABLE"] = "YES"
        values = {"CI_START": _scale(s, "ci_lower", ratio), "CI_END": _scale(s, "ci_upper", ratio),
                  "WEIGHT": s.get("weight_percent"), "SE": s.get("se")}
        if outcome.kind != "IV":
            values["EFFECT_SIZE"] = _scale(s, "yi", ratio)
            if ratio:
                values["LOG_EFFECT_SIZE"] = s.get("yi")
        _put(row.attrs, values)
    outcome.attrs["ESTIMABLE"] = "YES" if (doc.get("pooled") or {}).get("estimate") is not None else "NO"
    _summary(outcome.attrs, doc.get("pooled") or {}, doc.get("heterogeneity") or {}, ratio)
    sub = doc.get("subgroups") or {}
    groups = {str(g.get("level")): g for g in sub.get("groups") or []}
    for g in outcome.subgroups:
        mine = groups.get(g.name)
        if mine is not None:
            g.attrs["ESTIMABLE"] = "YES"
            het = {"q": mine.get("q"), "q_df": mine.get("q_df"), "q_p": mine.get("q_p"), "i2": mine.get("i2"),
                   "tau2": mine.get("tau2")}
            _summary(g.attrs, mine, het, ratio)
    diff = sub.get("difference") or {}
    _put(outcome.attrs, {"Q": diff.get("q"), "DF_Q": diff.get("df"), "P_Q": diff.get("p_value"),
                         "I2_Q": diff.get("i2")})
