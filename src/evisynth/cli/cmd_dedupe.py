"""``evisynth dedupe``: find duplicates; list, confirm or reject uncertain pairs; undo merges."""

from __future__ import annotations

import argparse
from typing import Any

from evisynth.cli._project import add_project_options, project_session

ACTIONS = ("run", "list", "confirm", "reject", "merges", "undo")


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "dedupe",
        help="remove duplicate records; review uncertain pairs",
        description="run: merge exact (DOI, PMID, accession) and near (title + year +/- 1 + first author) "
        "duplicates and queue uncertain pairs; list: show the queue; confirm/reject ID...: "
        "decide queued pairs; merges: the audit trail; undo MERGE_ID...: undo merges.",
    )
    parser.add_argument("action", nargs="?", default="run", choices=ACTIONS)
    parser.add_argument("ids", nargs="*", type=int, metavar="ID")
    parser.add_argument("--by", default="reviewer", metavar="NAME", help="who decides (recorded)")
    add_project_options(parser)
    parser.set_defaults(func=run)
    return parser


def _line(citation: Any) -> str:
    first = citation.authors[0] if citation.authors else "(no author)"
    ids = " ".join(
        x
        for x in (
            f"doi:{citation.doi}" if citation.doi else "",
            f"pmid:{citation.pmid}" if citation.pmid else "",
        )
        if x
    )
    return f"{first} ({citation.year or 'n.d.'}) {citation.title} [{citation.journal}] {ids}".rstrip()


def run(args: argparse.Namespace) -> int:
    """Carry out ``args.action``."""
    from evisynth.errors import InputError

    if args.action in ("confirm", "reject", "undo") and not args.ids:
        raise InputError(f"'dedupe {args.action}' needs at least one id")
    with project_session(args) as project:
        if args.action == "run":
            summary = project.dedupe()
            pending = len(project.candidates())
            print(
                f"compared {summary.compared} records: {summary.merged} duplicates merged, "
                f"{summary.queued} new uncertain pairs queued ({pending} pending; see 'evisynth dedupe list')"
            )
        elif args.action == "list":
            pending = project.candidates()
            records = project.citations(include_merged=True)
            for cid, c in pending:
                print(f"[{cid}] score {c.score:.1f}: {c.reason}")
                print(f"    {c.record_a}: {_line(records[c.record_a])}")
                print(f"    {c.record_b}: {_line(records[c.record_b])}")
            print(f"{len(pending)} pending pairs")
        elif args.action in ("confirm", "reject"):
            for cid in args.ids:
                merge = project.decide_candidate(cid, duplicate=args.action == "confirm", by=args.by)
                print(
                    f"pair {cid} {'confirmed' if args.action == 'confirm' else 'rejected'}"
                    + (f" (merge {merge})" if merge else "")
                )
        elif args.action == "merges":
            rows = project.merges()
            for m in rows:
                print(
                    f"[{m.id}] record {m.record_id} -> {m.keeper_id}  key={m.match_key} score={m.score:.1f} "
                    f"{m.method} by {m.decided_by}"
                )
            print(f"{len(rows)} active merges")
        else:
            for mid in args.ids:
                project.undo_merge(mid, by=args.by)
                print(f"merge {mid} undone")
    return 0
