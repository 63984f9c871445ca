"""Pooling models: τ² estimators, common and random effects, Mantel-Haenszel, Peto, meta-regression."""
