"""The analysis of one outcome's grid for the web app: typed results, the report's tables and sections,
figures as SVG/PNG/PDF and the report files (HTML, Markdown, analysis JSON), all in memory.

Every number comes from :func:`evisynth.analyses.run.run_analysis` and is laid out by
:mod:`evisynth.report` (the same tables, sections and Jinja2 templates as ``report.html``).
"""

from __future__ import annotations

import json
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
from evisynth.report.sections import ReportSection
from evisynth.report.tables import Table

__all__ = ["CHOICES", "AnalysisView", "analyse_grid", "figure_file", "form_settings", "grid_columns", "inline_svg",
           "report_file", "review_specs"]

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


def review_specs(project_dir: str | Path) -> dict[str, AnalysisSpec]:
    """Each outcome's analysis settings from the project's review file (``review.toml`` or
    ``data/review.toml``), by the review's outcome name; empty without a review file."""
    from evisynth.review.file import find_review, load_review

    path = find_review(project_dir)
    return {o.name: o.analysis for o in load_review(path).outcomes} if path is not None else {}


def form_settings(spec: AnalysisSpec | None) -> dict[str, str]:
    """The form's values (measure, model, method, test, level) of ``spec``; ``""`` for one the data decide."""
    s = spec or AnalysisSpec()
    return {"measure": (s.measure or "").upper(), "model": s.model or "", "method": (s.method or "").upper(),
            "test": s.test, "level": f"{s.level:g}"}


def grid_columns(grid: Grid) -> tuple[str, ...]:
    """The grid's columns that are not effect data (study label, arm values): the subgroup and moderator
    candidates, as the study-table reader sees them (all non-label columns when the grid is unreadable)."""
    from evisynth.io.tabular import read_study_table

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return tuple(read_study_table(grid.frame(), source="grid").extra_names.values())
        except InputError:
            return tuple(h for h in grid.header if h and h.lower() != "study")


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
    return replace(base or AnalysisSpec(), measure=pick("measure"), model=pick("model"), method=pick("method"),
                   test=pick("test") or opt.DEFAULT_TEST, level=level, subgroup=subgroup or None,
                   moderators=moderators, bias=True, sensitivity=True)


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
    o = options or ReportOptions()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        main = run_analysis(grid.frame(), replace(s, subgroup=None, moderators=()), source=source)
        sub = run_analysis(grid.frame(), replace(s, moderators=()), source=source) if subgroup else None
        reg = run_analysis(grid.frame(), replace(s, subgroup=None), source=source) if moderators else None
    parts = build_report(main, o, subgroups={subgroup: sub} if sub is not None and subgroup else None,
                         regression=reg)
    notes = tuple(dict.fromkeys([*(str(w.message) for w in caught), *parts["warnings"]]))
    return AnalysisView(main, parts["title"], parts["results"], tuple(parts["tables"]), tuple(parts["figures"]),
                        tuple(parts["sections"]), notes, subgroup, moderators, o, sub, reg)


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


def report_file(view: AnalysisView, name: str) -> bytes:
    """``report.html`` (self-contained), ``report.md`` or ``analysis.json`` of the analysis.

    With a subgroup or moderator chosen, ``analysis.json`` also holds ``subgroup_analyses`` and
    ``meta_regression`` (as in ``review_result.json``)."""
    if name not in ("report.html", "report.md", "analysis.json"):
        raise InputError(f"{name!r} is not one of report.html, report.md, analysis.json")
    subgroups = {view.subgroup: view.subgroup_bundle} if view.subgroup and view.subgroup_bundle else None
    with tempfile.TemporaryDirectory() as tmp:
        write_report(view.bundle, Path(tmp), view.options, subgroups=subgroups, regression=view.regression)
        data = (Path(tmp) / name).read_bytes()
    if name != "analysis.json" or not (subgroups or view.regression):
        return data
    # the subgroup analysis and meta-regression chosen on the page, under the keys (and in the shape)
    # of review_result.json's outcomes; the main analysis' keys are unchanged
    doc = json.loads(data)
    doc["subgroup_analyses"] = {col: {**b.to_dict()["subgroups"], "text": b.text.get("subgroup_difference")}
                                for col, b in (subgroups or {}).items()}
    doc["meta_regression"] = view.regression.to_dict()["meta_regression"] if view.regression else None
    return (json.dumps(doc, indent=2, allow_nan=False) + "\n").encode("utf-8")
