"""Internal consistency: estimate and CI, P recomputed from the CI (Altman & Bland), statistics."""

from __future__ import annotations

import pytest

from evisynth.check import check_text
from evisynth.check.consistency import compare_p, recomputed_p_range, statistic_p_range


def _claim(text: str):  # type: ignore[no-untyped-def]
    return check_text(text).claims[0]


def test_altman_bland_for_a_difference() -> None:
    # SE = (-0.02 - -0.43) / 3.92 = 0.1046; z = 0.23 / 0.1046 = 2.20; P = 0.028
    low, high = recomputed_p_range(_claim("MD -0.23 (95% CI -0.43 to -0.02)"))
    assert low < 0.028 < high
    assert 0.015 < low and high < 0.045


def test_altman_bland_for_a_ratio_uses_the_log_scale() -> None:
    # ln 0.82 = -0.198; SE = (ln 0.95 - ln 0.71)/3.92 = 0.0743; z = 2.67; P = 0.0076
    low, high = recomputed_p_range(_claim("RR 0.82 (0.71 to 0.95)"))
    assert low < 0.0076 < high
    assert high < 0.02


def test_ninety_percent_ci_uses_1_645() -> None:
    # SE = 3.8 / 3.29 = 1.155; z = 1.73; P = 0.083
    low, high = recomputed_p_range(_claim("MD 2.0 (90% CI 0.1 to 3.9)"))
    assert low < 0.083 < high


def test_statcheck_style_statistics() -> None:
    z = statistic_p_range(_claim("Z = 2.58 (P = 0.01)"))
    assert z is not None and z[0] < 0.00988 < z[1]
    chi = statistic_p_range(_claim("Chi² = 34.39, df = 17 (P = 0.007)"))
    assert chi is not None and chi[0] < 0.00747 < chi[1]
    t = statistic_p_range(_claim("t(24) = 2.31, p = .03"))
    assert t is not None and t[0] < 0.0298 < t[1]


@pytest.mark.parametrize(
    ("reported", "relation", "recomputed", "verdict"),
    [
        ((0.025, 0.035), "=", (0.026, 0.031), None),
        ((0.25, 0.35), "=", (0.026, 0.031), "decision"),
        ((0.0025, 0.0035), "=", (0.026, 0.031), "gross"),
        ((0.035, 0.045), "=", (0.006, 0.009), "minor"),
        ((0.0, 0.00001), "<", (1e-9, 3e-9), None),
        ((0.05, 1.0), ">", (0.2, 0.3), None),
    ],
)
def test_compare_p(reported, relation, recomputed, verdict) -> None:  # type: ignore[no-untyped-def]
    assert compare_p(reported, relation, recomputed) == verdict


@pytest.mark.parametrize(
    ("text", "kind", "severity"),
    [
        ("MD = -0.23, 95% CI -0.43 to -0.02, P = 0.30", "p_ci_mismatch", "error"),
        ("MD = -0.23, 95% CI -0.43 to 0.02, P = 0.03", "p_ci_mismatch", "error"),
        ("RR 0.82 (0.71–0.95), P = 0.04", "p_ci_mismatch", "warning"),
        ("MD = 0.23, 95% CI -0.43 to -0.02", "estimate_outside_ci", "error"),
        ("MD = -0.40, 95% CI -0.43 to -0.02", "estimate_outside_ci", "warning"),
        ("MD = -0.23, 95% CI -0.02 to -0.43", "other", "error"),
        ("SMD 3.6 (95% CI 2.9 to 4.3)", "implausible_value", "error"),
        ("I² = 101%", "implausible_value", "error"),
        ("RR 0.82 (95% CI 0 to 1.9)", "implausible_value", "error"),
        ("OR 0.82 (95% CI -0.71 to 0.95)", "implausible_value", "error"),
        ("r = 1.3, p = .01", "implausible_value", "error"),
        ("p = 0.000", "implausible_value", "error"),
        ("Chi² = 34.39, df = 17 (P = 0.07)", "p_ci_mismatch", "error"),
        ("Chi² = 34.39, df = 17 (P = 0.007); I² = 81%", "other", "warning"),
    ],
)
def test_inconsistencies_are_found(text: str, kind: str, severity: str) -> None:
    findings = check_text(text).findings
    assert [(f.kind, f.severity) for f in findings] == [(kind, severity)]
    assert findings[0].claim is not None


@pytest.mark.parametrize(
    "text",
    [
        "MD = -0.23, 95% CI -0.43 to -0.02, P = 0.03",
        "MD = 2.46, 95% CI 1.54 to 3.38, P < 0.00001",
        "SMD = 0.31, 95% CI -0.06 to 0.67, P = 0.10",
        "beta = 2.46, 95% CI 0.097 to 4.81, P = 0.043",
        "OR, 0.82; 95% CI, 0.71-0.95; P = .01",
        "HR 0·82, 95% CI 0·71–0·95; p=0·0060",
        "MD 0.00 (95% CI -0.20 to 0.20), P = 1.00",
        "RR 1.00 (0.80 to 1.25), P > 0.05",
        "P = 0.05 with MD 0.39 (95% CI 0.00 to 0.78)",
    ],
)
def test_consistent_reports_pass(text: str) -> None:
    assert check_text(text).findings == ()
