"""Result typography of real journals and text formats: what is read, what is not, and checking on it.

The sentences are written for these tests, each in the style it names (issue #16: every format
found in real texts, every minus/dash form normalised once, in one place).
"""

from __future__ import annotations

import io
import math
import re
import tokenize
from pathlib import Path

import pytest

from evisynth.check import check_text
from evisynth.check.text import make_document, normalise, repair_text

CHECK_SRC = Path(__file__).resolve().parents[2] / "src" / "evisynth" / "check"

_FIELDS = ("measure", "estimate", "ci_lower", "ci_upper", "ci_level", "p_value", "p_relation", "n_participants")


def _claims(text: str) -> list[dict]:
    return [{k: v for k, v in c.to_dict().items() if k in _FIELDS and v is not None} for c in check_text(text).claims]


def _same(got: dict, want: dict) -> bool:
    for key, value in want.items():
        if key not in got:
            return False
        if isinstance(value, float) and not math.isclose(got[key], value, rel_tol=1e-9, abs_tol=1e-12):
            return False
        if not isinstance(value, float) and got[key] != value:
            return False
    return True


def _r(measure: str | None, e: float, lo: float, hi: float, **more: object) -> dict:
    out: dict = {"measure": measure} if measure else {}
    out.update(estimate=e, ci_lower=lo, ci_upper=hi, **more)
    return out


FORMATS = [
    (
        "Lancet",
        "Relapse fell (hazard ratio 0·72, 95% CI 0·60–0·87; p=0·0006).",
        [_r("HR", 0.72, 0.60, 0.87, p_value=0.0006)],
    ),
    (
        "JAMA",
        "Scores improved (difference, −1.9 [95% CI, −3.2 to −0.6]; P = .004).",
        [_r(None, -1.9, -3.2, -0.6, p_value=0.004)],
    ),
    (
        "NEJM",
        "(hazard ratio, 0.79; 95% confidence interval [CI], 0.66 to 0.95; P=0.01)",
        [_r("HR", 0.79, 0.66, 0.95, ci_level=0.95)],
    ),
    ("Annals", "Falls were fewer (RR, 0.77 [CI, 0.62 to 0.96]).", [_r("RR", 0.77, 0.62, 0.96)]),
    ("PLoS Med", "(aOR = 1.42, 95% CI 1.10–1.83, p = 0.007)", [_r("OR", 1.42, 1.10, 1.83, p_value=0.007)]),
    (
        "BMJ",
        "(relative risk 0.81, 95% confidence interval 0.70 to 0.94), stroke (0.90, 0.75 to 1.08)",
        [_r("RR", 0.81, 0.70, 0.94), _r("RR", 0.90, 0.75, 1.08)],
    ),
    ("CrI", "(OR 0.66, 95% CrI 0.45 to 0.97)", [_r("OR", 0.66, 0.45, 0.97, ci_level=0.95)]),
    ("CI colon comma", "(RR 1.12; 95% CI: 1.01, 1.24)", [_r("RR", 1.12, 1.01, 1.24, ci_level=0.95)]),
    ("range in words", "The odds ratio was 1.31, with a 95% CI ranging from 1.05 to 1.63.", [_r("OR", 1.31, 1.05, 1.63)]),
    ("ranging", "(HR 0.91, 95% CI ranging 0.83–0.99)", [_r("HR", 0.91, 0.83, 0.99)]),
    ("confidence limits", "(risk ratio 1.20, 95% confidence limits 1.02 and 1.41)", [_r("RR", 1.20, 1.02, 1.41)]),
    (
        "P power of ten",
        "(OR 1.80, 95% CI 1.40 to 2.31; P < 10⁻⁶)",
        [_r("OR", 1.80, 1.40, 2.31, p_value=1e-6, p_relation="<")],
    ),
    (
        "P caret power",
        "(OR 1.80, 95% CI 1.40 to 2.31; P < 10^-6)",
        [_r("OR", 1.80, 1.40, 2.31, p_value=1e-6, p_relation="<")],
    ),
    (
        "RevMan table",
        "2.1 Anxiety 5 410 Std. Mean Difference (IV, Random, 95% CI) -0.33 [-0.52, -0.14]",
        [_r("SMD", -0.33, -0.52, -0.14, ci_level=0.95)],
    ),
    ("RevMan ratio", "1.4 Death 7 2210 Odds Ratio (M-H, Fixed, 95% CI) 0.88 [0.70, 1.10]", [_r("OR", 0.88, 0.70, 1.10)]),
    (
        "CI after a full stop",
        "Event-free survival: HR = 0.71. 95% CI (0.55, 0.92)",
        [_r("HR", 0.71, 0.55, 0.92, ci_level=0.95)],
    ),
    ("JAMA table row", "Difference (95% CI) −4.6 (−8.0 to −1.2)", [_r(None, -4.6, -8.0, -1.2, ci_level=0.95)]),
    ("SoF noun before per", "7 fewer admissions per 1000 (from 11 fewer to 2 more)", [_r("RD", -7.0, -11.0, 2.0)]),
    ("SoF per 1,000", "9 more per 1,000 people (from 1 more to 19 more)", [_r("RD", 9.0, 1.0, 19.0)]),
    ("SoF per 100 with CI", "2 fewer per 100 children (95% CI 4 fewer to 1 fewer)", [_r("RD", -2.0, -4.0, -1.0)]),
    ("SoF European thousands", "5 fewer per 1.000 (from 8 fewer to 1 fewer)", [_r("RD", -5.0, -8.0, -1.0)]),
    ("percentage points", "(risk difference, 4.1 percentage points [95% CI, 1.2 to 7.0])", [_r("RD", 4.1, 1.2, 7.0)]),
    ("percent", "(risk difference −2.5% [−4.0% to −1.0%])", [_r("RD", -2.5, -4.0, -1.0)]),
    ("glued label", "Undetected311 208HR=1.15 (1.02 to 1.30)", [_r("HR", 1.15, 1.02, 1.30)]),
    (
        "thin-space count",
        "(OR 0.92, 95% CI 0.85 to 0.99; 23\u2009456 participants)",
        [_r("OR", 0.92, 0.85, 0.99, n_participants=23456)],
    ),
]


