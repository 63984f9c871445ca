"""``evisynth report DATA [analysis options] --out DIR``: write the HTML/Markdown report with figures."""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

from evisynth.cli._options import add_analysis_arguments, spec_from_args


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the ``report`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "report", help="write an HTML and Markdown report with figures",
        description="Meta-analyse a study table and write report.html (self-contained), report.md, the figures "
                    "(PNG and SVG) and analysis.json into a directory. Takes the same analysis options as analyze.",
    )
    parser.add_argument("data", metavar="DATA", help="study table (.csv or .xlsx)")
    parser.add_argument("--out", metavar="DIR", required=True, help="output directory (created if needed)")
    parser.add_argument("--force", action="store_true", help="replace files in DIR that evisynth did not write")
    add_analysis_arguments(parser)
    g = parser.add_argument_group("report options")
    g.add_argument("--intervention", metavar="NAME", help="name of the experimental intervention (e.g. rTMS)")
    g.add_argument("--comparison", metavar="NAME", help="name of the comparison (default: control)")
    g.add_argument("--outcome", metavar="NAME", help="name of the outcome (e.g. spasticity)")
    direction = g.add_mutually_exclusive_group()
    direction.add_argument("--lower-is-better", dest="lower_is_better", action="store_true", default=True,
                           help="values below no effect favour the intervention (default, as RevMan)")
    direction.add_argument("--higher-is-better", dest="lower_is_better", action="store_false",
                           help="values above no effect favour the intervention (swaps the favours labels)")
    g.add_argument("--favours-left", metavar="TEXT", help="label under the left half of the forest plot")
    g.add_argument("--favours-right", metavar="TEXT", help="label under the right half of the forest plot")
    g.add_argument("--sort-by", metavar="KEY", help="forest-plot order: effect, weight, study, year or a column")
    g.add_argument("--descending", action="store_true", help="reverse the forest-plot order")
    g.add_argument("--no-prediction", dest="prediction", action="store_false", default=True,
                   help="do not show prediction intervals")
    g.add_argument("--unit", default="studies", help="what a study is called in the results text (studies, trials)")
    g.add_argument("--title", help="report title")
    g.add_argument("--embed", choices=("png", "svg"), default="png", help="how report.html embeds figures")
    g.add_argument("--dpi", type=int, default=300, help="resolution of the PNG figures (default 300)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``report``."""
    from evisynth.api.analysis import analyze
    from evisynth.api.reports import ReportOptions, write_report

    spec = spec_from_args(args)
    options = ReportOptions(
        intervention=args.intervention, comparison=args.comparison, outcome=args.outcome,
        lower_is_better=args.lower_is_better, unit=args.unit, prediction=args.prediction, sort_by=args.sort_by,
        descending=args.descending, favours_left=args.favours_left, favours_right=args.favours_right,
        title=args.title, embed=args.embed, dpi=args.dpi,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bundle = analyze(args.data, spec)
        path = write_report(bundle, args.out, options, force=args.force, inputs=(args.data,))
    for w in bundle.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(f"wrote {path}", file=sys.stderr)
    return 0
