"""The base of every result object: frozen dataclasses that save themselves as JSON-ready dicts.

A result is a frozen dataclass whose fields are typed values (``float | None`` where a number
may be undefined: ``None`` is JSON's ``null``), nested results, or tuples of results. Its
:meth:`Record.to_dict` writes the fields in declaration order — the key order of the analysis
document — and, on the log scale, the exponentiated twins ``<key>_exp`` of the keys a class
names in ``_EXP_KEYS`` (placed after the field ``_EXP_AFTER``, or at the end).
:meth:`Record.from_dict` reads such a dict back (twins are derived, so they are skipped).

Fields marked with :data:`HIDDEN` metadata (``log_scale``) are not written: the document says
the scale once, at the top.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar, get_args, get_origin

import numpy as np

from evisynth.errors import InputError

#: Field metadata that keeps a field out of ``to_dict()``.
HIDDEN: Mapping[str, Any] = types.MappingProxyType({"json": False})

R = TypeVar("R", bound="Record")


def plain(x: Any) -> Any:
    """A JSON-ready plain value: floats (``None`` for nan/inf), ints, bools, str, lists and dicts."""
    if x is None or isinstance(x, str):
        return x
    if isinstance(x, Record):
        return x.to_dict()
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return f if math.isfinite(f) else None
    if isinstance(x, Mapping):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [plain(v) for v in x]
    return x


def number(x: Any) -> float | None:
    """``x`` as a finite float, or ``None`` (nan, inf, missing)."""
    if x is None or isinstance(x, (bool, np.bool_)):
        return None
    f = float(x)
    return f if math.isfinite(f) else None


def exp_or_none(x: float | None) -> float | None:
    """``exp(x)`` (``None`` stays ``None``; overflow gives ``None``)."""
    if x is None:
        return None
    try:
        return math.exp(x)
    except OverflowError:
        return None


class SummaryText(str):
    """A text that shows itself as it is: ``res.summary()`` in a notebook prints the report."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(self)}</pre>"


def _scalars(d: Mapping[str, Any]) -> dict[str, Any]:
    """The scalar entries of a ``to_dict()`` (nested sections and lists left out)."""
    return {k: v for k, v in d.items() if not isinstance(v, (dict, list))}


class Record:
    """Mixin for frozen result dataclasses (see the module docstring).

    Besides :meth:`to_dict`/:meth:`from_dict` every result has :meth:`to_frame` (a DataFrame:
    one row, or one row per element of its ``_ROWS`` field), :meth:`summary` (readable text)
    and ``_repr_html_`` (an HTML table in a notebook).
    """

    _EXP_KEYS: ClassVar[tuple[str, ...]] = ()
    _EXP_AFTER: ClassVar[str | None] = None
    #: The field whose elements are the rows of :meth:`to_frame` (``None``: the record is one row).
    _ROWS: ClassVar[str | None] = None

    @classmethod
    def _title(cls) -> str:
        """The first line of the class docstring, without its reST markup."""
        import re

        line = (cls.__doc__ or cls.__name__).strip().splitlines()[0]
        return re.sub(r":\w+:`~?([^`]*)`", r"\1", line).replace("``", "")

    def frame_rows(self) -> list[dict[str, Any]]:
        """The rows :meth:`to_frame` shows (scalar values only)."""
        if self._ROWS is None:
            return [_scalars(self.to_dict())]
        return [_scalars(r.to_dict()) for r in getattr(self, self._ROWS) or ()]

    def to_frame(self) -> Any:
        """The result as a pandas DataFrame (analysis scale; ``_exp`` columns for ratio measures)."""
        import pandas as pd

        return pd.DataFrame(self.frame_rows())

    def summary(self) -> SummaryText:
        """The result as readable text: its name and a table of its values."""
        import pandas as pd

        title = self._title()
        with pd.option_context("display.width", 120, "display.max_columns", 40, "display.precision", 4):
            return SummaryText(f"{title}\n{self.to_frame().to_string(index=False)}\n")

    def _repr_html_(self) -> str:
        import html

        title = html.escape(self._title())
        table = self.to_frame().to_html(index=False, na_rep="", float_format=lambda x: f"{x:.4g}", escape=True)
        return f"<div><p><b>{title}</b></p>{table}</div>"

    def _twins(self) -> dict[str, Any]:
        return {f"{key}_exp": exp_or_none(getattr(self, key)) for key in self._EXP_KEYS}

    def to_dict(self) -> dict[str, Any]:
        """The result as the analysis document writes it (JSON-ready)."""
        out: dict[str, Any] = {}
        log = bool(getattr(self, "log_scale", False)) and bool(self._EXP_KEYS)
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.metadata.get("json", True):
                out[f.name] = plain(getattr(self, f.name))
            if log and f.name == self._EXP_AFTER:
                out.update(self._twins())
        if log and self._EXP_AFTER is None:
            out.update(self._twins())
        return out

    @classmethod
    def from_dict(cls: type[R], data: Mapping[str, Any], *, log_scale: bool = False) -> R:
        """Read a result back from its :meth:`to_dict` form (missing keys take their defaults)."""
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name == "log_scale":
                values[f.name] = log_scale
                continue
            if f.name in data:
                values[f.name] = _read(hints[f.name], data[f.name], log_scale)
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                if not _optional(hints[f.name]):
                    raise InputError(f"an analysis document's {cls.__name__.lower()} needs '{f.name}' "
                                     "(was it written by evisynth?)")
                values[f.name] = None  # a key an earlier version did not write
        return cls(**values)


def _optional(hint: Any) -> bool:
    return get_origin(hint) in (typing.Union, types.UnionType) and type(None) in get_args(hint)


def _read(hint: Any, value: Any, log_scale: bool) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        for arg in args:
            if isinstance(arg, type) and issubclass(arg, Record) and isinstance(value, Mapping):
                return arg.from_dict(value, log_scale=log_scale)
        return _read(args[0], value, log_scale) if len(args) == 1 else value
    if origin is tuple:
        parts = get_args(hint)
        inner = parts[0] if parts else Any
        if len(parts) == 2 and parts[1] is Ellipsis:
            return tuple(_read(inner, v, log_scale) for v in value)
        return tuple(_read(a, v, log_scale) for a, v in zip(parts, value, strict=False))
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.from_dict(value, log_scale=log_scale)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return value  # keep integral values (df, counts) as written
    return value


def html_table(rows: list[tuple[str, str]], *, caption: str | None = None) -> str:
    """A two-column HTML table (label, value); every text escaped."""
    import html

    body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}{body}</table>"
