"""Data extraction for the web app (``evisynth serve``): arm-level grids per outcome, checked by the
same reader as the command line, the conversion helpers with their derivation, paste and CSV/Excel.

A grid is the study table of one outcome as text cells (header + rows). It is checked by
:func:`evisynth.io.tabular.read_study_table` (so its messages are the CLI's one-line
:class:`~evisynth.errors.InputError` messages) and the derivations of :mod:`evisynth.io.derive`
(SD from SE/CI, mean/SD from median/IQR/range, a second group merged, shared controls split) are
reported per row. Grids the app saves go to ``<project>/extraction/<outcome>.csv``; the review's own
data files are read, never replaced.

>>> g = Grid(("study", "m1", "sd1", "n1", "m2", "sd2", "n2"), (("A", "1", "", "10", "2", "1", "10"),))
>>> check_grid(g).error
"<grid>, row 1 (line 2), column 'sd1': missing value; this column is required for every row"
>>> round(convert("sd_from_se", se="0.5", n="16").value, 4)
2.0
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evisynth.errors import InputError
from evisynth.files import csv_row, write_bytes, write_text
from evisynth.files.escape import csv_uncell

__all__ = ["CONVERSIONS", "Conversion", "Grid", "GridCheck", "check_grid", "convert", "display_order", "grid_csv",
           "grid_from_file", "grid_path", "grid_xlsx", "kept_versions", "outcome_grids", "parse_paste", "save_grid"]

EXTRACTION_DIR = "extraction"
#: The outcome names of the grids only the app knows, by file name (``extraction/outcomes.json``).
NAMES_FILE = "outcomes.json"
#: Column sets of an empty grid per data type (the names the study-table reader accepts).
STARTER_COLUMNS = {
    "continuous": ("study", "m1", "sd1", "n1", "m2", "sd2", "n2", "subgroup"),
    "dichotomous": ("study", "events1", "n1", "events2", "n2", "subgroup"),
    "generic": ("study", "yi", "sei", "subgroup"),
}


@dataclass(frozen=True)
class Grid:
    """A study table as text cells: ``header`` and ``rows`` (each as long as the header)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def frame(self) -> Any:
        import pandas as pd

        width = len(self.header)
        rows = [tuple(r[:width]) + ("",) * (width - len(r)) for r in self.rows if any(c.strip() for c in r)]
        return pd.DataFrame(rows, columns=list(self.header), dtype=object)


@dataclass(frozen=True)
class GridCheck:
    """The result of checking a grid: the first error (``None`` when readable) and per row what was derived."""

    error: str | None
    kind: str | None = None
    derived: tuple[str, ...] = ()
    studies: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.error is None


def check_grid(grid: Grid, source: str = "<grid>") -> GridCheck:
    """Check the grid with the command line's reader; its first error is one line naming row and column."""
    import warnings

    from evisynth.io.tabular import read_study_table

    if not grid.rows:
        return GridCheck(f"{source}: no studies entered yet")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            table = read_study_table(grid.frame(), source=source)
        except InputError as exc:
            return GridCheck(str(exc))
    return GridCheck(None, table.kind, _derived_values(table), tuple(table.study),
                     tuple(str(w.message) for w in caught))


def display_order(grid: Grid) -> tuple[Grid, int]:
    """The grid with its columns in the order the page shows and saves them: the study label, the data
    columns (arm values and what the grid derives them from: ``m1 sd1 n1``, ``se1``, ``ci1_lower``, ...)
    in their own order, then every other column (subgroups, moderators); and how many come before
    the others (the study label and the data columns).

    >>> display_order(Grid(("study", "dose", "m1", "n1"), (("A", "5", "1", "10"),)))
    (Grid(header=('study', 'm1', 'n1', 'dose'), rows=(('A', '1', '10', '5'),)), 3)
    """
    from evisynth.io.derive import DERIVE_COLUMNS
    from evisynth.io.schema import canonical_name, normalise_name

    labels = [j for j, h in enumerate(grid.header) if canonical_name(h) == "study"]
    label = next((j for j in labels if normalise_name(grid.header[j]) == "study"), labels[0] if labels else None)
    data = [j for j, h in enumerate(grid.header) if j != label and h.strip() and canonical_name(h) != "study"
            and (canonical_name(h) is not None or normalise_name(h) in DERIVE_COLUMNS[:-1])]
    first = ([] if label is None else [label]) + data
    order = first + [j for j in range(len(grid.header)) if j not in first]
    return Grid(tuple(grid.header[j] for j in order),
                tuple(tuple(r[j] if j < len(r) else "" for j in order) for r in grid.rows)), len(first)


