"""Property-based tests: any correctly computed and rounded result, in any format, passes.

Results are generated from an estimate and a standard error, printed with the shared
formatting module's rounding (two decimals, RevMan P values) in one of many layouts, and
must be extracted exactly and draw no error. Flipping the P value across 0.05 far enough
must draw one.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from evisynth import _dist
from evisynth.check import check_text
from evisynth.format import format_number, format_p

MINUS = ["-", "\u2212", "\u2013"]
LAYOUTS = [
    "{m} = {e}, 95% CI {lo} to {hi}, {p}",
    "({m} {e}, 95% CI [{lo}, {hi}], {p})",
    "{m} {e} (95% CI {lo}\u2013{hi}; {p})",
    "{m}, {e}; 95% CI, {lo} to {hi}; {p}",
    "<p>{m} {e} (95%&nbsp;CI {lo} to {hi}), {p}</p>",
    "{m} {e} ({lo} to {hi}); {p}",
]


def _sign(text: str, minus: str) -> str:
    return text.replace("-", minus)


@st.composite
def results(draw: st.DrawFn) -> tuple[str, str, float, float, float, float]:
    ratio = draw(st.booleans())
    measure = draw(st.sampled_from(["OR", "RR", "HR"] if ratio else ["MD", "SMD", "beta"]))
    est = draw(st.floats(-2.5, 2.5) if not ratio else st.floats(-1.5, 1.5))
    se = draw(st.floats(0.05, 1.0))
    lo, hi = est - 1.959964 * se, est + 1.959964 * se
    p = float(_dist.two_sided_p_norm(est / se))
    if ratio:
        est, lo, hi = math.exp(est), math.exp(lo), math.exp(hi)
    layout = draw(st.sampled_from(LAYOUTS))
    minus = draw(st.sampled_from(MINUS if "\u2013" not in layout and "to" in layout else MINUS[:2]))
    p_word = draw(st.sampled_from(["P", "p"]))
    body = format_p(p)
    p_text = f"{p_word} {body}" if body.startswith("<") else f"{p_word} = {body}"
    text = layout.format(
        m=measure,
        e=_sign(format_number(est), minus),
        lo=_sign(format_number(lo), minus),
        hi=_sign(format_number(hi), minus),
        p=p_text,
    )
    return text, measure, est, lo, hi, p


@settings(max_examples=150, deadline=None)
@given(results())
def test_correct_results_are_extracted_and_pass(case: tuple[str, str, float, float, float, float]) -> None:
    text, measure, est, lo, hi, _p = case
    result = check_text(text)
    assert len(result.claims) == 1, text
    claim = result.claims[0]
    assert claim.measure == measure
    assert claim.estimate == float(format_number(est))
    assert (claim.ci_lower, claim.ci_upper) == (float(format_number(lo)), float(format_number(hi)))
    assert result.ok, (text, [f.message for f in result.errors])
    if float(format_number(lo)) not in (0.0, 1.0) and float(format_number(hi)) not in (0.0, 1.0):
        assert not [f for f in result.findings if f.kind == "p_ci_mismatch"], text


@settings(max_examples=100, deadline=None)
@given(st.floats(0.3, 2.0), st.floats(0.05, 0.3))
def test_decision_errors_are_caught(est: float, se: float) -> None:
    lo, hi = est - 1.959964 * se, est + 1.959964 * se
    p = float(_dist.two_sided_p_norm(est / se))
    wrong = 0.30 if p < 0.05 else 0.001
    ci = f"95% CI {format_number(lo)} to {format_number(hi)}"
    text = f"MD {format_number(est)} ({ci}), P = {format_p(wrong)}"
    if p < 0.01 or p > 0.2:  # clearly on one side
        findings = check_text(text).findings
        assert any(f.kind == "p_ci_mismatch" and f.severity == "error" for f in findings), text


_PIECES = st.sampled_from(
    [
        "MD",
        "SMD",
        "OR",
        "RR",
        "HR",
        "I²",
        "P",
        "p",
        "=",
        "<",
        ">",
        "95% CI",
        "CI",
        "(",
        ")",
        "[",
        "]",
        ",",
        ";",
        ".",
        " to ",
        "–",
        "−",
        "-",
        " ",
        "0.",
        "1",
        "2",
        "05",
        ".03",
        "0·5",
        "studies",
        "participants",
        "n =",
        "<b>",
        "</b>",
        "<p>",
        "&minus;",
        "significant",
        "not",
        "reduced",
        "even greater",
        "\n",
        "χ²(2)",
        "t(9)",
        "df",
        "ns",
        "×",
        "10",
        "⁻⁵",
        "%",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40), st.sampled_from([None, "low", "high"]))
def test_arbitrary_text_never_crashes(pieces: list[str], certainty: str | None) -> None:
    text = "".join(pieces)
    result = check_text(text, text, certainty)
    for f in result.findings:
        assert f.start is None or 0 <= f.start <= f.end <= len(result.text)
    for claim in result.claims:
        assert result.text[claim.start : claim.end] == claim.text
