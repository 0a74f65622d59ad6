"""Analyze: paste text or upload files (one or many); ``POST /api/analyze``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ...errors import Errors
from ...ingest import article_from_html, make_article
from ...model import Article, Failure
from ..uploads import articles_from_upload, check_size
from . import page, web

router = APIRouter()


class AnalyzeIn(BaseModel):
    """One article to analyse; everything but ``text`` is optional metadata."""

    text: str = Field(description="the article text")
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: str | None = Field(default=None, description="YYYY-MM-DD")
    url: str | None = None
    force: bool = Field(default=False, description="analyse non-English text too")


class FetchIn(BaseModel):
    url: str = Field(description="http(s) URL of the article (needs the fetch_urls setting)")
    force: bool = False


def _article(request: Request, body: AnalyzeIn) -> Article:
    settings = web(request).settings
    check_size("the text", body.text.encode("utf-8"), settings)
    meta = body.model_dump(exclude={"text", "force"})
    return make_article(body.text, settings, force=body.force, source="<web>", **meta)


@router.get("/", include_in_schema=False)
def analyze_page(request: Request, job: str | None = None) -> Response:
    state = web(request)
    recent = state.store.search_articles(limit=10)
    return page(request, "analyze.html.j2", recent=recent, job=job)


@router.post("/api/analyze", status_code=201, tags=["analyze"])
def api_analyze(request: Request, body: AnalyzeIn) -> JSONResponse:
    """Analyse one article, store it, and return the ``framelens.analysis/1`` object
    (``article.id`` is the permalink's id: ``/articles/{id}``)."""
    analysis = web(request).analyze(_article(request, body))
    return JSONResponse(analysis.to_dict(), status_code=201)


@router.post("/api/analyze/url", status_code=201, tags=["analyze"])
def api_analyze_url(request: Request, body: FetchIn) -> JSONResponse:
    """Fetch an article page and analyse it (off unless the ``fetch_urls`` setting is on)."""
    from ..fetch import fetch_url

    state = web(request)
    data, final = fetch_url(body.url, state.settings)
    article = article_from_html(
        data.decode("utf-8", errors="replace"),
        state.settings,
        force=body.force,
        source=final,
        url=final,
    )
    return JSONResponse(state.analyze(article).to_dict(), status_code=201)


def _items(request: Request, uploads: list[tuple[str, bytes]]) -> list[Article | Failure]:
    settings = web(request).settings
    items: list[Article | Failure] = []
    for name, data in uploads:
        items.extend(articles_from_upload(name, data, settings))
    return items


async def _read(files: list[UploadFile]) -> list[tuple[str, bytes]]:
    out = []
    for f in files:
        out.append((f.filename or "upload", await f.read()))
    return out


@router.post("/api/analyze/files", status_code=202, tags=["analyze"])
async def api_analyze_files(
    request: Request,
    files: Annotated[list[UploadFile], File(description="HTML, text, PDF or JSONL")],
) -> JSONResponse:
    """Analyse uploaded files as a background job; follow it at ``/api/jobs/{id}``.

    The type of each file is read from its content, not its name; a file over ``max_bytes``
    and every unreadable document are listed among the job's failures with the reason."""
    if not files:
        raise Errors.E101("no files uploaded", fix="choose one or more files")
    state = web(request)
    items = _items(request, await _read(files))
    job = state.jobs.submit(items, state.analyze)
    return JSONResponse({"ok": True, "job": job.to_dict()}, status_code=202)


@router.post("/analyze", include_in_schema=False)
async def analyze_form(
    request: Request,
    text: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    author: Annotated[str, Form()] = "",
    outlet: Annotated[str, Form()] = "",
    published: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """The form without JavaScript: text -> the article view; files -> the job's progress."""
    state = web(request)
    uploads = [u for u in await _read(files or []) if u[1]]
    if uploads:
        job = state.jobs.submit(_items(request, uploads), state.analyze)
        return RedirectResponse(f"/?job={job.id}", status_code=303)
    body = AnalyzeIn(
        text=text,
        title=title or None,
        author=author or None,
        outlet=outlet or None,
        published=published or None,
    )
    analysis = state.analyze(_article(request, body))
    return RedirectResponse(f"/articles/{analysis.article.id}", status_code=303)
