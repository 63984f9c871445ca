"""Analysis options shared by ``analyze``, ``report`` and other commands (exact public spellings)."""

from __future__ import annotations

import argparse
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from evisynth.errors import InputError
from evisynth.options import OPTIONS, Option

if TYPE_CHECKING:
    from evisynth.api.analysis import AnalysisSpec


def _upper(text: str) -> str:
    return text.upper()


def _type(option: Option) -> Any:
    if option.upper:
        return _upper
    if isinstance(option.default, bool) or option.choices is not None:
        return str
    if isinstance(option.default, int):
        return int
    if isinstance(option.default, float):
        return float
    return str


def _add(group: Any, name: str) -> None:
    option = OPTIONS[name]
    group.add_argument(option.flag, type=_type(option), choices=option.choices, default=option.default,
                       metavar=option.metavar, help=option.help)


def add_analysis_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the analysis options (``--measure``, ``--model``, ``--method``, ...) to ``parser``.

    Codes, defaults and help texts come from :data:`evisynth.options.OPTIONS`.
    """
    g = parser.add_argument_group("analysis options")
    _add(g, "measure")
    g.add_argument("--log-scale", action="store_true", help="with GEN: inputs are log ratios (report _exp twins)")
    for name in ("model", "method", "test", "level", "smd_variance", "continuity", "mh_continuity", "tau2_ci_bound"):
        _add(g, name)
    dz = g.add_mutually_exclusive_group()
    dz.add_argument("--drop-double-zero", dest="drop_double_zero", action="store_true", default=None,
                    help="drop studies without events in both arms (default for OR/RR/PETO)")
    dz.add_argument("--keep-double-zero", dest="drop_double_zero", action="store_false",
                    help="keep double-zero studies (default for RD)")
    g.add_argument("--subgroup", metavar="COLUMN", help="subgroup variable")
    _add(g, "subgroup_model")
    g.add_argument("--moderator", metavar="COLUMN", action="append", default=[], help="meta-regression moderator")
    g.add_argument("--reference", metavar="COLUMN=LEVEL", action="append", default=[],
                   help="reference level of a categorical moderator")
    g.add_argument("--predict", metavar="COLUMN=VALUE[,COLUMN=VALUE...]", action="append", default=[],
                   help="prediction point for the meta-regression")
    _add(g, "permutations")
    _add(g, "seed")
    g.add_argument("--bias", action="store_true", help="publication-bias analyses")
    g.add_argument("--sensitivity", action="store_true", help="leave-one-out, cumulative and influence analyses")
    g.add_argument("--order", metavar="COLUMN", help="order of the cumulative meta-analysis")
    _add(g, "cluster")
    g.add_argument(OPTIONS["robust"].flag, action="store_true", default=OPTIONS["robust"].default,
                   help=OPTIONS["robust"].help)


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
    """Build the :class:`AnalysisSpec` described by parsed options (one option per spec field)."""
    from evisynth.api.analysis import AnalysisSpec

    predict = tuple(
        tuple((k, _value(v)) for k, v in (_pair(part, "--predict") for part in item.split(",") if part.strip()))
        for item in args.predict
    )
    structured = {
        "moderators": tuple(args.moderator),
        "reference": tuple(_pair(r, "--reference") for r in args.reference),
        "predict": predict,
    }
    values: dict[str, Any] = {f.name: structured[f.name] if f.name in structured else getattr(args, f.name)
              for f in fields(AnalysisSpec) if f.name != "extra"}
    return AnalysisSpec(**values)
