"""Recognise the format of a search export and the database it came from, then parse it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from evisynth.errors import InputError
from evisynth.records.model import ParseResult

#: Formats evisynth reads, with the file suffixes usually given to them.
FORMATS: dict[str, tuple[str, ...]] = {
    "ris": (".ris",),
    "medline": (".nbib", ".medline"),
    "pubmed-xml": (".xml",),
    "wos": (".ciw",),
    "wos-tab": (".tsv",),
    "csv": (".csv",),
}

#: Names of well-known databases, matched (lower case) inside RIS ``DB`` tags.
_KNOWN = (
    ("embase", "Embase"),
    ("scopus", "Scopus"),
    ("central", "CENTRAL"),
    ("cochrane", "CENTRAL"),
    ("psycinfo", "PsycINFO"),
    ("cinahl", "CINAHL"),
    ("medline", "MEDLINE"),
    ("pubmed", "PubMed"),
    ("web of science", "Web of Science"),
)


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A search export read from disk: parse result plus what identifies the file."""

    path: Path
    sha256: str
    result: ParseResult


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``data`` looks like UTF-16 text without a byte-order
    mark (ASCII-range characters leave a NUL in every other byte), else ``None``."""
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd > 0.3 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.3 and zero_odd < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 (with a BOM, or recognised without one); fall back to
    Windows-1252.

    >>> decode("TY  - JOUR".encode("utf-16-le"))
    'TY  - JOUR'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    utf16 = utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_format(text: str, filename: str = "") -> str:
    """Name of the export format of ``text`` (see :data:`FORMATS`), judged by content first.

    Raises
    ------
    InputError
        When neither the content nor the file name says which format it is.
    """
    head = text.lstrip("\ufeff \t\r\n")[:20000]
    first = head.split("\n", 1)[0]
    if head.startswith("<") and re.search(r"<PubmedArticleSet|<PubmedArticle[\s>]", head):
        return "pubmed-xml"
    if re.match(r"^(FN |VR |PT [A-Z]\s*$)", first) or re.match(r"^FN .*\n(VR .*\n)?PT ", head):
        return "wos"
    if first.startswith("PT\t") and "\tTI\t" in first:
        return "wos-tab"
    if re.search(r"^TY {1,2}- ", head, re.MULTILINE):
        return "ris"
    if re.search(r"^PMID- ?\d", head, re.MULTILINE):
        return "medline"
    suffix = Path(filename).suffix.lower()
    for name, suffixes in FORMATS.items():
        if suffix in suffixes:
            return name
    if first.count(",") >= 1 or first.count(";") >= 1 or first.count("\t") >= 1:
        return "csv"
    raise InputError(
        "cannot recognise the export format (expected RIS, PubMed/MEDLINE, PubMed XML, "
        "Web of Science or CSV)",
        file=filename or None,
    )


def parse_text(text: str, fmt: str) -> ParseResult:
    """Parse ``text`` with the parser for ``fmt``."""
    if fmt == "ris":
        from evisynth.io.ris import parse_ris

        return parse_ris(text)
    if fmt == "medline":
        from evisynth.io.medline import parse_medline

        return parse_medline(text)
    if fmt == "pubmed-xml":
        from evisynth.io.pubmed_xml import parse_pubmed_xml

        return parse_pubmed_xml(text)
    if fmt == "wos":
        from evisynth.io.wos import parse_wos

        return parse_wos(text)
    if fmt == "wos-tab":
        from evisynth.io.wos import parse_wos_tab

        return parse_wos_tab(text)
    if fmt == "csv":
        from evisynth.io.csv_records import parse_csv

        return parse_csv(text)
    raise InputError(f"unknown format {fmt!r}; accepted: {', '.join(FORMATS)}")


def read_export(path: str | Path, fmt: str | None = None) -> ExportFile:
    """Read, hash and parse a search export.

    Parameters
    ----------
    path : str or Path
        The export file.
    fmt : str, optional
        Force a format (see :data:`FORMATS`); detected from the content when omitted.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError("is a folder, not an export file", file=str(path))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", file=str(path)) from None
    text = decode(data)
    fmt = fmt or detect_format(text, path.name)
    return ExportFile(path, hashlib.sha256(data).hexdigest(), parse_text(text, fmt))


def infer_database(result: ParseResult, text_hint: str = "") -> str | None:
    """Database an export came from, as far as its content tells, or ``None``.

    PubMed formats give ``"PubMed"``, Web of Science formats ``"Web of Science"``, RIS files the
    best-known name inside their ``DB`` tags, Scopus CSV files ``"Scopus"``.
    """
    if result.database:
        lowered = result.database.lower()
        for needle, name in _KNOWN:
            if needle in lowered:
                return name
        return result.database
    if "scopus.com" in text_hint:
        return "Scopus"
    return None
