"""Shared helpers for the checker tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "corpus"


def load_corpus(name: str) -> Any:
    """A JSON corpus file from ``tests/checker/corpus``."""
    return json.loads((CORPUS / name).read_text(encoding="utf-8"))
