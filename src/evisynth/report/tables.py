"""The report's tables as plain data (title, header, rows of text), each built only when present.

Rendering to HTML and Markdown is done by :mod:`evisynth.report.html_report` and
:mod:`evisynth.report.markdown`; every number here is written by :mod:`evisynth.format`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evisynth import format as fmt
from evisynth.plots._layout import display as _disp
from evisynth.plots._layout import is_number as _num

_DATA_COLUMNS = {
    "continuous": (("m1", "Mean (E)"), ("sd1", "SD (E)"), ("n1", "Total (E)"), ("m2", "Mean (C)"), ("sd2", "SD (C)"),
                   ("n2", "Total (C)")),
    "binary": (("events1", "Events (E)"), ("n1", "Total (E)"), ("events2", "Events (C)"), ("n2", "Total (C)")),
}


@dataclass(frozen=True)
class Table:
    """A titled table of already formatted cells; ``align`` holds ``l``/``r`` per column."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def _eci(doc: dict[str, Any], d: dict[str, Any], est: str = "estimate") -> str:
    return fmt.format_effect_ci(_disp(doc, d, est), _disp(doc, d, "ci_lower"), _disp(doc, d, "ci_upper"))


def _level(doc: dict[str, Any]) -> str:
    return f"{fmt.format_count(100 * float(doc['pooled'].get('level', 0.95)))}% CI"


def study_table(doc: dict[str, Any]) -> Table:
    """Study data, effect with CI and weight, with the note on each study."""
    cols = _DATA_COLUMNS.get(doc.get("data_type", ""), ())
    abbr = doc.get("measure_label", "Effect")
    header = ("Study", *[h for _, h in cols], f"{abbr} [{_level(doc)}]", "Weight", "Note")
    rows = []
    for s in doc["studies"]:
        data = s.get("data") or {}
        cells = [s["study"], *[fmt.format_data_value(data.get(k)) for k, _ in cols]]
        if s.get("included", True):
            cells += [fmt.format_effect_ci(_disp(doc, s, "yi"), _disp(doc, s, "ci_lower"), _disp(doc, s, "ci_upper")),
                      fmt.format_percent(s.get("weight_percent"), 1) if _num(s.get("weight_percent")) else ""]
        else:
            cells += ["Not estimable", ""]
        cells.append(s.get("note") or "")
        rows.append(tuple(cells))
    align = ("l", *["r"] * len(cols), "r", "r", "l")
    notes = ("E = experimental group, C = control group.",) if cols else ()
    return Table("studies", "Study data", header, tuple(rows), align, notes)


def pooled_table(doc: dict[str, Any]) -> Table:
    """The pooled result with heterogeneity and the prediction interval."""
    p, h = doc["pooled"], doc.get("heterogeneity") or {}
    model = "Random effects" if p.get("model") == "random" else "Common effect"
    method = p.get("method", "")
    header = ("Model", "k", f"Estimate [{_level(doc)}]", "P", "Tau²", "I²", "Chi² (df), P", "Prediction interval")
    pi = ""
    if p.get("pi_lower_t") is not None:
        pi = fmt.format_ci(_disp(doc, p, "pi_lower_t"), _disp(doc, p, "pi_upper_t"))
    tau2 = fmt.format_number(h.get("tau2"), 4) if p.get("model") == "random" else ""
    q = ""
    if _num(h.get("q")):
        q = f"{fmt.format_number(h['q'], 2)} ({h.get('q_df')}), {fmt.format_p(h.get('q_p'))}"
    row = (f"{model} ({method}, {p.get('test', 'z')})", str(p.get("k", "")), _eci(doc, p), fmt.format_p(p.get("p_value")),
           tau2, fmt.format_percent(h.get("i2")), q, pi)
    notes = [doc.get("text", {}).get("heterogeneity", ""), doc.get("text", {}).get("overall_effect", "")]
    if p.get("model") == "random" and h.get("tau2_ci_lower") is not None:
        notes.append(f"Tau² {fmt.format_ci(h.get('tau2_ci_lower'), h.get('tau2_ci_upper'), 4)} (Q-profile); "
                     f"I² {fmt.format_ci(h.get('i2_ci_lower'), h.get('i2_ci_upper'), 1)} %")
    return Table("pooled", "Pooled result", header, (row,), ("l", "r", "r", "r", "r", "r", "r", "r"),
                 tuple(n for n in notes if n))


def subgroup_table(doc: dict[str, Any]) -> Table | None:
    """One row per subgroup, with the test for subgroup differences as a note."""
    sg = doc.get("subgroups")
    if not sg:
        return None
    header = (sg["variable"], "k", f"Estimate [{_level(doc)}]", "P", "Tau²", "I²", "Chi² (df), P")
    rows = []
    for g in sg["groups"]:
        q = f"{fmt.format_number(g['q'], 2)} ({g.get('q_df')}), {fmt.format_p(g.get('q_p'))}" if _num(g.get("q")) else ""
        rows.append((str(g["level"]), str(g.get("k", "")), _eci(doc, g), fmt.format_p(g.get("p_value")),
                     fmt.format_number(g.get("tau2"), 4) if _num(g.get("tau2")) else "",
                     fmt.format_percent(g.get("i2")) if _num(g.get("i2")) else "", q))
    notes = (doc.get("text", {}).get("subgroup_difference", ""),)
    return Table("subgroups", f"Subgroups by {sg['variable']}", header, tuple(rows),
                 ("l", "r", "r", "r", "r", "r", "r"), notes)


