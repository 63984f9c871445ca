"""Read a CSV or Excel file into a table of text cells, before any column is interpreted.

CSV goes through the standard library (no pandas import); Excel through pandas and openpyxl.
Used by :func:`evisynth.io.tabular.read_study_table`, which re-exports :func:`read_frame`.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from evisynth.errors import InputError
from evisynth.files import csv_uncell


class _TextFrame:
    """The little of a DataFrame of strings that :func:`read_study_table` uses (CSV without pandas)."""

    def __init__(self, columns: list[str], rows: list[list[str]]) -> None:
        self.columns = columns
        self._data = {c: [r[j] for r in rows] for j, c in enumerate(columns)}
        self.shape = (len(rows), len(columns))

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, column: str) -> list[str]:
        return self._data[column]


def _read_csv_text(p: Path) -> _TextFrame:
    """Read a CSV file with the standard library: the delimiter (, ; tab |) is sniffed from the
    header, blank lines are skipped, cells are kept as text with leading spaces removed and
    short rows padded with empty cells; duplicated headers get ``.1``, ``.2`` as in pandas.

    Importing pandas costs several times more than reading a study table, so the CSV path of
    ``evisynth analyze`` does without it.
    """
    import csv

    data = p.read_bytes()
    from evisynth.io.detect import utf16_without_bom

    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_without_bom(data) or "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"could not be read as a table ({exc})", file=str(p)) from exc
    header_end = text.find("\n")
    if "\x00" in (text if header_end < 0 else text[:header_end]):
        raise InputError("the header row contains a NUL byte (\\x00): the file is not a text CSV (binary, or saved in an "
                         "encoding evisynth could not recognise); save it as 'CSV UTF-8'", file=str(p))
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise InputError(f"line {line} contains a NUL byte (\\x00); the file is not a text CSV: save it as 'CSV UTF-8'",
                         file=str(p))
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError("the file is empty; expected a header row and one row per comparison", file=str(p))
    try:
        delimiter = csv.Sniffer().sniff(lines[0], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    try:
        records = list(csv.reader(lines, delimiter=delimiter, skipinitialspace=True))
    except csv.Error as exc:
        raise InputError(f"could not be read as a table ({exc})", file=str(p)) from exc
    header, body = records[0], records[1:]
    columns: list[str] = []
    for name in header:
        base, n = name, 0
        while name in columns:
            n += 1
            name = f"{base}.{n}"
        columns.append(name)
    width = len(columns)
    for i, row in enumerate(body):
        if len(row) > width:
            raise InputError(f"row {i + 1} has {len(row)} cells but the header has {width}", file=str(p))
        if len(row) < width:
            row.extend([""] * (width - len(row)))
        # a cell neutralised against formula injection by evisynth ("'=x", see evisynth.files.csv_cell) reads as typed
        row[:] = [csv_uncell(c) if c[:1] == "'" else c for c in row]
    return _TextFrame(columns, body)


def read_frame(path: str | Path) -> Any:
    """Read a CSV or ``.xlsx`` file into a table of strings (a pandas DataFrame for Excel), keeping every cell."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"file not found: {p}")
    if p.is_dir():
        raise InputError(f"{p} is a folder; expected a .csv or .xlsx file")
    suffix = p.suffix.lower()
    if p.stat().st_size == 0:  # a whitespace-only CSV is refused by _read_csv_text with the same message
        raise InputError("the file is empty; expected a header row and one row per comparison", file=str(p))
    if suffix not in (".xlsx", ".xlsm", ".xls"):
        return _read_csv_text(p)
    import pandas as pd

    try:
        import openpyxl  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise InputError("reading Excel files needs openpyxl: pip install 'evisynth[excel]'", file=str(p)) from exc
    try:
        frame = pd.read_excel(p, dtype=str, keep_default_na=False)
        _show_uncached_formulas(p, frame)
    except pd.errors.EmptyDataError as exc:
        raise InputError("the file is empty; expected a header row and one row per comparison",
                         file=str(p)) from exc
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        raise InputError(f"could not be read as a table ({exc})", file=str(p)) from exc
    return frame


def _show_uncached_formulas(p: Path, frame: Any) -> None:
    """Put the formula text into cells whose formula has no saved result (pandas reads them as empty), so
    the reader says "a formula" instead of "missing value"."""
    import openpyxl

    try:
        formulas = openpyxl.load_workbook(p, read_only=True, data_only=False)
        values = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception:
        return
    try:
        rows_f = formulas.worksheets[0].iter_rows(min_row=2, max_col=frame.shape[1], values_only=True)
        rows_v = values.worksheets[0].iter_rows(min_row=2, max_col=frame.shape[1], values_only=True)
        for i, (rf, rv) in enumerate(zip(rows_f, rows_v, strict=False)):
            if i >= frame.shape[0]:
                break
            for j, (f, v) in enumerate(zip(rf, rv, strict=False)):
                if v is None and isinstance(f, str) and f.startswith("=") and frame.iat[i, j] == "":
                    frame.iat[i, j] = f
    finally:
        formulas.close()
        values.close()


__all__ = ["read_frame"]
