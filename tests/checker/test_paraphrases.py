"""Paraphrase robustness of the language rules (``tests/checker/corpus/paraphrases.jsonl``).

Each case is an invented sentence in the style of an abstract, a plain-language summary, a
press release, a summary-of-findings table or an AI-written summary, with the context that
fixes the truth: an estimate and CI, a GRADE certainty (words, "(low-certainty evidence)",
⊕⊕◯◯ symbols, a SoF row) in the text, or a source text. ``expect`` lists the findings a
methodologist marks (kind, severity, and a quote the finding's span must overlap; "a|b" allows
either severity); an empty list is a clean case, on which the checker must find nothing at
all. The set was written in six batches (``batch``), each before the checker was run on it;
the figures before and after each batch's fixes are in benchmarks/README.md.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from evisynth.check import check_text

from .conftest import CORPUS

CASES: list[dict[str, Any]] = [
    json.loads(line) for line in (CORPUS / "paraphrases.jsonl").read_text(encoding="utf-8").splitlines() if line
]

#: Cases the checker does not pass, with the reason (strict: a fix must remove the entry).
XFAIL: dict[str, str] = {
    "sig-subgroup-women": (
        "both subgroup results are given with CIs: the checker reports an incommensurable_comparison "
        "warning (docs/check.md, tests/checker/test_language.py), not a significance_language error"
    ),
    "sig-does-not-appear": (
        "'does not appear to increase' is read as the hedged wording of a null result "
        "('likely does not increase'), which the checker accepts"
    ),
}


def problems(case: dict[str, Any]) -> list[str]:
    """What the checker gets wrong on one case.

    Parameters
    ----------
    case : dict
        One record of ``paraphrases.jsonl``.

    Returns
    -------
    list of str
        One line per expected finding not reported (same kind, an allowed severity, a span
        overlapping the quote) and, on a clean case, per finding reported.
    """
    result = check_text(case["text"], case["source"])
    found = [(f.severity, f.kind, f.start, f.end) for f in result.findings]
    out = []
    for e in case["expect"]:
        start = result.text.find(e["quote"])
        end = start + len(e["quote"])
        severities = e["severity"].split("|")
        if not any(
            k == e["kind"] and s in severities and a is not None and b is not None and a < end and b > start
            for s, k, a, b in found
        ):
            out.append(f"missed {e['severity']} {e['kind']} at {e['quote']!r}")
    if not case["expect"]:
        out += [f"false {s} {k} at {result.text[a:b]!r}" for s, k, a, b in found if a is not None and b is not None]
        out += [f"false {s} {k} (no span)" for s, k, a, _b in found if a is None]
    return out


def test_the_set_is_large_and_varied() -> None:
    assert len(CASES) >= 120
    assert len({c["id"] for c in CASES}) == len(CASES)
    clean = [c for c in CASES if not c["expect"]]
    assert len(clean) >= 40
    kinds = {e["kind"] for c in CASES for e in c["expect"]}
    assert {"certainty_language", "significance_language"} <= kinds
    assert set(XFAIL) <= {c["id"] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_paraphrase(case: dict[str, Any]) -> None:
    if case["id"] in XFAIL:
        pytest.xfail(XFAIL[case["id"]])
    assert problems(case) == [], case["text"]


@pytest.mark.parametrize("case_id", sorted(XFAIL))
def test_known_failures_still_fail(case_id: str) -> None:
    """An entry of ``XFAIL`` that passes must be removed from the list."""
    case = next(c for c in CASES if c["id"] == case_id)
    assert problems(case) != [], f"{case_id} passes now: remove it from XFAIL"


def test_bare_comparatives_count_only_when_predicative() -> None:
    """ "breastfed for longer (MD ...)" states a difference; "longer follow-up", "shorter courses" and
    "followed participants for longer" describe the studies (constructed after the batch-6 fix)."""
    for text in (
        "In studies with longer follow-up, the effect was RR 0.90 (95% CI 0.75 to 1.08).",
        "Trials that followed participants for longer reported mortality (RR 0.90, 95% CI 0.75 to 1.08).",
        "Shorter courses of antibiotics (RR 0.95, 95% CI 0.80 to 1.13) were compared with standard courses.",
    ):
        assert check_text(text).findings == (), text
    result = check_text("The time to recovery was shorter with the drug (MD -0.5 days, 95% CI -1.2 to 0.2).")
    assert [(f.severity, result.text[f.start : f.end]) for f in result.findings if f.start is not None] == [
        ("error", "shorter")
    ]
