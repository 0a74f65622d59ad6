"""Routes, one module per page; each holds the page and the JSON API that mirrors it."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from ..render import render_page
from ..state import WebState


def web(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    state = web(request)
    html = render_page(
        name,
        token_required=state.token is not None,
        fetch_urls=bool(state.settings.fetch_urls),
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status)
