"""Entry point of the ``evisynth`` command.

Each sub-command lives in its own module ``evisynth.cli.cmd_<name>`` exposing
``register(subparsers)`` and ``run(args)``. The modules are light: a command imports what it
needs (through :mod:`evisynth.api`) only when it runs, so ``evisynth --help`` and
``evisynth batch`` do not load the analysis stack. User mistakes end as one line on stderr
and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from evisynth._version import __version__
from evisynth.cli import (
    cmd_analyze,
    cmd_batch,
    cmd_check,
    cmd_db,
    cmd_dedupe,
    cmd_demo,
    cmd_export_review,
    cmd_import,
    cmd_import_review,
    cmd_init,
    cmd_prisma,
    cmd_report,
    cmd_screen,
    cmd_serve,
    cmd_summarize,
)
from evisynth.errors import EvisynthError

#: Sub-commands in the order ``--help`` lists them.
COMMANDS: dict[str, ModuleType] = {
    "demo": cmd_demo, "analyze": cmd_analyze, "report": cmd_report, "check": cmd_check, "init": cmd_init,
    "summarize": cmd_summarize, "import": cmd_import, "dedupe": cmd_dedupe, "screen": cmd_screen,
    "prisma": cmd_prisma, "batch": cmd_batch, "import-review": cmd_import_review,
    "export-review": cmd_export_review,
    "serve": cmd_serve, "db": cmd_db,
}


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="evisynth",
        description="Systematic reviews and meta-analysis of clinical trials.",
    )
    parser.add_argument("--version", action="version", version=f"evisynth {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status.

    Everything printed goes through :func:`evisynth.cli._output.safe_output` (no terminal control
    sequences from labels, no passwords of database URLs).
    """
    from evisynth.cli._output import safe_output

    with safe_output():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except EvisynthError as exc:
        print(f"evisynth {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"evisynth {args.command}: error: file not found: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
