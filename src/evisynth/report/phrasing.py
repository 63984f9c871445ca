"""Words that follow the certainty of the evidence and the size of the effect.

The statements follow the GRADE informative statements (Santesso et al. 2020, GRADE
guidelines 26) and the Cochrane plain-language summary guidance (2021), docs/methods.md §4:

============  =========================  ===================  =====================  ==============================
certainty     large effect               effect               small effect           little or no difference
============  =========================  ===================  =====================  ==============================
high          results in a large         reduces              reduces ... slightly   makes little or no difference
              reduction in
moderate      probably results in ...    probably reduces     probably reduces ...   probably makes little or no ...
low           may result in ...          may reduce           may reduce ...         may make little or no ...
very low      We are uncertain whether X reduces Y (whatever the size)
============  =========================  ===================  =====================  ==============================

Rules kept here, and checked by the tests:

* the size category comes from the point estimate against thresholds (SMD 0.2/0.5/0.8,
  the MID, ratio 0.5/2 for large effects), never from a P value;
* when the CI includes no effect no direction is stated: the evidence "makes little or no
  difference" only when the CI also excludes important effects, otherwise the statement
  adds that an important benefit or harm cannot be ruled out;
* the words "significant" and "improved" are never used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.grade.domains import effect_thresholds, is_ratio, pooled_sd
from evisynth.grade.judgements import GradeOutcome
from evisynth.grade.thresholds import Thresholds

LARGE, MODERATE, SMALL = "large", "moderate", "small"
LITTLE_OR_NO, INCONCLUSIVE = "little or no difference", "inconclusive"

_HEDGE = {"high": "", "moderate": "probably ", "low": "may "}
_CONFIDENCE = {
    "high": "We are very confident in this result",
    "moderate": "We are moderately confident in this result",
    "low": "Our confidence in this result is limited",
    "very low": "We have very little confidence in this result",
}
_LAY_REASONS = {
    "risk_of_bias": "some studies had weaknesses in how they were done (for example, people may have known which "
                    "treatment they received)",
    "inconsistency": "the results differed between studies",
    "indirectness": "the studies did not fully match the question of this review",
    "imprecision": "there were not enough studies or participants to be sure about the size of the effect",
    "publication_bias": "some studies may not have been published",
}


@dataclass(frozen=True)
class EffectSize:
    """How big the pooled effect is and which way it points."""

    category: str  # LARGE, MODERATE, SMALL, LITTLE_OR_NO or INCONCLUSIVE
    direction: str  # "reduce" or "increase" (of the outcome's value)
    includes_no_effect: bool
    beneficial: bool  # the point estimate favours the intervention
    open_sides: tuple[str, ...] = ()  # for INCONCLUSIVE: "benefit"/"harm" the CI does not rule out


def smd_size(g: float) -> str:
    """Cohen's conventions: ``trivial`` (< 0.2), ``small`` (< 0.5), ``moderate`` (< 0.8), ``large``."""
    a = abs(g)
    return "trivial" if a < 0.2 else "small" if a < 0.5 else "moderate" if a < 0.8 else "large"


def effect_size(analysis: AnalysisBundle, outcome: GradeOutcome, t: Thresholds) -> EffectSize:
    """Classify the pooled effect of an analysis (see the module notes)."""
    p = analysis.pooled
    est, lo, hi = p.estimate, p.ci_lower, p.ci_upper
    if est is None or lo is None or hi is None:
        return EffectSize(INCONCLUSIVE, "reduce", True, False, ("benefit", "harm"))
    direction = "reduce" if est < 0 else "increase"
    beneficial = (est < 0) == outcome.lower_is_better
    includes = lo <= 0 <= hi
    thr = effect_thresholds(analysis, outcome, t)
    if includes:
        if thr.lower is not None and thr.upper is not None and thr.lower <= lo and hi <= thr.upper:
            return EffectSize(LITTLE_OR_NO, direction, True, beneficial)
        sides = []
        low_side = "benefit" if outcome.lower_is_better else "harm"
        high_side = "harm" if outcome.lower_is_better else "benefit"
        if thr.lower is None or lo < thr.lower:
            sides.append(low_side)
        if thr.upper is None or hi > thr.upper:
            sides.append(high_side)
        return EffectSize(INCONCLUSIVE, direction, True, beneficial, tuple(sorted(sides)))
    measure = analysis.measure
    sd = pooled_sd(analysis) if measure == "MD" else None
    if measure == "SMD" or (measure == "MD" and outcome.mid is None and sd):
        g = est if measure == "SMD" or not sd else est / sd
        size = smd_size(g)
        cat = {"trivial": SMALL, "small": SMALL, "moderate": MODERATE, "large": LARGE}[size]
    elif is_ratio(analysis):
        if abs(est) >= math.log(t.large_effect):
            cat = LARGE
        elif thr.lower is not None and thr.upper is not None and thr.lower < est < thr.upper:
            cat = SMALL
        else:
            cat = MODERATE
    elif outcome.mid is not None:
        cat = SMALL if abs(est) < outcome.mid else MODERATE
    else:
        cat = MODERATE
    return EffectSize(cat, direction, False, beneficial)


def statement(intervention: str, outcome: str, comparison: str, certainty: str, size: EffectSize) -> str:
    """One GRADE informative statement, e.g. "Exercise probably reduces pain slightly compared with usual care."."""
    x = intervention[:1].upper() + intervention[1:]
    if certainty == "very low":
        verb = {"reduce": "reduces", "increase": "increases"}[size.direction]
        if size.includes_no_effect:
            verb = "changes"
        return (f"We are uncertain whether {intervention} {verb} {outcome} compared with {comparison}, because the "
                f"evidence is very uncertain.")
    hedge = _HEDGE[certainty]
    third = certainty != "low"  # "reduces", "probably reduces" but "may reduce"
    if size.category in (LITTLE_OR_NO, INCONCLUSIVE):
        core = f"{x} {hedge}{'makes' if third else 'make'} little or no difference to {outcome} compared with {comparison}"
        if size.category == INCONCLUSIVE:
            what = " or ".join(size.open_sides) if size.open_sides else "effect"
            core += f", but an important {what} cannot be ruled out"
        return core + "."
    noun = "reduction" if size.direction == "reduce" else "increase"
    if size.category == LARGE:
        verb = "results" if third else "result"
        return f"{x} {hedge}{verb} in a large {noun} in {outcome} compared with {comparison}."
    verb = size.direction + ("s" if third else "")
    tail = " slightly" if size.category == SMALL else ""
    return f"{x} {hedge}{verb} {outcome}{tail} compared with {comparison}."


def confidence_sentence(certainty: str, reasons: list[str]) -> str:
    """Lay explanation of the certainty, with the reasons it was rated down."""
    base = _CONFIDENCE[certainty]
    lay = [_LAY_REASONS[r] for r in reasons if r in _LAY_REASONS]
    if not lay:
        return base + "."
    if len(lay) == 1:
        return f"{base} because {lay[0]}."
    return f"{base} because {', '.join(lay[:-1])} and {lay[-1]}."


def certainty_phrase(certainty: str) -> str:
    """``moderate-certainty evidence``."""
    return f"{certainty}-certainty evidence"


def lay_reason(domain: str) -> str:
    return _LAY_REASONS[domain]
