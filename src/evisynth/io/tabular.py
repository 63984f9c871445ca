"""Read a study table (CSV or Excel) and check it before any statistics are computed.

The result is a :class:`StudyTable`: canonical data columns as float arrays, the study
labels, the kind of data (continuous, binary or generic) and every other column kept as
a possible subgroup variable or moderator. Every problem is reported as an
:class:`~evisynth.errors.InputError` naming the file, the row (1-based data row, with
the line of the file in brackets), the column and what would be accepted.
"""

from __future__ import annotations

import csv
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from evisynth.errors import DuplicateLabelWarning, InputError
from evisynth.io.schema import (
    BINARY,
    CONTINUOUS,
    GENERIC_CI,
    GENERIC_SE,
    GENERIC_VAR,
    canonical_name,
)

DataKind = Literal["continuous", "binary", "generic"]

_KIND_COLUMNS: dict[str, tuple[str, ...]] = {
    "binary": BINARY,
    "continuous": CONTINUOUS,
}


@dataclass(frozen=True)
class StudyTable:
    """A checked study table.

    Attributes
    ----------
    source : str
        File name (or ``"<data frame>"``) used in messages.
    kind : {"continuous", "binary", "generic"}
        The type of outcome data found.
    study : tuple of str
        Study labels in input order.
    columns : dict
        Canonical data columns (``m1``, ``events1``, ``yi``, ...) as float arrays.
    extra : dict
        Every other column, as float arrays when numeric, object arrays of str otherwise.
    extra_names : dict
        Original header of each extra column.
    derived : tuple of str
        Per row, what :mod:`evisynth.io.derive` filled in ("" when nothing), e.g.
        ``"sd1 from se1 (SD = SE·√n)"``, and a label made unique; empty tuple when nothing was.
    original_labels : tuple of str
        Per row, the label as entered when it was made unique ("" otherwise); empty tuple when
        every label was unique. Labels that are keys elsewhere (risk of bias, linked reports)
        must not be duplicated: their users refuse such tables.
    decimals : dict
        Per canonical data column, per row: the decimals the value was entered with (``"14.0"``
        → 1, ``"2.04"`` → 2), or ``None`` when the value was derived (filled in or changed by
        :mod:`evisynth.io.derive`) or is missing. Displays write arm data as entered.
    """

    source: str
    kind: DataKind
    study: tuple[str, ...]
    columns: dict[str, np.ndarray]
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    extra_names: dict[str, str] = field(default_factory=dict)
    derived: tuple[str, ...] = ()
    decimals: dict[str, tuple[int | None, ...]] = field(default_factory=dict)
    original_labels: tuple[str, ...] = ()

    @property
    def k(self) -> int:
        """Number of rows (comparisons)."""
        return len(self.study)

    def is_numeric(self, name: str) -> bool:
        """Whether extra column ``name`` is numeric (continuous moderator)."""
        return self.extra[name].dtype.kind == "f"

    def row_label(self, i: int) -> str:
        """Human-readable location of data row ``i`` (0-based)."""
        return f"row {i + 1} (line {i + 2})"


def _err(source: str, message: str, row: int | None = None, column: str | None = None) -> InputError:
    """An error at 0-based data row ``row``: reported as 1-based row and file line."""
    if row is None:
        return InputError(message, file=source, column=column)
    return InputError(message, file=source, row=row + 1, line=row + 2, column=column)


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


def _parse_number(text: str) -> float:
    t = text.strip().replace("\u2212", "-").replace("\u2013", "-")
    if t == "" or t.upper() in ("NA", "NAN", "N/A", "."):
        return math.nan
    return float(t)


def unique_labels(labels: list[str], source: str = "") -> tuple[list[str], list[str]]:
    """Make duplicated study labels unique with RevMan's letter suffixes, warning once per label.

    ``["Guckin 1992", "Smith", "Guckin 1992"]`` → ``["Guckin 1992a", "Smith", "Guckin 1992b"]``
    (a label not ending in a digit gets `` (a)``, `` (b)``); a suffixed label that already exists
    is skipped. Returns the labels and, per row, a note for the renamed ones ("" otherwise).

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     unique_labels(["Guckin 1992", "Smith", "Guckin 1992"])[0]
    ['Guckin 1992a', 'Smith', 'Guckin 1992b']
    """
    rows: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        rows.setdefault(label, []).append(i)
    out, notes = list(labels), [""] * len(labels)
    taken = set(labels)
    for label, idx in rows.items():
        if len(idx) < 2:
            continue
        letters = (chr(c) for c in range(ord("a"), ord("z") + 1))
        made = []
        for i in idx:
            for letter in letters:
                new = f"{label}{letter}" if label[-1:].isdigit() else f"{label} ({letter})"
                if new not in taken:
                    break
            else:  # pragma: no cover - more than 26 rows with one label
                new = f"{label} [{i + 1}]"
            taken.add(new)
            out[i] = new
            made.append(new)
            notes[i] = f"study label '{label}' appears {len(idx)} times (rows {', '.join(str(j + 1) for j in idx)}): " \
                       f"shown as '{new}'"
        warnings.warn(f"{source + ': ' if source else ''}study label '{label}' appears in rows "
                      f"{', '.join(str(j + 1) for j in idx)}; shown as {', '.join(repr(m) for m in made)} "
                      "(RevMan's convention)", DuplicateLabelWarning, stacklevel=3)
    return out, notes


