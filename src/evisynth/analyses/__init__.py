"""Compositions over the models: subgroups, meta-regression, bias and sensitivity analyses."""
