"""Security headers, the request size limit, the write token and a same-origin check.

A pure ASGI middleware: the size limit counts the bytes as they arrive, so a request
without a Content-Length (chunked) is cut off at the limit too.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import Errors
from .errors import error_payload

# No inline scripts at all (script-src 'self': app.js only) and no inline event handlers;
# inline styles stay allowed: the report's colour strips position marks with style="".
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# FastAPI's Swagger UI page loads its bundle from a CDN and starts it inline.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; frame-ancestors 'none'"
)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class _TooLarge(HTTPException):
    """Raised while the body streams in; the error handler answers it as a 413."""

    def __init__(self, limit: int):
        super().__init__(413, f"request body is over the limit of {limit:,} bytes")


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, state: Any):
        self.app = app
        self.state = state

    async def _reject(self, send: Send, status: int, code: str, message: str, fix: str) -> None:
        body = json.dumps(error_payload(code, message, fix)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *self._headers("/api"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _headers(self, path: str) -> list[tuple[bytes, bytes]]:
        csp = DOCS_CSP if path == "/api/docs" else CSP
        return [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path = scope.get("path", "")
        method = scope.get("method", "GET")
        limit = int(self.state.max_request_bytes)
        if method in WRITE_METHODS:
            origin = headers.get("origin")
            host = headers.get("host", "")
            if origin and origin != "null" and origin.split("://", 1)[-1] != host:
                await self._reject(
                    send,
                    403,
                    Errors.E403.code,
                    f"cross-origin write from {origin!r} refused",
                    "send the request from the framelens page itself",
                )
                return
            token = self.state.token
            if token:
                given = headers.get("x-framelens-token", "")
                auth = headers.get("authorization", "")
                if auth.lower().startswith("bearer "):
                    given = auth[7:].strip()
                if not hmac.compare_digest(given.encode(), token.encode()):
                    await self._reject(
                        send,
                        401,
                        Errors.E401.code,
                        "this server needs its token on every write",
                        "send `Authorization: Bearer $FRAMELENS_TOKEN` (the page's token field "
                        "does this)",
                    )
                    return
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._reject(
                send,
                413,
                Errors.E413.code,
                f"request body of {int(length):,} bytes is over the limit of {limit:,}",
                "send less: fewer or smaller files (the limit follows max_bytes)",
            )
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                raw = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in {b"content-security-policy", b"x-content-type-options"}
                ]
                message = {**message, "headers": raw + self._headers(path)}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _TooLarge:
            if not started:
                await self._reject(
                    send,
                    413,
                    Errors.E413.code,
                    f"request body is over the limit of {limit:,} bytes",
                    "send less: fewer or smaller files (the limit follows max_bytes)",
                )
