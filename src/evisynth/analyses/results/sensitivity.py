"""Results of the sensitivity analyses: leave-one-out, cumulative and influence diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evisynth.analyses.results._record import HIDDEN, Record


@dataclass(frozen=True)
class LeaveOneOutRow(Record):
    """The analysis with the study ``omitted`` left out."""

    omitted: str
    k: int | None
    estimate: float | None
    se: float | None
    statistic: float | None
    ci_lower: float | None
    ci_upper: float | None
    p_value: float | None
    tau2: float | None
    i2: float | None
    h2: float | None
    q: float | None
    q_p: float | None
    log_scale: bool = field(default=False, metadata=HIDDEN, repr=False)

    _EXP_KEYS = ("estimate", "ci_lower", "ci_upper")


@dataclass(frozen=True)
class CumulativeRow(Record):
    """The analysis of every study up to and including ``added``."""

    added: str
    k: int | None
    estimate: float | None
    se: float | None
    statistic: float | None
    ci_lower: float | None
    ci_upper: float | None
    p_value: float | None
    tau2: float | None
    i2: float | None
    h2: float | None
    q: float | None
    q_p: float | None
    log_scale: bool = field(default=False, metadata=HIDDEN, repr=False)

    _EXP_KEYS = ("estimate", "ci_lower", "ci_upper")


@dataclass(frozen=True)
class InfluenceRow(Record):
    """Case-deletion diagnostics of one study (metafor ``influence.rma.uni``)."""

    study: str
    rstudent: float | None
    dffits: float | None
    cook_d: float | None
    cov_r: float | None
    tau2_deleted: float | None
    q_deleted: float | None
    hat: float | None
    weight_percent: float | None
    dfbetas: float | None
    influential: bool


@dataclass(frozen=True)
class Sensitivity(Record):
    """Leave-one-out and cumulative analyses and influence diagnostics (``None`` for MH/Peto)."""

    _ROWS = "leave_one_out"

    leave_one_out: tuple[LeaveOneOutRow, ...]
    cumulative: tuple[CumulativeRow, ...]
    order: str | None = None
    influence: tuple[InfluenceRow, ...] | None = None
    influence_note: str | None = None

    def to_frame(self, which: str = "leave_one_out") -> Any:
        """One of the analyses as a DataFrame: ``leave_one_out`` (default), ``cumulative`` or ``influence``."""
        import pandas as pd

        if which not in ("leave_one_out", "cumulative", "influence"):
            raise ValueError(f"which must be 'leave_one_out', 'cumulative' or 'influence'; got {which!r}")
        return pd.DataFrame([r.to_dict() for r in getattr(self, which) or ()])
