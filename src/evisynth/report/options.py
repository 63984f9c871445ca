"""Options of a written report (names, direction, what to show)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evisynth.errors import InputError
from evisynth.report.results_text import TextOptions


@dataclass(frozen=True)
class ReportOptions:
    """What a report calls things and how it shows them.

    Attributes
    ----------
    intervention, comparison, outcome : str, optional
        Names used in the results paragraph, forest-plot column headers and favours labels
        (defaults: "the intervention"/"Experimental", "control"/"Control", "the outcome").
    lower_is_better : bool
        Lower values favour the intervention (RevMan's default: its label on the left of the
        forest plot); ``False`` swaps the favours labels.
    unit : str
        What a study is called in the results paragraph ("studies", "trials").
    prediction : bool
        Show the prediction interval (random effects, k >= 3) in the forest plot and text.
    sort_by, descending : forest-plot order (see :class:`evisynth.plots.forest.ForestOptions`).
    favours_left, favours_right : str, optional
        Explicit favours labels.
    title : str, optional
        Report title.
    embed : {"png", "svg"}
        How figures are embedded in ``report.html`` (base64 PNG or inline SVG).
    dpi : int
        Resolution of the PNG files.
    rob : dict, optional
        Risk-of-bias judgements ``{study: {"D1": "Low", ...}}`` for the forest plot.
    """

    intervention: str | None = None
    comparison: str | None = None
    outcome: str | None = None
    lower_is_better: bool = True
    unit: str = "studies"
    prediction: bool = True
    sort_by: str | None = None
    descending: bool = False
    favours_left: str | None = None
    favours_right: str | None = None
    title: str | None = None
    embed: str = "png"
    dpi: int = 300
    rob: dict[str, dict[str, str]] | None = None

    def __post_init__(self) -> None:
        if self.embed not in ("png", "svg"):
            raise InputError(f"embed must be 'png' or 'svg'; got {self.embed!r}")
        if not 50 <= int(self.dpi) <= 1200:
            raise InputError(f"dpi must be between 50 and 1200; got {self.dpi!r}")

    def text_options(self) -> TextOptions:
        """The names the results paragraph uses."""
        return TextOptions(intervention=self.intervention or "the intervention",
                           comparison=self.comparison or "control", outcome=self.outcome or "the outcome",
                           unit=self.unit, lower_is_better=self.lower_is_better, prediction=self.prediction)

    def forest_options(self) -> Any:
        """The forest-plot options these report options imply."""
        from evisynth.plots.forest import ForestOptions

        return ForestOptions(sort_by=self.sort_by, descending=self.descending,
                             intervention=self.intervention or "Experimental",
                             comparison=self.comparison or "Control", favours_left=self.favours_left,
                             favours_right=self.favours_right, lower_is_better=self.lower_is_better,
                             prediction=self.prediction, rob=self.rob)

    def names(self) -> dict[str, Any]:
        """Keyword arguments naming the arms in the re-analysis plots."""
        return {"intervention": self.intervention or "Experimental", "comparison": self.comparison or "Control",
                "lower_is_better": self.lower_is_better}

    def report_title(self, measure_label: str = "effect") -> str:
        """The title given, or one built from the names and the measure."""
        if self.title:
            return self.title
        parts = [p for p in (self.intervention, self.comparison) if p]
        head = " versus ".join(parts) if len(parts) == 2 else "Meta-analysis"
        return f"{head}: {self.outcome}" if self.outcome else f"{head} ({measure_label})"
