"""Risk of bias: RoB 2 (parallel, cluster and crossover trials) with its signalling questions and
algorithms, RoB 1 and ROBINS-I in one assessment model, TOML/CSV files, and the GRADE link.

Pure domain logic (no analyses, models or plots): the lowest layer beside :mod:`evisynth.records`.

* :func:`assess_rob2` — answers → skip logic → proposed domain judgements → reviewer judgements.
* :func:`assess_judgements` — judgement-only assessments (RoB 1, ROBINS-I, RoB 2 without answers).
* :func:`read_assessments` / :func:`write_assessments` — TOML or CSV by suffix (``docs/rob.md``).
* :func:`grade_risk_of_bias` — weight shares by judgement and the proposed GRADE rating.
* :func:`forest_rob` — ``{study: {"D1": ..., "Overall": ...}}`` for the forest plot's RoB columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from evisynth.errors import InputError
from evisynth.rob.files import read_csv, read_toml, to_csv, to_toml, write_csv, write_toml
from evisynth.rob.grade_link import RobGradeLink, grade_risk_of_bias
from evisynth.rob.model import Assessment, DomainAssessment, assess_judgements, assess_rob2
from evisynth.rob.tools import ROB1_DOMAINS, ROBINS_I_DOMAINS, DomainSpec, default_domains, rob2_domains


def read_assessments(path: str | Path, *, tool: str = "rob2") -> list[Assessment]:
    """Read a ``.toml`` or ``.csv`` file of assessments (``tool`` for CSV rows without a tool column)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        return read_toml(path)
    if suffix == ".csv":
        return read_csv(path, tool=tool)
    raise InputError(f"risk-of-bias files are .toml or .csv; got {str(path)!r}")


def write_assessments(assessments: Iterable[Assessment], path: str | Path, *, force: bool = False) -> Path:
    """Write assessments as ``.toml`` or ``.csv`` (atomic; an existing file needs ``force``)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        return write_toml(assessments, path, force=force)
    if suffix == ".csv":
        return write_csv(assessments, path, force=force)
    raise InputError(f"risk-of-bias files are .toml or .csv; got {str(path)!r}")


def for_outcome(assessments: Iterable[Assessment], outcome: str | None) -> dict[str, Assessment]:
    """Study → the assessment that applies to ``outcome`` (an outcome-specific one wins over one
    without an outcome, e.g. RoB 1's study-level items)."""
    out: dict[str, Assessment] = {}
    items = list(assessments)
    for a in items:
        if a.outcome is None:
            out.setdefault(a.study, a)
    if outcome is not None:
        for a in items:
            if a.outcome is not None and a.outcome.casefold() == outcome.casefold():
                out[a.study] = a
    return out


def forest_rob(assessments: Iterable[Assessment], outcome: str | None = None) -> dict[str, dict[str, str]]:
    """``{study: {"D1": "low", ..., "Overall": "high"}}`` for ``ForestOptions(rob=...)``
    (unjudged domains are left out)."""
    return {study: {k: v for k, v in a.judgements().items() if v}
            for study, a in for_outcome(assessments, outcome).items()}


def overall_judgements(assessments: Iterable[Assessment], outcome: str | None = None) -> dict[str, str | None]:
    """Study → overall judgement for ``outcome`` (the input of :func:`grade_risk_of_bias`)."""
    return {study: a.overall for study, a in for_outcome(assessments, outcome).items()}


__all__ = [
    "ROB1_DOMAINS",
    "ROBINS_I_DOMAINS",
    "Assessment",
    "DomainAssessment",
    "DomainSpec",
    "RobGradeLink",
    "assess_judgements",
    "assess_rob2",
    "default_domains",
    "for_outcome",
    "forest_rob",
    "grade_risk_of_bias",
    "overall_judgements",
    "read_assessments",
    "read_csv",
    "read_toml",
    "rob2_domains",
    "to_csv",
    "to_toml",
    "write_assessments",
    "write_csv",
    "write_toml",
]
