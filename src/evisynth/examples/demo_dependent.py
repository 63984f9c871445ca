"""The demo's analyses of dependent effects and of a small meta-analysis (issue #18).

* :func:`multilevel_sensitivity`: the outcome whose comparisons share control groups most (several
  comparisons of one trial) is re-analysed as a sensitivity analysis of the primary analysis
  (shared control groups split, two-level random effects): the three-level model (comparisons
  nested in trials, REML) on the tables with each control group counted whole in every comparison,
  and the same with cluster-robust CR2 inference (Satterthwaite df). Written to
  ``<outcome>/multilevel.json`` and ``<outcome>/multilevel_robust.json`` (analysis documents, as
  ``evisynth analyze --model multilevel --cluster trial [--robust] --json``).
* :func:`bayesian_small`: the outcome with the fewest studies is re-analysed with the Bayesian
  normal-normal model (:func:`evisynth.models.bayes.fit_bayes`): a uniform prior for μ and, for
  standardised mean differences, the empirical prior of Rhodes et al. (2015) for τ
  (non-pharmacological interventions, "general physical health ... / functioning" outcomes), a
  half-normal prior with scale 0.5 otherwise. Written to ``<outcome>/bayesian.json``.

Both return the key numbers that :func:`evisynth.examples.demo.run_demo` puts in ``demo.json``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from evisynth import format as fmt
from evisynth.analyses.run import run_analysis
from evisynth.analyses.spec import AnalysisSpec
from evisynth.files import write_output
from evisynth.io.tabular import read_study_table
from evisynth.options import DEFAULT_MULTILEVEL_METHOD
from evisynth.review.runner import OutcomeResult

Progress = Callable[[str], None]

#: The column naming each comparison's trial in the example's tables (stored as ``trial_id``).
CLUSTER = "trial"
#: Rhodes et al. (2015) setting for the example's functioning outcome (SMD).
RHODES_OUTCOME = "general physical health"
RHODES_COMPARISON = "non-pharmacological"


def _dump(path: Path, doc: Any, force: bool) -> None:
    write_output(path, json.dumps(doc, indent=2, allow_nan=False) + "\n", by="demo", force=force)


def _shared(o: OutcomeResult) -> int:
    """How many of the outcome's comparisons belong to a trial with more than one comparison."""
    trials = [str(s.moderators.get("trial_id") or "") for s in o.analysis.studies]
    return sum(1 for t in trials if t and trials.count(t) > 1)


def _numbers(doc: dict[str, Any]) -> dict[str, Any]:
    p, h = doc["pooled"], doc["heterogeneity"]
    return {"estimate": p["estimate"], "se": p["se"], "ci_lower": p["ci_lower"], "ci_upper": p["ci_upper"],
            "p_value": p["p_value"], "df": p["df"], "tau2": h["tau2"], "sigma2_cluster": h["sigma2_cluster"],
            "sigma2_within": h["sigma2_within"], "i2": h["i2"]}


