"""Results of the main analysis: the study rows, the pooled estimate, heterogeneity, totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evisynth.analyses.results._record import HIDDEN, Record


@dataclass(frozen=True)
class StudyRow(Record):
    """One input row: its effect on the analysis scale, CI, weight and arm data.

    ``weight_percent`` is ``None`` for a study not in the analysis (``included`` false, with the
    reason in ``note``). ``data`` holds the arm-level columns as entered, ``moderators`` the other
    columns (subgroup variables and moderators). ``decimals`` gives the decimals each entered
    arm-level value was written with (``"14.0"`` → 1) and ``derived`` the arm-level columns whose
    value evisynth derived (an SD from a standard error, a split shared control group, ...; how is
    in ``note``): displays write entered values as entered and mark derived ones.
    """

    study: str
    yi: float | None
    vi: float | None
    se: float | None
    ci_lower: float | None
    ci_upper: float | None
    weight_percent: float | None
    included: bool
    note: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    moderators: dict[str, Any] = field(default_factory=dict)
    decimals: dict[str, int] = field(default_factory=dict)
    derived: tuple[str, ...] = ()
    log_scale: bool = field(default=False, metadata=HIDDEN, repr=False)

    _EXP_KEYS = ("yi", "ci_lower", "ci_upper")
    _EXP_AFTER = "note"

    @property
    def estimable(self) -> bool:
        """Whether the study has a finite effect and variance."""
        return self.yi is not None and self.vi is not None


@dataclass(frozen=True)
class Pooled(Record):
    """The pooled estimate with its test, confidence and prediction intervals.

    ``pi_lower``/``pi_upper`` is metafor's default prediction interval (z, or t with k-1 df under
    HKSJ); ``pi_lower_t``/``pi_upper_t`` the t interval with k-2 df (Higgins, Thompson &
    Spiegelhalter 2009; Cochrane Handbook 10.10.4.3), ``None`` for k < 3 and for common-effect
    models. Every display (terminal, report, forest plot) shows :meth:`prediction_interval`.
    """

    k: int
    estimate: float | None
    se: float | None
    statistic: float | None
    df: float | None
    p_value: float | None
    ci_lower: float | None
    ci_upper: float | None
    pi_lower: float | None
    pi_upper: float | None
    pi_lower_t: float | None
    pi_upper_t: float | None
    model: str
    method: str
    test: str
    level: float
    converged: bool
    log_scale: bool = field(default=False, metadata=HIDDEN, repr=False)

    _EXP_KEYS = ("estimate", "ci_lower", "ci_upper", "pi_lower", "pi_upper", "pi_lower_t", "pi_upper_t")
    _EXP_AFTER = "pi_upper_t"

    def prediction_interval(self) -> tuple[float | None, float | None]:
        """The prediction interval every display shows: the t interval with k-2 df.

        It is the interval the Cochrane Handbook (10.10.4.3) and RevMan Web report; it is
        ``(None, None)`` when it is undefined (k < 3 or a common-effect model). The multilevel
        model and cluster-robust inference have metafor's interval only (``pi_lower``/``pi_upper``).
        """
        if self.model == "multilevel" or self.test == "CR2":
            return self.pi_lower, self.pi_upper
        return self.pi_lower_t, self.pi_upper_t

    @property
    def random(self) -> bool:
        """Whether the model is random effects (the three-level model included)."""
        return self.model in ("random", "multilevel")

    def analysis_label(self) -> str:
        """RevMan's name of the analysis: ``IV, Random, 95% CI``, ``M-H, Fixed, 95% CI``, ``M-H, Random, 95% CI``
        (``IV, Random (three-level), 95% CI`` for the multilevel model)."""
        weights = {"MH": "M-H", "PETO": "Peto"}.get(self.method, "IV")
        level = round(100 * self.level) if round(100 * self.level, 6) == round(100 * self.level) else 100 * self.level
        model = "Random (three-level)" if self.model == "multilevel" else "Random" if self.random else "Fixed"
        return f"{weights}, {model}, {level:g}% CI"


@dataclass(frozen=True)
class Heterogeneity(Record):
    """τ², τ, I², H² with their Q-profile intervals, and Cochran's Q.

    ``tau2_ci_upper_censored`` is true when the upper τ² limit is reported at the search
    bound (read it as ">").
    """

    tau2: float | None
    tau2_se: float | None
    tau2_ci_lower: float | None
    tau2_ci_upper: float | None
    tau: float | None
    tau_ci_lower: float | None
    tau_ci_upper: float | None
    i2: float | None
    i2_ci_lower: float | None
    i2_ci_upper: float | None
    h2: float | None
    h2_ci_lower: float | None
    h2_ci_upper: float | None
    q: float | None
    q_df: int | None
    q_p: float | None
    tau2_ci_upper_censored: bool = False
    sigma2_cluster: float | None = None
    sigma2_within: float | None = None


@dataclass(frozen=True)
class Totals(Record):
    """Participants (and events) per arm over the included studies (absent keys: no such data)."""

    n1: int | None = None
    n2: int | None = None
    participants: int | None = None
    events1: int | None = None
    events2: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Only the totals the data have (no ``null`` keys), as the analysis document writes them."""
        return {k: v for k, v in super().to_dict().items() if v is not None}
