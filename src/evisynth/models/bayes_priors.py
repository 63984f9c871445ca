"""Priors for the heterogeneity τ of the Bayesian normal-normal hierarchical model.

Each prior is a :class:`TauPrior` with a vectorised log-density ``logpdf(tau, sigma)`` (``sigma``
the studies' standard errors, used only by the data-dependent reference priors), whether it is
proper, and its right-tail exponent ``a`` (density ∝ τ^a for large τ) that decides when an
improper prior gives a proper posterior. Parameters may be arrays (a batch of priors, e.g. a grid
of half-normal scales), broadcast against the batch of fits.

Families (Röver 2020, J Stat Softw 93(6), Section 2.2, equations 3-8):

* :func:`half_normal`, :func:`half_cauchy`, :func:`uniform` (on [0, upper]), :func:`log_normal`;
* :func:`improper_uniform` (p ∝ 1), :func:`sqrt_uniform` (uniform in √τ, p ∝ τ^-½);
* :func:`jeffreys` (Tibshirani's Jeffreys prior, eq. 7), :func:`berger_deely` (eq. 8),
  :func:`conventional` (eq. 5, proper), :func:`uniform_shrinkage` (eq. 3),
  :func:`dumouchel` (eq. 4) and :func:`uniform_i2` (eq. 3 with the typical within-study variance
  of Higgins & Thompson 2002, a uniform prior on I²);
* empirical priors: :func:`turner_prior` (log-normal priors for τ² of log odds ratios, Turner et
  al. 2015, Stat Med 34:984-998, Table IV; marginal setting p. 993) and :func:`rhodes_prior`
  (log-t₅ priors for τ² of standardised mean differences, Rhodes, Turner & Higgins 2015, J Clin
  Epidemiol 68:52-60, Table 3 and appendix Tables A.3.1/A.3.2; general setting in Section 3.3).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from scipy import special

from evisynth.errors import InputError

LogPdf = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class TauPrior:
    """A prior for τ: ``logpdf(tau, sigma)`` with tau of shape (B, N) and sigma of shape (B, k)."""

    name: str
    parameters: dict[str, Any]
    proper: bool
    tail: float
    upper: Any = None
    logpdf: LogPdf = field(repr=False, compare=False, default=None)  # type: ignore[assignment]
    zero_density: bool = False

    def describe(self) -> str:
        params = ", ".join(f"{k}={np.asarray(v).tolist()!r}" for k, v in self.parameters.items())
        return f"{self.name}({params})"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "parameters": {k: np.asarray(v).tolist() for k, v in self.parameters.items()},
                "proper": self.proper}


def _col(x: Any) -> np.ndarray:
    """Parameter as a column (B, 1) so it broadcasts against (B, N) node arrays."""
    a = np.asarray(x, dtype=float)
    return a.reshape(-1, 1) if a.ndim else a


def _positive(name: str, x: Any) -> None:
    a = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(a) & (a > 0)):
        raise InputError(f"{name} must be a positive finite number; got {x!r}")


def half_normal(scale: Any) -> TauPrior:
    """Half-normal prior with the given scale (Friede et al. 2017 recommend 0.5 or 1 for log odds ratios)."""
    _positive("scale", scale)
    s = _col(scale)
    return TauPrior("half-normal", {"scale": scale}, True, -np.inf,
                    logpdf=lambda t, sig: 0.5 * math.log(2 / math.pi) - np.log(s) - 0.5 * (t / s) ** 2)


def half_cauchy(scale: Any) -> TauPrior:
    """Half-Cauchy prior with the given scale (Gelman 2006)."""
    _positive("scale", scale)
    s = _col(scale)
    return TauPrior("half-Cauchy", {"scale": scale}, True, -2.0,
                    logpdf=lambda t, sig: math.log(2 / math.pi) - np.log(s) - np.log1p((t / s) ** 2))


def uniform(upper: Any) -> TauPrior:
    """Proper uniform prior on [0, upper]."""
    _positive("upper", upper)
    u = _col(upper)
    return TauPrior("uniform", {"upper": upper}, True, -np.inf, upper=upper,
                    logpdf=lambda t, sig: np.where(t <= u, -np.log(u), -np.inf))


def log_normal(meanlog: Any, sdlog: Any) -> TauPrior:
    """Log-normal prior for τ (``log τ ~ N(meanlog, sdlog²)``); zero density at τ = 0."""
    _positive("sdlog", sdlog)
    m, s = _col(meanlog), _col(sdlog)

    def lp(t: np.ndarray, sig: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            lt = np.log(t)
        return cast(np.ndarray, -0.5 * math.log(2 * math.pi) - np.log(s) - lt - 0.5 * ((lt - m) / s) ** 2)

    return TauPrior("log-normal", {"meanlog": meanlog, "sdlog": sdlog}, True, -np.inf, logpdf=lp, zero_density=True)


def log_t(location: Any, scale: Any, df: float = 5.0) -> TauPrior:
    """Log-Student-t prior for τ (``log τ = location + scale · t_df``); zero density at τ = 0."""
    _positive("scale", scale)
    m, s = _col(location), _col(scale)
    const = special.gammaln((df + 1) / 2) - special.gammaln(df / 2) - 0.5 * math.log(df * math.pi)

    def lp(t: np.ndarray, sig: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            lt = np.log(t)
        z = (lt - m) / s
        return cast(np.ndarray, const - (df + 1) / 2 * np.log1p(z * z / df) - np.log(s) - lt)

    return TauPrior("log-t", {"location": location, "scale": scale, "df": df}, True, -1.0, logpdf=lp,
                    zero_density=True)


def improper_uniform() -> TauPrior:
    """Improper uniform prior p(τ) ∝ 1 (proper posterior needs k ≥ 3 with a uniform effect prior)."""
    return TauPrior("improper uniform", {}, False, 0.0, logpdf=lambda t, sig: np.zeros_like(t))


def sqrt_uniform() -> TauPrior:
    """Improper uniform prior in √τ, p(τ) ∝ τ^-½ (pole at 0)."""
    return TauPrior("uniform in sqrt(tau)", {}, False, -0.5, logpdf=lambda t, sig: -0.5 * np.log(t))


def _ratio(t: np.ndarray, sig: np.ndarray, power: float) -> np.ndarray:
    """``t/(σ² + t²)^power`` for every node and study: shape (B, N, k)."""
    return cast(np.ndarray, t[..., None] / (sig[:, None, :] ** 2 + t[..., None] ** 2) ** power)


def jeffreys() -> TauPrior:
    """Tibshirani's Jeffreys prior p(τ) ∝ √Σ(τ/(σ²+τ²))² (Röver 2020 eq. 7; improper, proper posterior for k ≥ 2)."""
    def lp(t: np.ndarray, sig: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return cast(np.ndarray, 0.5 * np.log(np.sum(_ratio(t, sig, 1.0) ** 2, axis=-1)))

    return TauPrior("Jeffreys", {}, False, -1.0, logpdf=lp, zero_density=True)


def berger_deely() -> TauPrior:
    """Berger & Deely (1988) prior p(τ) ∝ Π(τ/(σ²+τ²))^(1/k) (Röver 2020 eq. 8; improper)."""
    def lp(t: np.ndarray, sig: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return cast(np.ndarray, np.mean(np.log(_ratio(t, sig, 1.0)), axis=-1))

    return TauPrior("Berger-Deely", {}, False, -1.0, logpdf=lp, zero_density=True)


def conventional() -> TauPrior:
    """Conventional prior p(τ) ∝ Π(τ/(σ²+τ²)^{3/2})^(1/k) (Röver 2020 eq. 5; proper, normalised numerically)."""
    def lp(t: np.ndarray, sig: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return cast(np.ndarray, np.mean(np.log(_ratio(t, sig, 1.5)), axis=-1))

    return TauPrior("conventional", {}, True, -2.0, logpdf=lp, zero_density=True)


def _shrinkage_lp(s02: Callable[[np.ndarray], np.ndarray]) -> LogPdf:
    def lp(t: np.ndarray, sig: np.ndarray) -> np.ndarray:
        s = s02(sig)[:, None]
        return cast(np.ndarray, math.log(2) + np.log(s) + np.log(np.maximum(t, 1e-300)) - 2 * np.log(s + t * t))

    return lp


def harmonic_s02(sig: np.ndarray) -> np.ndarray:
    """Harmonic mean of the squared standard errors, ``k/Σσ⁻²``, per fit."""
    return cast(np.ndarray, sig.shape[-1] / np.sum(sig**-2.0, axis=-1))


def typical_s2(sig: np.ndarray) -> np.ndarray:
    """Higgins & Thompson's typical within-study variance ``(k-1)Σw/((Σw)² - Σw²)``, ``w = σ⁻²``."""
    w = sig**-2.0
    k = sig.shape[-1]
    sw, sw2 = np.sum(w, axis=-1), np.sum(w * w, axis=-1)
    return cast(np.ndarray, np.where(k > 1, (k - 1) * sw / np.maximum(sw * sw - sw2, 1e-300), 1.0 / sw))


def uniform_shrinkage() -> TauPrior:
    """Uniform prior on the average shrinkage ``s₀²/(s₀²+τ²)`` (Röver 2020 eq. 3; s₀² harmonic mean of σ²)."""
    return TauPrior("uniform shrinkage", {}, True, -3.0, logpdf=_shrinkage_lp(harmonic_s02), zero_density=True)


def uniform_i2() -> TauPrior:
    """Uniform prior on I² = τ²/(ŝ²+τ²) with Higgins & Thompson's typical variance ŝ²."""
    return TauPrior("uniform I2", {}, True, -3.0, logpdf=_shrinkage_lp(typical_s2), zero_density=True)


def dumouchel() -> TauPrior:
    """DuMouchel prior ``s₀/(s₀+τ)²`` (Röver 2020 eq. 4; log-logistic, median s₀)."""
    def lp(t: np.ndarray, sig: np.ndarray) -> np.ndarray:
        s0 = np.sqrt(harmonic_s02(sig))[:, None]
        return cast(np.ndarray, np.log(s0) - 2 * np.log(s0 + t))

    return TauPrior("DuMouchel", {}, True, -2.0, logpdf=lp)


# --- empirical priors -----------------------------------------------------------------------
#: Turner et al. (2015), Table IV: log-normal (mean, sd) of τ² for log odds ratios, by outcome
#: type (rows) and comparison type (columns: pharmacological vs placebo/control, pharmacological
#: vs pharmacological, non-pharmacological vs placebo/control, non-pharmacological vs
#: pharmacological, non-pharmacological vs non-pharmacological).
TURNER_COMPARISONS = ("pharmacological vs placebo/control", "pharmacological vs pharmacological",
                      "non-pharmacological vs placebo/control", "non-pharmacological vs pharmacological",
                      "non-pharmacological vs non-pharmacological")
TURNER_OUTCOMES = (
    "all-cause mortality", "obstetric outcomes",
    "cause-specific mortality / major morbidity event / composite (mortality or morbidity)",
    "resource use / hospital stay / process", "surgical / device related success / failure",
    "withdrawals / drop-outs", "internal / structure-related outcomes", "general physical health indicators",
    "adverse events", "infection / onset of new disease",
    "signs / symptoms reflecting continuation / end of condition", "pain",
    "quality of life / functioning (dichotomized)", "mental health indicators",
    "biological markers (dichotomized)", "subjective outcomes (various)",
)
_TURNER_MEAN = np.array([
    [3.95, 3.52, 3.71, 2.34, 2.14, 2.99, 2.71, 2.29, 1.87, 2.49, 2.06, 1.83, 2.54, 2.12, 1.77, 2.70],
    [4.18, 3.75, 3.95, 2.58, 2.37, 3.23, 2.94, 2.53, 2.10, 2.73, 2.29, 2.06, 2.78, 2.35, 2.00, 2.93],
    [4.17, 3.74, 3.93, 2.56, 2.36, 3.21, 2.93, 2.51, 2.10, 2.71, 2.28, 2.05, 2.77, 2.34, 1.99, 2.92],
    [2.92, 2.49, 2.68, 1.31, 1.11, 1.96, 1.67, 1.26, 0.84, 1.46, 1.03, 0.80, 1.51, 1.09, 0.74, 1.67],
    [3.50, 3.08, 3.27, 1.90, 1.69, 2.55, 2.26, 1.85, 1.43, 2.05, 1.61, 1.38, 2.10, 1.67, 1.33, 2.26],
]).T * -1.0
_TURNER_SD = np.array([
    [1.34, 1.74, 1.74, 1.74, 1.74, 1.74, 1.74, 1.53, 1.52, 1.52, 1.51, 1.52, 1.54, 1.53, 1.52, 1.52],
    [1.41, 1.79, 1.79, 1.79, 1.79, 1.79, 1.79, 1.58, 1.58, 1.58, 1.58, 1.58, 1.60, 1.60, 1.58, 1.58],
    [1.55, 1.91, 1.91, 1.91, 1.91, 1.91, 1.92, 1.72, 1.71, 1.71, 1.71, 1.71, 1.73, 1.72, 1.71, 1.71],
    [1.02, 1.50, 1.51, 1.50, 1.50, 1.51, 1.51, 1.25, 1.24, 1.24, 1.24, 1.25, 1.27, 1.27, 1.24, 1.25],
    [1.26, 1.68, 1.68, 1.68, 1.68, 1.68, 1.68, 1.46, 1.45, 1.45, 1.45, 1.45, 1.47, 1.47, 1.45, 1.45],
]).T
#: Rhodes et al. (2015), Table 3 (area "other") and Tables A.3.1 (respiratory), A.3.2 (cancer):
#: location and scale of the t₅ distribution of log τ² for SMDs, by outcome type (rows) and
#: comparison (pharmacological vs placebo/control, pharmacological vs pharmacological,
#: non-pharmacological (any)).
RHODES_COMPARISONS = ("pharmacological vs placebo/control", "pharmacological vs pharmacological",
                      "non-pharmacological (any)")
RHODES_OUTCOMES = (
    "obstetric outcome", "resource use and hospital stay / process", "internal and external structure-related outcome",
    "general physical health and adverse event and pain and quality of life / functioning",
    "signs / symptoms reflecting continuation / end of condition and infection / onset of new acute / chronic disease",
    "mental health outcome", "biological marker", "various subjectively measured outcomes",
)
_RHODES = {
    "other": (np.array([[4.13, 2.55, 2.43, 3.16, 3.00, 2.99, 3.41, 2.76], [4.40, 2.83, 2.70, 3.44, 3.27, 3.27, 3.68, 3.03],
                        [3.99, 2.41, 2.29, 3.02, 2.86, 3.85, 3.27, 2.62]]).T * -1.0,
              np.array([[2.34, 2.73, 2.50, 2.50, 2.50, 2.16, 2.83, 2.58], [2.31, 2.70, 2.46, 2.44, 2.47, 2.14, 2.78, 2.59],
                        [2.11, 2.57, 2.32, 2.27, 2.33, 1.93, 2.66, 2.41]]).T),
    "respiratory": (np.array([[6.03, 4.46, 4.33, 5.07, 4.90, 4.90, 5.31, 4.66],
                              [6.31, 4.73, 4.61, 5.34, 5.18, 5.17, 5.59, 4.94],
                              [5.89, 4.32, 4.19, 4.93, 4.76, 4.76, 5.17, 4.52]]).T * -1.0,
                    np.array([[2.36, 2.74, 2.51, 2.51, 2.50, 2.17, 2.83, 2.59],
                              [2.31, 2.70, 2.46, 2.45, 2.47, 2.14, 2.78, 2.59],
                              [2.21, 2.57, 2.33, 2.28, 2.33, 1.94, 2.66, 2.41]]).T),
    "cancer": (np.array([[1.57, -0.01, 0.13, 0.60, 0.44, 0.43, 0.85, 0.20],
                         [1.85, 0.27, 0.14, 0.88, 0.71, 0.71, 1.13, 0.48],
                         [1.43, -0.15, -0.27, 0.46, 0.30, 0.29, 0.71, 0.06]]).T * -1.0,
               np.array([[2.45, 2.83, 2.61, 2.61, 2.60, 2.28, 2.93, 2.68],
                         [2.41, 2.79, 2.56, 2.55, 2.57, 2.25, 2.87, 2.68],
                         [2.24, 2.68, 2.45, 2.40, 2.46, 2.08, 2.78, 2.53]]).T),
}


def _lookup(value: str, options: tuple[str, ...], what: str) -> int:
    hits = [i for i, o in enumerate(options) if o.startswith(value)]
    if len(hits) != 1:
        raise InputError(f"{what} must be one of: {'; '.join(options)}; got {value!r}")
    return hits[0]


def turner_prior(outcome: str | None = None, comparison: str = "pharmacological vs placebo/control") -> TauPrior:
    """Turner et al. (2015) log-normal prior for τ² of log odds ratios, as a prior for τ.

    ``outcome=None`` is the marginal setting LN(-2.56, 1.74²) for τ² (p. 993). Names may be
    abbreviated to a unique prefix. τ² ~ LN(m, s²) is τ ~ LN(m/2, (s/2)²).

    >>> turner_prior("all-cause", "pharmacological vs placebo").parameters
    {'meanlog': -1.975, 'sdlog': 0.67, 'tau2_meanlog': -3.95, 'tau2_sdlog': 1.34}
    """
    if outcome is None:
        m, s = -2.56, 1.74
    else:
        i = _lookup(outcome, TURNER_OUTCOMES, "outcome")
        j = _lookup(comparison, TURNER_COMPARISONS, "comparison")
        m, s = float(_TURNER_MEAN[i, j]), float(_TURNER_SD[i, j])
    prior = log_normal(m / 2, s / 2)
    return TauPrior("Turner et al. 2015", {"meanlog": m / 2, "sdlog": s / 2, "tau2_meanlog": m, "tau2_sdlog": s},
                    True, -np.inf, logpdf=prior.logpdf, zero_density=True)


def rhodes_prior(outcome: str | None = None, comparison: str = "pharmacological vs placebo/control",
                 area: str = "other") -> TauPrior:
    """Rhodes et al. (2015) log-t₅ prior for τ² of standardised mean differences, as a prior for τ.

    ``outcome=None`` is the general setting t₅(-3.44, 2.59) for log τ² (Section 3.3).

    >>> rhodes_prior("mental health", "non-pharm").parameters["tau2_location"]
    -3.85
    """
    if outcome is None:
        loc, scale = -3.44, 2.59
    else:
        if area not in _RHODES:
            raise InputError(f"area must be one of {', '.join(_RHODES)}; got {area!r}")
        i = _lookup(outcome, RHODES_OUTCOMES, "outcome")
        j = _lookup(comparison, RHODES_COMPARISONS, "comparison")
        loc, scale = float(_RHODES[area][0][i, j]), float(_RHODES[area][1][i, j])
    prior = log_t(loc / 2, scale / 2, 5.0)
    return TauPrior("Rhodes et al. 2015", {"location": loc / 2, "scale": scale / 2, "df": 5.0, "tau2_location": loc,
                                           "tau2_scale": scale}, True, -1.0, logpdf=prior.logpdf, zero_density=True)


PRIORS: dict[str, Callable[..., TauPrior]] = {
    "half-normal": half_normal, "half-cauchy": half_cauchy, "uniform": uniform, "log-normal": log_normal,
    "log-t": log_t, "improper-uniform": improper_uniform, "sqrt-uniform": sqrt_uniform, "jeffreys": jeffreys,
    "berger-deely": berger_deely, "conventional": conventional, "shrinkage": uniform_shrinkage,
    "i2": uniform_i2, "dumouchel": dumouchel, "turner": turner_prior, "rhodes": rhodes_prior,
}
