"""The published figures the synthetic example reproduces (``published.toml``), and the comparison."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from evisynth import format as fmt


def load_published(folder: Path) -> dict[str, Any]:
    """``published.toml`` of an example folder."""
    return tomllib.loads((folder / "published.toml").read_text(encoding="utf-8"))


def reported_decimals(text: str) -> int:
    """Decimals of a reported number (``"0.097"`` → 3, ``"-0.00"`` → 2)."""
    return len(text.split(".")[1]) if "." in text else 0


def at_reported_rounding(value: float | None, reported: str, *, p_value: bool = False) -> str:
    """``value`` written as the paper wrote ``reported`` (same decimals; RevMan's P floor)."""
    if value is None:
        return "NA"
    if p_value and reported.strip().startswith("<"):
        return fmt.format_p(value)
    return fmt.format_number(value, reported_decimals(reported))


def same_at_rounding(mine: str, reported: str) -> bool:
    """Whether two numbers written at the same rounding are equal (the paper's ``-0.00`` is ``0.00``)."""
    try:
        return reported_decimals(mine) == reported_decimals(reported) and float(mine) == float(reported)
    except ValueError:
        return False


def compare(result: dict[str, Any], published: dict[str, Any]) -> dict[str, Any]:
    """Each published number next to evisynth's, both at the paper's rounding."""
    rows = {}
    for key in ("estimate", "ci_lower", "ci_upper", "p"):
        if key not in published:
            continue
        value = result.get("p_value" if key == "p" else key)
        mine = at_reported_rounding(value, published[key], p_value=key == "p")
        want = published[key].strip()
        rows[key] = {"published": published[key], "evisynth": mine, "value": value,
                     "match": mine == want or same_at_rounding(mine, want)}
    return {"all_match": all(r["match"] for r in rows.values()), "numbers": rows}


def checks(outcomes: dict[str, Any], published: dict[str, Any]) -> dict[str, Any]:
    """Every published result and finding checked against the demo's numbers (``demo.json`` outcomes)."""
    out: dict[str, Any] = {}
    for r in published.get("result", []):
        entry = outcomes.get(r["outcome"], {})
        if "subgroup" in r:
            mine = entry.get("subgroups", {}).get(r["subgroup"], {}).get("groups", {}).get(r["level"]) or {}
        elif "moderator" in r:
            mine = entry.get("meta_regression", {}).get(r["moderator"], {})
        else:
            mine = entry.get("pooled", {})
        chk = compare(mine, r)
        chk["label"] = r.get("label", r["key"])
        out[r["key"]] = chk
    for f in published.get("finding", []):
        groups = outcomes.get(f["outcome"], {}).get("subgroups", {}).get(f["subgroup"], {}).get("groups", {})
        hi, lo = groups.get(f["greater"], {}).get("estimate"), groups.get(f["lesser"], {}).get("estimate")
        out[f["key"]] = {"label": f"{f['greater']} > {f['lesser']} ({f['subgroup']})",
                         "all_match": hi is not None and lo is not None and hi > lo,
                         "numbers": {}, "values": {f["greater"]: hi, f["lesser"]: lo}}
    return out
