"""Numbers that figures need beyond the analysis document, computed by the analyses layer.

Plots never fit a model: the fitted meta-regression line of a bubble plot and Baujat's
coordinates are computed here (by :mod:`evisynth.analyses.figure_data`) and carried in the
bundle. They are not part of the JSON document; :meth:`AnalysisBundle.from_dict` recomputes
them from the study rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from evisynth.analyses.results._record import Record


@dataclass(frozen=True)
class BubbleFit(Record):
    """A meta-regression of the study effects on one moderator, for a bubble plot.

    ``x`` holds each study's moderator value (numbers, or level labels when ``categorical``);
    ``weight`` the relative weights ``1/(v + τ²)`` (summing to 1). A continuous moderator has the
    fitted line and its confidence band on ``grid``; a categorical one one fitted mean per level
    (``fit``, ``ci_lower``, ``ci_upper`` aligned with ``levels``). Analysis scale throughout.
    """

    moderator: str
    categorical: bool
    model: str
    method: str
    level: float
    study: tuple[str, ...]
    x: tuple[float | str, ...]
    yi: tuple[float, ...]
    weight: tuple[float, ...]
    fit: tuple[float, ...]
    ci_lower: tuple[float, ...]
    ci_upper: tuple[float, ...]
    grid: tuple[float, ...] = ()
    levels: tuple[str, ...] = ()
    intercept: float | None = None
    slope: float | None = None
    slope_p: float | None = None
    tau2: float | None = None
    qm: float | None = None
    qm_df: int | None = None
    qm_p: float | None = None


@dataclass(frozen=True)
class BaujatPoint(Record):
    """One study of a Baujat plot: contribution to Q (``x``) and influence on the result (``y``)."""

    study: str
    x: float
    y: float


@dataclass(frozen=True)
class FigureData(Record):
    """Figure inputs of one analysis: Baujat points (k >= 3) and one bubble fit per moderator."""

    baujat: tuple[BaujatPoint, ...] | None = None
    bubbles: tuple[BubbleFit, ...] = ()

    def bubble(self, moderator: str) -> BubbleFit | None:
        """The bubble fit of ``moderator`` (case-insensitive), or ``None``."""
        for b in self.bubbles:
            if b.moderator.lower() == moderator.lower():
                return b
        return None