@pytest.mark.parametrize(("style", "text", "want"), FORMATS, ids=[f[0] for f in FORMATS])
def test_house_styles_and_formats_are_read(style: str, text: str, want: list[dict]) -> None:
    got = _claims(text)
    for w in want:
        assert any(_same(g, w) for g in got), (style, got)


TABLES = [
    (
        "pipe with P column",
        "Outcome | Hazard ratio (95% CI) | P value |\n|---|---|---|\nDeath | 0.81 (0.69–0.95) | 0.01 |",
        [_r("HR", 0.81, 0.69, 0.95, ci_level=0.95, p_value=0.01)],
    ),
    (
        "HTML",
        "<table><tr><th>Outcome</th><th>Odds ratio (95% CI)</th><th>P value</th></tr>"
        "<tr><td>Relapse</td><td>1.35 (1.08 to 1.69)</td><td>0.009</td></tr></table>",
        [_r("OR", 1.35, 1.08, 1.69, ci_level=0.95, p_value=0.009)],
    ),
    (
        "CSV",
        "Outcome,Risk ratio (95% CI),P value\nFalls,0.77 (0.64, 0.93),0.007\nFractures,0.95 (0.80, 1.13),<0.56",
        [_r("RR", 0.77, 0.64, 0.93, p_value=0.007), _r("RR", 0.95, 0.80, 1.13, p_value=0.56, p_relation="<")],
    ),
    ("TSV", "Outcome\tMean difference (95% CI)\nPain\t-1.20 (-1.90 to -0.50)", [_r("MD", -1.20, -1.90, -0.50)]),
    (
        "SoF relative effect",
        "| Outcome | Relative effect (95% CI) | Anticipated absolute effects |\n|---|---|---|\n"
        "| Death | RR 0.86 (0.74 to 0.99) | 21 fewer per 1000 (from 40 fewer to 2 fewer) |",
        [_r("RR", 0.86, 0.74, 0.99), _r("RD", -21.0, -40.0, -2.0)],
    ),
]


@pytest.mark.parametrize(("kind", "text", "want"), TABLES, ids=[t[0] for t in TABLES])
def test_tables_under_a_measure_header_are_read(kind: str, text: str, want: list[dict]) -> None:
    got = _claims(text)
    assert len(got) == len(want), (kind, got)
    for g, w in zip(got, want, strict=True):
        assert _same(g, w), (kind, g, w)


MINUS_FORMS = {
    "hyphen-minus": "-",
    "minus sign U+2212": "\u2212",
    "hyphen U+2010": "\u2010",
    "non-breaking hyphen U+2011": "\u2011",
    "figure dash U+2012": "\u2012",
    "en dash U+2013": "\u2013",
    "em dash U+2014": "\u2014",
    "small hyphen-minus U+FE63": "\ufe63",
    "full-width hyphen-minus U+FF0D": "\uff0d",
    "&minus;": "&minus;",
    "&#8722;": "&#8722;",
}


