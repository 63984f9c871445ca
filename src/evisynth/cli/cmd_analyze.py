"""``evisynth analyze DATA [options] [--json OUT]``: run an analysis and print or save it."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
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
    parser.add_argument("--force", action="store_true", help="replace an OUT file that evisynth did not write")
    add_analysis_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``analyze``."""
    from evisynth.api.analysis import analyze, save_analysis

    spec = spec_from_args(args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bundle = analyze(args.data, spec)
    for w in bundle.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.json:
        if args.json == "-":
            sys.stdout.write(json.dumps(bundle.to_dict(), indent=2, allow_nan=False) + "\n")
        else:
            save_analysis(bundle, args.json, force=args.force, inputs=(args.data,))
            print(f"wrote {args.json}", file=sys.stderr)
    else:
        sys.stdout.write(bundle.summary())
    return 0
