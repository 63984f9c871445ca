"""Generate the mutation cases (``mutations.jsonl``) from the clean real texts in ``texts.jsonl``.

Each mutation changes ONE thing in a real abstract (a number, a sign, a measure label, a P value,
a count or a word) and names the finding kind a reviewer expects. The claim to mutate is found
with a deliberately simple pattern written here, independent of the checker's own extractor, so
the cases do not inherit the extractor's blind spots. Mutations that check the text against its
source use the unmutated abstract as the source (a digest that copied one number wrongly).

Run: python benchmarks/checker_corpus/make_mutations.py  (deterministic; rewrites mutations.jsonl)
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
NUM = r"[‐−-]?\s?\d+(?:\.\d+)?"
CLAIM_RE = re.compile(
    r"(?P<label>\b(?:RR|OR|HR|IRR|MD|SMD|risk ratio|odds ratio|mean difference|standardised mean difference)\b)"
    r"(?P<alias>\s*\((?:RR|OR|HR|MD|SMD)\))?[\s=,:]*(?P<est>" + NUM + r")(?P<unit>[^0-9;()\[\]]{0,25}?)[,;]?\s*\(?"
    r"95% (?:confidence interval \(CI\)|CI)\s*(?P<lo>" + NUM + r")\s*to\s*(?P<hi>" + NUM + r")"
)
COUNT_RE = re.compile(r"\b(?P<n>\d{1,3}) (?P<noun>studies|trials|RCTs)\b")
WORDS = [
    ("probably reduces", "clearly reduces", "certainty_language"),
    ("likely results in a reduction", "results in a clear reduction", "certainty_language"),
    ("probably results in", "clearly results in", "certainty_language"),
    ("may improve", "improves", "certainty_language"),
    ("may reduce", "reduces", "certainty_language"),
    ("may result in little to no difference", "has no effect", "significance_language"),
    ("may result in little or no difference", "had no effect", "significance_language"),
    ("may make little or no difference", "has no effect", "significance_language"),
    ("There was no clear difference", "There was no difference", "significance_language"),
]
MEASURE_SWAP = {
    "RR": "OR",
    "OR": "RR",
    "HR": "RR",
    "MD": "SMD",
    "SMD": "MD",
    "IRR": "RR",
    "risk ratio": "odds ratio",
    "odds ratio": "risk ratio",
    "mean difference": "standardised mean difference",
    "standardised mean difference": "mean difference",
}
ABBR = {
    "RR": "RR",
    "OR": "OR",
    "MD": "MD",
    "SMD": "SMD",
    "risk ratio": "RR",
    "odds ratio": "OR",
    "mean difference": "MD",
    "standardised mean difference": "SMD",
}
RATIO = {"RR", "OR", "HR", "IRR", "risk ratio", "odds ratio"}


def _value(text: str) -> float:
    return float(text.replace("‐", "-").replace("−", "-").replace(" ", ""))


def _fmt(x: float, like: str, minus: str = "-") -> str:
    decimals = len(like.split(".")[1]) if "." in like else 0
    return f"{x:.{decimals}f}".replace("-", minus)


def _pick(items: list, key: str) -> int:
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % len(items)


def mutations_for(rec: dict) -> list[dict]:
    text = rec["text"]
    out: list[dict] = []
    claims = [m for m in CLAIM_RE.finditer(text)]
    usable = []
    for m in claims:
        try:
            est, lo, hi = _value(m["est"]), _value(m["lo"]), _value(m["hi"])
        except ValueError:
            continue
        if lo <= est <= hi and lo < hi:
            usable.append((m, est, lo, hi))
    if usable:
        m, est, lo, hi = usable[_pick(usable, rec["id"] + "a")]
        ratio = m["label"] in RATIO
        minus = "‐" if "‐" in text else "−" if "−" in text else "-"
        # 1. the upper limit moved below the estimate: estimate outside its CI (no source needed)
        new_hi = lo + (est - lo) / 2 if est > lo else est - 0.1
        out.append(
            dict(
                type="number",
                find=m.group(0),
                replace=m.group(0)[: m.start("hi") - m.start()]
                + _fmt(new_hi, m["hi"], minus)
                + m.group(0)[m.end("hi") - m.start() :],
                expect="estimate_outside_ci",
                against=False,
            )
        )
        # 2. one digit of the estimate changed, checked against the original: not in source
        step = 10 ** -(len(m["est"].split(".")[1]) if "." in m["est"] else 0)
        new_est = est + 2 * step if est + 2 * step <= hi else est - 2 * step
        if new_est != est and lo <= new_est <= hi:
            out.append(
                dict(
                    type="number",
                    find=m.group(0),
                    replace=m.group(0)[: m.start("est") - m.start()]
                    + _fmt(new_est, m["est"], minus)
                    + m.group(0)[m.end("est") - m.start() :],
                    expect="not_in_source",
                    against=True,
                )
            )
        # 3. the measure label swapped, checked against the original: measure mismatch
        swapped = MEASURE_SWAP.get(m["label"])
        if swapped:
            rest = m.group(0)[m.end("alias") - m.start() :] if m["alias"] else m.group(0)[len(m["label"]) :]
            alias = f" ({ABBR[swapped]})" if m["alias"] else ""
            out.append(
                dict(type="word", find=m.group(0), replace=swapped + alias + rest, expect="measure_mismatch", against=True)
            )
        # 4. the direction reversed (estimate and CI), checked against the original
        if len(usable) > 0 and (not ratio or min(est, lo, hi) > 0):
            if ratio:
                f_est, f_lo, f_hi = 1 / est, 1 / hi, 1 / lo
            else:
                f_est, f_lo, f_hi = -est, -hi, -lo
            if abs(f_est - est) > 2 * step:
                g = m.group(0)
                rep = (
                    g[: m.start("est") - m.start()]
                    + _fmt(f_est, m["est"], minus)
                    + g[m.end("est") - m.start() : m.start("lo") - m.start()]
                    + _fmt(f_lo, m["lo"], minus)
                    + g[m.end("lo") - m.start() : m.start("hi") - m.start()]
                    + _fmt(f_hi, m["hi"], minus)
                    + g[m.end("hi") - m.start() :]
                )
                out.append(dict(type="sign", find=g, replace=rep, expect="direction_mismatch", against=True))
    p = re.search(r"P\s?=\s?(0\.\d+)", text)
    if p and float(p.group(1)) > 0:
        old = float(p.group(1))
        new = "0.01" if old >= 0.05 else "0.40"
        out.append(
            dict(
                type="p", find=p.group(0), replace=p.group(0).replace(p.group(1), new), expect="p_ci_mismatch", against=False
            )
        )
    c = COUNT_RE.search(text)
    if c:
        out.append(
            dict(
                type="number",
                find=c.group(0),
                replace=f"{int(c['n']) + 3} {c['noun']}",
                expect="count_mismatch",
                against=True,
            )
        )
    for find, replace, kind in WORDS:
        if find in text:
            out.append(dict(type="word", find=find, replace=replace, expect=kind, against=False))
            break
    return _finish(rec, out)


def word_mutations_for(rec: dict) -> list[dict]:
    """Summaries (plain-language and AI-written) checked against their abstract: one word made stronger."""
    out = []
    for find, replace, kind in WORDS:
        if find in rec["text"]:
            out.append(dict(type="word", find=find, replace=replace, expect=kind, against=True))
            break
    return _finish(rec, out)


def _finish(rec: dict, out: list[dict]) -> list[dict]:
    text = rec["text"]
    for i, mut in enumerate(out):
        assert text.count(mut["find"]) >= 1
        mut["id"] = f"{rec['id']}#m{i + 1}"
        mut["base"] = rec["id"]
        mut["split"] = rec["split"]
    return out


def main() -> None:
    records = [json.loads(line) for line in (HERE / "texts.jsonl").read_text(encoding="utf-8").splitlines()]
    muts = []
    for rec in records:
        if rec["genre"] == "abstract":
            muts.extend(mutations_for(rec))
        elif rec["against"]:
            muts.extend(word_mutations_for(rec))
    with (HERE / "mutations.jsonl").open("w", encoding="utf-8") as fh:
        for m in muts:
            fh.write(json.dumps(m, ensure_ascii=False) + "\n")
    from collections import Counter

    print(len(muts), Counter(m["expect"] for m in muts), Counter(m["split"] for m in muts))


if __name__ == "__main__":
    main()