def entered_decimals(text: str) -> int | None:
    """Decimals a number was written with (``"14.0"`` → 1, ``"2.04"`` → 2, ``"1e-3"`` → 3); ``None`` if none.

    >>> entered_decimals("14.0"), entered_decimals(" 2.04 "), entered_decimals("20"), entered_decimals("")
    (1, 2, 0, None)
    """
    from decimal import Decimal, InvalidOperation

    t = str(text).strip().replace("\u2212", "-").replace("\u2013", "-")
    try:
        exponent = Decimal(t).as_tuple().exponent
    except InvalidOperation:
        return None
    return max(0, -exponent) if isinstance(exponent, int) else None


def _entered(original: Any, columns: dict[str, np.ndarray]) -> dict[str, tuple[int | None, ...]]:
    """Per data column and row, the decimals of the value as entered in ``original`` (``None``: derived)."""
    headers: dict[str, str] = {}
    for col in original.columns:
        name = canonical_name(str(col))
        if name is not None:
            headers.setdefault(name, str(col))
    out: dict[str, tuple[int | None, ...]] = {}
    for name, values in columns.items():
        cells = list(original[headers[name]]) if name in headers else [""] * len(values)
        row: list[int | None] = []
        for cell, value in zip(cells, values, strict=True):
            try:
                given = _parse_number(str(cell))
            except ValueError:
                given = math.nan
            same = (math.isnan(given) and math.isnan(value)) or given == value
            row.append(entered_decimals(str(cell)) if same and not math.isnan(value) else None)
        out[name] = tuple(row)
    return out


def read_study_table(data: Any, *, source: str | None = None, split_control: bool | None = None) -> StudyTable:
    """Read and check a study table.

    Parameters
    ----------
    data : str, Path or pandas.DataFrame
        A ``.csv`` / ``.xlsx`` path or a DataFrame with one row per comparison.
    source : str, optional
        Name used in error messages (defaults to the file name).
    split_control : bool, optional
        Split control groups shared by several comparisons of a multi-arm trial (True), never
        split them (False), or follow the table's ``split_control`` column (None). See
        :mod:`evisynth.io.derive` for every column that may stand in for ``m/sd/n``.

    Returns
    -------
    StudyTable

    Raises
    ------
    InputError
        For missing columns, non-numbers, impossible values and duplicated labels.
    """
    if isinstance(data, (str, Path)):
        src = source or str(data)
        frame = read_frame(data)
    elif type(data).__module__.startswith("pandas") and type(data).__name__ == "DataFrame":
        src = source or "<data frame>"
        frame = data.astype(str).where(data.notna(), "")
    else:
        raise InputError(f"expected a file path or a pandas DataFrame, got {type(data).__name__}")

    if frame.shape[0] == 0:
        raise InputError("the table has no data rows; expected one row per comparison", file=src)
    from evisynth.io.derive import derive_frame

    original = frame
    frame, derived = derive_frame(frame, src, split_control=split_control)

    canon: dict[str, str] = {}
    extra_names: dict[str, str] = {}
    for col in frame.columns:
        name = canonical_name(str(col))
        if name is None:
            key = str(col).strip()
            if key:
                extra_names[key] = str(col)
            continue
        if name in canon:
            raise InputError(
                f"columns '{canon[name]}' and '{col}' both mean '{name}'; keep only one", file=src
            )
        canon[name] = str(col)

    if "study" not in canon:
        raise InputError(
            "missing required column 'study' (the study label); found columns: "
            + ", ".join(str(c) for c in frame.columns),
            file=src,
        )

    kind = _detect_kind(canon, src, list(frame.columns))
    needed: tuple[str, ...]
    if kind == "generic":
        if {"yi", "vi"} <= canon.keys():
            needed = GENERIC_VAR
        elif {"yi", "sei"} <= canon.keys():
            needed = GENERIC_SE
        else:
            needed = GENERIC_CI
    else:
        needed = _KIND_COLUMNS[kind]

    studies = [str(s).strip() for s in frame[canon["study"]]]
    labels = list(studies)
    for i, label in enumerate(studies):
        if not label:
            raise _err(src, "empty study label; every row needs a label", i, canon["study"])
    studies, renamed = unique_labels(studies, src)
    if any(renamed):
        derived = [d or "" for d in derived] if derived else [""] * len(studies)
        derived = ["; ".join(x for x in (r, d) if x) for r, d in zip(renamed, derived, strict=True)]

    columns: dict[str, np.ndarray] = {}
    optional = [c for c in ("yi", "vi", "sei", "estimate", "ci_lower", "ci_upper") if c in canon]
    for name in dict.fromkeys((*needed, *(optional if kind == "generic" else ()))):
        header = canon[name]
        values = np.empty(len(frame), dtype=float)
        for i, cell in enumerate(frame[header]):
            try:
                values[i] = _parse_number(str(cell))
            except ValueError:
                if str(cell).strip().startswith("="):
                    raise _err(src, f"'{cell}' is a formula without a saved result (the file was written by a program "
                               "that does not calculate formulas); open and save it in Excel or LibreOffice, or enter "
                               "the number", i, header) from None
                raise _err(src, f"'{cell}' is not a number; expected a number", i, header) from None
            if name in needed and math.isnan(values[i]):
                raise _err(src, "missing value; this column is required for every row", i, header)
            if math.isinf(values[i]):
                raise _err(src, f"'{cell}' is not a finite number", i, header)
        columns[name] = values

    _check_values(kind, columns, canon, src)

    extra: dict[str, np.ndarray] = {}
    for key, header in extra_names.items():
        cells = [str(c).strip() for c in frame[header]]
        try:
            nums = np.array([_parse_number(c) for c in cells], dtype=float)
            if all(c == "" for c in cells):
                raise ValueError
            extra[key] = nums
        except ValueError:
            extra[key] = np.array(cells, dtype=object)
    return StudyTable(src, kind, tuple(studies), columns, extra, extra_names,
                      tuple(derived) if any(derived) else (), _entered(original, columns),
                      tuple(r and orig for r, orig in zip(renamed, labels, strict=True)) if any(renamed) else ())


