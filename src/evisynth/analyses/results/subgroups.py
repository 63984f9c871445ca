"""Results of a subgroup analysis: one pooled result per level and the test for differences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evisynth.analyses.results._record import HIDDEN, Record


@dataclass(frozen=True)
class SubgroupGroup(Record):
    """One level of the subgroup variable.

    ``df`` is the degrees of freedom of the test of the subgroup's effect (``None`` for a z test):
    k - 1 of the subgroup under HKSJ for separate subgroups, the whole model's k - p under the
    common-τ² model. ``study_indices`` are 0-based rows of the study table; ``weights_percent`` (separate
    subgroups only) are the weights within the subgroup, aligned with ``study_indices``.
    """

    level: str
    k: int
    estimate: float | None
    se: float | None
    statistic: float | None
    df: float | None
    p_value: float | None
    ci_lower: float | None
    ci_upper: float | None
    tau2: float | None
    i2: float | None
    q: float | None
    q_df: int | None
    q_p: float | None
    study_indices: tuple[int, ...] = ()
    weights_percent: tuple[float | None, ...] | None = None
    log_scale: bool = field(default=False, metadata=HIDDEN, repr=False)

    _EXP_KEYS = ("estimate", "ci_lower", "ci_upper")

    def to_dict(self) -> dict[str, Any]:
        """As the analysis document writes it (no ``weights_percent`` for the common-τ² model)."""
        out = super().to_dict()
        if self.weights_percent is None:
            del out["weights_percent"]
        return out


@dataclass(frozen=True)
class SubgroupDifference(Record):
    """The test for subgroup differences.

    Separate subgroups: RevMan's Chi² test across the subgroup estimates. Common τ²: the
    omnibus test of the subgroup moderator (``test`` is ``chi2`` or ``F``) and that τ².
    """

    q: float | None
    df: int | None
    p_value: float | None
    i2: float | None
    test: str | None = None
    tau2: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """As the analysis document writes it (``test``/``tau2`` only for the common-τ² model)."""
        out = super().to_dict()
        if self.test is None:
            del out["test"], out["tau2"]
        return out


@dataclass(frozen=True)
class SubgroupAnalysis(Record):
    """A subgroup analysis by one variable (``model`` is ``separate`` or ``common``)."""

    _ROWS = "groups"

    variable: str
    model: str
    groups: tuple[SubgroupGroup, ...]
    difference: SubgroupDifference

    def group(self, level: str) -> SubgroupGroup:
        """The group of ``level`` (``KeyError`` if there is none)."""
        for g in self.groups:
            if g.level == level:
                return g
        raise KeyError(level)