def multilevel_sensitivity(outcomes: list[OutcomeResult], out: Path, say: Progress, slug: Callable[[str], str],
                           force: bool = False) -> tuple[str, dict[str, Any]] | None:
    """Three-level sensitivity analysis of the outcome with the most shared-control comparisons.

    Returns ``(outcome name, key numbers)`` or ``None`` when no outcome has a trial with several
    comparisons.
    """
    ranked = sorted(outcomes, key=lambda o: (_shared(o), o.analysis.pooled.k), reverse=True)
    if not ranked or _shared(ranked[0]) == 0:
        return None
    o = ranked[0]
    a = o.spec.analysis
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the whole control group in every comparison is the point here
        table = read_study_table(o.spec.data, split_control=False)
        spec = AnalysisSpec(measure=a.measure, smd_variance=a.smd_variance, continuity=a.continuity,
                            model="multilevel", method=DEFAULT_MULTILEVEL_METHOD, cluster=CLUSTER)
        three = run_analysis(table, spec)
        robust = run_analysis(table, replace(spec, robust=True))
    folder = out / slug(o.spec.name)
    _dump(folder / "multilevel.json", three.to_dict(), force)
    _dump(folder / "multilevel_robust.json", robust.to_dict(), force)
    m = three.multilevel
    assert m is not None
    p0, p1, p2 = o.analysis.pooled, three.pooled, robust.pooled
    entry = {
        "comparisons": p1.k, "trials": m.n_clusters, "shared_comparisons": _shared(o),
        "primary": {"estimate": p0.estimate, "ci_lower": p0.ci_lower, "ci_upper": p0.ci_upper,
                    "p_value": p0.p_value, "note": f"{p0.method} random effects, shared control groups split"},
        "three_level": _numbers(three.to_dict()), "three_level_robust": _numbers(robust.to_dict()),
        "lrt_sigma2_cluster_0": {"statistic": m.lrt_cluster_statistic, "p_value": m.lrt_cluster_p},
        "lrt_sigma2_within_0": {"statistic": m.lrt_within_statistic, "p_value": m.lrt_within_p},
        "files": [f"{slug(o.spec.name)}/multilevel.json", f"{slug(o.spec.name)}/multilevel_robust.json"],
    }
    measure = three.measure
    say(f"      {o.spec.name}: {_shared(o)} of {p1.k} comparisons share a trial; three-level model (REML, whole "
        f"control groups) {measure} {fmt.format_effect_ci(p1.estimate, p1.ci_lower, p1.ci_upper)}, "
        f"{fmt.p_text(p1.p_value)}; sigma² between trials {fmt.format_number(m.sigma2_cluster, 4)}, within "
        f"{fmt.format_number(m.sigma2_within, 4)}")
    say(f"        with CR2 robust inference: {fmt.format_effect_ci(p2.estimate, p2.ci_lower, p2.ci_upper)}, "
        f"t df = {fmt.format_number(p2.df, 2)}, {fmt.p_text(p2.p_value)} (primary analysis, controls split: "
        f"{fmt.format_effect_ci(p0.estimate, p0.ci_lower, p0.ci_upper)})")
    return o.spec.name, entry


def bayesian_small(outcomes: list[OutcomeResult], out: Path, say: Progress, slug: Callable[[str], str],
                   force: bool = False) -> tuple[str, dict[str, Any]] | None:
    """Bayesian random-effects analysis of the outcome with the fewest studies (ties: the first)."""
    from evisynth.models.bayes import fit_bayes
    from evisynth.models.bayes_priors import half_normal, rhodes_prior

    if not outcomes:
        return None
    o = min(outcomes, key=lambda x: x.analysis.pooled.k)
    a = o.analysis
    rows = [s for s in a.studies if s.included and s.yi is not None and s.se is not None]
    prior = rhodes_prior(RHODES_OUTCOME, RHODES_COMPARISON) if a.measure == "SMD" else half_normal(0.5)
    fit = fit_bayes([s.yi for s in rows], [s.se for s in rows], prior)
    doc = {"outcome": o.spec.name, "measure": a.measure, "studies": [s.study for s in rows], **fit.to_dict()}
    if a.log_scale:
        doc["note"] = "log scale"
    path = f"{slug(o.spec.name)}/bayesian.json"
    _dump(out / path, doc, force)
    below = fit.prob_mu_below(0.0)
    above = None if below is None else 1.0 - below
    entry = {"k": fit.k, "tau_prior": fit.tau_prior, "mu_prior": "uniform",
             "mu": fit.mu.to_dict(), "tau": fit.tau.to_dict(), "prediction": fit.prediction.to_dict(),
             "prob_mu_above_0": above, "file": path,
             "frequentist": {"estimate": a.pooled.estimate, "ci_lower": a.pooled.ci_lower,
                             "ci_upper": a.pooled.ci_upper, "method": a.pooled.method}}
    mu, tau = fit.mu, fit.tau
    say(f"      {o.spec.name} (k = {fit.k}), tau prior {prior.name}: mu median {fmt.format_number(mu.median, 2)} "
        f"[{fmt.format_number(mu.ci_lower, 2)}, {fmt.format_number(mu.ci_upper, 2)}] 95% CrI, "
        f"P(mu > 0) = {fmt.format_number(above, 2)}; tau median {fmt.format_number(tau.median, 2)} "
        f"[{fmt.format_number(tau.ci_lower, 2)}, {fmt.format_number(tau.ci_upper, 2)}]; "
        f"{a.pooled.method}: {fmt.format_effect_ci(a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper)}")
    return o.spec.name, entry
