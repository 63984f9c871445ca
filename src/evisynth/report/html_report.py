"""Write the analysis report: ``report.html`` (one self-contained file), ``report.md``,
figures as PNG and SVG files, and ``analysis.json``.

>>> from evisynth.report.html_report import write_report  # doctest: +SKIP
>>> write_report(bundle, "out", ReportOptions(intervention="rTMS", outcome="spasticity"))  # doctest: +SKIP
PosixPath('out/report.html')
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.errors import InputError
from evisynth.files import OutputSet
from evisynth.report.figures import figure_notes, report_figures
from evisynth.report.markdown import render_markdown, sections_markdown
from evisynth.report.methods_text import methods_paragraph
from evisynth.report.options import ReportOptions
from evisynth.report.results_text import results_paragraph
from evisynth.report.sections import ReportSection, outcome_sections
from evisynth.report.tables import Table, all_tables

__all__ = ["ReportOptions", "build_report", "write_report"]

_CSS = """
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#111;
line-height:1.45}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#555;font-size:.9em}table{border-collapse:collapse;margin:.6em 0 .3em;font-size:.88em}
th,td{padding:.25em .6em;border-bottom:1px solid #ddd;vertical-align:top}th{border-bottom:2px solid #333;text-align:left}
td.r,th.r{text-align:right}caption{text-align:left;font-weight:bold;padding:.3em 0}.note{font-size:.85em;color:#444;
margin:.1em 0}figure{margin:1.2em 0}figure img,figure svg{max-width:100%;height:auto}figcaption{font-size:.88em;
color:#333}.warn{color:#8a4b00}
""".strip()


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


def _table_html(t: Table) -> str:
    align = t.align or ("l",) * len(t.header)
    head = "".join(f'<th class="{a}">{html.escape(h)}</th>' for h, a in zip(t.header, align, strict=True))
    body = "".join("<tr>" + "".join(f'<td class="{a}">{html.escape(c)}</td>' for c, a in zip(row, align, strict=True))
                   + "</tr>" for row in t.rows)
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in t.notes)
    return (f'<table id="table-{t.key}"><caption>{html.escape(t.title)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{notes}")


def _sections_html(sections: list[ReportSection], figures: list[str]) -> list[str]:
    """Each section as HTML: its heading, paragraph, tables and (already rendered) figures, in order."""
    out, j = [], 0
    for sec in sections:
        out += [f'<h2 id="{html.escape(sec.key)}">{html.escape(sec.title)}</h2>',
                *([f"<p>{html.escape(sec.text)}</p>"] if sec.text else []), *[_table_html(t) for t in sec.tables],
                *figures[j:j + len(sec.figures)]]
        j += len(sec.figures)
    return out


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
    fig_entries = []
    fig_html = []
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
        if o.embed == "svg" and vector:
            text = svg.decode("utf-8")
            body = text[text.find("<svg"):]
        else:
            body = (f'<img alt="{html.escape(item.title)}" src="data:image/png;base64,'
                    f'{base64.b64encode(png).decode("ascii")}">')
        fig_html.append(f'<figure id="figure-{item.key}">{body}<figcaption><b>Figure {i}. {html.escape(item.title)}.'
                        f"</b> {html.escape(item.caption)}</figcaption></figure>")
    n_main = len(parts["figures"])
    section_md = sections_markdown(sections, fig_entries[n_main:], n_main + 1) if sections else ""
    md = render_markdown(parts["title"], parts["meta"], parts["methods"], parts["results"], parts["tables"],
                         fig_entries[:n_main], parts["warnings"], section_md)
    fig_html, section_html = fig_html[:n_main], _sections_html(sections, fig_html[n_main:])
    out.add("report.md", md + _provenance_comment(bundle.provenance))
    warn = "".join(f'<li class="warn">{html.escape(w)}</li>' for w in parts["warnings"])
    page = "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(parts['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(parts['title'])}</h1>",
        '<p class="meta">' + "<br>".join(html.escape(m) for m in parts["meta"]) + "</p>",
        "<h2>Methods</h2>", f'<p id="methods">{html.escape(parts["methods"])}</p>',
        "<h2>Results</h2>", f'<p id="results">{html.escape(parts["results"])}</p>',
        *[_table_html(t) for t in parts["tables"]],
        *(["<h2>Figures</h2>", *fig_html] if fig_html else []),
        *section_html,
        *([f"<h2>Warnings</h2><ul>{warn}</ul>"] if warn else []),
        "</body></html>",
    ])
    path = out.add("report.html", page + "\n" + _provenance_comment(bundle.provenance))
    out.commit()
    return path


def _provenance_comment(provenance: dict[str, Any]) -> str:
    """The provenance as an HTML comment (invisible in HTML and rendered Markdown)."""
    text = json.dumps(provenance, ensure_ascii=True, sort_keys=True).replace("--", "-\\u002d").replace("<", "\\u003c")
    return f"<!-- evisynth provenance: {text} -->\n"
