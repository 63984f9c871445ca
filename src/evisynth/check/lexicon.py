"""Word lists of the checker, read from data files (``lexicons/*.toml``) with their sources.

Every word or phrase the language rules look for lives in a TOML file next to this module,
with the guidance it follows cited at the top of the file; this module only turns the
phrases into regular expressions, once. Phrase syntax: words separated by spaces match any
run of white space; ``word*`` matches any ending of a word; ``(a|b)`` is an alternative;
``?`` makes the character or group before it optional; ``[...]`` and ``{m,n}`` keep their
regular-expression meaning; ``{level}`` (certainty lexicon) stands for a GRADE level;
``~verb`` stands for the verb's third-person and past forms (``~lessen``: lessens, lessened;
``~speed/sped up``: speeds up, sped up, with the irregular past after the slash; the first word
is inflected). Matching ignores case and respects word boundaries.

>>> rx = phrases_regex(["reduc*", "did not (improve|reduce)"])
>>> [m.group(0) for m in rx.finditer("It did not  reduce pain; a reduction")]
['did not  reduce', 'reduction']
>>> inflections("~speed/sped up"), inflections("~mitigate"), inflections("~curb")
('(speeds|sped) up', '(mitigates|mitigated)', '(curbs|curbed)')
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

LEVEL_GROUP = r"(very[\s-]+low|low|moderate|high)"


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed lexicon ``lexicons/<name>.toml``."""
    text = resources.files("evisynth.check").joinpath("lexicons", f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def inflections(phrase: str) -> str:
    """The third-person and past forms of a ``~verb`` phrase, as a phrase (see the module docstring).

    Parameters
    ----------
    phrase : str
        ``"~lemma rest"`` or ``"~lemma/past rest"``.

    Returns
    -------
    str
        ``"(lemmas|lemmaed) rest"``; a phrase without ``~`` unchanged.
    """
    if not phrase.startswith("~"):
        return phrase
    head, _sep, rest = phrase[1:].partition(" ")
    lemma, _slash, past = head.partition("/")
    if lemma.endswith(("s", "x", "z", "ch", "sh")):
        third = lemma + "es"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        third = lemma[:-1] + "ies"
    else:
        third = lemma + "s"
    if not past:
        if lemma.endswith("e"):
            past = lemma + "d"
        elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
            past = lemma[:-1] + "ied"
        else:
            past = lemma + "ed"
    forms = f"({third}|{past})"
    return f"{forms} {rest}" if rest else forms


def phrase_pattern(phrase: str) -> str:
    """The regular expression for one phrase (see the module docstring)."""
    out: list[str] = []
    i = 0
    while i < len(phrase):
        ch = phrase[i]
        if phrase.startswith("{level}", i):
            out.append(LEVEL_GROUP)
            i += len("{level}")
            continue
        if ch == "[":  # a character class, kept as written
            j = phrase.index("]", i + 1)
            out.append(phrase[i : j + 1])
            i = j + 1
            continue
        if ch == "{":  # a repeat count, kept as written
            j = phrase.index("}", i + 1)
            out.append(phrase[i : j + 1])
            i = j + 1
            continue
        if ch == " ":
            while i + 1 < len(phrase) and phrase[i + 1] == " ":
                i += 1
            if i + 1 < len(phrase) and phrase[i + 1] == "?":  # "word ?:" : the space is optional
                out.append(r"\s*")
                i += 2
                continue
            out.append(r"\s+")
        elif ch == "*":
            out.append(r"\w*")
        elif ch == "(":
            out.append("(?:")
        elif ch in ")|?":
            out.append(ch)
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out) + r"(?![\w])"


def _starts_a_word(phrase: str) -> bool:
    return phrase[:1].isalnum() or phrase[:1] in "({"


@cache
def _compiled(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted((inflections(p) for p in phrases), key=len, reverse=True)  # longest first: "no significant" before "no"
    words = [phrase_pattern(p) for p in ordered if _starts_a_word(p)]
    others = [phrase_pattern(p) for p in ordered if not _starts_a_word(p)]
    # one word-start test for all phrases that begin with a word: positions inside a word fail at once
    parts = [r"(?<![\w])(?=\w|\()(?:" + "|".join(words) + ")"] if words else []
    parts += others
    return re.compile("|".join(parts), re.I)


def phrases_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """One compiled, case-insensitive alternation of ``phrases`` (cached)."""
    return _compiled(tuple(phrases))


def regex(name: str, *path: str) -> re.Pattern[str]:
    """The alternation of the phrase list at ``path`` in lexicon ``name``.

    >>> bool(regex("significance", "words", "not_significant").search("was not statistically significant"))
    True
    """
    node: Any = load(name)
    for key in path:
        node = node[key]
    return phrases_regex(node)
