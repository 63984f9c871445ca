"""Fill ``m1/sd1/n1/m2/sd2/n2`` (and ``events``) from the statistics trial reports actually give.

Called by :func:`evisynth.io.tabular.read_study_table` before the table is checked. A study table
may leave ``sd1`` (or ``m1``) empty, or leave the column out, and give instead:

==========================================  =====================================================
columns (``1`` = experimental, ``2`` = control)  what is derived (:mod:`evisynth.io.conversions`)
==========================================  =====================================================
``se1``                                     ``sd1 = se1·√n1``
``ci1_lower``, ``ci1_upper`` [``ci_level``]  ``sd1`` from the CI of the mean (t with n−1 df if n < 60);
                                            ``m1`` = midpoint when ``m1`` is empty
``median1`` + ``q1_1``/``q3_1`` and/or       ``m1`` (Luo 2018) and ``sd1`` (Shi 2020 for all five
``min1``/``max1``                           numbers, Wan 2014 otherwise)
``sd1_baseline``, ``sd1_final``, ``corr1``  change-from-baseline ``sd1`` imputed with the correlation
(or ``corr`` for both arms)                 (``m1 = m1_final − m1_baseline`` when ``m1`` is empty)
``md_ci_lower``, ``md_ci_upper``;           a pooled SD assigned to both arms when ``sd1`` and ``sd2``
``t_value``; ``p_value`` [``md``]           are both empty (MD from ``md`` or ``m1 − m2``)
``n1_b``, ``m1_b``, ``sd1_b``               a second group merged into arm 1 (Handbook table 6.5.a);
(``events1_b`` for dichotomous data)        likewise ``n2_b``, ... for arm 2
``trial`` (or ``trial_id``),                comparisons of one trial that share a control group:
``control_group``, ``split_control``        split its n (and events) across them when
                                            ``split_control`` is yes (or ``split_control=True``);
                                            otherwise a :class:`~evisynth.errors.DataWarning`
==========================================  =====================================================

Reported values always win: a derivation only fills an empty cell. Each derivation is recorded
per row (``StudyTable.derived``) and reaches the analysis document as the study's ``note``, e.g.
``"sd1 from se1 (SD = SE·√n)"``. The derivation columns are consumed (they do not become
moderators); ``trial`` and ``control_group`` stay as ordinary columns.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from evisynth.errors import DataWarning, InputError
from evisynth.io import conversions as cv
from evisynth.io.derive_rows import _combine_second_group, _derive_arm, _derive_pooled_sd
from evisynth.io.schema import canonical_name, normalise_name

ARMS = ("1", "2")


def _arm_columns(a: str) -> tuple[str, ...]:
    return (f"se{a}", f"ci{a}_lower", f"ci{a}_upper", f"median{a}", f"q1_{a}", f"q3_{a}", f"min{a}", f"max{a}",
            f"sd{a}_baseline", f"sd{a}_final", f"m{a}_baseline", f"m{a}_final", f"corr{a}",
            f"n{a}_b", f"m{a}_b", f"sd{a}_b", f"events{a}_b")


#: Columns consumed by the derivation step (normalised names).
DERIVE_COLUMNS: tuple[str, ...] = (
    *_arm_columns("1"), *_arm_columns("2"),
    "corr", "ci_level", "md", "md_ci_lower", "md_ci_upper", "t_value", "p_value", "split_control",
)
#: Columns that describe the design of multi-arm trials (kept in the table).
GROUP_COLUMNS = ("trial_id", "control_group")
_TRUE = {"yes", "y", "true", "1", "split"}
_FALSE = {"no", "n", "false", "0", ""}


def _parse(text: str) -> float:
    t = str(text).strip().replace("\u2212", "-").replace("\u2013", "-")
    if t == "" or t.upper() in ("NA", "NAN", "N/A", "."):
        return math.nan
    return float(t)


@dataclass
class _Row:
    """Numeric view of one row with write-back of derived values."""

    i: int
    get: Any
    values: dict[str, float]
    notes: list[str]

    def has(self, name: str) -> bool:
        v = self.values.get(name, math.nan)
        return not math.isnan(v)


def derive_frame(frame: Any, source: str, *, split_control: bool | None = None) -> tuple[Any, list[str]]:
    """Apply the derivations to a string DataFrame; return the new frame and a note per row.

    Parameters
    ----------
    frame : table of text cells
        The study table as read (a pandas DataFrame of strings or anything with ``columns``,
        ``len`` and column access).
    source : str
        File name for messages.
    split_control : bool, optional
        Split shared control groups (True), never split (False) or follow the
        ``split_control`` column (None, default).

    Returns
    -------
    (frame, notes)
        The input itself when the table has no derivation columns, else a :class:`Cells`;
        ``notes[i]`` is ``""`` when nothing was derived for row ``i``.
    """
    names = [str(c) for c in frame.columns]
    study_cols = [c for c in names if canonical_name(c) == "study"]
    trial_cols = [c for c in study_cols if normalise_name(c) == "trial"]
    renamed = {}
    if len(study_cols) > 1 and trial_cols:
        # ``trial`` means the study label unless another column already is the label.
        renamed = {trial_cols[0]: "trial_id"}
    headers: dict[str, str] = {}
    canon: dict[str, str] = {}
    for col in names:
        col = renamed.get(col, col)
        norm = normalise_name(col)
        c = canonical_name(col)
        if c is not None:
            canon.setdefault(c, col)
        headers.setdefault(norm, col)
    present = [name for name in DERIVE_COLUMNS if name in headers]
    grouping = [name for name in GROUP_COLUMNS if name in headers]
    k = len(frame)
    notes = [""] * k
    if not present and not grouping and split_control is None and not renamed:
        return frame, notes

    cells = Cells({renamed.get(c, c): [str(x) for x in frame[c]] for c in names})
    numeric_targets = ("m1", "sd1", "n1", "m2", "sd2", "n2", "events1", "events2")
    values: dict[str, np.ndarray] = {}
    for name in (*numeric_targets, *present):
        header = canon.get(name) if name in numeric_targets else headers[name]
        if header is None:
            continue
        if name == "split_control":
            continue
        parsed = np.empty(k)
        for i, cell in enumerate(cells[header]):
            try:
                parsed[i] = _parse(cell)
            except ValueError:
                raise InputError(f"'{cell}' is not a number; expected a number", file=source, row=i + 1,
                                 line=i + 2, column=header) from None
        values[name] = parsed
    level = values.get("ci_level")
    changed: set[str] = set()
    row_notes: list[list[str]] = [[] for _ in range(k)]

    def err(i: int, name: str, message: str) -> InputError:
        return InputError(message, file=source, row=i + 1, line=i + 2, column=headers.get(name, name))

    def val(name: str, i: int) -> float:
        col = values.get(name)
        return math.nan if col is None else float(col[i])

    def put(name: str, i: int, x: float) -> None:
        if name not in values:
            values[name] = np.full(k, math.nan)
        values[name][i] = float(x)
        changed.add(name)

    binary = "events1" in canon or "events2" in canon
    for i in range(k):
        try:
            for a in ARMS:
                _derive_arm(a, i, val, put, row_notes[i], level, binary)
            if not binary:
                _derive_pooled_sd(i, val, put, row_notes[i], level)
            for a in ARMS:
                _combine_second_group(a, i, val, put, row_notes[i], binary)
        except InputError as exc:
            if exc.row is None:
                raise err(i, exc.column or "", exc.detail) from None
            raise

    _shared_controls(cells, headers, values, put, row_notes, source, split_control, binary)

    for name in sorted(changed):
        header = canon.get(name)
        if header is None:
            header = name
            canon[name] = name
        cells[header] = [("" if math.isnan(x) else repr(float(x))) for x in values[name]]
    for name in DERIVE_COLUMNS:
        if name in headers:
            cells.drop(headers[name])
    notes = ["; ".join(n) for n in row_notes]
    return cells, notes


class Cells:
    """A table of text cells with the small DataFrame surface the study-table reader uses."""

    def __init__(self, data: dict[str, list[str]]) -> None:
        self._data = dict(data)

    @property
    def columns(self) -> list[str]:
        return list(self._data)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self), len(self._data))

    def __len__(self) -> int:
        return len(next(iter(self._data.values()))) if self._data else 0

    def __getitem__(self, column: str) -> list[str]:
        return self._data[column]

    def __setitem__(self, column: str, values: list[str]) -> None:
        self._data[column] = list(values)

    def drop(self, column: str) -> None:
        self._data.pop(column, None)


def _truthy(cell: str, source: str, i: int, header: str) -> bool:
    t = str(cell).strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise InputError(f"'{cell}' is not yes/no", file=source, row=i + 1, line=i + 2, column=header)


def _shared_controls(frame: Any, headers: dict[str, str], values: dict[str, np.ndarray], put: Any,
                     notes: list[list[str]], source: str, split_control: bool | None, binary: bool) -> None:
    if "control_group" not in headers and "trial_id" not in headers:
        return
    k = len(frame)
    trial = [str(x).strip() for x in frame[headers["trial_id"]]] if "trial_id" in headers else [""] * k
    group = [str(x).strip() for x in frame[headers["control_group"]]] if "control_group" in headers else [""] * k
    flags: list[bool | None] = [split_control] * k
    if split_control is None and "split_control" in headers:
        flags = [_truthy(c, source, i, headers["split_control"]) for i, c in enumerate(frame[headers["split_control"]])]
    keys: dict[tuple[str, str], list[int]] = {}
    for i in range(k):
        if not trial[i] and not group[i]:
            continue
        if "control_group" in headers and not group[i]:
            continue  # the trial has no shared control declared for this row
        keys.setdefault((trial[i], group[i]), []).append(i)
    unsplit = []
    for (tr, gr), rows in keys.items():
        if len(rows) < 2:
            continue
        label = f"'{gr}'" + (f" of trial '{tr}'" if tr else "") if gr else f"of trial '{tr}'"
        want = {bool(flags[i]) for i in rows}
        if want == {False}:
            unsplit.append(f"{label} ({len(rows)} comparisons)")
            continue
        if len(want) > 1:
            raise InputError(f"split_control must be the same for every comparison sharing control group {label}",
                             file=source, row=rows[0] + 1, line=rows[0] + 2, column=headers.get("split_control"))
        n_tot = values["n2"][rows[0]]
        ev_tot = values["events2"][rows[0]] if binary else None
        for i in rows[1:]:
            if values["n2"][i] != n_tot or (binary and values["events2"][i] != ev_tot):
                raise InputError(
                    f"comparisons sharing control group {label} give different control data; give the whole "
                    "control group's n" + (" and events" if binary else "") + " in every row",
                    file=source, row=i + 1, line=i + 2, column="n2")
        if math.isnan(n_tot):
            continue
        parts = cv.split_shared_group(int(n_tot), len(rows), None if ev_tot is None else int(ev_tot))
        for i, (n_part, e_part) in zip(rows, parts, strict=True):
            put("n2", i, float(n_part))
            text = f"shared control {label} split across {len(rows)} comparisons: n2 {n_tot:g} → {n_part}"
            if e_part is not None:
                put("events2", i, float(e_part))
                text += f", events2 {ev_tot:g} → {e_part}"
            notes[i].append(text + " (Handbook §23.3.4)")
    if unsplit:
        warnings.warn(
            "control group counted more than once: " + "; ".join(unsplit) + " share a control arm; set "
            "split_control (column or option) to divide it across the comparisons (Handbook §23.3.4)",
            DataWarning, stacklevel=4,
        )
