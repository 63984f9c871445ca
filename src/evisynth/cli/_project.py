"""Shared command-line options for commands that work on a review project."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def add_project_options(parser: argparse.ArgumentParser) -> None:
    """``--project DIR`` and ``--db URL``."""
    parser.add_argument("--project", metavar="DIR", help="review folder (default: found upward from here)")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL, e.g. postgresql+psycopg://user@host/db "
        "(default: $EVISYNTH_DB_URL or DIR/evisynth.db)",
    )


def open_project(args: argparse.Namespace) -> Any:
    """The :class:`~evisynth.store.project.Project` named by the options."""
    from evisynth.api.records import Project

    return Project(args.project, args.db)


@contextmanager
def project_session(args: argparse.Namespace) -> Iterator[Any]:
    """Open the project for one command; database failures (a file locked for too long, a server
    that went away) end as one-line errors, and the connections are always released."""
    from sqlalchemy.exc import DBAPIError

    from evisynth.errors import EvisynthError

    project = open_project(args)
    try:
        yield project
    except DBAPIError as exc:
        from evisynth.files import redact_url

        first = (str(exc.orig).strip().splitlines() or ["unknown error"])[0]
        raise EvisynthError(f"database error: {redact_url(first)}") from None
    finally:
        project.close()
