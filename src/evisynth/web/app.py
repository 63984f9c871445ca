"""The ASGI application: :func:`create_app` over one project folder."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from evisynth.api.web import open_store
from evisynth.api.webcache import ReviewCache
from evisynth.web.auth import AuthConfig
from evisynth.web.pages import load_pages
from evisynth.web.security import SecurityMiddleware
from evisynth.web.templating import NAV, STATIC_DIR, render

#: Largest request body accepted (uploads of search exports included).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
OPEN_PATHS = ("/login", "/static/")


class AuthGate:
    """Pages need a signed-in session when authentication is configured; ``?token=`` signs in."""

    def __init__(self, app: Any, auth: AuthConfig) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not self.auth.enabled:
            await self.app(scope, receive, send)
            return
        session = scope.get("session", {})
        request = Request(scope)
        token = request.query_params.get("token")
        if token and self.auth.check_token(token):
            session["user"] = "token"
        if session.get("user") or scope["path"].startswith(OPEN_PATHS):
            await self.app(scope, receive, send)
            return
        response: Response = RedirectResponse("/login", status_code=303)
        await response(scope, receive, send)


def coming(key: str, label: str) -> Route:
    """A placeholder page for a part of the navigation not built yet."""

    def page(request: Request) -> Response:
        return render(request, "coming.html", {"label": label}, page=key)

    return Route(dict((k, p) for k, _, p in NAV)[key], page, name=key)


def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return render(request, "error.html", {"status": status, "detail": detail}, status_code=status)


def _check_css(request: Request) -> Response:
    """The accuracy checker's style for its highlighted findings (page 6), served from the checker."""
    from evisynth.api.check import findings_css

    return Response(findings_css(), media_type="text/css")


def create_app(project_dir: str | Path, *, db_url: str | None = None, auth: AuthConfig | None = None,
               max_upload_bytes: int = MAX_UPLOAD_BYTES, secure_cookies: bool = False,
               secret_key: str | None = None) -> Starlette:
    """The web app over the project in ``project_dir``.

    Parameters
    ----------
    project_dir : str or Path
        The review folder (its store is opened, or created, at start).
    db_url : str, optional
        SQLAlchemy URL of the store (PostgreSQL for a team); default the SQLite file in the folder.
    auth : AuthConfig, optional
        Token or users; ``None`` means no login (loopback only, see :mod:`evisynth.web.auth`).
    max_upload_bytes : int
        Requests with a larger body get 413.
    secure_cookies : bool
        Send the session cookie only over HTTPS (set when served behind TLS).
    secret_key : str, optional
        Signs the session cookie; a fresh random key per start when omitted.
    """
    folder = Path(project_dir)
    routes: list[BaseRoute] = []
    for module in load_pages():
        routes.extend(module.routes)
    served = {getattr(r, "path", None) for r in routes}
    routes += [coming(key, label) for key, label, path in NAV if path not in served]
    routes.append(Route("/static/check.css", _check_css, name="check_css"))   # the checker's own style
    routes.append(Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"))
    middleware = [
        Middleware(SessionMiddleware, secret_key=secret_key or secrets.token_urlsafe(32), session_cookie="evisynth",
                   same_site="strict", https_only=secure_cookies, max_age=14 * 24 * 3600),
        Middleware(AuthGate, auth=auth or AuthConfig()),
        Middleware(SecurityMiddleware, max_body=max_upload_bytes),
    ]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={HTTPException: _http_error})
    app.state.folder = folder
    app.state.reviews = ReviewCache()  # page 6's review run, recomputed only when one of its files changes
    app.state.project = open_store(folder, db_url)
    app.state.auth = auth or AuthConfig()
    app.state.max_upload_bytes = max_upload_bytes
    return app