@pytest.mark.parametrize("sign", list(MINUS_FORMS.values()), ids=list(MINUS_FORMS))
def test_every_minus_form_reads_as_a_sign(sign: str) -> None:
    (got,) = _claims(f"Pain: SMD {sign}0.52 (95% CI {sign}0.80 to {sign}0.24)")
    assert _same(got, _r("SMD", -0.52, -0.80, -0.24))
    (spaced,) = _claims(f"Pain: MD = {sign} 0.52 (95% CI {sign} 0.80 to {sign} 0.24)")
    assert _same(spaced, _r("MD", -0.52, -0.80, -0.24))


@pytest.mark.parametrize("dash", ["-", "\u2013", "\u2014", "\u2012", " \u2013 ", "\u2013\u2009"])
def test_every_dash_between_limits_reads_as_a_range(dash: str) -> None:
    (got,) = _claims(f"(OR 1.44, 95% CI 1.10{dash}1.88)")
    assert _same(got, _r("OR", 1.44, 1.10, 1.88))


_MINUS_FORM_RE = re.compile("[\u2212\u2012\u2011\u2010\ufe63\uff0d\u207b]|\\\\u(?:2212|2012|2011|2010|fe63|ff0d|207b)")


def _mapped_minus_forms(path: Path) -> list[str]:
    """Minus forms a module matches or maps: in a raw (pattern) string, or the first argument of
    ``replace`` or ``maketrans``; docstrings, comments and messages only quote them."""
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    found = []
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.STRING or not _MINUS_FORM_RE.search(tok.string):
            continue
        raw = tok.string.lstrip("bBfFuU")[:1] in "rR"
        called = i >= 2 and tokens[i - 1].string == "(" and tokens[i - 2].string in ("replace", "maketrans")
        if raw or called:
            found.append(f"{path.name}:{tok.start[0]}")
    return found


def test_minus_and_dash_forms_are_mapped_only_in_the_text_module() -> None:
    """One place decides signs and dashes: every other checker module reads the normalised text."""
    offenders = [hit for p in sorted(CHECK_SRC.glob("*.py")) if p.name != "text.py" for hit in _mapped_minus_forms(p)]
    assert offenders == []
    assert "\\u2212" in (CHECK_SRC / "text.py").read_text(encoding="utf-8")


def test_html_tags_and_references_inside_numbers() -> None:
    got = _claims("<p>Sleep: MD <span>&minus;0</span>.<b>35</b> (95%&nbsp;CI &#x2212;0.61&ndash;&minus;0.09)</p>")
    assert len(got) == 1 and _same(got[0], _r("MD", -0.35, -0.61, -0.09, ci_level=0.95))


def test_pdf_text_is_repaired() -> None:
    text = (
        "The standardised mean diﬀerence was −\n0.52 (95% conﬁdence interval −0.80\nto −0.24); "
        "the odds ra-\ntio 1.4 (95% CI 1.1–\n1.8)."
    )
    got = _claims(text)
    assert _same(got[0], _r("SMD", -0.52, -0.80, -0.24, ci_level=0.95))
    assert _same(got[1], _r("OR", 1.4, 1.1, 1.8, ci_level=0.95))
    assert repair_text("signi-\nficantly ﬁtter") == "significantly fitter"
    assert repair_text("sig\u00adnificant") == "significant"
    assert repair_text("COVID-\n19 and 5-\n10") == "COVID-\n19 and 5-\n10"  # only a word broken between letters


def test_sign_left_at_a_line_end_keeps_offsets() -> None:
    raw = "MD \u2212\n0.41"
    assert len(normalise(raw)) == len(raw)
    assert normalise(raw) == "MD  -0.41"


NON_CLAIMS = [
    "Trials enrolled adults aged 18 to 65 years.",
    "Doses ranged from 0.5 mg to 1 mg daily.",
    "Studies were published from 2000 to 2010 (search 2000–2021).",
    "Follow-up was 6 to 12 months (median 9).",
    "The review was last updated on 12 March 2021.",
    "Doses of 0.5–1.0 mg/kg were used.",
    "Tables 2–4 and figures 1 to 3 show the data.",
    "Women aged 40–65 years (mean 52, SD 6) took part.",
    "Sessions lasted 30 to 45 minutes, three times a week.",
    "Baseline pain was 6.1 to 7.3 points on a 0–10 scale.",
]


@pytest.mark.parametrize("text", NON_CLAIMS)
def test_non_claims_give_no_claims(text: str) -> None:
    assert _claims(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("We included 14 trials (n = 1,234).", "n_participants", 1234),
        ("In all, 12\u2009345 participants were randomised.", "n_participants", 12345),
        ("Studies enrolled 50 to 200 participants (median 120).", None, None),
        ("Risk fell by 12 per 1000 patients treated.", None, None),
    ],
)
def test_counts_are_counts_not_estimates(text: str, kind: str | None, value: int | None) -> None:
    claims = check_text(text).claims
    assert all(c.estimate is None and c.ci_lower is None for c in claims)
    if kind is None:
        assert claims == () or all(c.n_participants is None for c in claims)
    else:
        assert [getattr(c, kind) for c in claims if getattr(c, kind) is not None] == [value]


