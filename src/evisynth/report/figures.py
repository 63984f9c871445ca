"""Which figures a report shows, built from the analysis document.

This is the one report module that reaches into :mod:`evisynth.analyses.figure_data` (for
the fitted meta-regression line and Baujat's coordinates); the plots themselves only draw.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from evisynth.errors import EvisynthError


@dataclass(frozen=True)
class FigureItem:
    """One figure of a report: a file stem, a title, a caption and the layout behind it."""

    key: str
    title: str
    caption: str
    layout: Any
    module: str = field(default="forest", repr=False)

    def render(self) -> Any:
        """Draw the layout on a new matplotlib Figure."""
        import importlib

        return importlib.import_module(f"evisynth.plots.{self.module}").draw(self.layout)


def report_figures(doc: dict[str, Any], *, forest_options: Any = None, intervention: str = "Experimental",
                   comparison: str = "Control", lower_is_better: bool = True) -> list[FigureItem]:
    """Layouts of every figure the document supports, in report order."""
    from evisynth.plots import baujat, bubble, forest, funnel, radial, sensitivity_plots

    items = [FigureItem("forest", "Forest plot", _forest_caption(doc),
                        forest.forest_layout(doc, forest_options or forest.ForestOptions()), "forest")]
    k = sum(1 for s in doc["studies"] if s.get("included", True))
    sens = doc.get("sensitivity") or {}
    if sens.get("leave_one_out"):
        items.append(FigureItem("leave_one_out", "Leave-one-out analysis",
                                "Pooled estimate with each study omitted in turn; the diamond is the full analysis.",
                                sensitivity_plots.leave_one_out_layout(
                                    doc, title=None, intervention=intervention, comparison=comparison,
                                    lower_is_better=lower_is_better),
                                "sensitivity_plots"))
    if sens.get("cumulative"):
        items.append(FigureItem("cumulative", "Cumulative meta-analysis",
                                "Pooled estimate as studies are added in turn.",
                                sensitivity_plots.cumulative_layout(
                                    doc, title=None, intervention=intervention, comparison=comparison,
                                    lower_is_better=lower_is_better),
                                "sensitivity_plots"))
    if k >= 3:
        items.append(FigureItem("funnel", "Funnel plot", "Contour-enhanced funnel plot: shading marks where a study "
                                "would be significant (P < 0.10, 0.05, 0.01); open points are studies imputed by "
                                "trim-and-fill.", funnel.funnel_layout(doc, title=None), "funnel"))
        items.append(FigureItem("radial", "Galbraith (radial) plot", "Standardised estimates against precision.",
                                radial.radial_layout(doc, title=None), "radial"))
        from evisynth.analyses.figure_data import baujat_points

        items.append(FigureItem("baujat", "Baujat plot", "Contribution of each study to heterogeneity against its "
                                "influence on the pooled result.", baujat.baujat_layout(baujat_points(doc), title=None),
                                "baujat"))
    if doc.get("meta_regression"):
        from evisynth.analyses.figure_data import bubble_fit

        for mod in (doc.get("settings") or {}).get("moderators") or []:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fit = bubble_fit(doc, mod)
            except EvisynthError as exc:
                warnings.warn(f"no bubble plot for moderator {mod!r}: {exc}", stacklevel=2)
                continue
            items.append(FigureItem(f"bubble_{_slug(mod)}", f"Bubble plot: {mod}",
                                    f"Study effects against {mod}; each point is sized by its weight in a "
                                    f"meta-regression on {mod} alone.", bubble.bubble_layout(doc, fit, title=None),
                                    "bubble"))
    return items


def _forest_caption(doc: dict[str, Any]) -> str:
    p = doc["pooled"]
    model = "random-effects" if p.get("model") == "random" else "common-effect"
    return (f"{doc.get('measure_label', 'Effect')} ({model} model). Squares: study estimates sized by weight; "
            "diamonds: pooled estimates; bars: confidence intervals.")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in str(text)).strip("_").lower() or "moderator"
