"""GRADE's risk-of-bias domain from the studies' judgements and their weights in the analysis.

The suggestion weighs each study's overall risk-of-bias judgement (RoB 2, RoB 1 or ROBINS-I,
:mod:`evisynth.rob`) by its weight in the outcome's analysis (:func:`evisynth.rob.grade_risk_of_bias`)
and shows the numbers: the share of the weight from studies at high risk, with some concerns and
at low risk. Next to it, when the review runner computed it, is the sensitivity analysis
restricted to the studies at low risk of bias (:class:`LowRiskSensitivity`).

Thresholds (``Thresholds.rob_not_low_serious`` = 0.5, ``rob_high_very_serious`` = 0.8):

* **serious** (-1) when more than 50% of the weight comes from studies with some concerns or at
  high risk. GRADE rates down for risk of bias when "most" of the evidence (the studies
  providing most of the information, i.e. most of the weight) comes from studies with
  limitations that lower confidence in the estimate (Guyatt GH et al. GRADE guidelines: 4.
  Rating the quality of evidence: study limitations (risk of bias). J Clin Epidemiol
  2011;64(4):407-15, doi:10.1016/j.jclinepi.2010.07.017; Cochrane Handbook 5.1, table 12.2.d);
* **very serious** (-2) when more than 80% of the weight comes from studies at high risk: crucial
  limitations for (nearly) all the information (same sources);
* otherwise **not serious**.

The cut-offs are evisynth's reading of "most" and "nearly all", not numbers GRADE publishes:
the suggestion is a proposal for the panel, which decides whether the limitations plausibly
change the conclusion, the question the low-risk sensitivity analysis answers (Guyatt 2011,
section 7: restrict to the studies at low risk when their results differ).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evisynth import format as fmt
from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.results import StudyRow
from evisynth.grade.suggestion import DomainSuggestion
from evisynth.grade.thresholds import Thresholds
from evisynth.rob import RobGradeLink, grade_risk_of_bias

__all__ = ["LowRiskSensitivity", "overall_of", "risk_of_bias", "rob_link", "sensitivity_from"]


@dataclass(frozen=True)
class LowRiskSensitivity:
    """The outcome's analysis restricted to the studies at low risk of bias (display scale).

    ``estimate`` is ``None`` when no study (or no pooled estimate) is left; ``reason`` then says why.
    """

    studies: tuple[str, ...]
    measure: str
    estimate: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    p_value: float | None = None
    i2: float | None = None
    full_estimate: float | None = None
    full_ci_lower: float | None = None
    full_ci_upper: float | None = None
    reason: str | None = None

    @property
    def k(self) -> int:
        return len(self.studies)

    def text(self) -> str:
        """``"restricted to the 4 studies at low risk of bias: MD -0.20 [-0.41, 0.01]"``."""
        if self.estimate is None:
            return f"no analysis restricted to studies at low risk of bias ({self.reason or 'no such study'})"
        k = self.k
        what = f"the {k} stud{'y' if k == 1 else 'ies'} at low risk of bias"
        text = f"restricted to {what}: {self.measure} {fmt.format_effect_ci(self.estimate, self.ci_lower, self.ci_upper)}"
        if self.full_estimate is not None:
            full = fmt.format_effect_ci(self.full_estimate, self.full_ci_lower, self.full_ci_upper)
            text += f" (all studies: {self.measure} {full})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"studies": list(self.studies), "k": self.k, "measure": self.measure, "estimate": self.estimate,
                "ci_lower": self.ci_lower, "ci_upper": self.ci_upper, "p_value": self.p_value, "i2": self.i2,
                "full_estimate": self.full_estimate, "full_ci_lower": self.full_ci_lower,
                "full_ci_upper": self.full_ci_upper, "reason": self.reason, "text": self.text()}


def sensitivity_from(full: AnalysisBundle, restricted: AnalysisBundle | None, studies: tuple[str, ...],
                     reason: str | None = None) -> LowRiskSensitivity:
    """A :class:`LowRiskSensitivity` from the full and the restricted analysis (``None``: not run)."""
    nat = full.natural
    fp = full.pooled
    base: dict[str, Any] = {"full_estimate": nat(fp.estimate), "full_ci_lower": nat(fp.ci_lower),
                            "full_ci_upper": nat(fp.ci_upper)}
    if restricted is None or restricted.pooled.estimate is None:
        return LowRiskSensitivity(studies, full.measure, reason=reason or "not estimable", **base)
    p = restricted.pooled
    return LowRiskSensitivity(studies, full.measure, nat(p.estimate), nat(p.ci_lower), nat(p.ci_upper), p.p_value,
                              restricted.heterogeneity.i2, **base)


def _included(analysis: AnalysisBundle) -> list[StudyRow]:
    return [s for s in analysis.studies if s.included and s.weight_percent is not None and s.yi is not None]


def overall_of(rob: Mapping[str, Any] | None) -> dict[str, str | None]:
    """Study → overall judgement from ``{study: Assessment | RobEntry | str | None}``."""
    out: dict[str, str | None] = {}
    for study, value in (rob or {}).items():
        out[study] = value if value is None or isinstance(value, str) else getattr(value, "overall", None)
    return out


def rob_link(analysis: AnalysisBundle, rob: Mapping[str, Any] | None, t: Thresholds) -> RobGradeLink | None:
    """The weight shares of ``analysis``'s studies by overall judgement (``None`` without weighted studies)."""
    weights = {s.study: float(s.weight_percent or 0.0) for s in _included(analysis)}
    if not any(w > 0 for w in weights.values()):
        return None
    return grade_risk_of_bias(overall_of(rob), weights, serious_share=t.rob_not_low_serious,
                              very_serious_share=t.rob_high_very_serious, missing_as=t.rob_missing_as)


