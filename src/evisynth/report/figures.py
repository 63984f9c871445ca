"""Which figures a report shows, built from the analysis' result objects.

Every number a figure needs comes from the analysis (its study rows, pooled result, sections
and :attr:`AnalysisBundle.figures`); nothing here fits a model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evisynth.analyses.bundle import AnalysisBundle

#: Above this many studies the figures with one row or label per study (forest, Baujat) are not drawn:
#: they would be unreadable and take minutes; the report says so (:func:`figure_notes`) and keeps the
#: figures that summarise every study in one picture (funnel and radial plots).
MAX_STUDY_ROWS = 500


@dataclass(frozen=True)
class FigureItem:
    """One figure of a report: a file stem, a title, a caption, the layout and how to draw it."""

    key: str
    title: str
    caption: str
    layout: Any
    draw: Callable[[Any], Any] = field(repr=False)

    def render(self) -> Any:
        """Draw the layout on a new matplotlib Figure."""
        return self.draw(self.layout)


def report_figures(analysis: AnalysisBundle, *, forest_options: Any = None, intervention: str = "Experimental",
                   comparison: str = "Control", lower_is_better: bool = True) -> list[FigureItem]:
    """Layouts of every figure the analysis supports, in report order."""
    from evisynth.plots import baujat, bubble, forest, funnel, radial, sensitivity_plots

    many = bool(figure_notes(analysis))
    items = [] if many else [FigureItem("forest", "Forest plot", _forest_caption(analysis),
                                        forest.forest_layout(analysis, forest_options or forest.ForestOptions()),
                                        forest.draw)]
    sens = analysis.sensitivity
    if sens and sens.leave_one_out and not many:
        items.append(FigureItem("leave_one_out", "Leave-one-out analysis",
                                "Pooled estimate with each study omitted in turn; the diamond is the full analysis.",
                                sensitivity_plots.leave_one_out_layout(
                                    analysis, title=None, intervention=intervention, comparison=comparison,
                                    lower_is_better=lower_is_better),
                                sensitivity_plots.draw))
    if sens and sens.cumulative and not many:
        items.append(FigureItem("cumulative", "Cumulative meta-analysis", "Pooled estimate as studies are added in turn.",
                                sensitivity_plots.cumulative_layout(
                                    analysis, title=None, intervention=intervention, comparison=comparison,
                                    lower_is_better=lower_is_better),
                                sensitivity_plots.draw))
    figures = analysis.figures
    if len(analysis.included) >= 3:
        items.append(FigureItem("funnel", "Funnel plot", "Contour-enhanced funnel plot: shading marks where a study "
                                "would be significant (P < 0.10, 0.05, 0.01); open points are studies imputed by "
                                "trim-and-fill.", funnel.funnel_layout(analysis, title=None), funnel.draw))
        items.append(FigureItem("radial", "Galbraith (radial) plot", "Standardised estimates against precision.",
                                radial.radial_layout(analysis, title=None), radial.draw))
        if figures.baujat and not many:
            items.append(FigureItem("baujat", "Baujat plot", "Contribution of each study to heterogeneity against its "
                                    "influence on the pooled result.", baujat.baujat_layout(figures.baujat, title=None),
                                    baujat.draw))
    if analysis.meta_regression:
        for fit in figures.bubbles:
            mod = fit.moderator
            items.append(FigureItem(f"bubble_{_slug(mod)}", f"Bubble plot: {mod}",
                                    f"Study effects against {mod}; each point is sized by its weight in a "
                                    f"meta-regression on {mod} alone.", bubble.bubble_layout(analysis, fit, title=None),
                                    bubble.draw))
    return items


def figure_notes(analysis: AnalysisBundle) -> list[str]:
    """What the report says about figures it leaves out for size."""
    k = len(analysis.studies)
    if k <= MAX_STUDY_ROWS:
        return []
    return [f"Figures with one row per study (forest, leave-one-out, cumulative and Baujat plots) are not drawn for "
            f"{k:,} studies (more than {MAX_STUDY_ROWS}); the funnel and radial plots show every study and the "
            "tables give the pooled result. Figures are PNG only (an SVG with a shape per study would be hundreds of "
            "megabytes)."]


def _forest_caption(analysis: AnalysisBundle) -> str:
    model = "random-effects" if analysis.pooled.random else "common-effect"
    return (f"{analysis.measure_label} ({model} model). Squares: study estimates sized by weight; "
            "diamonds: pooled estimates; bars: confidence intervals.")


def figure_slug(text: str) -> str:
    """The file-name part of a variable or moderator name: ``"Pulses (1000)"`` → ``"pulses__1000"``.

    Letters and digits are kept (lower case), everything else becomes ``_``; ``hemisphere`` and
    ``pulses_1000`` stay as they are.

    >>> figure_slug("hemisphere"), figure_slug("pulses_1000"), figure_slug("Dose (mg)")
    ('hemisphere', 'pulses_1000', 'dose__mg')
    """
    return "".join(c if c.isalnum() else "_" for c in str(text)).strip("_").lower() or "moderator"


_slug = figure_slug
