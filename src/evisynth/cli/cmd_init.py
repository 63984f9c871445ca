"""``evisynth init [DIR]``: write a commented review-file template and an example RoB 2 CSV header."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the ``init`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "init", help="start a review: write review.toml and rob.csv templates",
        description="Write a commented review.toml template and a RoB 2 CSV header (rob.csv) into DIR.",
    )
    parser.add_argument("dir", metavar="DIR", nargs="?", default=".", help="folder to write into (default: .)")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.add_argument("--no-examples", action="store_true", help="do not write the example data files")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``init``."""
    from evisynth.api.review import write_templates

    for path in write_templates(Path(args.dir), examples=not args.no_examples, force=args.force):
        print(f"wrote {path}")
    return 0
