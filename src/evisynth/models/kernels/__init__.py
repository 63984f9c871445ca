"""The engine's fast paths: τ² estimators and Q-profile limits vectorised over a batch axis.

Nothing here defines a statistic. Each kernel computes exactly the quantity of a plain
reference implementation in :mod:`evisynth.models.reference` (the formula as written in its
paper), with the speed devices kept out of the statistics: O(k) closed forms instead of
projection matrices, one row per meta-analysis with any number of rows (a single fit runs
without a batch axis, on numpy scalars), stacked evaluations, and Newton iterations that stop
on the predicted next step. ``tests/engine/test_kernels_match_reference.py`` checks every
kernel against its reference (1e-12) on the metafor reference data and on random batches.

Kernels run under the caller's floating-point error state: division by zero and invalid
operations are expected (absent studies, rows with k = 1, converged rows) and give inf or nan
that the callers handle, so :func:`~evisynth.models.pool.pool` and
:class:`~evisynth.models.tau2.Tau2Method` call them inside ``np.errstate(divide="ignore",
invalid="ignore", over="ignore")``; so must any other caller.

Modules (each public name is for use within :mod:`evisynth.models`; none is a stable API):

* :mod:`~evisynth.models.kernels.arrays` - preparation of masked batches, last-axis
  reductions, the :class:`~evisynth.models.kernels.arrays.Tau2Estimate` record;
* :mod:`~evisynth.models.kernels.wls` - weighted least squares and the projection quantities;
* :mod:`~evisynth.models.kernels.iterate` - the row-wise iteration driver and its stopping rule;
* :mod:`~evisynth.models.kernels.moments` - stacked intercept-only fits, DL, HE, HS, SJ;
* :mod:`~evisynth.models.kernels.qsolve` - ``Q(τ²) = target``: PM/EB and the Q-profile limits;
* :mod:`~evisynth.models.kernels.likelihood` - ML and REML;
* :mod:`~evisynth.models.kernels.scaling` - exact power-of-two rescaling of data at extreme
  scales, and the reason data cannot be pooled in double precision.
"""
