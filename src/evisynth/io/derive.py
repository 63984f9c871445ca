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


def _fmt(x: float) -> str:
    return f"{x:.4g}"


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


def _nan(x: float) -> bool:
    return math.isnan(x)


def _level_of(level: np.ndarray | None, i: int) -> float:
    if level is None or math.isnan(level[i]):
        return 0.95
    x = float(level[i])
    return x / 100 if x > 1 else x


def _derive_arm(a: str, i: int, val: Any, put: Any, notes: list[str], level: np.ndarray | None, binary: bool) -> None:
    if binary:
        return
    n = val(f"n{a}", i)
    m, sd = val(f"m{a}", i), val(f"sd{a}", i)
    if not _nan(sd) and not _nan(m):
        return
    has = {name: not _nan(val(name, i)) for name in (f"se{a}", f"ci{a}_lower", f"ci{a}_upper", f"median{a}",
                                                       f"q1_{a}", f"q3_{a}", f"min{a}", f"max{a}",
                                                       f"sd{a}_baseline", f"sd{a}_final")}
    if not any(has.values()):
        return
    if _nan(n):
        raise InputError(f"n{a} is needed to derive the arm's mean or SD", column=f"n{a}")
    if _nan(sd) and has[f"se{a}"]:
        put(f"sd{a}", i, float(cv.sd_from_se(val(f"se{a}", i), n)))
        notes.append(f"sd{a} from se{a} (SD = SE·√n)")
        sd = val(f"sd{a}", i)
    if has[f"ci{a}_lower"] != has[f"ci{a}_upper"]:
        raise InputError(f"give both ci{a}_lower and ci{a}_upper", column=f"ci{a}_upper")
    if has[f"ci{a}_lower"] and (_nan(sd) or _nan(m)):
        lo, hi = val(f"ci{a}_lower", i), val(f"ci{a}_upper", i)
        lev = _level_of(level, i)
        parts = []
        if _nan(m):
            put(f"m{a}", i, (lo + hi) / 2)
            parts.append(f"m{a}")
        if _nan(sd):
            put(f"sd{a}", i, float(cv.sd_from_ci(lo, hi, n, level=lev)))
            w = float(cv.ci_divisor(n - 1, lev, "auto", n))
            how = f"t with {n - 1:g} df" if n < cv.T_THRESHOLD else "normal"
            parts.append(f"sd{a}")
            notes.append(f"{', '.join(parts)} from the {lev:.0%} CI of the mean (SD = √n·width/{w:.3f}, {how})")
        else:
            notes.append(f"m{a} = midpoint of the {lev:.0%} CI of the mean")
        m, sd = val(f"m{a}", i), val(f"sd{a}", i)
    if has[f"median{a}"] and (_nan(sd) or _nan(m)):
        q = (has[f"q1_{a}"], has[f"q3_{a}"])
        r = (has[f"min{a}"], has[f"max{a}"])
        if q[0] != q[1]:
            raise InputError(f"give both q1_{a} and q3_{a}", column=f"q3_{a}")
        if r[0] != r[1]:
            raise InputError(f"give both min{a} and max{a}", column=f"max{a}")
        if not (q[0] or r[0]):
            raise InputError(f"median{a} needs the quartiles (q1_{a}, q3_{a}) and/or the range (min{a}, max{a})",
                             column=f"median{a}")
        res = cv.mean_sd_from_median(
            val(f"median{a}", i), n,
            q1=val(f"q1_{a}", i) if q[0] else None, q3=val(f"q3_{a}", i) if q[0] else None,
            minimum=val(f"min{a}", i) if r[0] else None, maximum=val(f"max{a}", i) if r[0] else None,
        )
        parts = []
        if _nan(m):
            put(f"m{a}", i, float(res.mean))
            parts.append(f"m{a}")
        if _nan(sd):
            put(f"sd{a}", i, float(res.sd))
            parts.append(f"sd{a}")
        notes.append(f"{', '.join(parts)} from the {res.description}")
        m, sd = val(f"m{a}", i), val(f"sd{a}", i)
    if has[f"sd{a}_baseline"] or has[f"sd{a}_final"]:
        if _nan(m) and not _nan(val(f"m{a}_final", i)) and not _nan(val(f"m{a}_baseline", i)):
            put(f"m{a}", i, val(f"m{a}_final", i) - val(f"m{a}_baseline", i))
            notes.append(f"m{a} = m{a}_final − m{a}_baseline (change from baseline)")
        if _nan(sd):
            if not (has[f"sd{a}_baseline"] and has[f"sd{a}_final"]):
                raise InputError(f"give both sd{a}_baseline and sd{a}_final", column=f"sd{a}_final")
            r = val(f"corr{a}", i)
            if _nan(r):
                r = val("corr", i)
            if _nan(r):
                raise InputError(f"a change-from-baseline SD needs a correlation (corr{a} or corr)",
                                 column=f"corr{a}")
            put(f"sd{a}", i, float(cv.sd_change(val(f"sd{a}_baseline", i), val(f"sd{a}_final", i), r)))
            notes.append(f"sd{a} of change imputed from baseline and final SDs with r = {r:g} "
                         "(Handbook §6.5.2.8)")


