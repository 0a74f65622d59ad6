"""The one error handler: every failure becomes ``{"ok": false, "error": {...}}``.

API paths get JSON; pages get the same code, message and fix in an HTML page, with the
same HTTP status. Messages may quote hostile input: JSON is data, and the page escapes.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from ..errors import Errors, FramelensError

log = logging.getLogger("framelens.web")

_HTTP_CODES = {
    401: (Errors.E401.code, "use the server's token: an `Authorization: Bearer TOKEN` header"),
    403: (Errors.E403.code, "send the request from the framelens page itself"),
    404: (Errors.E404.code, "check the address; the API is described at /api/docs"),
    405: (Errors.E405.code, "check the HTTP method; the API is described at /api/docs"),
    413: (Errors.E413.code, "send less: upload fewer or smaller files (max_bytes)"),
}


def error_payload(code: str, message: str, fix: str = "") -> dict[str, object]:
    return {"ok": False, "error": {"code": code, "message": message, "fix": fix}}


def error_response(
    request: Request | None, path: str, status: int, code: str, message: str, fix: str = ""
) -> Response:
    """The error as JSON (``/api`` and non-HTML clients) or as an HTML page."""
    accept = request.headers.get("accept", "") if request is not None else ""
    if path.startswith("/api") or path.startswith("/static") or "text/html" not in accept:
        return JSONResponse(error_payload(code, message, fix), status_code=status)
    from .render import render_page

    html = render_page("error.html.j2", status=status, code=code, message=message, fix=fix)
    return HTMLResponse(html, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handler for library errors, HTTP errors, bad requests and bugs."""

    async def handle(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if isinstance(exc, FramelensError):
            return error_response(request, path, exc.status, exc.code, exc.message, exc.fix)
        if isinstance(exc, RequestValidationError):
            first = exc.errors()[0] if exc.errors() else {}
            where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
            msg = f"invalid request: {first.get('msg', 'bad value')}" + (
                f" at {where}" if where else ""
            )
            return error_response(
                request, path, 422, Errors.E422.code, msg, "see the request schema at /api/docs"
            )
        if isinstance(exc, HTTPException):
            code, fix = _HTTP_CODES.get(exc.status_code, (f"E{exc.status_code}", ""))
            return error_response(request, path, exc.status_code, code, str(exc.detail), fix)
        log.exception("internal error on %s", path)
        return error_response(
            request,
            path,
            500,
            Errors.E500.code,
            f"internal error: {type(exc).__name__}",
            "please report it with the steps that led here",
        )

    for kind in (FramelensError, RequestValidationError, HTTPException, Exception):
        app.add_exception_handler(kind, handle)
