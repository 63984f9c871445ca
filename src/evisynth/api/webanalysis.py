"""The analysis of one outcome's grid for the web app: typed results, the report's tables and sections,
figures as SVG/PNG/PDF and the report files (HTML, Markdown, analysis JSON), all in memory.

Every number comes from :func:`evisynth.analyses.run.run_analysis` and is laid out by
:mod:`evisynth.report` (the same tables, sections and Jinja2 templates as ``report.html``).
"""

from __future__ import annotations

import json
import re
import tempfile
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

from evisynth import options as opt
from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.api.extraction import Grid
from evisynth.errors import InputError
from evisynth.report.figures import FigureItem
from evisynth.report.html_report import build_report, write_report
from evisynth.report.options import ReportOptions
from evisynth.report.outcome_report import spec_options
from evisynth.report.sections import ReportSection
from evisynth.report.tables import Table
from evisynth.review.model import OutcomeSpec

__all__ = [
    "CHOICES",
    "REPORT_FILES",
    "AnalysisView",
    "analyse_grid",
    "download_name",
    "figure_file",
    "file_stem",
    "form_settings",
    "grid_columns",
    "grid_info",
    "inline_svg",
    "report_file",
    "review_outcomes",
    "review_settings_text",
    "review_specs",
    "settings_differ",
    "spec_options",
]

#: The choices of the analysis form, from :mod:`evisynth.options` (the one source of the CLI's choices).
CHOICES: dict[str, tuple[str, ...]] = {
    "measure": opt.MEASURES, "model": opt.MODELS, "method": opt.METHODS, "test": opt.TESTS,
}
FIGURE_FORMATS = ("svg", "png", "pdf")


@dataclass(frozen=True)
class AnalysisView:
    """One outcome's analysis as the app shows it."""

    bundle: AnalysisBundle
    title: str
    results: str
    tables: tuple[Table, ...]
    figures: tuple[FigureItem, ...]
    sections: tuple[ReportSection, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)
    subgroup: str | None = None
    moderators: tuple[str, ...] = ()
    options: ReportOptions = field(default_factory=ReportOptions)
    subgroup_bundle: AnalysisBundle | None = None
    regression: AnalysisBundle | None = None

    def all_figures(self) -> list[FigureItem]:
        return [*self.figures, *(f for s in self.sections for f in s.figures)]

    def figure(self, key: str) -> FigureItem:
        for item in self.all_figures():
            if item.key == key:
                return item
        raise InputError(f"no figure {key!r} in this analysis; figures: "
                         f"{', '.join(i.key for i in self.all_figures()) or 'none'}")


def review_outcomes(project_dir: str | Path) -> dict[str, OutcomeSpec]:
    """Each outcome of the project's review file (``review.toml`` or ``data/review.toml``), by its name;
    empty without a review file."""
    from evisynth.review.file import find_review, load_review

    path = find_review(project_dir)
    return {o.name: o for o in load_review(path).outcomes} if path is not None else {}


def review_specs(project_dir: str | Path) -> dict[str, AnalysisSpec]:
    """Each outcome's analysis settings from the project's review file, by the review's outcome name."""
    return {name: o.analysis for name, o in review_outcomes(project_dir).items()}


def form_settings(spec: AnalysisSpec | None) -> dict[str, str]:
    """The form's values (measure, model, method, test, level, cluster, robust) of ``spec``; ``""`` for one
    the data decide."""
    s = spec or AnalysisSpec()
    return {"measure": (s.measure or "").upper(), "model": s.model or "", "method": (s.method or "").upper(),
            "test": s.test, "level": f"{s.level:g}", "cluster": s.cluster or "", "robust": "1" if s.robust else ""}


def review_settings_text(spec: AnalysisSpec) -> str:
    """The review file's settings of an outcome as the page names them, e.g. ``"MD, random, DL, z, 0.95"``."""
    s = form_settings(spec)
    return ", ".join(v for v in (s["measure"] or "measure from the data", s["model"], s["method"], s["test"],
                                 s["level"]) if v)


def settings_differ(settings: dict[str, str], spec: AnalysisSpec | None) -> bool:
    """Whether the page's measure, model, method, test, level (or cluster, robust SE) differ from ``spec``'s."""
    if spec is None:
        return False
    start = form_settings(spec)
    return any((settings.get(k) or "") != start[k] for k in ("measure", "model", "method", "test", "cluster",
                                                              "robust")) \
        or _float(settings.get("level")) != _float(start["level"])


