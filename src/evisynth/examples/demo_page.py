"""The demo's overview page (``report.html`` of ``evisynth demo``): key numbers, published figures, links."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from evisynth import format as fmt
from evisynth.review.file import Review


def _figure(nums: dict[str, Any], which: str) -> str:
    """``-0.23 [-0.43, -0.02], P = 0.03`` from a comparison's numbers."""
    if not nums:
        return ""
    text = f"{nums['estimate'][which]} [{nums['ci_lower'][which]}, {nums['ci_upper'][which]}]"
    if "p" in nums:
        p = nums["p"][which].strip()
        text += f", P {p}" if p.startswith("<") else f", P = {p}"
    return text


#: File stems of an outcome's key figures shown large on the overview page (the rest side by side).
_MAIN = ("forest",)
_CAPTIONS = {"forest": "Forest plot", "funnel": "Funnel plot", "leave_one_out": "Leave-one-out",
             "cumulative": "Cumulative meta-analysis", "radial": "Galbraith plot", "baujat": "Baujat plot"}


def _caption(stem: str) -> str:
    if stem.startswith("forest_"):
        return f"Forest plot by {stem[len('forest_'):]}"
    if stem.startswith("bubble_"):
        return f"Meta-regression on {stem[len('bubble_'):]} (bubble plot)"
    return _CAPTIONS.get(stem, stem)


def _figures_html(summary: dict[str, Any]) -> str:
    """Each outcome's key figures: its forest plot, then its subgrouped forest plots and bubble plots."""
    e = html.escape
    blocks = []
    for name, paths in summary["files"].get("figures", {}).items():
        stems = {Path(p).stem: p for p in paths}
        main = [p for stem, p in stems.items() if stem in _MAIN]
        extra = [p for stem, p in stems.items() if stem.startswith(("forest_", "bubble_"))]
        if not main and not extra:
            continue
        report = summary["files"].get("reports", {}).get(name, "")
        link = f' <a href="{e(report)}">(full report)</a>' if report else ""
        figs = [f'<figure><a href="{e(p)}"><img src="{e(p)}" alt="{e(name)}: {e(_caption(Path(p).stem))}"></a>'
                f"<figcaption>{e(_caption(Path(p).stem))}</figcaption></figure>" for p in main]
        grid = "".join(f'<figure><a href="{e(p)}"><img src="{e(p)}" alt="{e(name)}: {e(_caption(Path(p).stem))}">'
                       f"</a><figcaption>{e(_caption(Path(p).stem))}</figcaption></figure>" for p in extra)
        blocks.append(f"<h3>{e(name)}{link}</h3>{''.join(figs)}" + (f'<div class="grid">{grid}</div>' if grid else ""))
    return "<h2>Key figures</h2>" + "".join(blocks) if blocks else ""


def _rob_html(summary: dict[str, Any]) -> str:
    """The risk-of-bias plots and, per outcome, GRADE's risk-of-bias numbers (weight shares, low-risk analysis)."""
    e = html.escape
    pngs = [p for p in summary["files"].get("rob", []) if p.endswith(".png")]
    if not pngs:
        return ""
    caps = {"traffic_light": "Traffic-light plot (each comparison's RoB 2 judgements)",
            "summary": "Summary plot weighted by each study's meta-analysis weight"}
    figs = "".join(f'<figure><a href="{e(p)}"><img src="{e(p)}" alt="{e(caps.get(Path(p).stem, Path(p).stem))}"></a>'
                   f"<figcaption>{e(caps.get(Path(p).stem, Path(p).stem))}</figcaption></figure>" for p in pngs)
    items = []
    for name, o in summary["outcomes"].items():
        rob = o.get("risk_of_bias")
        if rob:
            items.append(f"<li><b>{e(name)}</b>: suggested {e(rob['suggested'])}: {e(rob['reason'])}</li>")
    return (f'<h2>Risk of bias</h2><div class="grid">{figs}</div>'
            + (f"<p>GRADE risk-of-bias domain (share of each analysis' weight by judgement):</p><ul>{''.join(items)}</ul>"
               if items else ""))


def overview_html(summary: dict[str, Any], review: Review) -> str:
    """The demo's ``report.html``: outcomes, published figures reproduced, derived data, links."""
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
    figures = _figures_html(summary)
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
<html lang="en"><head><meta charset="utf-8"><title>evisynth demo: {e(review.title)}</title>
<style>body{{font-family:Arial,Helvetica,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#111}}
table{{border-collapse:collapse;margin:.6em 0;font-size:.9em}}th,td{{padding:.3em .6em;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top}}th{{border-bottom:2px solid #333}}.warn{{background:#fff4e0;padding:.6em;
border-left:4px solid #e0a000}}li{{font-size:.9em}}figure{{margin:.8em 0}}figure img{{max-width:100%;height:auto;
border:1px solid #eee}}figcaption{{font-size:.85em;color:#333}}.grid{{display:flex;flex-wrap:wrap;gap:1em}}
.grid figure{{flex:1 1 45%;min-width:300px}}</style></head><body>
<h1>{e(review.title)}</h1>
<p class="warn"><b>Synthetic data.</b> The 13 trials (18 comparisons) were generated by
<code>evisynth/examples/rtms_calibration.py</code> and calibrated so that the analyses reproduce the pooled results of a
published meta-analysis whose trial-level data are not public. They are not real trial results.</p>
<p>Population: {e(review.population)}. Intervention: {e(review.intervention)}.
Comparison: {e(review.comparison)}.</p>
<h2>Outcomes</h2>
<table><tr><th>Outcome</th><th>k</th><th>Effect [95% CI]</th><th>Test</th><th>I²</th><th>Certainty</th><th>Files</th></tr>
{''.join(outs)}</table>
{figures}
{_rob_html(summary)}
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


