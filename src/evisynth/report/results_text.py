"""The results paragraph in journal-abstract style, from an analysis.

``rTMS reduced spasticity compared with control (MD -0.23, 95% CI -0.43 to -0.02; P = 0.03;
18 trials, 412 participants; I² = 51%).`` Directional verbs are used only when the
confidence interval excludes the line of no effect; otherwise the sentence says there was no
clear difference. Numbers are written by :mod:`evisynth.format`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from evisynth import format as fmt
from evisynth.analyses.bundle import AnalysisBundle

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


class Estimate(Protocol):
    """A pooled result the sentences quote (the pooled estimate or a subgroup's)."""

    @property
    def estimate(self) -> float | None: ...
    @property
    def ci_lower(self) -> float | None: ...
    @property
    def ci_upper(self) -> float | None: ...
    @property
    def p_value(self) -> float | None: ...


def _capital(text: str) -> str:
    """Capitalise the first letter unless the first word is an acronym-like name (``rTMS``, ``iPad``)."""
    first = text.split(" ", 1)[0]
    if any(c.isupper() for c in first):
        return text
    return text[:1].upper() + text[1:]


def effect_parenthesis(analysis: AnalysisBundle, res: Estimate | None = None, *, k: int | None = None,
                       participants: int | None = None, i2: float | None = None, unit: str = "studies") -> str:
    """``MD -0.23, 95% CI -0.43 to -0.02; P = 0.03; 18 trials, 412 participants; I² = 51%``."""
    res = res or analysis.pooled
    abbr = ABBREVIATION.get(analysis.measure, "effect")
    level = fmt.format_count(100 * analysis.pooled.level)
    lo, hi = analysis.natural(res.ci_lower), analysis.natural(res.ci_upper)
    ci = fmt.format_ci_to(lo, hi) if lo is not None and hi is not None else "not estimable"
    parts = [f"{abbr} {fmt.format_estimate(analysis.natural(res.estimate))}, {level}% CI {ci}"]
    if res.p_value is not None:
        parts.append(fmt.p_text(res.p_value))
    if k is not None:
        count = _plural(k, unit)
        if participants:
            count += f", {participants} participants"
        parts.append(count)
    if i2 is not None:
        parts.append(f"I² = {fmt.format_percent(i2)}")
    return "; ".join(parts)


def direction(res: Estimate) -> str:
    """``"lower"``, ``"higher"`` or ``"unclear"`` (the CI includes no effect), on the analysis scale."""
    lo, hi = res.ci_lower, res.ci_upper
    if lo is None or hi is None:
        return "unclear"
    if hi < 0:
        return "lower"
    if lo > 0:
        return "higher"
    return "unclear"


def results_paragraph(analysis: AnalysisBundle, options: TextOptions | None = None) -> str:
    """The abstract-style results paragraph."""
    o = options or TextOptions()
    p, h = analysis.pooled, analysis.heterogeneity
    thing = _RISK.get(analysis.measure, "") + o.outcome
    paren = effect_parenthesis(analysis, p, k=p.k, participants=analysis.totals.participants, i2=h.i2, unit=o.unit)
    d = direction(p)
    if d == "unclear":
        first = f"There was no clear difference in {thing} between {o.intervention} and {o.comparison} ({paren})."
    else:
        verb = "reduced" if d == "lower" else "increased"
        first = f"{_capital(o.intervention)} {verb} {thing} compared with {o.comparison} ({paren})."
    out = [first]
    pi_lower, pi_upper = p.prediction_interval()
    if o.prediction and p.random and pi_lower is not None:
        level = fmt.format_count(100 * p.level)
        out.append(f"The {level}% prediction interval for the effect in a new study was "
                   f"{fmt.format_ci_to(analysis.natural(pi_lower), analysis.natural(pi_upper))}.")
    if analysis.subgroups:
        out.append(subgroup_sentence(analysis, o))
    return " ".join(out)


def subgroup_sentence(analysis: AnalysisBundle, options: TextOptions | None = None) -> str:
    """``By hemisphere: unaffected (SMD -0.19, ...); affected (...). Test for subgroup differences: ...``

    Empty when the analysis has no subgroups.
    """
    o = options or TextOptions()
    sg = analysis.subgroups
    if not sg:
        return ""
    dtext = analysis.text.get("subgroup_difference", "")
    body = dtext.split(": ", 1)[1] if ": " in dtext else dtext
    groups = []
    for g in sg.groups:
        gp = effect_parenthesis(analysis, g, k=g.k, i2=g.i2, unit=o.unit)
        groups.append(f"{g.level} ({gp})")
    return f"By {sg.variable}: {'; '.join(groups)}. Test for subgroup differences: {body}."
