"""Stories and the outlet comparison: ``/stories``, ``/stories/{id}``, ``/api/compare/{story}``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from ...model import Span
from ...reports.comparison import comparison_context
from . import page, web

router = APIRouter()


def article_href(article_id: str, span: Span | None = None) -> str:
    """The article view, at the cited span when one is given (``#at=START-END``)."""
    href = f"/articles/{quote(article_id, safe='')}"
    return f"{href}#at={span.start}-{span.end}" if span is not None else href


@router.get("/stories", include_in_schema=False)
def stories_page(
    request: Request, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0
) -> Response:
    stories = web(request).store.list_stories(limit=51, offset=offset)
    return page(
        request,
        "stories.html.j2",
        stories=stories[:50],
        offset=offset,
        next_offset=offset + 50 if len(stories) > 50 else None,
    )


@router.get("/api/stories", tags=["stories"])
def api_stories(
    request: Request,
    method: Annotated[str | None, Query(description="auto | manual")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JSONResponse:
    """Stored stories, newest events first (like `framelens stories list`)."""
    stories = web(request).store.list_stories(method=method, limit=limit, offset=offset)
    return JSONResponse({"ok": True, "stories": [s.model_dump(mode="json") for s in stories]})


@router.get("/stories/{story_id}", include_in_schema=False)
def story_page(request: Request, story_id: str) -> Response:
    comparison = web(request).comparison(story_id)
    return page(
        request, "story.html.j2", article_href=article_href, **comparison_context(comparison)
    )


@router.get("/api/compare/{story_id}", tags=["stories"])
def api_compare(request: Request, story_id: str) -> JSONResponse:
    """The comparison of a stored story across its outlets (like `framelens compare STORY
    --format json`)."""
    comparison = web(request).comparison(story_id)
    return JSONResponse(comparison.model_dump(mode="json", by_alias=True))
