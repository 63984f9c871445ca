"""What a source says: results, counts and certainty, from a text or an evisynth JSON.

A JSON source is walked as a tree (tolerant of shape): every dict holding an
``estimate`` (or a study's ``yi``) together with a CI, SE or P value is a result; its
measure and scale come from the nearest ``measure``/``log_scale`` above it (ratio measures
are compared on the ratio scale, through the ``*_exp`` twins when present); ``k``,
``studies`` and ``totals`` give counts; a ``certainty`` next to a ``name`` gives the GRADE
level of that outcome. A text source goes through the same extractor as the summary.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evisynth.check.extract import extract_claims
from evisynth.check.files import MAX_JSON_DEPTH, json_depth
from evisynth.check.model import RATIO_MEASURES, STATISTICS, Claim
from evisynth.check.patterns import NUMBER_WORD_PATTERN, word_number
from evisynth.check.text import Document, make_document

#: "Smith 2010a", "Smith 2010 (high dose)", "Smith 2010 - arm 2" all count as the study "Smith 2010".
_STUDY_SUFFIX_RE = re.compile(r"(?<=\d{4})[a-z]\b.*$|\s*\(.*\)$|\s+[-–:,/].*$")
_LEVEL_RE = re.compile(r"very[\s-]+low|\blow\b|\bmoderate\b|\bhigh\b", re.I)
_MEASURE_ALIASES = {"PETO": "OR", "WMD": "MD", "GEN": None, "ROM": "RR", "COR": None, "ZCOR": None}


@dataclass(frozen=True)
class SourceResult:
    """One result in the source (values on the scale people report: ratios exponentiated)."""

    measure: str | None
    estimate: float | None
    ci_lower: float | None = None
    ci_upper: float | None = None
    p_value: float | None = None
    p_relation: str = "="
    label: str = ""
    certainty: str | None = None
    key: bool = False
    written: bool = False  # from a text source: values are rounded numbers as written
    decimals: Mapping[str, int] = field(default_factory=dict)
    #: the counts reported with this result ("RR 0.71 (0.55 to 0.91); 16 studies, 1528 participants")
    n_studies: int | None = None
    n_participants: int | None = None


@dataclass
class SourceFacts:
    """Everything the summary may be traced to."""

    results: list[SourceResult] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)
    studies: set[int] = field(default_factory=set)
    comparisons: set[int] = field(default_factory=set)
    participants: set[int] = field(default_factory=set)
    certainty_by_outcome: dict[str, str] = field(default_factory=dict)
    is_text: bool = False
    #: (studies, participants) reported together, to catch a right number paired with the wrong one.
    pairs: set[tuple[int, int]] = field(default_factory=set)
    k_values: list[int] = field(default_factory=list)
    #: whole numbers a text source writes (digits or words, not percentages or decimals)
    counts_written: set[int] = field(default_factory=set)
    named_studies: set[int] = field(default_factory=set)
    #: the source text as a document and its claims (text sources only), for certainty statements
    #: and for judging wording in a summary sentence without numbers against the source's result
    doc: Document | None = None
    claims: list[Claim] = field(default_factory=list)


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    value = float(x)
    return None if math.isnan(value) or math.isinf(value) else value


def _measure(code: Any) -> str | None:
    if not isinstance(code, str):
        return None
    up = code.strip().upper()
    if up in _MEASURE_ALIASES:
        return _MEASURE_ALIASES[up]
    return {"HEDGES' G": "SMD", "G": "SMD", "BETA": "beta"}.get(up, up)


def _certainty(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("level") or value.get("rating") or value.get("certainty") or value.get("final")
    if not isinstance(value, str):
        return None
    match = _LEVEL_RE.search(value.replace("_", " ").replace("-", " "))
    if match is None:
        return None
    return re.sub(r"\s+", " ", match.group(0).lower())


def from_json(obj: Any) -> SourceFacts:
    """Collect results, numbers and counts from an analysis or summary JSON (any nesting)."""
    facts = SourceFacts()
    _walk(obj, facts, {"measure": None, "log": False, "label": "", "certainty": None, "path": ()})
    for k in facts.k_values:  # k counts comparisons when study names show fewer studies
        if k in facts.comparisons and k not in facts.named_studies:
            continue
        facts.studies.add(k)
    return facts


def _walk(obj: Any, facts: SourceFacts, ctx: dict[str, Any]) -> None:
    if isinstance(obj, Mapping):
        ctx = dict(ctx)
        if "measure" in obj and isinstance(obj["measure"], str):
            ctx["measure"] = _measure(obj["measure"])
        if isinstance(obj.get("log_scale"), bool):
            ctx["log"] = obj["log_scale"]
        for name_key in ("name", "outcome", "label", "title"):
            if isinstance(obj.get(name_key), str):
                ctx["label"] = obj[name_key]
                break
        level = _certainty(obj.get("certainty") or obj.get("grade") or obj.get("quality"))
        if level:
            ctx["certainty"] = level
            if ctx["label"]:
                facts.certainty_by_outcome[ctx["label"]] = level
        _result(obj, facts, ctx)
        _counts(obj, facts, ctx)
        for key, value in obj.items():
            if isinstance(value, Mapping | list | tuple):
                sub = dict(ctx)
                sub["path"] = (*ctx["path"], str(key))
                _walk(value, facts, sub)
            elif (x := _num(value)) is not None:
                facts.numbers.append(x)
    elif isinstance(obj, list | tuple):
        for item in obj:
            _walk(item, facts, ctx)


def _result(obj: Mapping[str, Any], facts: SourceFacts, ctx: dict[str, Any]) -> None:
    path = ctx["path"]
    d, d_lo, d_hi = (_num(obj.get(k)) for k in ("difference", "difference_lower", "difference_upper"))
    if d is not None and d_lo is not None and d_hi is not None:  # absolute effect per 1000 (SoF)
        facts.results.append(
            SourceResult("RD", d, min(d_lo, d_hi), max(d_lo, d_hi), label=ctx["label"], certainty=ctx["certainty"])
        )
    est = _num(obj.get("estimate"))
    if est is None:
        est = _num(obj.get("yi"))
    if est is None:
        if "i2" in obj and _num(obj["i2"]) is not None:
            facts.results.append(SourceResult("I2", _num(obj["i2"]), label=ctx["label"]))
        if _num(obj.get("q")) is not None:
            p = _num(obj.get("q_p", obj.get("p_value")))
            facts.results.append(SourceResult("chi2", _num(obj["q"]), p_value=p, label=ctx["label"]))
        return
    lo, hi, p = _num(obj.get("ci_lower")), _num(obj.get("ci_upper")), _num(obj.get("p_value"))
    if lo is None and p is None and _num(obj.get("se")) is None:
        return
    measure = ctx["measure"]
    if "coefficients" in path:
        measure = "beta"
    log = bool(ctx["log"]) and measure in RATIO_MEASURES
    key = bool(path) and path[-1] == "pooled"
    if log:
        twins = [_num(obj.get(k)) for k in ("estimate_exp", "ci_lower_exp", "ci_upper_exp")]
        est_r = twins[0] if twins[0] is not None else math.exp(est)
        lo_r = twins[1] if twins[1] is not None else (math.exp(lo) if lo is not None else None)
        hi_r = twins[2] if twins[2] is not None else (math.exp(hi) if hi is not None else None)
        facts.numbers.extend(x for x in (est_r, lo_r, hi_r) if x is not None)
        facts.results.append(
            SourceResult(measure, est_r, lo_r, hi_r, p, label=ctx["label"], certainty=ctx["certainty"], key=key)
        )
    else:
        facts.results.append(SourceResult(measure, est, lo, hi, p, label=ctx["label"], certainty=ctx["certainty"], key=key))


def _counts(obj: Mapping[str, Any], facts: SourceFacts, ctx: dict[str, Any]) -> None:
    if (x := _num(obj.get("k"))) is not None and x == int(x):
        facts.k_values.append(int(x))
    totals = obj.get("totals")
    total = _num(totals.get("participants")) if isinstance(totals, Mapping) else None
    for key in ("n_studies", "studies_count", "num_studies"):
        if (x := _num(obj.get(key))) is not None and x == int(x):
            facts.studies.add(int(x))
            if total is not None:  # e.g. 6 trials (11 comparisons) with the analysis' participants
                facts.pairs.add((int(x), int(total)))
    for key in ("n_comparisons", "comparisons"):
        if (x := _num(obj.get(key))) is not None and x == int(x):
            facts.comparisons.add(int(x))
    studies = obj.get("studies")
    if isinstance(studies, list) and studies and all(isinstance(s, Mapping) for s in studies):
        included = [s for s in studies if s.get("included", True) is not False]
        names = {str(s.get("study")).strip() for s in included if s.get("study") is not None}
        if names:
            n_names = {len(names), len({_STUDY_SUFFIX_RE.sub("", n) for n in names})}
            facts.studies |= n_names
            facts.named_studies |= n_names
            facts.comparisons.add(len(included))
            part = _num((obj.get("totals") or {}).get("participants")) if isinstance(obj.get("totals"), Mapping) else None
            if part is not None:
                facts.pairs |= {(n, int(part)) for n in n_names}
        else:
            facts.studies.add(len(included))
    elif (x := _num(studies)) is not None:
        facts.studies.add(int(x))
    for key in ("participants", "n_participants", "total_participants", "n_total"):
        if (x := _num(obj.get(key))) is not None and x == int(x):
            facts.participants.add(int(x))
    n1, n2 = _num(obj.get("n1")), _num(obj.get("n2"))
    if n1 is not None and n2 is not None:
        facts.participants.add(int(n1 + n2))
    if ctx["path"] and ctx["path"][-1] == "totals" and (x := _num(obj.get("n"))) is not None:
        facts.participants.add(int(x))


_NUMBER_WORD_RE = re.compile(NUMBER_WORD_PATTERN, re.I)


def from_text(text: str) -> SourceFacts:
    """Collect results, numbers and counts from a source text (e.g. the original abstract)."""
    doc = make_document(text)
    facts = SourceFacts(is_text=True, doc=doc)
    claims = extract_claims(doc)
    facts.claims = claims
    for claim in claims:
        for name, num in claim.numbers:
            facts.numbers.append(num.value)
            if name == "n_studies":
                facts.studies.add(int(num.value))
            elif name == "n_participants":
                facts.participants.add(int(num.value))
            elif name == "n_comparisons":
                facts.comparisons.add(int(num.value))
        if claim.n_studies is not None and claim.n_participants is not None:
            facts.pairs.add((claim.n_studies, claim.n_participants))
        if claim.estimate is not None or claim.p_value is not None or claim.has_ci:
            decimals = {name: num.decimals for name, num in claim.numbers}
            facts.results.append(
                SourceResult(
                    claim.measure,
                    claim.estimate,
                    claim.ci_lower,
                    claim.ci_upper,
                    claim.p_value,
                    claim.p_relation or "=",
                    label=doc.plain[claim.sentence_start : claim.sentence_end],
                    key=claim.is_result and claim.has_ci and claim.measure not in STATISTICS,
                    written=True,
                    decimals=decimals,
                    n_studies=claim.n_studies,
                    n_participants=claim.n_participants,
                )
            )
    for m in re.finditer(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?![\d])|(?<![\w.])-?\d+(?:\.\d+)?", doc.norm):
        facts.numbers.append(float(m.group(0).replace(",", "")))
    for m in re.finditer(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?![\d.,]*\d)(?!\s?%)", doc.norm):
        facts.counts_written.add(int(m.group(1).replace(",", "")))
    for m in _NUMBER_WORD_RE.finditer(doc.norm):
        facts.numbers.append(float(word_number(m.group(0))))
        facts.counts_written.add(word_number(m.group(0)))
    return facts


def load(source: Any) -> SourceFacts:
    """Source facts from a text (``str``) or a parsed JSON value (dict or list)."""
    if isinstance(source, SourceFacts):
        return source
    if isinstance(source, str):
        return from_text(source)
    if isinstance(source, Mapping | list | tuple):
        if json_depth(source, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise ValueError(f"the source JSON nests deeper than evisynth reads ({MAX_JSON_DEPTH} levels)")
        return from_json(source)
    raise TypeError(f"source must be a text or a parsed JSON value, not {type(source).__name__}")