def _detect_kind(canon: dict[str, str], src: str, found: list[Any]) -> DataKind:
    has = canon.keys()
    if {"events1", "events2"} & has:
        kind: DataKind = "binary"
    elif {"m1", "m2", "sd1", "sd2"} & has:
        kind = "continuous"
    elif {"yi", "estimate"} & has:
        kind = "generic"
    else:
        raise InputError(
            "no outcome columns found; expected continuous data (m1, sd1, n1, m2, sd2, n2), "
            "dichotomous data (events1, n1, events2, n2) or generic data (yi with vi or sei, or "
            "estimate, ci_lower, ci_upper); found columns: " + ", ".join(str(c) for c in found),
            file=src,
        )
    if kind in _KIND_COLUMNS:
        missing = [c for c in _KIND_COLUMNS[kind] if c not in has]
        if missing:
            raise InputError(
                f"{kind} data need columns {', '.join(_KIND_COLUMNS[kind])}; missing: {', '.join(missing)}",
                file=src,
            )
    elif not ({"yi", "vi"} <= has or {"yi", "sei"} <= has or set(GENERIC_CI) <= has):
        raise InputError(
            "generic data need 'yi' with 'vi' or 'sei', or 'estimate', 'ci_lower' and 'ci_upper'",
            file=src,
        )
    return kind


def _check_values(kind: str, cols: dict[str, np.ndarray], canon: dict[str, str], src: str) -> None:
    def fail(i: int, name: str, message: str) -> None:
        raise _err(src, message, i, canon[name])

    if kind in ("continuous", "binary"):
        for name in ("n1", "n2"):
            for i, n in enumerate(cols[name]):
                if n < 0:
                    fail(i, name, f"negative sample size {n:g}; expected a whole number >= 2")
                if n != round(n):
                    fail(i, name, f"sample size {n:g} is not a whole number")
                if kind == "continuous" and n < 2:
                    fail(i, name, f"sample size {n:g} is below 2; each arm needs at least 2 participants")
                if kind == "binary" and n < 1:
                    fail(i, name, f"sample size {n:g}; expected a whole number >= 1")
    if kind == "continuous":
        for name in ("sd1", "sd2"):
            for i, s in enumerate(cols[name]):
                if s < 0:
                    fail(i, name, f"negative standard deviation {s:g}; expected a number > 0")
                if s == 0:
                    fail(i, name, "standard deviation is 0; expected a number > 0")
    if kind == "binary":
        for ev, n in (("events1", "n1"), ("events2", "n2")):
            for i, (e, tot) in enumerate(zip(cols[ev], cols[n], strict=True)):
                if e < 0:
                    fail(i, ev, f"negative event count {e:g}; expected a whole number from 0 to {tot:g}")
                if e != round(e):
                    fail(i, ev, f"event count {e:g} is not a whole number")
                if e > tot:
                    fail(i, ev, f"{e:g} events is more than the {tot:g} participants in the arm "
                                f"('{canon[n]}'); expected 0 to {tot:g}")
    if kind == "generic":
        if "vi" in cols:
            for i, v in enumerate(cols["vi"]):
                if not v > 0:
                    fail(i, "vi", f"sampling variance {v:g}; expected a number > 0")
        elif "sei" in cols:
            for i, v in enumerate(cols["sei"]):
                if not v > 0:
                    fail(i, "sei", f"standard error {v:g}; expected a number > 0")
        else:
            for i in range(len(cols["estimate"])):
                lo, est, hi = cols["ci_lower"][i], cols["estimate"][i], cols["ci_upper"][i]
                if not lo < hi:
                    fail(i, "ci_upper", f"upper limit {hi:g} is not above lower limit {lo:g}")
                if not lo <= est <= hi:
                    fail(i, "estimate", f"estimate {est:g} lies outside its interval [{lo:g}, {hi:g}]")
