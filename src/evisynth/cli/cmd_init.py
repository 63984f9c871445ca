"""``evisynth init [DIR]``: write a commented review-file template and an example RoB 2 CSV header."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from evisynth.errors import InputError


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
    from evisynth.grade.template import ADVERSE_EXAMPLE, PAIN_EXAMPLE, REVIEW_TEMPLATE, ROB_TEMPLATE

    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"review.toml": REVIEW_TEMPLATE, "rob.csv": ROB_TEMPLATE}
    if not args.no_examples:
        files.update({"pain.csv": PAIN_EXAMPLE, "adverse.csv": ADVERSE_EXAMPLE})
    existing = [name for name in files if (out / name).exists()]
    if existing and not args.force:
        raise InputError(f"{', '.join(existing)} already exist in {out}; use --force to overwrite")
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
        print(f"wrote {out / name}")
    return 0
