"""Write the analysis report: ``report.html`` (one self-contained file), ``report.md``,
figures as PNG and SVG files, and ``analysis.json``.

>>> from evisynth.report.html_report import write_report  # doctest: +SKIP
>>> write_report(bundle, "out", ReportOptions(intervention="rTMS", outcome="spasticity"))  # doctest: +SKIP
PosixPath('out/report.html')
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.errors import InputError
from evisynth.files import OutputSet
from evisynth.report.figures import FigureItem, figure_notes, report_figures
from evisynth.report.markdown import render_markdown, sections_markdown
from evisynth.report.methods_text import methods_paragraph
from evisynth.report.options import ReportOptions
from evisynth.report.results_text import results_paragraph
from evisynth.report.sections import ReportSection, outcome_sections
from evisynth.report.tables import all_tables
from evisynth.report.templating import render, stylesheet

__all__ = ["ReportOptions", "build_report", "write_report"]

def as_bundle(analysis: AnalysisBundle | dict[str, Any] | str | Path) -> AnalysisBundle:
    """An analysis as a bundle: the bundle itself, an analysis document, or the path of its JSON file."""
    if isinstance(analysis, AnalysisBundle):
        return analysis
    if isinstance(analysis, dict):
        return AnalysisBundle.from_dict(analysis)
    if isinstance(analysis, (str, Path)) and str(analysis).endswith(".json"):
        return AnalysisBundle.from_dict(json.loads(Path(analysis).read_text(encoding="utf-8")))
    raise InputError("a report needs an AnalysisBundle, an analysis document (dict) or a .json file; "
                     f"got {type(analysis).__name__}")


def build_report(analysis: AnalysisBundle, options: ReportOptions | None = None, *,
                 subgroups: Mapping[str, AnalysisBundle] | None = None,
                 regression: AnalysisBundle | None = None) -> dict[str, Any]:
    """The report's parts without writing anything: title, meta lines, paragraphs, tables, figure layouts.

    ``subgroups`` (one analysis per subgroup variable) and ``regression`` (the meta-regression)
    add one :class:`~evisynth.report.sections.ReportSection` each under ``"sections"``.
    """
    o = options or ReportOptions()
    return {
        "sections": outcome_sections(subgroups, regression, o),
        "title": o.report_title(analysis.measure_label),
        "meta": [f"Data: {analysis.source}", f"Effect measure: {analysis.measure_label}",
                 f"evisynth {analysis.evisynth_version}"],
        "methods": methods_paragraph(analysis, prediction=o.prediction),
        "results": results_paragraph(analysis, o.text_options()),
        "tables": all_tables(analysis),
        "figures": report_figures(analysis, forest_options=o.forest_options(), **o.names()),
        "warnings": [*analysis.warnings, *figure_notes(analysis)],
    }


def figure_view(item: FigureItem, number: int, *, png: bytes = b"", svg: bytes | None = None) -> dict[str, Any]:
    """What the ``figure`` macro of ``report/macros.html.j2`` shows: the SVG inline (when given) or the PNG."""
    body = None
    if svg is not None:
        text = svg.decode("utf-8")
        body = Markup(text[text.find("<svg"):])  # matplotlib's own SVG: its text is escaped by matplotlib
    return {"key": item.key, "number": number, "title": item.title, "caption": item.caption, "svg": body,
            "png_base64": base64.b64encode(png).decode("ascii")}


def _pair_sections(sections: list[ReportSection], figures: list[dict[str, Any]]
                   ) -> list[tuple[ReportSection, list[dict[str, Any]]]]:
    """Each section with its (already drawn) figures, in order."""
    out, j = [], 0
    for sec in sections:
        out.append((sec, figures[j:j + len(sec.figures)]))
        j += len(sec.figures)
    return out


def render_page(parts: dict[str, Any], figures: list[dict[str, Any]],
                sections: list[tuple[ReportSection, list[dict[str, Any]]]]) -> str:
    """``report.html`` from the parts of :func:`build_report` (template ``report/page.html.j2``)."""
    return render("report/page.html.j2", title=parts["title"], css=Markup(stylesheet()), meta=parts["meta"],
                  methods=parts["methods"], results=parts["results"], tables=parts["tables"], figures=figures,
                  sections=sections, warnings=parts["warnings"])


def write_report(analysis: AnalysisBundle | dict[str, Any] | str | Path, out_dir: str | Path,
                 options: ReportOptions | None = None, *, subgroups: Mapping[str, AnalysisBundle] | None = None,
                 regression: AnalysisBundle | None = None, force: bool = False,
                 inputs: tuple[str | Path, ...] = ()) -> Path:
    """Write the report into ``out_dir`` and return the path of ``report.html``.

    Every file is prepared first and then written atomically (see :class:`evisynth.files.OutputSet`):
    an interrupted run leaves the previous report complete, and files of the folder that evisynth
    did not write (or that were edited since) are replaced only with ``force``.

    Parameters
    ----------
    analysis : AnalysisBundle, an analysis document (dict) or the path of its JSON file
    out_dir : str or Path
        Created if needed. Receives ``report.html``, ``report.md``, ``analysis.json`` and
        ``figures/<name>.png`` / ``.svg``.
    options : ReportOptions, optional
    subgroups : mapping of str to AnalysisBundle, optional
        One analysis per subgroup variable (``OutcomeResult.subgroups``): each adds a section with
        its subgroup table and subgrouped forest plot ``figures/forest_<variable>.png``/``.svg``.
    regression : AnalysisBundle, optional
        The meta-regression (``OutcomeResult.regression``): a section with its coefficients and a
        bubble plot per moderator, ``figures/bubble_<moderator>.png``/``.svg``.
    force : bool
        Replace files in ``out_dir`` that evisynth did not write.
    inputs : paths
        Files the caller read, never overwritten (the analysis' own input files are added).
    """
    from evisynth.plots.export import figure_bytes

    o = options or ReportOptions()
    bundle = as_bundle(analysis)
    doc = bundle.to_dict()
    out = OutputSet(out_dir, inputs=[*inputs, *(i["path"] for i in bundle.inputs),
                                     *([analysis] if isinstance(analysis, (str, Path)) else [])],
                    force=force, by="report", provenance=bundle.provenance)
    out.add_json("analysis.json", doc)
    parts = build_report(bundle, o, subgroups=subgroups, regression=regression)
    sections: list[ReportSection] = parts["sections"]
    items = [*parts["figures"], *(f for sec in sections for f in sec.figures)]
    fig_entries: list[dict[str, Any]] = []
    fig_views: list[dict[str, Any]] = []
    vector = not figure_notes(bundle)  # above MAX_STUDY_ROWS studies: an SVG of 200,000 points is hundreds of MB: PNG only
    for i, item in enumerate(items, 1):
        fig = item.render()
        png = figure_bytes(fig, "png", o.dpi)
        svg = figure_bytes(fig, "svg") if vector else b""
        out.add(f"figures/{item.key}.png", png)
        if vector:
            out.add(f"figures/{item.key}.svg", svg)
        fig_entries.append({"title": item.title, "caption": item.caption, "png": f"figures/{item.key}.png",
                            "svg": f"figures/{item.key}.svg" if vector else None})
        fig_views.append(figure_view(item, i, png=png, svg=svg if o.embed == "svg" and vector else None))
    n_main = len(parts["figures"])
    section_md = sections_markdown(sections, fig_entries[n_main:], n_main + 1) if sections else ""
    md = render_markdown(parts["title"], parts["meta"], parts["methods"], parts["results"], parts["tables"],
                         fig_entries[:n_main], parts["warnings"], section_md)
    out.add("report.md", md + _provenance_comment(bundle.provenance))
    page = render_page(parts, fig_views[:n_main], _pair_sections(sections, fig_views[n_main:]))
    path = out.add("report.html", page + _provenance_comment(bundle.provenance))
    out.commit()
    return path


def _provenance_comment(provenance: dict[str, Any]) -> str:
    """The provenance as an HTML comment (invisible in HTML and rendered Markdown)."""
    text = json.dumps(provenance, ensure_ascii=True, sort_keys=True).replace("--", "-\\u002d").replace("<", "\\u003c")
    return f"<!-- evisynth provenance: {text} -->\n"