def _derived_values(table: Any) -> tuple[str, ...]:
    """Per row the derivation with the values it gave, e.g. ``"sd1 = 2.05: sd1 from the 95% CI ..."``."""
    out = []
    for i, how in enumerate(table.derived):
        values = [f"{name} = {float(col[i]):.4g}" for name, col in table.columns.items()
                  if how and table.decimals.get(name, ())[i:i + 1] == (None,) and math.isfinite(float(col[i]))]
        out.append(f"{', '.join(values)}: {how}" if values else how)
    return tuple(out)


def parse_paste(text: str) -> Grid:
    """Cells pasted from a spreadsheet (tab-separated lines); the first line is the header.

    >>> parse_paste("study\\tn1\\nA\\t10\\n").rows
    (('A', '10'),)
    """
    lines = [line.rstrip("\r") for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError("pasted text is empty: copy the header row and the study rows from the spreadsheet")
    sep = "\t" if "\t" in lines[0] else ","
    rows = list(csv.reader(lines, delimiter=sep))
    header = tuple(c.strip() for c in rows[0])
    if not any(header):
        raise InputError("pasted text has no header row: its first line must name the columns (study, m1, sd1, ...)")
    return Grid(header, tuple(tuple(c.strip() for c in r) for r in rows[1:]))


def grid_from_file(data: bytes, name: str) -> Grid:
    """A grid from an uploaded ``.csv``/``.tsv``/``.txt`` or ``.xlsx`` file (cells as text)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        import pandas as pd

        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False)
        except Exception as exc:  # zipfile.BadZipFile, KeyError, ValueError from a damaged workbook
            raise InputError(f"{name}: not a readable Excel workbook ({type(exc).__name__})") from None
        return Grid(tuple(str(c) for c in frame.columns), tuple(tuple(str(v) for v in r) for r in frame.itertuples(
            index=False)))
    if suffix not in (".csv", ".tsv", ".txt"):
        raise InputError(f"{name}: a study table must be .csv, .tsv, .txt or .xlsx")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (save the table as CSV UTF-8)") from exc
    return parse_paste(text)


def grid_csv(grid: Grid) -> str:
    """The grid as CSV; cells starting with ``=``, ``+``, ``-``, ``@``, tab or CR are neutralised (formula
    injection), numbers are kept as they are."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([_one_newline(c) for c in csv_row(grid.header)])
    for row in grid.rows:
        w.writerow([c if _number(c) else _one_newline(csv_row([c])[0]) for c in row])
    return buf.getvalue()


def _one_newline(cell: str) -> str:
    """A CR in a cell as a newline, so the writer quotes the cell (a bare CR would end the row)."""
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def grid_xlsx(grid: Grid) -> bytes:
    """The grid as an Excel workbook (cells as text, formula injection neutralised as in :func:`grid_csv`)."""
    import pandas as pd

    rows = [[_cell_value(c) for c in r] for r in csv.reader(io.StringIO(grid_csv(grid)))]
    frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=object) if rows else pd.DataFrame()
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    return buf.getvalue()


def _cell_value(cell: str) -> Any:
    """A number as a number (an Excel cell of type n), anything else as text."""
    if not _number(cell):
        return cell
    x = float(cell)
    return int(x) if x.is_integer() and re.fullmatch(r"[+-]?\d+", cell.strip()) else x


def _number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def grid_path(project_dir: str | Path, outcome: str) -> Path:
    """Where the app keeps the grid of ``outcome``: ``extraction/<slug>.csv`` in the project folder."""
    slug = re.sub(r"[^a-z0-9]+", "_", outcome.lower()).strip("_") or "outcome"
    return Path(project_dir) / EXTRACTION_DIR / f"{slug}.csv"


