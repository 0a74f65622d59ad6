"""The web app: ``create_app(settings)`` builds a FastAPI app over the library.

Pages are server-rendered Jinja2 (the article view includes the static report's own
templates), a little plain JavaScript in ``static/app.js``, no build step. The JSON API
under ``/api`` mirrors the CLI. Every error, page or API, goes through one handler
(``errors.py``) and comes out as ``{"ok": false, "error": {"code", "message", "fix"}}``
with the error's HTTP status (an HTML page for the pages).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..config import Settings, load_settings
from .errors import install_error_handlers
from .security import SecurityMiddleware
from .state import WebState

__all__ = ["create_app"]


def create_app(
    settings: Settings | None = None,
    *,
    token: str | None = None,
    pipeline: Any = None,
    max_request_bytes: int | None = None,
) -> FastAPI:
    """The framelens web app. ``token`` (if set) is required on every write request;
    ``pipeline`` lets tests share one already-built ``Pipeline``."""
    from importlib.resources import files

    from .routes.analyze import router as analyze_routes
    from .routes.articles import router as article_routes
    from .routes.evidence import router as evidence_routes
    from .routes.jobs import router as job_routes
    from .routes.stories import router as story_routes

    settings = settings or load_settings()
    app = FastAPI(
        title="framelens",
        version=__version__,
        description="Critical reading of news: the JSON API mirrors the `framelens` CLI. "
        'Errors: `{"ok": false, "error": {"code", "message", "fix"}}`.',
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.web = WebState(
        settings, token=token, pipeline=pipeline, max_request_bytes=max_request_bytes
    )
    install_error_handlers(app)
    app.add_middleware(SecurityMiddleware, state=app.state.web)
    static = files("framelens.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in (analyze_routes, article_routes, story_routes, evidence_routes, job_routes):
        app.include_router(router)
    return app
