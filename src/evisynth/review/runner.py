"""Run a review: every outcome's analyses, GRADE suggestions, rating and absolute effects.

>>> from evisynth.examples.data import example_path
>>> result = run_review(example_path("review.toml"))
>>> result.outcomes[0].certainty.label
'⊕⊕⊕◯ MODERATE'
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from evisynth._version import __version__
from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.errors import EvisynthError, InputError
from evisynth.files import input_record
from evisynth.grade.absolute import AbsoluteEffect, absolute_effect
from evisynth.grade.certainty import CertaintyRating, rate
from evisynth.grade.domains import suggest_all
from evisynth.grade.rob_domain import LowRiskSensitivity
from evisynth.grade.thresholds import Thresholds
from evisynth.io.tabular import StudyTable, read_study_table
from evisynth.review.file import OutcomeSpec, Review, load_review
from evisynth.review.rob_sensitivity import low_risk_sensitivity, outcome_assessments, read_review_rob
from evisynth.rob import Assessment, forest_rob


@dataclass(frozen=True)
class OutcomeResult:
    """Analyses and GRADE of one outcome.

    ``analysis`` is the outcome's main analysis (with the small-study tests when there are
    enough studies); ``regression`` the meta-regression on the outcome's moderators (its own
    settings); ``subgroups`` one analysis per subgroup variable; ``rob`` the risk-of-bias
    assessments that apply to this outcome (study → assessment) and ``rob_sensitivity`` the main
    analysis restricted to the studies at low risk of bias (``None`` when there is nothing to restrict).
    """

    spec: OutcomeSpec
    analysis: AnalysisBundle
    certainty: CertaintyRating
    absolute: AbsoluteEffect
    regression: AnalysisBundle | None = None
    subgroups: dict[str, AnalysisBundle] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    rob: dict[str, Assessment] = field(default_factory=dict)
    rob_sensitivity: LowRiskSensitivity | None = None

    @property
    def forest_rob(self) -> dict[str, dict[str, str]] | None:
        """``{study: {"D1": ..., "Overall": ...}}`` for the forest plot's RoB columns (``None`` without judgements)."""
        return forest_rob(self.rob.values(), self.spec.name) or None

    @property
    def k(self) -> int:
        return self.analysis.pooled.k

    @property
    def participants(self) -> int | None:
        return self.analysis.totals.participants

    @property
    def trials(self) -> int | None:
        """Distinct trials among the included comparisons (the table's ``trial`` column; a row without a
        trial id is a trial of its own), ``None`` when the table has no trial column: several comparisons
        of one multi-arm trial count as one study in "No. of participants (studies)"."""
        rows = [r for r in self.analysis.studies if r.included]
        if not any(r.moderators.get("trial_id") not in (None, "") for r in rows):
            return None
        ids = {str(r.moderators.get("trial_id")).strip() if r.moderators.get("trial_id") not in (None, "")
               else f"\x00{r.study}" for r in rows}
        return len(ids)

    @property
    def shared_trials(self) -> int | None:
        """:attr:`trials` when comparisons share trials (fewer trials than comparisons), else ``None``: where
        the SoF, summary and profile say "6 RCTs; 11 comparisons" rather than "11 RCTs"."""
        trials = self.trials
        return trials if trials is not None and trials < self.k else None

    @property
    def meta_regression(self) -> Any:
        """The meta-regression section (``None`` when there is none)."""
        return self.regression.meta_regression if self.regression else None

    def to_dict(self) -> dict[str, Any]:
        s = self.spec
        return {
            "name": s.name, "data": str(s.data), "measure": self.analysis.measure,
            "importance": s.importance, "lower_is_better": s.lower_is_better, "mid": s.mid,
            "follow_up": s.follow_up, "units": s.units, "study_design": s.study_design,
            "trials": self.trials, "analysis": self.analysis.to_dict(),
            "meta_regression": self.regression.to_dict()["meta_regression"] if self.regression else None,
            "subgroup_analyses": {col: {**b.to_dict()["subgroups"], "text": b.text.get("subgroup_difference")}
                                  for col, b in self.subgroups.items()},
            "certainty": self.certainty.to_dict(), "absolute": self.absolute.to_dict(),
            "warnings": list(self.warnings), "notes": list(self.notes),
            "risk_of_bias": {"judgements": {k: {**a.judgements(), "tool": a.tool} for k, a in self.rob.items()},
                             "low_risk_sensitivity": self.rob_sensitivity.to_dict() if self.rob_sensitivity else None},
        }


@dataclass(frozen=True)
class ReviewResult:
    """Everything :func:`run_review` computed, ready for the report layer."""

    review: Review
    outcomes: tuple[OutcomeResult, ...]
    rob: tuple[Assessment, ...] | None = None
    evisynth_version: str = __version__

    @property
    def thresholds(self) -> Thresholds:
        return self.review.thresholds

    @property
    def provenance(self) -> dict[str, Any]:
        """``evisynth_version``, ``settings`` (each outcome's analysis settings) and ``inputs`` (the review file,
        the study tables and the risk-of-bias file, each with its SHA-256 and size)."""
        r = self.review
        inputs: dict[str, dict[str, Any]] = {}
        for path in (r.path, r.risk_of_bias):
            if path is not None and Path(path).is_file():
                inputs.setdefault(str(path), input_record(path))
        for o in self.outcomes:
            for record in o.analysis.inputs:
                inputs.setdefault(str(record["path"]), dict(record))
        return {"evisynth_version": self.evisynth_version,
                "settings": {o.spec.name: o.analysis.spec.settings() for o in self.outcomes},
                "inputs": list(inputs.values())}

    def to_dict(self) -> dict[str, Any]:
        r = self.review
        return {
            "evisynth_version": self.evisynth_version, "review_file": str(r.path), "title": r.title,
            "population": r.population, "intervention": r.intervention, "comparison": r.comparison,
            "setting": r.setting, "study_design": r.study_design, "thresholds": r.thresholds.to_dict(),
            "outcomes": [o.to_dict() for o in self.outcomes], "provenance": self.provenance,
        }


