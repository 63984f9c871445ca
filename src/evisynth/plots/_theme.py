"""The one theme of every evisynth figure: fonts, sizes and colours.

Colours are chosen to stay distinguishable in greyscale (dark squares, black diamonds,
mid-grey lines and light-grey regions); the risk-of-bias dots use the robvis "cochrane"
palette (McGuinness & Higgins 2020) and carry a symbol as well, so they read without colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # matplotlib is an optional dependency (the ``plots`` extra)
    from matplotlib.typing import RcKeyType

#: Font family (ships with matplotlib, present on every machine).
FONT_FAMILY = "DejaVu Sans"
#: Base font size in points for tables and labels.
FONT_SIZE = 8.0
#: Smaller text (notes, legends).
SMALL_FONT_SIZE = 7.0
#: Height of one forest-plot row in inches.
ROW_HEIGHT = 0.19
#: Horizontal padding between table columns, in inches.
COLUMN_GAP = 0.14
#: Margins around a figure, in inches.
MARGIN = 0.15
#: Width of the graphical column of a forest plot, in inches.
FOREST_AXIS_WIDTH = 2.3
#: Default raster resolution.
DPI = 300

INK = "#000000"
STUDY = "#1f3d7a"          # study squares (dark blue, reads as near-black in greyscale)
STUDY_EDGE = "#1f3d7a"
POOLED = "#000000"         # pooled diamonds
SUBTOTAL = "#000000"
WHISKER = "#000000"
PI_COLOUR = "#b22222"      # prediction interval bar (dark red, mid grey in greyscale)
NULL_LINE = "#000000"
GRID = "#d9d9d9"
EXCLUDED = "#9a9a9a"       # greyed rows of excluded studies
MUTED = "#555555"
FILLED = "#ffffff"         # trim-and-fill imputed studies: open points
BAND = "#c6d3ea"           # confidence band of a fitted line
LINE = "#1f3d7a"
HIGHLIGHT = "#b22222"

#: Contour-enhanced funnel regions (Peters et al. 2008): (inner z, outer z, fill colour, legend label).
#: The region inside the innermost contour (P > 0.10) stays white.
#: Two-sided standard-normal critical values for the contours above (constants, not fitted).
CONTOUR_Z = {0.10: 1.6448536269514722, 0.05: 1.959963984540054, 0.01: 2.5758293035489004}
CONTOURS = (
    (CONTOUR_Z[0.10], CONTOUR_Z[0.05], "#a6a6a6", "0.05 < P < 0.10"),
    (CONTOUR_Z[0.05], CONTOUR_Z[0.01], "#cccccc", "0.01 < P < 0.05"),
    (CONTOUR_Z[0.01], None, "#ececec", "P < 0.01"),
)

#: robvis "cochrane" palette and the symbol shown in each dot.
ROB_COLOURS = {
    "low": "#02C100",
    "some": "#E2DF07",
    "high": "#BF0000",
    "critical": "#820000",
    "ni": "#4EA1F7",
    "na": "#cccccc",
}
ROB_SYMBOLS = {"low": "+", "some": "−", "high": "×", "critical": "!", "ni": "?", "na": ""}
ROB_LABELS = {
    "low": "Low risk of bias",
    "some": "Some concerns",
    "high": "High risk of bias",
    "critical": "Critical risk of bias",
    "ni": "No information",
    "na": "Not applicable",
}
#: RoB 2 domain names (legend under the forest plot).
ROB2_DOMAINS = {
    "D1": "Bias arising from the randomization process",
    "D2": "Bias due to deviations from intended interventions",
    "D3": "Bias due to missing outcome data",
    "D4": "Bias in measurement of the outcome",
    "D5": "Bias in selection of the reported result",
    "Overall": "Overall risk of bias",
}


def rc_params() -> dict[RcKeyType, Any]:
    """Matplotlib settings applied (locally, via ``rc_context``) while drawing."""
    return {
        "font.family": FONT_FAMILY,
        "font.size": FONT_SIZE,
        "axes.linewidth": 0.6,
        "xtick.major.width": 0.6,
        "xtick.major.size": 3.0,
        "ytick.major.width": 0.6,
        "ytick.major.size": 3.0,
        "xtick.labelsize": FONT_SIZE,
        "ytick.labelsize": FONT_SIZE,
        "axes.labelsize": FONT_SIZE,
        "axes.titlesize": FONT_SIZE + 1,
        "lines.linewidth": 0.8,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "savefig.dpi": DPI,
    }
