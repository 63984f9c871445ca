"""Pooling models: τ² estimators, common and random effects, Mantel-Haenszel, Peto, meta-regression.

Statistics and speed are kept apart:

* :mod:`~evisynth.models.reference` - the τ² estimators and Q-profile limits as the formulas
  of their papers, for one meta-analysis (what the engine computes, by definition);
* :mod:`~evisynth.models.kernels` - the vectorised fast paths the engine runs, tested to give
  the reference numbers (1e-12);
* :mod:`~evisynth.models.tau2` - the one registry of estimators (``TAU2_ESTIMATORS``), tying
  each code to its reference and its kernel;
* :mod:`~evisynth.models.undefined` - how results say a statistic is undefined (nan) and why
  (the :class:`~evisynth.models.undefined.Undefined` flags), and the rounding-level test;
* :mod:`~evisynth.models.pool` - inverse-variance pooling (one meta-analysis or a batch), its
  result record in :mod:`~evisynth.models.pool_arrays`;
  :mod:`~evisynth.models.mixed` - meta-regression; :mod:`~evisynth.models.mantel_haenszel` -
  Mantel-Haenszel and Peto; :mod:`~evisynth.models.small_study` - Egger, Begg, fail-safe N;
  :mod:`~evisynth.models.permutation` - permutation tests for meta-regression.
"""
