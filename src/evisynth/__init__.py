"""evisynth: systematic reviews and meta-analysis of clinical trials.

The public Python API lives in :mod:`evisynth.api` and is re-exported here lazily, so
``import evisynth`` stays fast (no pandas, scipy or matplotlib until a call needs them).
"""

from __future__ import annotations

from typing import Any

from evisynth._version import __version__

_API_NAMES = (
    "read_study_table",
    "effect_sizes",
    "meta_analysis",
    "mantel_haenszel",
    "peto",
    "subgroup_analysis",
    "meta_regression",
    "publication_bias",
    "leave_one_out",
    "cumulative",
    "influence",
    "analyze",
    "pool",
    "pool_effects",
    "load_analysis",
    "save_analysis",
    "AnalysisSpec",
    "MetaAnalysis",
)

#: Many meta-analyses at once (:mod:`evisynth.batch`).
_BATCH_NAMES = ("batch_meta_analysis", "from_long")

__all__ = ["__version__", *_API_NAMES, *_BATCH_NAMES]


def __getattr__(name: str) -> Any:
    if name in _BATCH_NAMES:
        from evisynth import batch

        return getattr(batch, name)
    if name in _API_NAMES:
        from evisynth import api

        return getattr(api, name)
    raise AttributeError(f"module 'evisynth' has no attribute {name!r}")
