"""Writing an imported RevMan review as an evisynth project folder.

``review.toml`` (the format of ``evisynth summarize``, docs/grade.md) with one ``[[outcomes]]`` per
RevMan outcome, one study table per outcome under ``data/``, RevMan's settings per outcome in
``revman.toml`` (numbering, method, τ² method, swap events, group and "favours" labels, which the
review file has no keys for yet) and the RoB 1 judgements in ``rob.csv``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from evisynth.files import OutputSet, csv_cell
from evisynth.io.revman.model import Outcome, Review
from evisynth.io.revman.settings import analysis_settings, study_rows
from evisynth.rob import Assessment, assess_judgements, to_csv, to_toml
from evisynth.rob.files import _toml_str


def data_file(comparison_no: int, outcome_no: int) -> str:
    return f"data/analysis_{comparison_no}_{outcome_no}.csv"


def outcome_label(comparison_no: int, outcome: Outcome) -> str:
    return f"{comparison_no}.{outcome.no} {outcome.name}".strip()


def rob1_assessments(review: Review) -> list[Assessment]:
    """RoB 1 judgements of every included study from ``QUALITY_ITEMS`` (study-level items)."""
    items = [q for q in review.quality_items if q.entries]
    out = []
    for sid, study in review.studies.items():
        judged = {f"D{i}": e for i, q in enumerate(items, start=1) for e in q.entries if e.study_id == sid}
        if not judged:
            continue
        names = {f"D{i}": q.name for i, q in enumerate(items, start=1) if f"D{i}" in judged}
        out.append(assess_judgements("rob1", study.name, None, {k: e.result for k, e in judged.items()},
                                     support={k: e.description for k, e in judged.items()}, domain_names=names,
                                     source=f"{review.source}: QUALITY_ITEMS"))
    return out


def _csv(rows: list[dict[str, Any]]) -> str:
    header = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: csv_cell(_cell(v)) for k, v in r.items()})
    return buf.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "@") else text


def _settings_toml(review: Review) -> str:
    lines = ["# RevMan 5 settings of each imported outcome (evisynth import-review).", ""]
    for comparison, outcome in review.outcomes():
        a = outcome.attrs
        lines += ["[[outcome]]", f"comparison = {comparison.no}", f"comparison_name = {_toml_str(comparison.name)}",
                  f"outcome = {outcome.no}", f"name = {_toml_str(outcome.name)}",
                  f"data = {_toml_str(data_file(comparison.no, outcome.no))}",
                  f"type = {_toml_str(outcome.kind)}", f"effect_measure = {_toml_str(a.get('EFFECT_MEASURE', ''))}",
                  f"method = {_toml_str(a.get('METHOD', ''))}", f"random = {str(a.get('RANDOM') == 'YES').lower()}",
                  f"tau2_method = {_toml_str('DL' if a.get('RANDOM') == 'YES' else '')}",
                  f"swap_events = {str(a.get('SWAP_EVENTS') == 'YES').lower()}",
                  f"log_data = {str(a.get('LOG_DATA', 'YES') == 'YES').lower()}",
                  f"group_label_1 = {_toml_str(outcome.group_label_1)}",
                  f"group_label_2 = {_toml_str(outcome.group_label_2)}",
                  f"favours_left = {_toml_str(outcome.graph_label_1)}",
                  f"favours_right = {_toml_str(outcome.graph_label_2)}",
                  f"subgroups = [{', '.join(_toml_str(f'{g.no} {g.name}') for g in outcome.subgroups)}]",
                  f"totals = {str(a.get('TOTALS', 'YES') != 'NO').lower()}",
                  f"subgroup_test = {str(a.get('SUBGROUP_TEST', 'YES') == 'YES').lower()}", ""]
    return "\n".join(lines)


def _review_toml(review: Review) -> str:
    first = review.outcomes()[0][1] if review.outcomes() else None
    lines = ["# Imported from a RevMan 5 review by `evisynth import-review` (RevMan's settings: revman.toml).", "",
             "[review]", f"title = {_toml_str(review.title or 'Imported RevMan review')}",
             f"population = {_toml_str('as defined in the RevMan review')}",
             f"intervention = {_toml_str((first.group_label_1 if first else '') or 'experimental intervention')}",
             f"comparison = {_toml_str((first.group_label_2 if first else '') or 'control')}",
             'risk_of_bias = "rob.csv"' if any(q.entries for q in review.quality_items) else "", ""]
    for comparison, outcome in review.outcomes():
        st = analysis_settings(outcome)
        lines += ["[[outcomes]]", f"name = {_toml_str(outcome_label(comparison.no, outcome))}",
                  f"data = {_toml_str(data_file(comparison.no, outcome.no))}",
                  f"measure = {_toml_str(st['measure'])}", f"model = {_toml_str(st['model'])}",
                  f"method = {_toml_str(st['method'])}", 'test = "z"']
        if outcome.subgroups:
            lines.append('subgroups = ["subgroup"]')
        lines.append(f"comments = {_toml_str(f'RevMan analysis {comparison.no}.{outcome.no} ({comparison.name})')}")
        lines.append("")
    return "\n".join(line for line in lines if line is not None)


def write_project(review: Review, folder: str | Path, *, force: bool = False, inputs: tuple[str, ...] = ()) -> list[Path]:
    """Write the project files into ``folder``, all or none; an existing file evisynth did not write needs
    ``force``, an input is never replaced."""
    root = Path(folder)
    files: dict[str, str] = {"review.toml": _review_toml(review), "revman.toml": _settings_toml(review)}
    for comparison, outcome in review.outcomes():
        rows = study_rows(review, outcome)
        if rows:
            files[data_file(comparison.no, outcome.no)] = _csv(rows)
    rob = rob1_assessments(review)
    if rob:
        files["rob.csv"] = to_csv(rob)      # what `evisynth summarize` reads (risk_of_bias = "rob.csv")
        files["rob.toml"] = to_toml(rob)    # the same with RevMan's item names
    with OutputSet(root, inputs=inputs, force=force, by="import-review", option="--project") as out:
        for name, text in files.items():
            out.add(name, text)
    return [root / name for name in files]