def _derive_pooled_sd(i: int, val: Any, put: Any, notes: list[str], level: np.ndarray | None) -> None:
    if not (_nan(val("sd1", i)) and _nan(val("sd2", i))):
        return
    n1, n2 = val("n1", i), val("n2", i)
    lo, hi = val("md_ci_lower", i), val("md_ci_upper", i)
    t, p = val("t_value", i), val("p_value", i)
    if _nan(lo) and _nan(hi) and _nan(t) and _nan(p):
        return
    if _nan(n1) or _nan(n2):
        raise InputError("n1 and n2 are needed to derive a pooled SD", column="n1")
    md = val("md", i)
    if _nan(md):
        md = val("m1", i) - val("m2", i)
    if not (_nan(lo) or _nan(hi)):
        lev = _level_of(level, i)
        sd = float(cv.sd_from_diff_ci(lo, hi, n1, n2, level=lev))
        how = f"{lev:.0%} CI of the mean difference"
    elif not _nan(t):
        if _nan(md):
            raise InputError("a t value needs the mean difference (md, or m1 and m2)", column="t_value")
        sd = float(cv.sd_from_t(md, t, n1, n2))
        how = f"t = {t:g} (SE = MD/t)"
    elif not _nan(p):
        if _nan(md):
            raise InputError("a P value needs the mean difference (md, or m1 and m2)", column="p_value")
        sd = float(cv.sd_from_p(md, p, n1, n2))
        tv = float(cv.t_from_p(p, n1 + n2 - 2))
        how = f"P = {p:g} (t = {tv:.3f} with {n1 + n2 - 2:g} df)"
    else:
        raise InputError("give both md_ci_lower and md_ci_upper", column="md_ci_upper")
    put("sd1", i, sd)
    put("sd2", i, sd)
    notes.append(f"sd1 = sd2 = pooled SD {_fmt(sd)} from {how}, SD = SE/√(1/n1 + 1/n2)")


def _combine_second_group(a: str, i: int, val: Any, put: Any, notes: list[str], binary: bool) -> None:
    nb = val(f"n{a}_b", i)
    if _nan(nb):
        return
    n = val(f"n{a}", i)
    if binary:
        eb = val(f"events{a}_b", i)
        if _nan(eb):
            raise InputError(f"events{a}_b is needed with n{a}_b", column=f"events{a}_b")
        e, tot = cv.combine_binary(val(f"events{a}", i), n, eb, nb)
        put(f"events{a}", i, float(e))
        put(f"n{a}", i, float(tot))
        notes.append(f"arm {a} combined with a second group (events and totals added)")
        return
    mb, sb = val(f"m{a}_b", i), val(f"sd{a}_b", i)
    if _nan(mb) or _nan(sb):
        raise InputError(f"m{a}_b and sd{a}_b are needed with n{a}_b", column=f"m{a}_b")
    if _nan(val(f"m{a}", i)) or _nan(val(f"sd{a}", i)):
        raise InputError(f"arm {a} needs its own mean and SD before a second group can be merged",
                         column=f"m{a}")
    nn, mm, ss = cv.combine_groups(n, val(f"m{a}", i), val(f"sd{a}", i), nb, mb, sb)
    put(f"n{a}", i, float(nn))
    put(f"m{a}", i, float(mm))
    put(f"sd{a}", i, float(ss))
    notes.append(f"arm {a} combined with a second group (n {n:g} + {nb:g}; Handbook table 6.5.a)")


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
