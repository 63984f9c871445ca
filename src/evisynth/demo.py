"""The whole pipeline on the bundled example review (``evisynth demo``).

The example is a SYNTHETIC re-creation of a 2026 meta-analysis of repetitive transcranial magnetic
stimulation (rTMS) for post-stroke spasticity (``evisynth/data/rtms``; see its README). The demo
reads the review file, derives missing SDs and splits shared control groups while reading the
study tables, pools each outcome (RevMan 5 settings: DerSimonian-Laird random effects, z test),
runs the subgroup analyses, the meta-regression on pulses, publication-bias and sensitivity
analyses, and then whatever later stages are installed (HTML report with figures, GRADE, the
summary-of-findings table and plain-language summary with its accuracy check, the PRISMA
diagram). Every stage that lives in an optional module is called through a small adapter that
skips it when the module is missing, so the demo runs whatever exists.

Outputs (``evisynth-demo/`` by default): ``report.html`` (start here), ``demo.json`` (key numbers
next to the published figures), ``<outcome>/analysis.json`` per outcome, subgroup and
meta-regression documents, and the example's input files under ``data/``.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import shutil
import time
import tomllib
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from evisynth import format as fmt
from evisynth._version import __version__
from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.data import RTMS_DIR
from evisynth.io.tabular import read_study_table

Progress = Callable[[str], None]


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def slug(name: str) -> str:
    """Folder name of an outcome: ``"Motor function (Fugl-Meyer)"`` → ``"motor_function_fugl_meyer"``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


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


