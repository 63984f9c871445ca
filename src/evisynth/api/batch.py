"""Many independent meta-analyses at once (arrays, long tables, streamed files)."""

from __future__ import annotations

from evisynth.batch import batch_file, batch_meta_analysis, from_long

__all__ = ["batch_file", "batch_meta_analysis", "from_long"]
