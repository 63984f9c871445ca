"""Designs and reporting formats of the SYNTHETIC rTMS example's 13 trials (18 comparisons).

:mod:`evisynth.examples.rtms_calibration` draws their arm-level data and calibrates them to the
published pooled figures; ``python -m evisynth.examples.rtms_calibration`` regenerates the files
of ``evisynth/data/rtms``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from evisynth import format as fmt
from evisynth.examples.data import RTMS_DIR

SEED = 20260312
OUT = RTMS_DIR

# ----------------------------------------------------------------------------------------------
# Designs: 13 trials, 18 comparisons
# ----------------------------------------------------------------------------------------------

FREQ_TEXT = {
    "low": "1 Hz over the unaffected hemisphere",
    "high": "10 Hz over the affected hemisphere",
    "combined": "1 Hz unaffected + 10 Hz affected hemisphere",
    "theta-burst": "theta-burst stimulation",
}


@dataclass
class Comp:
    trial: str
    arm: str  # "" for two-arm trials
    frequency: str  # low / high / combined / theta-burst
    hemisphere: str  # unaffected / affected / both
    pulses: int  # per session
    sessions: int
    limb: str  # upper / lower
    control: str  # sham rTMS / conventional therapy
    n1: int
    n2: int  # whole control group (split later when shared)
    scale: str  # spasticity scale: MAS or CSS
    motor: bool
    adl: bool
    report: dict[str, str] = field(default_factory=dict)  # outcome -> how the trial reports it
    protocol: str = ""

    @property
    def label(self) -> str:
        return f"Trial {self.trial} (synthetic)" + (f": {self.arm}" if self.arm else "")

    @property
    def shared(self) -> bool:
        return bool(self.arm)


C = [
    Comp("01", "", "low", "unaffected", 1200, 10, "upper", "sham rTMS", 30, 30, "CSS", True, True),
    Comp("02", "", "low", "unaffected", 900, 10, "upper", "sham rTMS", 24, 25, "MAS", True, False,
         {"motor": "baseline_final"}),
    Comp("03", "1 Hz", "low", "unaffected", 1200, 15, "upper", "sham rTMS", 30, 30, "MAS", True, False),
    Comp("03", "10 Hz", "high", "affected", 1500, 15, "upper", "sham rTMS", 30, 30, "MAS", True, False),
    Comp("04", "", "high", "affected", 2000, 10, "lower", "conventional therapy", 20, 20, "MAS", True, True,
         {"spasticity": "median_iqr"}),
    Comp("05", "1 Hz", "low", "unaffected", 1200, 20, "upper", "sham rTMS", 22, 33, "MAS", True, False),
    Comp("05", "10 Hz", "high", "affected", 1600, 20, "upper", "sham rTMS", 22, 33, "MAS", True, False),
    Comp("05", "1 Hz + 10 Hz", "combined", "both", 2400, 20, "upper", "sham rTMS", 22, 33, "MAS", True, False),
    Comp("06", "", "low", "unaffected", 600, 10, "lower", "conventional therapy", 40, 40, "CSS", False, True,
         {"adl": "p_value"}),
    Comp("07", "", "combined", "both", 2000, 14, "upper", "sham rTMS", 30, 30, "CSS", True, True,
         {"motor": "ci"}),
    Comp("08", "iTBS", "theta-burst", "affected", 600, 10, "upper", "sham rTMS", 20, 28, "MAS", False, False,
         {"spasticity": "se"}),
    Comp("08", "cTBS", "theta-burst", "unaffected", 600, 10, "upper", "sham rTMS", 20, 28, "MAS", False, False,
         {"spasticity": "se"}),
    Comp("09", "", "low", "unaffected", 1000, 20, "lower", "conventional therapy", 38, 37, "CSS", True, True),
    Comp("10", "", "low", "unaffected", 1500, 10, "upper", "sham rTMS", 35, 36, "CSS", True, False,
         {"motor": "se"}),
    Comp("11", "1 Hz + 10 Hz", "combined", "both", 2400, 10, "lower", "conventional therapy", 28, 30, "MAS", True,
         True),
    Comp("11", "10 Hz", "high", "affected", 1200, 10, "lower", "conventional therapy", 28, 30, "MAS", False, False),
    Comp("12", "", "low", "unaffected", 800, 15, "lower", "sham rTMS", 40, 38, "CSS", False, True,
         {"spasticity": "median_iqr_range", "adl": "median_iqr_range"}),
    Comp("13", "", "combined", "both", 1800, 20, "upper", "sham rTMS", 34, 33, "CSS", True, False),
]
for c in C:
    c.protocol = FREQ_TEXT[c.frequency] if c.frequency != "theta-burst" else (
        "iTBS over the affected hemisphere" if c.arm == "iTBS" else "cTBS over the unaffected hemisphere")
    if c.frequency == "low" and c.hemisphere == "unaffected" and c.arm == "":
        c.protocol = FREQ_TEXT["low"]

assert len({c.trial for c in C}) == 13 and len(C) == 18

#: RoB 2 judgements per trial (D1 randomisation, D2 deviations, D3 missing data, D4 measurement,
#: D5 selective reporting); the overall judgement follows the RoB 2 algorithm.
ROB = {
    "01": "LLLLL", "02": "LLSLL", "03": "LLLLL", "04": "SHLSL", "05": "LLLLS", "06": "SHSSL", "07": "LLLLL",
    "08": "LLSLL", "09": "SHLSS", "10": "LLLLL", "11": "SSLHL", "12": "LLSLL", "13": "LLLLL",
}
_WORD = {"L": "low", "S": "some concerns", "H": "high"}


def rob_overall(code: str) -> str:
    if "H" in code:
        return "high"
    return "some concerns" if "S" in code else "low"


def rob_table() -> pd.DataFrame:
    rows = []
    for c in C:
        code = ROB[c.trial]
        rows.append({"study": c.label, **{f"D{j + 1}": _WORD[x] for j, x in enumerate(code)},
                     "overall": rob_overall(code)})
    return pd.DataFrame(rows)


def characteristics() -> pd.DataFrame:
    return pd.DataFrame([{
        "study": c.label, "trial": f"Trial {c.trial}", "arms_in_trial": 1 + sum(d.trial == c.trial for d in C),
        "protocol": c.protocol, "frequency": c.frequency, "hemisphere": c.hemisphere,
        "pulses_per_session": c.pulses, "sessions": c.sessions, "limb": c.limb, "control": c.control,
        "n_rtms": c.n1, "n_control_group": c.n2, "spasticity_scale": c.scale,
        "reports_motor": "yes" if c.motor else "no", "reports_adl": "yes" if c.adl else "no",
    } for c in C])


def split_n2(c: Comp) -> float:
    parts = sum(1 for d in C if d.trial == c.trial)
    return c.n2 / parts


# ----------------------------------------------------------------------------------------------
# Arm summaries and how each trial reports them
# ----------------------------------------------------------------------------------------------


@dataclass
class Arms:
    """True (unrounded) arm summaries of one outcome for one comparison."""

    comp: Comp
    loc2: float
    sd1: float
    sd2: float
    z: float  # the comparison's standardised random deviation
    extra: dict[str, float] = field(default_factory=dict)


ROUND = {"on": True}  # off while the continuous calibration runs (rounding makes it piecewise constant)


def r2(x: float) -> float:
    return float(fmt.round_half_up(float(x), 2)) if ROUND["on"] else float(x)


def r3(x: float) -> float:
    return float(fmt.round_half_up(float(x), 3)) if ROUND["on"] else float(x)


def eta(n: float) -> float:
    return 2 * float(stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25)))


def xi(n: float) -> float:
    return 2 * float(stats.norm.ppf((n - 0.375) / (n + 0.25)))


def reported_arm(how: str, loc: float, sd: float, n: float, suffix: str, *, lo_bound: float | None = None,
                 hi_bound: float | None = None, extra: dict[str, float] | None = None) -> dict[str, float]:
    """The cells a trial report would give for one arm (rounded)."""
    a = suffix
    if how in ("", "p_value"):
        return {f"m{a}": r2(loc), f"sd{a}": r2(sd)} if how == "" else {f"m{a}": r2(loc)}
    if how == "se":
        return {f"m{a}": r2(loc), f"se{a}": r3(sd / math.sqrt(n))}
    if how == "ci":
        t = stats.t.ppf(0.975, n - 1)
        return {f"ci{a}_lower": r2(loc - t * sd / math.sqrt(n)), f"ci{a}_upper": r2(loc + t * sd / math.sqrt(n))}
    if how.startswith("median"):
        skew = 0.06 * sd  # slightly right-skewed: median below the mean
        med = loc - skew
        half = sd * eta(n) / 2
        out = {f"median{a}": r2(med), f"q1_{a}": r2(med - 0.9 * half), f"q3_{a}": r2(med + 1.1 * half)}
        if how == "median_iqr_range":
            rng = sd * xi(n)
            lo, hi = med - 0.47 * rng, med + 0.53 * rng
            if lo_bound is not None:
                lo = max(lo, lo_bound)
            if hi_bound is not None:
                hi = min(hi, hi_bound)
            out.update({f"min{a}": r2(lo), f"max{a}": r2(hi)})
        return out
    if how == "baseline_final":
        r = (extra or {})["corr"]
        base_sd = sd / math.sqrt(2 - 2 * r)
        b = (extra or {})[f"base{a}"]
        return {f"m{a}_baseline": r2(b), f"m{a}_final": r2(b + loc), f"sd{a}_baseline": r2(base_sd),
                f"sd{a}_final": r2(base_sd)}
    raise ValueError(how)


def build_rows(arms: list[Arms], outcome: str, effects: np.ndarray, offsets: np.ndarray | None = None,
               *, bounds: tuple[float | None, float | None] = (None, None)) -> pd.DataFrame:
    """The study table of one outcome, given each comparison's effect (loc1 - loc2)."""
    rows = []
    for i, a in enumerate(arms):
        c = a.comp
        loc1 = a.loc2 + float(effects[i]) + (0.0 if offsets is None else offsets[i, 0] * 0.01)
        sd1 = a.sd1 + (0.0 if offsets is None else offsets[i, 1] * 0.01)
        how = c.report.get(outcome, "")
        row: dict[str, object] = {
            "study": c.label, "trial": f"Trial {c.trial}", "control_group": c.control if c.shared else "",
            "split_control": "yes" if c.shared else "", "frequency": c.frequency, "hemisphere": c.hemisphere,
            "protocol": c.protocol, "pulses": c.pulses, "pulses_1000": c.pulses / 1000, "sessions": c.sessions,
            "limb": c.limb, "control": c.control,
        }
        if outcome.startswith("spasticity"):
            row["scale"] = c.scale
        if outcome == "adl":
            row["instrument"] = "Modified Barthel Index" if c.trial in ("04", "11") else "Barthel Index"
        if outcome == "motor":
            row["instrument"] = "FMA-UE (0-66)" if c.limb == "upper" else "FMA-LE (0-34)"
        row["n1"] = c.n1
        row.update(reported_arm(how, loc1, sd1, c.n1, "1", lo_bound=bounds[0], hi_bound=bounds[1], extra=a.extra))
        row["n2"] = c.n2
        row.update(reported_arm(how, a.loc2, a.sd2, c.n2, "2", lo_bound=bounds[0], hi_bound=bounds[1], extra=a.extra))
        if how == "p_value":
            n2 = split_n2(c)
            sp = math.sqrt(((c.n1 - 1) * sd1**2 + (n2 - 1) * a.sd2**2) / (c.n1 + n2 - 2))
            t = (r2(loc1) - r2(a.loc2)) / (sp * math.sqrt(1 / c.n1 + 1 / n2))
            row["p_value"] = r3(2 * stats.t.sf(abs(t), c.n1 + n2 - 2))
        if how == "baseline_final":
            row["corr"] = a.extra["corr"]
        rows.append(row)
    df = pd.DataFrame(rows)
    order = ["study", "trial", "control_group", "split_control", "frequency", "hemisphere", "protocol", "pulses",
             "pulses_1000", "sessions", "limb", "control", "scale", "instrument",
             "n1", "m1", "sd1", "se1", "ci1_lower", "ci1_upper", "median1", "q1_1", "q3_1", "min1", "max1",
             "m1_baseline", "m1_final", "sd1_baseline", "sd1_final",
             "n2", "m2", "sd2", "se2", "ci2_lower", "ci2_upper", "median2", "q1_2", "q3_2", "min2", "max2",
             "m2_baseline", "m2_final", "sd2_baseline", "sd2_final", "corr", "p_value"]
    return df[[c for c in order if c in df.columns]]


