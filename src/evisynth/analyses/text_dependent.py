"""Text of the three-level model and of cluster-robust inference (``evisynth analyze`` output).

>>> from evisynth.analyses.results import Pooled
>>> p = Pooled(k=5, estimate=0.2, se=0.1, statistic=2.0, df=3.456, p_value=0.13, ci_lower=-0.1, ci_upper=0.5,
...            pi_lower=None, pi_upper=None, pi_lower_t=None, pi_upper_t=None, model="random", method="REML",
...            test="CR2", level=0.95, converged=True)
>>> robust_effect_text(p)
'Test for overall effect (CR2): t = 2.00, df = 3.46 (P = 0.13)'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evisynth import format as fmt
from evisynth.analyses.results import Pooled

if TYPE_CHECKING:
    from evisynth.analyses.bundle import AnalysisBundle


def robust_effect_text(p: Pooled) -> str:
    """The test for the overall effect under cluster-robust inference (Satterthwaite df to 2 decimals)."""
    stat = None if p.statistic is None else abs(p.statistic)
    return (f"Test for overall effect (CR2): t = {fmt.format_number(stat, 2)}, df = {fmt.format_number(p.df, 2)} "
            f"({fmt.p_text(p.p_value)})")


def _ci(lower: float | None, upper: float | None) -> str:
    if lower is None and upper is None:
        return ""
    return f" [{fmt.format_number(lower, 4)}, {fmt.format_number(upper, 4)}]"


def dependent_lines(bundle: AnalysisBundle) -> list[str]:
    """The three-level model's variance components, I² per level and LRTs; the robust-inference note."""
    lines: list[str] = []
    m = bundle.multilevel
    if m is not None:
        level = round(100 * bundle.pooled.level)
        lines += [
            "",
            f"Three-level model ({m.method}): {m.k} comparisons in {m.n_clusters} clusters ({m.cluster})",
            f"  Sigma² between clusters = {fmt.format_number(m.sigma2_cluster, 4)}"
            f"{_ci(m.sigma2_cluster_ci_lower, m.sigma2_cluster_ci_upper)}; "
            f"within clusters = {fmt.format_number(m.sigma2_within, 4)}"
            f"{_ci(m.sigma2_within_ci_lower, m.sigma2_within_ci_upper)} ({level}% profile-likelihood CI)",
            f"  I² = {fmt.format_percent(m.i2_total, 1)} (between clusters {fmt.format_percent(m.i2_cluster, 1)}, "
            f"within clusters {fmt.format_percent(m.i2_within, 1)})",
            f"  Test for residual heterogeneity: Q = {fmt.format_number(m.qe, 2)}, df = {m.qe_df} ({fmt.p_text(m.qe_p)})",
            f"  Likelihood-ratio test vs two-level model without clusters (sigma² between clusters = 0): "
            f"Chi² = {fmt.format_number(m.lrt_cluster_statistic, 2)}, df = 1 ({fmt.p_text(m.lrt_cluster_p)})",
            f"  Likelihood-ratio test vs one effect per cluster (sigma² within clusters = 0): "
            f"Chi² = {fmt.format_number(m.lrt_within_statistic, 2)}, df = 1 ({fmt.p_text(m.lrt_within_p)})",
            f"  Log-likelihood = {fmt.format_number(m.loglik, 4)}, AIC = {fmt.format_number(m.aic, 2)}, "
            f"BIC = {fmt.format_number(m.bic, 2)}",
        ]
    r = bundle.robust
    if r is not None:
        level = round(100 * bundle.pooled.level)
        model = "three-level" if bundle.pooled.model == "multilevel" else "random-effects"
        lines += [
            "",
            f"Cluster-robust inference (CR2, clustered by {r.cluster}: {r.n_clusters} clusters; t test with "
            f"Satterthwaite df = {fmt.format_number(r.df, 2)}):",
            f"  the pooled SE, test, P and CI above are cluster-robust; the model-based ({model}) ones are "
            f"SE = {fmt.format_number(r.model_se, 4)}, "
            f"Z = {fmt.format_number(None if r.model_statistic is None else abs(r.model_statistic), 2)} "
            f"({fmt.p_text(r.model_p_value)}), {level}% CI "
            f"{fmt.format_ci(bundle.natural(r.model_ci_lower), bundle.natural(r.model_ci_upper))}.",
        ]
        if r.df is not None and r.df < 4:
            lines.append("  Satterthwaite df below 4: the CR2 test may be unreliable (Tipton 2015); "
                         "interpret with caution.")
    return lines
