"""Synthetic analyses for the GRADE rule tests (typed results with only what the rules read)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from evisynth.analyses.bundle import AnalysisBundle
from evisynth.analyses.results import (
    BeggTest,
    Coefficient,
    EggerMixed,
    EggerTest,
    FailSafeN,
    Heterogeneity,
    MetaRegression,
    Pooled,
    PublicationBias,
    StudyRow,
    Totals,
    TrimAndFill,
)
from evisynth.analyses.spec import AnalysisSpec
from evisynth.review.file import OutcomeSpec

DATA = Path(__file__).parent / "data"


def outcome(**kw: Any) -> OutcomeSpec:
    kw.setdefault("name", "Outcome")
    kw.setdefault("data", DATA / "pain.csv")
    return OutcomeSpec(**kw)


def make_doc(
    *,
    measure: str = "RR",
    estimate: float = 0.0,
    ci: tuple[float, float] = (-0.1, 0.1),
    pi: tuple[float, float] | None = None,
    i2: float | None = 0.0,
    q_p: float | None = 0.5,
    yi: list[float] | None = None,
    weights: list[float] | None = None,
    se: float | list[float] = 0.2,
    participants: int | None = 10000,
    events2: int | None = 2000,
    n2: int | None = 5000,
    names: list[str] | None = None,
    data: list[dict[str, float]] | None = None,
) -> AnalysisBundle:
    """An analysis on the analysis scale (log scale for OR/RR); ``pi`` is the displayed prediction interval."""
    log = measure in ("OR", "RR", "PETO")
    yi = yi if yi is not None else [estimate] * 3
    k = len(yi)
    weights = weights or [100 / k] * k
    names = names or [f"S{i + 1}" for i in range(k)]
    ses = se if isinstance(se, list) else [se] * k
    studies = tuple(
        StudyRow(study=names[i], yi=y, vi=ses[i] ** 2, se=ses[i], ci_lower=y - 1.96 * ses[i],
                 ci_upper=y + 1.96 * ses[i], weight_percent=weights[i], included=True,
                 data=(data[i] if data else {}), log_scale=log)
        for i, y in enumerate(yi))
    pooled = Pooled(k=k, estimate=estimate, se=None, statistic=None, df=None, p_value=0.5, ci_lower=ci[0],
                    ci_upper=ci[1], pi_lower=None, pi_upper=None, pi_lower_t=pi[0] if pi else None,
                    pi_upper_t=pi[1] if pi else None, model="random", method="REML", test="z", level=0.95,
                    converged=True, log_scale=log)
    het = Heterogeneity(tau2=0.0, tau2_se=None, tau2_ci_lower=None, tau2_ci_upper=None, tau=0.0, tau_ci_lower=None,
                        tau_ci_upper=None, i2=i2, i2_ci_lower=None, i2_ci_upper=None, h2=None, h2_ci_lower=None,
                        h2_ci_upper=None, q=None, q_df=k - 1, q_p=q_p)
    totals: dict[str, Any] = {}
    if participants is not None:
        totals = {"n1": participants // 2, "n2": participants - participants // 2, "participants": participants}
    if events2 is not None and measure in ("OR", "RR", "RD", "PETO"):
        totals.update(events1=events2, events2=events2, n2=n2 or totals.get("n2"))
    return AnalysisBundle(spec=AnalysisSpec(measure=measure), measure=measure, log_scale=log,
                          data_type="binary" if measure in ("OR", "RR", "RD", "PETO") else "continuous",
                          source="synthetic", studies=studies, pooled=pooled, heterogeneity=het,
                          totals=Totals(**totals))


def with_bias(doc: AnalysisBundle, *, p: float, statistic: float = 1.8, df: int = 8, k0: int = 0) -> AnalysisBundle:
    """``doc`` with a publication-bias section whose Egger test has P = ``p`` and trim-and-fill ``k0``."""
    egger = EggerTest(statistic, df, p, None, None, None, None, None)
    tf = TrimAndFill(k0=k0, k0_se=None, side="left", estimator="L0", p_k0=None, k=doc.k + k0, estimate=None, se=None,
                     statistic=None, ci_lower=None, ci_upper=None, p_value=None, tau2=None, test="z", level=0.95)
    pb = PublicationBias(k=doc.k, model="random", method="REML", test="z", egger=egger,
                         egger_mixed=EggerMixed(None, None, None, None, None, "z", None, None, None),
                         begg=BeggTest(None, None, True, None), trim_and_fill=tf,
                         fail_safe_n=FailSafeN(None, None, None, None, None, None, None, 0.05))
    return replace(doc, publication_bias=pb)


def regression(coefficients: list[dict[str, Any]]) -> MetaRegression:
    """A meta-regression with the given coefficients (name, estimate, se, p_value, ci_lower, ci_upper)."""
    coefs = tuple(Coefficient(name=c["name"], estimate=c.get("estimate"), se=c.get("se"), statistic=c.get("statistic"),
                              p_value=c.get("p_value"), ci_lower=c.get("ci_lower"), ci_upper=c.get("ci_upper"))
                  for c in coefficients)
    return MetaRegression(k=10, omitted=(), moderators=(), coefficients=coefs, qm=None, qm_df=len(coefs) - 1,
                          qm_df2=None, qm_p=None, qm_test="chi2", df=None, qe=None, qe_df=10 - len(coefs), qe_p=None,
                          tau2=None, tau2_se=None, i2=None, h2=None, r2=None, model="random", method="REML", test="z",
                          level=0.95, converged=True)
