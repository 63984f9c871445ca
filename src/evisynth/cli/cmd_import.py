"""``evisynth import``: read a database export into the project as one batch."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from evisynth.cli._project import add_project_options, project_session


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="import a search export (RIS, PubMed/MEDLINE, PubMed XML, Web of Science, CSV)",
        description="Import the records of one database export as a batch. Malformed records are reported "
        "with file and line and skipped; importing the same file again changes nothing.",
    )
    parser.add_argument("file", metavar="FILE", nargs="?", help="the export file")
    parser.add_argument("--list", action="store_true", help="list the batches imported so far")
    parser.add_argument(
        "--source", metavar="NAME", help="database searched, e.g. Embase (default: from the file)"
    )
    parser.add_argument(
        "--format",
        choices=("ris", "medline", "pubmed-xml", "wos", "wos-tab", "csv"),
        help="file format (default: detected from the content)",
    )
    add_project_options(parser)
    parser.set_defaults(func=run)
    return parser


#: Problems printed with the same message before the rest are only counted.
SAME_MESSAGE_SHOWN = 5
#: Problems printed in all before the rest are only counted.
SHOWN = 50


def _warn(problems: Any, file: str) -> None:
    """Print the skipped records' problems: a few of each kind, then counts (junk input must not
    flood the terminal with a million lines)."""
    from collections import Counter

    per_message: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    shown = 0
    for problem in problems:
        per_message[problem.message] += 1
        if per_message[problem.message] <= SAME_MESSAGE_SHOWN and shown < SHOWN:
            print(f"warning: {problem.describe(file)}", file=sys.stderr)
            shown += 1
        else:
            hidden[problem.message] += 1
    for message, n in hidden.most_common():
        print(f"warning: {file}: {n:,} more like this (not shown): {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Import ``args.file``."""
    from evisynth.api.records import decode, infer_database, read_export
    from evisynth.errors import InputError

    if args.list:
        with project_session(args) as project:
            batches = project.batches()
        for b in batches:
            print(
                f"batch {b.id}: {b.database}, {b.file_name} ({b.format}), {b.record_count} records, "
                f"imported {b.imported_at:%Y-%m-%d %H:%M}"
            )
        print(f"{len(batches)} batches, {sum(b.record_count for b in batches)} records")
        return 0
    if not args.file:
        raise InputError("name the export file to import (or use --list)")
    export = read_export(args.file, args.format)
    result = export.result
    name = export.path.name
    _warn(result.problems, str(args.file))
    if not result.records:
        raise InputError("no records could be read; nothing imported", file=str(args.file))
    source = args.source or infer_database(result, decode(export.path.read_bytes()[:200000]))
    if not source:
        raise InputError(
            "cannot tell which database this export came from; pass --source NAME", file=str(args.file)
        )
    with project_session(args) as project:
        outcome = project.import_records(result, database=source, file_name=name, sha256=export.sha256)
    batch = outcome.batch
    if outcome.duplicate_of is not None:
        print(
            f"{name}: identical to batch {batch.id} ({batch.file_name}, {batch.database}, imported "
            f"{batch.imported_at:%Y-%m-%d %H:%M}); nothing changed"
        )
        return 0
    skipped = f", {len(result.problems)} skipped (see warnings)" if result.problems else ""
    print(
        f"{name}: imported {batch.record_count} records from {batch.database} ({result.format}) "
        f"as batch {batch.id}{skipped}"
    )
    return 0
