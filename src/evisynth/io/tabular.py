"""Read a study table (CSV or Excel) and check it before any statistics are computed.

The result is a :class:`StudyTable`: canonical data columns as float arrays, the study
labels, the kind of data (continuous, binary or generic) and every other column kept as
a possible subgroup variable or moderator. Every problem is reported as an
:class:`~evisynth.errors.InputError` naming the file, the row (1-based data row, with
the line of the file in brackets), the column and what would be accepted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from evisynth.errors import InputError
from evisynth.io.frames import read_frame
from evisynth.io.schema import GENERIC_CI, GENERIC_SE, GENERIC_VAR, canonical_name
from evisynth.io.table_checks import (
    _KIND_COLUMNS,
    DataKind,
    _check_values,
    _detect_kind,
    _err,
    _parse_number,
    unique_labels,
)


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


__all__ = ["DataKind", "StudyTable", "entered_decimals", "read_frame", "read_study_table", "unique_labels"]
