"""One module per page, each exposing ``routes: list[starlette.routing.BaseRoute]``.

:func:`evisynth.web.app.create_app` imports every module named in :data:`PAGES`; a page of the
navigation without a module yet gets a "coming" placeholder.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: Page modules, in navigation order (add yours here).
PAGES: tuple[str, ...] = ("project", "search", "screening", "extraction", "rob", "analysis", "certainty", "history",
                          "files", "login")


def load_pages() -> list[ModuleType]:
    """The page modules that exist (a module listed here but not installed is skipped)."""
    modules = []
    for name in PAGES:
        try:
            modules.append(importlib.import_module(f"evisynth.web.pages.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"evisynth.web.pages.{name}":
                raise
    return modules
