"""From per-study risk-of-bias judgements and meta-analysis weights to GRADE's risk-of-bias domain.

:func:`grade_risk_of_bias` is a pure function: the share of the analysis weight that comes from
studies at low risk, with some concerns and at high risk of bias, a proposed GRADE rating for the
risk-of-bias domain with the numbers and thresholds behind it, and the studies at low risk for a
"restricted to low risk of bias" sensitivity analysis.

Rule and thresholds (defaults; both are arguments):

* **serious** (rate down one level) when more than ``serious_share`` = 50% of the weight comes
  from studies not at low risk (some concerns or high): "most information" is then not from
  studies at low risk (Cochrane Handbook 5.1, table 12.2.d; GRADE guidelines 4, Guyatt et al.
  J Clin Epidemiol 2011;64:407-15, which rates down when most of the evidence is from studies with
  serious limitations);
* **very serious** (two levels) when more than ``very_serious_share`` = 80% of the weight comes
  from studies at high risk (crucial limitations in nearly all the information);
* otherwise **not serious**.

These are the thresholds evisynth's GRADE suggestions already use (``grade.thresholds``:
``rob_not_low_serious``, ``rob_high_very_serious``). A proposal, not a verdict: GRADE asks the
panel to judge whether the bias plausibly changes the conclusion, which is what the sensitivity
analysis restricted to the low-risk studies informs.

Other tools are mapped to RoB 2's three levels: RoB 1 unclear and ROBINS-I moderate or no
information count as "some concerns"; ROBINS-I serious and critical count as "high".

Examples
--------
>>> link = grade_risk_of_bias({"A": "low", "B": "high", "C": "some concerns"}, {"A": 30, "B": 60, "C": 10})
>>> link.judgement, round(link.share_high, 2), link.low_risk_studies
('serious', 0.6, ('A',))
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evisynth.errors import InputError
from evisynth.format import sentence

_AS_ROB2 = {
    "low": "low", "some concerns": "some concerns", "high": "high", "unclear": "some concerns",
    "moderate": "some concerns", "serious": "high", "critical": "high", "no information": "some concerns",
}


@dataclass(frozen=True)
class RobGradeLink:
    """The weight shares by overall risk of bias and the proposed GRADE risk-of-bias rating."""

    judgement: str                      # not serious | serious | very serious
    levels: int                         # 0, -1, -2
    share_low: float                    # fractions of the total weight (0..1)
    share_some_concerns: float
    share_high: float
    share_missing: float
    low_risk_studies: tuple[str, ...]
    missing: tuple[str, ...]
    studies: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    serious_share: float = 0.5
    very_serious_share: float = 0.8
    missing_as: str = "some concerns"

    @property
    def share_not_low(self) -> float:
        return self.share_some_concerns + self.share_high

    @property
    def rule(self) -> str:
        return (f"very serious if more than {self.very_serious_share:.0%} of the weight is from studies at high risk "
                f"of bias; serious if more than {self.serious_share:.0%} is from studies with some concerns or at "
                "high risk; otherwise not serious")

    @property
    def reason(self) -> str:
        text = (f"{self.share_not_low:.0%} of the weight comes from studies with some concerns or at high risk of bias "
                f"(high risk: {self.share_high:.0%}; low risk: {self.share_low:.0%})")
        if self.missing:
            text += (f"; {len(self.missing)} stud{'y' if len(self.missing) == 1 else 'ies'} without a judgement "
                     f"counted as {self.missing_as}")
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"judgement": self.judgement, "levels": self.levels, "share_low": self.share_low,
                "share_some_concerns": self.share_some_concerns, "share_high": self.share_high,
                "share_not_low": self.share_not_low, "share_missing": self.share_missing,
                "low_risk_studies": list(self.low_risk_studies), "missing": list(self.missing),
                "studies": [dict(s) for s in self.studies], "rule": self.rule, "reason": self.reason,
                "thresholds": {"serious_share": self.serious_share, "very_serious_share": self.very_serious_share,
                               "missing_as": self.missing_as}}

    def summary(self) -> str:
        return f"Risk of bias: {self.judgement} ({self.levels}). {sentence(self.reason)} Rule: {sentence(self.rule)}"


def grade_risk_of_bias(
    judgements: Mapping[str, str | None],
    weights: Mapping[str, float],
    *,
    serious_share: float = 0.5,
    very_serious_share: float = 0.8,
    missing_as: str = "some concerns",
) -> RobGradeLink:
    """Weight shares by overall judgement and the proposed GRADE risk-of-bias rating.

    Parameters
    ----------
    judgements : mapping
        Study → overall judgement (any tool's scale; ``None`` or absent = not judged).
    weights : mapping
        Study → its weight in the meta-analysis, in percent (``studies[*].weight_percent`` of the
        analysis document); studies with zero or no weight are ignored.
    serious_share, very_serious_share : float
        Thresholds as fractions (see the module docstring).
    missing_as : {"low", "some concerns", "high"}
        How a weighted study without a judgement is counted (it is listed in ``missing``).
    """
    if missing_as not in ("low", "some concerns", "high"):
        raise InputError(f"missing_as must be low, some concerns or high; got {missing_as!r}")
    if not (0 < serious_share < 1 and 0 < very_serious_share < 1):
        raise InputError("serious_share and very_serious_share must be fractions between 0 and 1")
    rows = []
    for study, w in weights.items():
        if w is None or isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0:
            raise InputError(f"the weight of study {study!r} must be a non-negative number (percent); got {w!r}")
        if w > 0:
            rows.append((study, float(w)))
    total = sum(w for _, w in rows)
    if total <= 0:
        raise InputError("no study has a positive weight")
    shares = {"low": 0.0, "some concerns": 0.0, "high": 0.0}
    missing: list[str] = []
    per_study = []
    missing_share = 0.0
    for study, w in rows:
        raw = judgements.get(study)
        level = _AS_ROB2.get(str(raw).strip().lower()) if raw else None
        if raw and level is None:
            raise InputError(f"unknown judgement {raw!r} for study {study!r}")
        assumed = level is None
        if level is None:
            missing.append(study)
            missing_share += w / total
            level = missing_as
        shares[level] += w / total
        per_study.append({"study": study, "weight_percent": w, "judgement": raw, "counted_as": level,
                          "assumed": assumed})
    if shares["high"] > very_serious_share:
        judgement, levels = "very serious", -2
    elif shares["some concerns"] + shares["high"] > serious_share:
        judgement, levels = "serious", -1
    else:
        judgement, levels = "not serious", 0
    low = tuple(str(s["study"]) for s in per_study if s["counted_as"] == "low" and not s["assumed"])
    return RobGradeLink(judgement, levels, shares["low"], shares["some concerns"], shares["high"], missing_share,
                        low, tuple(missing), tuple(per_study), serious_share, very_serious_share, missing_as)
