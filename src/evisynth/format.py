"""The one place that decides how numbers are rounded and printed.

Printed results, reports, plots and the accuracy checker all call these functions, so a
number is written the same way everywhere. The conventions follow RevMan:

* effects and confidence limits with two decimals (``-0.23 [-0.43, -0.02]``); a number that
  rounds to zero is written without a sign (``0.00``, never ``-0.00``);
* P values with two decimals from 0.01 up, one significant digit below 0.01
  (``0.007``, ``0.0004``) and ``P < 0.00001`` below that floor;
* I² as a whole percent in heterogeneity lines, with one decimal in the test for
  subgroup differences; Chi², Z, t and Tau² with two decimals.

Examples
--------
>>> format_p(0.0301)
'0.03'
>>> p_text(3.2e-9)
'P < 0.00001'
>>> format_ci(-0.431, -0.0239)
'[-0.43, -0.02]'
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

P_FLOOR = 0.00001
#: Numbers this large are written in scientific notation.
SCIENTIFIC = 1e15
#: Decimal digits for rounding: enough for the largest double (309 digits) with 40 decimals.
_PREC = 360


def _is_missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def round_half_up(x: float, decimals: int) -> float:
    """Round ``x`` to ``decimals`` places, halves away from zero (as people round by hand).

    Exact for every finite double (up to 1.8e308); infinities and NaN are returned as they are.

    >>> round_half_up(2.675, 2), round_half_up(-0.125, 2), round_half_up(1e300, 2) == 1e300
    (2.68, -0.13, True)
    """
    x = float(x)
    if not math.isfinite(x):
        return x
    q = Decimal(1).scaleb(-decimals)
    with localcontext(Context(prec=_PREC)):  # the default 28 digits cannot hold 1e300 to two decimals
        return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


def format_number(x: float | None, decimals: int = 2) -> str:
    """Format a number with a fixed number of decimals; ``NA`` when undefined.

    A value that rounds to zero prints as ``0.00``, never ``-0.00`` (a bound of -0.0039 is
    written ``0.00``: the sign of a rounded zero carries no information and reads as a typo).

    Magnitudes of :data:`SCIENTIFIC` and above (nothing a trial reports, but data in odd units
    can get there) are written in scientific notation with three significant digits.

    >>> format_number(-0.0039), format_number(-0.005), format_number(2.0, 0), format_number(2.1e120)
    ('0.00', '-0.01', '2', '2.10e+120')
    """
    if _is_missing(x):
        return "NA"
    assert x is not None
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    if abs(x) >= SCIENTIFIC:
        return f"{x:.2e}"
    value = round_half_up(x, decimals)
    if value == 0:
        value = 0.0  # drop the sign of a negative zero
    return f"{value:.{decimals}f}"


def format_estimate(x: float | None, decimals: int = 2) -> str:
    """Format an effect estimate (two decimals by default)."""
    return format_number(x, decimals)


def format_ci(lower: float | None, upper: float | None, decimals: int = 2) -> str:
    """Format a confidence interval the RevMan way: ``[lower, upper]``."""
    return f"[{format_number(lower, decimals)}, {format_number(upper, decimals)}]"


def format_effect_ci(
    estimate: float | None, lower: float | None, upper: float | None, decimals: int = 2
) -> str:
    """Format ``estimate [lower, upper]`` as in a forest-plot row."""
    return f"{format_number(estimate, decimals)} {format_ci(lower, upper, decimals)}"


def format_p(p: float | None) -> str:
    """Format a P value without its ``P`` prefix; below the floor returns ``< 0.00001``."""
    if _is_missing(p):
        return "NA"
    assert p is not None
    if p < P_FLOOR:
        return "< 0.00001"
    if p >= 0.0095:  # rounds to 0.01 or more at two decimals
        return format_number(p, 2)
    exponent = math.floor(math.log10(p))
    decimals = -exponent
    rounded = round_half_up(p, decimals)
    if rounded >= 10.0 ** (exponent + 1):  # 0.00096 -> 0.001
        decimals -= 1
        rounded = round_half_up(p, decimals)
    return f"{rounded:.{decimals}f}"


def p_text(p: float | None) -> str:
    """``P = 0.03`` or ``P < 0.00001``."""
    body = format_p(p)
    return f"P {body}" if body.startswith("<") else f"P = {body}"


def format_percent(x: float | None, decimals: int = 0) -> str:
    """A percentage such as I² (``51%``)."""
    if _is_missing(x):
        return "NA"
    return f"{format_number(x, decimals)}%"


def format_count(n: float | None) -> str:
    """A count without decimals."""
    if _is_missing(n):
        return "NA"
    assert n is not None
    return str(round(n))


def heterogeneity_text(
    *,
    q: float | None,
    df: int | None,
    q_p: float | None,
    i2: float | None,
    tau2: float | None = None,
) -> str:
    """RevMan's heterogeneity line.

    >>> heterogeneity_text(tau2=0.0712, q=34.391, df=17, q_p=0.0074, i2=50.57)
    'Heterogeneity: Tau² = 0.07; Chi² = 34.39, df = 17 (P = 0.007); I² = 51%'
    """
    prefix = "" if tau2 is None else f"Tau² = {format_number(tau2, 2)}; "
    return (
        f"Heterogeneity: {prefix}Chi² = {format_number(q, 2)}, df = {df} "
        f"({p_text(q_p)}); I² = {format_percent(i2)}"
    )


def overall_effect_text(statistic: float | None, p_value: float | None, df: float | None = None) -> str:
    """RevMan's test for the overall effect (``Z`` for normal tests, ``t`` with its df).

    >>> overall_effect_text(2.5812, 0.0098)
    'Test for overall effect: Z = 2.58 (P = 0.01)'
    """
    stat = None if statistic is None else abs(statistic)  # None when SE = 0 (identical study effects)
    if df is None:
        return f"Test for overall effect: Z = {format_number(stat, 2)} ({p_text(p_value)})"
    return (
        f"Test for overall effect: t = {format_number(stat, 2)}, "
        f"df = {format_count(df)} ({p_text(p_value)})"
    )


def subgroup_difference_text(q: float | None, df: int | None, p: float | None, i2: float | None) -> str:
    """RevMan's test for subgroup differences (I² with one decimal)."""
    if q is None or df is None:
        return "Test for subgroup differences: Not applicable"
    return (
        f"Test for subgroup differences: Chi² = {format_number(q, 2)}, df = {df} "
        f"({p_text(p)}), I² = {format_percent(i2, 1)}"
    )


