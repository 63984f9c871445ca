"""The whole pipeline on the bundled example review (``evisynth demo``).

The example is a SYNTHETIC re-creation of a 2026 meta-analysis of repetitive transcranial magnetic
stimulation (rTMS) for post-stroke spasticity (``evisynth/data/rtms``; see its README). The demo
runs the review file through the same pipeline as ``evisynth summarize`` (:func:`run_review`):
it reads the study tables (deriving missing SDs and splitting shared control groups), pools each
outcome with RevMan 5 settings (DerSimonian-Laird random effects, z test) with the publication-bias
and sensitivity analyses, runs the subgroup analyses and the meta-regression on pulses, rates
each outcome with GRADE, and writes the per-outcome reports with figures, the summary-of-findings
table, the plain-language summary with its accuracy check and the PRISMA diagram of a synthetic
four-database search. It then compares its numbers with the published figures.

Outputs (``evisynth-demo/`` by default): ``report.html`` (start here), ``demo.json`` (key numbers
next to the published figures), ``<outcome>/analysis.json`` and the subgroup and meta-regression
documents per outcome, ``<outcome>/report.html`` with its figures, ``summary/``, ``prisma/``,
``search/`` and the example's input files under ``data/``.
"""

from __future__ import annotations

import csv
import json
import re
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evisynth import format as fmt
from evisynth._version import __version__
from evisynth.analyses.bundle import AnalysisBundle
from evisynth.errors import InputError
from evisynth.examples.data import RTMS_DIR
from evisynth.examples.demo_page import overview_html
from evisynth.examples.project import build_example_project
from evisynth.examples.published import checks, load_published
from evisynth.files import write_output
from evisynth.io.tabular import StudyTable, read_study_table
from evisynth.plots.prisma import save_prisma
from evisynth.report.outcome_report import outcome_figures, outcome_options, write_outcome_report
from evisynth.report.summary import write_summary
from evisynth.review.file import Review, load_review
from evisynth.review.runner import OutcomeResult, ReviewResult, run_review
from evisynth.store.prisma_store import prisma_counts

Progress = Callable[[str], None]
STEPS = 6


def slug(name: str) -> str:
    """Folder name of an outcome: ``"Motor function (Fugl-Meyer)"`` → ``"motor_function_fugl_meyer"``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _dump(path: Path, doc: Any, force: bool = False) -> None:
    write_output(path, json.dumps(doc, indent=2, allow_nan=False) + "\n", by="demo", force=force)


def _copy_tree(src: Path, dst: Path, force: bool) -> None:
    """Copy the example's data files (not its code) into ``dst``, each written atomically."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_file() and "__pycache__" not in rel.parts and path.suffix not in (".py", ".pyc"):
            write_output(dst / rel, path.read_bytes(), by="demo", force=force)


def _key_numbers(a: AnalysisBundle) -> dict[str, Any]:
    p, h = a.pooled, a.heterogeneity
    return {"measure": a.measure, "k": p.k, "participants": a.totals.participants, "estimate": p.estimate,
            "ci_lower": p.ci_lower, "ci_upper": p.ci_upper, "p_value": p.p_value, "tau2": h.tau2, "i2": h.i2,
            "text": a.text}


_KINDS = {"from se": "SD from SE", "ci of the mean": "from a CI", "median": "from median/IQR/range",
          "of change imputed": "change SD from r", "pooled sd": "pooled SD from P/t/CI",
          "shared control": "shared control split", "combined with": "arms combined"}


