"""Stream a long table from disk through the batch engine in bounded memory.

The input (CSV or Parquet) is read in chunks of rows with pyarrow (Parquet by record
batches, CSV by the streaming reader's blocks) and results are appended to the output
(CSV or Parquet) chunk by chunk, so memory depends on the chunk size, not on the file:
no per-row Python objects are made, group labels stay in Arrow arrays.

**The input must be grouped:** all rows of a meta-analysis contiguous, e.g. sorted by the
group column. The group still open at the end of a chunk is carried over into the next
chunk, so groups are never split. Ungrouped input is detected (a group label seen in two
separate runs of rows) and refused with a message; the output is written to a temporary
file and only renamed into place when the whole input was read and checked
(:func:`evisynth.files.open_output`: never over the input, never over a file evisynth did not
write unless ``force``). Group labels that a spreadsheet would run as formulas get a leading
apostrophe in CSV results; the settings and the input's SHA-256 are recorded in Parquet's
metadata (key ``evisynth``) and, for both formats, in the folder's ``.evisynth-manifest.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evisynth._version import __version__
from evisynth.batch._arrow_io import (
    _arrow,
    _arrow_errors,
    _Background,
    _bools,
    _names,
    _open,
    _result_table,
    _Writer,
)
from evisynth.batch._core import fit_grouped
from evisynth.batch._long import _from_arrow, blank_label, long_columns
from evisynth.errors import InputError
from evisynth.files import input_record, open_output
from evisynth.options import DEFAULT_TAU2_METHOD

#: Default rows per chunk (peak memory about 0.3 GB with the libraries; larger chunks are not faster).
CHUNK_ROWS = 250_000


@dataclass(frozen=True)
class BatchSummary:
    """What :func:`batch_file` did."""

    rows: int
    groups: int
    not_converged: int
    output: str


def batch_file(
    input: str | Path,
    out: str | Path,
    group: str,
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
    chunk_rows: int = CHUNK_ROWS,
    progress: bool | None = None,
    force: bool = False,
) -> BatchSummary:
    """Meta-analyse every group of a grouped long table on disk, streaming in chunks.

    Parameters
    ----------
    input, out : str or Path
        ``.csv`` or ``.parquet`` files. Missing values in the output are empty (CSV) or null.
    group, yi, vi, sei
        Column names, as in :func:`evisynth.batch.from_long`.
    model, method, test, level, heterogeneity_ci, tau2_ci_bound
        As in :func:`evisynth.batch.batch_meta_analysis`.
    chunk_rows : int
        Rows read per chunk (memory use scales with it).
    progress : bool, optional
        Show a tqdm progress bar on stderr (default: when stderr is a terminal).
    force : bool
        Replace an existing ``out`` that evisynth did not write (or that was edited since); the
        input is never replaced.

    Returns
    -------
    BatchSummary
    """
    import pyarrow as pa

    path = Path(input)
    if not path.exists():
        raise FileNotFoundError(2, "No such file", str(path))
    source = str(path)
    suffix = Path(out).suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(f"--out must end in .csv or .parquet; got '{Path(out).name}'")
    settings = dict(model=model, method=method, test=test, level=level, heterogeneity_ci=heterogeneity_ci,
                    tau2_ci_bound=tau2_ci_bound)
    names, total = _names(path)
    group_name, y_col, v_col, is_se = long_columns(names, group, yi, vi, sei, source)
    try:
        batches = _open(path, group_name, [y_col, v_col], max(1, int(chunk_rows)))
    except pa.ArrowInvalid as exc:
        raise InputError(f"could not be read as a table ({exc})", file=source) from None
    provenance: dict[str, Any] = {"evisynth_version": __version__,
                  "settings": {"group": group_name, "yi": y_col, ("sei" if is_se else "vi"): v_col, **settings},
                  "inputs": []}
    # The input's SHA-256 (0.1 s per 50 MB; hashlib releases the GIL) is computed on a thread while
    # the first chunk is read and fitted; it is needed by Parquet's metadata at the first write and
    # by the manifest, which open_output writes from ``provenance`` when the block ends.
    digest = _Background(input_record, path)

    def complete() -> dict[str, Any]:
        if not provenance["inputs"]:
            provenance["inputs"] = [digest.result()]
        return provenance

    with open_output(out, "wb", inputs=(path,), force=force, by="batch", provenance=provenance,
                     option="--out") as sink:
        writer = _Writer(sink, suffix, complete)
        try:
            counts = _stream(batches, writer, group_name, y_col, v_col, is_se, settings, progress, total, source)
        except BaseException:
            writer.close(failed=True)
            raise  # (the hashing thread, a daemon, ends on its own)
        writer.close()
        complete()
    return BatchSummary(*counts, str(out))


def _stream(batches: Any, writer: _Writer, group_name: str, y_col: str, v_col: str, is_se: bool,
            settings: dict[str, Any], progress: bool | None, total: int | None,
            source: str) -> tuple[int, int, int]:
    """Fit every group and write its results; returns (rows, groups, not converged)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    yi, vi, sei = y_col, (None if is_se else v_col), (v_col if is_se else None)
    bar = _progress_bar(progress, total)
    seen: list[Any] = []  # labels of finished groups (Arrow arrays: one value per group, no Python objects)
    rows = groups = not_converged = 0
    carry: Any = None

    def flush(table: Any, final: bool) -> Any:
        nonlocal rows, groups, not_converged
        keys = table.column(group_name)
        n = table.num_rows
        if n == 0:
            return None
        change = np.zeros(n, dtype=bool)
        change[0] = True
        if n > 1:
            neq = pc.not_equal(keys.slice(1), keys.slice(0, n - 1))
            change[1:] = _bools(neq)
        starts = np.flatnonzero(change)
        cut = n if final else int(starts[-1])  # the last group may continue in the next chunk
        if cut == 0:
            return table
        done = table.slice(0, cut)
        labels, y, v, _ = _from_arrow(done, group_name, yi, vi, sei, source, offset=rows, check_blank=False)
        gid = np.cumsum(change[:cut]) - 1
        n_groups = int(gid[-1]) + 1
        first_rows = starts[starts < cut]
        first = labels.take(_arrow(first_rows))
        if isinstance(first, pa.ChunkedArray):
            first = first.combine_chunks()
        blank_label(first, first_rows, group_name, source, offset=rows)
        res = fit_grouped(gid, y, v, n_groups, **settings)
        if pc.count_distinct(first).as_py() != len(first):
            _not_grouped(first, group_name, source)
        seen.append(first)
        writer.write(_result_table(first, group_name, res))
        rows += cut
        groups += n_groups
        not_converged += int((~res["converged"]).sum())
        if bar is not None:
            bar.update(cut)
        return table.slice(cut) if cut < n else None

    try:
        batches = _arrow_errors(batches, source)
        for batch in batches:
            table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
            if carry is not None:
                if table.schema != carry.schema:
                    table = table.cast(carry.schema)
                table = pa.concat_tables([carry, table]).combine_chunks()
            carry = flush(table, final=False)
        if carry is not None:
            flush(carry, final=True)
        if rows == 0:
            raise InputError("the input has no data rows; expected one row per study", file=source)
        if seen:
            everything = pa.chunked_array(seen)
            if pc.count_distinct(everything).as_py() != len(everything):
                _not_grouped(everything, group_name, source)
    finally:
        if bar is not None:
            bar.close()
    return rows, groups, not_converged


def _not_grouped(labels: Any, group_name: str, source: str) -> None:
    import pyarrow.compute as pc

    counts = pc.value_counts(labels)
    dup = counts.filter(pc.greater(counts.field("counts"), 1))
    example = dup.field("values")[0].as_py() if len(dup) else "?"
    raise InputError(
        f"the rows are not grouped by '{group_name}': group {example!r} appears in more than one run of rows. "
        "Rows of each meta-analysis must be contiguous: sort the file by that column first "
        "(or use evisynth.batch.from_long, which accepts any order, for data that fit in memory)",
        file=source, column=group_name,
    )


def _progress_bar(progress: bool | None, total: int | None) -> Any:
    import sys

    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="rows", unit_scale=True, file=sys.stderr, desc="meta-analysing", smoothing=0.1)