def _pct(share: float) -> str:
    return fmt.format_percent(100 * share)


def risk_of_bias(analysis: AnalysisBundle, rob: Mapping[str, Any] | None, t: Thresholds, *,
                 sensitivity: LowRiskSensitivity | None = None) -> DomainSuggestion:
    """The risk-of-bias suggestion: weight shares by overall judgement and, when given, the analysis
    restricted to the studies at low risk."""
    rule = (f"very serious if > {_pct(t.rob_high_very_serious)} of the weight is from studies at high risk; serious "
            f"if > {_pct(t.rob_not_low_serious)} is from studies at some concerns or high risk (GRADE guidelines 4, "
            "Guyatt et al. J Clin Epidemiol 2011;64:407-15: most of the information from studies with limitations)")
    link = rob_link(analysis, rob, t)
    if link is None:
        return DomainSuggestion("risk_of_bias", "not serious", 0, "no study carries weight in the analysis", rule,
                                {}, needs_review=True, prompt="Judge the risk of bias of the included studies.")
    per_study = [{"study": s["study"], "weight_percent": s["weight_percent"], "overall": s["counted_as"],
                  "judgement": s["judgement"], "assumed": s["assumed"]} for s in link.studies]
    inputs: dict[str, Any] = {
        "share_low": link.share_low, "share_some_concerns": link.share_some_concerns, "share_high": link.share_high,
        "share_not_low": link.share_not_low, "share_missing": link.share_missing, "studies": per_study,
        "missing": list(link.missing), "low_risk_studies": list(link.low_risk_studies)}
    reason = (f"{_pct(link.share_not_low)} of the weight comes from studies at some concerns or high risk of bias "
              f"(high risk: {_pct(link.share_high)}; some concerns: {_pct(link.share_some_concerns)}; "
              f"low risk: {_pct(link.share_low)})")
    if link.missing:
        n = len(link.missing)
        reason += f"; {n} stud{'y' if n == 1 else 'ies'} without a judgement counted as {t.rob_missing_as}"
    if sensitivity is not None:
        inputs["low_risk_sensitivity"] = sensitivity.to_dict()
        if link.share_not_low > 0:
            reason += f"; {sensitivity.text()}"
    prompt = ("Add risk-of-bias judgements for every study (review file: risk_of_bias = \"rob.csv\")."
              if link.missing else None)
    return DomainSuggestion("risk_of_bias", link.judgement, link.levels, reason, rule, inputs,
                            needs_review=bool(link.missing), prompt=prompt)

