"""Group labels of a streamed chunk, handled with numpy over Arrow's string buffers.

``evisynth batch`` reads group labels as text. Finding where a run of equal labels starts,
taking the first label of each run, and checking that no label comes back in a later run are
done here on the label bytes, laid out as a zero-padded ``(n, width)`` byte matrix beside the
lengths, so the command does not import ``pyarrow.compute`` (about 50 ms of a 0.8 s run).
Every function returns ``None`` when it does not apply (not a string array, nulls, labels
longer than :data:`MAX_WIDTH` bytes) and the caller uses ``pyarrow.compute`` instead, with
the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: Longest label (bytes) handled with the byte matrix; longer ones go to pyarrow.compute.
MAX_WIDTH = 64

#: First bytes a label may start with when it is surely not blank: printable ASCII other than space.
_PRINTABLE = (0x21, 0x7E)
#: First bytes that :func:`evisynth.files.csv_cells_arrow` may have to escape (= + - @ tab CR).
_RISKY = np.array([0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D], dtype=np.uint8)


@dataclass(frozen=True)
class Labels:
    """The bytes of ``n`` labels: ``matrix[i, :lengths[i]]`` is label ``i``, zero-padded."""

    array: Any  # the pyarrow string array
    offsets: np.ndarray
    data: np.ndarray
    lengths: np.ndarray
    matrix: np.ndarray

    def changes(self) -> np.ndarray:
        """``out[i]``: label ``i + 1`` differs from label ``i``."""
        return np.asarray((self.lengths[1:] != self.lengths[:-1]) | (self.matrix[1:] != self.matrix[:-1]).any(axis=1))

    def take(self, rows: np.ndarray) -> Any:
        """The labels at ``rows`` as a new pyarrow string array (as ``array.take(rows)``)."""
        import pyarrow as pa

        lengths = self.lengths[rows]
        offsets = np.zeros(rows.size + 1, dtype=self.offsets.dtype)
        np.cumsum(lengths, out=offsets[1:])
        total = int(offsets[-1])
        index = np.repeat(self.offsets[:-1][rows] - offsets[:-1], lengths) + np.arange(total)
        data = self.data[index] if total else np.zeros(1, dtype=np.uint8)
        return pa.Array.from_buffers(self.array.type, rows.size, [None, pa.py_buffer(offsets), pa.py_buffer(data)])

    def all_distinct(self) -> bool:
        """No label occurs twice."""
        if len(self.lengths) < 2:
            return True
        keys = np.concatenate([self.lengths.astype("<i8").view(np.uint8).reshape(-1, 8), self.matrix], axis=1)
        ordered = np.sort(np.ascontiguousarray(keys).view(np.dtype((np.void, keys.shape[1]))).ravel())
        return not bool((ordered[1:] == ordered[:-1]).any())

    def surely_not_blank(self) -> bool:
        """Every label starts with a printable ASCII character other than space (so none is blank)."""
        first = self.matrix[:, 0] if self.matrix.shape[1] else np.zeros(len(self.lengths), dtype=np.uint8)
        return bool(((self.lengths > 0) & (first >= _PRINTABLE[0]) & (first <= _PRINTABLE[1])).all())

    def surely_safe_in_csv(self) -> bool:
        """No label starts with a character a spreadsheet could run as a formula."""
        first = self.matrix[:, 0] if self.matrix.shape[1] else np.zeros(len(self.lengths), dtype=np.uint8)
        return not bool(np.isin(first[self.lengths > 0], _RISKY).any())


def labels_of(values: Any) -> Labels | None:
    """The :class:`Labels` of a pyarrow (chunked) string array, or ``None`` if they do not apply."""
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        values = values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()
    if values.null_count or not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return None
    n = len(values)
    kind = np.int64 if pa.types.is_large_string(values.type) else np.int32
    _, off_buf, data_buf = values.buffers()
    offsets = np.frombuffer(off_buf, dtype=kind, count=n + 1, offset=values.offset * np.dtype(kind).itemsize)
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None and data_buf.size else np.zeros(1, np.uint8)
    lengths = np.diff(offsets)
    width = int(lengths.max()) if n else 0
    if width > MAX_WIDTH:
        return None
    column = np.arange(width)
    index = offsets[:-1].astype(np.int64)[:, None] + column[None, :]
    inside = column[None, :] < lengths[:, None]
    matrix = np.where(inside, data[np.minimum(index, data.size - 1)], 0).astype(np.uint8)
    return Labels(values, offsets, data, lengths, matrix)
