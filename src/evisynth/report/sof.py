"""Summary-of-findings table in the GRADEpro layout (Cochrane Handbook ch 14), as HTML, Markdown, CSV and Word.

:func:`build_sof` turns a :class:`~evisynth.review.runner.ReviewResult` into a :class:`SofTable`
(plain strings, one row per outcome, lettered footnotes); the ``render_*`` functions only
lay it out, and :func:`write_sof` writes every format. Every number goes through
:mod:`evisynth.format`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from evisynth import format as fmt
from evisynth.files import OutputSet, csv_row, markdown_text, write_output
from evisynth.format import sentence
from evisynth.grade.certainty import DOMAIN_LABELS
from evisynth.report.phrasing import smd_size
from evisynth.review.runner import OutcomeResult, ReviewResult

COLUMNS = (
    "Outcomes",
    "Risk with comparator",
    "Risk difference with intervention (95% CI)",
    "Relative effect (95% CI)",
    "№ of participants (studies)",
    "Certainty of the evidence (GRADE)",
    "Comments",
)
SHORT = {"OR": "OR", "RR": "RR", "PETO": "Peto OR", "RD": "RD", "MD": "MD", "SMD": "SMD", "GEN": "Effect"}
GRADE_DEFINITIONS = (
    "High certainty: we are very confident that the true effect lies close to that of the estimate of the effect.",
    "Moderate certainty: we are moderately confident in the effect estimate: the true effect is likely to be close "
    "to the estimate of the effect, but there is a possibility that it is substantially different.",
    "Low certainty: our confidence in the effect estimate is limited: the true effect may be substantially "
    "different from the estimate of the effect.",
    "Very low certainty: we have very little confidence in the effect estimate: the true effect is likely to be "
    "substantially different from the estimate of effect.",
)


@dataclass(frozen=True)
class SofRow:
    outcome: str
    comparator: str
    difference: str
    relative: str
    participants: str
    certainty: str
    letters: tuple[str, ...]
    comments: str

    def cells(self) -> list[str]:
        cert = self.certainty + (f" {','.join(self.letters)}" if self.letters else "")
        return [self.outcome, self.comparator, self.difference, self.relative, self.participants, cert, self.comments]


@dataclass(frozen=True)
class SofTable:
    title: str
    header: tuple[tuple[str, str], ...]
    rows: tuple[SofRow, ...]
    footnotes: tuple[tuple[str, str], ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "header": [list(h) for h in self.header], "columns": list(COLUMNS),
                "rows": [r.cells() for r in self.rows], "footnotes": [list(f) for f in self.footnotes],
                "notes": list(self.notes)}


def _letters(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out


def relative_text(o: OutcomeResult) -> str:
    """``RR 0.64 (0.47 to 0.88)`` for ratio and RD outcomes; ``-`` for continuous ones."""
    a = o.analysis
    p = a.pooled
    if a.log_scale:
        return (f"{SHORT.get(a.measure, 'Ratio')} {fmt.format_estimate(a.natural(p.estimate))} "
                f"({fmt.format_range(a.natural(p.ci_lower), a.natural(p.ci_upper))})")
    if a.measure == "RD":
        return f"RD {fmt.format_estimate(p.estimate)} ({fmt.format_range(p.ci_lower, p.ci_upper)})"
    return "-"


def absolute_cells(o: OutcomeResult) -> tuple[str, str]:
    """(risk with comparator, difference with intervention)."""
    a, analysis, p = o.absolute, o.analysis, o.analysis.pooled
    units = o.spec.units
    if p.estimate is None or p.ci_lower is None or p.ci_upper is None:
        return "-", "not estimable"
    if a.kind == "dichotomous":
        diff = a.difference
        assert diff is not None
        return fmt.format_per(a.acr, a.per), fmt.format_risk_difference(*diff, per=a.per)
    if a.kind == "continuous":
        comp = "-"
        if a.control_mean is not None:
            unit = f" {units}" if units else ""
            comp = f"The mean {o.spec.phrase} was {fmt.format_number(a.control_mean)}{unit}"
        return comp, fmt.format_difference_words(p.estimate, p.ci_lower, p.ci_upper, label="MD", units=units)
    if a.kind == "smd":
        return "-", fmt.format_difference_words(p.estimate, p.ci_lower, p.ci_upper, label="SMD")
    est, lo, hi = analysis.natural(p.estimate), analysis.natural(p.ci_lower), analysis.natural(p.ci_upper)
    return "-", f"{fmt.format_estimate(est)} ({fmt.format_range(lo, hi)})"


def outcome_cell(o: OutcomeResult) -> str:
    parts = [o.spec.name, o.analysis.measure_label]
    if o.spec.units and o.analysis.measure == "MD":
        parts[-1] += f" ({o.spec.units})"
    if o.spec.follow_up:
        parts.append(f"follow-up: {o.spec.follow_up}")
    return "\n".join(parts)


def participants_cell(o: OutcomeResult) -> str:
    design = "RCTs" if o.spec.study_design == "randomised" else "non-randomised studies"
    if o.k == 1:
        design = "RCT" if o.spec.study_design == "randomised" else "non-randomised study"
    n = o.participants
    trials = o.shared_trials
    if trials is not None:  # comparisons of multi-arm trials: count the trials
        design = ("RCT" if trials == 1 else "RCTs") if o.spec.study_design == "randomised" else \
            ("non-randomised study" if trials == 1 else "non-randomised studies")
        return f"{fmt.format_count(n) if n is not None else '-'} ({trials} {design}; {o.k} comparisons)"
    return f"{fmt.format_count(n) if n is not None else '-'} ({o.k} {design})"


def comments_cell(o: OutcomeResult) -> str:
    bits = []
    a, p = o.absolute, o.analysis.pooled
    if a.kind == "smd" and p.estimate is not None:
        bits.append(f"An SMD of {fmt.format_number(abs(p.estimate))} is a {smd_size(p.estimate)} effect "
                    "(conventionally 0.2 small, 0.5 moderate, 0.8 large).")
    if a.kind == "dichotomous" and a.acr_source:
        bits.append(sentence(f"Risk with comparator: {a.acr_source}"))
    if a.kind == "continuous" and a.control_mean is not None and a.control_mean_source:
        bits.append(sentence(f"Comparator mean: {a.control_mean_source}"))
    if o.spec.mid is not None and o.analysis.measure == "MD":
        unit = f" {o.spec.units}" if o.spec.units else ""
        bits.append(f"Minimal important difference {fmt.format_number(o.spec.mid)}{unit}.")
    if o.spec.comments:
        bits.append(o.spec.comments)
    return " ".join(bits)


def build_sof(result: ReviewResult) -> SofTable:
    """The summary-of-findings table of a review, with footnote letters in order of appearance."""
    r = result.review
    rows: list[SofRow] = []
    footnotes: list[tuple[str, str]] = []
    for o in result.outcomes:
        letters = []
        for d in o.certainty.footnote_domains():
            letter = _letters(len(footnotes))
            footnotes.append((letter, d.explanation()))
            letters.append(letter)
        for note in o.certainty.notes:
            if any(note.startswith(label) for label in DOMAIN_LABELS.values()):
                continue  # already in that domain's footnote
            letter = _letters(len(footnotes))
            footnotes.append((letter, note))
            letters.append(letter)
        comp, diff = absolute_cells(o)
        rows.append(SofRow(outcome_cell(o), comp, diff, relative_text(o), participants_cell(o), o.certainty.label,
                           tuple(letters), comments_cell(o)))
    header = [("Patient or population", r.population)]
    if r.setting:
        header.append(("Setting", r.setting))
    header += [("Intervention", r.intervention), ("Comparison", r.comparison)]
    notes = (
        "*The risk in the intervention group (and its 95% confidence interval) is based on the assumed risk in the "
        "comparison group and the relative effect of the intervention (and its 95% CI).",
        "CI: confidence interval; MD: mean difference; OR: odds ratio; RR: risk ratio; RD: risk difference; "
        "SMD: standardised mean difference.",
        "GRADE Working Group grades of evidence. " + " ".join(GRADE_DEFINITIONS),
    )
    title = f"{r.intervention[:1].upper() + r.intervention[1:]} compared with {r.comparison} for {r.population}"
    return SofTable(title, tuple(header), tuple(rows), tuple(footnotes), notes)


# ------------------------------------------------------------------------------------------------ renderers
def render_markdown(t: SofTable) -> str:
    md = markdown_text

    def cell(text: str) -> str:
        return md(text).replace("|", "\\|").replace("\n", "<br>")

    lines = [f"## Summary of findings: {md(t.title)}", ""]
    lines += [f"**{md(k)}:** {md(v)}  " for k, v in t.header]
    lines += ["", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(c) for c in row.cells()) + " |" for row in t.rows]
    lines += ["", *[f"{md(n)}  " for n in t.notes[:2]], "", "**Explanations**", ""]
    lines += [f"- {md(letter)}. {md(text)}" for letter, text in t.footnotes]
    lines += ["", md(t.notes[2]), ""]
    return "\n".join(lines)


def render_html(t: SofTable, *, standalone: bool = True) -> str:
    """The table as HTML (templates ``report/sof.html.j2`` and, without ``standalone``, ``report/sof_table.html.j2``)."""
    from markupsafe import Markup

    from evisynth.report.templating import render

    if not standalone:
        return render("report/sof_table.html.j2", t=t, columns=COLUMNS).rstrip("\n")
    return render("report/sof.html.j2", t=t, columns=COLUMNS, css=Markup(SOF_CSS))


SOF_CSS = ("body{font-family:sans-serif;max-width:80em;margin:1em auto;line-height:1.4}"
           "table.sof-table{border-collapse:collapse}table.sof-table td,table.sof-table th{border:1px solid #888;"
           "padding:.3em .5em;vertical-align:top}dl{display:grid;grid-template-columns:max-content auto;gap:0 1em}"
           "dt{font-weight:bold}dd{margin:0}")


def render_csv(t: SofTable) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(csv_row([*COLUMNS, "Footnotes"]))
    for row in t.rows:
        w.writerow(csv_row([*(c.replace("\n", "; ") for c in row.cells()), " ".join(row.letters)]))
    w.writerow([])
    for letter, text in t.footnotes:
        w.writerow(csv_row([letter, text]))
    return buf.getvalue()


def write_docx(t: SofTable, path: str | Path | IO[bytes], *, provenance: dict[str, Any] | None = None,
               force: bool = False) -> Path | IO[bytes]:
    """Write the table as a Word document (needs python-docx: ``pip install evisynth[docx]``) to a path
    (atomically; an existing file evisynth did not write needs ``force``) or a binary stream."""
    try:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.shared import Pt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        from evisynth.errors import UnsupportedAnalysisError

        raise UnsupportedAnalysisError("writing .docx needs python-docx: pip install 'evisynth[docx]'") from exc
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(f"Summary of findings: {t.title}", level=1)
    for k, v in t.header:
        para = document.add_paragraph()
        para.add_run(f"{k}: ").bold = True
        para.add_run(v)
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in t.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row.cells(), strict=True):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(8)
    for n in t.notes[:2]:
        document.add_paragraph(n)
    document.add_heading("Explanations", level=2)
    for letter, text in t.footnotes:
        document.add_paragraph(f"{letter}. {text}")
    document.add_paragraph(t.notes[2])
    if provenance:
        inputs = "; ".join(f"{Path(str(i['path'])).name} sha256:{str(i['sha256'])[:16]}" for i in provenance["inputs"])
        text = f"evisynth {provenance['evisynth_version']}; inputs: {inputs}"
        document.core_properties.comments = text if len(text) <= 255 else text[:254] + "…"  # Word's limit
    if not isinstance(path, (str, Path)):
        document.save(path)
        return path
    buf = io.BytesIO()
    document.save(buf)
    return write_output(path, buf.getvalue(), force=force, by="sof")


def write_sof(result: ReviewResult, out_dir: str | Path | OutputSet, *, stem: str = "sof", docx: bool = True,
              force: bool = False) -> dict[str, Path]:
    """Write the SoF table as ``sof.html``, ``sof.md``, ``sof.csv`` and (if python-docx is installed) ``sof.docx``.

    ``out_dir`` may be an :class:`~evisynth.files.OutputSet` to write into (committed by its owner);
    otherwise the files are written together, atomically, and an existing file evisynth did not
    write is replaced only with ``force``.
    """
    provenance = result.provenance
    own = not isinstance(out_dir, OutputSet)
    out = OutputSet(out_dir, inputs=[i["path"] for i in provenance["inputs"]], force=force, by="sof",
                    provenance=provenance) if not isinstance(out_dir, OutputSet) else out_dir
    t = build_sof(result)
    comment = _provenance_comment(provenance)
    paths = {}
    for ext, text in (("html", render_html(t) + comment), ("md", render_markdown(t) + comment),
                      ("csv", render_csv(t))):
        paths[ext] = out.add(f"{stem}.{ext}", text)
    if docx:
        from evisynth.errors import UnsupportedAnalysisError

        try:
            buf = io.BytesIO()
            write_docx(t, buf, provenance=provenance)
            paths["docx"] = out.add(f"{stem}.docx", buf.getvalue())
        except UnsupportedAnalysisError:  # python-docx not installed: the other formats are still written
            pass
    if own:
        out.commit()
    return paths


def _provenance_comment(provenance: dict[str, Any]) -> str:
    text = json.dumps(provenance, ensure_ascii=True, sort_keys=True).replace("--", "-\\u002d").replace("<", "\\u003c")
    return f"<!-- evisynth provenance: {text} -->\n"
