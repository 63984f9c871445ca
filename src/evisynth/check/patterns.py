"""Regular expressions for the parts of a statistical claim, on normalised text.

Normalised text (see :func:`evisynth.check.text.normalise`, the one place where signs and
dashes are decided) writes every minus sign as ``-`` next to its number, every dash between
two numbers as ``–`` and every odd space as a space, so the patterns below only deal with
those.
"""

from __future__ import annotations

import re

#: A signed decimal number (no thousands separators: used for effects, limits and P).
NUM = r"(?:(?<![\w.])|(?<=[A-Z]{2})(?=-\.?\d))-?(?:\d{1,3}(?:,\d{3})+(?![\d,]\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?!\.?\d)"


def _num_g(name: str) -> str:
    return f"(?P<{name}>" + NUM + f")(?P<{name}_pct>\\s?%)?"


#: Range separators between two limits: "to", a dash, a comma or semicolon.
SEP = r"\s*(?:to|–|,|;|:|\.\.\.?|and)\s*"

#: Canonical measure codes for every label recognised before an estimate. An abbreviation may
#: follow a digit directly, as in table text copied without cell breaks ("545 904OR=1.26").
MEASURE_LABELS: tuple[tuple[str, str, int], ...] = (
    (r"standardi[sz]ed\s+mean\s+differences?|\bStd\.?\s+mean\s+differences?", "SMD", re.I),
    (r"(?:weighted\s+)?mean\s+differences?", "MD", re.I),
    (r"(?<![A-Za-z_])SMDs?\b", "SMD", 0),
    (r"(?<![A-Za-z_])W?MDs?\b", "MD", 0),
    (r"\bHedges'?\s*(?:g|'s\s*g)\b", "SMD", re.I),
    (r"\bCohen'?s\s*d\b", "SMD", re.I),
    (r"(?<![\w'])[gd](?=\s*=)", "SMD", 0),
    (r"(?:(?:adjusted|pooled|summary|peto)\s+)?odds\s+ratios?", "OR", re.I),
    (r"(?<![A-Za-z_])(?:a|Peto\s+)?ORs?\b", "OR", 0),
    (r"(?:incidence\s+)?rate\s+ratios?|\bIRR\b", "IRR", re.I),
    (r"risk\s+ratios?|relative\s+risks?", "RR", re.I),
    (r"(?<![A-Za-z_])a?RRs?\b", "RR", 0),
    (r"hazard\s+ratios?", "HR", re.I),
    (r"(?<![A-Za-z_])a?HRs?\b", "HR", 0),
    (r"(?:absolute\s+)?risk\s+differences?", "RD", re.I),
    (r"(?<![A-Za-z_])RD\b", "RD", 0),
    (r"β|\bbeta\b|(?:regression\s+)?coefficients?|(?<![\w'])[Bb](?=\s*=)", "beta", re.I),
    (r"\bI\s?(?:2|\^\s?2|-?squared)(?![\d.])|\bI(?=\s*=\s*\d+(?:\.\d+)?\s?%)", "I2", 0),
    (r"(?<![\w'])r(?=\s*=)", "r", 0),
)

#: Test statistics: Z, t(df), chi-squared(df), F(df1, df2), Q(df).
STATISTIC_RE = re.compile(
    r"(?P<stat>(?<![\w'])(?:[zZ](?:\s*(?:score|value|statistic))?|t(?:\s*\(\s*(?P<tdf>\d+(?:\.\d+)?)\s*\))?"
    r"|(?:χ\s?\^?2|[Cc]hi\s?(?:\^?2|-?squared?)|X\^?2)(?:\s*\(\s*(?P<cdf>\d+)\s*(?:,\s*[Nn]\s*=\s*[\d,]+)?\s*\))?"
    r"|F\s*\(\s*(?P<fdf1>\d+)\s*,\s*(?P<fdf2>\d+(?:\.\d+)?)\s*\)"
    r"|Q(?:b|w|_?between|_?within)?(?:\s*\(\s*(?P<qdf>\d+)\s*\))?))"
    r"\s*(?P<rel>=|<|>)\s*(?P<value>" + NUM + r")"
)
DF_RE = re.compile(r"[\s,;(]*(?:df|d\.f\.)\s*[=:]?\s*(?P<df>\d+)")

