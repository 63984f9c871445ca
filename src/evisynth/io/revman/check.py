"""Compare RevMan's stored results of an outcome with a re-analysis (its analysis document).

Only the JSON contract of the analysis document is read (``studies[*].yi``/``ci_lower``/
``ci_upper``/``weight_percent`` and their ``_exp`` twins, ``pooled``, ``heterogeneity``,
``subgroups``). A stored value is reproduced when its relative difference is at most
:data:`REL_TOL` (1e-6) or its absolute difference at most :data:`ABS_TOL` (1e-9, for values at or
near zero such as a τ² or I² of 0). RevMan stores doubles; P values are not compared (RevMan's
χ² tail probabilities differ from the exact ones in the 7th decimal, METHODS.md §1.7).
"""

from __future__ import annotations

import math
from typing import Any

from evisynth.io.revman.model import Outcome, Review
from evisynth.io.revman.settings import is_ratio

REL_TOL = 1e-6
ABS_TOL = 1e-9


def _stored(attrs: dict[str, str], key: str) -> float | None:
    raw = attrs.get(key, "").strip()
    if not raw:
        return None
    try:
        x = float(raw)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _rel(stored: float, ours: float) -> float:
    diff = abs(stored - ours)
    if diff <= ABS_TOL:
        return 0.0
    return diff / max(abs(stored), 1e-300)


class _Checker:
    def __init__(self) -> None:
        self.compared = 0
        self.max_rel = 0.0
        self.differences: list[dict[str, Any]] = []

    def compare(self, where: str, key: str, stored: float | None, ours: Any) -> None:
        if stored is None:
            return
        if not isinstance(ours, (int, float)) or isinstance(ours, bool) or not math.isfinite(float(ours)):
            self.differences.append({"where": where, "value": key, "revman": stored, "evisynth": None,
                                     "rel_diff": None, "abs_diff": None})
            return
        self.compared += 1
        rel = _rel(stored, float(ours))
        self.max_rel = max(self.max_rel, rel)
        if rel > REL_TOL:
            self.differences.append({"where": where, "value": key, "revman": stored, "evisynth": float(ours),
                                     "rel_diff": rel, "abs_diff": abs(stored - float(ours))})


def _scale(d: dict[str, Any], key: str, ratio: bool) -> Any:
    return d.get(f"{key}_exp") if ratio else d.get(key)


def _summary(ck: _Checker, where: str, attrs: dict[str, str], res: dict[str, Any], het: dict[str, Any] | None,
             ratio: bool, random: bool) -> None:
    if attrs.get("ESTIMABLE", "YES") != "YES":
        return
    ck.compare(where, "EFFECT_SIZE", _stored(attrs, "EFFECT_SIZE"), _scale(res, "estimate", ratio))
    ck.compare(where, "CI_START", _stored(attrs, "CI_START"), _scale(res, "ci_lower", ratio))
    ck.compare(where, "CI_END", _stored(attrs, "CI_END"), _scale(res, "ci_upper", ratio))
    z = res.get("statistic")
    ck.compare(where, "Z", _stored(attrs, "Z"), abs(z) if isinstance(z, (int, float)) else None)
    if het is not None:
        ck.compare(where, "CHI2", _stored(attrs, "CHI2"), het.get("q"))
        ck.compare(where, "I2", _stored(attrs, "I2"), het.get("i2"))
        if random:
            ck.compare(where, "TAU2", _stored(attrs, "TAU2"), het.get("tau2"))


def check_outcome(review: Review, comparison_no: int, outcome: Outcome, doc: dict[str, Any]) -> dict[str, Any]:
    """The ``revman-check.json`` entry of one outcome: every stored value not reproduced, and by how much."""
    ck = _Checker()
    ratio = is_ratio(outcome)
    random = outcome.attrs.get("RANDOM", "NO") == "YES"
    studies = doc.get("studies") or []
    rows = outcome.all_rows()
    if len(studies) != len(rows):
        ck.differences.append({"where": "studies", "value": "count", "revman": len(rows), "evisynth": len(studies),
                               "rel_diff": None, "abs_diff": None})
    for (_group, row), s in zip(rows, studies, strict=False):
        if row.attrs.get("ESTIMABLE", "YES") != "YES":
            continue
        where = f"study {review.study_name(row.study_id)}"
        # generic IV rows store the entered estimate; the CI is on the natural scale for ratios
        if outcome.kind != "IV":
            ck.compare(where, "EFFECT_SIZE", _stored(row.attrs, "EFFECT_SIZE"), _scale(s, "yi", ratio))
        ck.compare(where, "CI_START", _stored(row.attrs, "CI_START"), _scale(s, "ci_lower", ratio))
        ck.compare(where, "CI_END", _stored(row.attrs, "CI_END"), _scale(s, "ci_upper", ratio))
        ck.compare(where, "WEIGHT", _stored(row.attrs, "WEIGHT"), s.get("weight_percent"))
    if outcome.attrs.get("TOTALS", "YES") != "NO":
        _summary(ck, "total", outcome.attrs, doc.get("pooled") or {}, doc.get("heterogeneity") or {}, ratio, random)
    sub = doc.get("subgroups") or {}
    if outcome.subgroups:
        groups = {str(g.get("level")): g for g in sub.get("groups") or []}
        for g in outcome.subgroups:
            mine = groups.get(g.name)
            if mine is None:
                if g.rows and g.attrs.get("ESTIMABLE", "YES") == "YES":
                    ck.differences.append({"where": f"subgroup {g.no} {g.name}", "value": "missing", "revman": None,
                                           "evisynth": None, "rel_diff": None, "abs_diff": None})
                continue
            _summary(ck, f"subgroup {g.no} {g.name}", g.attrs, mine, mine, ratio, random)
        diff = sub.get("difference") or {}
        if outcome.attrs.get("SUBGROUP_TEST", "YES") == "YES" and len([g for g in outcome.subgroups if g.rows]) > 1:
            ck.compare("subgroup differences", "Q", _stored(outcome.attrs, "Q"), diff.get("q"))
            ck.compare("subgroup differences", "I2_Q", _stored(outcome.attrs, "I2_Q"), diff.get("i2"))
    return {"comparison": comparison_no, "outcome": outcome.no, "name": outcome.name,
            "reproduced": not ck.differences, "max_rel_diff": ck.max_rel, "differences": ck.differences,
            "compared": ck.compared}
