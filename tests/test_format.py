"""Golden tests for the shared formatting module (RevMan conventions)."""

import pytest

from evisynth import format as fmt


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.12694218, "0.13"),
        (0.22601, "0.23"),
        (0.011338, "0.01"),
        (0.0010103, "0.001"),
        (0.0074, "0.007"),
        (0.00096, "0.001"),
        (0.000049, "0.00005"),
        (0.0000099, "< 0.00001"),
        (0.0301, "0.03"),
        (0.5, "0.50"),
        (1.0, "1.00"),
    ],
)
def test_format_p_follows_revman(p: float, text: str) -> None:
    assert fmt.format_p(p) == text


def test_p_text_prefix() -> None:
    assert fmt.p_text(1e-9) == "P < 0.00001"
    assert fmt.p_text(0.03) == "P = 0.03"


def test_a_bound_that_rounds_to_zero_has_no_sign() -> None:
    assert fmt.format_ci(-0.371, -0.0039) == "[-0.37, 0.00]"
    assert fmt.format_number(-0.0049, 2) == "0.00" and fmt.format_number(-0.00049, 3) == "0.000"
    assert fmt.format_number(-0.0, 1) == "0.0" and fmt.format_number(-0.4, 0) == "0"
    assert fmt.format_effect_ci(-0.001, -0.004, 0.002) == "0.00 [0.00, 0.00]"
    assert fmt.format_percent(-0.2) == "0%"
    assert fmt.format_number(-0.005, 2) == "-0.01"  # a value that rounds away from zero keeps its sign


def test_half_up_rounding() -> None:
    assert fmt.format_number(0.125, 2) == "0.13"
    assert fmt.format_number(-0.125, 2) == "-0.13"


def test_heterogeneity_and_overall_lines() -> None:
    assert (
        fmt.heterogeneity_text(tau2=0.0712, q=34.391, df=17, q_p=0.0074, i2=50.57)
        == "Heterogeneity: Tau² = 0.07; Chi² = 34.39, df = 17 (P = 0.007); I² = 51%"
    )
    assert fmt.heterogeneity_text(q=9.946, df=6, q_p=0.1269, i2=39.7) == (
        "Heterogeneity: Chi² = 9.95, df = 6 (P = 0.13); I² = 40%"
    )
    assert fmt.overall_effect_text(2.5812, 0.0098) == "Test for overall effect: Z = 2.58 (P = 0.01)"
    assert fmt.overall_effect_text(-3.1, 0.004, df=9) == (
        "Test for overall effect: t = 3.10, df = 9 (P = 0.004)"
    )
    assert fmt.subgroup_difference_text(4.84, 2, 0.089, 58.7) == (
        "Test for subgroup differences: Chi² = 4.84, df = 2 (P = 0.09), I² = 58.7%"
    )


def test_overall_effect_text_without_a_statistic():
    # HKSJ with identical study effects: SE = 0, the statistic is undefined (null in the JSON)
    assert fmt.overall_effect_text(None, 0.0, df=4) == "Test for overall effect: t = NA, df = 4 (P < 0.00001)"
