"""``evisynth screen``: two-stage screening by independent reviewers, conflicts, kappa, studies."""

from __future__ import annotations

import argparse
from typing import Any

from evisynth.cli._project import add_project_options, project_session

ACTIONS = (
    "run",
    "export",
    "import",
    "conflicts",
    "resolve",
    "kappa",
    "reasons",
    "not-retrieved",
    "retrieved",
    "studies",
    "link",
)

_HELP = """actions:
  run (default)          screen one record at a time: keys i/e/m, q to quit (needs --reviewer, --stage)
  export --out FILE      write the reviewer's sheet (CSV) for --stage
  import FILE            read a reviewer's sheet back (--reviewer, --stage)
  conflicts              records the reviewers disagree on at --stage, and how many wait for another
                         reviewer (a decision counts once [screening] reviewers_per_record reviewers,
                         default 2, decided alike; set 1 in review.toml when one person screens)
  resolve ID --decision D [--reason R]   record the final decision (--reviewer = who resolved)
  kappa                  Cohen's kappa per stage and pair of reviewers
  reasons [REASON...]    list, or add to, the review's full-text exclusion reasons
  not-retrieved ID...    mark reports sought but not retrieved (retrieved ID... undoes)
  studies [--auto]       list studies; --auto gives each unassigned included report its own study
  link ID LABEL [--new]  assign an included report to the existing study LABEL (--new creates it;
                         a label that matches no study is refused with the closest labels)
"""


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "screen",
        help="screen records (title/abstract, full text), resolve conflicts, group studies",
        description="Independent two-stage screening.",
        epilog=_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "action",
        nargs="?",
        default="run",
        choices=ACTIONS,
        metavar="ACTION",
        help="what to do (see below; default: run)",
    )
    parser.add_argument("args", nargs="*", metavar="ARG", help="record ids, a sheet file, reasons or a label")
    parser.add_argument("--reviewer", metavar="NAME", help="who screens (or, for resolve, who decides)")
    parser.add_argument("--stage", metavar="title|fulltext", help="title/abstract or full-text stage")
    parser.add_argument("--decision", metavar="include|exclude|maybe", help="final decision for resolve")
    parser.add_argument("--reason", help="full-text exclusion reason (from the review's list)")
    parser.add_argument("--note", default="", help="note kept with a resolution or retrieval mark")
    parser.add_argument("--out", metavar="FILE", help="sheet to write (export)")
    parser.add_argument("--force", action="store_true", help="export: replace a FILE that evisynth did not write")
    parser.add_argument(
        "--auto", action="store_true", help="studies: one study per unassigned included report"
    )
    parser.add_argument(
        "--new", action="store_true", help="link: create the study LABEL (by default it must exist)"
    )
    add_project_options(parser)
    parser.set_defaults(func=run)
    return parser


def _need(value: str | None, option: str, action: str) -> str:
    from evisynth.errors import InputError

    if not value:
        raise InputError(f"'screen {action}' needs {option}")
    return value


def _ids(args: argparse.Namespace) -> list[int]:
    from evisynth.errors import InputError

    if not args.args or not all(a.isdigit() for a in args.args):
        raise InputError(f"'screen {args.action}' needs record ids (whole numbers)")
    return [int(a) for a in args.args]


def run(args: argparse.Namespace) -> int:
    """Carry out ``args.action``."""
    from evisynth.api.records import parse_decision, parse_stage
    from evisynth.api.records import screening as ss
    from evisynth.errors import InputError

    action = args.action
    stage = parse_stage(args.stage) if args.stage else None
    with project_session(args) as project:
        if action == "run":
            from evisynth.cli.screener import run_screener

            run_screener(project, _need(args.reviewer, "--reviewer", action), _need(stage, "--stage", action))
        elif action == "export":
            from evisynth.api.records import export_sheet, project_inputs

            n = export_sheet(
                project,
                _need(args.reviewer, "--reviewer", action),
                _need(stage, "--stage", action),
                _need(args.out, "--out FILE", action),
                force=args.force,
                inputs=tuple(project_inputs(project)),
            )
            print(f"wrote {n} records to {args.out}")
        elif action == "import":
            from evisynth.api.records import import_sheet

            if len(args.args) != 1:
                raise InputError("'screen import' needs one sheet file")
            n = import_sheet(
                project,
                _need(args.reviewer, "--reviewer", action),
                _need(stage, "--stage", action),
                args.args[0],
            )
            print(f"stored {n} decisions by {args.reviewer} at {stage} stage")
        elif action == "conflicts":
            snap = ss.snapshot(project, _need(stage, "--stage", action))
            found = snap.conflicts()
            records = project.citations([i for i, _ in found])
            for record_id, decisions in found:
                said = ", ".join(
                    f"{d.reviewer}: {d.decision}" + (f" ({d.reason})" if d.reason else "") for d in decisions
                )
                print(f"{record_id}: {records[record_id].title}\n    {said}")
            print(f"{len(found)} conflicts at {stage} stage; {len(snap.waiting())} records waiting for another "
                  f"reviewer ({snap.required} reviewers per record)")
        elif action == "resolve":
            decision = parse_decision(_need(args.decision, "--decision", action))
            for record_id in _ids(args):
                ss.resolve(
                    project,
                    record_id,
                    _need(stage, "--stage", action),
                    decision,
                    by=_need(args.reviewer, "--reviewer", action),
                    reason=args.reason,
                    note=args.note,
                )
                print(f"record {record_id}: final {stage} decision {decision}")
        elif action == "kappa":
            for st in [stage] if stage else ["title", "fulltext"]:
                for a in ss.kappa(project, st):
                    value = "undefined" if a.kappa is None else f"{a.kappa:.2f}"
                    print(
                        f"{st}: {a.reviewer_a} vs {a.reviewer_b}: kappa = {value} "
                        f"(n = {a.n}, agreement {a.observed:.1%})"
                    )
        elif action == "reasons":
            if args.args:
                ss.add_exclusion_reasons(project, args.args, by=args.reviewer or "")
            for n, reason in enumerate(ss.exclusion_reasons(project), start=1):
                print(f"{n}. {reason}")
        elif action in ("not-retrieved", "retrieved"):
            for record_id in _ids(args):
                ss.set_retrieved(project, record_id, action == "retrieved", args.note)
                print(f"record {record_id}: {action}")
        elif action == "studies":
            if args.auto:
                ss.auto_studies(project)
            for label, reports in ss.studies(project).items():
                print(f"{label}: reports {', '.join(map(str, reports))}")
        elif action == "link":
            if len(args.args) != 2 or not args.args[0].isdigit():
                raise InputError("'screen link' needs a record id and a study label")
            created = ss.link_report(project, int(args.args[0]), args.args[1], new=args.new)
            print(f"record {args.args[0]} -> study {args.args[1].strip()}" + (" (new study)" if created else ""))
    return 0