#: "at 30 days", "after 12 months": a time point, not an estimate (needs TIME_BEFORE as well).
TIME_BEFORE = r"\b(?:at|after|within|over|for|up\s+to|until|through)\s*\(?$"
#: Words after a number that make it a time, dose or count rather than an estimate.
NOT_AN_ESTIMATE = (
    r"(?:days?|weeks?|months?|years?|hours?|h|minutes?|min|sessions?|mg|g/day|μg|mcg|Hz|patients|participants"
    r"|studies|trials|RCTs|people|subjects)\b"
)

#: The label-to-number bridge: optional bracketed alias, a short phrase, then a connector.
ANCHOR_TAIL = (
    r"(?P<alias>\s*[(\[][^()\[\]\d;]{1,30}[)\]])?"
    # the method of a Cochrane analysis table: "Risk Ratio (M-H, Random, 95% CI) 0.95 [0.91, 0.99]"
    r"(?P<method>\s*\((?:M-H|IV|Peto|Exp\[|Mantel|Inverse)[^()]{0,40}?(?:(?P<mlevel>\d{2})\s?%\s*CI)?\))?"
    # the fill never re-expresses the result on another scale ("SMD ... translates back to 4.6 points")
    r"(?P<fill>\s+(?:for|in|on|of|at|with|between|across|from)\s+"
    r"(?:(?!translat|correspond|equat|equivalent|convert|represent|back\s+to)[^\d;=()\[\].]){0,44}?[A-Za-z ])?"
    r"(?P<conn>\]?\s*(?::|=|≈|,|\(|\[|\bwas\b|\bwere\b|\bis\b|\bof\b|\bwas\s+estimated\s+at\b)?\s*\(?)"
    r"(?P<num>" + NUM + r")(?!\s?%\s*-?\s*(?:CI|CrI|conf))(?P<pct>\s?%)?(?!\s?%\s*-?\s*(?:CI|CrI|conf))"
)

_CI_WORD = (
    r"(?:CIs?|CrI|confidence\s+(?:intervals?|limits)|credible\s+intervals?|conf\.?\s*int\.?"
    r"|uncertainty\s+intervals?|UI)"
)
CI_RE = re.compile(
    r"(?:(?P<level>\d{2}(?:\.\d+)?)\s?(?:%|per\s?cent)\s*-?\s*"
    + _CI_WORD
    + r"|\b"
    + _CI_WORD
    + r"\s*(?P<level2>\d{2})\s?%|\b"
    + _CI_WORD
    + r"\b)(?:\s*[\[(](?:CI|CrI)[\])])?(?:\s*(?:CI|CrI)\b)?"
    r"\s*(?:[:,=]\s*(?:from\b)?|\bof\b|\bwas\b|\bfrom\b|\branging(?:\s+from)?\b|\bwere\b)?\s*(?P<open>[\[(])?\s*"
    + _num_g("lo")
    + SEP
    + _num_g("hi")
    + r"(?:\s*(?P<close>[\])]))?",
    re.I,
)

#: A bracketed range straight after an estimate: "0.82 (0.71–0.95)", "−4.1 mm Hg (−6.0 to −2.2)"
#: or "0.82, 0.71 to 0.95".
BARE_RANGE_RE = re.compile(
    r"(?:\s*(?P<unit>percentage\s+points?|(?!to\b|and\b|in\b|vs\b|for\b|P\b)[A-Za-zμ/]{1,8}(?:\s?[A-Za-z/]{1,6})?"
    r"(?=\s*[\[(])))?"
    r"\s*(?:(?P<open>[\[(])\s*" + _num_g("lo") + SEP + _num_g("hi") + r"\s*(?=[\])]|[;,]\s*[pP])"
    r"|,\s*" + _num_g("lo2") + r"\s*(?:to|–|-)\s*" + _num_g("hi2") + r"(?!\d|\.\d))"
)

#: An unlabelled result in brackets, BMJ style: "(0.68, 0.43 to 1.09; P=0.11)".
TRIPLE_RE = re.compile(
    r"(?<=[(\[])\s*" + _num_g("e") + r"\s*[,;]\s*" + _num_g("lo") + r"\s*(?:to|–|-)\s*" + _num_g("hi") + r"(?=\s*[;,)\]])"
)

