"""Normalisation of bibliographic fields, shared by the parsers and the deduplicator.

The rules follow common practice in systematic-review deduplication (docs/methods.md 6.3):

* DOI: lower case; resolver prefixes (``https://doi.org/``, ``dx.doi.org/``, ``doi:``) and
  trailing punctuation removed; must start with ``10.``.
* Title: HTML entities decoded and tags removed, diacritics folded, square brackets of
  translated titles dropped, lower case, punctuation removed, spaces collapsed.
* First author: the surname of the first author, folded like the title.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

_WS = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]{0,200}>")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DOI_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?(?:doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_DIGITS = re.compile(r"\d+")


def clean_text(value: object) -> str:
    """Collapse whitespace and strip; ``None`` becomes ``""``."""
    if value is None:
        return ""
    return _WS.sub(" ", str(value)).strip()


def clean_items(values: Iterable[object]) -> tuple[str, ...]:
    """Each value through :func:`clean_text`, empty ones dropped (order kept).

    Examples
    --------
    >>> clean_items(["  Smith,  J ", "", None, "Doe, A"])
    ('Smith, J', 'Doe, A')
    """
    return tuple(item for item in (clean_text(x) for x in values) if item)


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits only, single spaces (diacritics folded, HTML removed).

    Examples
    --------
    >>> fold("Repetitive  Transcranial <i>Magnetic</i> Stimulation &amp; Depression: a Trial.")
    'repetitive transcranial magnetic stimulation depression a trial'
    >>> fold("Étude contrôlée, Ørsted, Łódź")
    'etude controlee orsted lodz'
    """
    text = text or ""
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if "<" in text:
        text = _TAG.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.lower().replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ł", "l")
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def normalise_title(title: str) -> str:
    """Title key for matching (see module docstring); square brackets of translations removed."""
    return fold(title)


def normalise_doi(value: str) -> str:
    """Normalised DOI or ``""`` when ``value`` holds none.

    Examples
    --------
    >>> normalise_doi("https://doi.org/10.1016/J.BRS.2019.01.004.")
    '10.1016/j.brs.2019.01.004'
    >>> normalise_doi("doi: 10.1001/jama.2020.1 [doi]")
    '10.1001/jama.2020.1'
    """
    text = html.unescape(clean_text(value))
    if not text:
        return ""
    text = _DOI_PREFIX.sub("", text)
    match = _DOI_IN_TEXT.search(text)
    if not match:
        return ""
    doi = match.group(0).lower().rstrip(".,;:)]}>\"'")
    return doi if len(doi) <= 300 else ""


def normalise_pmid(value: str) -> str:
    """PMID digits, or ``""`` (leading zeros and prefixes such as ``PMID:`` removed)."""
    match = _DIGITS.search(clean_text(value))
    if not match:
        return ""
    digits = match.group(0).lstrip("0")
    return digits if 0 < len(digits) <= 9 else ""


def parse_year(value: str) -> int | None:
    """First plausible four-digit year in ``value`` (``"2019/03/01/"``, ``"2019 Mar"``)."""
    match = _YEAR.search(clean_text(value))
    return int(match.group(1)) if match else None


def first_author_key(authors: tuple[str, ...] | list[str]) -> str:
    """Folded surname of the first author (``"Müller, K."`` and ``"MULLER K"`` give ``"muller"``)."""
    if not authors:
        return ""
    first = clean_text(authors[0])
    if "," in first:
        surname = first.split(",", 1)[0]
    else:
        parts = first.split(" ")
        # "Smith JA" (MEDLINE AU) -> Smith; "John A. Smith" -> Smith
        if len(parts) > 1 and parts[-1].replace(".", "").isupper() and len(parts[-1].replace(".", "")) <= 3:
            surname = " ".join(parts[:-1])
        else:
            surname = parts[-1] if len(parts) > 1 else first
    return fold(surname).replace(" ", "")


def join_pages(start: str, end: str) -> str:
    """``"123"``, ``"130"`` -> ``"123-130"``; either part may be empty."""
    start, end = clean_text(start), clean_text(end)
    if start and end and end != start:
        return f"{start}-{end}"
    return start or end


def first_page(pages: str) -> str:
    """First page as written (``"e123-e130"`` -> ``"e123"``)."""
    return re.split(r"[-–—\s]", clean_text(pages), maxsplit=1)[0].lower() if pages else ""


def split_list(value: str, separators: str = ";") -> tuple[str, ...]:
    """Split on any of ``separators`` and drop empty items."""
    if not value:
        return ()
    parts = re.split("[" + re.escape(separators) + "]", value)
    return clean_items(parts)
