"""Sign-in (only when the app was started with a token or a users file) and the reviewer's name."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from evisynth.web.templating import flash, render


async def login(request: Request) -> Response:
    auth = request.app.state.auth
    if request.method == "POST":
        form = await request.form()
        name, secret = str(form.get("user", "")).strip(), str(form.get("password", ""))
        if (auth.users and auth.check_user(name, secret)) or (not name and auth.check_token(secret)):
            request.session["user"] = name or "token"
            if name:
                request.session["reviewer"] = name
            return RedirectResponse("/", status_code=303)
        return render(request, "login.html", {"error": "wrong name, password or token"}, status_code=401)
    return render(request, "login.html", {"error": ""})


async def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login" if request.app.state.auth.enabled else "/", status_code=303)


async def set_reviewer(request: Request) -> Response:
    form = await request.form()
    name = " ".join(str(form.get("reviewer", "")).split())[:80]
    if request.app.state.auth.users and request.session.get("user") not in (None, "token"):
        name = request.session["user"]  # signed-in users screen under their own name
    request.session["reviewer"] = name
    flash(request, f"screening as {name}" if name else "reviewer name cleared")
    target = str(form.get("next", "/"))
    return RedirectResponse(target if target.startswith("/") and not target.startswith("//") else "/",
                            status_code=303)


routes: list[BaseRoute] = [
    Route("/login", login, methods=["GET", "POST"], name="login"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/reviewer", set_reviewer, methods=["POST"], name="reviewer"),
]
