"""Long tables (one row per study, a column naming the meta-analysis) to batch results.

A long table may be a pandas ``DataFrame``, a pyarrow ``Table`` or the path of a Parquet or
CSV file read whole (for files larger than memory use :func:`evisynth.batch.batch_file`).
Groups are numbered in order of first appearance; rows need not be sorted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from evisynth.batch._core import COLUMNS, fit_grouped
from evisynth.errors import InputError
from evisynth.options import DEFAULT_TAU2_METHOD


def _column(names: list[str], wanted: str, role: str, source: str) -> str:
    if wanted in names:
        return wanted
    low = {n.lower(): n for n in names}
    if wanted.lower() in low:
        return low[wanted.lower()]
    raise InputError(f"no column '{wanted}' for {role}; available: {', '.join(names) or 'none'}", file=source)


def long_columns(names: list[str], group: str, yi: str, vi: str | None, sei: str | None,
                 source: str) -> tuple[str, str, str, bool]:
    """Resolve the group, effect and variance (or standard error) columns; ``True`` if the last is an SE."""
    group_name = _column(names, group, "the group (--group)", source)
    y_col = _column(names, yi, "the effect estimates (--yi)", source)
    if sei is not None:
        return group_name, y_col, _column(names, sei, "the standard errors (--sei)", source), True
    return group_name, y_col, _column(names, vi or "vi", "the sampling variances (--vi)", source), False


def from_long(
    data: Any,
    group: str = "group",
    yi: str = "yi",
    vi: str | None = "vi",
    *,
    sei: str | None = None,
    model: str = "random",
    method: str = DEFAULT_TAU2_METHOD,
    test: str = "z",
    level: float = 0.95,
    heterogeneity_ci: bool = False,
    tau2_ci_bound: str = "exact",
    as_frame: bool = True,
) -> Any:
    """Meta-analyse every group of a long table.

    Parameters
    ----------
    data : pandas.DataFrame, pyarrow.Table, str or Path
        One row per study; a path ending in ``.parquet`` or ``.csv`` is read with pyarrow.
    group : str
        Column naming the meta-analysis each row belongs to.
    yi, vi : str
        Columns of effect estimates and sampling variances.
    sei : str, optional
        Column of standard errors, used instead of ``vi``.
    model, method, test, level, heterogeneity_ci, tau2_ci_bound
        As in :func:`evisynth.batch.batch_meta_analysis`.
    as_frame : bool
        Return a pandas ``DataFrame`` (default) or a dict of numpy columns.

    Returns
    -------
    pandas.DataFrame or dict
        One row per group (in order of first appearance): the group value, then the
        columns of :data:`evisynth.batch.COLUMNS`.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"review": ["a", "a", "a", "b", "b"],
    ...                    "yi": [0.1, 0.3, 0.2, 0.5, -0.1], "vi": [0.01, 0.02, 0.015, 0.04, 0.05]})
    >>> from_long(df, group="review", method="DL")[["review", "k"]].values.tolist()
    [['a', 3], ['b', 2]]
    """
    settings = dict(model=model, method=method, test=test, level=level, heterogeneity_ci=heterogeneity_ci,
                    tau2_ci_bound=tau2_ci_bound)
    source = str(data) if isinstance(data, (str, Path)) else "<table>"
    if isinstance(data, (str, Path)):
        data = read_table(data)
    if hasattr(data, "schema") and hasattr(data, "column_names"):  # pyarrow.Table
        labels, y, v, group_name = _from_arrow(data, group, yi, vi, sei, source)
        gid, labels = _encode_arrow(labels)
        res = fit_grouped(gid, y, v, len(labels), **settings)
        if not as_frame:
            return {group_name: labels.to_numpy(zero_copy_only=False), **res}
        import pandas as pd

        return pd.concat([labels.to_pandas().rename(group_name).to_frame(), pd.DataFrame(res)], axis=1)
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise InputError(f"data must be a pandas DataFrame, a pyarrow Table or a file path; got {type(data).__name__}")
    group_name, y_col, v_col, is_se = long_columns([str(c) for c in data.columns], group, yi, vi, sei, source)
    keys = data[group_name]
    if keys.isna().any():
        row = int(np.flatnonzero(keys.isna().to_numpy())[0])
        raise InputError("missing group value", file=source, row=row + 1, column=group_name)
    if keys.dtype == object or pd.api.types.is_string_dtype(keys):
        blank = keys.astype(str).str.strip().eq("").to_numpy()
        if blank.any():
            raise InputError("empty group label; every row needs the name of its meta-analysis", file=source,
                             row=int(np.flatnonzero(blank)[0]) + 1, column=group_name)
    codes, uniques = pd.factorize(keys, sort=False)
    y = _numeric(_series_floats(data[y_col], y_col, source), y_col, source)
    v = _numeric(_series_floats(data[v_col], v_col, source), v_col, source)
    if is_se:
        v = v * v
    _positive(v, v_col, source)
    res = fit_grouped(codes, y, v, len(uniques), **settings)
    if not as_frame:
        return {group_name: np.asarray(uniques), **res}
    out = pd.DataFrame(res, columns=list(COLUMNS))
    out.insert(0, group_name, np.asarray(uniques))
    return out


def _series_floats(series: Any, column: str, source: str) -> np.ndarray:
    """A pandas column as floats; text that is not a number is refused naming its row."""
    import pandas as pd

    try:
        return np.asarray(series.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    except (TypeError, ValueError):
        numbers = pd.to_numeric(series, errors="coerce")
        bad = numbers.isna().to_numpy() & series.notna().to_numpy()
        row = int(np.flatnonzero(bad)[0]) if bad.any() else 0
        raise InputError(f"needs a number; got {series.iloc[row]!r}", file=source, row=row + 1,
                         column=column) from None


def _numeric(a: np.ndarray, column: str, source: str, offset: int = 0) -> np.ndarray:
    bad = ~np.isfinite(a)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(f"needs a finite number; got {a[row]!r}", file=source, row=offset + row + 1, column=column)
    return a


def read_table(path: str | Path, columns: list[str] | None = None) -> Any:
    """Read a whole Parquet or CSV file as a pyarrow Table."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise FileNotFoundError(2, "No such file", str(path))
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path, columns=columns)
    if suffix == ".csv":
        import pyarrow.csv as pcsv

        return pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(include_columns=columns))
    raise InputError(f"input must be a .csv or .parquet file; got '{path.name}'")


