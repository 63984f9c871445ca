"""The review file's meta-regression settings (regression_method / regression_test)."""

from pathlib import Path

import pytest

import evisynth
from evisynth import format as fmt
from evisynth.errors import InputError
from evisynth.review.file import load_review
from evisynth.review.runner import run_outcome

RTMS = Path(evisynth.__file__).parent / "data" / "rtms" / "review.toml"


def test_bundled_review_meta_regression_uses_reml_with_knapp_hartung():
    review = load_review(RTMS)
    motor = next(o for o in review.outcomes if o.dose_moderator)
    assert (motor.regression_spec.method, motor.regression_spec.test) == ("REML", "hksj")
    assert (motor.analysis.method, motor.analysis.test) == ("DL", "z")  # the outcome's own analysis keeps its settings
    result = run_outcome(motor, None, review.thresholds)
    assert result.regression is not None and result.meta_regression is not None
    slope = result.meta_regression.coefficient("pulses_1000")
    # the published slope: beta = 2.46, 95% CI 0.097 to 4.81, P = 0.043
    assert fmt.format_number(slope.estimate, 2) == "2.46"
    assert fmt.format_number(slope.ci_lower, 3) == "0.097"
    assert fmt.format_number(slope.ci_upper, 2) == "4.81"
    assert fmt.format_number(slope.p_value, 3) == "0.043"


def test_unknown_regression_test_is_refused(tmp_path):
    text = RTMS.read_text(encoding="utf-8").replace('regression_test = "hksj"', 'regression_test = "knha"')
    path = tmp_path / "review.toml"
    path.write_text(text, encoding="utf-8")
    for name in ("spasticity_synthetic.csv", "spasticity_mas_synthetic.csv", "motor_synthetic.csv",
                 "adl_synthetic.csv", "rob_synthetic.csv"):
        (tmp_path / name).write_bytes((RTMS.parent / name).read_bytes())
    with pytest.raises(InputError, match="regression_test"):
        load_review(path)
