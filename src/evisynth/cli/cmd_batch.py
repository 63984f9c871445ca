"""``evisynth batch INPUT --group COLUMN --out RESULTS``: one meta-analysis per group, streamed.

The input (CSV or Parquet) is a long table, one row per study, **grouped by** ``--group``
(all rows of a meta-analysis contiguous, e.g. sorted by it); it is read in chunks so memory
stays bounded however large the file is. Results (CSV or Parquet) have one row per group.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from evisynth.options import DEFAULT_LEVEL, DEFAULT_MODEL, DEFAULT_TAU2_METHOD, DEFAULT_TEST, MODELS, TAU2_METHODS, TESTS

#: τ² estimators (as in ``evisynth analyze``), and IV for a common-effect analysis.
BATCH_METHODS = ("IV", *TAU2_METHODS)


def _upper(text: str) -> str:
    return text.upper()


def register(sub: Any) -> argparse.ArgumentParser:
    """Register the ``batch`` sub-command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "batch", help="meta-analyse every group of a long table (CSV or Parquet), streaming",
        description=(
            "Fit one meta-analysis per group of a long table (one row per study) and write one row of "
            "results per group. The input must be grouped by --group (rows of a group contiguous, e.g. "
            "sorted by it); it is read in chunks, so files larger than memory are fine."
        ),
    )
    parser.add_argument("input", metavar="INPUT", help="long table (.csv or .parquet)")
    parser.add_argument("--group", metavar="COLUMN", required=True, help="column naming each meta-analysis")
    parser.add_argument("--yi", metavar="COL", default="yi", help="effect estimates (default yi)")
    se = parser.add_mutually_exclusive_group()
    se.add_argument("--vi", metavar="COL", default=None, help="sampling variances (default vi)")
    se.add_argument("--sei", metavar="COL", default=None, help="standard errors instead of variances")
    parser.add_argument("--out", metavar="RESULTS", required=True, help="results file (.csv or .parquet)")
    parser.add_argument("--force", action="store_true", help="replace a RESULTS file that evisynth did not write")
    g = parser.add_argument_group("analysis options")
    g.add_argument("--model", choices=MODELS, default=DEFAULT_MODEL,
                   help=f"fixed (common) or random effects (default {DEFAULT_MODEL})")
    g.add_argument("--method", type=_upper, choices=BATCH_METHODS, default=DEFAULT_TAU2_METHOD,
                   help=f"tau² estimator (default {DEFAULT_TAU2_METHOD}); IV means a common-effect analysis")
    g.add_argument("--test", choices=TESTS, default=DEFAULT_TEST, help="inference for the pooled effect")
    g.add_argument("--level", type=float, default=DEFAULT_LEVEL,
                   help=f"confidence level as a fraction (default {DEFAULT_LEVEL})")
    g.add_argument("--heterogeneity-ci", action="store_true", help="Q-profile intervals for tau², tau, I², H²")
    p = parser.add_argument_group("streaming")
    p.add_argument("--chunk-rows", type=int, default=250_000, metavar="N", help="rows read per chunk (default 250000)")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="progress bar on stderr (default: when stderr is a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``batch``."""
    from evisynth.api.batch import batch_file

    summary = batch_file(
        args.input, args.out, args.group, args.yi, args.vi or "vi", sei=args.sei,
        model=args.model, method=args.method, test=args.test, level=args.level,
        heterogeneity_ci=args.heterogeneity_ci, chunk_rows=args.chunk_rows, progress=args.progress,
        force=args.force,
    )
    note = f"; {summary.not_converged} not converged (column 'converged')" if summary.not_converged else ""
    print(f"wrote {summary.output}: {summary.groups} meta-analyses from {summary.rows} rows{note}", file=sys.stderr)
    return 0
