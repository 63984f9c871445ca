"""The parts of an outcome report beyond its main analysis: one section per subgroup analysis
(its table and RevMan-style subgrouped forest plot) and one for the meta-regression (its
coefficients and a bubble plot per moderator).

Sections are plain data (title, paragraph, tables, figure layouts) built from result objects:
:func:`evisynth.report.html_report.write_report` renders them into ``report.html`` and
``report.md`` and writes their figures as ``figures/forest_<variable>.png``/``.svg`` and
``figures/bubble_<moderator>.png``/``.svg``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.report.figures import FigureItem, figure_slug
from evisynth.report.options import ReportOptions
from evisynth.report.results_text import subgroup_sentence
from evisynth.report.tables import Table, meta_regression_table, subgroup_table


@dataclass(frozen=True)
class ReportSection:
    """A titled part of a report: a paragraph, tables and figures shown together."""

    key: str
    title: str
    text: str
    tables: tuple[Table, ...]
    figures: tuple[FigureItem, ...]


def subgroup_forest(analysis: AnalysisBundle, options: ReportOptions | None = None) -> FigureItem:
    """The subgrouped forest plot of a subgroup analysis (file stem ``forest_<variable>``)."""
    from evisynth.plots import forest

    sg = analysis.subgroups
    if sg is None:
        raise ValueError("a subgrouped forest plot needs an analysis with subgroups")
    o = options or ReportOptions()
    model = "random-effects" if analysis.pooled.random else "common-effect"
    tau2 = "a separate Tau² in each subgroup" if sg.model == "separate" else "a Tau² common to the subgroups"
    caption = (f"{analysis.measure_label} by {sg.variable} ({model} model, {tau2}). Each subgroup has its subtotal "
               "(diamond) with its heterogeneity and test for overall effect; the test for subgroup differences "
               "is the last line. Study weights are shares of the overall analysis.")
    return FigureItem(f"forest_{figure_slug(sg.variable)}", f"Forest plot by {sg.variable}", caption,
                      forest.forest_layout(analysis, o.forest_options()), forest.draw)


def subgroup_sections(subgroups: Mapping[str, AnalysisBundle], options: ReportOptions | None = None
                      ) -> list[ReportSection]:
    """One section per subgroup analysis: the sentence, the subgroup table and the subgrouped forest plot."""
    o = options or ReportOptions()
    out = []
    for variable, analysis in subgroups.items():
        table = subgroup_table(analysis)
        if table is None:
            continue
        out.append(ReportSection(f"subgroups_{figure_slug(variable)}", f"Subgroup analysis: {variable}",
                                 subgroup_sentence(analysis, o.text_options()), (table,),
                                 (subgroup_forest(analysis, o),)))
    return out


def bubble_figures(regression: AnalysisBundle) -> list[FigureItem]:
    """A bubble plot per moderator of a meta-regression (file stems ``bubble_<moderator>``)."""
    from evisynth.plots import bubble

    if regression.meta_regression is None:
        return []
    items = []
    for fit in regression.figures.bubbles:
        mod = fit.moderator
        kind = "fitted mean of each level" if fit.categorical else "fitted line with its confidence band"
        items.append(FigureItem(f"bubble_{figure_slug(mod)}", f"Bubble plot: {mod}",
                                f"Study effects against {mod} with the {kind}; each point is sized by its weight in "
                                f"a meta-regression on {mod} alone.", bubble.bubble_layout(regression, fit, title=None),
                                bubble.draw))
    return items


def regression_section(regression: AnalysisBundle | None) -> ReportSection | None:
    """The meta-regression's coefficients and its bubble plots (``None`` without a meta-regression)."""
    if regression is None or regression.meta_regression is None:
        return None
    mr = regression.meta_regression
    table = meta_regression_table(regression)
    names = ", ".join(m.column for m in mr.moderators)
    model = "mixed-effects" if mr.model == "random" else "common-effect"
    text = (f"Meta-regression on {names}: {model} model ({mr.method}, {mr.test} test) of {mr.k} studies; "
            "coefficients are the change in the effect per unit of each moderator.")
    return ReportSection("meta_regression", "Meta-regression", text, (table,) if table else (),
                         tuple(bubble_figures(regression)))


def outcome_sections(subgroups: Mapping[str, AnalysisBundle] | None, regression: AnalysisBundle | None,
                     options: ReportOptions | None = None) -> list[ReportSection]:
    """Every extra section of an outcome report, in report order (subgroups, then meta-regression)."""
    out = subgroup_sections(subgroups or {}, options)
    reg = regression_section(regression)
    if reg is not None:
        out.append(reg)
    return out
