"""RevMan-layout forest plot: :func:`forest_layout` (pure) and :func:`draw`.

The layout reads the typed results of one analysis (an
:class:`~evisynth.analyses.bundle.AnalysisBundle`) and decides every row, cell text, column
width, axis limit and the figure size; :func:`draw` only places them on a
:class:`matplotlib.figure.Figure`. Numbers are written by :mod:`evisynth.format`.

Every number shown is one field of the results: the study rows are
:class:`~evisynth.analyses.results.StudyRow`; the total is ``bundle.pooled``, with the
participants and events of ``bundle.totals`` and the heterogeneity and overall-effect lines of
``bundle.text`` (the lines of the terminal summary); subtotals are the
:class:`~evisynth.analyses.results.SubgroupGroup` results; the prediction interval is
:meth:`~evisynth.analyses.results.Pooled.prediction_interval`, the one every display shows.

Examples
--------
>>> import pandas as pd
>>> from evisynth.analyses.run import run_analysis
>>> from evisynth.analyses.spec import AnalysisSpec
>>> data = pd.DataFrame({"study": ["A", "B", "C"], "m1": [1.2, 1.8, 1.4], "sd1": [0.8, 1.0, 0.7],
...                      "n1": [20, 11, 16], "m2": [1.5, 2.4, 1.5], "sd2": [0.9, 1.2, 0.5], "n2": [20, 17, 11],
...                      "side": ["left", "right", "left"]})
>>> bundle = run_analysis(data, AnalysisSpec(subgroup="side", method="DL"))
>>> lay = forest_layout(bundle)
>>> [r.kind for r in lay.rows][:3]
['subgroup_header', 'study', 'study']
>>> lay.method_header
'IV, Random, 95% CI'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from evisynth.analyses.results import Pooled
from evisynth.errors import InputError
from evisynth.plots._forest_geometry import (
    POOLED_KINDS,
    TEXT_KINDS,
    Column,
    ForestLayout,
    ForestRow,
    assemble,
    favours_labels,
    forest_axis,
    user_axis,
)
from evisynth.plots._forest_rows import forest_rows
from evisynth.plots._layout import Axis, is_number
from evisynth.plots._rob import ROB_DOMAINS, rob_table

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle

__all__ = [
    "POOLED_KINDS", "ROB_DOMAINS", "TEXT_KINDS", "Column", "ForestLayout", "ForestOptions", "ForestRow", "assemble",
    "draw", "forest_layout", "forest_plot", "method_header",
]

@dataclass(frozen=True)
class ForestOptions:
    """How to lay out a forest plot.

    Attributes
    ----------
    sort_by : str, optional
        ``None`` (as entered), ``"effect"``, ``"weight"``, ``"study"``, ``"year"`` or any data or
        moderator column; studies are sorted within each subgroup.
    descending : bool
        Reverse the sort.
    intervention, comparison : str
        Names in the column headers and favours labels (``Favours [experimental]``).
    favours_left, favours_right : str, optional
        Explicit favours labels (override the generated ones).
    lower_is_better : bool
        ``True`` (RevMan's default): values below the line of no effect favour the
        intervention, so its label is on the left. ``False`` swaps the labels.
    prediction : bool
        Draw the prediction interval row under the total (random effects, k >= 3).
    prediction_type : {"t", "z"}
        ``"t"`` (default): :meth:`Pooled.prediction_interval`, the t interval with k-2 df that the
        summary, the report and the JSON text show. ``"z"``: metafor's default interval
        (``Pooled.pi_lower``/``pi_upper``: normal quantiles, or t with k-1 df under HKSJ).
    xlim : tuple of float, optional
        Axis limits on the natural scale (ratios for OR/RR).
    rob : dict, optional
        ``{study: {"D1": "Low", ..., "Overall": "High"}}``; by default taken from moderator
        columns named D1..D5 / Overall when present.
    show_rob : bool
        Draw the risk-of-bias columns when judgements are found.
    show_excluded : bool
        Show not-estimable / excluded studies greyed with their reason.
    subgroup_na_line : bool
        Print ``Test for subgroup differences: Not applicable`` without subgroups (RevMan).
    title : str, optional
    """

    sort_by: str | None = None
    descending: bool = False
    intervention: str = "Experimental"
    comparison: str = "Control"
    favours_left: str | None = None
    favours_right: str | None = None
    lower_is_better: bool = True
    prediction: bool = False
    prediction_type: str = "t"
    xlim: tuple[float, float] | None = None
    rob: dict[str, dict[str, str]] | None = None
    show_rob: bool = True
    show_excluded: bool = True
    subgroup_na_line: bool = True
    title: str | None = None

    def favours(self) -> tuple[str, str]:
        """The favours labels these options give (left, right)."""
        return favours_labels(self.intervention, self.comparison, lower_is_better=self.lower_is_better,
                              left=self.favours_left, right=self.favours_right)


def method_header(pooled: Pooled) -> str:
    """The effect column's header: ``IV, Random, 95% CI``, ``M-H, Fixed, 95% CI``, ..."""
    return pooled.analysis_label()


def _data_columns(bundle: AnalysisBundle, opts: ForestOptions) -> list[tuple[str, str, str]]:
    e, c = opts.intervention, opts.comparison
    if bundle.data_type == "continuous":
        return [("m1", "Mean", e), ("sd1", "SD", e), ("n1", "Total", e),
                ("m2", "Mean", c), ("sd2", "SD", c), ("n2", "Total", c)]
    if bundle.data_type == "binary":
        return [("events1", "Events", e), ("n1", "Total", e), ("events2", "Events", c), ("n2", "Total", c)]
    est = f"log[{bundle.measure_label}]" if bundle.log_scale else "Estimate"
    return [("yi", est, ""), ("se", "SE", "")]


def data_extent(rows: Sequence[ForestRow]) -> tuple[float, float]:
    """How far the rows reach below and above the line of no effect (analysis scale).

    Every pooled interval, prediction interval and study estimate counts; a study's confidence
    limit counts when it lies within twice that reach (a longer whisker is drawn with an arrow).
    """
    core = [v for r in rows if r.kind in (*POOLED_KINDS, "prediction") for v in (r.lower, r.upper) if is_number(v)]
    core += [r.estimate for r in rows if r.kind == "study" and is_number(r.estimate)]
    base = max((abs(v) for v in core), default=1.0) or 1.0
    whiskers = [v for r in rows if r.kind == "study" for v in (r.lower, r.upper) if is_number(v) and abs(v) <= 2 * base]
    values = [*core, *whiskers]
    left = max((-v for v in values if v < 0), default=0.0)
    right = max((v for v in values if v > 0), default=0.0)
    if left == right == 0.0:
        return 1.0, 1.0
    return left, right


def _axis(bundle: AnalysisBundle, rows: list[ForestRow], opts: ForestOptions, label: str) -> Axis:
    log = bundle.log_scale
    if opts.xlim is not None:
        lo, hi = opts.xlim
        if not (is_number(lo) and is_number(hi) and lo < hi):
            raise InputError(f"xlim must be two numbers, lower < upper; got {opts.xlim}")
        if log:
            if lo <= 0 or hi <= 0:
                raise InputError(f"xlim must be positive ratios for {bundle.measure}; got {opts.xlim}")
            lo, hi = math.log(lo), math.log(hi)
        return user_axis(lo, hi, log=log, label=label)
    left, right = data_extent(rows)
    return forest_axis(left, right, opts.favours(), log=log, label=label)


def forest_layout(bundle: AnalysisBundle, options: ForestOptions | None = None, **kwargs: Any) -> ForestLayout:
    """Lay out a RevMan-style forest plot of an analysis.

    Parameters
    ----------
    bundle : AnalysisBundle
        The analysis (``run_analysis(...)``, or ``AnalysisBundle.from_dict(doc)`` for a saved one).
    options : ForestOptions, optional
        Or pass its fields as keyword arguments (they override ``options``).
    """
    opts = options or ForestOptions(**kwargs)
    if options is not None and kwargs:
        opts = replace(options, **kwargs)
    if opts.prediction_type not in ("t", "z"):
        raise InputError(f"prediction_type must be 't' or 'z'; got {opts.prediction_type!r}")
    if not bundle.studies:
        raise InputError("the analysis has no studies to plot")
    data_cols = _data_columns(bundle, opts)
    rob_domains, rob = rob_table(bundle.studies, opts.rob, show=opts.show_rob)
    rows = forest_rows(bundle, opts, data_cols, rob)
    measure = bundle.measure_label
    method = method_header(bundle.pooled)
    axis = _axis(bundle, rows, opts, measure)

    headers = [("label", "Study or Subgroup", "", "left")]
    headers += [(key, head, group, "right") for key, head, group in data_cols]
    headers += [("weight", "Weight", "", "right"), ("effect", method, measure, "center")]
    return assemble(rows, headers, axis, measure, method, opts.favours(), rob_domains, opts.title,
                    wide_after=("label", "n1", "weight"))


def draw(layout: ForestLayout, fig: Any = None) -> Any:
    """Render ``layout`` on a :class:`matplotlib.figure.Figure` (a new one by default) and return it."""
    from evisynth.plots._forest_draw import draw_forest

    return draw_forest(layout, fig)


def forest_plot(bundle: AnalysisBundle, options: ForestOptions | None = None, **kwargs: Any) -> Any:
    """Layout and draw in one call; returns the Figure."""
    return draw(forest_layout(bundle, options, **kwargs))