def _float(text: str | None) -> float | None:
    try:
        return float(text or "")
    except ValueError:
        return None


def grid_columns(grid: Grid) -> tuple[str, ...]:
    """The grid's columns that are not effect data (study label, arm values): the subgroup and moderator
    candidates, as the study-table reader sees them (all non-label columns when the grid is unreadable)."""
    return grid_info(grid)[1]


def grid_info(grid: Grid) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """The kind of the grid's data (``continuous``, ``binary``, ``generic``; ``None`` when unreadable), its
    non-data columns (see :func:`grid_columns`) and the columns that can name each row's study (the
    clusters of the multilevel model and robust SE): the non-data columns and other study-id columns
    such as ``trial``, not the study label itself."""
    from evisynth.io.schema import canonical_name
    from evisynth.io.tabular import read_study_table

    labels = [h for h in grid.header if canonical_name(h) == "study"]
    ids = tuple(h for h in grid.header if h in labels[1:])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            table = read_study_table(grid.frame(), source="grid")
        except InputError:
            rest = tuple(h for h in grid.header if h and h.lower() != "study")
            return None, rest, rest
    extra = tuple(table.extra_names.values())
    return table.kind, extra, (*ids, *(h for h in extra if h not in ids))


def _spec(settings: dict[str, str], subgroup: str | None, moderators: tuple[str, ...],
          base: AnalysisSpec | None = None) -> AnalysisSpec:
    start = form_settings(base)

    def pick(name: str) -> str | None:
        value = (settings.get(name) or "").strip() or start[name]
        if value and value not in CHOICES[name]:
            raise InputError(f"{name} {value!r} is not one of {', '.join(CHOICES[name])}")
        return value or None

    text = (settings.get("level") or "").strip() or start["level"]
    try:
        level = float(text)
    except ValueError:
        raise InputError(f"level {text!r} is not a number (e.g. 0.95)") from None
    if not 0.5 <= level < 1:
        raise InputError(f"level must be between 0.5 and 1 (e.g. 0.95); got {text}")
    model = pick("model")
    robust = (settings.get("robust") or "") not in ("", "0") and model in opt.ROBUST_MODELS
    cluster = (settings.get("cluster") or "").strip() or None
    if model == "multilevel" or robust:  # the three-level model and CR2 inference have no subgroups etc. yet
        subgroup, moderators = None, ()
    return replace(base or AnalysisSpec(), measure=pick("measure"), model=model, method=pick("method"),
                   test=pick("test") or opt.DEFAULT_TEST, level=level, subgroup=subgroup or None,
                   moderators=moderators, bias=not (model == "multilevel" or robust),
                   sensitivity=not (model == "multilevel" or robust), cluster=cluster, robust=robust)


def analyse_grid(grid: Grid, settings: dict[str, str] | None = None, *, source: str = "grid",
                 subgroup: str | None = None, moderators: tuple[str, ...] = (),
                 options: ReportOptions | None = None, base: AnalysisSpec | None = None) -> AnalysisView:
    """Analyse the grid with the form's ``settings`` (measure, model, method, test, level).

    ``base`` is the outcome's own analysis settings (the review file's, see :func:`review_specs`): a
    setting the form leaves empty is taken from it, and its other settings (SMD variance, continuity
    correction, ...) are kept.
    ``subgroup`` adds the subgroup analysis (test for subgroup differences, subgrouped forest plot),
    ``moderators`` the meta-regression with a bubble plot per moderator; publication bias and
    sensitivity analyses are always computed (each only when the data allow it). Warnings of the
    engine (e.g. "only 2 studies") are returned, not raised.
    """
    s = _spec(settings or {}, subgroup, moderators, base)
    subgroup, moderators = s.subgroup, s.moderators
    o = options or ReportOptions()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        main = run_analysis(grid.frame(), replace(s, subgroup=None, moderators=()), source=source)
        sub = run_analysis(grid.frame(), replace(s, moderators=()), source=source) if subgroup else None
        reg = run_analysis(grid.frame(), replace(s, subgroup=None), source=source) if moderators else None
    parts = build_report(main, o, subgroups={subgroup: sub} if sub is not None and subgroup else None,
                         regression=reg)
    notes = _warnings([*(str(w.message) for w in caught), *parts["warnings"]], parts["tables"])
    return AnalysisView(main, parts["title"], parts["results"], tuple(parts["tables"]), tuple(parts["figures"]),
                        tuple(parts["sections"]), notes, subgroup, moderators, o, sub, reg)


