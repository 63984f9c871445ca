"""Reports and figures of one analysis: ``report.html``, ``report.md``, the figures, ``analysis.json``."""

from __future__ import annotations

from evisynth.report.html_report import as_bundle, build_report, write_report
from evisynth.report.options import ReportOptions

__all__ = ["ReportOptions", "as_bundle", "build_report", "write_report"]