def save_grid(project_dir: str | Path, outcome: str, grid: Grid, *, who: str = "") -> Path:
    """Write the grid atomically to :func:`grid_path` (never to the review's own data files); the
    outcome's name as typed is kept in ``extraction/outcomes.json``.

    A save that changes the table keeps the version it replaces under ``history/extraction/`` and
    appends who saved what to ``history/review_changes.jsonl`` (the History page); saving an unchanged
    table records nothing.
    """
    import json

    from evisynth.api.reviewfile import keep_version, log_change

    path = grid_path(project_dir, outcome)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = _names(path.parent)
    if names.get(path.name) != outcome:
        write_text(path.parent / NAMES_FILE, json.dumps({**names, path.name: outcome}, indent=1, sort_keys=True))
    data = grid_csv(grid).encode("utf-8")
    old = path.read_bytes() if path.exists() else None
    if old == data:
        return path
    if old is None and not grid.rows:  # a new outcome's empty starter grid: nothing to record
        return write_bytes(path, data)
    folder = Path(project_dir)
    before = ""
    if old is not None and _count_rows(old) != "0 rows":  # an empty grid is not worth keeping
        keep_version(folder, path, old, EXTRACTION_DIR)
        before = f" (was {_count_rows(old)})"
    write_bytes(path, data)
    log_change(folder, who, "data saved", f"{outcome}: {_count_rows(data)}{before} in "
                                          f"{EXTRACTION_DIR}/{path.name}")
    return path


def kept_versions(project_dir: str | Path, outcome: str) -> list[str]:
    """The versions of ``outcome``'s grid that saves replaced, oldest first, as paths in the project folder
    (``history/extraction/<outcome>-<UTC time>.csv``)."""
    stem = grid_path(project_dir, outcome).stem
    folder = Path(project_dir) / "history" / EXTRACTION_DIR
    return sorted(p.relative_to(project_dir).as_posix() for p in folder.glob(f"{stem}-*.csv")) if folder.is_dir() \
        else []


def _count_rows(data: bytes) -> str:
    n = max(len([line for line in data.decode("utf-8-sig").splitlines() if line.strip()]) - 1, 0)
    return f"{n} row{'' if n == 1 else 's'}"


