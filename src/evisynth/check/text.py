"""Plain text from a summary: HTML stripping and offset-preserving Unicode normalisation.

Offsets reported by the checker are character offsets into the *plain text*: the input
with HTML comments, ``script``/``style`` elements and tags removed (block-level tags
such as ``<p>``, ``<br>`` and ``<li>`` become one newline, a table cell ``<td>`` or ``<th>``
opens with ``|`` so each table row reads as one pipe-table line, inline tags such as ``<b>``,
``<span>`` or ``<sup>`` vanish, so a number split by tags is whole again) and character
references decoded. Plain-text and Markdown input is used as it is, except that
:func:`repair_text` undoes ligatures, soft hyphens and words hyphenated across PDF lines.

:func:`normalise` then maps look-alike characters onto ASCII one character for one
character (Unicode minus to ``-``, thin and no-break spaces to a space, superscript
digits to digits, the Lancet's mid-dot decimal point to ``.``), so the pattern matchers
see one alphabet while every offset stays valid in the plain text.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br caption dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td tfoot th thead title tr ul".split()
)
_DROP_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^>]*>|<![^>]*>|<\?[^>]*>", re.S)
_HTML_HINT_RE = re.compile(
    r"<(?:p|div|span|b|i|em|strong|sup|sub|br|li|ul|ol|html|body|td|tr|table|h[1-6]|a|abbr)\b[^>]*>"
    r"|&(?:minus|ndash|mdash|nbsp|thinsp|lt|gt|amp|#\d+|#x[0-9a-fA-F]+);",
    re.I,
)

_MINUS_LIKE = "\u2212\u2012\u2010\u2011\ufe63\uff0d\u207b\u208b"
_DASH_LIKE = "\u2013\u2014\u2015"
_SPACE_LIKE = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\t\r\f\v"
_SUPER_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUB_DIGITS = "₀₁₂₃₄₅₆₇₈₉"

_TABLE = {ord(c): "-" for c in _MINUS_LIKE}
_TABLE.update({ord(c): "–" for c in _DASH_LIKE})
_TABLE.update({ord(c): " " for c in _SPACE_LIKE})
_TABLE.update({ord(c): str(i) for i, c in enumerate(_SUPER_DIGITS)})
_TABLE.update({ord(c): str(i) for i, c in enumerate(_SUB_DIGITS)})
_TABLE.update({ord("\u2264"): "≤", ord("\u2265"): "≥", ord("\u2018"): "'", ord("\u2019"): "'", ord("\u2032"): "'"})
_TABLE.update({ord("\u201c"): '"', ord("\u201d"): '"', ord("\uff1d"): "=", ord("\uff1c"): "<", ord("\uff1e"): ">"})
_TABLE.update({ord("\u00d7"): "×", ord("\u22c5"): "·", ord("\u2219"): "·"})

_MIDDOT_DECIMAL_RE = re.compile(r"(?<=\d)[·•](?=\d)")


def looks_like_html(text: str) -> bool:
    """Whether ``text`` carries HTML tags or character references worth stripping."""
    return _HTML_HINT_RE.search(text) is not None


def strip_html(source: str) -> str:
    """Return the plain text of an HTML fragment or page.

    Block-level tags become a newline, table cells open with ``|`` (a row of cells becomes
    one line of a pipe table), inline tags disappear (so ``-0.<b>43</b>`` reads ``-0.43``)
    and character references are decoded.

    >>> strip_html("<p>MD &minus;0.<b>23</b></p><p>P&nbsp;=&nbsp;0.03</p>")
    '\\nMD −0.23\\n\\nP\\xa0=\\xa00.03\\n'
    """
    body = _DROP_RE.sub("", source)

    def _tag(match: re.Match[str]) -> str:
        name = (match.group(1) or "").lower()
        if name in ("td", "th"):  # a cell opens with "|": a row reads "|Death|0.84 (0.71 to 0.99)"
            return "" if match.group(0).startswith("</") else "|"
        return "\n" if name in _BLOCK_TAGS else ""

    return html.unescape(_TAG_RE.sub(_tag, body))


_DASH_BEFORE_DIGIT_RE = re.compile(r"[-–](?=[ \n]?-?\.?\d)")


def _signs_and_ranges(text: str, plain: str) -> str:
    """Decide, once, what every dash before a digit is: a minus sign, a range separator or a hyphen.

    After a digit or ``%`` (``0.71-0.95``, ``0.71 – 0.95``, ``5%-10%``) a dash separates a range
    and becomes ``–``; directly after a letter (``COVID-19``) it is a hyphen and stays ``-``;
    anywhere else (after a space, ``=``, a bracket, a separator or at the start) it is a minus
    sign and becomes ``-``, and a sign written apart from its number (``MD = - 0.41``,
    ``− 0.87``, or a sign left at the end of a PDF line) is moved next to it (``MD =  -0.41``)
    so every spelling reads as one number.
    """
    chars = list(text)
    for m in _DASH_BEFORE_DIGIT_RE.finditer(text):
        i = m.start()
        if plain[i] == "\u207b":  # a superscript minus is an exponent's sign (10⁻⁹)
            continue
        prev = text[i - 1] if i > 0 else " "
        if prev.isalnum() or prev == "%":
            if prev.isdigit() or prev == "%":
                chars[i] = "–"
            continue
        if prev in " \n":
            j = i - 1
            while j >= 0 and text[j] in " \n":
                j -= 1
            if j >= 0 and (text[j].isdigit() or text[j] == "%"):
                chars[i] = "–"
                continue
        chars[i] = "-"
        if text[i + 1] in " \n":  # "- 0.41", or a PDF line broken after the sign: it moves next to its number
            chars[i], chars[i + 1] = " ", "-"
    return "".join(chars)


def normalise(plain: str) -> str:
    """Map look-alike characters to one alphabet, one character for one character.

    This is the one place where minus signs, dashes and spaces are normalised: every minus
    form (hyphen-minus, U+2212, figure dash, en or em dash used as a sign) becomes ``-``,
    every dash between two numbers becomes ``–``, and a sign separated from its number by a
    space is moved next to it (see :func:`_signs_and_ranges`).

    >>> normalise("SMD −0.24 (95%\u2009CI −0.45 to −0.03); HR 0·82; I²")
    'SMD -0.24 (95% CI -0.45 to -0.03); HR 0.82; I2'
    >>> normalise("MD = - 0.41 (0.71-0.95; −0.45 – −0.03)")
    'MD =  -0.41 (0.71–0.95; -0.45 – -0.03)'
    """
    out = plain.translate(_TABLE)
    out = _MIDDOT_DECIMAL_RE.sub(".", out)
    out = _signs_and_ranges(out, plain)
    assert len(out) == len(plain)
    return out


@dataclass(frozen=True)
class Document:
    """A summary ready for matching.

    Attributes
    ----------
    plain : str
        The plain text; every offset the checker reports points into it.
    norm : str
        :func:`normalise` applied to ``plain`` (same length).
    sentences : tuple of (int, int)
        Sentence spans in ``plain``, in order.
    """

    plain: str
    norm: str
    sentences: tuple[tuple[int, int], ...]
    starts: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if len(self.starts) != len(self.sentences):  # computed once: lookups stay O(log n)
            object.__setattr__(self, "starts", tuple(start for start, _end in self.sentences))

    def sentence_index(self, pos: int) -> int:
        """Index of the sentence holding offset ``pos`` (the last one before it if between)."""
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def sentence_span(self, pos: int) -> tuple[int, int]:
        """Span of the sentence holding ``pos``."""
        if not self.sentences:
            return (0, len(self.plain))
        return self.sentences[self.sentence_index(pos)]


_ABBREVIATIONS = frozenset(
    "al e.g i.e vs cf fig figs no approx ca etc ref refs dr mr mrs ms prof st vol eq resp incl".split()
)
_BOUNDARY_RE = re.compile(
    r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?(?:[A-Z0-9]|[a-z][A-Z]))"  # "rTMS", "mRNA" start sentences too
    r"|\n[ \t]*\n\s*|\n(?=\s*(?:[-*+#>]|\d+[.)])\s)"
)

_CI_AFTER_STOP_RE = re.compile(r"\d{2}(?:\.\d+)?\s?%\s*-?\s*(?:CI|CrI|confidence|credible)\b", re.I)


def split_sentences(norm: str) -> tuple[tuple[int, int], ...]:
    """Split normalised text into sentence spans.

    Boundaries are a full stop, question or exclamation mark followed by space and a
    capital or digit (not after common abbreviations such as *et al.* or *e.g.*, nor between a
    number and the CI that completes it, as in ``HR = 0.64. 95% CI (0.48, 0.86)``), a blank
    line, a newline before a list item or heading, and a newline after a heading or a line
    that ends with punctuation.
    """
    cuts: list[int] = []
    for match in _BOUNDARY_RE.finditer(norm):
        before = norm[max(0, match.start() - 40) : match.start()].rstrip("\"')]")
        if _CI_AFTER_STOP_RE.match(norm, match.end()) and re.search(r"\d\.$", before):
            continue  # "HR = 0.64. 95% CI (0.48, 0.86)": the CI still belongs to the estimate
        if before.endswith("."):
            word = re.search(r"([A-Za-z.]+)\.$", before)
            if word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
                continue
            if re.search(r"\b[A-Z]\.$", before) and not re.search(r"\b[A-Z]{2,}\.$", before):
                continue  # an initial such as "J. Smith"
        cuts.append(match.end())
    for match in re.finditer(r"\n", norm):
        line_start = norm.rfind("\n", 0, match.start()) + 1
        line = norm[line_start : match.start()].strip()
        if line.startswith("#") or (line and line[-1] in ".!?:"):
            cuts.append(match.end())
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in sorted(set(cuts)):
        if cut > start:
            spans.append((start, cut))
            start = cut
    if start < len(norm):
        spans.append((start, len(norm)))
    return tuple(_trim(norm, s, e) for s, e in spans if norm[s:e].strip())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)


_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_WORD_BROKEN_RE = re.compile(r"(?<=[a-z])-\n(?=[a-z])")


def repair_text(text: str) -> str:
    r"""Undo what PDF text extraction and HTML hyphenation do to words.

    Typographic ligatures become their letters (``conﬁdence`` reads ``confidence``), soft
    hyphens (U+00AD, ``&shy;``) vanish and a word hyphenated across a line break is joined
    (``signi-\nficantly`` reads ``significantly``). Minus signs and dashes are left to
    :func:`normalise`. The result is the plain text the checker's offsets point into.

    >>> repair_text("the eﬀect was signi-\nﬁcant (95% conﬁ\u00addence interval)")
    'the effect was significant (95% confidence interval)'
    """
    if text.isascii():
        return _WORD_BROKEN_RE.sub("", text) if "-\n" in text else text
    return _WORD_BROKEN_RE.sub("", text.translate(_LIGATURES).replace("\u00ad", ""))


def make_document(text: str, *, html_input: bool | None = None) -> Document:
    """Build a :class:`Document` from raw input (HTML detected when ``html_input`` is None).

    The plain text is the input with HTML stripped (:func:`strip_html`) and PDF word breaks
    repaired (:func:`repair_text`).
    """
    if html_input is None:
        html_input = looks_like_html(text)
    plain = repair_text(strip_html(text) if html_input else text)
    norm = normalise(plain)
    return Document(plain=plain, norm=norm, sentences=split_sentences(norm))
