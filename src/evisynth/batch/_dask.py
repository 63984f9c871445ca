"""Batch meta-analysis of a Dask DataFrame: the same engine on every partition.

The long table is shuffled on the group column so each meta-analysis lies in a single
partition, then :func:`evisynth.batch.from_long` runs on every partition with
``map_partitions``. Nothing here depends on where the partitions live: with a
``dask.distributed`` client connected to a multi-node cluster the same call runs on all
its workers (each worker needs evisynth installed).
"""

from __future__ import annotations

from typing import Any

from evisynth.batch._core import empty_columns
from evisynth.batch._long import _column, from_long
from evisynth.options import DEFAULT_TAU2_METHOD


def dask_meta_analysis(
    ddf: Any,
    group: str = "group",
    yi: str = "yi",
    vi: str | None = "vi",
    *,
    sei: str | None = None,
    shuffle: bool = True,
    model: str = "random",
    method: str = DEFAULT_TAU2_METHOD,
    test: str = "z",
    level: float = 0.95,
    heterogeneity_ci: bool = False,
) -> Any:
    """Meta-analyse every group of a Dask DataFrame (lazily; call ``.compute()`` or write it out).

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame
        Long table, one row per study.
    group, yi, vi, sei
        Column names, as in :func:`evisynth.batch.from_long`.
    shuffle : bool
        Shuffle on ``group`` first so no group spans two partitions (default). Pass False
        only when the partitions already hold whole groups (e.g. Parquet files written
        partitioned by the group column).
    model, method, test, level, heterogeneity_ci
        As in :func:`evisynth.batch.batch_meta_analysis`.

    Returns
    -------
    dask.dataframe.DataFrame
        One row per group: the group value and the columns of :data:`evisynth.batch.COLUMNS`.
    """
    import pandas as pd

    group_name = _column([str(c) for c in ddf.columns], group, "the group", "<dask dataframe>")
    if shuffle:
        ddf = ddf.shuffle(on=group_name)
    meta = pd.DataFrame({group_name: pd.Series([], dtype=ddf.dtypes[group_name])})
    for name, empty in empty_columns(0).items():  # the engine's column types
        meta[name] = pd.Series(empty)
    return ddf.map_partitions(
        from_long, group=group_name, yi=yi, vi=vi, sei=sei, model=model, method=method, test=test,
        level=level, heterogeneity_ci=heterogeneity_ci, meta=meta,
    )
