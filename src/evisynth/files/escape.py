"""Text that is safe where a person opens it: spreadsheets, Markdown, terminals, error messages.

>>> csv_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> csv_cell("-1.5"), csv_cell(-2)
('-1.5', -2)
>>> markdown_text("Smith <img src=x onerror=alert(1)> 2020, P < 0.05")
'Smith &lt;img src=x onerror=alert(1)> 2020, P < 0.05'
>>> terminal_text("bad\\x1b]8;;http://x\\x07label\\x1b[31m")
'badlabel'
>>> redact_url("postgresql+psycopg://ann:s3cret@db.example/review")
'postgresql+psycopg://ann:***@db.example/review'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def csv_cell(value: Any) -> Any:
    """A cell that spreadsheets show as text: a leading ``'`` before ``= + - @``, tab or CR.

    Numbers (and text that is just a number, such as ``-1.5``) are left as they are, and so are the
    placeholders ``-`` and ``+`` on their own.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START) and value not in ("-", "+") \
            and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """:func:`csv_cell` applied to every cell of a row."""
    return [csv_cell(v) for v in values]


def csv_cells_arrow(values: Any) -> Any:
    """:func:`csv_cell` over a pyarrow string array, without a Python loop (batch results)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return values
    risky = pc.and_(pc.match_substring_regex(values, r"^[=+\-@\t\r]"),
                    pc.invert(pc.match_substring_regex(values, r"^(?:[+-]|" + _NUMBER.pattern + ")$")))
    if not pc.any(risky).as_py():
        return values
    return pc.if_else(risky, pc.binary_join_element_wise("'", values, ""), values)


def csv_uncell(text: str) -> str:
    """Undo :func:`csv_cell` when reading back a file evisynth wrote."""
    if len(text) > 1 and text[0] == "'" and csv_cell(text[1:]) != text[1:]:
        return text[1:]
    return text


_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")


def markdown_text(text: Any) -> str:
    """Text for a Markdown document with no live HTML and no links: ``<`` that could open a tag,
    comment or autolink becomes ``&lt;``, and ``](`` becomes ``]\\(``. Other text (``P < 0.05``)
    is unchanged, so the file stays readable as plain text."""
    return _HTML_START.sub("&lt;", str(text)).replace("](", "]\\(")


def markdown_cell(text: Any) -> str:
    """:func:`markdown_text` for a pipe-table cell: ``|`` escaped and line breaks as spaces."""
    return markdown_text(text).replace("|", "\\|").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]")
_STRING = re.compile(r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_NO_CR = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: Any, *, keep_cr: bool = False) -> str:
    """``text`` without terminal control: escape sequences (colours, OSC hyperlinks and titles),
    other C0/C1 control characters and bidirectional overrides are removed; newlines and tabs
    stay (carriage returns only with ``keep_cr``, for progress bars)."""
    out = _STRING.sub("", _CSI.sub("", str(text)))
    return (_CONTROL if keep_cr else _CONTROL_NO_CR).sub("", out)


def one_line(text: Any) -> str:
    """A label for a one-line message: terminal-safe, line breaks and tabs as spaces."""
    return " ".join(terminal_text(text).split())


_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*):(?P<secret>[^@/\s]*)@")
_QUERY = re.compile(r"(?P<head>[?&](?:password|passwd|pwd)=)[^&\s'\"]*", re.IGNORECASE)


def redact_url(text: Any) -> str:
    """``text`` with the password of every URL in it replaced by ``***``."""
    out = _USERINFO.sub(lambda m: f"{m.group('head')}:***@", str(text))
    return _QUERY.sub(lambda m: f"{m.group('head')}***", out)
