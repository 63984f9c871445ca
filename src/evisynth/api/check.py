"""The accuracy checker: statistical claims in a text, checked for consistency and against a source."""

from __future__ import annotations

from evisynth.check import check_text
from evisynth.check.check import check_file
from evisynth.check.folder import check_folder, pairs, table_csv, table_text
from evisynth.check.output import check_outputs, write_atomic
from evisynth.check.render import render_report
from evisynth.check.view import findings_css, html_fragment, html_page

__all__ = ["check_file", "check_folder", "check_outputs", "check_text", "findings_css", "html_fragment", "html_page",
           "pairs", "render_report", "table_csv", "table_text", "write_atomic"]
