"""Every threshold behind evisynth's GRADE suggestions, in one place.

The defaults restate published rules of thumb (docs/methods.md §3.3); a review file may change
any of them in its ``[thresholds]`` table. Each suggestion records the thresholds it used,
so footnotes can say exactly which rule produced it.

Sources
-------
* Risk of bias: weight-of-evidence rule (Cochrane Handbook ch 14; SmartNMA GRADE tool:
  high-risk studies carrying > 50% / > 80% of the weight).
* Inconsistency: GRADE guidelines 7 (Guyatt 2011); I² bands of the Cochrane Handbook
  §10.10.2; prediction interval against no effect.
* Imprecision: GRADE guidelines 6 (Guyatt 2011): CI against no effect and appreciable
  benefit/harm (RR 0.75 / 1.25), optimal information size (α = 0.05, β = 0.20, RRR 25%);
  KCE process book: SMD 0.5 when no MID is known.
* Publication bias: small-study tests only with at least 10 studies (Handbook ch 13),
  Egger P < 0.10.
* Large effect: GRADE guidelines 9 (Guyatt 2011): RR > 2 or < 0.5 (+1), > 5 or < 0.2 (+2).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from evisynth.errors import InputError


@dataclass(frozen=True)
class Thresholds:
    """Thresholds for the GRADE suggestions (shares are fractions, I² in percent)."""

    # risk of bias: share of the analysis weight
    rob_not_low_serious: float = 0.5
    """serious when more than this share of the weight comes from studies not at low risk."""
    rob_high_very_serious: float = 0.8
    """very serious when more than this share of the weight comes from studies at high risk."""
    rob_missing_as: str = "some concerns"
    """judgement assumed for a study without a risk-of-bias row."""

    # inconsistency
    i2_serious: float = 50.0
    """above this I² (%), serious when the prediction interval or the study estimates cross no effect."""
    i2_always_serious: float = 75.0
    """above this I² (%), serious whatever the direction of the estimates."""
    i2_very_serious: float = 90.0
    """above this I² (%) with study estimates on both sides of no effect, very serious."""

    # imprecision
    imprecision_target: str = "null"
    """``null`` (non-contextualised: the CI against no effect, then the thresholds) or ``mid`` (minimally
    contextualised, GRADE Guidance 34: a CI crossing any threshold, including the MID when it excludes no
    effect, is serious)."""
    appreciable_benefit_ratio: float = 0.75
    """ratio (RR, OR) of appreciable benefit used when no MID is given (harm: its reciprocal 1.25 by default)."""
    appreciable_harm_ratio: float = 1.25
    smd_mid: float = 0.5
    """MID on the SMD scale (and in SD units for MD outcomes without an MID)."""
    ois_rrr: float = 0.25
    """relative risk reduction behind the optimal information size of dichotomous outcomes."""
    ois_alpha: float = 0.05
    ois_power: float = 0.80

    # publication bias
    pb_min_studies: int = 10
    pb_p: float = 0.10

    # upgrades
    large_effect: float = 2.0
    very_large_effect: float = 5.0
    dose_response_p: float = 0.05

    def to_dict(self) -> dict[str, Any]:
        """Plain values (for the GRADE profile JSON)."""
        return asdict(self)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], *, where: str = "[thresholds]") -> Thresholds:
        """Build from a mapping such as the review file's ``[thresholds]`` table, refusing unknown keys."""
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise InputError(f"{where}: unknown threshold {key!r}; known: {', '.join(sorted(known))}")
            default = getattr(cls(), key)
            if isinstance(default, str):
                allowed = _CHOICES[key]
                if value not in allowed:
                    raise InputError(f"{where}: {key} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InputError(f"{where}: {key} must be a number; got {value!r}")
            elif value <= 0:
                raise InputError(f"{where}: {key} must be positive; got {value!r}")
            kwargs[key] = type(default)(value) if not isinstance(default, str) else value
        t = cls(**kwargs)
        for key in ("rob_not_low_serious", "rob_high_very_serious", "ois_alpha", "ois_power", "pb_p", "dose_response_p"):
            if not 0 < getattr(t, key) < 1:
                raise InputError(f"{where}: {key} must be a fraction between 0 and 1; got {getattr(t, key)!r}")
        if not t.i2_serious <= t.i2_always_serious <= t.i2_very_serious <= 100:
            raise InputError(f"{where}: need i2_serious <= i2_always_serious <= i2_very_serious <= 100")
        if not t.appreciable_benefit_ratio < 1 < t.appreciable_harm_ratio:
            raise InputError(f"{where}: need appreciable_benefit_ratio < 1 < appreciable_harm_ratio")
        return t


_CHOICES = {"rob_missing_as": ("low", "some concerns", "high"), "imprecision_target": ("null", "mid")}

DEFAULT_THRESHOLDS = Thresholds()
