"""Plain-text, RevMan-like rendering of an analysis document (``evisynth analyze`` without --json)."""

from __future__ import annotations

from typing import Any

from evisynth import format as fmt

_METHOD_LABEL = {"IV": "IV", "MH": "M-H", "PETO": "Peto"}


def method_line(doc: dict[str, Any]) -> str:
    """E.g. ``IV, Random, 95% CI (REML, z)``."""
    p = doc["pooled"]
    level = round(100 * p["level"])
    base = "IV" if p["model"] == "random" else _METHOD_LABEL.get(p["method"], p["method"])
    model = "Random" if p["model"] == "random" else "Fixed"
    extra = f" ({p['method']}, {p['test']})" if p["model"] == "random" else ""
    return f"{base}, {model}, {level}% CI{extra}"


def _disp(doc: dict[str, Any], d: dict[str, Any], key: str) -> float | None:
    if doc["log_scale"]:
        return d.get(f"{key}_exp")
    return d.get(key)


def render_text(doc: dict[str, Any]) -> str:
    """Render the analysis document as a readable report."""
    lines = [f"evisynth {doc['evisynth_version']}: {doc['measure_label']} ({method_line(doc)})",
             f"Data: {doc['source']}", ""]
    width = max([len("Total (95% CI)")] + [len(s["study"]) for s in doc["studies"]] + [len("Prediction interval")]) + 2
    lines.append(f"{'Study':<{width}}{'Estimate [CI]':<28}Weight")
    for s in doc["studies"]:
        if not s["included"]:
            lines.append(f"{s['study']:<{width}}{'Not estimable':<28}{s.get('note') or ''}")
            continue
        est = fmt.format_effect_ci(_disp(doc, s, "yi"), _disp(doc, s, "ci_lower"), _disp(doc, s, "ci_upper"))
        lines.append(f"{s['study']:<{width}}{est:<28}{fmt.format_percent(s['weight_percent'], 1)}")
    p = doc["pooled"]
    total = fmt.format_effect_ci(_disp(doc, p, "estimate"), _disp(doc, p, "ci_lower"), _disp(doc, p, "ci_upper"))
    label = f"Total ({round(100 * p['level'])}% CI)"
    lines.append(f"{label:<{width}}{total:<28}100.0%")
    if p.get("pi_lower") is not None:
        pi = fmt.format_ci(_disp(doc, p, "pi_lower"), _disp(doc, p, "pi_upper"))
        lines.append(f"{'Prediction interval':<{width}}{pi}")
    lines += ["", doc["text"]["heterogeneity"], doc["text"]["overall_effect"]]
    h = doc["heterogeneity"]
    if p["model"] == "random" and h.get("tau2_ci_lower") is not None:
        above = ">" if h.get("tau2_ci_upper_censored") else ""  # limit beyond the search bound
        lines.append(
            f"Tau² = {fmt.format_number(h['tau2'], 4)} [{fmt.format_number(h['tau2_ci_lower'], 4)}, "
            f"{above}{fmt.format_number(h['tau2_ci_upper'], 4)}] (Q-profile); I² = {fmt.format_percent(h['i2'], 1)} "
            f"[{fmt.format_percent(h['i2_ci_lower'], 1)}, {above}{fmt.format_percent(h['i2_ci_upper'], 1)}]"
        )
    sg = doc.get("subgroups")
    if sg:
        lines += ["", f"Subgroups by {sg['variable']} ({sg['model']} tau²):"]
        for g in sg["groups"]:
            est = fmt.format_effect_ci(_disp(doc, g, "estimate"), _disp(doc, g, "ci_lower"), _disp(doc, g, "ci_upper"))
            i2 = "" if g.get("i2") is None else f"; I² = {fmt.format_percent(g['i2'])}"
            lines.append(f"  {g['level']}: k = {g['k']}, {est}, {fmt.p_text(g['p_value'])}{i2}")
        lines.append(doc["text"]["subgroup_difference"])
    mr = doc.get("meta_regression")
    if mr:
        lines += ["", "Meta-regression:"]
        for c in mr["coefficients"]:
            lines.append(
                f"  {c['name']:<24}{fmt.format_number(c['estimate'], 4):>10} SE {fmt.format_number(c['se'], 4)}"
                f"  {fmt.format_ci(c['ci_lower'], c['ci_upper'], 4)}  {fmt.p_text(c['p_value'])}"
            )
        lines.append(f"  Test of moderators: QM = {fmt.format_number(mr['qm'], 2)}, df = {mr['qm_df']}, "
                     f"{fmt.p_text(mr['qm_p'])}; R² = {fmt.format_percent(mr.get('r2'), 1)}")
    pb = doc.get("publication_bias")
    if pb:
        e, b, tf = pb["egger"], pb["begg"], pb["trim_and_fill"]
        lines += ["", "Small-study effects and publication bias:",
                  f"  Egger's test: t = {fmt.format_number(e['statistic'], 2)}, df = {e['df']}, {fmt.p_text(e['p_value'])}",
                  f"  Begg's test: Kendall's tau = {fmt.format_number(b['kendall_tau'], 3)}, {fmt.p_text(b['p_value'])}",
                  f"  Trim-and-fill: {tf['k0']} studies filled on the {tf['side']} side"]
    if doc.get("warnings"):
        lines += ["", *[f"Warning: {w}" for w in doc["warnings"]]]
    return "\n".join(line.rstrip() for line in lines) + "\n"
