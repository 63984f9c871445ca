"""Risk of bias in a review run: the assessments of each outcome, the forest plot's RoB columns and
the sensitivity analysis restricted to the studies at low risk of bias (GRADE's risk-of-bias domain).

>>> from evisynth.rob import assess_judgements
>>> a = [assess_judgements("rob2", "A", None, {"D1": "low", "D2": "low", "D3": "low", "D4": "low", "D5": "low"})]
>>> outcome_assessments(a, "Pain")["A"].overall
'low'
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.run import run_analysis
from evisynth.errors import EvisynthError, InputError
from evisynth.grade.rob import read_rob
from evisynth.grade.rob_domain import LowRiskSensitivity, rob_link, sensitivity_from
from evisynth.grade.thresholds import Thresholds
from evisynth.io.tabular import StudyTable
from evisynth.rob import Assessment, assess_judgements, for_outcome, read_assessments

__all__ = ["low_risk_sensitivity", "outcome_assessments", "read_review_rob", "restrict_table"]


def read_review_rob(path: str | Path) -> tuple[Assessment, ...]:
    """The review's risk-of-bias file (``.csv``, simple or with signalling answers, or ``.toml``).

    A simple CSV (``study, outcome, D1..D5, overall``, no answers or justifications) whose overall
    judgement differs from the worst domain is still read, as before: the reviewers' overall
    judgement is kept, with "as entered in <file>" as its justification.
    """
    try:
        return tuple(read_assessments(path))
    except InputError:
        if Path(path).suffix.lower() != ".csv":
            raise
        try:
            table = read_rob(path)
        except InputError:
            pass
        else:
            note = f"as entered in {Path(path).name}"
            return tuple(assess_judgements("rob2", e.study, e.outcome, {k: v for k, v in e.domains.items() if v},
                                           overall=e.overall, overall_justification=note, source=str(path))
                         for e in table.entries)
        raise


def outcome_assessments(assessments: Iterable[Assessment], outcome: str) -> dict[str, Assessment]:
    """Study → the assessment that applies to ``outcome`` (outcome-specific ones win)."""
    return for_outcome(assessments, outcome)


def restrict_table(table: StudyTable, keep: Iterable[str]) -> StudyTable:
    """The rows of ``table`` whose study label is in ``keep``, in table order (every column kept)."""
    wanted = set(keep)
    idx = [i for i, s in enumerate(table.study) if s in wanted]
    return replace(
        table, study=tuple(table.study[i] for i in idx),
        columns={k: v[idx] for k, v in table.columns.items()},
        extra={k: v[idx] for k, v in table.extra.items()},
        derived=tuple(table.derived[i] for i in idx) if table.derived else (),
        decimals={k: tuple(v[i] for i in idx) for k, v in table.decimals.items()},
        original_labels=tuple(table.original_labels[i] for i in idx) if table.original_labels else (),
    )


def low_risk_sensitivity(table: StudyTable, analysis: AnalysisBundle, rob: Mapping[str, Any] | None,
                         t: Thresholds) -> LowRiskSensitivity | None:
    """The outcome's main analysis restricted to the studies at low risk of bias.

    ``None`` without risk-of-bias judgements or when every weighted study is at low risk (nothing
    to restrict). With no study at low risk, the result has no estimate and says so. The
    restricted analysis uses the main analysis' settings without subgroups, moderators,
    small-study or sensitivity sections; its warnings (e.g. one study left) are not the
    outcome's warnings.
    """
    if not rob:
        return None
    link = rob_link(analysis, rob, t)
    if link is None or link.share_low >= 1.0 - 1e-12:
        return None
    low = link.low_risk_studies
    if not low:
        return sensitivity_from(analysis, None, (), "no study is at low risk of bias")
    spec = replace(analysis.spec, bias=False, sensitivity=False, subgroup=None, moderators=(), predict=(),
                   permutations=0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            restricted = run_analysis(restrict_table(table, low), spec)
    except (EvisynthError, InputError) as exc:
        return sensitivity_from(analysis, None, low, f"not run: {exc}")
    return sensitivity_from(analysis, restricted, low)
