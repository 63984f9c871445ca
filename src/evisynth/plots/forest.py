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

from evisynth import format as fmt
from evisynth.analyses.results import Pooled, StudyRow, SubgroupGroup
from evisynth.errors import InputError
from evisynth.plots._arm_data import arm_cells, derived_legend, has_derived
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
from evisynth.plots._layout import Axis, is_number, weight_text
from evisynth.plots._rob import ROB_DOMAINS, rob_table

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle

__all__ = [
    "POOLED_KINDS", "ROB_DOMAINS", "TEXT_KINDS", "Column", "ForestLayout", "ForestOptions", "ForestRow", "assemble",
    "draw", "forest_layout", "forest_plot", "method_header",
]

#: StudyRow fields ``sort_by`` accepts besides ``effect``, ``weight`` and the data/moderator columns.
_STUDY_FIELDS = ("study", "yi", "vi", "se", "ci_lower", "ci_upper", "weight_percent", "included", "note")


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


def _sort_key(studies: Sequence[StudyRow], study: StudyRow, by: str) -> Any:
    if by == "effect":
        return study.yi
    if by == "weight":
        return study.weight_percent
    if by == "study":
        return study.study
    for values in (study.data, study.moderators):
        for key, value in values.items():
            if key.lower() == by.lower():
                return value
    if by in _STUDY_FIELDS:
        return getattr(study, by)
    columns = sorted({k for s in studies for k in (*s.data, *s.moderators)})
    raise InputError(f"sort_by={by!r} is not a study column; use effect, weight, study or one of: "
                     + (", ".join(columns) or "none"))


def _missing(key: Any) -> bool:
    return key is None or (isinstance(key, float) and math.isnan(key))


def _ordered(studies: Sequence[StudyRow], indices: Sequence[int], opts: ForestOptions) -> list[int]:
    """``indices`` in display order: sorted by ``opts.sort_by`` (missing values last), excluded rows kept or not."""
    if not opts.show_excluded:
        indices = [i for i in indices if studies[i].included]
    if not opts.sort_by:
        return list(indices)
    keyed = [(i, _sort_key(studies, studies[i], opts.sort_by)) for i in indices]
    present = [(i, k) for i, k in keyed if not _missing(k)]
    missing = [i for i, k in keyed if _missing(k)]
    try:
        present.sort(key=lambda t: t[1], reverse=opts.descending)
    except TypeError:
        present.sort(key=lambda t: str(t[1]), reverse=opts.descending)
    return [i for i, _ in present] + missing


def _study_row(bundle: AnalysisBundle, i: int, data_cols: list[tuple[str, str, str]], rob: dict[str, str],
               group: str | None, arm: dict[str, str]) -> ForestRow:
    s = bundle.studies[i]
    cells: dict[str, str] = {}
    for key, _, _ in data_cols:
        if key in ("yi", "se"):
            value = s.yi if key == "yi" else s.se
            cells[key] = fmt.format_number(value, 4) if is_number(value) else ""
        else:
            cells[key] = arm[key]
    if not s.included or not s.estimable:
        # not in the analysis, or counted without an effect of its own (a double-zero table under MH/Peto)
        if s.included and is_number(s.weight_percent):
            cells["weight"] = weight_text(s.weight_percent)
        cells["effect"] = "Not estimable"
        return ForestRow("excluded", s.study, cells, note=s.note or "not included in the analysis",
                         rob=rob, study_index=i, group=group)
    cells["weight"] = weight_text(s.weight_percent)
    cells["effect"] = fmt.format_effect_ci(bundle.natural(s.yi), bundle.natural(s.ci_lower),
                                           bundle.natural(s.ci_upper))
    return ForestRow("study", s.study, cells, s.yi, s.ci_lower, s.ci_upper, s.weight_percent, note=s.note or "",
                     rob=rob, study_index=i, group=group)


def _data_sum(studies: Sequence[StudyRow], indices: Sequence[int], key: str) -> str:
    """The sum of an arm column (participants, events) over the included studies of a subgroup, as entered."""
    nums = [v for i in indices if studies[i].included and is_number(v := studies[i].data.get(key))]
    return fmt.format_data_value(sum(nums)) if nums else ""


@dataclass(frozen=True)
class _Summary:
    """What a subtotal or total row shows (every value read from one result field)."""

    kind: str
    label: str
    estimate: float | None
    ci_lower: float | None
    ci_upper: float | None
    weight: float | None
    counts: dict[str, str]  # n1, n2 (continuous and dichotomous data)
    events: dict[str, str] | None  # events1, events2 (dichotomous data)
    prediction: tuple[float | None, float | None]
    heterogeneity: str
    overall: str
    group: str | None


def _summary_rows(bundle: AnalysisBundle, s: _Summary) -> list[ForestRow]:
    cells = {**s.counts, "weight": weight_text(s.weight)}
    if is_number(s.ci_lower) and is_number(s.ci_upper):
        cells["effect"] = fmt.format_effect_ci(bundle.natural(s.estimate), bundle.natural(s.ci_lower),
                                               bundle.natural(s.ci_upper))
        rows = [ForestRow(s.kind, s.label, cells, s.estimate, s.ci_lower, s.ci_upper, s.weight, group=s.group)]
    else:  # e.g. HKSJ with a single study: no interval, no diamond
        cells["effect"] = "Not estimable"
        rows = [ForestRow(s.kind, s.label, cells, None, None, None, s.weight, group=s.group)]
    if s.events is not None:
        rows.append(ForestRow("events", "Total events", s.events, group=s.group))
    lo, hi = s.prediction
    if is_number(lo) and is_number(hi):
        rows.append(ForestRow("prediction", "Prediction interval",
                              {"effect": fmt.format_ci(bundle.natural(lo), bundle.natural(hi))}, s.estimate, lo, hi,
                              group=s.group))
    rows.append(ForestRow("heterogeneity", s.heterogeneity, group=s.group))
    rows.append(ForestRow("overall_effect", s.overall, group=s.group))
    return rows


