"""``evisynth serve [PROJECT_DIR]``: the local web app over a review project."""

from __future__ import annotations

import argparse
import os
from typing import Any


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the ``serve`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "serve", help="open the review in the browser (local web app)",
        description="Start the web app over the project store (SQLite in the folder, or --db for PostgreSQL), print "
                    "its URL and open the browser. It listens on 127.0.0.1 only unless --host says otherwise; on any "
                    "other interface it refuses to start without --token or --users.",
    )
    parser.add_argument("project_dir", nargs="?", default=".", metavar="PROJECT_DIR",
                        help="review folder (default: the current folder)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the browser")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $EVISYNTH_DB_URL or PROJECT_DIR/evisynth.db)")
    parser.add_argument("--token", metavar="TOKEN",
                        help="access token required to sign in (default: $EVISYNTH_WEB_TOKEN)")
    parser.add_argument("--users", metavar="FILE",
                        help="users file: one 'name:argon2-hash' per line (hash with evisynth.web.auth.hash_password)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``serve``."""
    from evisynth.api.web import serve

    serve(args.project_dir, host=args.host, port=args.port, open_browser=not args.no_browser, db_url=args.db,
          token=args.token or os.environ.get("EVISYNTH_WEB_TOKEN"), users_file=args.users)
    return 0
