"""Results of a meta-regression: coefficients, omnibus tests, R², permutation P values, predictions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evisynth.analyses.results._record import HIDDEN, Record


@dataclass(frozen=True)
class ModeratorTerm(Record):
    """A moderator as it entered the model (categorical ones with their levels, reference first)."""

    column: str
    type: str
    levels: tuple[str, ...] | None = None
    reference: str | None = None

    @property
    def categorical(self) -> bool:
        return self.type == "categorical"

    def to_dict(self) -> dict[str, Any]:
        """``levels``/``reference`` only for categorical moderators."""
        out = super().to_dict()
        if not self.categorical:
            del out["levels"], out["reference"]
        return out


@dataclass(frozen=True)
class Coefficient(Record):
    """One model coefficient (``intercept``, ``COLUMN`` or ``COLUMN_LEVEL``)."""

    name: str
    estimate: float | None
    se: float | None
    statistic: float | None
    p_value: float | None
    ci_lower: float | None
    ci_upper: float | None
    log_scale: bool = field(default=False, metadata=HIDDEN, repr=False)

    _EXP_KEYS = ("estimate", "ci_lower", "ci_upper")


@dataclass(frozen=True)
class Prediction(Record):
    """The predicted effect at given moderator values (``at``), as ``predict.rma(newmods=...)``."""

    at: dict[str, Any]
    estimate: float | None
    se: float | None
    ci_lower: float | None
    ci_upper: float | None
    pi_lower: float | None
    pi_upper: float | None
    log_scale: bool = field(default=False, metadata=HIDDEN, repr=False)

    _EXP_KEYS = ("estimate", "ci_lower", "ci_upper", "pi_lower", "pi_upper")


@dataclass(frozen=True)
class PermutationInfo(Record):
    """How the permutation test was run."""

    iterations: int
    exact: bool
    seed: int


@dataclass(frozen=True)
class MetaRegression(Record):
    """A (mixed-effects) meta-regression; see :mod:`evisynth.analyses.meta_regression`."""

    _ROWS = "coefficients"

    k: int
    omitted: tuple[str, ...]
    moderators: tuple[ModeratorTerm, ...]
    coefficients: tuple[Coefficient, ...]
    qm: float | None
    qm_df: int
    qm_df2: int | None
    qm_p: float | None
    qm_test: str
    df: int | None
    qe: float | None
    qe_df: int
    qe_p: float | None
    tau2: float | None
    tau2_se: float | None
    i2: float | None
    h2: float | None
    r2: float | None
    model: str
    method: str
    test: str
    level: float
    converged: bool
    permutation_p: tuple[float | None, ...] | None = None
    permutation_qm_p: float | None = None
    permutations: PermutationInfo | None = None
    predictions: tuple[Prediction, ...] = ()
    note: str | None = None

    def coefficient(self, name: str) -> Coefficient:
        """The coefficient called ``name`` (``KeyError`` if there is none)."""
        for c in self.coefficients:
            if c.name == name:
                return c
        raise KeyError(name)