def _names(folder: Path) -> dict[str, str]:
    import json

    try:
        names = json.loads((folder / NAMES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}


def _read_saved(path: Path) -> Grid:
    """A grid the app wrote, with its formula-neutralising quotes taken off (cells as typed)."""
    grid = parse_paste(path.read_text(encoding="utf-8-sig"))
    return Grid(tuple(csv_uncell(c) for c in grid.header), tuple(tuple(csv_uncell(c) for c in r) for r in grid.rows))


def outcome_grids(project_dir: str | Path) -> dict[str, tuple[Grid, Path]]:
    """Each outcome's grid: the review's outcomes (``review.toml`` or ``data/review.toml``) with the
    app's saved grid when there is one, else the review's data file (CSV or Excel); then grids only the
    app knows. A review or data file that cannot be read raises its one-line :class:`InputError`."""
    folder = Path(project_dir)
    out: dict[str, tuple[Grid, Path]] = {}
    from evisynth.review.file import find_review, load_review

    review = find_review(folder)
    for spec in load_review(review).outcomes if review is not None else ():
        saved = grid_path(folder, spec.name)
        if saved.exists():
            out[spec.name] = (_read_saved(saved), saved)
        else:
            out[spec.name] = (grid_from_file(spec.data.read_bytes(), spec.data.name), spec.data)
    extra = folder / EXTRACTION_DIR
    if extra.is_dir():
        known = {grid_path(folder, n).name for n in out}
        names = _names(extra)
        for path in sorted(extra.glob("*.csv")):
            if path.name not in known:
                out[names.get(path.name, path.stem)] = (_read_saved(path), path)
    return out


@dataclass(frozen=True)
class Conversion:
    """A derived value with the formula and inputs it came from (shown beside the value)."""

    value: float
    derivation: str
    second: float | None = None


def _num(values: dict[str, str], key: str, *, optional: bool = False) -> float | None:
    text = str(values.get(key, "") or "").strip()
    if not text:
        if optional:
            return None
        raise InputError(f"conversion: {key} is empty (a number is needed)")
    try:
        x = float(text)
    except ValueError:
        raise InputError(f"conversion: {key} = {text!r} is not a number") from None
    if not math.isfinite(x):
        raise InputError(f"conversion: {key} = {text!r} is not a finite number")
    return x


def convert(kind: str, **values: str) -> Conversion:
    """Run one conversion helper on text inputs (what the grid's inline helper sends).

    ``kind`` is a key of :data:`CONVERSIONS`; errors are one-line :class:`InputError` messages.
    """
    from evisynth.io import conversions as cv

    if kind not in CONVERSIONS:
        raise InputError(f"conversion {kind!r} is not one of {', '.join(CONVERSIONS)}")
    def g(key: str) -> float:
        x = _num(values, key)
        assert x is not None
        return x

    def maybe(key: str) -> float | None:
        return _num(values, key, optional=True)

    try:
        if kind == "sd_from_se":
            se, n = g("se"), g("n")
            return Conversion(float(cv.sd_from_se(se, n)[()]), f"SD = SE·√n = {se:g}·√{n:g}")
        if kind == "sd_from_ci":
            lo, hi, n = g("lower"), g("upper"), g("n")
            level = maybe("level") or 0.95
            sd = float(cv.sd_from_ci(lo, hi, n, level=level)[()])
            dist = "t" if n < 60 else "z"
            return Conversion(sd, f"SD = √n·(upper − lower)/(2·{dist}) from the {level:.0%} CI {lo:g} to {hi:g}, "
                                  f"n = {n:g}")
        if kind == "sd_from_p":
            md, p, n1, n2 = g("md"), g("p"), g("n1"), g("n2")
            sd = float(cv.sd_from_p(md, p, n1, n2)[()])
            return Conversion(sd, f"pooled SD from MD = {md:g}, two-sided P = {p:g}, n = {n1:g} + {n2:g} "
                                  f"(t with {n1 + n2 - 2:g} df)")
        if kind == "mean_sd_from_median":
            med, n = g("median"), g("n")
            q1, q3, mn, mx = maybe("q1"), maybe("q3"), maybe("min"), maybe("max")
            r = cv.mean_sd_from_median(med, n, q1=q1, q3=q3, minimum=mn, maximum=mx)
            given = ", ".join(f"{k} {v:g}" for k, v in (("Q1", q1), ("Q3", q3), ("min", mn), ("max", mx))
                              if v is not None)
            return Conversion(float(r.mean[()]), f"mean (Luo 2018) and SD (Shi/Wan) from median {med:g}, {given}, "
                                                 f"n = {n:g}", second=float(r.sd[()]))
        if kind == "combine_groups":
            a = [g(k) for k in ("n_a", "m_a", "sd_a", "n_b", "m_b", "sd_b")]
            nc, mc, sdc = cv.combine_groups(*a)
            return Conversion(float(mc[()]), "two groups combined (Cochrane Handbook table 6.5.a): "
                                             f"N = {float(nc[()]):g}", second=float(sdc[()]))
        n_total, parts = g("n"), g("parts")
        split = cv.split_shared_group(int(n_total), int(parts))
        return Conversion(float(split[0][0]), f"shared control of {n_total:g} split across {parts:g} comparisons: "
                                              + ", ".join(str(s[0]) for s in split))
    except ValueError as exc:
        raise InputError(f"conversion: {exc}") from None


#: The helpers of the grid: key → (label, input names).
CONVERSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sd_from_ci": ("SD from a confidence interval of the mean", ("lower", "upper", "n", "level")),
    "sd_from_se": ("SD from the standard error", ("se", "n")),
    "sd_from_p": ("Pooled SD from the mean difference and its P value", ("md", "p", "n1", "n2")),
    "mean_sd_from_median": ("Mean and SD from median with IQR and/or range", ("median", "q1", "q3", "min", "max", "n")),
    "combine_groups": ("Combine two arms into one", ("n_a", "m_a", "sd_a", "n_b", "m_b", "sd_b")),
    "split_control": ("Split a shared control group", ("n", "parts")),
}