def test_heterogeneity_is_not_an_estimate_with_a_ci() -> None:
    claims = check_text("Heterogeneity was moderate (I² = 45%; Tau² = 0.02).").claims
    assert [(c.measure, c.estimate, c.ci_lower) for c in claims] == [("I2", 45.0, None)]
    both = check_text("(SMD −0.30, 95% CI −0.50 to −0.10; I² = 45%)").claims
    assert [(c.measure, c.ci_lower) for c in both] == [("SMD", -0.50), ("I2", None)]


@pytest.mark.parametrize(
    "text",
    [
        "Scores improved (difference, −1.9 [95% CI, −3.2 to −0.6]; P = .40).",
        "Relapse fell (hazard ratio 0·72, 95% CI 0·60–0·87; p=0·30).",
        "(OR 1.10, 95% CI 0.90 to 1.35; P < 10⁻⁵)",
        "Outcome,Hazard ratio (95% CI),P value\nDeath,0.81 (0.69–0.95),0.40",
        "Outcome | Hazard ratio (95% CI) | P value |\n|---|---|---|\nDeath | 0.81 (0.69–0.95) | 0.40 |",
        "1.4 Death 7 2210 Odds Ratio (M-H, Fixed, 95% CI) 0.70 [0.56, 0.88], P = 0.60",
        "Event-free survival: HR = 0.71. 95% CI (0.55, 0.92), P = 0.50",
        "Difference (95% CI) −4.6 (−8.0 to −1.2); P = .45",
        "MD \u20110.41 (95% CI \u20110.70 to \u20110.12; P = 0.40)",
        "(risk ratio 1.20, 95% confidence limits 1.02 and 1.41; P = 0.60)",
    ],
)
def test_p_is_recomputed_from_the_ci_in_new_formats(text: str) -> None:
    assert "p_ci_mismatch" in {f.kind for f in check_text(text).findings}


@pytest.mark.parametrize(
    "text",
    [
        "Scores improved (difference, −1.9 [95% CI, −3.2 to −0.6]; P = .004).",
        "Relapse fell (hazard ratio 0·72, 95% CI 0·60–0·87; p=0·0006).",
        "Outcome,Hazard ratio (95% CI),P value\nDeath,0.81 (0.69–0.95),0.01",
    ],
)
def test_consistent_p_in_new_formats_gives_no_finding(text: str) -> None:
    assert "p_ci_mismatch" not in {f.kind for f in check_text(text).findings}


SOURCE = "Pain fell with yoga (MD = − 0.41, 95% CI − 0.70 to − 0.12; 6 studies, 640 participants)."


@pytest.mark.parametrize(
    "summary",
    [
        "Pain fell with yoga (MD = -0.41, 95% CI -0.70 to -0.12).",
        "Pain fell with yoga (MD −0.41, 95% CI −0.70 to −0.12).",
        "Pain fell with yoga (MD = \u2011 0.41, 95% CI \u2011 0.70 to \u2011 0.12).",
        "<p>Pain fell with yoga (MD &minus;0.41, 95% CI &minus;0.70 to &minus;0.12).</p>",
    ],
)
def test_a_summary_matches_its_source_whatever_the_minus(summary: str) -> None:
    kinds = {f.kind for f in check_text(summary, source=SOURCE).findings}
    assert not kinds & {"not_in_source", "direction_mismatch", "measure_mismatch"}


def test_a_lost_minus_is_still_caught_against_the_source() -> None:
    kinds = {f.kind for f in check_text("Pain fell with yoga (MD = 0.41, 95% CI 0.12 to 0.70).", source=SOURCE).findings}
    assert "direction_mismatch" in kinds


def test_offsets_point_into_the_repaired_plain_text() -> None:
    result = check_text("The odds ra-\ntio was 1.4 (95% conﬁdence interval 1.1 to 1.8).")
    (claim,) = result.claims
    assert result.text[claim.start : claim.end] == claim.text
    assert "confidence" in result.text and "ratio" in result.text
    doc = make_document("| A | Odds ratio (95% CI) |\n|---|---|\n| x | 1.4 (1.1 to 1.8) |")
    assert len(doc.plain) == len(doc.norm)


def test_prose_with_commas_is_not_a_csv_header() -> None:
    text = (
        "Mortality fell, RR 0.84 (95% CI 0.71 to 0.99), in the same trials.\n"
        "Stroke, 0.90 (0.75 to 1.08), was rare."
    )
    measures = [c.measure for c in check_text(text).claims]
    assert measures[0] == "RR" and "RR" not in measures[1:]
