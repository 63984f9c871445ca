"""The rows of the forest plot: studies (grouped by subgroup or by study), subtotals and the total.

:func:`forest_rows` is what :func:`evisynth.plots.forest.forest_layout` lays out. Every number
is one field of the typed results (see :mod:`evisynth.plots.forest`).

When the analysis names a cluster column (``--cluster``: the study each comparison belongs to)
and has no subgroups, the comparisons of a study with several are shown under a header row with
the study's label, indented (:mod:`evisynth.plots._forest_clusters`).
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
from evisynth.plots._forest_clusters import cluster_groups, cluster_of, indented
from evisynth.plots._forest_geometry import ForestRow
from evisynth.plots._layout import is_number, weight_text

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle
    from evisynth.plots.forest import ForestOptions

#: StudyRow fields ``sort_by`` accepts besides ``effect``, ``weight`` and the data/moderator columns.
_STUDY_FIELDS = ("study", "yi", "vi", "se", "ci_lower", "ci_upper", "weight_percent", "included", "note")


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


def forest_rows(bundle: AnalysisBundle, opts: ForestOptions, data_cols: list[tuple[str, str, str]],
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
        order = _ordered(studies, range(len(studies)), opts)
        clusters = cluster_of(bundle)
        for cluster, members in cluster_groups(clusters, order) if clusters is not None else [("", order)]:
            if cluster and len(members) > 1:
                rows.append(ForestRow("cluster_header", cluster))
                rows += [replace(r, label=indented(r.label))
                         for r in (_study_row(bundle, i, data_cols, rob[i], None, arm[i]) for i in members)]
            else:
                rows += [_study_row(bundle, i, data_cols, rob[i], None, arm[i]) for i in members]
        rows.append(ForestRow("blank"))
    rows += _summary_rows(bundle, _total(bundle, level, opts))
    if sg is not None:
        rows.append(ForestRow("subgroup_difference", bundle.text["subgroup_difference"]))
    elif opts.subgroup_na_line:
        rows.append(ForestRow("subgroup_difference", fmt.subgroup_difference_text(None, None, None, None)))
    if has_derived(studies, arm_keys):
        rows.append(ForestRow("legend", derived_legend()))
    return rows
