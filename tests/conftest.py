"""Fixtures shared by the figure, report and analysis tests (defined in :mod:`figdata`)."""

from figdata import doc18, doc60, doc_or_subgroup, doc_small, doc_subgroup  # noqa: F401
