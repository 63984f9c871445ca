"""Words that look like claims about an effect but state none (issue #16, third round).

The certainty and significance rules judge effect verbs ("reduces", "increased") and words that
claim certainty ("clear", "conclusive") against the evidence. These contexts make such a word no
statement about an effect of the intervention, and both rules skip it:

* :func:`harm_symptom`: the word names a symptom in a list of harms ("side effects included
  increased blood pressure", "temporary increases in heart rate").
* :func:`about_certainty`: the verb is about the certainty rating ("our confidence was reduced to
  moderate").
* :func:`gloss`: the word is inside a bracketed lay definition ("(a medicine that reduces swelling)").
* :func:`infinitive`: a base form after "to" states a purpose ("the aim was to decrease visits").
* :func:`inside_whether`: the word is inside an open or indirect question ("we are uncertain whether X
  leads to improvement in pain", "studies of how the approach works").
* :func:`not_definitive`: "clear" describes a thing ("a clear dressing"), "clearly" says how something
  is done ("defined more clearly"), or a verb denies the word ("precluding a conclusive answer").

The words are in ``lexicons/scope.toml``, with their sources.
"""

from __future__ import annotations

import re

from evisynth.check import lexicon

_WORD_AFTER_RE = re.compile(r"\s*(\(|[A-Za-z][A-Za-z-]*)")
_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z-]*)[\s,:]*$")
_BRACKET_RE = re.compile(r"\([^()]{0,60}\)\s*")
_WHETHER_RE = re.compile(r"\b(?:whether|if|how|what)\b", re.I)
#: Words that close an open question before the word: a new clause with its own finding.
_CLAUSE_TURN_RE = re.compile(r"[;:?\n]|\b(?:but|however|whereas|although|though)\b", re.I)
#: Inside a bracket: the numbers of a result (not a measure's or a scale's name).
_RESULT_BRACKET_RE = re.compile(
    r"\bCI\b|confidence interval|\bP\s*[=<>≤]|\d\s*(?:studies|trials|participants|people|RCTs)\b|\d\s*%|;", re.I
)
#: A measure's abbreviation in brackets: "(MD)", "(RR)", "(Peto OR)".
_LABEL_RE = re.compile(r"(?:Peto\s+)?[A-Z][A-Za-z]{0,5}(?:\s*[A-Z]{1,4})?")
_SCALE_RE = re.compile(r"\b(?:scale|score|scored|range|ranging|points?|items?)\b", re.I)
_JOINED_VERB_RE = re.compile(r"(?:,\s*)?\b(?:and|or)\s+(?:also\s+)?$", re.I)
_BULLET_RE = re.compile(r"[ \t]*[-–•*][ \t]*")
_GLOSS_RE = re.compile(r"\b(?:that|which|who|used\s+to|used\s+for|meaning|i\.e\.|e\.g\.)\s", re.I)
_DIGIT_RE = re.compile(r"\d")
_BASE_FORMS = frozenset({"reduce", "improve", "increase", "decrease", "lower", "prevent", "raise", "shorten"})
#: "was shown to reduce", "is likely to improve": a finding, not a purpose
_FOUND_TO_RE = re.compile(
    r"\b(?:shown|found|likely|unlikely|appears?|appeared|seems?|seemed|expected|known|thought|able|tends?|proven"
    r"|help|helps|helped|helping|went\s+on|continued|managed)"
    r"\s+to\s+$",
    re.I,
)


def _rx(*path: str) -> re.Pattern[str]:
    return lexicon.regex("scope", *path)


def infinitive(norm: str, start: int) -> bool:
    """True when a base-form effect verb is an infinitive of purpose ("the aim was to decrease visits").

    >>> s = "The aim may have been to decrease the number of visits."
    >>> infinitive(s, s.index("decrease"))
    True
    >>> s = "The drug was shown to decrease visits."
    >>> infinitive(s, s.index("decrease"))
    False
    """
    word = re.match(r"[A-Za-z]+", norm[start:])
    if word is None or word.group(0).lower() not in _BASE_FORMS:
        return False
    before = norm[max(0, start - 40) : start]
    return re.search(r"\bto\s+$", before, re.I) is not None and _FOUND_TO_RE.search(before) is None


def harm_symptom(norm: str, start: int, sentence: tuple[int, int]) -> bool:
    """True when the word at ``start`` names a symptom in a sentence that lists harms.

    >>> s = "Side effects included increased blood pressure and nausea."
    >>> harm_symptom(s, s.index("increased"), (0, len(s)))
    True
    >>> s = "The drug increased blood pressure, a side effect."
    >>> harm_symptom(s, s.index("increased"), (0, len(s)))
    False
    """
    # the list may be introduced by the sentence before ("Unwanted effects were mild. They included ...")
    if _rx("harms", "lists").search(norm, max(0, sentence[0] - 200), sentence[1]) is None:
        return False
    prev = _WORD_BEFORE_RE.search(norm, max(sentence[0], start - 30), start)
    if prev is None:
        return False
    before = norm[max(sentence[0], start - 30) : start].rstrip(" ,:").lower()
    listed = _rx("harms", "before")
    return any(m.end() == len(before) for m in listed.finditer(before))


def about_certainty(norm: str, end: int) -> bool:
    """True when the words after a verb make it about the certainty rating ("reduced to moderate").

    >>> s = "Our confidence was reduced to low because of imprecision."
    >>> about_certainty(s, s.index("reduced") + len("reduced"))
    True
    """
    return _rx("certainty_meta", "after").match(norm, _skip(norm, end)) is not None


