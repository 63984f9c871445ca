"""``evisynth analyze``: placeholder registration, replaced by the engine commit."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser("analyze", help="meta-analyse a study table")
    return parser
