"""``evisynth demo [--out DIR]``: run the whole pipeline on the bundled (synthetic) rTMS example."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the ``demo`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo", help="run the whole pipeline on the bundled example review (synthetic rTMS trials)",
        description="Run evisynth end to end on the bundled example: a synthetic re-creation of a meta-analysis of "
                    "rTMS for post-stroke spasticity (13 trials, 18 comparisons). Writes report.html, demo.json and "
                    "one analysis.json per outcome.",
    )
    parser.add_argument("--out", metavar="DIR", default="evisynth-demo",
                        help="output folder (default: evisynth-demo)")
    parser.add_argument("--quiet", action="store_true", help="print only the closing line")
    parser.add_argument("--force", action="store_true",
                        help="replace files in DIR that evisynth did not write (its own are always refreshed)")
    parser.add_argument("--no-later-stages", action="store_true",
                        help="skip the HTML report, GRADE and PRISMA stages even when installed")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``demo``."""
    from evisynth.api.demo import run_demo

    lines: list[str] = []

    def progress(line: str) -> None:
        if args.quiet:
            lines.append(line)
        else:
            print(line, flush=True)

    summary = run_demo(args.out, progress=progress, later_stages=not args.no_later_stages,
                       force=args.force)
    if args.quiet and lines:
        print(lines[-1])
    return 0 if all(c["all_match"] for c in summary["checks"].values()) else 1
