"""The accuracy checker: statistical claims in a text, checked for consistency and against a source."""

from __future__ import annotations

from evisynth.report.checker import check_text
from evisynth.report.checker.check import check_file
from evisynth.report.checker.render import render_report

__all__ = ["check_file", "check_text", "render_report"]