def meta_regression_table(doc: dict[str, Any]) -> Table | None:
    """Coefficients of the meta-regression, with the test of moderators."""
    mr = doc.get("meta_regression")
    if not mr or not mr.get("coefficients"):
        return None
    header = ("Term", "Estimate", "SE", _level(doc), "P")
    rows = tuple((str(c.get("name", "")), fmt.format_number(c.get("estimate"), 4), fmt.format_number(c.get("se"), 4),
                  fmt.format_ci(c.get("ci_lower"), c.get("ci_upper"), 4) if c.get("ci_lower") is not None else "",
                  fmt.format_p(c.get("p_value")) if c.get("p_value") is not None else "")
                 for c in mr["coefficients"])
    notes = []
    if _num(mr.get("qm")):
        notes.append(f"Test of moderators: QM = {fmt.format_number(mr['qm'], 2)}, df = {mr.get('qm_df')}, "
                     f"{fmt.p_text(mr.get('qm_p'))}")
    if _num(mr.get("r2")):
        notes.append(f"R² (heterogeneity accounted for) = {fmt.format_percent(mr['r2'], 1)}")
    if _num(mr.get("tau2")):
        notes.append(f"Residual Tau² = {fmt.format_number(mr['tau2'], 4)}")
    if doc.get("log_scale"):
        notes.append("Coefficients are on the log scale.")
    return Table("meta_regression", "Meta-regression", header, rows, ("l", "r", "r", "r", "r"), tuple(notes))


def bias_table(doc: dict[str, Any]) -> Table | None:
    """Egger, Begg, trim-and-fill and fail-safe N, each when present."""
    pb = doc.get("publication_bias")
    if not pb:
        return None
    rows = []
    for key, name in (("egger", "Egger's regression test"), ("egger_mixed", "Egger's test (mixed-effects)")):
        e = pb.get(key)
        if e:
            stat = f"{'t' if e.get('df') is not None else 'z'} = {fmt.format_number(e.get('statistic'), 2)}"
            if e.get("df") is not None:
                stat += f", df = {e['df']}"
            rows.append((name, stat, fmt.format_p(e.get("p_value")), _intercept(e)))
    b = pb.get("begg")
    if b:
        rows.append(("Begg's rank correlation", f"Kendall's tau = {fmt.format_number(b.get('kendall_tau'), 3)}",
                     fmt.format_p(b.get("p_value")), ""))
    tf = pb.get("trim_and_fill")
    if tf:
        adj = _eci(doc, tf) if tf.get("estimate") is not None else ""
        rows.append(("Trim-and-fill", f"{tf.get('k0', 0)} studies imputed ({tf.get('side', '?')} side)", "",
                     f"adjusted estimate {adj}" if adj else ""))
    fs = pb.get("fail_safe_n")
    if fs:
        value = fs.get("n") if isinstance(fs, dict) else fs
        method = fs.get("method", "Rosenthal") if isinstance(fs, dict) else "Rosenthal"
        rows.append((f"Fail-safe N ({method})", fmt.format_count(value) if _num(value) else str(value), "", ""))
    if not rows:
        return None
    k = doc["pooled"].get("k") or 0
    notes = ("Tests for funnel asymmetry have low power with fewer than 10 studies.",) if k < 10 else ()
    return Table("bias", "Small-study effects and publication bias", ("Method", "Result", "P", "Detail"),
                 tuple(rows), ("l", "l", "r", "l"), notes)


def _intercept(e: dict[str, Any]) -> str:
    if _num(e.get("intercept")):
        text = f"intercept {fmt.format_number(e['intercept'], 3)}"
        if _num(e.get("intercept_ci_lower")):
            text += f" {fmt.format_ci(e['intercept_ci_lower'], e.get('intercept_ci_upper'), 3)}"
        return text
    return ""


def sensitivity_tables(doc: dict[str, Any]) -> list[Table]:
    """Leave-one-out, cumulative and influence tables, each when present."""
    sens = doc.get("sensitivity") or {}
    out = []
    for key, title, label_key, head in (("leave_one_out", "Leave-one-out analysis", "omitted", "Study omitted"),
                                        ("cumulative", "Cumulative meta-analysis", "added", "Study added")):
        rows = sens.get(key)
        if rows:
            body = tuple((str(r.get(label_key, r.get("study", ""))), str(r.get("k", "")) if r.get("k") else "",
                          _eci(doc, r), fmt.format_p(r.get("p_value")) if r.get("p_value") is not None else "",
                          fmt.format_number(r.get("tau2"), 4) if _num(r.get("tau2")) else "",
                          fmt.format_percent(r.get("i2")) if _num(r.get("i2")) else "") for r in rows)
            out.append(Table(key, title, (head, "k", f"Estimate [{_level(doc)}]", "P", "Tau²", "I²"), body,
                             ("l", "r", "r", "r", "r", "r")))
    infl = sens.get("influence")
    if infl:
        keys = [k for k in infl[0] if k not in ("study", "index") and any(_num(r.get(k)) or isinstance(r.get(k), bool)
                                                                           for r in infl)]
        infl_body = tuple((str(r.get("study", "")), *[_cell(r.get(k)) for k in keys]) for r in infl)
        out.append(Table("influence", "Influence diagnostics", ("Study", *keys), infl_body, ("l", *["r"] * len(keys))))
    return out


def _cell(x: Any) -> str:
    if isinstance(x, bool):
        return "yes" if x else ""
    if _num(x):
        return fmt.format_number(x, 3)
    return "" if x is None else str(x)


def all_tables(doc: dict[str, Any]) -> list[Table]:
    """Every table the document supports, in report order."""
    tables = [study_table(doc), pooled_table(doc)]
    for t in (subgroup_table(doc), meta_regression_table(doc), bias_table(doc)):
        if t is not None:
            tables.append(t)
    return tables + sensitivity_tables(doc)