def _derivation_counts(notes: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for note in notes:
        low = note.lower()
        for needle, label in _KINDS.items():
            if needle in low:
                counts[label] = counts.get(label, 0) + 1
    return counts


def _read_tables(review: Review, say: Progress, summary: dict[str, Any]) -> dict[Path, StudyTable]:
    """Step 1: every outcome's study table, read once (the pipeline reuses them)."""
    tables: dict[Path, StudyTable] = {}
    shown: set[str] = set()
    for o in review.outcomes:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = read_study_table(o.data)
        tables[o.data] = table
        derived = [(s, n) for s, n in zip(table.study, table.derived or ("",) * table.k, strict=True) if n]
        kinds = _derivation_counts(n for _, n in derived)
        extra = f"; {len(caught)} warning(s)" if caught else ""
        say(f"      {o.data.name}: {table.k} comparisons, {len(derived)} with derived data"
            + (f" ({', '.join(f'{v} {k}' for k, v in kinds.items())})" if kinds else "") + extra)
        summary["outcomes"].setdefault(o.name, {})["derived"] = [{"study": s, "note": n} for s, n in derived]
        for study, note in derived:  # one example of each kind of derivation
            for part in note.split("; "):
                kind = next(iter(_derivation_counts([part])), None)
                if kind and kind not in shown:
                    shown.add(kind)
                    say(f"        e.g. {study}: {part}")
    return tables


def _subgroups(o: OutcomeResult, out: Path, say: Progress, force: bool = False) -> dict[str, Any]:
    entries = {}
    for var, bundle in o.subgroups.items():
        sg = bundle.subgroups
        assert sg is not None  # a subgroup run always has its section
        name = f"{slug(o.spec.name)}/subgroups_{slug(var)}.json"
        _dump(out / name, bundle.to_dict(), force)
        entries[var] = {
            "groups": {g.level: {"k": g.k, "estimate": g.estimate, "ci_lower": g.ci_lower, "ci_upper": g.ci_upper,
                                 "p_value": g.p_value, "i2": g.i2} for g in sg.groups},
            "difference": sg.difference.to_dict(), "text": bundle.text.get("subgroup_difference"), "file": name,
        }
        parts = [f"{g.level} {fmt.format_effect_ci(g.estimate, g.ci_lower, g.ci_upper)}" for g in sg.groups]
        say(f"      {o.spec.name} by {var}: " + "; ".join(parts))
    return entries


def _meta_regression(o: OutcomeResult, out: Path, units: dict[str, str], say: Progress,
                     force: bool = False) -> dict[str, Any]:
    if o.regression is None or o.regression.meta_regression is None:
        return {}
    mr = o.regression.meta_regression
    name = f"{slug(o.spec.name)}/meta_regression_{slug('_'.join(o.spec.moderators))}.json"
    _dump(out / name, o.regression.to_dict(), force)
    intercept = mr.coefficient("intercept")
    entries = {}
    for mod in o.spec.moderators:
        c = next((c for c in mr.coefficients if c.name == mod), None)
        if c is None:  # a categorical moderator has one coefficient per level: see the document
            continue
        entries[mod] = {"moderator": mod, "method": mr.method, "test": mr.test, "k": mr.k,
                        "intercept": intercept.estimate, "estimate": c.estimate, "se": c.se, "statistic": c.statistic,
                        "df": mr.df, "p_value": c.p_value, "ci_lower": c.ci_lower, "ci_upper": c.ci_upper,
                        "tau2": mr.tau2, "i2": mr.i2, "qe": mr.qe, "qe_p": mr.qe_p, "unit": units.get(mod),
                        "file": name}
        df = f", {mr.df} df" if mr.df else ""
        say(f"      {o.spec.name} on {mod} ({units.get(mod) or mod}): slope {fmt.format_number(c.estimate)} "
            f"[{fmt.format_number(c.ci_lower, 3)}, {fmt.format_number(c.ci_upper)}], "
            f"P = {fmt.format_number(c.p_value, 3)} ({mr.method}, {mr.test}{df})")
    return entries


def _reports(result: ReviewResult, out: Path, say: Progress,
             force: bool = False) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each outcome's report (main analysis, subgroup analyses, meta-regression); the figure files per outcome."""
    written: dict[str, str] = {}
    figures: dict[str, list[str]] = {}
    for o in result.outcomes:
        options = outcome_options(o, intervention="rTMS", comparison="control")
        options = _with_rob(options, o)
        folder = out / slug(o.spec.name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            path = write_outcome_report(o, folder, options, force=force)
        written[o.spec.name] = str(path.relative_to(out))
        figures[o.spec.name] = [f"{slug(o.spec.name)}/figures/{item.key}.png" for item in outcome_figures(o, options)]
    n_sub = sum(len(o.subgroups) for o in result.outcomes)
    n_bubble = sum(len(o.regression.figures.bubbles) for o in result.outcomes
                   if o.regression is not None and o.regression.meta_regression is not None)
    say(f"      wrote {len(written)} outcome reports with forest, funnel and sensitivity plots, {n_sub} subgrouped "
        f"forest plots and {n_bubble} bubble plot{'' if n_bubble == 1 else 's'}")
    return written, figures


def _summary(result: ReviewResult, out: Path, say: Progress, force: bool = False) -> dict[str, Any]:
    info: dict[str, Any] = {}
    _dump(out / "summary" / "grade.json", result.to_dict(), force)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paths = write_summary(result, out / "summary", docx=False, force=force)
    info["files"] = {"grade_json": "summary/grade.json",
                     **{k: str(Path(v).relative_to(out)) for k, v in paths.items()}}
    say("      wrote GRADE, the summary-of-findings table, the evidence profile and the plain-language summary")
    check = json.loads(Path(paths["check"]).read_text(encoding="utf-8"))
    info["accuracy_check"] = {"available": check.get("available"), "ok": check.get("ok"),
                              "claims": len(check.get("claims", [])), "findings": len(check.get("findings", []))}
    verdict = "passed" if check.get("ok") else "FOUND PROBLEMS"
    say(f"      accuracy check of the summary: {verdict} ({info['accuracy_check']['claims']} numbers checked, "
        f"{info['accuracy_check']['findings']} findings)")
    return info


def _example_studies(folder: Path) -> tuple[tuple[str, int], ...]:
    """(trial label, number of comparisons) of the example's included studies, from its data files."""
    counts: dict[str, int] = {}
    with open(folder / "spasticity_synthetic.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            counts[row["trial"]] = counts.get(row["trial"], 0) + 1
    return tuple((f"{trial} (synthetic)", n) for trial, n in counts.items())


def _prisma(folder: Path, out: Path, title: str, say: Progress, force: bool = False) -> list[str]:
    """The SYNTHETIC search project (four databases: import, dedupe, screen) and its PRISMA 2020 diagram."""
    project = build_example_project(out / "search", seed=2026, studies=_example_studies(folder),
                                    force=force)
    try:
        counts = prisma_counts(project)
        provenance = {"evisynth_version": __version__, "settings": {"title": title, "database": "evisynth.db"},
                      "inputs": [{"path": b.file_name, "sha256": b.sha256, "bytes": None, "database": b.database,
                                  "records": b.record_count} for b in project.batches()]}
    finally:
        project.close()
    paths = save_prisma(counts, out / "prisma", title=title, force=force, provenance=provenance)
    say("      wrote the PRISMA 2020 flow diagram (synthetic search of four databases, imported, deduplicated and "
        "screened in search/)")
    return [str(Path(p).relative_to(out)) for p in paths]


def run_demo(out: str | Path = "evisynth-demo", *, progress: Progress | None = print,
             data_dir: str | Path | None = None, later_stages: bool = True, force: bool = False) -> dict[str, Any]:
    """Run the example review end to end and write everything to ``out``.

    Parameters
    ----------
    out : str or Path
        Output folder (created; the demo's own files in it are replaced).
    progress : callable, optional
        Receives one line per step (``print`` by default; ``None`` for silence).
    data_dir : str or Path, optional
        A folder laid out like ``evisynth/data/rtms`` (default: the bundled example).
    later_stages : bool
        Write the reports, GRADE summary and PRISMA diagram (step 6).
    force : bool
        Replace files in ``out`` that evisynth did not write (the demo's own files are always
        refreshed; a file you put there or edited is kept unless ``force``).

    Returns
    -------
    dict
        The ``demo.json`` document: key numbers per outcome next to the published figures.
    """
    say: Progress = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {str(out)!r} is a file; expected a folder (it is created if needed)")
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(data_dir) if data_dir else RTMS_DIR
    review = load_review(folder / "review.toml")
    published = load_published(folder)
    regression = published.get("meta_regression", {})
    units = {regression["moderator"]: regression["unit"]} if regression else {}
    say(f"evisynth {__version__} demo: {review.title}")
    say("  The trials are SYNTHETIC, calibrated to the published pooled results (see data/README.md).")
    _copy_tree(folder, out / "data", force)
    summary: dict[str, Any] = {
        "evisynth_version": __version__, "synthetic": True, "title": review.title,
        "source": published.get("source"), "outcomes": {}, "checks": {}, "files": {}, "skipped": [],
    }
    say(f"[1/{STEPS}] Reading the study tables (derived SDs, split shared controls)")
    tables = _read_tables(review, say, summary)
    first = review.outcomes[0].analysis
    say(f"[2/{STEPS}] Pooling each outcome ({first.method} random effects, {first.test} test, as RevMan 5)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_review(review, bias=True, sensitivity=True, read=tables.__getitem__)
    for o in result.outcomes:
        a = o.analysis
        _dump(out / slug(o.spec.name) / "analysis.json", a.to_dict(), force)
        key = _key_numbers(a)
        summary["outcomes"][o.spec.name].update(pooled=key, analysis=f"{slug(o.spec.name)}/analysis.json")
        summary["skipped"] += [f"{o.spec.name}: {n}" for n in o.notes]
        say(f"      {o.spec.name}: {a.measure} {fmt.format_effect_ci(key['estimate'], key['ci_lower'], key['ci_upper'])}, "
            f"{fmt.p_text(key['p_value'])}; k = {key['k']}, I² = {fmt.format_percent(key['i2'])}")
    say(f"[3/{STEPS}] Subgroup analyses")
    for o in result.outcomes:
        summary["outcomes"][o.spec.name]["subgroups"] = _subgroups(o, out, say, force)
    say(f"[4/{STEPS}] Meta-regression")
    for o in result.outcomes:
        entries = _meta_regression(o, out, units, say, force)
        if entries:
            summary["outcomes"][o.spec.name]["meta_regression"] = entries
    _dependent_and_bayesian(result, out, say, summary, force)
    say(f"[5/{STEPS}] Comparing with the published figures")
    summary["checks"] = checks(summary["outcomes"], published)
    for key, chk in summary["checks"].items():
        mark = "reproduced" if chk["all_match"] else "DIFFERS"
        nums = ", ".join(f"{k} {v['evisynth']}" for k, v in chk.get("numbers", {}).items())
        say(f"      {key}: {mark}" + (f" ({nums})" if nums else ""))
    for o in result.outcomes:
        summary["outcomes"][o.spec.name]["certainty"] = o.certainty.label
    say(f"[6/{STEPS}] Reports, GRADE, summary and PRISMA diagram")
    if later_stages:
        summary["files"]["reports"], summary["files"]["figures"] = _reports(result, out, say, force)
        info = _summary(result, out, say, force)
        summary["files"]["grade"] = info["files"]
        summary["accuracy_check"] = info["accuracy_check"]
        summary["files"]["prisma"] = _prisma(folder, out, review.title, say, force)
        summary["files"]["rob"] = _rob_figures(result, out, say, force)
        _rob_grade(result, summary)
    else:
        summary["skipped"].append("reports, GRADE summary and PRISMA diagram (--no-later-stages)")
    for r in published.get("result", []):
        if "certainty" in r:
            summary["outcomes"][r["outcome"]]["certainty_published"] = r["certainty"]
    summary["runtime_seconds"] = round(time.perf_counter() - t0, 2)
    _dump(out / "demo.json", summary, force)
    write_output(out / "report.html", overview_html(summary, review), by="demo", force=force)
    say(f"Done in {summary['runtime_seconds']:.1f} s. Open {out / 'report.html'} first; "
        f"key numbers in {out / 'demo.json'}, per-outcome analyses in {out}/<outcome>/analysis.json.")
    return summary


# ------------------------------------------------------------------------------------------ risk of bias
def _with_rob(options: Any, o: OutcomeResult) -> Any:
    """The report options with the outcome's risk-of-bias judgements for every forest plot's RoB columns."""
    from dataclasses import replace

    judgements = o.forest_rob
    return replace(options, rob=judgements) if judgements else options


def _rob_weights(result: ReviewResult) -> tuple[str, dict[str, float]] | None:
    """The outcome with the most weighted studies and each study's weight (percent) in its main analysis."""
    best: tuple[str, dict[str, float]] | None = None
    for o in result.outcomes:
        w = {s.study: float(s.weight_percent) for s in o.analysis.studies
             if s.included and s.weight_percent is not None and s.weight_percent > 0}
        if best is None or len(w) > len(best[1]):
            best = (o.spec.name, w)
    return best


def _rob_figures(result: ReviewResult, out: Path, say: Progress, force: bool = False) -> list[str]:
    """``rob/traffic_light.png|svg`` (every assessment) and ``rob/summary.png|svg`` (weighted by each study's
    weight in the main analysis of the outcome with the most studies), as robvis draws them."""
    from evisynth.plots import rob_summary, rob_traffic_light
    from evisynth.plots.export import figure_bytes

    assessments = list(result.rob or ())
    if not assessments:
        return []
    written: list[str] = []
    picked = _rob_weights(result)
    outcome, weights = picked if picked else ("", {})
    shown = [a for a in assessments if not weights or a.study in weights] or assessments
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figures = {
            "traffic_light": rob_traffic_light.draw(rob_traffic_light.traffic_light_layout(
                assessments, title="Risk of bias (RoB 2) of each comparison")),
            "summary": rob_summary.draw(rob_summary.summary_layout(
                shown, weights=weights or None,
                title=f"Risk of bias (RoB 2), weighted by the studies' weights in {outcome}" if weights else None)),
        }
    for stem, fig in figures.items():
        for kind in ("png", "svg"):
            path = out / "rob" / f"{stem}.{kind}"
            write_output(path, figure_bytes(fig, kind), by="demo", force=force)
            written.append(str(path.relative_to(out)))
    say(f"      wrote the risk-of-bias traffic-light plot ({len(assessments)} assessments) and the summary plot "
        f"weighted by the studies' weights in {outcome or 'no analysis'} (rob/)")
    return written


def _rob_grade(result: ReviewResult, summary: dict[str, Any]) -> None:
    """Each outcome's GRADE risk-of-bias numbers (weight shares, low-risk sensitivity analysis) in ``demo.json``."""
    for o in result.outcomes:
        s = o.certainty.domains["risk_of_bias"].suggestion
        shares: dict[str, Any] = {k: s.inputs[k] for k in ("share_low", "share_some_concerns", "share_high")
                                  if k in s.inputs}
        summary["outcomes"][o.spec.name]["risk_of_bias"] = {
            "suggested": s.judgement, "reason": s.reason, **shares,
            "low_risk_sensitivity": o.rob_sensitivity.to_dict() if o.rob_sensitivity else None}


def _dependent_and_bayesian(result: ReviewResult, out: Path, say: Progress, summary: dict[str, Any],
                            force: bool = False) -> None:
    """Three-level sensitivity analysis and Bayesian small-sample analysis (:mod:`evisynth.examples.demo_dependent`)."""
    from evisynth.examples.demo_dependent import bayesian_small, multilevel_sensitivity

    say("      Dependent comparisons (three-level model) and the smallest meta-analysis (Bayesian)")
    outcomes = list(result.outcomes)
    for key, found in (("multilevel", multilevel_sensitivity(outcomes, out, say, slug, force)),
                       ("bayesian", bayesian_small(outcomes, out, say, slug, force))):
        if found is not None:
            summary["outcomes"][found[0]][key] = found[1]


__all__ = ["run_demo", "slug"]
