"""Results of the small-study and publication-bias analyses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evisynth.analyses.results._record import HIDDEN, Record


@dataclass(frozen=True)
class EggerTest(Record):
    """Egger's regression test (classical weighted regression of y on its SE, metafor ``regtest(model="lm")``)."""

    statistic: float | None
    df: int | None
    p_value: float | None
    bias: float | None
    bias_se: float | None
    limit_estimate: float | None
    limit_ci_lower: float | None
    limit_ci_upper: float | None


@dataclass(frozen=True)
class EggerMixed(Record):
    """The mixed-effects Egger test (metafor ``regtest(model="rma")``); ``test`` is ``z`` or ``t``."""

    statistic: float | None
    df: int | None
    p_value: float | None
    bias: float | None
    bias_se: float | None
    test: str
    limit_estimate: float | None
    limit_ci_lower: float | None
    limit_ci_upper: float | None


@dataclass(frozen=True)
class BeggTest(Record):
    """Begg and Mazumdar's rank correlation test (Kendall's τ; exact P for small k)."""

    kendall_tau: float | None
    p_value: float | None
    exact: bool
    statistic: float | None


@dataclass(frozen=True)
class FilledStudy(Record):
    """A study imputed by trim-and-fill (analysis scale)."""

    yi: float | None
    vi: float | None


@dataclass(frozen=True)
class TrimAndFill(Record):
    """Trim-and-fill (Duval & Tweedie 2000) as metafor's ``trimfill``."""

    k0: int
    k0_se: float | None
    side: str
    estimator: str
    p_k0: float | None
    k: int
    estimate: float | None
    se: float | None
    statistic: float | None
    ci_lower: float | None
    ci_upper: float | None
    p_value: float | None
    tau2: float | None
    test: str
    level: float
    filled: tuple[FilledStudy, ...] = ()
    log_scale: bool = field(default=False, metadata=HIDDEN, repr=False)

    _EXP_KEYS = ("estimate", "ci_lower", "ci_upper")


@dataclass(frozen=True)
class FailSafeN(Record):
    """Fail-safe N of Rosenthal, Orwin and Rosenberg (``None`` where undefined)."""

    rosenthal: int | None
    rosenthal_p: float | None
    orwin: int | None
    orwin_mean: float | None
    orwin_target: float | None
    rosenberg: int | None
    rosenberg_p: float | None
    alpha: float


@dataclass(frozen=True)
class PublicationBias(Record):
    """Egger's tests, Begg's test, trim-and-fill and fail-safe N of one analysis."""

    k: int
    model: str
    method: str
    test: str
    egger: EggerTest
    egger_mixed: EggerMixed
    begg: BeggTest
    trim_and_fill: TrimAndFill | None
    fail_safe_n: FailSafeN
    note: str | None = None
    pooled_estimate: float | None = None

    def frame_rows(self) -> list[dict[str, Any]]:
        """One row per method (Egger, mixed-effects Egger, Begg, trim-and-fill, fail-safe N)."""
        rows: list[dict[str, Any]] = [
            {"method": "Egger", **self.egger.to_dict()},
            {"method": "Egger (mixed-effects)", **self.egger_mixed.to_dict()},
            {"method": "Begg", **self.begg.to_dict()},
        ]
        if self.trim_and_fill is not None:
            tf = {k: v for k, v in self.trim_and_fill.to_dict().items() if k != "filled"}
            rows.append({"method": "Trim-and-fill", **tf})
        fs = self.fail_safe_n
        rows += [{"method": "Fail-safe N (Rosenthal)", "value": fs.rosenthal, "p_value": fs.rosenthal_p},
                 {"method": "Fail-safe N (Orwin)", "value": fs.orwin},
                 {"method": "Fail-safe N (Rosenberg)", "value": fs.rosenberg, "p_value": fs.rosenberg_p}]
        return rows
