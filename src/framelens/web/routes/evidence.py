"""Evidence: collections, uploads into them, and checking an article's claims against them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ...errors import Errors
from ...evidence.index import EvidenceIndex, check_collection
from ...model import Failure
from ..uploads import evidence_from_upload
from . import page, web
from .analyze import AnalyzeIn, _article
from .articles import load_analysis

router = APIRouter()


def _index(request: Request) -> EvidenceIndex:
    state = web(request)
    return EvidenceIndex(state.store, state.settings)


class CheckIn(BaseModel):
    """An article to check: a stored one by ``article_id``, or new ``text`` (and metadata)."""

    article_id: str | None = Field(default=None, description="a stored article's id")
    text: str | None = None
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    force: bool = False


@router.get("/evidence", include_in_schema=False)
def evidence_page(request: Request) -> Response:
    index = _index(request)
    collections = index.collections()
    docs = {c["collection"]: index.documents(c["collection"]) for c in collections}
    recent = web(request).store.search_articles(limit=20)
    return page(request, "evidence.html.j2", collections=collections, docs=docs, recent=recent)


@router.get("/api/evidence", tags=["evidence"])
def api_collections(request: Request) -> JSONResponse:
    """Evidence collections with their numbers of documents and passages."""
    return JSONResponse({"ok": True, "collections": _index(request).collections()})


@router.get("/api/evidence/{collection}", tags=["evidence"])
def api_documents(request: Request, collection: str) -> JSONResponse:
    """The documents of one collection."""
    index = _index(request)
    index.require([check_collection(collection)])
    return JSONResponse(
        {"ok": True, "collection": collection, "documents": index.documents(collection)}
    )


@router.post("/api/evidence/{collection}/documents", status_code=201, tags=["evidence"])
async def api_add_documents(
    request: Request,
    collection: str,
    files: Annotated[list[UploadFile], File(description="text, HTML, PDF or JSONL documents")],
) -> JSONResponse:
    """Add documents to a collection (created if new); a document already there is skipped.
    Unreadable documents are listed with the reason."""
    check_collection(collection)
    if not files:
        raise Errors.E101("no files uploaded", fix="choose one or more documents")
    state = web(request)
    index = _index(request)
    added, failed = [], []
    for f in files:
        for item in evidence_from_upload(f.filename or "upload", await f.read(), state.settings):
            if isinstance(item, Failure):
                failed.append(
                    {
                        "source": item.source,
                        "code": item.code,
                        "message": item.message,
                        "fix": item.fix,
                    }
                )
                continue
            result = index.add_document(collection, item)
            added.append(
                {
                    "id": result.doc_id,
                    "name": result.name,
                    "passages": result.passages,
                    "new": result.new,
                }
            )
    return JSONResponse(
        {"ok": True, "collection": collection, "added": added, "failed": failed}, status_code=201
    )


@router.post("/api/evidence/{collection}/check", status_code=201, tags=["evidence"])
def api_check(request: Request, collection: str, body: CheckIn) -> JSONResponse:
    """Check an article's claims against a collection (like `framelens check --evidence`);
    stores and returns the analysis, each claim with its ``verdicts`` and cited passages."""
    state = web(request)
    _index(request).require([check_collection(collection)])
    if body.article_id:
        article = load_analysis(request, body.article_id).article
    elif body.text:
        article = _article(request, AnalyzeIn(**body.model_dump(exclude={"article_id"})))
    else:
        raise Errors.E101("give article_id (a stored article) or text", fix="see /api/docs")
    analysis = state.analyze(article, evidence=collection)
    return JSONResponse(analysis.to_dict(), status_code=201)
