"""Arrow input and output of the streaming batch engine (:mod:`evisynth.batch._stream`).

Reading a CSV or Parquet input in chunks of rows, converting result columns to and from Arrow
arrays without importing pandas, and writing result tables on a background thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from evisynth.batch._core import COLUMNS
from evisynth.errors import InputError
from evisynth.files import csv_cells_arrow


def _names(path: Path) -> tuple[list[str], int | None]:
    """Column names of the input and its row count when the format records it."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        return list(pf.schema_arrow.names), pf.metadata.num_rows
    if suffix == ".csv":
        import csv

        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            return next(csv.reader(fh), []), None
    raise InputError(f"input must be a .csv or .parquet file; got '{path.name}'")


def _open(path: Path, group: str, numeric: list[str], chunk_rows: int) -> Iterator[Any]:
    """Record batches of the wanted columns, about ``chunk_rows`` rows each."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        # pre_buffer=False: with pre-buffering pyarrow keeps the coalesced reads of the whole
        # file cached, so memory grew with the file (+150 MB over 10M rows)
        batches: Iterator[Any] = pq.ParquetFile(path, pre_buffer=False).iter_batches(
            batch_size=chunk_rows, columns=[group, *numeric])
        return batches
    import pyarrow as pa
    import pyarrow.csv as pcsv

    # Types are fixed up front so a later block cannot disagree with the types inferred from the
    # first one: group labels are read as text, effects and variances as float64. The reader
    # reads ahead a number of blocks, so memory scales with the block size: small (1 MB) blocks
    # are parsed and gathered into chunks of about ``chunk_rows`` rows.
    opts = pcsv.ReadOptions(block_size=1 << 20)
    types = {group: pa.string(), **{c: pa.float64() for c in numeric}}
    conv = pcsv.ConvertOptions(include_columns=[group, *numeric], column_types=types)
    return _gather(pcsv.open_csv(path, read_options=opts, convert_options=conv), chunk_rows)


def _gather(batches: Iterator[Any], chunk_rows: int) -> Iterator[Any]:
    """Concatenate small record batches into tables of at least ``chunk_rows`` rows."""
    import pyarrow as pa

    buf: list[Any] = []
    n = 0
    for batch in batches:
        buf.append(batch)
        n += batch.num_rows
        if n >= chunk_rows:
            yield pa.Table.from_batches(buf).combine_chunks()
            buf, n = [], 0
    if buf:
        yield pa.Table.from_batches(buf).combine_chunks()


class _Background:
    """``func(*args)`` on a thread of its own; :meth:`result` waits and returns or raises.

    (A bare thread: ``concurrent.futures`` would add its import to every batch run.)
    """

    def __init__(self, func: Callable[..., Any], *args: Any) -> None:
        import threading

        self.value: Any = None
        self.error: BaseException | None = None

        def run() -> None:
            try:
                self.value = func(*args)
            except BaseException as exc:  # handed to the thread that waits for the result
                self.error = exc

        self.thread = threading.Thread(target=run, name="evisynth-batch", daemon=True)
        self.thread.start()

    def result(self) -> Any:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.value


class _Writer:
    """Append result tables to an open CSV or Parquet file, on a background thread.

    Formatting the numbers (pyarrow's CSV or Parquet writer, which releases the GIL) overlaps
    reading and fitting the next chunk; at most one table waits to be written, and tables are
    written in order. An error of the writer is raised by the next :meth:`write` or by
    :meth:`close`.
    """

    def __init__(self, sink: Any, suffix: str, provenance: Callable[[], dict[str, Any]]) -> None:
        self.sink = sink
        self.suffix = suffix
        self.provenance = provenance
        self.writer: Any = None
        self.pending: _Background | None = None

    def write(self, table: Any) -> None:
        if self.suffix == ".parquet":
            meta = json.dumps(self.provenance(), sort_keys=True).encode("utf-8")
            table = table.replace_schema_metadata({b"evisynth": meta})
        else:
            table = table.set_column(0, table.schema.field(0), csv_cells_arrow(table.column(0).combine_chunks()))
        if self.writer is None:
            if self.suffix == ".parquet":
                import pyarrow.parquet as pq

                self.writer = pq.ParquetWriter(self.sink, table.schema)
            else:
                import pyarrow.csv as pcsv

                self.writer = pcsv.CSVWriter(self.sink, table.schema)
        self._wait()
        self.pending = _Background(self.writer.write_table, table)

    def _wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def close(self, failed: bool = False) -> None:
        """Finish writing (``failed``: the run already failed; the writer's own error is not raised)."""
        try:
            self._wait()
        except Exception:
            if not failed:
                raise
        finally:
            if self.writer is not None:
                self.writer.close()


def _arrow(values: np.ndarray) -> Any:
    """A result column as an Arrow array, NaN as null, without copying numbers.

    Same array as ``pa.array(values, from_pandas=True)``, which imports pandas (0.15 s of a
    batch process) even for numpy input.
    """
    import pyarrow as pa

    n = len(values)
    if values.dtype == bool:
        return pa.Array.from_buffers(pa.bool_(), n, [None, pa.py_buffer(np.packbits(values, bitorder="little"))])
    values = np.ascontiguousarray(values)
    validity = None
    nulls = 0
    if values.dtype.kind == "f":
        valid = ~np.isnan(values)
        nulls = n - int(np.count_nonzero(valid))
        if nulls:
            validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), n, [validity, pa.py_buffer(values)],
                                 null_count=nulls)


def _bools(values: Any) -> np.ndarray:
    """A boolean Arrow array (nulls read as False) as numpy, unpacking its bits (``to_numpy``
    imports pandas for booleans)."""
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    validity, data = values.buffers()
    start, n = values.offset, len(values)
    out = np.unpackbits(np.frombuffer(data, dtype=np.uint8), count=start + n, bitorder="little")[start:]
    if validity is not None:
        out &= np.unpackbits(np.frombuffer(validity, dtype=np.uint8), count=start + n, bitorder="little")[start:]
    return out.view(bool)


def _result_table(labels: Any, group_name: str, res: dict[str, np.ndarray]) -> Any:
    import pyarrow as pa

    arrays = [labels] + [_arrow(res[c]) for c in COLUMNS]
    return pa.Table.from_arrays(arrays, names=[group_name, *COLUMNS])


def _arrow_errors(batches: Iterator[Any], source: str) -> Iterator[Any]:
    """Re-raise Arrow's parse and conversion errors as input errors naming the file."""
    import pyarrow as pa

    try:
        yield from batches
    except pa.ArrowInvalid as exc:
        raise InputError(f"could not be read as a table ({exc})", file=source) from None