_NO_HETEROGENEITY = "Heterogeneity: Not applicable"
_NO_OVERALL = "Test for overall effect: Not applicable"


def _testable(q: float | None, q_df: int | None) -> bool:
    return is_number(q) and q_df is not None and q_df > 0


def _prediction(pooled: Pooled, opts: ForestOptions) -> tuple[float | None, float | None]:
    if not (opts.prediction and pooled.random):
        return None, None
    if opts.prediction_type == "z":
        return pooled.pi_lower, pooled.pi_upper
    return pooled.prediction_interval()


def _total(bundle: AnalysisBundle, level: str, opts: ForestOptions) -> _Summary:
    p, h, t, text = bundle.pooled, bundle.heterogeneity, bundle.totals, bundle.text
    arms = bundle.data_type in ("continuous", "binary")
    return _Summary(
        "total", f"Total ({level}% CI)", p.estimate, p.ci_lower, p.ci_upper, 100.0,
        {"n1": fmt.format_data_value(t.n1), "n2": fmt.format_data_value(t.n2)} if arms else {},
        {"events1": fmt.format_data_value(t.events1), "events2": fmt.format_data_value(t.events2)}
        if bundle.data_type == "binary" else None,
        _prediction(p, opts),
        text["heterogeneity"] if _testable(h.q, h.q_df) else _NO_HETEROGENEITY,
        text["overall_effect"] if is_number(p.statistic) and is_number(p.p_value) else _NO_OVERALL,
        None,
    )


def _subtotal(bundle: AnalysisBundle, g: SubgroupGroup, level: str) -> _Summary:
    studies, indices = bundle.studies, g.study_indices
    tau2 = g.tau2 if bundle.pooled.random else None
    weight = sum(w for i in indices if studies[i].included and is_number(w := studies[i].weight_percent))
    return _Summary(
        "subtotal", f"Subtotal ({level}% CI)", g.estimate, g.ci_lower, g.ci_upper, weight,
        {"n1": _data_sum(studies, indices, "n1"), "n2": _data_sum(studies, indices, "n2")}
        if bundle.data_type in ("continuous", "binary") else {},
        {"events1": _data_sum(studies, indices, "events1"), "events2": _data_sum(studies, indices, "events2")}
        if bundle.data_type == "binary" else None,
        (None, None),
        fmt.heterogeneity_text(q=g.q, df=g.q_df, q_p=g.q_p, i2=g.i2, tau2=tau2)
        if _testable(g.q, g.q_df) else _NO_HETEROGENEITY,
        fmt.overall_effect_text(g.statistic, g.p_value, g.df)
        if is_number(g.statistic) and is_number(g.p_value) else _NO_OVERALL,
        g.level,
    )


def _rows(bundle: AnalysisBundle, opts: ForestOptions, data_cols: list[tuple[str, str, str]],
          rob: list[dict[str, str]]) -> list[ForestRow]:
    studies = bundle.studies
    level = fmt.format_count(100 * bundle.pooled.level)
    rows: list[ForestRow] = []
    arm_keys = [key for key, _, _ in data_cols if key not in ("yi", "se")]
    arm = arm_cells(studies, arm_keys)
    sg = bundle.subgroups
    if sg is not None:
        seen: set[int] = set()
        for g in sg.groups:
            seen.update(g.study_indices)
            rows.append(ForestRow("subgroup_header", g.level, group=g.level))
            rows += [_study_row(bundle, i, data_cols, rob[i], g.level, arm[i])
                     for i in _ordered(studies, g.study_indices, opts)]
            rows += _summary_rows(bundle, _subtotal(bundle, g, level))
            rows.append(ForestRow("blank"))
        rest = _ordered(studies, [i for i in range(len(studies)) if i not in seen], opts)
        if rest:
            rows.append(ForestRow("subgroup_header", "Not in a subgroup"))
            rows += [_study_row(bundle, i, data_cols, rob[i], None, arm[i]) for i in rest]
            rows.append(ForestRow("blank"))
    else:
        rows += [_study_row(bundle, i, data_cols, rob[i], None, arm[i])
                 for i in _ordered(studies, range(len(studies)), opts)]
        rows.append(ForestRow("blank"))
    rows += _summary_rows(bundle, _total(bundle, level, opts))
    if sg is not None:
        rows.append(ForestRow("subgroup_difference", bundle.text["subgroup_difference"]))
    elif opts.subgroup_na_line:
        rows.append(ForestRow("subgroup_difference", fmt.subgroup_difference_text(None, None, None, None)))
    if has_derived(studies, arm_keys):
        rows.append(ForestRow("legend", derived_legend()))
    return rows


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
    rows = _rows(bundle, opts, data_cols, rob)
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
