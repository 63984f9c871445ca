"""Automated accuracy review of evidence summaries (``evisynth check``).

The checker reads a summary (plain text, Markdown or HTML), extracts every statistical
claim, tests each for internal consistency, compares the words used with the numbers
(and with a GRADE rating when one is known) and, optionally, traces every number to a
source text or an evisynth analysis JSON. Everything is deterministic and offline.

>>> from evisynth.check import check_text
>>> result = check_text("MD = -0.23, 95% CI -0.43 to -0.02, P = 0.30")
>>> [f.kind for f in result.findings]
['p_ci_mismatch']
"""

from __future__ import annotations

from typing import Any

__all__ = ["CheckResult", "Claim", "Finding", "check_file", "check_text"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from evisynth.check import check

        return getattr(check, name)
    raise AttributeError(f"module 'evisynth.check' has no attribute {name!r}")
