"""The Jinja2 templates of evisynth's HTML: the analysis report, the summary-of-findings table and the
evidence summary; the web app (``evisynth serve``) renders its pages with the same templates.

Templates live in the package folder ``evisynth/report/templates/report/`` and are named
``report/<name>``, so another environment can load them next to its own through
:data:`TEMPLATE_PACKAGE` (``jinja2.PackageLoader(*TEMPLATE_PACKAGE)`` in a ``ChoiceLoader``) and
register :data:`FILTERS`. Autoescaping is always on: every text from the data (study labels,
outcome names, notes) is escaped; trusted markup (a figure's SVG written by matplotlib) is passed
as :class:`markupsafe.Markup`.

>>> render("report/macros.html.j2").strip() == ""
True
>>> from evisynth.report.tables import Table
>>> html = env().get_template("report/macros.html.j2").module.table(Table("t", "<T>", ("a",), (("<b>",),)))
>>> "<caption>&lt;T&gt;</caption>" in html and '<td class="l">&lt;b&gt;</td>' in html
True
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from markupsafe import Markup, escape

__all__ = ["FILTERS", "TEMPLATE_PACKAGE", "env", "render", "stylesheet"]

#: ``(package, folder)`` for :class:`jinja2.PackageLoader`; template names start with ``report/``.
TEMPLATE_PACKAGE = ("evisynth.report", "templates")


def br(text: Any) -> Markup:
    """Escape ``text`` and turn its line breaks into ``<br>``.

    >>> str(br("a<b>\\nc"))
    'a&lt;b&gt;<br>c'
    """
    return Markup("<br>").join(escape(str(text)).split("\n"))


#: Filters the templates use (an environment loading them must register these).
FILTERS = {"br": br}


@cache
def env() -> Any:
    """The report's Jinja2 environment (autoescaping on, undefined names are errors)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    e = Environment(loader=PackageLoader(*TEMPLATE_PACKAGE),
                    autoescape=select_autoescape(default=True, default_for_string=True),
                    undefined=StrictUndefined, keep_trailing_newline=True)
    e.filters.update(FILTERS)
    return e


def render(name: str, **context: Any) -> str:
    """Render the template ``name`` (e.g. ``"report/page.html.j2"``) with ``context``."""
    return str(env().get_template(name).render(**context))


@cache
def stylesheet(name: str = "report.css") -> str:
    """A stylesheet of the templates folder, without its final line break."""
    return resources.files("evisynth.report").joinpath("templates", "report", name).read_text(encoding="utf-8").strip()
