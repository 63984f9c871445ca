"""Checks of a study table's columns and values, and unique study labels.

Used by :func:`evisynth.io.tabular.read_study_table`, which re-exports :func:`unique_labels`
and :data:`DataKind`. Every problem is an :class:`~evisynth.errors.InputError` naming the file,
the row (1-based data row, with the line of the file in brackets) and the column.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Literal

import numpy as np

from evisynth.errors import DuplicateLabelWarning, InputError
from evisynth.io.schema import BINARY, CONTINUOUS, GENERIC_CI

DataKind = Literal["continuous", "binary", "generic"]

_KIND_COLUMNS: dict[str, tuple[str, ...]] = {
    "binary": BINARY,
    "continuous": CONTINUOUS,
}


def _err(source: str, message: str, row: int | None = None, column: str | None = None) -> InputError:
    """An error at 0-based data row ``row``: reported as 1-based row and file line."""
    if row is None:
        return InputError(message, file=source, column=column)
    return InputError(message, file=source, row=row + 1, line=row + 2, column=column)


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


__all__ = ["DataKind", "unique_labels"]
