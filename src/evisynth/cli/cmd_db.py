"""``evisynth db``: the project database's schema revision (``status``) and its upgrade (``upgrade``).

Opening a project with any command already applies pending revisions; this command lets a team
see and schedule that step on a shared PostgreSQL store (``--sql`` prints the SQL to review first).
"""

from __future__ import annotations

import argparse
from typing import Any

from evisynth.cli._project import add_project_options, project_session


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "db",
        help="project database: schema status and upgrade (Alembic revisions)",
        description="status: print the database's schema revision and the revisions this evisynth would apply. "
        "upgrade: apply them in one transaction (what opening the project does); with --sql print the SQL "
        "instead and change nothing.",
    )
    parser.add_argument("action", choices=("status", "upgrade"), help="what to do")
    parser.add_argument("--sql", action="store_true", help="with upgrade: print the SQL, apply nothing")
    add_project_options(parser)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Print the status, the SQL, or upgrade."""
    from evisynth.api.records import database_status, database_upgrade_sql
    from evisynth.errors import InputError

    before = database_status(args.project, args.db)
    if args.action == "status":
        print(before.summary())
        return 1 if before.newer else 0
    if before.newer:
        raise InputError(before.summary())
    if args.sql:
        print(database_upgrade_sql(args.project, args.db, start=before.version), end="")
        return 0
    with project_session(args) as project:
        after = project.schema_version
    applied = ", ".join(before.pending) if before.pending else "nothing to apply"
    print(f"schema version {before.version} -> {after} ({applied})")
    return 0
