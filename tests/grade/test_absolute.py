"""AbsoluteEffect: risk differences per ``per`` people."""

from __future__ import annotations

import pytest

from evisynth.grade.absolute import AbsoluteEffect


def test_difference_per_1000_with_sorted_bounds():
    a = AbsoluteEffect("dichotomous", 1000, acr=0.2, risk=0.15, risk_lower=0.18, risk_upper=0.12)
    est, lo, hi = a.difference
    assert est == pytest.approx(-50.0) and lo == pytest.approx(-80.0) and hi == pytest.approx(-20.0)


def test_difference_without_risk_bounds_is_none_not_a_crash():
    # found by mypy: sorting two missing bounds raised TypeError (in ``difference`` and ``to_dict``)
    a = AbsoluteEffect("dichotomous", 1000, acr=0.2, risk=0.15)
    assert a.difference is None
    d = a.to_dict()
    assert "difference" not in d and d["risk_per"] == pytest.approx(150.0)
