"""``evisynth summarize REVIEW_FILE --out DIR``: GRADE, summary-of-findings table and evidence summary."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the ``summarize`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "summarize", help="GRADE each outcome and write the SoF table and evidence summary",
        description="Run every outcome of a review file, suggest GRADE judgements, apply the reviewers' overrides "
                    "and write the evidence summary (HTML, Markdown), claims.json, the summary-of-findings table "
                    "(HTML, Markdown, CSV, Word) and the GRADE profile (JSON, Markdown).",
    )
    parser.add_argument("review", metavar="REVIEW_FILE", help="review file (TOML), see 'evisynth init'")
    parser.add_argument("--out", metavar="DIR", default="summary", help="output folder (default: summary)")
    parser.add_argument("--no-docx", action="store_true", help="do not write the Word table")
    parser.add_argument("--no-check", action="store_true", help="do not run the accuracy checker on the summary")
    parser.add_argument("--force", action="store_true", help="replace files in DIR that evisynth did not write")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``summarize``."""
    from evisynth.api.review import run_review, write_summary

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_review(args.review)
    for o in result.outcomes:
        print(f"{o.spec.name}: {o.certainty.label} ({o.k} {'study' if o.k == 1 else 'studies'})", file=sys.stderr)
        for w in o.warnings:
            print(f"  warning: {w}", file=sys.stderr)
        for n in o.notes:
            print(f"  note: {n}", file=sys.stderr)
    paths = write_summary(result, args.out, check=not args.no_check, docx=not args.no_docx, force=args.force)
    for p in paths.values():
        print(f"wrote {p}", file=sys.stderr)
    status = 0
    if "check" in paths:
        report = json.loads(Path(paths["check"]).read_text(encoding="utf-8"))
        if not report.get("available"):
            print("note: checker not available; the summary was not checked", file=sys.stderr)
        elif not report.get("ok"):
            print(f"warning: the accuracy checker reported problems; see {paths['check']}", file=sys.stderr)
            status = 1
        else:
            print("checker: the summary passed", file=sys.stderr)
    return status