def _warnings(texts: list[str], tables: list[Table]) -> tuple[str, ...]:
    """Each warning once, without its class name (``FewStudiesWarning: ...``); the low power of the funnel
    tests is left to the note under the publication-bias table when that table has it."""
    noted = any(t.key == "bias" and t.notes for t in tables)
    out = dict.fromkeys(re.sub(r"^[A-Z]\w*Warning: ", "", t) for t in texts)
    return tuple(t for t in out if not (noted and "funnel-plot asymmetry" in t and "low power" in t))


def figure_file(item: FigureItem, fmt: str, dpi: int = 150) -> bytes:
    """The figure drawn and encoded as ``svg``, ``png`` or ``pdf``."""
    from evisynth.plots.export import figure_bytes

    if fmt not in FIGURE_FORMATS:
        raise InputError(f"figure format {fmt!r} is not one of {', '.join(FIGURE_FORMATS)}")
    return figure_bytes(item.render(), fmt, dpi)


def inline_svg(item: FigureItem) -> str:
    """The figure as an ``<svg>`` element to place in a page (matplotlib's own SVG, its text escaped)."""
    text = figure_file(item, "svg").decode("utf-8")
    return text[text.find("<svg"):]


REPORT_FILES = ("report.html", "report.md", "report.zip", "analysis.json")


def file_stem(outcome: str) -> str:
    """The outcome's name as a file-name part: ``"Spasticity (MAS)"`` → ``"spasticity_mas"``."""
    return re.sub(r"[^a-z0-9]+", "_", outcome.lower()).strip("_") or "outcome"


def download_name(name: str, outcome: str) -> str:
    """A download's file name carrying the outcome: ``forest.svg`` → ``forest_spasticity_mas.svg``."""
    stem, _, ext = name.rpartition(".")
    return f"{stem}_{file_stem(outcome)}.{ext}"


def report_file(view: AnalysisView, name: str) -> bytes:
    """``report.html`` (self-contained), ``report.md``, ``report.zip`` or ``analysis.json`` of the analysis.

    ``report.zip`` holds ``report.md`` with the figures it shows (``figures/*.png`` and ``.svg``): the
    Markdown report alone refers to figures it does not contain. The provenance of the reports and
    the JSON names the subgroup and moderators chosen on the page. With a subgroup or moderator chosen,
    ``analysis.json`` also holds ``subgroup_analyses`` and ``meta_regression`` (as in
    ``review_result.json``)."""
    if name not in REPORT_FILES:
        raise InputError(f"{name!r} is not one of {', '.join(REPORT_FILES)}")
    subgroups = {view.subgroup: view.subgroup_bundle} if view.subgroup and view.subgroup_bundle else None
    provenance = view.bundle.provenance
    provenance["settings"].update(subgroup=view.subgroup, moderators=list(view.moderators))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        write_report(view.bundle, out, view.options, subgroups=subgroups, regression=view.regression)
        if name == "report.zip":
            return _zipped(out, provenance)
        data = (out / name).read_bytes()
    if name != "analysis.json":
        return _with_provenance(data, provenance)
    doc = json.loads(data)
    doc["provenance"] = provenance
    if subgroups or view.regression:
        # the subgroup analysis and meta-regression chosen on the page, under the keys (and in the shape)
        # of review_result.json's outcomes; the main analysis' keys are unchanged
        doc["subgroup_analyses"] = {col: {**b.to_dict()["subgroups"], "text": b.text.get("subgroup_difference")}
                                    for col, b in (subgroups or {}).items()}
        doc["meta_regression"] = view.regression.to_dict()["meta_regression"] if view.regression else None
    return (json.dumps(doc, indent=2, allow_nan=False) + "\n").encode("utf-8")


def _with_provenance(data: bytes, provenance: dict[str, object]) -> bytes:
    """The report with its provenance comment (the last line) replaced by the page's."""
    from evisynth.report.html_report import _provenance_comment

    text = data.decode("utf-8")
    head, mark, _ = text.rpartition("<!-- evisynth provenance:")
    return ((head if mark else text) + _provenance_comment(provenance)).encode("utf-8")


def _zipped(folder: Path, provenance: dict[str, object]) -> bytes:
    """``report.md`` and its ``figures/`` as a zip archive."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("report.md", _with_provenance((folder / "report.md").read_bytes(), provenance))
        for path in sorted((folder / "figures").glob("*")):
            if path.suffix in (".png", ".svg"):
                z.write(path, f"figures/{path.name}")
    return buf.getvalue()