#: An unlabelled estimate with its CI in square brackets ("0.42 [0.18; 0.66]", R's meta style) or
#: in round brackets when a P value follows ("0.42 (0.18 to 0.66), p = 0.001").
BARE_RESULT_RE = re.compile(
    r"(?<![\w.\-–(\[/])"
    + _num_g("e")
    + r"\s*(?:\[\s*"
    + _num_g("lo")
    + SEP
    + _num_g("hi")
    + r"\s*\]|\(\s*"
    + _num_g("lo2")
    + r"\s*(?:to|–|;)\s*"
    + _num_g("hi2")
    + r"\s*\)(?=\s*[,;]?\s*[pP]\s*[=<>≤≥]))"
)

_SOF_DIR = r"(?:lower|higher|fewer|more|less|greater|smaller|larger|better|worse)"
#: "per 1000", "per 1,000 patients", with up to two words before it ("12 fewer deaths per 1000").
_SOF_PER = r"(?P<per>(?:\s+(?!per\b)[A-Za-z-]{2,20}){0,2}?\s+per\s+(?:1[ ,.]?000|100)(?:\s+[A-Za-z]+){0,2})"
#: GRADE summary-of-findings phrasing: "MD 2 lower (9.1 lower to 5.1 higher)",
#: "44 fewer per 1000 (from 62 fewer to 23 fewer)", "0.5 points lower (1.2 lower to 0.2 higher)".
SOF_RE = re.compile(
    r"(?<![\w.\-])(?P<e>\d+(?:\.\d+)?|\.\d+)(?P<e_pct>\s?%)?\s*(?P<unit>(?:[A-Za-z/]{1,12}\s+){0,2}?)(?P<edir>"
    + _SOF_DIR
    + r")"
    + _SOF_PER
    + r"?\s*\(\s*(?:from\s+)?"
    r"(?P<lo>\d+(?:\.\d+)?|\.\d+)(?P<lo_pct>\s?%)?\s*(?:[A-Za-z/]{1,12}\s+){0,2}?(?P<lodir>"
    + _SOF_DIR
    + r")\s*(?:to|–)\s*(?P<hi>\d+(?:\.\d+)?|\.\d+)(?P<hi_pct>\s?%)?\s*(?:[A-Za-z/]{1,12}\s+){0,2}?(?P<hidir>"
    + _SOF_DIR
    + r")\s*\)",
    re.I,
)
#: The same with a labelled CI: "1.04 days more, 95% CI 0.27 more to 1.81 more",
#: "34.94 points better, 95% confidence interval (CI) 20.94 better to 48.94 better".
SOF_CI_RE = re.compile(
    r"(?<![\w.\-])(?P<e>\d+(?:\.\d+)?|\.\d+)(?P<e_pct>\s?%)?\s*(?P<unit>(?:[A-Za-z/]{1,12}\s+){0,2}?)(?P<edir>"
    + _SOF_DIR
    + r")"
    + _SOF_PER
    + r"?[,;]?\s*\(?\s*(?:\d{2}\s?%\s*)?(?:CI|confidence\s+interval)(?:\s*\(CI\))?[\s:,]*"
    r"(?P<lo>\d+(?:\.\d+)?|\.\d+)(?P<lo_pct>\s?%)?\s*(?:[A-Za-z/]{1,12}\s+){0,2}?(?P<lodir>"
    + _SOF_DIR
    + r")\s*(?:to|–)\s*(?P<hi>\d+(?:\.\d+)?|\.\d+)(?P<hi_pct>\s?%)?\s*(?:[A-Za-z/]{1,12}\s+){0,2}?(?P<hidir>"
    + _SOF_DIR
    + r")\b",
    re.I,
)
#: Words of the SoF phrasing that mean "below no effect".
SOF_DOWN = frozenset({"lower", "fewer", "less", "smaller", "worse"})

_P_NUMBER = (
    r"(?P<pnum>10\s*(?:\^|\*\*)?\s*(?P<pexp3>-\d+)(?![\d.])"  # "P < 10⁻⁵", normalised to "10-5"
    r"|(?:\d+(?:\.\d+)?|\.\d+)(?:\s*(?:×|x|\*|·)\s*10\s*(?:\^|\*\*)?\s*(?P<pexp>[-–]?\s?\d+)"
    r"|[eE](?P<pexp2>[-–]?\d+))?)"
)
P_RE = re.compile(
    r"(?<![A-Za-z0-9])[pP](?:\s*[-_]?\s*(?:values?|interaction|int|het(?:erogeneity)?|trend|diff(?:erence)?"
    r"|overall|subgroups?))?(?:\s*\(\s*(?:interaction|int|het(?:erogeneity)?|trend|subgroup\s+differences?"
    r"|difference|overall)\s*\))?(?:\s+for\s+(?:the\s+)?(?:interaction|heterogeneity|trend|subgroup\s+differences?"
    r"|differences?|overall\s+effect|effect))?"
    r"\s*(?P<prel><=|>=|=<|=>|=|<|>|≤|≥|:|\bof\b|\bwas\b|\bis\b|\bequal\s+to\b)\s*"
    + _P_NUMBER
    + r"|(?<=[,;(])\s*(?P<ns>n\.?s\.?)(?=[);,])"
)

