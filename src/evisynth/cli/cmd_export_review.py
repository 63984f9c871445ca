"""``evisynth export-review --project DIR --out FILE.rm5``: a project back to RevMan 5."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the ``export-review`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "export-review", help="write a project (from import-review) as a RevMan 5 .rm5 file or a RevMan Web data package",
        description="Write the study data, comparisons, outcomes, subgroups and RoB 1 judgements of a project "
                    "as a RevMan 5 .rm5 file.")
    parser.add_argument("--project", metavar="DIR", required=True, help="project folder")
    parser.add_argument("--out", metavar="FILE", required=True,
                        help="output file: .rm5 (RevMan 5) or .zip (RevMan Web data package)")
    parser.add_argument("--format", choices=("rm5", "zip"), default=None,
                        help="output format (default: from the suffix of --out; rm5 otherwise)")
    parser.add_argument("--force", action="store_true", help="replace an existing output file")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``export-review``."""
    from evisynth.api.revman import export_review

    path, review = export_review(args.project, args.out, force=args.force, fmt=args.format)
    n = sum(len(c.outcomes) for c in review.comparisons)
    print(f"wrote {path}: {len(review.studies)} studies, {len(review.comparisons)} comparisons, {n} outcomes",
          file=sys.stderr)
    return 0
