"""The results paragraph in journal-abstract style, from an analysis document.

``rTMS reduced spasticity compared with control (MD -0.23, 95% CI -0.43 to -0.02; P = 0.03;
18 trials, 412 participants; I² = 51%).`` Directional verbs are used only when the
confidence interval excludes the line of no effect; otherwise the sentence says there was no
clear difference. Numbers are written by :mod:`evisynth.format`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evisynth import format as fmt

ABBREVIATION = {"MD": "MD", "SMD": "SMD", "OR": "OR", "RR": "RR", "RD": "RD", "PETO": "OR", "GEN": "effect"}
_RISK = {"RR": "the risk of ", "RD": "the risk of ", "OR": "the odds of ", "PETO": "the odds of "}


@dataclass(frozen=True)
class TextOptions:
    """Names used in the words of a report.

    ``lower_is_better`` only sets which side of a forest plot favours the intervention; the
    results sentence reports the direction of the effect on the outcome ("reduced",
    "increased"), not a judgement.
    """

    intervention: str = "the intervention"
    comparison: str = "control"
    outcome: str = "the outcome"
    unit: str = "studies"
    lower_is_better: bool = True
    prediction: bool = True


def _plural(n: int, unit: str) -> str:
    if n == 1 and unit.endswith("ies"):
        return f"1 {unit[:-3]}y"
    if n == 1 and unit.endswith("s"):
        return f"1 {unit[:-1]}"
    return f"{n} {unit}"


def _disp(doc: dict[str, Any], d: dict[str, Any], key: str) -> float | None:
    return d.get(f"{key}_exp") if doc.get("log_scale") else d.get(key)


def _capital(text: str) -> str:
    """Capitalise the first letter unless the first word is an acronym-like name (``rTMS``, ``iPad``)."""
    first = text.split(" ", 1)[0]
    if any(c.isupper() for c in first):
        return text
    return text[:1].upper() + text[1:]


def effect_parenthesis(doc: dict[str, Any], res: dict[str, Any] | None = None, *, k: int | None = None,
                       participants: int | None = None, i2: float | None = None, unit: str = "studies") -> str:
    """``MD -0.23, 95% CI -0.43 to -0.02; P = 0.03; 18 trials, 412 participants; I² = 51%``."""
    res = res or doc["pooled"]
    abbr = ABBREVIATION.get(doc.get("measure", "GEN"), "effect")
    level = fmt.format_count(100 * float(doc["pooled"].get("level", 0.95)))
    lo, hi = _disp(doc, res, "ci_lower"), _disp(doc, res, "ci_upper")
    ci = fmt.format_ci_to(lo, hi) if lo is not None and hi is not None else "not estimable"
    parts = [f"{abbr} {fmt.format_estimate(_disp(doc, res, 'estimate'))}, {level}% CI {ci}"]
    if res.get("p_value") is not None:
        parts.append(fmt.p_text(res["p_value"]))
    if k is not None:
        count = _plural(k, unit)
        if participants:
            count += f", {participants} participants"
        parts.append(count)
    if i2 is not None:
        parts.append(f"I² = {fmt.format_percent(i2)}")
    return "; ".join(parts)


def direction(res: dict[str, Any]) -> str:
    """``"lower"``, ``"higher"`` or ``"unclear"`` (the CI includes no effect), on the analysis scale."""
    lo, hi = res.get("ci_lower"), res.get("ci_upper")
    if lo is None or hi is None:
        return "unclear"
    if hi < 0:
        return "lower"
    if lo > 0:
        return "higher"
    return "unclear"


def results_paragraph(doc: dict[str, Any], options: TextOptions | None = None) -> str:
    """The abstract-style results paragraph."""
    o = options or TextOptions()
    p, h = doc["pooled"], doc.get("heterogeneity") or {}
    measure = doc.get("measure", "GEN")
    thing = _RISK.get(measure, "") + o.outcome
    k = int(p.get("k") or sum(1 for s in doc["studies"] if s.get("included", True)))
    participants = (doc.get("totals") or {}).get("participants")
    paren = effect_parenthesis(doc, p, k=k, participants=participants, i2=h.get("i2"), unit=o.unit)
    d = direction(p)
    if d == "unclear":
        first = f"There was no clear difference in {thing} between {o.intervention} and {o.comparison} ({paren})."
    else:
        verb = "reduced" if d == "lower" else "increased"
        first = f"{_capital(o.intervention)} {verb} {thing} compared with {o.comparison} ({paren})."
    out = [first]
    if o.prediction and p.get("model") == "random" and p.get("pi_lower_t") is not None:
        level = fmt.format_count(100 * float(p.get("level", 0.95)))
        out.append(f"The {level}% prediction interval for the effect in a new study was "
                   f"{fmt.format_ci_to(_disp(doc, p, 'pi_lower_t'), _disp(doc, p, 'pi_upper_t'))}.")
    sg = doc.get("subgroups")
    if sg:
        dtext = (doc.get("text") or {}).get("subgroup_difference", "")
        body = dtext.split(": ", 1)[1] if ": " in dtext else dtext
        groups = []
        for g in sg["groups"]:
            gp = effect_parenthesis(doc, g, k=int(g.get("k") or 0), i2=g.get("i2"), unit=o.unit)
            groups.append(f"{g['level']} ({gp})")
        out.append(f"By {sg['variable']}: {'; '.join(groups)}. Test for subgroup differences: {body}.")
    return " ".join(out)
