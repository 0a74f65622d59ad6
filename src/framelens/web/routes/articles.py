"""Corpus and article view: ``/articles``, ``/articles/{id}`` and their JSON."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from ...errors import Errors, NotFound
from ...model import Analysis
from ...reports.html import report_context
from ...reports.summaries import TECHNIQUE_DEFINITIONS
from . import page, web

router = APIRouter()
_ID = re.compile(r"^[0-9a-f]{4,64}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PAGE_SIZE = 50


def load_analysis(request: Request, article_id: str) -> Analysis:
    """The newest stored analysis of an article id (or unique prefix of 4+ hex digits)."""
    if not _ID.match(article_id):
        raise NotFound(
            f"no stored article with id {article_id[:80]!r}",
            fix="article ids are hex digits; find them at /articles",
            value=article_id,
        )
    store = web(request).store
    full = store.resolve_article_ids([article_id])[0]
    return store.get_analysis(full)


def _day(value: str | None, name: str) -> str | None:
    if not value:
        return None
    if not _DAY.match(value):
        raise Errors.E107(f"{name}={value[:40]!r} is not a date", fix="use YYYY-MM-DD", value=value)
    return value


def _search(
    request: Request,
    q: str | None,
    outlet: str | None,
    since: str | None,
    until: str | None,
    actor: str | None,
    label: str | None,
    technique: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    # One row more than the page shows tells whether a next page exists, without counting
    # every match (a count over 100,000 articles costs more than the page itself).
    rows = web(request).store.search_articles(
        q or None,
        outlet=outlet or None,
        since=_day(since, "since"),
        until=_day(until, "until"),
        actor=actor or None,
        label=label or None,
        technique=technique or None,
        limit=limit + 1,
        offset=offset,
    )
    return {
        "articles": rows[:limit],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if len(rows) > limit else None,
    }


Q = Annotated[str | None, Query(description="words that must all occur (title or text)")]
Outlet = Annotated[str | None, Query(description="only this outlet (exact)")]
Since = Annotated[str | None, Query(description="published on or after YYYY-MM-DD")]
Until = Annotated[str | None, Query(description="published on or before YYYY-MM-DD")]
Actor = Annotated[str | None, Query(description="mentions this actor (id or name)")]
Label = Annotated[str | None, Query(description="an actor is given this label (lemma)")]
Technique = Annotated[
    str | None, Query(description="uses this persuasion technique (e.g. Loaded_Language)")
]


@router.get("/articles", include_in_schema=False)
def articles_page(
    request: Request,
    q: Q = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    actor: Actor = None,
    label: Label = None,
    technique: Technique = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    found = _search(request, q, outlet, since, until, actor, label, technique, PAGE_SIZE, offset)
    filters = {
        "q": q,
        "outlet": outlet,
        "since": since,
        "until": until,
        "actor": actor,
        "label": label,
        "technique": technique,
    }
    techniques = sorted(TECHNIQUE_DEFINITIONS)
    return page(request, "articles.html.j2", filters=filters, techniques=techniques, **found)


@router.get("/api/articles", tags=["corpus"])
def api_articles(
    request: Request,
    q: Q = None,
    outlet: Outlet = None,
    since: Since = None,
    until: Until = None,
    actor: Actor = None,
    label: Label = None,
    technique: Technique = None,
    limit: Annotated[int, Query(ge=1, le=500)] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> JSONResponse:
    """One page of stored articles, newest first, or best match first for ``q``
    (like `framelens corpus search`); ``next_offset`` is null on the last page."""
    return JSONResponse(
        {
            "ok": True,
            **_search(request, q, outlet, since, until, actor, label, technique, limit, offset),
        }
    )


@router.get("/articles/{article_id}", include_in_schema=False)
def article_page(request: Request, article_id: str) -> Response:
    analysis = load_analysis(request, article_id)
    stories = web(request).store.stories_of_article(analysis.article.id)
    return page(request, "article.html.j2", web=True, stories=stories, **report_context(analysis))


@router.get("/api/articles/{article_id}", tags=["corpus"])
def api_article(request: Request, article_id: str, download: bool = False) -> JSONResponse:
    """The stored ``framelens.analysis/1`` object (``?download=1``: as a file)."""
    analysis = load_analysis(request, article_id)
    headers = {}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{analysis.article.id}.json"'
    return JSONResponse(analysis.to_dict(), headers=headers)
