"""Fixtures for the report tests (shared with the figure tests, see ``tests/plots/figdata.py``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plots"))

from figdata import doc18, doc60, doc_or_subgroup, doc_small, doc_subgroup  # noqa: F401
