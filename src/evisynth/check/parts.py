"""The parts of a claim, found one by one: labelled estimates, CIs, P values, statistics, counts.

:func:`find_parts` runs every pattern of :mod:`~evisynth.check.patterns` over the
normalised text and keeps non-overlapping matches (a CI's numbers win over a label's, a
P value's over a count's); :mod:`~evisynth.check.extract` joins them into claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from evisynth.check import patterns as pt
from evisynth.check.model import Num
from evisynth.check.text import Document

_ANCHOR_RES = [
    (re.compile(r"(?P<label>" + rx + r")" + pt.ANCHOR_TAIL, flags), code) for rx, code, flags in pt.MEASURE_LABELS
]
_NUM_RE = re.compile(pt.NUM + r"(?P<pct>\s?%)?")
_LABEL_RES = [(re.compile(rx, flags), code) for rx, code, flags in pt.MEASURE_LABELS]
_P_QUALIFIER_RE = re.compile(r"interaction|\bint\b|het|trend|subgroup|diff", re.I)
_UNIT_AFTER_RE = re.compile(r"\s*" + pt.NOT_AN_ESTIMATE)
_TIME_BEFORE_RE = re.compile(pt.TIME_BEFORE, re.I)
_STAT_NAMES = {"z": "Z", "t": "t", "χ": "chi2", "c": "chi2", "x": "chi2", "f": "F", "q": "Q"}


def parse_number(text: str, start: int, *, percent: bool = False) -> Num:
    """Read a written decimal (sign written as ``-`` or ``–``)."""
    body = text.strip().replace("–", "-").replace(" ", "").replace(",", "")
    decimals = len(body.split(".", 1)[1]) if "." in body else 0
    return Num(float(body), text, start, start + len(text), decimals, 0.5 * 10.0**-decimals, percent)


def parse_count(text: str) -> int:
    """Read a count written in digits (with thousands separators) or as a word."""
    if re.match(r"[A-Za-z]", text):
        return pt.word_number(text)
    return int(re.sub(r"[, ]", "", text))


@dataclass
class _Part:
    kind: str  # anchor, stat, ci, p, studies, comparisons, participants
    start: int
    end: int
    nums: dict[str, Num] = field(default_factory=dict)
    measure: str | None = None
    level: float | None = None
    relation: str | None = None
    count: int | None = None
    df: tuple[float, ...] = ()
    qualified: bool = False  # a P for interaction, heterogeneity or trend: never an effect's own P
    inherit: bool = False  # an unlabelled result takes the measure of the result before it
    per: int | None = None  # SoF absolute effects: "44 fewer per 1000"


def _p_value(match: re.Match[str], norm: str) -> _Part:
    if match.group("ns"):
        start, end = match.start("ns"), match.end("ns")
        num = Num(0.05, norm[start:end], start, end, 2, 0.0)
        return _Part("p", start, end, {"p_value": num}, relation=">")
    rel = match.group("prel").lower()
    relation = "<" if rel in ("<", "≤", "<=", "=<") else ">" if rel in (">", "≥", ">=", "=>") else "="
    raw = match.group("pnum")
    start = match.start("pnum")
    mantissa = re.match(r"\d*\.?\d+", raw)
    assert mantissa is not None
    num = parse_number("1" if match.group("pexp3") else mantissa.group(0), start)  # "10⁻⁵" is 1 × 10⁻⁵
    exp_text = match.group("pexp") or match.group("pexp2") or match.group("pexp3")
    if exp_text:
        exp = int(exp_text.replace("–", "-").replace(" ", ""))
        num = Num(
            float(f"{num.value * 10.0**exp:.12g}"),
            raw,
            start,
            start + len(raw),
            num.decimals - exp,
            num.half * 10.0**exp,
        )
    label = norm[match.start() : match.start("prel")]
    qualified = _P_QUALIFIER_RE.search(label) is not None
    return _Part("p", match.start(), match.end(), {"p_value": num}, relation=relation, qualified=qualified)


def find_parts(doc: Document) -> list[_Part]:
    """All claim parts in ``doc``, non-overlapping, in reading order."""
    norm = doc.norm
    found: list[_Part] = []
    for m in pt.CI_RE.finditer(norm):
        level = m.group("level") or m.group("level2")
        nums = {"ci_lower": _num_group(m, "lo"), "ci_upper": _num_group(m, "hi")}
        found.append(_Part("ci", m.start(), m.end(), nums, level=float(level) / 100 if level else None))
    for m in pt.P_RE.finditer(norm):
        found.append(_p_value(m, norm))
    for m in pt.STATISTIC_RE.finditer(norm):
        found.append(_statistic(m, norm))
    for rx in (pt.SOF_RE, pt.SOF_CI_RE):
        for m in rx.finditer(norm):
            found.append(_sof(m, norm))
    for m in pt.BARE_RESULT_RE.finditer(norm):
        lo, hi = ("lo", "hi") if m.group("lo") else ("lo2", "hi2")
        nums = {"estimate": _num_group(m, "e"), "ci_lower": _num_group(m, lo), "ci_upper": _num_group(m, hi)}
        found.append(_Part("anchor", m.start(), m.end(), nums, inherit=True))
    for m in pt.TRIPLE_RE.finditer(norm):
        nums = {
            "estimate": _num_group(m, "e"),
            "ci_lower": _num_group(m, "lo"),
            "ci_upper": _num_group(m, "hi"),
        }
        found.append(_Part("anchor", m.start("e"), m.end(), nums, inherit=True))
    for rx, code in _ANCHOR_RES:
        for m in rx.finditer(norm):
            anchor = _anchor(m, code, norm)
            if anchor is not None:
                found.append(anchor)
    for rx, kind in (
        (pt.STUDY_COUNT_RE, "studies"),
        (pt.COMPARISON_COUNT_RE, "comparisons"),
        (pt.PARTICIPANT_COUNT_RE, "participants"),
    ):
        for m in rx.finditer(norm):
            text = m.group("n") or m.groupdict().get("k") or m.groupdict().get("neq")
            if text is None:
                continue
            group = "n" if m.group("n") else "k" if m.groupdict().get("k") else "neq"
            start = m.start(group)
            num = Num(float(parse_count(text)), text, start, start + len(text), 0, 0.0)
            found.append(_Part(kind, m.start(), m.end(), {kind: num}, count=int(num.value)))
    priority = {"sof": -1, "ci": 0, "p": 1, "stat": 2, "anchor": 3, "studies": 4, "comparisons": 4, "participants": 4}
    found.sort(key=lambda p: (priority[p.kind], p.start, -(p.end - p.start)))
    accepted: list[_Part] = []
    taken = bytearray(len(norm) + 1)
    for part in found:
        core = [(n.start, n.end) for n in part.nums.values()]
        if part.kind in ("anchor", "sof"):
            core.append((part.start, part.nums["estimate"].start))
        if any(any(taken[s:e]) for s, e in core):
            continue
        accepted.append(part)
        for s, e in core:
            taken[s:e] = b"\x01" * (e - s)
    accepted.sort(key=lambda p: p.start)
    for part in accepted:
        if part.kind == "sof":
            part.kind = "anchor"
    return accepted


def _num_group(m: re.Match[str], name: str) -> Num:
    pct = m.group(f"{name}_pct") is not None
    return parse_number(m.group(name), m.start(name), percent=pct)


def _is_time_point(norm: str, start: int, end: int) -> bool:
    """ "at 30 days", "after 12 months": a number that is a time point, not an estimate."""
    before = _TIME_BEFORE_RE.search(norm, max(0, start - 15), start)
    return before is not None and _UNIT_AFTER_RE.match(norm, end) is not None


def _anchor(m: re.Match[str], code: str, norm: str) -> _Part | None:
    num = parse_number(m.group("num"), m.start("num"), percent=m.group("pct") is not None)
    if _is_time_point(norm, num.start, num.end):
        return None
    label_start = m.start("label")
    if label_start > 0 and norm[label_start - 1] == "[" and norm.startswith("]", m.end("label")):
        label_start -= 1  # "[RR] 0.84": the bracketed label belongs to the claim
    part = _Part(
        "anchor",
        label_start,
        m.end("pct") if m.group("pct") else num.end,
        {"estimate": num},
        measure=code,
        level=float(m.group("mlevel")) / 100 if m.group("mlevel") else None,
    )
    bare = pt.BARE_RANGE_RE.match(norm, part.end)  # matched in place: no copy of the rest of the text
    if bare:
        lo, hi = ("lo", "hi") if bare.group("lo") else ("lo2", "hi2")
        for key, group in (("ci_lower", lo), ("ci_upper", hi)):
            text = bare.group(group)
            start = bare.start(group)
            part.nums[key] = parse_number(text, start, percent=bare.group(f"{group}_pct") is not None)
        part.end = bare.end()
        if bare.group("open") and part.end < len(norm) and norm[part.end] in ")]":
            part.end += 1
    return part


def _sof(m: re.Match[str], norm: str) -> _Part:
    """A GRADE summary-of-findings result: "MD 2 lower (9.1 lower to 5.1 higher)"."""
    nums = {}
    for key, group in (("estimate", "e"), ("ci_lower", "lo"), ("ci_upper", "hi")):
        num = _num_group(m, group)
        down = m.group(f"{group}dir").lower() in pt.SOF_DOWN
        nums[key] = replace(num, value=-num.value) if down else num
    if nums["ci_lower"].value > nums["ci_upper"].value:
        nums["ci_lower"], nums["ci_upper"] = nums["ci_upper"], nums["ci_lower"]
    start, measure = m.start(), "MD"
    per = None
    if m.group("per"):
        measure, per = "RD", (100 if re.search(r"100(?!\d)", m.group("per")) and "000" not in m.group("per") else 1000)
    elif m.group("edir").lower() in ("fewer", "more"):
        measure, per = "RD", 1000  # people: an absolute effect derived from a ratio (asymmetric CI)
    for rx, code in _LABEL_RES:
        for lm in rx.finditer(norm, max(0, m.start() - 40), m.start()):
            if re.fullmatch(r"[\s:=,(]*", norm[lm.end() : m.start()]) and code not in ("I2", "r"):
                start, measure = lm.start(), code
    return _Part("sof", start, m.end(), nums, measure=measure, per=per)


def _statistic(m: re.Match[str], norm: str) -> _Part:
    raw = m.group("stat")
    name = _STAT_NAMES.get(raw.strip()[0].lower(), "Z")
    df: tuple[float, ...] = ()
    for group in ("tdf", "cdf", "qdf"):
        if m.group(group):
            df = (float(m.group(group)),)
    if m.group("fdf1"):
        df = (float(m.group("fdf1")), float(m.group("fdf2")))
    end = m.end()
    if not df:
        more = pt.DF_RE.match(norm, end)
        if more:
            df = (float(more.group("df")),)
            end = more.end()
    num = parse_number(m.group("value"), m.start("value"))
    rel = m.group("rel")
    return _Part("stat", m.start(), end, {"estimate": num}, measure=name, df=df, relation=rel)
