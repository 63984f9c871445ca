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
    parser.add_argument("--force", action="store_true", help="replace files in DIR that evisynth did not write")
    add_project_options(parser)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the diagram."""
    from evisynth.api.records import write_prisma

    try:
        with project_session(args) as project:
            paths = write_prisma(project, args.out, title=args.title, force=args.force)
    except OSError as exc:
        from evisynth.errors import InputError

        raise InputError(f"cannot write the diagram ({exc.strerror})", file=args.out) from None
    for path in paths:
        print(path)
    return 0
