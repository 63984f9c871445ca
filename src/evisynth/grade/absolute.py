"""Anticipated absolute effects for the summary-of-findings table (docs/methods.md §3.2).

Dichotomous outcomes: the assumed comparator risk (ACR) is the review file's
``assumed_control_risk`` or, as GRADEpro's "study population" default, the pooled control
risk Σ control events / Σ control participants. The corresponding intervention risk is
``ACR·RR`` (RR), ``ACR·OR / (1 − ACR + ACR·OR)`` (OR, Peto OR) or ``ACR + RD`` (RD); its CI
applies the same transform to the CI of the relative effect. Continuous outcomes report the
mean difference (with the comparator mean when known) or the SMD.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.grade.judgements import GradeOutcome


@dataclass(frozen=True)
class AbsoluteEffect:
    """Absolute effects of one outcome; risks are proportions, differences per ``per`` people."""

    kind: str  # "dichotomous", "continuous", "smd" or "none"
    per: int = 1000
    acr: float | None = None
    acr_source: str | None = None
    risk: float | None = None
    risk_lower: float | None = None
    risk_upper: float | None = None
    control_mean: float | None = None
    control_mean_source: str | None = None

    def per_n(self, value: float | None) -> float | None:
        return None if value is None else value * self.per

    @property
    def difference(self) -> tuple[float, float, float] | None:
        """Risk difference per ``per`` (estimate, lower, upper)."""
        if (self.kind != "dichotomous" or self.acr is None or self.risk is None
                or self.risk_lower is None or self.risk_upper is None):
            return None
        lo, hi = sorted((self.risk_lower, self.risk_upper))
        return ((self.risk - self.acr) * self.per, (lo - self.acr) * self.per, (hi - self.acr) * self.per)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        diff = self.difference
        if diff:
            d.update(difference=diff[0], difference_lower=diff[1], difference_upper=diff[2])
        for key in ("acr", "risk", "risk_lower", "risk_upper"):
            if d[key] is not None:
                d[f"{key}_per"] = d[key] * self.per
        return d


def corresponding_risk(acr: float, measure: str, value: float) -> float:
    """Intervention risk for assumed control risk ``acr`` and a relative effect on the display scale."""
    if measure == "RR":
        return min(1.0, acr * value)
    if measure in ("OR", "PETO"):
        return acr * value / (1 - acr + acr * value)
    if measure == "RD":
        return min(1.0, max(0.0, acr + value))
    raise ValueError(f"no absolute effect for measure {measure}")


def absolute_effect(analysis: AnalysisBundle, outcome: GradeOutcome) -> AbsoluteEffect:
    """Absolute effects for the SoF table, from the analysis and the outcome's settings."""
    measure = analysis.measure
    totals = analysis.totals
    p = analysis.pooled
    source: str | None
    if measure in ("OR", "RR", "PETO", "RD") and totals.events2 is not None:
        if outcome.assumed_control_risk is not None:
            acr, source = outcome.assumed_control_risk, "assumed (review file)"
        elif totals.n2:
            acr, source = totals.events2 / totals.n2, "control groups of the included studies"
        else:
            return AbsoluteEffect("none", outcome.per)
        if p.estimate is None or p.ci_lower is None or p.ci_upper is None:
            return AbsoluteEffect("none", outcome.per)
        if measure == "RD":
            est, lo, hi = p.estimate, p.ci_lower, p.ci_upper
        else:
            est, lo, hi = (math.exp(x) for x in (p.estimate, p.ci_lower, p.ci_upper))
        return AbsoluteEffect("dichotomous", outcome.per, acr, source, corresponding_risk(acr, measure, est),
                              corresponding_risk(acr, measure, lo), corresponding_risk(acr, measure, hi))
    if measure == "MD":
        mean, source = outcome.control_mean, "review file" if outcome.control_mean is not None else None
        if mean is None:
            num = den = 0.0
            for s in analysis.included:
                m2, n2 = s.data.get("m2"), s.data.get("n2")
                if m2 is not None and n2:
                    num += m2 * n2
                    den += n2
            if den:
                mean, source = num / den, "control groups of the included studies"
        return AbsoluteEffect("continuous", outcome.per, control_mean=mean, control_mean_source=source)
    if measure == "SMD":
        return AbsoluteEffect("smd", outcome.per)
    return AbsoluteEffect("none", outcome.per)
