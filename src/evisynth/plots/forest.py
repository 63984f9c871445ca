"""RevMan-layout forest plot: :func:`forest_layout` (pure) and :func:`draw`.

The layout reads an analysis document (``AnalysisBundle.to_dict()``) and decides every row,
cell text, column width, axis limit and the figure size; :func:`draw` only places them on a
:class:`matplotlib.figure.Figure`. Numbers are written by :mod:`evisynth.format`.

Examples
--------
>>> import pandas as pd
>>> from evisynth.analyses.run import run_analysis
>>> from evisynth.analyses.spec import AnalysisSpec
>>> data = pd.DataFrame({"study": ["A", "B", "C"], "m1": [1.2, 1.8, 1.4], "sd1": [0.8, 1.0, 0.7],
...                      "n1": [20, 11, 16], "m2": [1.5, 2.4, 1.5], "sd2": [0.9, 1.2, 0.5], "n2": [20, 17, 11],
...                      "side": ["left", "right", "left"]})
>>> doc = run_analysis(data, AnalysisSpec(subgroup="side", method="DL")).to_dict()
>>> lay = forest_layout(doc)
>>> [r.kind for r in lay.rows][:3]
['subgroup_header', 'study', 'study']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from evisynth import format as fmt
from evisynth.errors import InputError
from evisynth.plots import _theme
from evisynth.plots._layout import Axis, display, is_number, max_width, symmetric_axis, text_width, weight_text

_METHOD = {"IV": "IV", "MH": "M-H", "PETO": "Peto"}
ROB_DOMAINS = ("D1", "D2", "D3", "D4", "D5", "Overall")
#: Kinds of rows that carry a diamond.
POOLED_KINDS = ("subtotal", "total")
#: Kinds of rows that are a line of text spanning the table.
TEXT_KINDS = ("heterogeneity", "overall_effect", "subgroup_difference", "legend")


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
        Draw the prediction interval row under each total (random effects, k >= 3).
    prediction_type : {"t", "z"}
        Which prediction interval of the document to draw (t with k-2 df, or normal).
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


@dataclass(frozen=True)
class Column:
    """A text column left of the graph: ``group`` is the spanning header (``Experimental``)."""

    key: str
    header: str
    group: str = ""
    align: str = "right"  # left | right | center
    x: float = 0.0  # left edge, inches
    width: float = 0.0


@dataclass(frozen=True)
class ForestRow:
    """One row of the forest plot.

    ``kind`` is one of ``subgroup_header``, ``study``, ``excluded``, ``subtotal``, ``total``,
    ``events``, ``prediction``, ``heterogeneity``, ``overall_effect``, ``subgroup_difference``,
    ``legend`` or ``blank``. Positions (``estimate``, ``lower``, ``upper``) are on the analysis
    scale (log ratios for ratio measures); ``cells`` hold the column texts.
    """

    kind: str
    label: str = ""
    cells: dict[str, str] = field(default_factory=dict)
    estimate: float | None = None
    lower: float | None = None
    upper: float | None = None
    weight: float | None = None
    note: str = ""
    rob: dict[str, str] = field(default_factory=dict)
    study_index: int | None = None
    group: str | None = None


@dataclass(frozen=True)
class ForestLayout:
    """Everything :func:`draw` needs, in inches (y grows downwards from the top edge)."""

    rows: tuple[ForestRow, ...]
    columns: tuple[Column, ...]
    axis: Axis
    measure_header: str
    method_header: str
    favours: tuple[str, str]
    rob_domains: tuple[str, ...]
    rob_x: tuple[float, ...]
    graph_x: float
    graph_width: float
    width: float
    height: float
    header_height: float
    row_height: float
    max_weight: float
    n_graph_rows: int
    title: str | None = None
    square_side: float | None = None  # fixed square side in points (re-analysis plots); None = sized by weight

    def kinds(self) -> list[str]:
        """Row kinds in order (handy in tests)."""
        return [r.kind for r in self.rows]

    def row_y(self, i: int) -> float:
        """Centre of row ``i`` in inches from the top."""
        return self.header_height + (i + 0.5) * self.row_height


def _method_header(doc: dict[str, Any]) -> str:
    p = doc["pooled"]
    level = fmt.format_count(100 * float(p.get("level", 0.95)))
    if p.get("model") == "random":
        return f"IV, Random, {level}% CI"
    return f"{_METHOD.get(p.get('method', 'IV'), p.get('method', 'IV'))}, Fixed, {level}% CI"


def _data_columns(doc: dict[str, Any], opts: ForestOptions) -> list[tuple[str, str, str]]:
    kind = doc.get("data_type")
    e, c = opts.intervention, opts.comparison
    if kind == "continuous":
        return [("m1", "Mean", e), ("sd1", "SD", e), ("n1", "Total", e),
                ("m2", "Mean", c), ("sd2", "SD", c), ("n2", "Total", c)]
    if kind == "binary":
        return [("events1", "Events", e), ("n1", "Total", e), ("events2", "Events", c), ("n2", "Total", c)]
    est = f"log[{doc.get('measure_label', 'Effect')}]" if doc.get("log_scale") else "Estimate"
    return [("yi", est, ""), ("se", "SE", "")]


def _rob_level(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    if text in ("na", "n/a", "not applicable"):
        return "na"
    if text in ("+", "low", "l"):
        return "low"
    if text in ("-", "high", "h"):
        return "high"
    if text in ("?", "ni", "no information"):
        return "ni"
    first = text[0]
    return {"l": "low", "s": "some", "m": "some", "u": "some", "h": "high", "c": "critical", "n": "ni"}.get(first)


def _rob_table(doc: dict[str, Any], opts: ForestOptions) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    studies = doc["studies"]
    if not opts.show_rob:
        return (), [{} for _ in studies]
    if opts.rob is not None:
        given = [d for d in ROB_DOMAINS if any(d in (opts.rob.get(s["study"]) or {}) for s in studies)]
        extra = [d for s in studies for d in (opts.rob.get(s["study"]) or {}) if d not in ROB_DOMAINS]
        given += list(dict.fromkeys(extra))
        table = [{d: lev for d in given if (lev := _rob_level((opts.rob.get(s["study"]) or {}).get(d)))}
                 for s in studies]
        return tuple(given), table
    names: dict[str, str] = {}
    for s in studies:
        for key in s.get("moderators") or {}:
            for d in ROB_DOMAINS:
                if key.strip().lower() == d.lower():
                    names[d] = key
    domains = tuple(d for d in ROB_DOMAINS if d in names)
    table = [{d: lev for d in domains if (lev := _rob_level((s.get("moderators") or {}).get(names[d])))}
             for s in studies]
    if not any(table):
        return (), table
    return domains, table


def _sort_key(doc: dict[str, Any], study: dict[str, Any], by: str) -> Any:
    if by == "effect":
        return study.get("yi")
    if by == "weight":
        return study.get("weight_percent")
    if by == "study":
        return study.get("study")
    for section in ("data", "moderators"):
        values = study.get(section) or {}
        for key, value in values.items():
            if key.lower() == by.lower():
                return value
    if by in study:
        return study[by]
    raise InputError(
        f"sort_by={by!r} is not a study column; use effect, weight, study, year or one of "
        + ", ".join(sorted({k for s in doc["studies"] for k in (s.get("moderators") or {})})) or "none"
    )


def _ordered(doc: dict[str, Any], indices: list[int], opts: ForestOptions) -> list[int]:
    studies = doc["studies"]
    if not opts.show_excluded:
        indices = [i for i in indices if studies[i].get("included", True)]
    if not opts.sort_by:
        return list(indices)
    keyed = [(i, _sort_key(doc, studies[i], opts.sort_by)) for i in indices]
    present = [(i, k) for i, k in keyed if k is not None and not (isinstance(k, float) and math.isnan(k))]
    missing = [i for i, k in keyed if k is None or (isinstance(k, float) and math.isnan(k))]
    try:
        present.sort(key=lambda t: t[1], reverse=opts.descending)
    except TypeError:
        present.sort(key=lambda t: str(t[1]), reverse=opts.descending)
    return [i for i, _ in present] + missing


def _study_row(doc: dict[str, Any], i: int, data_cols: list[tuple[str, str, str]], rob: dict[str, str],
               group: str | None) -> ForestRow:
    s = doc["studies"][i]
    cells: dict[str, str] = {}
    data = s.get("data") or {}
    for key, _, _ in data_cols:
        if key in ("yi", "se"):
            cells[key] = fmt.format_number(s.get(key), 4) if is_number(s.get(key)) else ""
        else:
            cells[key] = fmt.format_data_value(data.get(key))
    if not s.get("included", True):
        cells["effect"] = "Not estimable"
        return ForestRow("excluded", s["study"], cells, note=s.get("note") or "not included in the analysis",
                         rob=rob, study_index=i, group=group)
    cells["weight"] = weight_text(s.get("weight_percent"))
    cells["effect"] = fmt.format_effect_ci(display(doc, s, "yi"), display(doc, s, "ci_lower"),
                                           display(doc, s, "ci_upper"))
    return ForestRow("study", s["study"], cells, s.get("yi"), s.get("ci_lower"), s.get("ci_upper"),
                     s.get("weight_percent"), note=s.get("note") or "", rob=rob, study_index=i, group=group)


def _sum(doc: dict[str, Any], indices: list[int], key: str) -> str:
    vals = [(doc["studies"][i].get("data") or {}).get(key) for i in indices if doc["studies"][i].get("included", True)]
    nums = [v for v in vals if is_number(v)]
    return fmt.format_data_value(sum(nums)) if nums else ""


def _pooled_rows(doc: dict[str, Any], res: dict[str, Any], label: str, kind: str, indices: list[int],
                 weight: float | None, opts: ForestOptions, *, tau2: float | None, q: Any, q_df: Any, q_p: Any,
                 i2: Any, df: Any, group: str | None) -> list[ForestRow]:
    kind_data = doc.get("data_type")
    cells: dict[str, str] = {}
    if kind_data in ("continuous", "binary"):
        cells["n1"] = _sum(doc, indices, "n1")
        cells["n2"] = _sum(doc, indices, "n2")
    cells["weight"] = weight_text(weight)
    if is_number(res.get("ci_lower")) and is_number(res.get("ci_upper")):
        cells["effect"] = fmt.format_effect_ci(display(doc, res, "estimate"), display(doc, res, "ci_lower"),
                                               display(doc, res, "ci_upper"))
        rows = [ForestRow(kind, label, cells, res.get("estimate"), res.get("ci_lower"), res.get("ci_upper"), weight,
                          group=group)]
    else:  # e.g. HKSJ with a single study: no interval, no diamond
        cells["effect"] = "Not estimable"
        rows = [ForestRow(kind, label, cells, None, None, None, weight, group=group)]
    if kind_data == "binary":
        rows.append(ForestRow("events", "Total events", {"events1": _sum(doc, indices, "events1"),
                                                         "events2": _sum(doc, indices, "events2")}, group=group))
    if opts.prediction and doc["pooled"].get("model") == "random":
        suffix = "_t" if opts.prediction_type == "t" else ""
        lo, hi = res.get(f"pi_lower{suffix}"), res.get(f"pi_upper{suffix}")
        if is_number(lo) and is_number(hi):
            cells_pi = {"effect": fmt.format_ci(display(doc, res, f"pi_lower{suffix}"),
                                                display(doc, res, f"pi_upper{suffix}"))}
            rows.append(ForestRow("prediction", "Prediction interval", cells_pi, res.get("estimate"), lo, hi,
                                  group=group))
    if is_number(q) and is_number(q_df) and int(q_df) > 0:
        het = fmt.heterogeneity_text(q=q, df=int(q_df), q_p=q_p, i2=i2, tau2=tau2)
    else:
        het = "Heterogeneity: Not applicable"
    rows.append(ForestRow("heterogeneity", het, group=group))
    if is_number(res.get("statistic")) and is_number(res.get("p_value")):
        overall = fmt.overall_effect_text(res["statistic"], res["p_value"], df)
    else:
        overall = "Test for overall effect: Not applicable"
    rows.append(ForestRow("overall_effect", overall, group=group))
    return rows


def _subgroup_df(doc: dict[str, Any], g: dict[str, Any]) -> float | None:
    if "df" in g:
        return g["df"]
    if doc["pooled"].get("test", "z") != "z" and is_number(g.get("k")) and g["k"] > 1:
        return g["k"] - 1
    return None


def _rows(doc: dict[str, Any], opts: ForestOptions, data_cols: list[tuple[str, str, str]],
          rob: list[dict[str, str]]) -> list[ForestRow]:
    studies = doc["studies"]
    p, h = doc["pooled"], doc["heterogeneity"]
    random = p.get("model") == "random"
    level = fmt.format_count(100 * float(p.get("level", 0.95)))
    rows: list[ForestRow] = []
    sg = doc.get("subgroups")
    if sg:
        seen: set[int] = set()
        for g in sg["groups"]:
            idx = _ordered(doc, list(g["study_indices"]), opts)
            seen.update(g["study_indices"])
            rows.append(ForestRow("subgroup_header", str(g["level"]), group=str(g["level"])))
            rows += [_study_row(doc, i, data_cols, rob[i], str(g["level"])) for i in idx]
            weight = sum(studies[i]["weight_percent"] for i in g["study_indices"]
                         if studies[i].get("included", True) and is_number(studies[i].get("weight_percent")))
            rows += _pooled_rows(doc, g, f"Subtotal ({level}% CI)", "subtotal", list(g["study_indices"]), weight,
                                 opts, tau2=g.get("tau2") if random else None, q=g.get("q"), q_df=g.get("q_df"),
                                 q_p=g.get("q_p"), i2=g.get("i2"), df=_subgroup_df(doc, g), group=str(g["level"]))
            rows.append(ForestRow("blank"))
        rest = _ordered(doc, [i for i in range(len(studies)) if i not in seen], opts)
        if rest:
            rows.append(ForestRow("subgroup_header", "Not in a subgroup"))
            rows += [_study_row(doc, i, data_cols, rob[i], None) for i in rest]
            rows.append(ForestRow("blank"))
    else:
        rows += [_study_row(doc, i, data_cols, rob[i], None) for i in _ordered(doc, list(range(len(studies))), opts)]
        rows.append(ForestRow("blank"))
    rows += _pooled_rows(doc, p, f"Total ({level}% CI)", "total", list(range(len(studies))), 100.0, opts,
                         tau2=h.get("tau2") if random else None, q=h.get("q"), q_df=h.get("q_df"), q_p=h.get("q_p"),
                         i2=h.get("i2"), df=p.get("df"), group=None)
    if sg:
        d = sg.get("difference") or {}
        text = (doc.get("text") or {}).get("subgroup_difference") or fmt.subgroup_difference_text(
            d.get("q"), d.get("df"), d.get("p_value"), d.get("i2"))
        rows.append(ForestRow("subgroup_difference", text))
    elif opts.subgroup_na_line:
        rows.append(ForestRow("subgroup_difference", fmt.subgroup_difference_text(None, None, None, None)))
    return rows


def _axis(doc: dict[str, Any], rows: list[ForestRow], opts: ForestOptions, label: str) -> Axis:
    log = bool(doc.get("log_scale"))
    if opts.xlim is not None:
        lo, hi = opts.xlim
        if log:
            if lo <= 0 or hi <= 0:
                raise InputError(f"xlim must be positive ratios for {doc.get('measure')}; got {opts.xlim}")
            lo, hi = math.log(lo), math.log(hi)
        return symmetric_axis(max(abs(lo), abs(hi)), log=log, label=label)
    core = [abs(v) for r in rows if r.kind in (*POOLED_KINDS, "prediction") for v in (r.lower, r.upper)
            if is_number(v)]
    core += [abs(r.estimate) for r in rows if r.kind == "study" and is_number(r.estimate)]
    base = max(core, default=1.0)
    whiskers = [abs(v) for r in rows if r.kind == "study" for v in (r.lower, r.upper) if is_number(v)]
    extent = max([base, *[w for w in whiskers if w <= 2 * base]])
    return symmetric_axis(extent if extent > 0 else 1.0, log=log, label=label)


def forest_layout(doc: dict[str, Any], options: ForestOptions | None = None, **kwargs: Any) -> ForestLayout:
    """Lay out a RevMan-style forest plot for an analysis document.

    Parameters
    ----------
    doc : dict
        The analysis document (``AnalysisBundle.to_dict()``).
    options : ForestOptions, optional
        Or pass its fields as keyword arguments.
    """
    opts = options or ForestOptions(**kwargs)
    if options is not None and kwargs:
        from dataclasses import replace

        opts = replace(options, **kwargs)
    if opts.prediction_type not in ("t", "z"):
        raise InputError(f"prediction_type must be 't' or 'z'; got {opts.prediction_type!r}")
    if not doc.get("studies"):
        raise InputError("the analysis document has no studies to plot")
    data_cols = _data_columns(doc, opts)
    rob_domains, rob = _rob_table(doc, opts)
    rows = _rows(doc, opts, data_cols, rob)
    measure = doc.get("measure_label", "Effect")
    method = _method_header(doc)
    axis = _axis(doc, rows, opts, measure)

    headers = [("label", "Study or Subgroup", "", "left")]
    headers += [(key, head, group, "right") for key, head, group in data_cols]
    headers += [("weight", "Weight", "", "right"), ("effect", method, measure, "center")]
    return assemble(rows, headers, axis, measure, method, _favours(opts), rob_domains, opts.title,
                    wide_after=("label", "n1", "weight"))


def assemble(rows: list[ForestRow], headers: list[tuple[str, str, str, str]], axis: Axis, measure: str, method: str,
             favours: tuple[str, str], rob_domains: tuple[str, ...] = (), title: str | None = None,
             wide_after: tuple[str, ...] = ("label",), square_side: float | None = None) -> ForestLayout:
    """Measure the columns of ``rows`` and place everything: the geometry step of every forest-type layout.

    ``headers`` lists ``(key, header, spanning group, align)`` for the text columns, the label
    column first; ``wide_after`` are columns followed by a double gap.
    """
    rows = list(rows)
    size, gap, rh = _theme.FONT_SIZE, _theme.COLUMN_GAP, _theme.ROW_HEIGHT
    cell_widths = {key: max(max_width([r.cells.get(key, "") for r in rows if r.kind not in POOLED_KINDS], size),
                            max_width([r.cells.get(key, "") for r in rows if r.kind in POOLED_KINDS], size, True))
                   for key, *_ in headers}
    bold_labels = [r.label for r in rows if r.kind in ("subgroup_header", *POOLED_KINDS)]
    plain_labels = [r.label for r in rows if r.kind in ("study", "excluded", "events", "prediction")]
    cell_widths["label"] = max(max_width(bold_labels, size, True), max_width(plain_labels, size))
    widths = {key: max(cell_widths[key], text_width(head, size)) for key, head, *_ in headers}
    # spanning group headers ("Experimental") must fit over their columns
    for group in dict.fromkeys(g for k, _h, g, _a in headers if g and k != "effect"):
        keys = [k for k, _h, g, _a in headers if g == group]
        need = text_width(group, size, True) - (sum(widths[k] for k in keys) + gap * (len(keys) - 1))
        if need > 0:
            for k in keys:
                widths[k] += need / len(keys)
    widths["effect"] = max(widths["effect"], text_width(measure, size, True))
    x = _theme.MARGIN
    columns = []
    for key, head, group, align in headers:
        columns.append(Column(key, head, group, align, x, widths[key]))
        x += widths[key] + (2 * gap if key in wide_after else gap)
    table_right = x
    text_lines = [r.label for r in rows if r.kind in TEXT_KINDS]
    graph_x = max(table_right, _theme.MARGIN + max_width(text_lines, size) + gap) + gap
    if graph_x > table_right + gap:  # give the spare width to the label column, as RevMan does
        extra = graph_x - table_right - gap
        columns = [Column(c.key, c.header, c.group, c.align, c.x + (extra if c.key != "label" else 0.0),
                          c.width + (extra if c.key == "label" else 0.0)) for c in columns]
    notes = [r.note for r in rows if r.kind == "excluded"]
    graph_width = max(_theme.FOREST_AXIS_WIDTH, text_width(measure, size, True) + 0.2,
                      text_width(method, size) + 0.2, min(max_width(notes, _theme.SMALL_FONT_SIZE) + 0.2, 3.5))
    fav = favours
    graph_width = max(graph_width, 2 * max(text_width(fav[0], size), text_width(fav[1], size)) + 0.3)
    right = graph_x + graph_width + gap
    rob_x: list[float] = []
    if rob_domains:
        right += gap
        for d in rob_domains:
            w = max(1.3 * rh, text_width(d, size) + 0.08)
            rob_x.append(right + w / 2)
            right += w
        used = [lev for lev in _theme.ROB_LABELS if any(lev in r.rob.values() for r in rows)]
        legend = ["Risk of bias legend"] + [
            f"({d}) {_theme.ROB2_DOMAINS.get(d, d)}" for d in rob_domains
        ] + ["   ".join(f"{_theme.ROB_SYMBOLS[lev] or '·'} {_theme.ROB_LABELS[lev]}" for lev in used)]
        rows.append(ForestRow("blank"))
        rows += [ForestRow("legend", line) for line in legend]
    width = right + _theme.MARGIN + (0.0 if rob_domains else 0.15)
    header_height = _theme.MARGIN + 2.2 * rh + (rh if title else 0.0)
    n_graph = max(i for i, r in enumerate(rows) if r.kind in (*POOLED_KINDS, "prediction", "events")) + 1
    # rows below the last graph row share their height with the axis (ticks + favours labels)
    rows_below = len(rows) - n_graph
    axis_rows = 3.2
    height = header_height + (n_graph + max(rows_below, axis_rows)) * rh + _theme.MARGIN
    weights = [r.weight for r in rows if r.kind == "study" and is_number(r.weight)]
    return ForestLayout(
        rows=tuple(rows), columns=tuple(columns), axis=axis, measure_header=measure, method_header=method,
        favours=fav, rob_domains=rob_domains, rob_x=tuple(rob_x), graph_x=graph_x, graph_width=graph_width,
        width=width, height=height, header_height=header_height, row_height=rh,
        max_weight=max(weights, default=1.0), n_graph_rows=n_graph, title=title, square_side=square_side,
    )


def _favours(opts: ForestOptions) -> tuple[str, str]:
    exp = "[experimental]" if opts.intervention == "Experimental" else opts.intervention
    ctl = "[control]" if opts.comparison == "Control" else opts.comparison
    left, right = f"Favours {exp}", f"Favours {ctl}"
    if not opts.lower_is_better:
        left, right = right, left
    return (opts.favours_left or left, opts.favours_right or right)


def draw(layout: ForestLayout, fig: Any = None) -> Any:
    """Render ``layout`` on a :class:`matplotlib.figure.Figure` (a new one by default) and return it."""
    from evisynth.plots._forest_draw import draw_forest

    return draw_forest(layout, fig)


def forest_plot(doc: dict[str, Any], options: ForestOptions | None = None, **kwargs: Any) -> Any:
    """Layout and draw in one call; returns the Figure."""
    return draw(forest_layout(doc, options, **kwargs))
