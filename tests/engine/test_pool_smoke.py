"""BCG vaccine trials (Colditz et al. 1994; metafor's dat.bcg), log risk ratios.

Reference values: metafor 3.8.1, rma(yi, vi, method=m, control=list(threshold=1e-12)),
confint(..., control=list(tol=1e-13)), predict(..., pi.type="riley").
"""

import numpy as np
import pytest

from evisynth.models.pool import pool

TPOS = [4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27]
TNEG = [119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886]
CPOS = [11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29]
CNEG = [128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825]


@pytest.fixture
def bcg() -> tuple[np.ndarray, np.ndarray]:
    a, b, c, d = (np.asarray(x, float) for x in (TPOS, TNEG, CPOS, CNEG))
    yi = np.log((a / (a + b)) / (c / (c + d)))
    vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return yi, vi


REF = {  # method: tau2, se(tau2), mu, se(mu), I2, pi_t lower
    "DL": (0.308760262862, 0.229869992511, -0.714117222073, 0.178742089535, 92.1173468546, -1.9988384958),
    "HE": (0.328563857996, 0.207087178299, -0.715878588759, 0.183279985989, 92.5570974066, -2.0404171419),
    "HS": (0.228362863677, 0.127904556613, -0.704535373916, 0.158652093057, 89.6299666641, -1.8127775197),
    "SJ": (0.345515701599, 0.149680511347, -0.717248592558, 0.187059458416, 92.8963240955, -2.0749316765),
    "ML": (0.280028137269, 0.144251949383, -0.711199135474, 0.171896808777, 91.3782837894, -1.9358187541),
    "REML": (0.313243258136, 0.166425752837, -0.714532342158, 0.179781516105, 92.2213845213, -2.0083759069),
    "PM": (0.318068452205, 0.173663027463, -0.714968153493, 0.180892191538, 92.3303379542, -2.0185580542),
    "EB": (0.318068452205, 0.173663027463, -0.714968153493, 0.180892191538, 92.3303379542, -2.0185580542),
}


@pytest.mark.parametrize("method", sorted(REF))
def test_bcg_matches_metafor(bcg, method):
    r = pool(*bcg, method=method)
    tau2, tau2_se, mu, se, i2, pit = REF[method]
    assert r.tau2 == pytest.approx(tau2, abs=1e-9)
    assert r.tau2_se == pytest.approx(tau2_se, abs=1e-9)
    assert r.estimate == pytest.approx(mu, abs=1e-9)
    assert r.se == pytest.approx(se, abs=1e-9)
    assert r.i2 == pytest.approx(i2, abs=1e-7)
    assert r.pi_lower_t == pytest.approx(pit, abs=1e-9)
    assert r.tau2_ci_lower == pytest.approx(0.1197183611, abs=1e-9)
    assert r.tau2_ci_upper == pytest.approx(1.1114790841, abs=1e-9)


def test_bcg_hksj_matches_metafor(bcg):
    r = pool(*bcg, method="REML", test="hksj")
    assert r.se == pytest.approx(0.180791744093, abs=1e-10)
    assert r.p_value == pytest.approx(0.00192001509606, rel=1e-8)
    assert (r.ci_lower, r.ci_upper) == pytest.approx((-1.1084437137, -0.3206209706), abs=1e-9)
    assert (r.pi_lower, r.pi_upper) == pytest.approx((-1.9960168342, 0.5669521499), abs=1e-9)
