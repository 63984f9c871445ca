"""Reading summaries and sources from files: text, Markdown, HTML, evisynth JSON and PDF.

Every failure is one :class:`~evisynth.errors.InputError` line naming the file and what is
accepted: a missing or unreadable file, a folder, invalid or too deeply nested JSON, a PDF
without the optional ``pypdf`` (``pip install "evisynth[pdf]"``) or without extractable text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evisynth.errors import InputError

#: Deeper JSON than this is refused (an analysis or summary JSON nests a handful of levels).
MAX_JSON_DEPTH = 64
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".text")
SOURCE_SUFFIXES = (*TEXT_SUFFIXES, ".json", ".pdf")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def _bytes(path: str | Path, what: str) -> bytes:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{what} file not found: {p}")
    if p.is_dir():
        raise InputError(f"{what} is a directory, not a file: {p}")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {what} file {p}: {exc.strerror or exc}") from None


def decode(raw: bytes, path: str | Path, what: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{what} file {path} is not text (cannot decode it as UTF-8)")


def read_text(path: str | Path, what: str = "summary") -> str:
    """A text, Markdown or HTML file as a string."""
    return decode(_bytes(path, what), path, what)


def json_depth(value: Any, limit: int) -> int:
    """Nesting depth of a parsed JSON value, without recursion (stops counting past ``limit``)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return level
        deepest = max(deepest, level)
        if isinstance(item, Mapping):
            stack.extend((v, level + 1) for v in item.values() if isinstance(v, Mapping | list))
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item if isinstance(v, Mapping | list))
    return deepest


def parse_json(text: str, path: str | Path, *, strict: bool = True) -> Any:
    """Parse a JSON source, refusing invalid and too deeply nested documents with one line.

    With ``strict=False`` text that is not JSON at all gives ``None`` (a text source that
    happens to start with a brace); too deep nesting is refused either way.
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if not strict:
            return None
        raise InputError(f"source file {path} is not valid JSON: {exc.msg} (line {exc.lineno})") from None
    except RecursionError:
        raise InputError(
            f"source file {path} nests JSON deeper than evisynth reads ({MAX_JSON_DEPTH} levels); "
            f"give an evisynth analysis or summary JSON"
        ) from None
    if json_depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise InputError(
            f"source file {path} nests JSON deeper than evisynth reads ({MAX_JSON_DEPTH} levels); "
            f"give an evisynth analysis or summary JSON"
        )
    return value


_HYPHEN_BREAK_RE = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
_NUMBER_BREAK_RE = re.compile(r"(?<=\d[.·])\n(?=\d)|(?<=\d)\n(?=\.\d)")
_LINE_RE = re.compile(r"(?<!\n)\n(?!\n)")


def tidy_pdf_text(text: str) -> str:
    """Undo PDF layout: ligatures (NFKC), words and numbers broken across lines, hard line breaks.

    >>> tidy_pdf_text("signiﬁ-\\ncantly reduced (RR 0.\\n82,\\n95% CI 0.71-0.95)")
    'significantly reduced (RR 0.82, 95% CI 0.71-0.95)'
    """
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _HYPHEN_BREAK_RE.sub("", text)
    text = _NUMBER_BREAK_RE.sub("", text)
    return _LINE_RE.sub(" ", text)


def read_pdf(path: str | Path) -> str:
    """The text of a PDF (needs the optional ``pypdf``), tidied by :func:`tidy_pdf_text`."""
    raw = _bytes(path, "source")
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise InputError(f'source file {path} is a PDF; reading PDFs needs pypdf: pip install "evisynth[pdf]"') from None
    import io

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"source file {path} is not a readable PDF: {exc}") from None
    text = tidy_pdf_text("\n\n".join(pages))
    if not text.strip():
        raise InputError(f"source file {path} has no extractable text (a scanned PDF?); give its text instead")
    return text


def read_source(path: str | Path) -> str | Mapping[str, Any] | list[Any]:
    """Read a source: JSON (by extension or content) becomes a dict/list, a PDF its text, anything else text.

    HTML sources are returned as they are; the checker strips their tags.
    """
    suffix = str(path).lower()
    if suffix.endswith(".pdf"):
        return read_pdf(path)
    raw = _bytes(path, "source")
    if raw.startswith(b"%PDF-"):
        return read_pdf(path)
    text = decode(raw, path, "source")
    stripped = text.lstrip()
    if suffix.endswith(".json") or stripped.startswith(("{", "[")):
        value = parse_json(text, path, strict=suffix.endswith(".json"))
        if isinstance(value, dict | list):
            return value
    return text
