"""``evisynth check``: automated accuracy review of an evidence summary.

Exit status 0 when there are no errors, 1 when there are, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from evisynth.errors import InputError


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="check the statistics and wording of an evidence summary",
        description="Extract every statistical claim from SUMMARY (text, Markdown or HTML), check each for "
        "internal consistency and for wording that the numbers do not support and, with --against, trace "
        "every number to SOURCE (a text or an evisynth analysis/summary JSON). Exit status: 0 no errors, "
        "1 errors found, 2 bad input.",
    )
    parser.add_argument("summary", metavar="SUMMARY", help="the summary to check (.txt, .md, .html)")
    parser.add_argument(
        "--against", metavar="SOURCE", help="source text or evisynth JSON to trace numbers to"
    )
    parser.add_argument("--json", metavar="OUT", help="write the findings as JSON to OUT ('-' for stdout)")
    parser.add_argument(
        "--certainty",
        metavar="LEVEL",
        help="GRADE certainty of the evidence: high, moderate, low or 'very low'",
    )
    parser.set_defaults(func=handler)
    return parser


def handler(args: argparse.Namespace) -> int:
    """Run the check and print the report; return the exit status."""
    from evisynth.check.check import check_file
    from evisynth.check.render import render_report

    result = check_file(args.summary, args.against, args.certainty)
    if args.json:
        payload = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
        if args.json == "-":
            sys.stdout.write(payload + "\n")
        else:
            try:
                with open(args.json, "w", encoding="utf-8") as fh:
                    fh.write(payload + "\n")
            except OSError as exc:
                raise InputError(f"cannot write JSON to {args.json}: {exc.strerror or exc}") from None
    if args.json != "-":
        sys.stdout.write(render_report(result, title=args.summary, checked_source=args.against is not None))
    return 1 if result.errors else 0