# --------------------------------------------------------------------------- summary-of-findings helpers
def format_int(x: float | None) -> str:
    """A whole number rounded half away from zero (``62.5`` → ``63``), never ``-0``."""
    if _is_missing(x):
        return "NA"
    assert x is not None
    value = int(round_half_up(x, 0))
    return str(abs(value)) if value == 0 else str(value)


def format_range(lower: float | None, upper: float | None, decimals: int = 2) -> str:
    """A confidence interval in prose: ``0.47 to 0.88``."""
    return f"{format_number(lower, decimals)} to {format_number(upper, decimals)}"


def format_per(risk: float | None, per: int = 1000) -> str:
    """A risk as a natural frequency: ``175 per 1000``."""
    if _is_missing(risk):
        return "NA"
    assert risk is not None
    return f"{format_int(risk * per)} per {per}"


def _fewer_more(x: float) -> str:
    n = int(round_half_up(x, 0))
    return f"{abs(n)} {'fewer' if x < 0 else 'more'}"


def format_risk_difference(diff: float, lower: float, upper: float, per: int = 1000) -> str:
    """GRADEpro's absolute effect: ``62 fewer per 1000 (from 92 fewer to 21 fewer)``.

    >>> format_risk_difference(-62.15, -92.3, 20.96)
    '62 fewer per 1000 (from 92 fewer to 21 more)'
    """
    return f"{_fewer_more(diff)} per {per} (from {_fewer_more(lower)} to {_fewer_more(upper)})"


def _lower_higher(x: float, decimals: int) -> str:
    return f"{format_number(abs(x), decimals)} {'lower' if x < 0 else 'higher'}"


def format_difference_words(estimate: float, lower: float, upper: float, *, label: str = "MD",
                            units: str | None = None, decimals: int = 2) -> str:
    """GRADEpro's continuous effect: ``MD 0.30 points lower (0.52 lower to 0.08 lower)``.

    >>> format_difference_words(-0.2912, -0.5633, -0.0191, label="SMD")
    'SMD 0.29 lower (0.56 lower to 0.02 lower)'
    """
    unit = f" {units}" if units else ""
    return (f"{label} {format_number(abs(estimate), decimals)}{unit} {'lower' if estimate < 0 else 'higher'} "
            f"({_lower_higher(lower, decimals)} to {_lower_higher(upper, decimals)})")


def format_ci_to(lower: float | None, upper: float | None, decimals: int = 2) -> str:
    """A confidence interval in running text: ``-0.43 to -0.02``.

    >>> format_ci_to(-0.431, -0.0239)
    '-0.43 to -0.02'
    """
    return f"{format_number(lower, decimals)} to {format_number(upper, decimals)}"


def format_entered(x: float | None, decimals: int | None) -> str:
    """A study-level value with the decimals it was entered with (``14.0`` stays ``14.0``).

    Without ``decimals`` it falls back to :func:`format_data_value`.

    >>> format_entered(14.0, 1), format_entered(2.04, 2), format_entered(20.0, 0), format_entered(0.5, None)
    ('14.0', '2.04', '20', '0.5')
    """
    if _is_missing(x):
        return ""
    if decimals is None:
        return format_data_value(x)
    return format_number(x, decimals)


def format_data_value(x: float | None) -> str:
    """A study-level input value (mean, SD, count) as entered: no trailing zeros, at most 4 decimals.

    >>> format_data_value(20.0), format_data_value(1.35), format_data_value(0.123456)
    ('20', '1.35', '0.1235')
    """
    if _is_missing(x):
        return ""
    assert x is not None
    if float(x).is_integer():
        return str(int(x))
    text = format_number(x, 4).rstrip("0").rstrip(".")
    return text


def sentence(text: str) -> str:
    """``text`` ended by one full stop: text that already ends a sentence keeps its own mark.

    >>> sentence("wide CI"), sentence("Most weight from high-risk trials. "), sentence("why?")
    ('wide CI.', 'Most weight from high-risk trials.', 'why?')
    """
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."
