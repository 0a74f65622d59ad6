"""Background jobs: ``GET /api/jobs/{id}`` (progress, rate, ETA, failures)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from . import web

router = APIRouter()


@router.get("/api/jobs/{job_id}", tags=["jobs"])
def api_job(request: Request, job_id: str) -> JSONResponse:
    """A job's progress: done, failed (with reasons), rate, ETA, and the stored articles."""
    return JSONResponse({"ok": True, "job": web(request).jobs.get(job_id).to_dict()})
