"""Per-row derivations of the study-table reader: one arm's mean and SD, a pooled SD, a merged second group.

Called by :func:`evisynth.io.derive.derive_frame` for each row; see :mod:`evisynth.io.derive` for the
columns and :mod:`evisynth.io.conversions` for the formulas. ``val(name, i)`` reads a value (NaN when
empty), ``put(name, i, x)`` writes a derived one and ``notes`` collects what was done.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from evisynth.errors import InputError
from evisynth.io import conversions as cv


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _nan(x: float) -> bool:
    return math.isnan(x)


def _level_of(level: np.ndarray | None, i: int) -> float:
    if level is None or math.isnan(level[i]):
        return 0.95
    x = float(level[i])
    return x / 100 if x > 1 else x


def _derive_arm(a: str, i: int, val: Any, put: Any, notes: list[str], level: np.ndarray | None, binary: bool) -> None:
    if binary:
        return
    n = val(f"n{a}", i)
    m, sd = val(f"m{a}", i), val(f"sd{a}", i)
    if not _nan(sd) and not _nan(m):
        return
    has = {name: not _nan(val(name, i)) for name in (f"se{a}", f"ci{a}_lower", f"ci{a}_upper", f"median{a}",
                                                       f"q1_{a}", f"q3_{a}", f"min{a}", f"max{a}",
                                                       f"sd{a}_baseline", f"sd{a}_final")}
    if not any(has.values()):
        return
    if _nan(n):
        raise InputError(f"n{a} is needed to derive the arm's mean or SD", column=f"n{a}")
    if _nan(sd) and has[f"se{a}"]:
        put(f"sd{a}", i, float(cv.sd_from_se(val(f"se{a}", i), n)))
        notes.append(f"sd{a} from se{a} (SD = SE·√n)")
        sd = val(f"sd{a}", i)
    if has[f"ci{a}_lower"] != has[f"ci{a}_upper"]:
        raise InputError(f"give both ci{a}_lower and ci{a}_upper", column=f"ci{a}_upper")
    if has[f"ci{a}_lower"] and (_nan(sd) or _nan(m)):
        lo, hi = val(f"ci{a}_lower", i), val(f"ci{a}_upper", i)
        lev = _level_of(level, i)
        parts = []
        if _nan(m):
            put(f"m{a}", i, (lo + hi) / 2)
            parts.append(f"m{a}")
        if _nan(sd):
            put(f"sd{a}", i, float(cv.sd_from_ci(lo, hi, n, level=lev)))
            w = float(cv.ci_divisor(n - 1, lev, "auto", n))
            how = f"t with {n - 1:g} df" if n < cv.T_THRESHOLD else "normal"
            parts.append(f"sd{a}")
            notes.append(f"{', '.join(parts)} from the {lev:.0%} CI of the mean (SD = √n·width/{w:.3f}, {how})")
        else:
            notes.append(f"m{a} = midpoint of the {lev:.0%} CI of the mean")
        m, sd = val(f"m{a}", i), val(f"sd{a}", i)
    if has[f"median{a}"] and (_nan(sd) or _nan(m)):
        q = (has[f"q1_{a}"], has[f"q3_{a}"])
        r = (has[f"min{a}"], has[f"max{a}"])
        if q[0] != q[1]:
            raise InputError(f"give both q1_{a} and q3_{a}", column=f"q3_{a}")
        if r[0] != r[1]:
            raise InputError(f"give both min{a} and max{a}", column=f"max{a}")
        if not (q[0] or r[0]):
            raise InputError(f"median{a} needs the quartiles (q1_{a}, q3_{a}) and/or the range (min{a}, max{a})",
                             column=f"median{a}")
        res = cv.mean_sd_from_median(
            val(f"median{a}", i), n,
            q1=val(f"q1_{a}", i) if q[0] else None, q3=val(f"q3_{a}", i) if q[0] else None,
            minimum=val(f"min{a}", i) if r[0] else None, maximum=val(f"max{a}", i) if r[0] else None,
        )
        parts = []
        if _nan(m):
            put(f"m{a}", i, float(res.mean))
            parts.append(f"m{a}")
        if _nan(sd):
            put(f"sd{a}", i, float(res.sd))
            parts.append(f"sd{a}")
        notes.append(f"{', '.join(parts)} from the {res.description}")
        m, sd = val(f"m{a}", i), val(f"sd{a}", i)
    if has[f"sd{a}_baseline"] or has[f"sd{a}_final"]:
        if _nan(m) and not _nan(val(f"m{a}_final", i)) and not _nan(val(f"m{a}_baseline", i)):
            put(f"m{a}", i, val(f"m{a}_final", i) - val(f"m{a}_baseline", i))
            notes.append(f"m{a} = m{a}_final − m{a}_baseline (change from baseline)")
        if _nan(sd):
            if not (has[f"sd{a}_baseline"] and has[f"sd{a}_final"]):
                raise InputError(f"give both sd{a}_baseline and sd{a}_final", column=f"sd{a}_final")
            r = val(f"corr{a}", i)
            if _nan(r):
                r = val("corr", i)
            if _nan(r):
                raise InputError(f"a change-from-baseline SD needs a correlation (corr{a} or corr)",
                                 column=f"corr{a}")
            put(f"sd{a}", i, float(cv.sd_change(val(f"sd{a}_baseline", i), val(f"sd{a}_final", i), r)))
            notes.append(f"sd{a} of change imputed from baseline and final SDs with r = {r:g} "
                         "(Handbook §6.5.2.8)")


def _derive_pooled_sd(i: int, val: Any, put: Any, notes: list[str], level: np.ndarray | None) -> None:
    if not (_nan(val("sd1", i)) and _nan(val("sd2", i))):
        return
    n1, n2 = val("n1", i), val("n2", i)
    lo, hi = val("md_ci_lower", i), val("md_ci_upper", i)
    t, p = val("t_value", i), val("p_value", i)
    if _nan(lo) and _nan(hi) and _nan(t) and _nan(p):
        return
    if _nan(n1) or _nan(n2):
        raise InputError("n1 and n2 are needed to derive a pooled SD", column="n1")
    md = val("md", i)
    if _nan(md):
        md = val("m1", i) - val("m2", i)
    if not (_nan(lo) or _nan(hi)):
        lev = _level_of(level, i)
        sd = float(cv.sd_from_diff_ci(lo, hi, n1, n2, level=lev))
        how = f"{lev:.0%} CI of the mean difference"
    elif not _nan(t):
        if _nan(md):
            raise InputError("a t value needs the mean difference (md, or m1 and m2)", column="t_value")
        sd = float(cv.sd_from_t(md, t, n1, n2))
        how = f"t = {t:g} (SE = MD/t)"
    elif not _nan(p):
        if _nan(md):
            raise InputError("a P value needs the mean difference (md, or m1 and m2)", column="p_value")
        sd = float(cv.sd_from_p(md, p, n1, n2))
        tv = float(cv.t_from_p(p, n1 + n2 - 2))
        how = f"P = {p:g} (t = {tv:.3f} with {n1 + n2 - 2:g} df)"
    else:
        raise InputError("give both md_ci_lower and md_ci_upper", column="md_ci_upper")
    put("sd1", i, sd)
    put("sd2", i, sd)
    notes.append(f"sd1 = sd2 = pooled SD {_fmt(sd)} from {how}, SD = SE/√(1/n1 + 1/n2)")


def _combine_second_group(a: str, i: int, val: Any, put: Any, notes: list[str], binary: bool) -> None:
    nb = val(f"n{a}_b", i)
    if _nan(nb):
        return
    n = val(f"n{a}", i)
    if binary:
        eb = val(f"events{a}_b", i)
        if _nan(eb):
            raise InputError(f"events{a}_b is needed with n{a}_b", column=f"events{a}_b")
        e, tot = cv.combine_binary(val(f"events{a}", i), n, eb, nb)
        put(f"events{a}", i, float(e))
        put(f"n{a}", i, float(tot))
        notes.append(f"arm {a} combined with a second group (events and totals added)")
        return
    mb, sb = val(f"m{a}_b", i), val(f"sd{a}_b", i)
    if _nan(mb) or _nan(sb):
        raise InputError(f"m{a}_b and sd{a}_b are needed with n{a}_b", column=f"m{a}_b")
    if _nan(val(f"m{a}", i)) or _nan(val(f"sd{a}", i)):
        raise InputError(f"arm {a} needs its own mean and SD before a second group can be merged",
                         column=f"m{a}")
    nn, mm, ss = cv.combine_groups(n, val(f"m{a}", i), val(f"sd{a}", i), nb, mb, sb)
    put(f"n{a}", i, float(nn))
    put(f"m{a}", i, float(mm))
    put(f"sd{a}", i, float(ss))
    notes.append(f"arm {a} combined with a second group (n {n:g} + {nb:g}; Handbook table 6.5.a)")
