"""Search records of a review project: import, deduplication, screening, studies and PRISMA counts."""

from __future__ import annotations

from evisynth.io.detect import decode, infer_database, read_export
from evisynth.plots.prisma import save_prisma
from evisynth.records.model import Citation
from evisynth.records.screening import parse_decision, parse_stage
from evisynth.store import screening_store as screening
from evisynth.store.prisma_store import prisma_counts
from evisynth.store.project import Project
from evisynth.store.sheets import export_sheet, import_sheet

__all__ = ["Citation", "Project", "decode", "export_sheet", "import_sheet", "infer_database", "parse_decision",
           "parse_stage", "prisma_counts", "read_export", "save_prisma", "screening"]
