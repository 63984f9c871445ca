"""What a review file describes: the review, its outcomes and earlier evidence (parsed by :mod:`evisynth.review.file`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evisynth.analyses.spec import AnalysisSpec
from evisynth.grade.judgements import Override
from evisynth.grade.thresholds import Thresholds


@dataclass(frozen=True)
class PriorEvidence:
    """A pooled estimate from an earlier review, for "how this fits prior evidence"."""

    source: str
    estimate: float
    ci_lower: float | None = None
    ci_upper: float | None = None
    measure: str | None = None
    studies: int | None = None
    participants: int | None = None


@dataclass(frozen=True)
class OutcomeSpec:
    """One outcome of the review file.

    ``analysis`` holds the outcome's analysis settings, validated once when the file is read;
    ``regression`` the settings of its meta-regressions (``regression_method``/``regression_test``
    of the review file, the outcome's own settings by default).
    """

    name: str
    data: Path
    analysis: AnalysisSpec = field(default_factory=AnalysisSpec)
    regression: AnalysisSpec | None = None
    lower_is_better: bool = True
    importance: str = "critical"
    mid: float | None = None
    assumed_control_risk: float | None = None
    control_mean: float | None = None
    follow_up: str | None = None
    units: str | None = None
    subgroups: tuple[str, ...] = ()
    moderators: tuple[str, ...] = ()
    dose_moderator: str | None = None
    dose_units: str | None = None
    study_design: str = "randomised"
    prior: PriorEvidence | None = None
    overrides: dict[str, Override] = field(default_factory=dict)
    comments: str | None = None
    noun: str | None = None
    per: int = 1000
    line: int | None = None

    @property
    def measure(self) -> str | None:
        """The effect measure the review file names (``None``: decided by the data)."""
        return self.analysis.measure

    @property
    def regression_spec(self) -> AnalysisSpec:
        """Settings of the outcome's meta-regressions."""
        return self.regression or self.analysis

    @property
    def phrase(self) -> str:
        """The outcome as used inside a sentence ("pain", "all-cause mortality")."""
        if self.noun:
            return self.noun
        return self.name[:1].lower() + self.name[1:] if not self.name[:2].isupper() else self.name


@dataclass(frozen=True)
class Review:
    """A loaded, validated review file."""

    path: Path
    title: str
    population: str
    intervention: str
    comparison: str
    outcomes: tuple[OutcomeSpec, ...]
    setting: str | None = None
    study_design: str = "randomised"
    risk_of_bias: Path | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    authors: str | None = None
    date: str | None = None
    search_date: str | None = None

    @property
    def base_dir(self) -> Path:
        return self.path.parent
