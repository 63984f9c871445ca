"""The public Python facade: everything outside the engine (the command line, the web app, users'
scripts and notebooks) calls these functions.

Names are imported from their submodule on first use, so ``import evisynth.api.batch`` does not
load the analysis stack:

* :mod:`evisynth.api.analysis` — study tables to typed results (:func:`meta_analysis`, ...);
* :mod:`evisynth.api.reports` — reports and figures of one analysis or of one outcome of a review;
* :mod:`evisynth.api.review` — a review file: GRADE, summary-of-findings, evidence summary;
* :mod:`evisynth.api.records` — search records, deduplication, screening, PRISMA;
* :mod:`evisynth.api.batch` — many meta-analyses at once;
* :mod:`evisynth.api.check` — the accuracy checker;
* :mod:`evisynth.api.demo` — the bundled example.
* :mod:`evisynth.api.rob` — risk of bias: forms, proposals, the project's RoB store, plots, GRADE link;
* :mod:`evisynth.api.revman` — RevMan 5 (``.rm5``) and RevMan Web data packages in and out.
"""

from __future__ import annotations

from typing import Any

_ANALYSIS = ("AnalysisBundle", "AnalysisSpec", "EffectTable", "MetaAnalysis", "PooledResult", "analyze",
             "cumulative", "effect_sizes", "influence", "leave_one_out", "load_analysis", "mantel_haenszel",
             "meta_analysis", "meta_regression", "peto", "pool", "pool_effects", "publication_bias",
             "read_study_table", "save_analysis", "subgroup_analysis")
_REVIEW = ("load_review", "run_review", "write_summary")
_REPORTS = ("ReportOptions", "write_outcome_report", "write_report")

__all__ = [*_ANALYSIS, *_REVIEW, *_REPORTS]


def __getattr__(name: str) -> Any:
    if name in _ANALYSIS:
        from evisynth.api import analysis

        return getattr(analysis, name)
    if name in _REVIEW:
        from evisynth.api import review

        return getattr(review, name)
    if name in _REPORTS:
        from evisynth.api import reports

        return getattr(reports, name)
    raise AttributeError(f"module 'evisynth.api' has no attribute {name!r}")
