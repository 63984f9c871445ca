"""``evisynth import-review FILE.rm5 --project DIR``: a RevMan 5 review as an evisynth project,
every outcome re-analysed and compared with the results RevMan stored (``DIR/revman-check.json``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the ``import-review`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "import-review", help="import a RevMan 5 review (.rm5) or RevMan Web data package (.zip) and check its results",
        description="Create a project folder from a RevMan 5 .rm5 file (review.toml, one study table per outcome, "
                    "RevMan's settings, RoB 1), re-analyse every outcome and compare with RevMan's stored results.")
    parser.add_argument("file", metavar="FILE.rm5|FILE.zip",
                        help="RevMan 5 review file (.rm5) or RevMan Web data package (.zip)")
    parser.add_argument("--project", metavar="DIR", required=True, help="project folder to create or fill")
    parser.add_argument("--force", action="store_true", help="replace files this command wrote before")
    parser.set_defaults(func=run)
    return parser


def _line(e: dict[str, Any]) -> str:
    head = f"{e['comparison']}.{e['outcome']} {e['name']}: "
    if e["reproduced"]:
        return head + f"reproduced ({e.get('compared', 0)} values, max relative difference {e['max_rel_diff']:.1e})"
    diffs = e["differences"]
    first = diffs[0] if diffs else {}
    example = (f"; e.g. {first.get('where')} {first.get('value')}: RevMan {first.get('revman')}, "
               f"evisynth {first.get('evisynth')}")
    return head + f"NOT reproduced: {len(diffs)} value(s) differ (max relative difference {e['max_rel_diff']:.1e}{example})"


def run(args: argparse.Namespace) -> int:
    """Execute ``import-review``."""
    from evisynth.api.revman import import_review

    result = import_review(args.file, args.project, force=args.force)
    for e in result.checks:
        print(_line(e))
    print(f"wrote {len(result.written)} files and {result.report}; {result.reproduced} of {len(result.checks)} "
          "outcomes reproduced", file=sys.stderr)
    return 0
