"""RevMan interchange: read and write RevMan 5 ``.rm5`` reviews, turn them into evisynth projects and
compare evisynth's re-analysis with the results RevMan stored (see docs/revman.md)."""

from evisynth.io.revman.model import Comparison, DataRow, Outcome, QualityItem, Review, Study, Subgroup
from evisynth.io.revman.rm5_read import parse_rm5, read_rm5
from evisynth.io.revman.rm5_write import to_rm5, write_rm5

__all__ = ["Comparison", "DataRow", "Outcome", "QualityItem", "Review", "Study", "Subgroup", "parse_rm5", "read_rm5",
           "to_rm5", "write_rm5"]
