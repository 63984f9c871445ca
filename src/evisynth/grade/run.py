"""Run a review: every outcome's analyses, GRADE suggestions, rating and absolute effects.

>>> from evisynth.grade.review import load_review          # doctest: +SKIP
>>> result = run_review(load_review("review.toml"))        # doctest: +SKIP
>>> result.outcomes[0].certainty.label                     # doctest: +SKIP
'⊕⊕⊕◯ MODERATE'
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from evisynth._version import __version__
from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.errors import EvisynthError
from evisynth.grade.absolute import AbsoluteEffect, absolute_effect
from evisynth.grade.certainty import CertaintyRating, rate
from evisynth.grade.domains import suggest_all
from evisynth.grade.review import OutcomeSpec, Review, load_review
from evisynth.grade.rob import RobTable, read_rob
from evisynth.grade.thresholds import Thresholds


@dataclass(frozen=True)
class OutcomeResult:
    """Analyses and GRADE of one outcome."""

    spec: OutcomeSpec
    analysis: dict[str, Any]
    certainty: CertaintyRating
    absolute: AbsoluteEffect
    subgroups: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def k(self) -> int:
        return int(self.analysis["pooled"]["k"])

    @property
    def participants(self) -> int | None:
        return self.analysis.get("totals", {}).get("participants")

    def to_dict(self) -> dict[str, Any]:
        s = self.spec
        return {
            "name": s.name, "data": str(s.data), "measure": self.analysis["measure"],
            "importance": s.importance, "lower_is_better": s.lower_is_better, "mid": s.mid,
            "follow_up": s.follow_up, "units": s.units, "study_design": s.study_design,
            "analysis": self.analysis, "subgroup_analyses": self.subgroups, "certainty": self.certainty.to_dict(),
            "absolute": self.absolute.to_dict(), "warnings": list(self.warnings), "notes": list(self.notes),
        }


@dataclass(frozen=True)
class ReviewResult:
    """Everything :func:`run_review` computed, ready for the report layer."""

    review: Review
    outcomes: tuple[OutcomeResult, ...]
    rob: RobTable | None = None
    evisynth_version: str = __version__

    @property
    def thresholds(self) -> Thresholds:
        return self.review.thresholds

    def to_dict(self) -> dict[str, Any]:
        r = self.review
        return {
            "evisynth_version": self.evisynth_version, "review_file": str(r.path), "title": r.title,
            "population": r.population, "intervention": r.intervention, "comparison": r.comparison,
            "setting": r.setting, "study_design": r.study_design, "thresholds": r.thresholds.to_dict(),
            "outcomes": [o.to_dict() for o in self.outcomes],
        }


def _spec(o: OutcomeSpec, **extra: Any) -> AnalysisSpec:
    return AnalysisSpec(measure=o.measure, model=o.model, method=o.method, test=o.test, level=o.level,
                        smd_variance=o.smd_variance, **extra)


def _optional(o: OutcomeSpec, base: AnalysisSpec, notes: list[str], caught: list[str], what: str,
              **extra: Any) -> dict[str, Any] | None:
    """Run an optional analysis (meta-regression, small-study tests); failures become notes, not errors."""
    try:
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            doc = run_analysis(o.data, replace(base, **extra)).to_dict()
        caught.extend(f"{w.category.__name__}: {w.message}" for w in rec)
        return doc
    except ImportError:
        notes.append(f"{what} not available in this version of evisynth")
    except EvisynthError as exc:
        notes.append(f"{what} not run: {exc}")
    return None


def run_outcome(o: OutcomeSpec, rob: RobTable | None, thresholds: Thresholds) -> OutcomeResult:
    """Analyse one outcome and rate its certainty."""
    notes: list[str] = []
    caught: list[str] = []
    base = _spec(o)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        doc = run_analysis(o.data, base).to_dict()
    caught.extend(f"{w.category.__name__}: {w.message}" for w in rec)
    k = int(doc["pooled"]["k"])
    if o.moderators:
        reg: dict[str, Any] = {}
        if o.regression_method:
            reg.update(method=o.regression_method, model=None if o.regression_method in ("IV", "MH", "PETO") else "random")
        if o.regression_test:
            reg["test"] = o.regression_test
        mr = _optional(o, base, notes, caught, "meta-regression", moderators=o.moderators, **reg)
        if mr and mr.get("meta_regression") is not None:
            doc["meta_regression"] = mr["meta_regression"]
    if k >= thresholds.pb_min_studies:
        pb = _optional(o, base, notes, caught, "small-study tests", bias=True)
        if pb and pb.get("publication_bias") is not None:
            doc["publication_bias"] = pb["publication_bias"]
    subgroups: dict[str, dict[str, Any]] = {}
    for col in o.subgroups:
        sg = _optional(o, base, notes, caught, f"subgroup analysis by {col}", subgroup=col)
        if sg and sg.get("subgroups") is not None:
            subgroups[col] = {**sg["subgroups"], "text": sg["text"].get("subgroup_difference")}
    entries = rob.for_outcome(o.name) if rob else None
    suggestions = suggest_all(doc, o, entries, thresholds)
    certainty = rate(suggestions, o.overrides, o.study_design)
    unique = tuple(dict.fromkeys([*doc.get("warnings", []), *caught]))
    return OutcomeResult(o, doc, certainty, absolute_effect(doc, o), subgroups, unique, tuple(notes))


def run_review(review: Review | str | Path) -> ReviewResult:
    """Run every outcome of a review (a :class:`Review` or the path of a review file)."""
    if not isinstance(review, Review):
        review = load_review(review)
    rob = read_rob(review.risk_of_bias) if review.risk_of_bias else None
    outcomes = tuple(run_outcome(o, rob, review.thresholds) for o in review.outcomes)
    return ReviewResult(review, outcomes, rob)