_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_NUMBER_WORDS.update(_TENS)
NUMBER_WORDS = _NUMBER_WORDS
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_WORDS_BELOW_20 = "|".join(sorted((w for w in _NUMBER_WORDS if w not in _TENS), key=len, reverse=True))
#: A number written in words: "thirteen", "sixty-eight", "Sixty‐eight" (any hyphen), "one hundred and twelve".
NUMBER_WORD_PATTERN = (
    r"(?<![\w-])(?:(?:(?:"
    + _UNITS
    + r")\s+hundred(?:\s+and)?\s+)?(?:(?:"
    + "|".join(_TENS)
    + r")(?:-(?:"
    + _UNITS
    + r"))?|"
    + _WORDS_BELOW_20
    + r")|(?:"
    + _UNITS
    + r")\s+hundred)(?![\w-])"
)


def word_number(text: str) -> int:
    """The value of a number written in words ("sixty-eight" is 68, "one hundred and twelve" 112).

    >>> word_number("Sixty-eight"), word_number("one hundred and twelve")
    (68, 112)
    """
    total = 0
    for word in re.split(r"[-\s]+", text.lower()):
        if word == "hundred":
            total = max(total, 1) * 100
        elif word in _NUMBER_WORDS:
            total += _NUMBER_WORDS[word]
    return total


_COUNT = r"(?P<n>\d{1,3}(?:[, ]\d{3})+(?!\d)|\d+(?![.\d])|" + NUMBER_WORD_PATTERN + r")"
_STUDY_ADJ = (
    r"(?:(?:eligible|included|randomi[sz]ed|controlled|clinical|independent|primary|published|unique|individual"
    r"|separate|relevant|original|prospective|observational|cohort|case-control|parallel(?:-group)?|cross-?over"
    r"|placebo-controlled|double-blind(?:ed)?|sham-controlled|human|additional|new|small|large|high-quality"
    r"|low-quality|completed|ongoing|unpublished|pilot|multicent(?:re|er)|cluster(?:-randomi[sz]ed)?"
    r"|quasi-randomi[sz]ed|non-randomi[sz]ed)\s+)"
)
STUDY_COUNT_RE = re.compile(
    r"(?<![\w.])" + _COUNT + r"\s+" + _STUDY_ADJ + r"{0,4}(?P<noun>studies|study|trials?|RCTs?|articles|reports"
    r"|papers|cohorts)\b|\b(?:k|studies|trials|RCTs)\s*[=:]\s*(?P<k>\d+)\b",
    re.I,
)
COMPARISON_COUNT_RE = re.compile(
    r"(?<![\w.])" + _COUNT + r"\s+(?:(?:independent|pairwise|treatment|separate)\s+)?(?P<noun>comparisons"
    r"|effect\s+sizes|data\s?sets|arms)\b",
    re.I,
)
PARTICIPANT_COUNT_RE = re.compile(
    # not a denominator ("per 1000 patients") nor the end of a range ("50 to 200 participants")
    r"(?<![\w.])(?<!per )(?<!\d to )(?<!\d and )(?<!\d–)(?<!\d – )"
    + _COUNT
    + r"\s+(?:(?:adult|elderly|older|stroke|randomi[sz]ed|eligible|total|included|"
    r"hospitali[sz]ed|pregnant|young|healthy)\s+)*(?P<noun>participants|patients|subjects|people|persons"
    r"|individuals|women|men|children|adults|infants|survivors|volunteers|cases)\b"
    r"|(?:(?<![\w])[nN]|\bparticipants|\bpatients)\s*[=:]\s*"
    r"(?P<neq>\d{1,3}(?:[, ]\d{3})+(?!\d)|\d+(?![.\d]))",
)