def _dump(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")


def load_example(data_dir: Path | None = None) -> tuple[dict[str, Any], dict[str, Any], Path]:
    """The review file and the published figures of the example, as plain dictionaries."""
    folder = Path(data_dir) if data_dir else RTMS_DIR
    review = tomllib.loads((folder / "review.toml").read_text(encoding="utf-8"))
    published = tomllib.loads((folder / "published.toml").read_text(encoding="utf-8"))
    return review, published, folder


def _spec(o: dict[str, Any], **extra: Any) -> AnalysisSpec:
    return AnalysisSpec(measure=o.get("measure"), model=o.get("model"), method=o.get("method"),
                        test=o.get("test", "z"), smd_variance=o.get("smd_variance", "revman"), **extra)


def meta_regression_summary(eff: Any, moderator: str, *, method: str = "REML", test: str = "hksj") -> dict[str, Any]:
    """Slope of one continuous moderator (mixed-effects model), independent of the optional stats module."""
    from evisynth.errors import InputError
    from evisynth.models.mixed import fit_mixed

    key = next((k for k in eff.extra if k.lower() == moderator.lower()), None)
    if key is None:
        raise InputError(f"no column '{moderator}' to use as moderator; available: {', '.join(eff.extra) or 'none'}")
    x = np.asarray(eff.extra[key], dtype=float)
    inc = eff.included & np.isfinite(x)
    X = np.column_stack([np.ones(int(inc.sum())), x[inc]])
    fit = fit_mixed(eff.yi[inc], eff.vi[inc], X, model="random", method=method, test=test)
    return {
        "moderator": key, "method": method, "test": test, "k": int(inc.sum()),
        "intercept": float(fit.beta[0]), "estimate": float(fit.beta[1]), "se": float(fit.se[1]),
        "statistic": float(fit.statistic[1]), "df": fit.df, "p_value": float(fit.p_value[1]),
        "ci_lower": float(fit.ci_lower[1]), "ci_upper": float(fit.ci_upper[1]), "tau2": float(fit.tau2),
        "i2": float(fit.i2), "qe": float(fit.qe), "qe_p": float(fit.qe_p),
    }


def _key_numbers(doc: dict[str, Any]) -> dict[str, Any]:
    p = doc["pooled"]
    h = doc["heterogeneity"]
    return {"measure": doc["measure"], "k": p["k"], "participants": doc.get("totals", {}).get("participants"),
            "estimate": p["estimate"], "ci_lower": p["ci_lower"], "ci_upper": p["ci_upper"], "p_value": p["p_value"],
            "tau2": h["tau2"], "i2": h["i2"], "text": doc.get("text", {})}


def compare(result: dict[str, Any], published: dict[str, Any]) -> dict[str, Any]:
    """Each published number next to evisynth's, both at the paper's rounding."""
    rows = {}
    for key in ("estimate", "ci_lower", "ci_upper", "p"):
        if key not in published:
            continue
        value = result.get("p_value" if key == "p" else key)
        mine = at_reported_rounding(value, published[key], p_value=key == "p")
        want = published[key].strip()
        rows[key] = {"published": published[key], "evisynth": mine, "value": value, "match": mine == want}
    return {"all_match": all(r["match"] for r in rows.values()), "numbers": rows}


# ----------------------------------------------------------------------------------------------
# Adapters to stages that other modules provide (skipped when the module is not installed)
# ----------------------------------------------------------------------------------------------


def _stage_html_reports(docs: dict[str, tuple[dict[str, Any], dict[str, Any]]], out: Path,
                        say: Progress) -> dict[str, str]:
    if not _has("evisynth.report.html_report"):
        say("      figures and per-outcome reports: skipped (evisynth.report.html_report not installed)")
        return {}
    from evisynth.report import html_report

    written = {}
    for name, (doc, o) in docs.items():
        try:
            opts_cls = getattr(html_report, "ReportOptions", None)
            kwargs = {"intervention": "rTMS", "comparison": "control", "outcome": o.get("noun", name),
                      "lower_is_better": bool(o.get("lower_is_better", True))}
            options = opts_cls(**kwargs) if opts_cls else None
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                path = html_report.write_report(doc, out / slug(name), options)
            written[name] = str(Path(path).relative_to(out))
        except Exception as exc:
            say(f"      report for {name}: failed ({type(exc).__name__}: {exc})")
    if written:
        say(f"      wrote {len(written)} outcome reports with forest and funnel plots")
    return written


def _stage_grade(folder: Path, out: Path, say: Progress) -> dict[str, Any]:
    if not _has("evisynth.grade.run"):
        say("      GRADE, summary of findings and plain-language summary: skipped (evisynth.grade not installed)")
        return {}
    info: dict[str, Any] = {}
    try:
        from evisynth.grade.run import run_review

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = run_review(folder / "review.toml")
        info["certainty"] = {}
        for o in result.outcomes:
            c = o.certainty
            label = getattr(c, "level_name", None) or getattr(c, "label", None)
            d = c.to_dict() if hasattr(c, "to_dict") else {}
            info["certainty"][o.spec.name] = d.get("level") or d.get("label") or label
        _dump(out / "summary" / "grade.json", result.to_dict())
        info["grade_json"] = "summary/grade.json"
    except Exception as exc:
        say(f"      GRADE: failed ({type(exc).__name__}: {exc})")
        return info
    for module, func, what in (("evisynth.report.sof", "write_sof", "summary-of-findings table"),
                               ("evisynth.report.profile", "write_profile", "GRADE evidence profile"),
                               ("evisynth.report.summary", "write_summary", "plain-language summary")):
        if not _has(module):
            say(f"      {what}: skipped ({module} not installed)")
            continue
        try:
            mod = importlib.import_module(module)
            kwargs: dict[str, Any] = {"docx": False} if func in ("write_sof", "write_summary") else {}
            if func == "write_summary":
                kwargs["check"] = _has("evisynth.check")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                paths = getattr(mod, func)(result, out / "summary", **kwargs)
            info[func] = {k: str(Path(v).relative_to(out)) for k, v in dict(paths).items()}
            say(f"      wrote the {what}")
            check = dict(paths).get("check")
            if check and Path(check).is_file():
                res = json.loads(Path(check).read_text(encoding="utf-8"))
                info["accuracy_check"] = {k: res.get(k) if not isinstance(res.get(k), list) else len(res[k])
                                          for k in ("available", "ok", "claims", "findings")}
                verdict = "passed" if res.get("ok") else "FOUND PROBLEMS"
                say(f"      accuracy check of the summary: {verdict} ({info['accuracy_check']['claims']} numbers checked, "
                    f"{info['accuracy_check']['findings']} findings)")
        except Exception as exc:
            say(f"      {what}: failed ({type(exc).__name__}: {exc})")
    return info


def _example_studies(folder: Path) -> tuple[tuple[str, int], ...]:
    """(trial label, number of comparisons) of the example's included studies, from its data files."""
    import csv

    counts: dict[str, int] = {}
    with open(folder / "spasticity_synthetic.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            counts[row["trial"]] = counts.get(row["trial"], 0) + 1
    return tuple((f"{trial} (synthetic)", n) for trial, n in counts.items())


def _stage_prisma(folder: Path, out: Path, title: str, say: Progress) -> list[str]:
    """Build the SYNTHETIC search project (four databases: import, dedupe, screen) and draw its
    PRISMA 2020 diagram from the store; without the records extra, fall back to the stored counts."""
    if not (_has("evisynth.records.prisma") and _has("evisynth.plots.prisma")):
        say("      PRISMA flow diagram: skipped (evisynth.records / evisynth.plots.prisma not installed)")
        return []
    try:
        from evisynth.plots.prisma import save_prisma
        from evisynth.records.prisma import PrismaCounts

        if _has("sqlalchemy") and _has("rapidfuzz"):
            from evisynth.store.example import build_example_project
            from evisynth.store.prisma_store import prisma_counts

            project = build_example_project(out / "search", seed=2026, studies=_example_studies(folder))
            try:
                counts = prisma_counts(project)
            finally:
                project.close()
            source = "synthetic search of four databases, imported, deduplicated and screened in search/"
        else:
            counts = PrismaCounts(**tomllib.loads((folder / "prisma_synthetic.toml").read_text(encoding="utf-8")))
            source = "stored synthetic counts; install evisynth[records] to derive them from a search"
        paths = save_prisma(counts, out / "prisma", title=title)
        say(f"      wrote the PRISMA 2020 flow diagram ({source})")
        return [str(Path(p).relative_to(out)) for p in paths]
    except Exception as exc:
        say(f"      PRISMA flow diagram: failed ({type(exc).__name__}: {exc})")
        return []


# ----------------------------------------------------------------------------------------------
# The pipeline
# ----------------------------------------------------------------------------------------------


def run_demo(out: str | Path = "evisynth-demo", *, progress: Progress | None = print,
             data_dir: str | Path | None = None, later_stages: bool = True) -> dict[str, Any]:
    """Run the example review end to end and write everything to ``out``.

    Parameters
    ----------
    out : str or Path
        Output folder (created; existing files are overwritten).
    progress : callable, optional
        Receives one line per step (``print`` by default; ``None`` for silence).
    data_dir : str or Path, optional
        A folder laid out like ``evisynth/data/rtms`` (default: the bundled example).
    later_stages : bool
        Run the optional report, GRADE and PRISMA stages when their modules are installed.

    Returns
    -------
    dict
        The ``demo.json`` document: key numbers per outcome next to the published figures.
    """
    say: Progress = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    review, published, folder = load_example(Path(data_dir) if data_dir else None)
    outcomes = review["outcomes"]
    meta = published.get("meta_regression", {})
    pub_by_outcome: dict[str, list[dict[str, Any]]] = {}
    for r in published.get("result", []):
        pub_by_outcome.setdefault(r["outcome"], []).append(r)

    say(f"evisynth {__version__} demo: {review['review']['title']}")
    say("  The trials are SYNTHETIC, calibrated to the published pooled results (see data/README.md).")
    shutil.copytree(folder, out / "data", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.py", "*.pyc"))

    bias_ok = _has("evisynth.analyses.publication_bias")
    sens_ok = _has("evisynth.analyses.sensitivity")
    mreg_ok = _has("evisynth.analyses.meta_regression")
    summary: dict[str, Any] = {
        "evisynth_version": __version__, "synthetic": True, "title": review["review"]["title"],
        "source": published.get("source"), "outcomes": {}, "checks": {}, "files": {}, "skipped": [],
    }
    docs: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    n_steps = 6
    say(f"[1/{n_steps}] Reading the study tables (derived SDs, split shared controls)")
    tables = {}
    shown: set[str] = set()
    for o in outcomes:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = read_study_table(folder / o["data"])
        tables[o["name"]] = table
        derived = [(s, n) for s, n in zip(table.study, table.derived or ("",) * table.k, strict=True) if n]
        kinds = _derivation_counts(n for _, n in derived)
        extra = f"; {len(caught)} warning(s)" if caught else ""
        say(f"      {o['data']}: {table.k} comparisons, {len(derived)} with derived data"
            + (f" ({', '.join(f'{v} {k}' for k, v in kinds.items())})" if kinds else "") + extra)
        summary["outcomes"].setdefault(o["name"], {})["derived"] = [{"study": s, "note": n} for s, n in derived]
        for study, note in derived:  # one example of each kind of derivation
            for part in note.split("; "):
                kind = next(iter(_derivation_counts([part])), None)
                if kind and kind not in shown:
                    shown.add(kind)
                    say(f"        e.g. {study}: {part}")

    say(f"[2/{n_steps}] Pooling each outcome ({outcomes[0].get('method', 'DL')} random effects, "
        f"{outcomes[0].get('test', 'z')} test, as RevMan 5)")
    for o in outcomes:
        name = o["name"]
        spec = _spec(o, bias=bias_ok, sensitivity=sens_ok)
        try:
            bundle = _run(tables[name], spec)
        except Exception as exc:  # optional bias/sensitivity modules may refuse small k; pool without them
            if not (bias_ok or sens_ok):
                raise
            summary["skipped"].append(f"{name}: bias/sensitivity ({exc})")
            bundle = _run(tables[name], _spec(o))
        doc = bundle.to_dict()
        _dump(out / slug(name) / "analysis.json", doc)
        docs[name] = (doc, o)
        key = _key_numbers(doc)
        entry = summary["outcomes"][name]
        entry.update(pooled=key, analysis=f"{slug(name)}/analysis.json")
        say(f"      {name}: {doc['measure']} {fmt.format_effect_ci(key['estimate'], key['ci_lower'], key['ci_upper'])}, "
            f"{fmt.p_text(key['p_value'])}; k = {key['k']}, I² = {fmt.format_percent(key['i2'])}")
    if not (bias_ok and sens_ok):
        summary["skipped"].append("publication bias / sensitivity: modules not installed")

    say(f"[3/{n_steps}] Subgroup analyses")
    for o in outcomes:
        name = o["name"]
        entry = summary["outcomes"][name]
        entry["subgroups"] = {}
        for var in o.get("subgroups", []):
            bundle = _run(tables[name], replace(_spec(o), subgroup=var))
            doc = bundle.to_dict()
            _dump(out / slug(name) / f"subgroups_{slug(var)}.json", doc)
            sg = doc["subgroups"]
            entry["subgroups"][var] = {
                "groups": {g["level"]: {k: g.get(k) for k in ("k", "estimate", "ci_lower", "ci_upper", "p_value", "i2")}
                           for g in sg["groups"]},
                "difference": sg["difference"], "text": doc["text"].get("subgroup_difference"),
                "file": f"{slug(name)}/subgroups_{slug(var)}.json",
            }
            parts = [f"{g['level']} {fmt.format_effect_ci(g['estimate'], g['ci_lower'], g['ci_upper'])}"
                     for g in sg["groups"]]
            say(f"      {name} by {var}: " + "; ".join(parts))

    say(f"[4/{n_steps}] Meta-regression")
    for o in outcomes:
        name = o["name"]
        for mod in o.get("moderators", []):
            method = meta.get("method", "REML") if meta.get("moderator") == mod else o.get("method", "REML")
            test = meta.get("test", "hksj") if meta.get("moderator") == mod else o.get("test", "z")
            res = meta_regression_summary(docs_effects(tables[name], o), mod, method=method, test=test)
            res["unit"] = meta.get("unit") if meta.get("moderator") == mod else None
            summary["outcomes"][name].setdefault("meta_regression", {})[mod] = res
            if mreg_ok:
                try:
                    bundle = _run(tables[name], replace(_spec(o), method=method, test=test, moderators=(mod,)))
                    _dump(out / slug(name) / f"meta_regression_{slug(mod)}.json", bundle.to_dict())
                    res["file"] = f"{slug(name)}/meta_regression_{slug(mod)}.json"
                except Exception as exc:
                    summary["skipped"].append(f"{name}: meta-regression module ({exc})")
            df = f", {res['df']:g} df" if res["df"] else ""
            say(f"      {name} on {mod} ({res['unit'] or mod}): slope {fmt.format_number(res['estimate'])} "
                f"[{fmt.format_number(res['ci_lower'], 3)}, {fmt.format_number(res['ci_upper'])}], "
                f"P = {fmt.format_number(res['p_value'], 3)} ({method}, {test}{df})")

    say(f"[5/{n_steps}] Comparing with the published figures")
    summary["checks"] = _checks(summary, pub_by_outcome, published)
    for key, chk in summary["checks"].items():
        mark = "reproduced" if chk["all_match"] else "DIFFERS"
        nums = ", ".join(f"{k} {v['evisynth']}" for k, v in chk.get("numbers", {}).items())
        say(f"      {key}: {mark}" + (f" ({nums})" if nums else ""))

    say(f"[6/{n_steps}] Report, GRADE, summary and PRISMA diagram (whatever is installed)")
    if later_stages:
        summary["files"]["reports"] = _stage_html_reports(docs, out, say)
        grade = _stage_grade(folder, out, say)
        summary["files"]["grade"] = {k: v for k, v in grade.items() if k not in ("certainty", "accuracy_check")}
        if "accuracy_check" in grade:
            summary["accuracy_check"] = grade["accuracy_check"]
        if grade.get("certainty"):
            for name, level in grade["certainty"].items():
                summary["outcomes"].setdefault(name, {})["certainty"] = level
        summary["files"]["prisma"] = _stage_prisma(folder, out, review["review"]["title"], say)
    published_certainty = {r["outcome"]: r["certainty"] for r in published.get("result", []) if "certainty" in r}
    for name, level in published_certainty.items():
        summary["outcomes"][name]["certainty_published"] = level
    summary["runtime_seconds"] = round(time.perf_counter() - t0, 2)
    _dump(out / "demo.json", summary)
    (out / "report.html").write_text(_overview_html(summary, review), encoding="utf-8")
    say(f"Done in {summary['runtime_seconds']:.1f} s. Open {out / 'report.html'} first; "
        f"key numbers in {out / 'demo.json'}, per-outcome analyses in {out}/<outcome>/analysis.json.")
    return summary


def _run(table: Any, spec: AnalysisSpec) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_analysis(table, spec)


def docs_effects(table: Any, o: dict[str, Any]) -> Any:
    """The effect table of an outcome with its review-file settings."""
    from evisynth.effects.compute import compute_effects

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compute_effects(table, o.get("measure"), smd_variance=o.get("smd_variance", "revman"))


def _derivation_counts(notes: Any) -> dict[str, int]:
    kinds = {"from se": "SD from SE", "ci of the mean": "from a CI", "median": "from median/IQR/range",
             "of change imputed": "change SD from r", "pooled sd": "pooled SD from P/t/CI",
             "shared control": "shared control split", "combined with": "arms combined"}
    counts: dict[str, int] = {}
    for note in notes:
        low = note.lower()
        for needle, label in kinds.items():
            if needle in low:
                counts[label] = counts.get(label, 0) + 1
    return counts


def _checks(summary: dict[str, Any], pub_by_outcome: dict[str, list[dict[str, Any]]],
            published: dict[str, Any]) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    for name, results in pub_by_outcome.items():
        entry = summary["outcomes"].get(name, {})
        for r in results:
            if "subgroup" in r:
                g = entry.get("subgroups", {}).get(r["subgroup"], {}).get("groups", {}).get(r["level"])
                mine = g or {}
            elif "moderator" in r:
                mine = entry.get("meta_regression", {}).get(r["moderator"], {})
            else:
                mine = entry.get("pooled", {})
            chk = compare(mine, r)
            chk["label"] = r.get("label", r["key"])
            checks[r["key"]] = chk
    for f in published.get("finding", []):
        groups = summary["outcomes"].get(f["outcome"], {}).get("subgroups", {}).get(f["subgroup"], {}).get("groups", {})
        hi, lo = groups.get(f["greater"], {}).get("estimate"), groups.get(f["lesser"], {}).get("estimate")
        checks[f["key"]] = {"label": f"{f['greater']} > {f['lesser']} ({f['subgroup']})",
                            "all_match": hi is not None and lo is not None and hi > lo,
                            "numbers": {}, "values": {f["greater"]: hi, f["lesser"]: lo}}
    return checks


def _figure(nums: dict[str, Any], which: str) -> str:
    """``-0.23 [-0.43, -0.02], P = 0.03`` from a comparison's numbers."""
    if not nums:
        return ""
    text = f"{nums['estimate'][which]} [{nums['ci_lower'][which]}, {nums['ci_upper'][which]}]"
    if "p" in nums:
        p = nums["p"][which].strip()
        text += f", P {p}" if p.startswith("<") else f", P = {p}"
    return text


def _overview_html(summary: dict[str, Any], review: dict[str, Any]) -> str:
    e = html.escape
    rows = []
    for _key, chk in summary["checks"].items():
        nums = chk.get("numbers", {})
        pub = _figure(nums, "published") or "—"
        mine = _figure(nums, "evisynth") or ", ".join(
            f"{k} {fmt.format_number(v)}" for k, v in chk.get("values", {}).items())
        rows.append(f"<tr><td>{e(chk['label'])}</td><td>{e(pub)}</td><td>{e(mine)}</td>"
                    f"<td>{'yes' if chk['all_match'] else '<b>no</b>'}</td></tr>")
    outs = []
    for name, o in summary["outcomes"].items():
        p = o.get("pooled", {})
        links = [f'<a href="{e(o["analysis"])}">analysis.json</a>'] if "analysis" in o else []
        rep = summary["files"].get("reports", {}).get(name)
        if rep:
            links.insert(0, f'<a href="{e(rep)}">report</a>')
        cert = o.get("certainty") or o.get("certainty_published") or ""
        outs.append(f"<tr><td>{e(name)}</td><td>{p.get('k', '')}</td><td>{e(p.get('measure', ''))} "
                    f"{e(fmt.format_effect_ci(p.get('estimate'), p.get('ci_lower'), p.get('ci_upper')))}</td>"
                    f"<td>{e(fmt.p_text(p.get('p_value')))}</td><td>{e(fmt.format_percent(p.get('i2')))}</td>"
                    f"<td>{e(str(cert))}</td><td>{' · '.join(links)}</td></tr>")
    derived = []
    for name, o in summary["outcomes"].items():
        for d in o.get("derived", []):
            derived.append(f"<li><b>{e(name)}</b> — {e(d['study'])}: {e(d['note'])}</li>")
    extra_links = []
    grade = summary["files"].get("grade", {})
    for group in grade.values():
        if isinstance(group, dict):
            extra_links += [f'<a href="{e(v)}">{e(Path(v).name)}</a>' for v in group.values()]
        elif isinstance(group, str):
            extra_links.append(f'<a href="{e(group)}">{e(Path(group).name)}</a>')
    extra_links += [f'<a href="{e(p)}">{e(Path(p).name)}</a>' for p in summary["files"].get("prisma", [])
                    if p.endswith(".svg")]
    skipped = "".join(f"<li>{e(s)}</li>" for s in summary.get("skipped", []))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>evisynth demo: {e(review['review']['title'])}</title>
<style>body{{font-family:Arial,Helvetica,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#111}}
table{{border-collapse:collapse;margin:.6em 0;font-size:.9em}}th,td{{padding:.3em .6em;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top}}th{{border-bottom:2px solid #333}}.warn{{background:#fff4e0;padding:.6em;
border-left:4px solid #e0a000}}li{{font-size:.9em}}</style></head><body>
<h1>{e(review['review']['title'])}</h1>
<p class="warn"><b>Synthetic data.</b> The 13 trials (18 comparisons) were generated by
<code>scripts/make_rtms_example.py</code> and calibrated so that the analyses reproduce the pooled results of a
published meta-analysis whose trial-level data are not public. They are not real trial results.</p>
<p>Population: {e(review['review']['population'])}. Intervention: {e(review['review']['intervention'])}.
Comparison: {e(review['review']['comparison'])}.</p>
<h2>Outcomes</h2>
<table><tr><th>Outcome</th><th>k</th><th>Effect [95% CI]</th><th>Test</th><th>I²</th><th>Certainty</th><th>Files</th></tr>
{''.join(outs)}</table>
<h2>Published figures reproduced</h2>
<table><tr><th>Result</th><th>Published</th><th>evisynth (same rounding)</th><th>Match</th></tr>{''.join(rows)}</table>
<h2>Data derived while reading the study tables</h2><ul>{''.join(derived)}</ul>
<h2>More</h2><p>{' · '.join(extra_links) or 'No later stages installed.'}
· <a href="demo.json">demo.json</a> · <a href="data/">input data</a></p>
{f'<h2>Skipped</h2><ul>{skipped}</ul>' if skipped else ''}
<p style="font-size:.8em;color:#555">evisynth {e(summary['evisynth_version'])};
run time {summary.get('runtime_seconds', 0):.1f} s.</p>
</body></html>
"""


__all__ = ["at_reported_rounding", "compare", "load_example", "meta_regression_summary", "run_demo", "slug"]
