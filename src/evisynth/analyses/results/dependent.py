"""Results of analyses of dependent effects: the three-level model and cluster-robust inference.

:class:`MultilevelSection` is the ``multilevel`` section of the analysis document (``--model
multilevel``): the variance components with their profile-likelihood intervals, I² per level,
the residual heterogeneity test and the likelihood-ratio tests against the two-level models.
:class:`RobustSection` is the ``robust`` section (``--robust``): the CR2 standard error, the t
test with Satterthwaite df and the interval that replaced the model-based ones in ``pooled``,
with the model-based values kept for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

from evisynth.analyses.results._record import Record


@dataclass(frozen=True)
class MultilevelSection(Record):
    """Three-level model: variance components, I² per level and likelihood-ratio tests.

    ``sigma2_cluster`` is the variance of the true effects between studies (clusters),
    ``sigma2_within`` between the comparisons of one study; their intervals are profile-likelihood
    intervals (``None`` when a limit cannot be bracketed). ``i2_*`` are the multilevel I²
    (Cheung 2014) in percent. ``lrt_cluster_*`` tests ``sigma2_cluster = 0`` (the two-level model
    of independent comparisons), ``lrt_within_*`` tests ``sigma2_within = 0`` (one effect per
    study); both are χ² tests with 1 df, as metafor's ``anova()`` reports them.
    """

    cluster: str
    method: str
    k: int
    n_clusters: int
    sigma2_cluster: float | None
    sigma2_cluster_ci_lower: float | None
    sigma2_cluster_ci_upper: float | None
    sigma2_within: float | None
    sigma2_within_ci_lower: float | None
    sigma2_within_ci_upper: float | None
    i2_total: float | None
    i2_cluster: float | None
    i2_within: float | None
    qe: float | None
    qe_df: int | None
    qe_p: float | None
    loglik: float | None
    aic: float | None
    bic: float | None
    lrt_cluster_statistic: float | None
    lrt_cluster_p: float | None
    lrt_cluster_loglik: float | None
    lrt_within_statistic: float | None
    lrt_within_p: float | None
    lrt_within_loglik: float | None
    converged: bool = True


@dataclass(frozen=True)
class RobustSection(Record):
    """Cluster-robust (CR2) inference for the pooled effect, with the model-based values it replaced.

    ``se``, ``statistic`` (t), ``df`` (Satterthwaite), ``p_value`` and the interval are the
    cluster-robust ones now in ``pooled``; ``model_*`` are those of the model itself.
    """

    cluster: str
    vcov: str
    n_clusters: int
    se: float | None
    statistic: float | None
    df: float | None
    p_value: float | None
    ci_lower: float | None
    ci_upper: float | None
    model_se: float | None
    model_statistic: float | None
    model_p_value: float | None
    model_ci_lower: float | None
    model_ci_upper: float | None
