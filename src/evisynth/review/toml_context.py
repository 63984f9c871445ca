"""Reading a TOML file with messages that name the line and key of a problem (``tomllib`` reports no positions)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evisynth.errors import InputError


class Locator:
    """Find the line of a key in the TOML text (tomllib does not report positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def _headers(self) -> list[tuple[int, str]]:
        out = []
        for i, line in enumerate(self.lines):
            m = re.match(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?", line)
            if m:
                out.append((i, m.group(2)))
        return out

    def table_line(self, table: str, index: int | None = None) -> int | None:
        """1-based line of ``[table]`` or of the ``index``-th ``[[table]]``."""
        hits = [i for i, name in self._headers() if name == table]
        if index is not None:
            return hits[index] + 1 if index < len(hits) else None
        return hits[0] + 1 if hits else None

    def key_line(self, key: str, table: str | None = None, outcome: int | None = None) -> int | None:
        """1-based line where ``key =`` is set inside ``table`` (of outcome ``outcome``)."""
        headers = self._headers()
        start, end = 0, len(self.lines)
        if outcome is not None:
            outs = [i for i, name in headers if name == "outcomes"]
            if outcome >= len(outs):
                return None
            start = outs[outcome]
            later = [i for i in outs if i > start]
            end = later[0] if later else len(self.lines)
        sections: list[tuple[int, int, str]] = []
        cur_start, cur_name = start, "outcomes" if outcome is not None else ""
        for i, name in headers:
            if start < i < end or (outcome is None and i >= start):
                sections.append((cur_start, i, cur_name))
                cur_start, cur_name = i, name
        sections.append((cur_start, end, cur_name))
        want = table if table is not None else ("outcomes" if outcome is not None else "")
        pat = re.compile(r"\s*" + re.escape(key) + r"\s*=")
        for s, e, name in sections:
            if name != want:
                continue
            for i in range(s, e):
                if pat.match(self.lines[i]):
                    return i + 1
        # inline tables: "grade.imprecision = {...}" or "imprecision = { ... }" inside [outcomes.grade]
        for i in range(start, end):
            if re.search(r"(?<![\w.])" + re.escape(key) + r"\s*=", self.lines[i]):
                return i + 1
        return None


class Context:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.loc = Locator(text)

    def error(self, message: str, key: str, *, table: str | None = None, outcome: int | None = None) -> InputError:
        line = self.loc.key_line(key.split(".")[-1], table, outcome)
        if line is None and outcome is not None:
            line = self.loc.table_line("outcomes", outcome)
        elif line is None and table is not None:
            line = self.loc.table_line(table)
        where = f"line {line}: " if line else ""
        return InputError(f"{where}{key}: {message}", file=str(self.path))


def text_value(ctx: Context, d: dict[str, Any], key: str, label: str, *, required: bool = False, table: str | None = None,
          outcome: int | None = None) -> str | None:
    value = d.get(key)
    if value is None:
        if required:
            raise ctx.error("is required (a short text)", label, table=table, outcome=outcome)
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ctx.error(f"must be a non-empty text; got {value!r}", label, table=table, outcome=outcome)
    return value.strip()


def number_value(ctx: Context, d: dict[str, Any], key: str, label: str, *, outcome: int | None = None,
            table: str | None = None) -> float | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ctx.error(f"must be a number; got {value!r}", label, table=table, outcome=outcome)
    return float(value)


def column_list(ctx: Context, d: dict[str, Any], key: str, label: str, outcome: int) -> tuple[str, ...]:
    value = d.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ctx.error(f"must be a list of column names, e.g. [\"dose\"]; got {value!r}", label, outcome=outcome)
    return tuple(v.strip() for v in value)


def refuse_unknown(ctx: Context, d: dict[str, Any], known: set[str], where: str, *, table: str | None = None,
             outcome: int | None = None) -> None:
    for key in d:
        if key not in known:
            raise ctx.error(f"unknown key in {where}; known keys: {', '.join(sorted(known))}", key, table=table,
                            outcome=outcome)
