"""Many meta-analyses at once, on the engine every single analysis uses.

* :func:`batch_meta_analysis` - rows of ``(m, k)`` arrays (ragged rows via a mask or NaN);
* :func:`from_long` - a long table (pandas, pyarrow, Parquet or CSV) with a group column;
* :func:`batch_file` - the same for files larger than memory, streamed in chunks
  (``evisynth batch`` on the command line);
* :func:`dask_meta_analysis` - a Dask DataFrame, partition by partition, on any Dask cluster.

Every result column (:data:`COLUMNS`) holds exactly what :func:`evisynth.models.pool.pool`
returns for that meta-analysis alone. See ``docs/batch.md``.
"""

from __future__ import annotations

from typing import Any

from evisynth.batch._core import COLUMNS, batch_meta_analysis, fit_grouped
from evisynth.batch._long import from_long

__all__ = ["COLUMNS", "batch_file", "batch_meta_analysis", "dask_meta_analysis", "fit_grouped", "from_long"]


def __getattr__(name: str) -> Any:  # pyarrow / dask are imported only when these are used
    if name == "batch_file":
        from evisynth.batch._stream import batch_file

        return batch_file
    if name == "dask_meta_analysis":
        from evisynth.batch._dask import dask_meta_analysis

        return dask_meta_analysis
    raise AttributeError(f"module 'evisynth.batch' has no attribute {name!r}")
