"""Security middleware of the app: response headers (CSP without inline scripts), the request-size
limit (413) and the CSRF check on every state-changing request (403), in one pure ASGI layer.

The CSRF token lives in the signed session cookie; forms send it as the ``csrf_token`` field and
htmx requests as the ``X-CSRF-Token`` header (set by ``static/app.js`` from the page's meta tag).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import parse_qs

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = b"x-csrf-token"


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token (created on first use)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


async def _plain(send: Any, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS]})
    await send({"type": "http.response.body", "body": text.encode()})


def _form_token(body: bytes, content_type: str) -> str:
    """The ``csrf_token`` field of an urlencoded or multipart body (``""`` when absent)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(CSRF_FIELD, [])
        return values[0] if values else ""
    if content_type.startswith("multipart/form-data"):
        from email.parser import BytesParser
        from email.policy import HTTP

        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == CSRF_FIELD:
                payload = part.get_payload(decode=True)
                return payload.decode("utf-8", "replace").strip() if isinstance(payload, bytes) else ""
    return ""


class SecurityMiddleware:
    """Headers on every response; 413 over ``max_body`` bytes; 403 for an unsafe request without the
    session's CSRF token. Must sit inside Starlette's ``SessionMiddleware``."""

    def __init__(self, app: Any, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in names)]
            await send(message)

        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send_with_headers)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _plain(send, 413, f"request larger than the limit of {self.max_body} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _plain(send, 413, f"request larger than the limit of {self.max_body} bytes")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        expected = scope.get("session", {}).get(CSRF_FIELD)
        given = headers.get(CSRF_HEADER, b"").decode("latin-1") or _form_token(
            body, headers.get(b"content-type", b"").decode("latin-1"))
        if not isinstance(expected, str) or not given or not hmac.compare_digest(given, expected):
            await _plain(send, 403, "missing or wrong CSRF token: reload the page and try again")
            return
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            following: dict[str, Any] = await receive()
            return following

        await self.app(scope, replay, send_with_headers)
