"""``evisynth analyze DATA [options] [--json OUT]``: run an analysis and print or save it."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any

from evisynth.cli._options import add_analysis_arguments, spec_from_args


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the ``analyze`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "analyze", help="meta-analyse a study table (CSV or Excel)",
        description="Meta-analyse a study table and print a RevMan-style report or write the JSON document.",
    )
    parser.add_argument("data", metavar="DATA", help="study table (.csv or .xlsx)")
    parser.add_argument("--json", metavar="OUT", help="write the analysis document as JSON ('-' for stdout)")
    add_analysis_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``analyze``."""
    from evisynth.api.analysis import analyze

    spec = spec_from_args(args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bundle = analyze(args.data, spec)
    for w in bundle.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.json:
        text = json.dumps(bundle.to_dict(), indent=2, allow_nan=False)
        if args.json == "-":
            sys.stdout.write(text + "\n")
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
            print(f"wrote {args.json}", file=sys.stderr)
    else:
        sys.stdout.write(bundle.summary())
    return 0
