"""Internal consistency of each claim: estimate within its CI, P against the CI, plausibility.

Every reported number is treated as the interval of values that round to it (statcheck's
rule): ``-0.23`` stands for any value in ``[-0.235, -0.225]`` and ``P = 0.03`` for
``[0.025, 0.035]``. P is recomputed from the CI as Altman & Bland (BMJ 2011;343:d2304)
describe — SE from the CI width, z from the estimate, on the log scale for ratio measures —
over every corner of those intervals, and also from the CI's centre (so a P value that
fits the CI is accepted even when the estimate itself is slightly off). A reported P that
fits none of that range (with 10% slack for t-based intervals) is a warning; it is an
error when the two fall on opposite sides of 0.05 (a decision error) or differ more than
five-fold while both are at least 0.001.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

from evisynth import _dist
from evisynth.check.model import DIFFERENCE_MEASURES, RATIO_MEASURES, Claim, Finding, Num, Severity
from evisynth.format import format_p

ALPHA = 0.05
#: Relative slack on the recomputed P (t- rather than z-based intervals, other tests).
_SLACK = 1.1
_TINY = 1e-300


def _interval(num: Num) -> tuple[float, float]:
    return num.interval()


def _mapped(f: Callable[[float], float], pair: tuple[float, float]) -> tuple[float, float]:
    return (f(pair[0]), f(pair[1]))


def reported_p_interval(claim: Claim) -> tuple[float, float] | None:
    """The P values compatible with the reported P and its relation."""
    num = claim.num("p_value")
    if num is None:
        return None
    if claim.p_relation == "<":
        return (0.0, num.value)
    if claim.p_relation == ">":
        return (num.value, 1.0)
    lo, hi = num.interval()
    return (max(lo, 0.0), min(hi, 1.0))


def _z_range(
    est: tuple[float, float], lo: tuple[float, float], hi: tuple[float, float], crit: float, null: float
) -> tuple[float, float] | None:
    zs = []
    for e in est:
        for a in lo:
            for b in hi:
                se = (b - a) / (2.0 * crit)
                if se > 0:
                    zs.append(abs(e - null) / se)
    if not zs:
        return None
    zmin = 0.0 if est[0] <= null <= est[1] else min(zs)
    return (zmin, max(zs))


def recomputed_p_range(claim: Claim) -> tuple[float, float] | None:
    """Range of two-sided P values implied by the estimate and CI, allowing for rounding.

    ``None`` when the claim lacks the numbers or its measure has no Wald CI (I², r).
    """
    est, lo, hi = claim.num("estimate"), claim.num("ci_lower"), claim.num("ci_upper")
    if lo is None or hi is None or claim.measure in ("I2", "r") or claim.per is not None:
        return None  # an absolute effect per 1000 has a CI transformed from a ratio: not symmetric
    crit = _dist.crit_norm(claim.ci_level or 0.95)
    scales = []
    if claim.measure in RATIO_MEASURES:
        scales.append(True)
    elif claim.measure in DIFFERENCE_MEASURES:
        scales.append(False)
    elif claim.measure is None:
        scales.append(False)
        if min(lo.value, hi.value) > 0:
            scales.append(True)
    else:
        return None
    lows, highs = [], []
    for log_scale in scales:
        tf = (lambda x: math.log(max(x, _TINY))) if log_scale else (lambda x: x)
        null = 0.0
        l_int = _mapped(tf, _interval(lo))
        h_int = _mapped(tf, _interval(hi))
        centres = [((l_int[0] + h_int[0]) / 2, (l_int[1] + h_int[1]) / 2)]
        if est is not None:
            centres.append(_mapped(tf, _interval(est)))
        for e_int in centres:
            zr = _z_range(e_int, l_int, h_int, crit, null)
            if zr is not None:
                lows.append(float(_dist.two_sided_p_norm(zr[1])))
                highs.append(float(_dist.two_sided_p_norm(zr[0])))
    if not lows:
        return None
    return (min(lows), max(highs))


def statistic_p_range(claim: Claim) -> tuple[float, float] | None:
    """Range of P values implied by a reported test statistic (statcheck's recomputation)."""
    name = claim.statistic
    num = claim.num("statistic") or (claim.num("estimate") if claim.measure == name else None)
    if name is None or num is None:
        return None
    a, b = sorted(abs(x) for x in num.interval())
    if num.value != 0 and num.interval()[0] < 0 < num.interval()[1]:
        a = 0.0
    df = claim.df
    if name == "Z":
        ps = [_dist.two_sided_p_norm(x) for x in (a, b)]
    elif name == "t" and df:
        ps = [_dist.two_sided_p_t(x, df[0]) for x in (a, b)]
    elif name in ("chi2", "Q") and df:
        ps = [_dist.chi2_sf(max(x, 0.0), df[0]) for x in (a, b)]
    elif name == "F" and len(df) == 2:
        ps = [_dist.f_sf(max(x, 0.0), df[0], df[1]) for x in (a, b)]
    else:
        return None
    values = [float(p) for p in ps]
    return (min(values), max(values))


def _significance(interval: tuple[float, float], relation: str | None) -> bool | None:
    lo, hi = interval
    if relation == "<":
        return True if hi <= ALPHA else None
    if hi < ALPHA:
        return True
    if lo >= ALPHA:
        return False
    return None


def compare_p(reported: tuple[float, float], relation: str | None, recomputed: tuple[float, float]) -> str | None:
    """``None`` when compatible, else ``"decision"``, ``"gross"`` or ``"minor"``."""
    slack = _SLACK if recomputed[1] >= 0.001 else 1.0
    if reported[0] <= recomputed[1] * slack and recomputed[0] / slack <= reported[1]:
        return None
    rep_sig = _significance(reported, relation)
    rec_sig = _significance(recomputed, "=")
    if rep_sig is not None and rec_sig is not None and rep_sig != rec_sig:
        return "decision"
    near_rep = reported[0] if reported[0] > recomputed[1] else reported[1]
    near_rec = recomputed[1] if reported[0] > recomputed[1] else recomputed[0]
    if min(near_rep, near_rec) >= 0.001 and max(near_rep, near_rec) > 5 * max(min(near_rep, near_rec), _TINY):
        return "gross"
    return "minor"


def _p_words(low: float, high: float) -> str:
    mid = math.sqrt(max(low, _TINY) * max(high, _TINY))
    if format_p(low) == format_p(high):
        return f"P {format_p(mid)}" if format_p(mid).startswith("<") else f"P = {format_p(mid)}"
    return f"P between {format_p(low)} and {format_p(high)}"


_NNT_RE = re.compile(r"\bNN[TH]\w*|number\s+needed", re.I)


def check_claim(index: int, claim: Claim) -> list[Finding]:
    """All internal-consistency findings for one claim."""
    out: list[Finding] = []

    def add(severity: Severity, kind: str, message: str) -> None:
        out.append(Finding(severity, kind, claim.start, claim.end, message, index))

    est, lo, hi = claim.num("estimate"), claim.num("ci_lower"), claim.num("ci_upper")
    out.extend(_plausibility(index, claim))
    if any(f.severity == "error" for f in out):
        return out
    if lo is not None and hi is not None and lo.interval()[0] > hi.interval()[1]:
        add("error", "other", f"The lower confidence limit ({lo.text}) is above the upper limit ({hi.text}).")
        return out
    if est is not None and lo is not None and hi is not None and claim.is_result:
        e_lo, e_hi = est.interval()
        if e_hi < lo.interval()[0] or e_lo > hi.interval()[1]:
            add(
                "error",
                "estimate_outside_ci",
                f"The estimate {est.text.strip()} lies outside its confidence interval {lo.text} to {hi.text}.",
            )
            return out
        # a number needed to treat is the reciprocal of a risk difference: its CI is asymmetric by nature
        asym = None if _NNT_RE.search(claim.text) else _asymmetry(claim, est, lo, hi)
        if asym is not None and asym > (0.25 if claim.measure in RATIO_MEASURES else 0.2):
            scale = "on the log scale " if claim.measure in RATIO_MEASURES else ""
            add(
                "warning",
                "estimate_outside_ci",
                f"The estimate {est.text.strip()} is far from the centre of its CI "
                f"{lo.text} to {hi.text} {scale}"
                f"(a confidence interval from these numbers should be near-symmetric about the estimate).",
            )
    rep = reported_p_interval(claim)
    decision = _ci_decision(claim, rep)
    if decision is not None:
        add("error", "p_ci_mismatch", decision)
        return out
    if rep is not None:
        rec = recomputed_p_range(claim)
        source = "the confidence interval"
        if rec is None or (claim.statistic is not None and claim.measure == claim.statistic):  # an unlabelled result too
            rec = statistic_p_range(claim)
            source = "the test statistic"
        if rec is not None:
            verdict = compare_p(rep, claim.p_relation, rec)
            if verdict is not None:
                p_num = claim.num("p_value")
                assert p_num is not None
                said = f"P {claim.p_relation} {p_num.text.strip()}".replace("P = ", "P = ")
                message = f"{said} does not fit {source}, which gives {_p_words(*rec)}"
                if verdict == "decision":
                    message += "; they fall on opposite sides of 0.05."
                elif verdict == "gross":
                    message += "; the two differ more than five-fold."
                else:
                    message += " (a small discrepancy, allowing for rounding)."
                add("warning" if verdict == "minor" else "error", "p_ci_mismatch", message)
    return out


def _ci_decision(claim: Claim, rep: tuple[float, float] | None) -> str | None:
    """A CI that includes no effect with a significant P, or the reverse (at the CI's own level)."""
    lo, hi = claim.num("ci_lower"), claim.num("ci_upper")
    if rep is None or lo is None or hi is None:
        return None
    if claim.measure not in RATIO_MEASURES and claim.measure not in DIFFERENCE_MEASURES:
        return None
    null = 1.0 if claim.measure in RATIO_MEASURES else 0.0
    alpha = 1.0 - (claim.ci_level or 0.95)
    includes = lo.interval()[1] < null < hi.interval()[0]
    excludes = lo.interval()[0] > null or hi.interval()[1] < null
    said = f"P {claim.p_relation} {claim.num('p_value').text.strip()}"  # type: ignore[union-attr]
    level = f"{(1 - alpha) * 100:g}%"
    if includes and rep[1] < alpha:
        return (
            f"{said} says the result is statistically significant, but its {level} CI {lo.text} to {hi.text} "
            f"includes no effect ({null:g})."
        )
    if excludes and rep[0] >= alpha and _significance(rep, claim.p_relation) is False:
        return (
            f"{said} says the result is not statistically significant, but its {level} CI {lo.text} to "
            f"{hi.text} excludes no effect ({null:g})."
        )
    return None


def _asymmetry(claim: Claim, est: Num, lo: Num, hi: Num) -> float | None:
    if claim.per is not None:
        return None
    if claim.measure not in RATIO_MEASURES and claim.measure not in DIFFERENCE_MEASURES:
        return None
    if claim.measure in RATIO_MEASURES:
        if min(est.interval()[0], lo.interval()[0]) <= 0:
            return None

        def tf(x: float) -> float:
            return math.log(x)
    else:

        def tf(x: float) -> float:
            return x

    e0, e1 = (tf(x) for x in est.interval())
    l0, l1 = (tf(x) for x in lo.interval())
    h0, h1 = (tf(x) for x in hi.interval())
    mid0, mid1 = (l0 + h0) / 2, (l1 + h1) / 2
    half = (h1 - l0) / 2
    if half <= 0:
        return None
    return max(0.0, e0 - mid1, mid0 - e1) / half


def _plausibility(index: int, claim: Claim) -> list[Finding]:
    out: list[Finding] = []

    def add(severity: Severity, kind: str, message: str) -> None:
        out.append(Finding(severity, kind, claim.start, claim.end, message, index))

    values = [(k, claim.num(k)) for k in ("estimate", "ci_lower", "ci_upper")]
    present = [(k, n) for k, n in values if n is not None]
    if claim.measure == "I2":
        for _key, num in present:
            if num.value > 100 or num.value < 0:
                add(
                    "error",
                    "implausible_value",
                    f"I² must lie between 0% and 100%; the summary gives {num.text}.",
                )
                break
    elif claim.measure in RATIO_MEASURES:
        bad = [n for _k, n in present if n.value <= 0]
        if bad:
            add(
                "error",
                "implausible_value",
                f"A {claim.measure} and its confidence limits must be above zero; the summary gives {bad[0].text}.",
            )
    elif claim.measure == "SMD" and claim.estimate is not None and abs(claim.estimate) > 3:
        add(
            "error",
            "implausible_value",
            f"A standardised mean difference of {claim.num('estimate').text.strip()} is implausibly large "  # type: ignore[union-attr]
            f"(|SMD| > 3); it may be a raw mean difference labelled as an SMD.",
        )
    elif claim.measure == "r" and claim.estimate is not None and abs(claim.estimate) > 1:
        add("error", "implausible_value", "A correlation coefficient must lie between -1 and 1.")
    p = claim.num("p_value")
    if p is not None and (p.value > 1 or (p.value == 0 and claim.p_relation == "=")):
        add(
            "error",
            "implausible_value",
            f"P = {p.text.strip()} is impossible; a P value lies in (0, 1] and is never exactly 0 "
            f"(write P < 0.001 or the like).",
        )
    if claim.ci_level is not None and not 0.5 <= claim.ci_level < 1:
        add(
            "error",
            "implausible_value",
            f"A {claim.ci_level * 100:g}% confidence interval is not meaningful.",
        )
    return out


def check_heterogeneity(claims: Iterable[tuple[int, Claim]]) -> list[Finding]:
    """I² against the Q (Chi²) statistic and its df when both are in one sentence: I² = (Q − df)/Q.

    Always a warning: under REML, I² is often computed from tau² and then differs from Q.
    """
    items = list(claims)
    out: list[Finding] = []
    for i, q in items:
        if q.measure not in ("chi2", "Q") or not q.df or q.num("estimate") is None:
            continue
        for j, c in items:
            if c.measure != "I2" or c.sentence_start != q.sentence_start or c.num("estimate") is None:
                continue
            qn, i2n = q.num("estimate"), c.num("estimate")
            assert qn is not None and i2n is not None
            df = q.df[0]
            vals = [max(0.0, (x - df) / x) * 100 if x > 0 else 0.0 for x in qn.interval()]
            lo, hi = min(vals), max(vals)
            r_lo, r_hi = i2n.interval()
            gap = max(0.0, r_lo - hi, lo - r_hi)
            if gap > 1.0:
                out.append(
                    Finding(
                        "warning",
                        "other",
                        c.start,
                        c.end,
                        f"I² = {i2n.text}% does not fit Chi² = {qn.text} with df = {df:g}, which gives "
                        f"I² = {round((lo + hi) / 2)}% ((Q − df)/Q); an I² based on tau² (REML) may "
                        f"legitimately differ.",
                        j,
                    )
                )
            _ = i
    return out