def inside_whether(norm: str, clause_start: int, pos: int) -> bool:
    """True when an open question ("whether", "if") earlier in the clause still covers ``pos``.

    >>> s = "We are very uncertain whether the added therapy during maintenance leads to improvement in pain."
    >>> inside_whether(s, 0, s.index("improvement"))
    True
    """
    span = norm[max(clause_start, pos - 250) : pos]
    found = list(_WHETHER_RE.finditer(span))
    return bool(found) and _CLAUSE_TURN_RE.search(span, found[-1].end()) is None


def not_definitive(norm: str, m: re.Match[str], clause_start: int) -> bool:
    """True when a definitive word ("clear", "clearly", "conclusive") claims no certainty here.

    >>> s = "The trials compared a clear dressing with gauze."
    >>> m = re.search("clear", s)
    >>> not_definitive(s, m, 0) if m else None
    True
    """
    word = m.group(0).lower()
    before = norm[max(clause_start, m.start() - 60) : m.start()]
    neg = _rx("definitive", "negating_verbs")
    if any(x.end() >= len(before) - 25 for x in neg.finditer(before)):
        return True  # "precluding a conclusive determination", "unable to draw clear ..."
    if word == "clearly":
        prev = _WORD_BEFORE_RE.search(before)
        if prev and _rx("definitive", "manner_before").fullmatch(prev.group(1)):
            return True  # "report harms more clearly"
        nxt = _WORD_AFTER_RE.match(norm, m.end())
        return bool(nxt and _rx("definitive", "manner_after").fullmatch(nxt.group(1)))
    if word != "clear":
        return False
    pos = m.end()
    bracket = _BRACKET_RE.match(norm, _skip(norm, pos))
    if bracket:  # "clear (transparent) dressing": the word after the bracket
        pos = bracket.end()
    nxt = _WORD_AFTER_RE.match(norm, pos)
    if nxt is None or nxt.group(1) == "(":
        return False
    following = nxt.group(1)
    if _rx("definitive", "predicative_next").fullmatch(following):
        return False
    return not _rx("definitive", "effect_nouns").fullmatch(following)


def list_item_verb(norm: str, start: int) -> bool:
    r"""True when a base-form verb opens a list item whose subject is the lead-in line ("Compared with
    usual care, organised clinics:" / "- prevent one death for every 40 people treated").

    >>> s = "Compared with usual care, clinics:\n- prevent one death for every 40 people"
    >>> list_item_verb(s, s.index("prevent"))
    True
    """
    line = norm.rfind("\n", 0, start)
    if line < 0 or not _BULLET_RE.fullmatch(norm, line + 1, start):
        return False
    for previous in reversed(norm[:line].split("\n")[-12:]):  # back over the earlier items to the lead-in
        text = previous.strip()
        if not text:
            continue
        if text.endswith(":"):
            return True
        if not _BULLET_RE.match(text):
            return False
    return False


def gloss(norm: str, start: int) -> bool:
    """True when the word is inside a bracketed lay definition ("(a medicine that reduces swelling)").

    >>> s = "courses of steroids (medicines used to treat asthma that reduce swelling) were similar"
    >>> gloss(s, s.index("reduce "))
    True
    """
    opened = norm.rfind("(", max(0, start - 100), start)
    if opened < 0 or ")" in norm[opened:start]:
        return False
    return _GLOSS_RE.search(norm, opened, start) is not None and _DIGIT_RE.search(norm, opened, start) is None


def not_an_effect_claim(norm: str, start: int, end: int, sentence: tuple[int, int], clause_start: int) -> bool:
    """True when the effect word at ``start:end`` states no effect (any of the contexts above).

    >>> s = "Future studies should test whether the programme improves sleep."
    >>> not_an_effect_claim(s, s.index("improves"), s.index("improves") + 8, (0, len(s)), 0)
    True
    """
    return (
        harm_symptom(norm, start, sentence)
        or about_certainty(norm, end)
        or inside_whether(norm, clause_start, start)
        or infinitive(norm, start)
        or gloss(norm, start)
    )


def hedge_window_start(norm: str, sentence_start: int, clause_start: int, pos: int) -> int:
    """Where the words whose hedges apply to the verb at ``pos`` begin: its clause, or the whole sentence
    so far when the verb is joined to an earlier one by "and"/"or" ("there is limited evidence that
    X improves A, and reduces B": "reduces" shares the hedge of "improves").

    >>> s = "It may improve sleep, and reduces pain."
    >>> hedge_window_start(s, 0, s.index("and"), s.index("reduces"))
    0
    """
    if _JOINED_VERB_RE.search(norm, max(sentence_start, pos - 12), pos):
        return sentence_start
    return clause_start


def result_bracket_end(before: str) -> int:
    """Where the last bracket that closes a result ends in ``before`` (-1: none).

    Brackets that name a measure or a scale ("mean difference (MD)", "(STAI, scale 20 to 80)") are
    part of the outcome's name and are passed over; any other bracket (a CI, a P value, counts of
    studies or participants) closes an earlier result.

    >>> before = "reduced anxiety: Trait Inventory (STAI, scale 20 to 80) mean difference (MD) "
    >>> result_bracket_end(before)
    -1
    >>> result_bracket_end("pain (MD -1.2, 95% CI -2 to -0.4; 3 studies) and sleep ")
    43
    """
    pos = len(before)
    while True:
        close = before.rfind(")", 0, pos)
        if close < 0:
            return -1
        opened = before.rfind("(", 0, close)
        inside = before[opened + 1 : close]
        label = _LABEL_RE.fullmatch(inside.strip()) is not None
        if opened < 0 or _RESULT_BRACKET_RE.search(inside) or not (label or _SCALE_RE.search(inside)):
            return close
        pos = opened


def _skip(norm: str, pos: int) -> int:
    while pos < len(norm) and norm[pos] == " ":
        pos += 1
    return pos
