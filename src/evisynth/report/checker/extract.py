"""Find statistical claims in a summary and assemble them into :class:`Claim` objects.

Parts are found independently (an effect label with its estimate, a confidence
interval, a P value, a test statistic, a count of studies or participants) and then
joined in reading order: a part joins the claim before it when it lies in the same
sentence, that claim has no such part yet, and only a few letters separate them (so
``MD -0.23 (95% CI -0.43 to -0.02; P = 0.03)`` is one claim while a P value in the next
clause about another outcome is not). A CI or P value that joins nothing becomes a
claim of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from evisynth.report.checker import patterns as pt
from evisynth.report.checker.model import STATISTICS, Claim, Num
from evisynth.report.checker.text import Document

_ANCHOR_RES = [
    (re.compile(r"(?P<label>" + rx + r")" + pt.ANCHOR_TAIL, flags), code)
    for rx, code, flags in pt.MEASURE_LABELS
]
_NUM_RE = re.compile(pt.NUM + r"(?P<pct>\s?%)?")
_LABEL_RES = [(re.compile(rx, flags), code) for rx, code, flags in pt.MEASURE_LABELS]
_P_QUALIFIER_RE = re.compile(r"interaction|\bint\b|het|trend|subgroup|diff", re.I)
_UNIT_AFTER_RE = re.compile(r"\s*" + pt.NOT_AN_ESTIMATE)
_TIME_BEFORE_RE = re.compile(pt.TIME_BEFORE, re.I)
_STAT_NAMES = {"z": "Z", "t": "t", "χ": "chi2", "c": "chi2", "x": "chi2", "f": "F", "q": "Q"}


def parse_number(text: str, start: int, *, percent: bool = False) -> Num:
    """Read a written decimal (sign written as ``-`` or ``–``)."""
    body = text.strip().replace("–", "-").replace(" ", "")
    decimals = len(body.split(".", 1)[1]) if "." in body else 0
    return Num(float(body), text, start, start + len(text), decimals, 0.5 * 10.0**-decimals, percent)


def parse_count(text: str) -> int:
    """Read a count written in digits (with thousands separators) or as a word."""
    word = text.lower()
    if word in pt.NUMBER_WORDS:
        return pt.NUMBER_WORDS[word]
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


@dataclass
class _Draft:
    start: int
    end: int
    sentence: tuple[int, int]
    measure: str | None = None
    nums: dict[str, Num] = field(default_factory=dict)
    level: float | None = None
    relation: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    statistic: str | None = None
    df: tuple[float, ...] = ()

    def is_result(self) -> bool:
        return "estimate" in self.nums and self.measure not in STATISTICS


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
    num = parse_number(mantissa.group(0), start)
    exp_text = match.group("pexp") or match.group("pexp2")
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
    priority = {"ci": 0, "p": 1, "stat": 2, "anchor": 3, "studies": 4, "comparisons": 4, "participants": 4}
    found.sort(key=lambda p: (priority[p.kind], p.start, -(p.end - p.start)))
    accepted: list[_Part] = []
    taken = bytearray(len(norm) + 1)
    for part in found:
        core = [(n.start, n.end) for n in part.nums.values()]
        if part.kind == "anchor":
            core.append((part.start, part.nums["estimate"].start))
        if any(any(taken[s:e]) for s, e in core):
            continue
        accepted.append(part)
        for s, e in core:
            taken[s:e] = b"\x01" * (e - s)
    accepted.sort(key=lambda p: p.start)
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
    part = _Part(
        "anchor",
        m.start("label"),
        m.end("pct") if m.group("pct") else num.end,
        {"estimate": num},
        measure=code,
    )
    rest = norm[part.end :]
    bare = pt.BARE_RANGE_RE.match(rest)
    if bare:
        lo, hi = ("lo", "hi") if bare.group("lo") else ("lo2", "hi2")
        for key, group in (("ci_lower", lo), ("ci_upper", hi)):
            text = bare.group(group)
            start = part.end + bare.start(group)
            part.nums[key] = parse_number(text, start, percent=bare.group(f"{group}_pct") is not None)
        part.end = part.end + bare.end()
        if bare.group("open") and part.end < len(norm) and norm[part.end] in ")]":
            part.end += 1
    return part


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
        more = pt.DF_RE.match(norm[end:])
        if more:
            df = (float(more.group("df")),)
            end += more.end()
    num = parse_number(m.group("value"), m.start("value"))
    rel = m.group("rel")
    return _Part("stat", m.start(), end, {"estimate": num}, measure=name, df=df, relation=rel)


def _letters_between(norm: str, a: int, b: int) -> int:
    return sum(ch.isalpha() for ch in norm[a:b]) if b >= a else 99


def _near(doc: Document, draft: _Draft, part: _Part, letters: int) -> bool:
    same = doc.sentence_span(part.start) == draft.sentence
    return (
        same and part.start - draft.end <= 90 and _letters_between(doc.norm, draft.end, part.start) <= letters
    )


def assemble(doc: Document, parts: list[_Part]) -> list[Claim]:
    """Join parts into claims (see the module docstring)."""
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for part in parts:
        sentence = doc.sentence_span(part.start)
        if part.kind in ("anchor", "stat"):
            if (
                part.kind == "stat"
                and part.measure in ("Z", "t")
                and current is not None
                and current.is_result()
                and current.statistic is None
                and "p_value" not in current.nums
                and _near(doc, current, part, 30)
            ):
                current.statistic = part.measure
                current.nums["statistic"] = part.nums["estimate"]
                current.df = part.df
                current.end = part.end
                continue
            measure = part.measure
            if part.inherit:
                measure = _inherited_measure(doc, drafts, part.start)
            current = _Draft(part.start, part.end, sentence, measure, dict(part.nums), df=part.df)
            if part.kind == "stat":
                current.statistic = part.measure
            drafts.append(current)
        elif part.kind == "ci":
            if (
                current is not None
                and "ci_lower" not in current.nums
                and current.is_result()
                and _near(doc, current, part, 20)
            ):
                current.nums.update(part.nums)
                current.level = part.level
                current.end = part.end
            else:
                current = _orphan_ci(doc, part, sentence, parts)
                drafts.append(current)
        elif part.kind == "p":
            if (
                current is not None
                and "p_value" not in current.nums
                and ("estimate" in current.nums or "ci_lower" in current.nums)
                and (not part.qualified or current.measure in ("I2", "chi2", "Q"))
                and _near(doc, current, part, 15)
            ):
                current.nums.update(part.nums)
                current.relation = part.relation
                current.end = part.end
            else:
                current = _Draft(
                    part.start, part.end, sentence, None, dict(part.nums), relation=part.relation
                )
                drafts.append(current)
        else:
            kind = part.kind
            assert part.count is not None
            count_only = (
                current is not None
                and bool(current.counts)
                and not (current.nums.keys() & {"estimate", "ci_lower", "p_value"})
            )
            joinable = (
                current is not None
                and kind not in current.counts
                and (
                    (current.is_result() and current.measure != "I2" and _near(doc, current, part, 15))
                    or (count_only and _near(doc, current, part, 25))
                )
            )
            if joinable and current is not None:
                current.counts[kind] = part.count
                current.nums[kind] = part.nums[kind]
                current.end = part.end
            else:
                current = _Draft(
                    part.start, part.end, sentence, counts={kind: part.count}, nums={kind: part.nums[kind]}
                )
                drafts.append(current)
    return [_freeze(doc, d) for d in drafts]


def _inherited_measure(doc: Document, drafts: list[_Draft], pos: int) -> str | None:
    """The measure of the last labelled result in this or the previous sentence."""
    idx = doc.sentence_index(pos)
    earliest = doc.sentences[max(0, idx - 1)][0] if doc.sentences else 0
    for d in reversed(drafts):
        if d.start < earliest:
            break
        if d.measure is not None and d.measure not in STATISTICS and d.measure != "I2":
            return d.measure
    return None


def _orphan_ci(doc: Document, part: _Part, sentence: tuple[int, int], parts: list[_Part]) -> _Draft:
    draft = _Draft(part.start, part.end, sentence, None, dict(part.nums), level=part.level)
    window_start = max(sentence[0], part.start - 60)
    occupied = [(p.start, p.end) for p in parts if p is not part]
    candidates = [
        m
        for m in _NUM_RE.finditer(doc.norm, window_start, part.start)
        if not any(s <= m.start() < e for s, e in occupied)
    ]
    if candidates:
        m = candidates[-1]
        if _letters_between(doc.norm, m.end(), part.start) <= 12 and not _is_time_point(
            doc.norm, m.start(), m.end()
        ):
            text = m.group(0)[: len(m.group(0)) - len(m.group("pct") or "")]
            draft.nums["estimate"] = parse_number(text, m.start(), percent=m.group("pct") is not None)
            draft.start = m.start()
            label = _label_before(doc, max(sentence[0], m.start() - 60), m.start())
            if label is not None:
                draft.measure, draft.start = label
    return draft


def _label_before(doc: Document, start: int, end: int) -> tuple[str, int] | None:
    """The last measure label in ``[start, end)`` ("HR at 5 years was 0.82"), with its start."""
    best: tuple[str, int] | None = None
    for rx, code in _LABEL_RES:
        for m in rx.finditer(doc.norm, start, end):
            if code not in ("I2", "r") and (best is None or m.start() > best[1]):
                best = (code, m.start())
    return best


def _freeze(doc: Document, d: _Draft) -> Claim:
    nums = {k: replace(v, text=doc.plain[v.start : v.end]) for k, v in d.nums.items()}
    est = nums.get("estimate")
    lo, hi, p = nums.get("ci_lower"), nums.get("ci_upper"), nums.get("p_value")
    stat = nums.get("statistic")
    counts = dict(d.counts)
    for kind in ("studies", "comparisons", "participants"):
        if kind in nums and kind not in counts:
            counts[kind] = int(nums[kind].value)
    ordered = tuple(
        (
            k.replace("studies", "n_studies")
            .replace("participants", "n_participants")
            .replace("comparisons", "n_comparisons"),
            v,
        )
        for k, v in nums.items()
    )
    end = d.end
    while end > d.start and doc.plain[end - 1] in ")]" and _unmatched_close(doc.plain[d.start : end]):
        end -= 1
    while end < len(doc.plain) and doc.plain[end] in ")]" and _unmatched_open(doc.plain[d.start : end]):
        end += 1
    return Claim(
        start=d.start,
        end=end,
        text=doc.plain[d.start : end],
        measure=d.measure,
        estimate=est.value if est else None,
        ci_level=d.level,
        ci_lower=lo.value if lo else None,
        ci_upper=hi.value if hi else None,
        p_value=p.value if p else None,
        p_relation=d.relation if p else None,
        n_studies=counts.get("studies"),
        n_participants=counts.get("participants"),
        sentence=doc.plain[d.sentence[0] : d.sentence[1]],
        sentence_start=d.sentence[0],
        sentence_end=d.sentence[1],
        numbers=ordered,
        statistic=d.statistic,
        statistic_value=stat.value if stat else (est.value if d.measure in STATISTICS and est else None),
        df=d.df,
        n_comparisons=counts.get("comparisons"),
    )


def _unmatched_close(text: str) -> bool:
    return text.count(")") + text.count("]") > text.count("(") + text.count("[")


def _unmatched_open(text: str) -> bool:
    return text.count("(") + text.count("[") > text.count(")") + text.count("]")


def extract_claims(doc: Document) -> list[Claim]:
    """Every statistical claim in ``doc``, in reading order."""
    return assemble(doc, find_parts(doc))