def _positive(v: np.ndarray, column: str, source: str, offset: int = 0) -> None:
    bad = ~(v > 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(f"sampling variances and standard errors must be positive; got {v[row]!r}",
                         file=source, row=offset + row + 1, column=column)


def blank_label(labels: Any, rows: np.ndarray, group_name: str, source: str, offset: int = 0) -> None:
    """Refuse an empty (or all-space) label among Arrow ``labels``, found at table rows ``rows``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(labels.type) or pa.types.is_large_string(labels.type)) or not len(labels):
        return
    # (a length, not a comparison with "": a Python scalar argument makes pyarrow import pandas)
    lengths = pc.utf8_length(pc.utf8_trim_whitespace(labels))
    if pc.min(lengths).as_py() == 0:
        blank = pc.equal(lengths, 0)
        row = int(rows[np.flatnonzero(blank.to_numpy(zero_copy_only=False))[0]])
        raise InputError("empty group label; every row needs the name of its meta-analysis", file=source,
                         row=offset + row + 1, column=group_name)


def _from_arrow(table: Any, group: str, yi: str, vi: str | None, sei: str | None,
                source: str, offset: int = 0, check_blank: bool = True) -> tuple[Any, np.ndarray, np.ndarray, str]:
    """Group labels (arrow array) and float effect / variance columns of an arrow table.

    ``check_blank=False``: the caller checks the labels for blanks (the streaming reader checks
    the first label of each run of equal labels, which is the first row of a blank run).
    """
    import pyarrow.compute as pc

    group_name, y_col, v_col, is_se = long_columns(list(table.column_names), group, yi, vi, sei, source)
    labels = table.column(group_name)
    if labels.null_count:
        row = int(np.flatnonzero(pc.is_null(labels).to_numpy(zero_copy_only=False))[0])
        raise InputError("missing group value", file=source, row=offset + row + 1, column=group_name)
    if check_blank:
        blank_label(labels, np.arange(len(labels)), group_name, source, offset)
    y = _numeric(_floats(table.column(y_col), y_col, source), y_col, source, offset)
    v = _numeric(_floats(table.column(v_col), v_col, source), v_col, source, offset)
    if is_se:
        v = v * v
    _positive(v, v_col, source, offset)
    return labels, y, v, group_name


def _floats(col: Any, name: str, source: str) -> np.ndarray:
    import pyarrow as pa

    try:
        if col.type != pa.float64():
            col = col.cast(pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(f"must be numeric ({exc})", file=source, column=name) from None
    if col.null_count:
        col = col.fill_null(np.nan)
    if isinstance(col, pa.ChunkedArray):  # ChunkedArray.to_numpy imports pandas (0.15 s); Array's does not
        col = col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
    # a view of the Arrow buffer (read-only, as to_numpy's): to_numpy itself imports pandas (0.15 s)
    return np.frombuffer(col.buffers()[1], dtype=np.float64, count=len(col), offset=8 * col.offset)


def _encode_arrow(labels: Any) -> tuple[np.ndarray, Any]:
    """Group numbers (first appearance order) and the distinct labels, without Python objects."""
    import pyarrow as pa

    if isinstance(labels, pa.ChunkedArray):
        labels = labels.combine_chunks()
    enc = labels.dictionary_encode()
    return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), enc.dictionary
