"""Entry point of the ``evisynth`` command.

Each sub-command lives in its own module ``evisynth.cli.cmd_<name>`` exposing
``register(subparsers)``; the module is imported only when the command line is parsed,
so ``evisynth --help`` stays fast. User mistakes end as one line on stderr and exit
status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from evisynth._version import __version__
from evisynth.errors import EvisynthError

#: Sub-commands in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "demo", "analyze", "report", "check", "init", "summarize", "import", "dedupe", "screen", "prisma", "batch",
    "import-review", "export-review",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="evisynth",
        description="Systematic reviews and meta-analysis of clinical trials.",
    )
    parser.add_argument("--version", action="version", version=f"evisynth {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"evisynth.cli.cmd_{name.replace('-', '_')}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
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
