"""An evisynth project folder (as ``import-review`` writes it) back into a RevMan :class:`Review`."""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path
from typing import Any

from evisynth.errors import InputError
from evisynth.io.revman.model import Comparison, DataRow, Outcome, QualityEntry, QualityItem, Review, Study, Subgroup
from evisynth.rob import read_assessments
from evisynth.rob._vocab import REVMAN_RESULT_BACK

_FIELDS = {"DICH": (("events1", "EVENTS_1"), ("n1", "TOTAL_1"), ("events2", "EVENTS_2"), ("n2", "TOTAL_2")),
           "CONT": (("m1", "MEAN_1"), ("sd1", "SD_1"), ("n1", "TOTAL_1"), ("m2", "MEAN_2"), ("sd2", "SD_2"),
                    ("n2", "TOTAL_2")),
           "IV": (("yi", "EFFECT_SIZE"), ("sei", "SE"), ("n1", "TOTAL_1"), ("n2", "TOTAL_2"))}


def _study_id(name: str) -> str:
    return "STD-" + re.sub(r"[^A-Za-z0-9]", lambda m: f"_x{ord(m.group(0)):04x}_", name)


def _load(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("not found; export-review needs a project written by import-review (revman.toml)",
                         file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from None


def read_project(folder: str | Path) -> Review:
    """Rebuild the review from ``review.toml``, ``revman.toml``, the study tables and ``rob.toml``."""
    root = Path(folder)
    review_file = _load(root / "review.toml")
    settings = _load(root / "revman.toml").get("outcome", [])
    studies: dict[str, Study] = {}
    comparisons: dict[int, Comparison] = {}
    for n, s in enumerate(settings, start=1):
        try:
            kind, cno, ono = s["type"], int(s["comparison"]), int(s["outcome"])
        except (KeyError, TypeError, ValueError):
            raise InputError(f"[[outcome]] {n}: needs type, comparison and outcome",
                             file=str(root / "revman.toml")) from None
        comp = comparisons.setdefault(cno, Comparison(cno, s.get("comparison_name", ""), f"CMP-{cno:03d}"))
        attrs = {"EFFECT_MEASURE": s.get("effect_measure", ""), "METHOD": s.get("method", ""),
                 "RANDOM": "YES" if s.get("random") else "NO", "SWAP_EVENTS": "YES" if s.get("swap_events") else "NO",
                 "TOTALS": "YES" if s.get("totals", True) else "NO",
                 "SUBGROUP_TEST": "YES" if s.get("subgroup_test", True) else "NO",
                 "SUBGROUPS": "YES" if s.get("subgroups") else "NO"}
        if kind == "IV":
            attrs["LOG_DATA"] = "YES" if s.get("log_data", True) else "NO"
        outcome = Outcome(kind, ono, s.get("name", ""), attrs, s.get("group_label_1", ""), s.get("group_label_2", ""),
                          s.get("favours_left", ""), s.get("favours_right", ""))
        groups: dict[str, Subgroup] = {}
        for label in s.get("subgroups", []):
            no, _, name = str(label).partition(" ")
            groups[name] = Subgroup(int(no), name, {})
        outcome.subgroups = list(groups.values())
        data = root / s.get("data", "")
        if data.is_file():
            with data.open(newline="", encoding="utf-8") as fh:
                for r, row in enumerate(csv.DictReader(fh), start=1):
                    name = re.sub(r" \[\d+\]$", "", row.get("study", "").strip())
                    sid = row.get("revman_study_id") or _study_id(name)
                    studies.setdefault(sid, Study(sid, name, row.get("year", "")))
                    fields = {rm: row.get(col, "") for col, rm in _FIELDS[kind] if row.get(col, "") != ""}
                    item = DataRow(sid, fields)
                    if groups:
                        g = groups.get(row.get("subgroup", ""))
                        if g is None:
                            raise InputError(f"unknown subgroup {row.get('subgroup')!r}", file=str(data), row=r,
                                             line=r + 1, column="subgroup")
                        g.rows.append(item)
                    else:
                        outcome.rows.append(item)
        comp.outcomes.append(outcome)
    items: list[QualityItem] = []
    if (root / "rob.toml").is_file():
        by_name = {s.name: s.id for s in studies.values()}
        for a in read_assessments(root / "rob.toml"):
            if a.tool != "rob1":
                continue
            sid = by_name.get(a.study) or _study_id(a.study)
            studies.setdefault(sid, Study(sid, a.study))
            for d in a.domains:
                qitem = next((q for q in items if q.name == d.name), None)
                if qitem is None:
                    qitem = QualityItem(f"QIT-{len(items) + 1:02d}", len(items) + 1, d.name)
                    items.append(qitem)
                qitem.entries.append(QualityEntry(sid, REVMAN_RESULT_BACK.get(d.judgement or "unclear", "UNKNOWN"),
                                                 d.justification))
    title = str(review_file.get("review", {}).get("title", ""))
    return Review(title, studies, [comparisons[k] for k in sorted(comparisons)], items, str(root))
