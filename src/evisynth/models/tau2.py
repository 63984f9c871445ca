"""The τ² estimators, registered once by metafor's method codes.

:data:`TAU2_ESTIMATORS` maps each code to a :class:`Tau2Method`: its name, its plain reference
implementation (:mod:`evisynth.models.reference`, the formula of its paper, which defines it)
and its kernel (:mod:`evisynth.models.kernels`, the vectorised code the engine runs, tested to
give the reference's numbers). Calling a method fits one meta-analysis (1-D arrays) or a batch
(``(..., k)`` arrays, optional boolean ``mask``) and returns a
:class:`~evisynth.models.kernels.arrays.Tau2Estimate`::

    est = TAU2_ESTIMATORS["REML"](y, v)            # or with moderators: (y, v, X)

Definitions follow metafor's ``rma.uni`` (Viechtbauer 2010); the iterative ones are solved to
tight convergence rather than metafor's default stopping rule (``threshold=1e-5``), so they
agree with metafor run with a tight ``control``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from evisynth.models import reference
from evisynth.models.kernels import likelihood, moments, qsolve
from evisynth.models.kernels.arrays import Tau2Estimate, conditioned_design, prepare
from evisynth.models.kernels.scaling import normalise

__all__ = ["TAU2_ESTIMATORS", "Tau2Estimate", "Tau2Method", "tau2_dl", "tau2_eb", "tau2_he", "tau2_hs",
           "tau2_ml", "tau2_pm", "tau2_reml", "tau2_sj"]

#: A kernel: ``(y, v, m, k, X) -> Tau2Estimate`` on prepared arrays (see
#: :func:`~evisynth.models.kernels.arrays.prepare`)
Kernel = Callable[..., Tau2Estimate]


@dataclass(frozen=True)
class Tau2Method:
    """One τ² estimator: what it is, the formula that defines it and the code that runs it."""

    code: str
    name: str
    #: plain implementation for one meta-analysis: ``(y, v, X=None) -> ReferenceTau2``
    reference: Callable[..., reference.ReferenceTau2]
    #: vectorised implementation on prepared arrays (what :func:`evisynth.models.pool.pool` runs)
    kernel: Kernel
    #: solved by iteration (reports ``converged`` and ``iterations``)
    iterative: bool

    def __call__(self, y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None,
                 mask: np.ndarray | None = None) -> Tau2Estimate:
        """Estimate τ² for one meta-analysis (``y``, ``v`` of shape ``(k,)``, ``X`` of shape
        ``(k, p)``) or a batch (``(..., k)`` and ``(..., k, p)``); absent studies are False in
        ``mask``. Undefined cases (``k <= p``) give nan, without floating-point warnings.

        The kernel runs in exactly rescaled units (sampling variances about 1, see
        :func:`~evisynth.models.kernels.scaling.normalise`), so the result does not depend on the
        scale of the data, and on a well-conditioned design with the column space of ``X``
        (:func:`~evisynth.models.kernels.arrays.conditioned_design`), which is all that matters.
        """
        y = np.asarray(y, dtype=float)
        single = y.ndim == 1
        if single:
            y, v = y[None], np.asarray(v, dtype=float)[None]
            mask = None if mask is None else np.asarray(mask)[None]
            X = None if X is None else np.asarray(X, dtype=float)[None]
        yy, vv, m, k = prepare(y, v, mask)
        yy, vv, _, h = normalise(yy, vv, m, k, shift=False)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            res = self.kernel(yy, vv, m, k, None if X is None else conditioned_design(X, m))
        f2 = np.ldexp(1.0, 2 * h)
        tau2, se = res.tau2 * f2, res.se * f2
        if single:
            return Tau2Estimate(tau2[0], se[0], res.converged[0], res.iterations[0],
                                None if res.at_zero_check is None else res.at_zero_check[0])
        return Tau2Estimate(tau2, se, res.converged, res.iterations, res.at_zero_check)


#: The registry of τ² estimators, keyed by metafor's method codes (in metafor's order).
TAU2_ESTIMATORS: dict[str, Tau2Method] = {
    m.code: m
    for m in (
        Tau2Method("DL", "DerSimonian-Laird", reference.tau2_dl, moments.dl, False),
        Tau2Method("HE", "Hedges", reference.tau2_he, moments.he, False),
        Tau2Method("HS", "Hunter-Schmidt", reference.tau2_hs, moments.hs, False),
        Tau2Method("SJ", "Sidik-Jonkman", reference.tau2_sj, moments.sj, False),
        Tau2Method("ML", "maximum likelihood", reference.tau2_ml, likelihood.ml, True),
        Tau2Method("REML", "restricted maximum likelihood", reference.tau2_reml, likelihood.reml, True),
        Tau2Method("PM", "Paule-Mandel", reference.tau2_pm, qsolve.pm, True),
        # Morris's equation is Paule-Mandel's (see reference.tau2_eb): the same kernel
        Tau2Method("EB", "empirical Bayes", reference.tau2_eb, qsolve.pm, True),
    )
}

tau2_dl = TAU2_ESTIMATORS["DL"]
tau2_he = TAU2_ESTIMATORS["HE"]
tau2_hs = TAU2_ESTIMATORS["HS"]
tau2_sj = TAU2_ESTIMATORS["SJ"]
tau2_ml = TAU2_ESTIMATORS["ML"]
tau2_reml = TAU2_ESTIMATORS["REML"]
tau2_pm = TAU2_ESTIMATORS["PM"]
tau2_eb = TAU2_ESTIMATORS["EB"]
