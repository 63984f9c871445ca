"""Synthetic analysis documents for rule tests (only the keys the GRADE code reads)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from evisynth.grade.review import OutcomeSpec

DATA = Path(__file__).parent / "data"


def outcome(**kw: Any) -> OutcomeSpec:
    kw.setdefault("name", "Outcome")
    kw.setdefault("data", DATA / "pain.csv")
    return OutcomeSpec(**kw)


def make_doc(
    *,
    measure: str = "RR",
    estimate: float = 0.0,
    ci: tuple[float, float] = (-0.1, 0.1),
    pi: tuple[float, float] | None = None,
    i2: float | None = 0.0,
    q_p: float | None = 0.5,
    yi: list[float] | None = None,
    weights: list[float] | None = None,
    se: float = 0.2,
    participants: int | None = 10000,
    events2: int | None = 2000,
    n2: int | None = 5000,
    names: list[str] | None = None,
    data: list[dict[str, float]] | None = None,
) -> dict[str, Any]:
    """An analysis document on the analysis scale (log scale for OR/RR)."""
    log = measure in ("OR", "RR", "PETO")
    yi = yi if yi is not None else [estimate] * 3
    k = len(yi)
    weights = weights or [100 / k] * k
    names = names or [f"S{i + 1}" for i in range(k)]
    studies = []
    for i, y in enumerate(yi):
        studies.append({"study": names[i], "yi": y, "se": se, "ci_lower": y - 1.96 * se, "ci_upper": y + 1.96 * se,
                        "weight_percent": weights[i], "included": True,
                        "data": (data[i] if data else {}), "moderators": {}})
    pooled = {"k": k, "estimate": estimate, "ci_lower": ci[0], "ci_upper": ci[1], "p_value": 0.5, "level": 0.95,
              "pi_lower": pi[0] if pi else None, "pi_upper": pi[1] if pi else None, "test": "z", "model": "random"}
    if log:
        for key in ("estimate", "ci_lower", "ci_upper", "pi_lower", "pi_upper"):
            pooled[f"{key}_exp"] = None if pooled[key] is None else math.exp(pooled[key])
    totals: dict[str, Any] = {}
    if participants is not None:
        totals = {"n1": participants // 2, "n2": participants - participants // 2, "participants": participants}
    if events2 is not None and measure in ("OR", "RR", "RD", "PETO"):
        totals.update(events1=events2, events2=events2, n2=n2 or totals.get("n2"))
    return {"measure": measure, "measure_label": measure, "log_scale": log, "studies": studies, "pooled": pooled,
            "heterogeneity": {"i2": i2, "q_p": q_p, "tau2": 0.0}, "totals": totals}
