"""``evisynth prisma``: draw the PRISMA 2020 flow diagram (SVG, PNG, PDF) and write its counts (JSON)."""

from __future__ import annotations

import argparse
from typing import Any

from evisynth.cli._project import add_project_options, project_session


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "prisma",
        help="PRISMA 2020 flow diagram from the project's records and decisions",
        description="Count every box from the store, check that the boxes add up, then write "
        "prisma.svg, prisma.png, prisma.pdf and prisma.json to --out.",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument("--title", default="", help="title printed above the diagram")
    add_project_options(parser)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the diagram."""
    from evisynth.api.records import prisma_counts, save_prisma

    with project_session(args) as project:
        counts = prisma_counts(project)
    try:
        paths = save_prisma(counts, args.out, title=args.title)
    except OSError as exc:
        from evisynth.errors import InputError

        raise InputError(f"cannot write the diagram ({exc.strerror})", file=args.out) from None
    for path in paths:
        print(path)
    return 0
