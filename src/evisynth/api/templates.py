"""The report's Jinja2 templates for other renderers (the web app loads them beside its own pages).

>>> TEMPLATE_PACKAGE
('evisynth.report', 'templates')
"""

from __future__ import annotations

from evisynth.report.templating import FILTERS, TEMPLATE_PACKAGE

__all__ = ["FILTERS", "TEMPLATE_PACKAGE"]
