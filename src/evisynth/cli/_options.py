"""Analysis options shared by ``analyze``, ``report`` and other commands (exact public spellings)."""

from __future__ import annotations

import argparse
from typing import Any

from evisynth.analyses.spec import METHODS, SUBGROUP_MODELS, AnalysisSpec
from evisynth.effects.compute import SMD_VARIANCES
from evisynth.effects.table import MEASURES
from evisynth.errors import InputError


def _upper(text: str) -> str:
    return text.upper()


def add_analysis_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the analysis options (``--measure``, ``--model``, ``--method``, ...) to ``parser``."""
    g = parser.add_argument_group("analysis options")
    g.add_argument("--measure", type=_upper, choices=MEASURES, help="effect measure (default: MD, OR or GEN by data)")
    g.add_argument("--log-scale", action="store_true", help="with GEN: inputs are log ratios (report _exp twins)")
    g.add_argument("--model", choices=("fixed", "random"), help="fixed (common) or random effects (default random)")
    g.add_argument("--method", type=_upper, choices=METHODS,
                   help="IV/MH/PETO (fixed) or a tau² estimator (default REML)")
    g.add_argument("--test", choices=("z", "hksj", "hksj-adhoc"), default="z", help="inference for the pooled effect")
    g.add_argument("--level", type=float, default=0.95, help="confidence level as a fraction (default 0.95)")
    g.add_argument("--smd-variance", choices=SMD_VARIANCES, default="revman", help="variance of Hedges' g")
    g.add_argument("--continuity", type=float, default=0.5, help="added to cells of zero-cell studies (0 disables)")
    g.add_argument("--mh-continuity", choices=("revman", "none"), default="revman",
                   help="corrected zero-cell tables in the MH sums (revman) or not (none, as metafor)")
    dz = g.add_mutually_exclusive_group()
    dz.add_argument("--drop-double-zero", dest="drop_double_zero", action="store_true", default=None,
                    help="drop studies without events in both arms (default for OR/RR/PETO)")
    dz.add_argument("--keep-double-zero", dest="drop_double_zero", action="store_false",
                    help="keep double-zero studies (default for RD)")
    g.add_argument("--subgroup", metavar="COLUMN", help="subgroup variable")
    g.add_argument("--subgroup-model", choices=SUBGROUP_MODELS, default="separate",
                   help="separate tau² per subgroup (RevMan) or a common tau² (mixed-effects)")
    g.add_argument("--moderator", metavar="COLUMN", action="append", default=[], help="meta-regression moderator")
    g.add_argument("--reference", metavar="COLUMN=LEVEL", action="append", default=[],
                   help="reference level of a categorical moderator")
    g.add_argument("--predict", metavar="COLUMN=VALUE[,COLUMN=VALUE...]", action="append", default=[],
                   help="prediction point for the meta-regression")
    g.add_argument("--permutations", type=int, default=0, metavar="N", help="permutation test iterations")
    g.add_argument("--seed", type=int, default=20261124, help="random seed for the permutation test")
    g.add_argument("--bias", action="store_true", help="publication-bias analyses")
    g.add_argument("--sensitivity", action="store_true", help="leave-one-out, cumulative and influence analyses")
    g.add_argument("--order", metavar="COLUMN", help="order of the cumulative meta-analysis")


def _pair(text: str, option: str) -> tuple[str, str]:
    if "=" not in text:
        raise InputError(f"{option} expects COLUMN=VALUE; got {text!r}")
    key, value = text.split("=", 1)
    if not key.strip():
        raise InputError(f"{option} expects COLUMN=VALUE; got {text!r}")
    return key.strip(), value.strip()


def _value(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def spec_from_args(args: argparse.Namespace) -> AnalysisSpec:
    """Build the :class:`AnalysisSpec` described by parsed options."""
    predict = tuple(
        tuple((k, _value(v)) for k, v in (_pair(part, "--predict") for part in item.split(",") if part.strip()))
        for item in args.predict
    )
    return AnalysisSpec(
        measure=args.measure,
        model=args.model,
        method=args.method,
        test=args.test,
        level=args.level,
        smd_variance=args.smd_variance,
        continuity=args.continuity,
        mh_continuity=args.mh_continuity,
        drop_double_zero=args.drop_double_zero,
        log_scale=args.log_scale,
        subgroup=args.subgroup,
        subgroup_model=args.subgroup_model,
        moderators=tuple(args.moderator),
        reference=tuple(_pair(r, "--reference") for r in args.reference),
        predict=predict,
        permutations=args.permutations,
        seed=args.seed,
        bias=args.bias,
        sensitivity=args.sensitivity,
        order=args.order,
    )
