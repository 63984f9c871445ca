"""Reports and figures: ``report.html``, ``report.md``, the figures and ``analysis.json`` of one analysis
(:func:`write_report`) or of one outcome of a review with its subgroup analyses and meta-regression
(:func:`write_outcome_report`)."""

from __future__ import annotations

from evisynth.report.html_report import as_bundle, build_report, write_report
from evisynth.report.options import ReportOptions
from evisynth.report.outcome_report import outcome_figures, outcome_options, write_outcome_report

__all__ = ["ReportOptions", "as_bundle", "build_report", "outcome_figures", "outcome_options", "write_outcome_report",
           "write_report"]
