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


class Record:
    """Mixin for frozen result dataclasses (see the module docstring)."""

    _EXP_KEYS: ClassVar[tuple[str, ...]] = ()
    _EXP_AFTER: ClassVar[str | None] = None

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
