"""How a RevMan outcome maps onto evisynth: measure, model, method and the study table."""

from __future__ import annotations

import math
from typing import Any

from evisynth.io.revman.model import Outcome, Review, Subgroup

#: RevMan EFFECT_MEASURE → evisynth measure (dichotomous and continuous outcomes).
MEASURES = {"OR": "OR", "RR": "RR", "RD": "RD", "PETO_OR": "PETO", "MD": "MD", "SMD": "SMD"}
RATIO_WORDS = ("OR", "RR", "HR", "PETO_OR", "ODDS", "RISK RATIO", "HAZARD", "RATE RATIO", "RATIO")


def is_ratio(outcome: Outcome) -> bool:
    measure = outcome.attrs.get("EFFECT_MEASURE", "").upper()
    if outcome.kind == "IV":
        return outcome.attrs.get("LOG_DATA", "YES") == "YES" and any(w in measure for w in RATIO_WORDS)
    return measure in ("OR", "RR", "PETO_OR")


def analysis_settings(outcome: Outcome) -> dict[str, Any]:
    """Keyword settings for ``evisynth.api.meta_analysis`` that reproduce RevMan 5's analysis.

    RevMan 5 random effects are DerSimonian-Laird with a Wald (z) test; for Mantel-Haenszel outcomes
    the DL τ² comes from the M-H-centred Q (evisynth's ``method="MH", model="random"``, see
    :mod:`evisynth.models.revman_random`). Common-effect analyses use the outcome's method
    (Mantel-Haenszel, inverse variance or Peto).
    """
    measure_code = outcome.attrs.get("EFFECT_MEASURE", "")
    random = outcome.attrs.get("RANDOM", "NO") == "YES"
    method = outcome.attrs.get("METHOD", "IV").upper()
    if outcome.kind == "IV":
        settings: dict[str, Any] = {"measure": "GEN", "log_scale": is_ratio(outcome)}
    else:
        settings = {"measure": MEASURES.get(measure_code.upper(), measure_code.upper())}
    if method == "PETO" or settings["measure"] == "PETO":
        settings.update(measure="PETO", model="fixed", method="PETO")
    elif random:
        settings.update(model="random", method="MH" if method == "MH" and outcome.kind == "DICH" else "DL")
    else:
        settings.update(model="fixed", method=method if method in ("MH", "IV") else "IV")
    settings["test"] = "z"
    if outcome.subgroups:
        settings["subgroup"] = "subgroup"
    return settings


def _num(value: str | None) -> float | None:
    if value is None or value.strip() == "":
        return None
    try:
        x = float(value)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def study_rows(review: Review, outcome: Outcome, *, swap: bool = False) -> list[dict[str, Any]]:
    """The study table of an outcome (one dict per RevMan data row, in RevMan's order).

    Study labels are RevMan's study names; a study appearing twice in an outcome (two subgroups)
    gets its subgroup number appended so labels stay unique. ``swap`` applies RevMan's "swap events
    and non-events" to dichotomous data.
    """
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for group, r in outcome.all_rows():
        name = review.study_name(r.study_id)
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name} [{group.no if group else seen[name]}]"
        a = r.attrs
        row: dict[str, Any] = {"study": label}
        if outcome.kind == "DICH":
            e1, n1, e2, n2 = (_num(a.get(k)) for k in ("EVENTS_1", "TOTAL_1", "EVENTS_2", "TOTAL_2"))
            if swap and None not in (e1, n1, e2, n2):
                e1, e2 = n1 - e1, n2 - e2  # type: ignore[operator]
            row.update(events1=_int(e1), n1=_int(n1), events2=_int(e2), n2=_int(n2))
        elif outcome.kind == "CONT":
            row.update(m1=_num(a.get("MEAN_1")), sd1=_num(a.get("SD_1")), n1=_int(_num(a.get("TOTAL_1"))),
                       m2=_num(a.get("MEAN_2")), sd2=_num(a.get("SD_2")), n2=_int(_num(a.get("TOTAL_2"))))
        else:
            row.update(yi=_num(a.get("EFFECT_SIZE")), sei=_num(a.get("SE")),
                       n1=_int(_num(a.get("TOTAL_1"))), n2=_int(_num(a.get("TOTAL_2"))))
        if outcome.subgroups:
            row["subgroup"] = group.name if group else ""
            row["subgroup_no"] = group.no if group else ""
        row["year"] = review.studies[r.study_id].year
        row["revman_study_id"] = r.study_id
        rows.append(row)
    return rows


def _int(x: float | None) -> int | None:
    return None if x is None else round(x)


def subgroup_of(outcome: Outcome, name: str) -> Subgroup | None:
    return next((g for g in outcome.subgroups if g.name == name), None)
