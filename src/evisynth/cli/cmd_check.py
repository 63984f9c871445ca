"""``evisynth check``: automated accuracy review of an evidence summary (or a folder of them).

Exit status 0 when there are no errors, 1 when there are, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from evisynth.errors import InputError

#: The folder table's default name inside the checked folder (refreshed on every run).
FOLDER_TABLE = "evisynth-check.csv"


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="check the statistics and wording of an evidence summary",
        description="Extract every statistical claim from SUMMARY (text, Markdown or HTML), check each for "
        "internal consistency and for wording that the numbers and the GRADE certainty do not support and, "
        "with --against, trace every claim to SOURCE (a text, Markdown, HTML, PDF or evisynth analysis/summary "
        "JSON). Given a folder, checks every NAME.summary.* against NAME.source.* and writes one table. "
        "Exit status: 0 no errors, 1 errors found, 2 bad input.",
    )
    parser.add_argument(
        "summary", metavar="SUMMARY", help="the summary to check (.txt, .md, .html), or a folder of summaries"
    )
    parser.add_argument(
        "--against", metavar="SOURCE", help="source (text, Markdown, HTML, PDF or evisynth JSON) to trace claims to"
    )
    parser.add_argument("--json", metavar="OUT", help="also write the findings as JSON to OUT ('-' for stdout)")
    parser.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="report format: text (default), json (the --json contract) or html (the text with findings highlighted)",
    )
    parser.add_argument(
        "--out",
        metavar="OUT",
        help="write the report (--format) to OUT instead of printing it; for a folder, the CSV table "
        f"(default FOLDER/{FOLDER_TABLE})",
    )
    parser.add_argument(
        "--certainty",
        metavar="LEVEL",
        help="GRADE certainty of the evidence: high, moderate, low or 'very low'",
    )
    parser.add_argument("--force", action="store_true", help="replace output files that evisynth did not write")
    parser.set_defaults(func=handler)
    return parser


def handler(args: argparse.Namespace) -> int:
    """Run the check and print or write the report; return the exit status."""
    if Path(args.summary).is_dir():
        return _folder(args)
    from evisynth.api.check import check_file, check_outputs, render_report, write_atomic

    inputs = [args.summary] + ([args.against] if args.against else [])
    outputs = [p for p in (args.json, args.out) if p and p != "-"]
    check_outputs(outputs, inputs, force=args.force)
    result = check_file(args.summary, args.against, args.certainty)
    payload = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if args.json == "-":
        sys.stdout.write(payload)
    elif args.json:
        write_atomic(args.json, payload)
    if args.format == "json":
        report = payload
    elif args.format == "html":
        from evisynth.api.check import html_page

        report = html_page(result, title=Path(args.summary).name)
    else:
        report = render_report(result, title=args.summary, checked_source=args.against is not None)
    if args.out and args.out != "-":
        write_atomic(args.out, report)
    elif args.json != "-" or args.format == "html":  # --json - alone prints the JSON only (as before)
        sys.stdout.write(report)
    return 1 if result.errors else 0


def _folder(args: argparse.Namespace) -> int:
    from evisynth.api.check import check_folder, check_outputs, pairs, table_csv, table_text, write_atomic

    folder = Path(args.summary)
    if args.against:
        raise InputError(
            f"--against does not apply to a folder: each NAME.summary.* in {folder} is checked against NAME.source.*"
        )
    if args.json or args.format == "html":
        raise InputError("a folder gives one table: use --format text or json and --out for the CSV")
    found = pairs(folder)
    out = Path(args.out) if args.out else folder / FOLDER_TABLE
    inputs: list[str | Path] = [p for pair in found for p in pair if p is not None]
    check_outputs([out], inputs, force=args.force)
    rows = check_folder(folder, args.certainty)
    write_atomic(out, table_csv(rows))
    if args.format == "json":
        sys.stdout.write(
            json.dumps(
                [
                    dict(
                        zip(
                            ("summary", "source", "status", "claims", "errors", "warnings", "kinds", "first_error"),
                            r.cells(),
                            strict=True,
                        )
                    )
                    for r in rows
                ],
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    else:
        sys.stdout.write(table_text(rows) + f"table written to {out}\n")
    return 1 if any(r.status in ("errors", "failed") for r in rows) else 0
