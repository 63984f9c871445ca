"""Suggested GRADE judgements per domain, computed from an analysis.

Each function takes the analysis (:class:`~evisynth.analyses.bundle.AnalysisBundle`), the outcome's
settings and the thresholds (:mod:`evisynth.grade.thresholds`) and returns a
:class:`DomainSuggestion` carrying the judgement, a one-sentence reason with the numbers
behind it, the raw inputs and the rule that was applied. Nothing here is final: the
reviewer confirms or overrides each domain (:mod:`evisynth.grade.certainty`).

Effects are compared on the analysis scale (log scale for ratio measures), where no effect is 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scipy import stats

from evisynth import format as fmt
from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.results import MetaRegression, StudyRow
from evisynth.grade.judgements import GradeOutcome
from evisynth.grade.rob_domain import LowRiskSensitivity, risk_of_bias
from evisynth.grade.suggestion import DomainSuggestion
from evisynth.grade.thresholds import Thresholds

__all__ = ["DomainSuggestion", "LowRiskSensitivity", "confounding", "display", "dose_response", "imprecision",
           "inconsistency", "indirectness", "is_ratio", "large_effect", "publication_bias", "risk_of_bias",
           "suggest_all"]


def is_ratio(analysis: AnalysisBundle) -> bool:
    """True when the analysis is on the log scale (OR, RR, Peto OR, log-scale GEN)."""
    return analysis.log_scale


def display(analysis: AnalysisBundle, value: float | None) -> float | None:
    """An analysis-scale value on the display scale (exponentiated for ratios)."""
    return analysis.natural(value)


def _pct(share: float) -> str:
    return fmt.format_percent(100 * share)


def _included(analysis: AnalysisBundle) -> list[StudyRow]:
    return [s for s in analysis.studies if s.included and s.weight_percent is not None and s.yi is not None]


# -------------------------------------------------------------------------------------------- inconsistency
def inconsistency(analysis: AnalysisBundle, t: Thresholds) -> DomainSuggestion:
    """I², the prediction interval, direction of the study estimates and overlap of their CIs.

    The prediction interval is the one every display shows (:meth:`Pooled.prediction_interval`).
    """
    studies = _included(analysis)
    k = len(studies)
    het = analysis.heterogeneity
    i2 = het.i2
    pi_lo, pi_hi = analysis.pooled.prediction_interval()
    ys = [s.yi for s in studies if s.yi is not None]
    both_sides = any(y > 0 for y in ys) and any(y < 0 for y in ys)
    los = [s.ci_lower for s in studies if s.ci_lower is not None]
    his = [s.ci_upper for s in studies if s.ci_upper is not None]
    no_overlap = bool(los and his and max(los) > min(his))
    pi_crosses = pi_lo is not None and pi_hi is not None and pi_lo < 0 < pi_hi and k >= 3
    inputs = {"k": k, "i2": i2, "q": het.q, "q_p": het.q_p, "pi_lower": display(analysis, pi_lo),
              "pi_upper": display(analysis, pi_hi), "pi_crosses_no_effect": pi_crosses,
              "estimates_on_both_sides": both_sides, "some_cis_do_not_overlap": no_overlap}
    rule = (f"very serious if I² > {fmt.format_percent(t.i2_very_serious)} with study estimates on both sides of no "
            f"effect; serious if I² > {fmt.format_percent(t.i2_always_serious)}, or I² > "
            f"{fmt.format_percent(t.i2_serious)} with the prediction interval or the study estimates crossing no effect")
    if k < 2:
        return DomainSuggestion("inconsistency", "not serious", 0, "single study: inconsistency cannot be assessed",
                                rule, inputs, needs_review=True,
                                prompt="One study only: consider whether its result would apply across settings.")
    if i2 is None:
        return DomainSuggestion("inconsistency", "not serious", 0, "I² is not available for this analysis", rule,
                                inputs, needs_review=True, prompt="Judge inconsistency from the forest plot.")
    parts = [f"I² = {fmt.format_percent(i2)}"]
    if het.q_p is not None:
        parts.append(f"heterogeneity {fmt.p_text(het.q_p)}")
    if pi_lo is not None and pi_hi is not None and k >= 3:
        pi = fmt.format_ci(display(analysis, pi_lo), display(analysis, pi_hi))
        parts.append(f"prediction interval {pi} {'crosses' if pi_crosses else 'does not cross'} no effect")
    parts.append("study estimates lie on both sides of no effect" if both_sides
                 else "all study estimates point the same way")
    if no_overlap:
        parts.append("some study confidence intervals do not overlap")
    reason = "; ".join(parts)
    if i2 > t.i2_very_serious and both_sides:
        j, lv = "very serious", -2
    elif i2 > t.i2_always_serious or (i2 > t.i2_serious and (pi_crosses or both_sides)):
        j, lv = "serious", -1
    else:
        j, lv = "not serious", 0
    return DomainSuggestion("inconsistency", j, lv, reason, rule, inputs,
                            needs_review=no_overlap and lv == 0,
                            prompt="Some study CIs do not overlap: check for an explanation." if no_overlap else None)


# --------------------------------------------------------------------------------------------- imprecision
def pooled_sd(analysis: AnalysisBundle) -> float | None:
    """Participant-weighted pooled within-group SD over the included studies (continuous data), else None."""
    num = den = 0.0
    for s in _included(analysis):
        d = s.data
        if all(d.get(key) is not None for key in ("sd1", "sd2", "n1", "n2")):
            num += (d["n1"] - 1) * d["sd1"] ** 2 + (d["n2"] - 1) * d["sd2"] ** 2
            den += d["n1"] + d["n2"] - 2
    return math.sqrt(num / den) if den > 0 else None


@dataclass(frozen=True)
class EffectThresholds:
    """Lower and upper thresholds of an important effect on the analysis scale, and where they come from."""

    lower: float | None
    upper: float | None
    source: str
    sd: float | None = None


def effect_thresholds(analysis: AnalysisBundle, outcome: GradeOutcome, t: Thresholds) -> EffectThresholds:
    """Thresholds of an appreciable (important) effect: the MID, or the rule-of-thumb defaults."""
    measure = analysis.measure
    mid = outcome.mid
    if is_ratio(analysis):
        if mid is not None:
            r = mid if mid < 1 else 1 / mid
            return EffectThresholds(math.log(r), -math.log(r), f"MID (ratio {fmt.format_number(r)} / "
                                    f"{fmt.format_number(1 / r)})")
        return EffectThresholds(math.log(t.appreciable_benefit_ratio), math.log(t.appreciable_harm_ratio),
                                f"appreciable benefit or harm (ratio {fmt.format_number(t.appreciable_benefit_ratio)} "
                                f"/ {fmt.format_number(t.appreciable_harm_ratio)})")
    if mid is not None:
        return EffectThresholds(-mid, mid, f"MID ({fmt.format_number(mid)}{' ' + outcome.units if outcome.units else ''})")
    if measure == "SMD":
        return EffectThresholds(-t.smd_mid, t.smd_mid, f"SMD {fmt.format_number(t.smd_mid)} (no MID given)")
    sd = pooled_sd(analysis) if measure == "MD" else None
    if sd is not None:
        d = t.smd_mid * sd
        return EffectThresholds(-d, d, f"{fmt.format_number(t.smd_mid)} SD = {fmt.format_number(d)} (pooled SD "
                                f"{fmt.format_number(sd)}; no MID given)", sd)
    return EffectThresholds(None, None, "no MID given")


def optimal_information_size(analysis: AnalysisBundle, outcome: GradeOutcome, t: Thresholds,
                             thr: EffectThresholds) -> tuple[int | None, str]:
    """Total OIS (both arms) and how it was computed; ``None`` when it cannot be computed."""
    z = float(stats.norm.ppf(1 - t.ois_alpha / 2) + stats.norm.ppf(t.ois_power))
    totals = analysis.totals
    measure = analysis.measure
    if totals.events2 is not None and measure in ("OR", "RR", "PETO", "RD"):
        p1 = outcome.assumed_control_risk or (totals.events2 / totals.n2 if totals.n2 else None)
        if not p1:
            return None, "no control-group events"
        rrr = t.ois_rrr
        if outcome.mid is not None and is_ratio(analysis):
            rrr = 1 - (outcome.mid if outcome.mid < 1 else 1 / outcome.mid)
        p2 = p1 * (1 - rrr)
        n = float(z**2 * (p1 * (1 - p1) + p2 * (1 - p2)) / (p1 - p2) ** 2)
        return 2 * math.ceil(n), (f"control risk {fmt.format_number(100 * p1, 1)}%, relative risk reduction "
                                  f"{fmt.format_percent(100 * rrr)}, α {fmt.format_number(t.ois_alpha)}, power "
                                  f"{fmt.format_percent(100 * t.ois_power)}")
    es: float | None = None  # effect size to detect, in SD units
    if thr.upper is not None:  # always set for SMD (the MID or the default)
        if measure == "SMD":
            es = thr.upper
        elif measure == "MD" and thr.sd is not None:
            es = thr.upper / thr.sd
    if es is not None:
        n = 2 * z**2 / es**2
        return 2 * math.ceil(n), (f"difference to detect {fmt.format_number(es)} SD, α "
                                  f"{fmt.format_number(t.ois_alpha)}, power {fmt.format_percent(100 * t.ois_power)}")
    if measure == "MD" and thr.upper is not None:
        sd = pooled_sd(analysis)
        if sd:
            n = 2 * z**2 * sd**2 / thr.upper**2
            return 2 * math.ceil(n), (f"MID {fmt.format_number(thr.upper)}, SD {fmt.format_number(sd)}, α "
                                      f"{fmt.format_number(t.ois_alpha)}, power {fmt.format_percent(100 * t.ois_power)}")
    return None, "not computable (no events, SD or MID)"


def imprecision(analysis: AnalysisBundle, outcome: GradeOutcome, t: Thresholds) -> DomainSuggestion:
    """The CI against no effect and the thresholds of an important effect, and the OIS."""
    p = analysis.pooled
    if p.ci_lower is None or p.ci_upper is None:
        return DomainSuggestion("imprecision", "serious", -1, "the confidence interval is not estimable",
                                "serious when the confidence interval cannot be computed", {}, needs_review=True,
                                prompt="Judge imprecision from the study results.")
    lo, hi = p.ci_lower, p.ci_upper
    thr = effect_thresholds(analysis, outcome, t)
    includes_null = lo <= 0 <= hi
    below = thr.lower is not None and lo < thr.lower
    above = thr.upper is not None and hi > thr.upper
    if t.imprecision_target == "mid" and thr.lower is not None:
        # minimally contextualised: crossing any threshold (no effect or an MID) is serious, both MIDs very serious
        cross_lo = lo < thr.lower < hi
        cross_hi = thr.upper is not None and lo < thr.upper < hi
        ci_levels = 2 if cross_lo and cross_hi else int(cross_lo or cross_hi or includes_null)
        if not includes_null and ci_levels:
            crossing = "appreciable benefit" if cross_lo == outcome.lower_is_better else "appreciable harm"
    elif not includes_null:
        ci_levels = 0
    elif thr.lower is None:
        ci_levels = 1
    else:
        ci_levels = int(below) + int(above)
    ois, ois_how = optimal_information_size(analysis, outcome, t, thr)
    n = analysis.totals.participants
    ois_met = None if ois is None or n is None else n >= ois
    levels = max(ci_levels, 1 if ois_met is False else 0)
    ci = fmt.format_ci(display(analysis, lo), display(analysis, hi))
    level = round(100 * p.level)
    if includes_null:
        where = f"the {level}% CI {ci} includes no effect"
        if thr.lower is not None:
            good_low = outcome.lower_is_better
            crossed = [f"appreciable {'benefit' if good == 'low' else 'harm'} ({_thr_text(analysis, value)})"
                       for good, value, hit in (("low" if good_low else "high", thr.lower, below),
                                                ("high" if good_low else "low", thr.upper, above)) if hit]
            where += (f" and {' and '.join(crossed)}" if crossed
                      else f" but no important effect (thresholds: {thr.source})")
    else:
        where = f"the {level}% CI {ci} excludes no effect"
        if t.imprecision_target == "mid" and ci_levels:
            where += f" but crosses the threshold of {crossing} ({thr.source})"
    if ois is None:
        size = f"optimal information size {ois_how}"
    else:
        size = (f"{fmt.format_count(n)} participants {'meet' if ois_met else 'fall short of'} the optimal information "
                f"size of {fmt.format_count(ois)}" if n is not None else f"optimal information size {fmt.format_count(ois)}")
    reason = f"{where}; {size}"
    rule = ("serious if the CI includes no effect and one threshold of an important effect, very serious if it crosses "
            "both, serious if the information size is below the optimal information size (GRADE guidelines 6); "
            f"thresholds: {thr.source}")
    if t.imprecision_target == "mid":
        rule = ("minimally contextualised (GRADE Guidance 34): serious if the CI crosses no effect or one threshold of "
                "an important effect, very serious if it crosses the thresholds of both benefit and harm, serious if "
                f"below the optimal information size; thresholds: {thr.source}")
    j = {0: "not serious", 1: "serious", 2: "very serious"}[levels]
    totals = analysis.totals
    inputs = {"ci_lower": display(analysis, lo), "ci_upper": display(analysis, hi), "includes_no_effect": includes_null,
              "threshold_lower": display(analysis, thr.lower), "threshold_upper": display(analysis, thr.upper),
              "threshold_source": thr.source, "crosses_lower": below, "crosses_upper": above, "ois": ois,
              "ois_assumptions": ois_how, "participants": n, "ois_met": ois_met,
              "events": (totals.events1 or 0) + (totals.events2 or 0) if totals.events1 is not None else None}
    needs = thr.lower is None or ois is None
    return DomainSuggestion("imprecision", j, -levels, reason, rule, inputs, needs_review=needs,
                            prompt="Give the outcome's MID in the review file (mid = ...)." if thr.lower is None else None)


def _thr_text(analysis: AnalysisBundle, value: float | None) -> str:
    shown = display(analysis, value)
    return f"{fmt.format_number(shown)}"


# ------------------------------------------------------------------------------------------ publication bias
def publication_bias(analysis: AnalysisBundle, t: Thresholds) -> DomainSuggestion:
    """Small-study tests only with at least ``pb_min_studies`` studies; otherwise flagged for the reviewer."""
    k = len(_included(analysis))
    pb = analysis.publication_bias
    rule = (f"strongly suspected if k >= {t.pb_min_studies} and Egger's test P < {fmt.format_number(t.pb_p)}; "
            f"not assessable by a test below {t.pb_min_studies} studies")
    inputs: dict[str, Any] = {"k": k}
    if k < t.pb_min_studies:
        return DomainSuggestion(
            "publication_bias", "undetected", 0,
            f"only {k} stud{'y' if k == 1 else 'ies'}: too few for a small-study test (needs {t.pb_min_studies})",
            rule, inputs, needs_review=True,
            prompt="Judge publication bias from the search (unpublished trials, registries, industry funding).")
    egger = pb.egger if pb is not None else None
    if egger is None or egger.p_value is None:
        return DomainSuggestion("publication_bias", "undetected", 0, "Egger's test not available", rule, inputs,
                                needs_review=True, prompt="Judge publication bias from the funnel plot.")
    inputs["egger"] = {"statistic": egger.statistic, "df": egger.df, "p_value": egger.p_value}
    tf = pb.trim_and_fill if pb is not None else None
    if tf is not None:
        inputs["trim_and_fill_k0"] = tf.k0
    text = (f"Egger's test t = {fmt.format_number(egger.statistic)}, df = {fmt.format_count(egger.df)}, "
            f"{fmt.p_text(egger.p_value)} with {k} studies")
    if tf is not None:
        text += f"; trim-and-fill adds {tf.k0} stud{'y' if tf.k0 == 1 else 'ies'}"
    if egger.p_value < t.pb_p:
        return DomainSuggestion("publication_bias", "strongly suspected", -1, text + " (funnel plot asymmetry)",
                                rule, inputs)
    return DomainSuggestion("publication_bias", "undetected", 0, text + " (no clear asymmetry)", rule, inputs)


# ------------------------------------------------------------------------------------------- indirectness
def indirectness() -> DomainSuggestion:
    """Not computable: not serious by default, with a prompt for the reviewer."""
    return DomainSuggestion(
        "indirectness", "not serious", 0, "not assessed by evisynth (reviewer judgement)",
        "reviewer judgement; default not serious", {}, needs_review=True,
        prompt="Do the population, intervention, comparator and outcome measured match the question? "
               "Surrogate outcome or indirect comparison?")


# ------------------------------------------------------------------------------------------------ upgrades
def large_effect(analysis: AnalysisBundle, t: Thresholds) -> DomainSuggestion:
    """Ratio measures: RR/OR beyond 2 (or 0.5) +1, beyond 5 (or 0.2) +2, when the CI excludes no effect."""
    rule = (f"large if the ratio is > {fmt.format_number(t.large_effect)} or < {fmt.format_number(1 / t.large_effect)}, "
            f"very large if > {fmt.format_number(t.very_large_effect)} or < "
            f"{fmt.format_number(1 / t.very_large_effect)}, with the CI excluding no effect (GRADE guidelines 9)")
    p = analysis.pooled
    if not is_ratio(analysis) or p.estimate is None or p.ci_lower is None or p.ci_upper is None:
        reason = "assessed for ratio measures only" if not is_ratio(analysis) else "the pooled ratio is not estimable"
        return DomainSuggestion("large_effect", "none", 0, reason, rule, {}, needs_review=False)
    est = p.estimate
    excludes = not p.ci_lower <= 0 <= p.ci_upper
    size = abs(est)
    inputs = {"estimate": display(analysis, est), "ci_excludes_no_effect": excludes}
    shown = fmt.format_number(display(analysis, est))
    if excludes and size > math.log(t.very_large_effect):
        return DomainSuggestion("large_effect", "very large", 2, f"pooled ratio {shown}", rule, inputs)
    if excludes and size > math.log(t.large_effect):
        return DomainSuggestion("large_effect", "large", 1, f"pooled ratio {shown}", rule, inputs)
    return DomainSuggestion("large_effect", "none", 0, f"pooled ratio {shown} is not a large effect", rule, inputs)


def dose_response(analysis: AnalysisBundle, outcome: GradeOutcome, t: Thresholds,
                  meta_regression: MetaRegression | None = None) -> DomainSuggestion:
    """A significant meta-regression slope on the outcome's dose moderator suggests a dose-response gradient.

    ``meta_regression`` is the outcome's meta-regression (by default the analysis' own section).
    """
    rule = f"present if the meta-regression slope on the dose moderator has P < {fmt.format_number(t.dose_response_p)}"
    if not outcome.dose_moderator:
        return DomainSuggestion("dose_response", "none", 0, "no dose moderator given", rule, {})
    mr = meta_regression or analysis.meta_regression
    coef = next((c for c in mr.coefficients if c.name == outcome.dose_moderator), None) if mr else None
    if coef is None:
        return DomainSuggestion("dose_response", "none", 0,
                                f"no meta-regression on '{outcome.dose_moderator}' is available", rule, {},
                                needs_review=True, prompt="Run a meta-regression on the dose moderator.")
    units = f" per {outcome.dose_units}" if outcome.dose_units else f" per unit of {outcome.dose_moderator}"
    scale = " (log scale)" if is_ratio(analysis) else ""
    text = (f"meta-regression slope on {outcome.dose_moderator} {fmt.format_number(coef.estimate, 3)}{units}{scale} "
            f"{fmt.format_ci(coef.ci_lower, coef.ci_upper, 3)}, {fmt.p_text(coef.p_value)}")
    inputs = {"moderator": outcome.dose_moderator, "estimate": coef.estimate, "se": coef.se,
              "ci_lower": coef.ci_lower, "ci_upper": coef.ci_upper, "p_value": coef.p_value}
    if coef.p_value is not None and coef.p_value < t.dose_response_p:
        return DomainSuggestion("dose_response", "present", 1, text, rule, inputs)
    return DomainSuggestion("dose_response", "none", 0, text, rule, inputs)


def confounding() -> DomainSuggestion:
    """Reviewer judgement only."""
    return DomainSuggestion("confounding", "none", 0, "not assessed by evisynth (reviewer judgement)",
                            "reviewer judgement", {}, needs_review=False)


def suggest_all(analysis: AnalysisBundle, outcome: GradeOutcome, rob: Mapping[str, Any] | None,
                t: Thresholds, *, meta_regression: MetaRegression | None = None,
                rob_sensitivity: LowRiskSensitivity | None = None) -> dict[str, DomainSuggestion]:
    """Suggestions for all eight domains, keyed by domain name.

    ``rob`` maps each study to its risk-of-bias assessment (:class:`evisynth.rob.Assessment`),
    its overall judgement or an entry with an ``overall``; ``rob_sensitivity`` is the analysis
    restricted to the studies at low risk (:mod:`evisynth.grade.rob_domain`).
    """
    return {
        "risk_of_bias": risk_of_bias(analysis, rob, t, sensitivity=rob_sensitivity),
        "inconsistency": inconsistency(analysis, t),
        "indirectness": indirectness(),
        "imprecision": imprecision(analysis, outcome, t),
        "publication_bias": publication_bias(analysis, t),
        "large_effect": large_effect(analysis, t),
        "dose_response": dose_response(analysis, outcome, t, meta_regression),
        "confounding": confounding(),
    }
