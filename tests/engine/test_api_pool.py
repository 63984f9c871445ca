"""``evisynth.pool``, the array entry point for one meta-analysis: same numbers as the engine,
and bad input refused with one clear line instead of a numpy error or a silent nan."""

import math

import numpy as np
import pytest

import evisynth
from evisynth.errors import InputError
from evisynth.models.pool import pool as engine_pool

Y = [0.1, 0.3, 0.5, 0.2, -0.1]
V = [0.02, 0.03, 0.04, 0.02, 0.05]


def test_same_numbers_as_the_engine():
    a = evisynth.pool(Y, V, method="REML", test="hksj")
    b = engine_pool(np.array(Y), np.array(V), method="REML", test="hksj")
    assert a == b
    assert isinstance(a.estimate, float) and isinstance(a.k, int) and isinstance(a.converged, bool)


@pytest.mark.parametrize(("yi", "vi", "message"), [
    ([0.1, 0.2], [0.1], r"same, non-zero length; got shapes \(2,\) and \(1,\)"),
    ([], [], "non-zero length"),
    ([[0.1, 0.2]], [[0.1, 0.2]], "1-D"),
    ([0.1, math.nan], [0.1, 0.1], r"study 1 \(0-based\) needs a finite effect .*yi=nan"),
    ([0.1, 0.2], [0.1, -0.1], r"study 1 \(0-based\) .*positive finite variance; got yi=0.2, vi=-0.1"),
    ([0.1, 0.2], [0.0, 0.1], r"study 0 \(0-based\)"),
    ([0.1, 0.2], [0.1, math.inf], r"study 1 \(0-based\)"),
])
def test_bad_input_is_refused_with_a_clear_message(yi, vi, message):
    with pytest.raises(InputError, match=message):
        evisynth.pool(yi, vi)
