"""``evisynth check DIR``: every summary in a folder against its source, one table.

Pairing rule: a file named ``NAME.summary.EXT`` (``EXT`` one of txt, md, markdown, html, htm)
is a summary; its source is ``NAME.source.EXT`` (``EXT`` one of txt, md, markdown, html, htm,
json, pdf). A summary without a source is checked on its own. Files that follow neither
pattern are ignored; a folder without summaries is bad input.

The table has one row per summary: ``summary, source, status, claims, errors, warnings,
kinds, first_error`` (status ``ok``, ``warnings``, ``errors`` or ``failed`` for a file that
could not be read, with the reason in ``first_error``). Cells that a spreadsheet would run as
a formula are neutralised (OWASP CSV injection rule).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from evisynth.check.files import SOURCE_SUFFIXES, TEXT_SUFFIXES
from evisynth.check.output import TABLE_HEADER, strip_controls
from evisynth.errors import InputError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    summary: str
    source: str
    status: str
    claims: int
    errors: int
    warnings: int
    kinds: str
    first_error: str

    def cells(self) -> list[str]:
        return [
            self.summary,
            self.source,
            self.status,
            str(self.claims),
            str(self.errors),
            str(self.warnings),
            self.kinds,
            self.first_error,
        ]


def pairs(folder: Path) -> list[tuple[Path, Path | None]]:
    """Summaries in ``folder`` with their sources, by the pairing rule (sorted by name)."""
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder")
    files = sorted(p for p in folder.iterdir() if p.is_file())
    sources: dict[str, Path] = {}
    for p in files:
        stem, dot, ext = p.name.lower().rpartition(".")
        if dot and stem.endswith(".source") and f".{ext}" in SOURCE_SUFFIXES:
            sources.setdefault(p.name[: len(stem) - len(".source")], p)
    out: list[tuple[Path, Path | None]] = []
    for p in files:
        stem, dot, ext = p.name.lower().rpartition(".")
        if dot and stem.endswith(".summary") and f".{ext}" in TEXT_SUFFIXES:
            out.append((p, sources.get(p.name[: len(stem) - len(".summary")])))
    if not out:
        raise InputError(
            f"no summaries in {folder}: name them NAME.summary.txt|md|html, "
            f"with their source NAME.source.txt|md|html|json|pdf"
        )
    return out


def check_folder(folder: str | Path, certainty: str | Mapping[str, str] | None = None) -> list[Row]:
    """Check every summary in ``folder`` against its source; one row each."""
    from evisynth.check.check import check_file

    rows = []
    for summary, source in pairs(Path(folder)):
        try:
            result = check_file(summary, source, certainty)
        except InputError as exc:
            rows.append(Row(summary.name, source.name if source else "", "failed", 0, 0, 0, "", str(exc)))
            continue
        kinds = sorted({f.kind for f in result.findings})
        status = "errors" if result.errors else "warnings" if result.warnings else "ok"
        first = result.errors[0].message if result.errors else ""
        rows.append(
            Row(
                summary.name,
                source.name if source else "",
                status,
                len(result.claims),
                len(result.errors),
                len(result.warnings),
                ";".join(kinds),
                first,
            )
        )
    return rows


def _safe(cell: str) -> str:
    cell = strip_controls(cell)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def table_csv(rows: list[Row]) -> str:
    """The table as CSV (header first; formula-like cells neutralised)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    buf.write(TABLE_HEADER + "\n")
    for row in rows:
        writer.writerow([_safe(c) for c in row.cells()])
    return buf.getvalue()


def table_text(rows: list[Row]) -> str:
    """The table for a terminal."""
    heads = ["summary", "source", "status", "claims", "errors", "warnings", "kinds"]
    body = [[strip_controls(c) for c in r.cells()[:7]] for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(heads)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    n_err = sum(r.status in ("errors", "failed") for r in rows)
    lines.append(f"{len(rows)} summaries; {n_err} with errors or unreadable")
    return "\n".join(lines) + "\n"