class _Recorder:
    """Runs analyses, collecting their warnings and turning failures of optional parts into notes."""

    def __init__(self, table: StudyTable) -> None:
        self.table = table
        self.notes: list[str] = []
        self.caught: list[str] = []

    def run(self, spec: AnalysisSpec) -> AnalysisBundle:
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            bundle = run_analysis(self.table, spec)
        self.caught.extend(f"{w.category.__name__}: {w.message}" for w in rec)
        return bundle

    def optional(self, what: str, spec: AnalysisSpec) -> AnalysisBundle | None:
        """An optional analysis (meta-regression, subgroups, small-study tests); a failure becomes a note."""
        try:
            return self.run(spec)
        except EvisynthError as exc:
            self.notes.append(f"{what} not run: {exc}")
            return None


def run_outcome(o: OutcomeSpec, rob: tuple[Assessment, ...] | None, thresholds: Thresholds, *, bias: bool = False,
                sensitivity: bool = False, read: Callable[[Path], StudyTable] | None = None) -> OutcomeResult:
    """Analyse one outcome and rate its certainty.

    The small-study tests run when the outcome has at least ``thresholds.pb_min_studies``
    studies, or always with ``bias``; ``sensitivity`` adds leave-one-out, cumulative and
    influence analyses. ``read`` reads the outcome's study table (a caller's cache). ``rob`` are
    the review's risk-of-bias assessments: GRADE's risk-of-bias domain weighs them by the studies'
    weights and shows the analysis restricted to the studies at low risk next to it.
    """
    rec = _Recorder((read or _read)(o.data))
    entries = outcome_assessments(rob, o.name) if rob else None
    _check_rob_keys(rec.table, entries)
    if entries is not None:
        in_table = set(rec.table.study)
        entries = {study: a for study, a in entries.items() if study in in_table}
    analysis = rec.run(o.analysis)
    if bias or analysis.k >= thresholds.pb_min_studies:
        analysis = rec.optional("small-study tests", replace(analysis.spec, bias=True)) or analysis
    if sensitivity:
        analysis = rec.optional("sensitivity analyses", replace(analysis.spec, sensitivity=True)) or analysis
    regression = (rec.optional("meta-regression", replace(o.regression_spec, moderators=o.moderators))
                  if o.moderators else None)
    subgroups = {}
    for col in o.subgroups:
        sub = rec.optional(f"subgroup analysis by {col}", replace(o.analysis, subgroup=col))
        if sub is not None:
            subgroups[col] = sub
    meta_regression = regression.meta_regression if regression else None
    rob_sensitivity = low_risk_sensitivity(rec.table, analysis, entries, thresholds)
    suggestions = suggest_all(analysis, o, entries, thresholds, meta_regression=meta_regression,
                              rob_sensitivity=rob_sensitivity)
    certainty = rate(suggestions, o.overrides, o.study_design)
    unique = tuple(dict.fromkeys([*analysis.warnings, *rec.caught]))
    return OutcomeResult(o, analysis, certainty, absolute_effect(analysis, o), regression, subgroups, unique,
                         tuple(rec.notes), dict(entries or {}), rob_sensitivity)


def _check_rob_keys(table: StudyTable, entries: dict[str, Any] | None) -> None:
    """Risk-of-bias judgements are linked by study label: refuse labels that were duplicated."""
    if not entries or not table.original_labels:
        return
    for label in dict.fromkeys(x for x in table.original_labels if x):
        if label in entries:
            rows = [i + 1 for i, x in enumerate(table.original_labels) if x == label]
            raise InputError(
                f"study label '{label}' appears in rows {', '.join(map(str, rows))}; risk-of-bias judgements are "
                "linked by label, so each study needs its own (e.g. 'Smith 1992a' and 'Smith 1992b' in both files)",
                file=table.source)


def _read(path: Path) -> StudyTable:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_study_table(path)


def run_review(review: Review | str | Path, *, bias: bool = False, sensitivity: bool = False,
               read: Callable[[Path], StudyTable] | None = None) -> ReviewResult:
    """Run every outcome of a review (a :class:`Review` or the path of a review file).

    ``bias`` and ``sensitivity`` add those sections to every outcome's main analysis (see
    :func:`run_outcome`); ``read`` reads a study table (default: from its file).
    """
    if not isinstance(review, Review):
        review = load_review(review)
    rob = read_review_rob(review.risk_of_bias) if review.risk_of_bias else None
    outcomes = tuple(run_outcome(o, rob, review.thresholds, bias=bias, sensitivity=sensitivity, read=read)
                     for o in review.outcomes)
    return ReviewResult(review, outcomes, rob)
