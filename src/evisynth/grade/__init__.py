"""GRADE certainty of evidence: review files, risk-of-bias tables, domain suggestions and ratings.

The layer sits above :mod:`evisynth.analyses` and below :mod:`evisynth.report`:

* :mod:`evisynth.grade.review` reads and validates the review file (TOML);
* :mod:`evisynth.grade.rob` reads RoB 2 judgements per study;
* :mod:`evisynth.grade.thresholds` holds every rule-of-thumb threshold in one place;
* :mod:`evisynth.grade.domains` suggests a judgement per GRADE domain, with the numbers behind it;
* :mod:`evisynth.grade.certainty` applies reviewer overrides and computes the final rating;
* :mod:`evisynth.grade.absolute` derives anticipated absolute effects;
* :mod:`evisynth.grade.run` runs every outcome's analyses and GRADE (:func:`run_review`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ReviewResult", "Thresholds", "load_review", "run_review"]


def __getattr__(name: str) -> Any:
    if name == "load_review":
        from evisynth.grade.review import load_review

        return load_review
    if name in ("run_review", "ReviewResult"):
        from evisynth.grade import run

        return getattr(run, name)
    if name == "Thresholds":
        from evisynth.grade.thresholds import Thresholds

        return Thresholds
    raise AttributeError(f"module 'evisynth.grade' has no attribute {name!r}")
