"""Background jobs: many uploaded documents analysed in a thread, progress kept in memory.

A job's progress (done, failed with reasons, rate, ETA) is read by ``GET /api/jobs/{id}``,
so a reloaded page picks it up again. Jobs live as long as the server process.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..errors import Errors, FramelensError, NotFound
from ..model import Article, Failure


@dataclass
class Job:
    id: str
    total: int
    started: float = field(default_factory=time.time)
    done: int = 0
    articles: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    state: str = "queued"  # queued | running | finished
    finished: float | None = None

    def to_dict(self) -> dict[str, Any]:
        processed = self.done + len(self.failed)
        elapsed = (self.finished or time.time()) - self.started
        rate = processed / elapsed if elapsed > 0 else 0.0
        left = max(0, self.total - processed)
        return {
            "id": self.id,
            "state": self.state,
            "total": self.total,
            "done": self.done,
            "failed_count": len(self.failed),
            "processed": processed,
            "rate_per_s": round(rate, 3),
            "eta_s": round(left / rate, 1) if rate > 0 and self.state != "finished" else None,
            "elapsed_s": round(elapsed, 1),
            "articles": self.articles,
            "failed": self.failed,
        }


class JobRegistry:
    """Jobs by id; one worker thread runs them in order (the pipeline is shared)."""

    def __init__(self, workers: int = 1):
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="framelens-job")

    def submit(
        self,
        items: Iterable[Article | Failure],
        analyze: Callable[[Article], Any],
    ) -> Job:
        todo = list(items)
        job = Job(id=uuid.uuid4().hex[:16], total=len(todo))
        with self._lock:
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, todo, analyze)
        return job

    def _run(self, job: Job, todo: list[Article | Failure], analyze: Callable[..., Any]) -> None:
        job.state = "running"
        for item in todo:
            if isinstance(item, Failure):
                job.failed.append(_failure_row(item.source, item.code, item.message, item.fix))
                continue
            try:
                analysis = analyze(item)
            except FramelensError as exc:
                job.failed.append(
                    _failure_row(item.source or item.id, exc.code, exc.message, exc.fix)
                )
                continue
            except Exception as exc:  # one bad document never stops the job
                job.failed.append(
                    _failure_row(
                        item.source or item.id, Errors.E500.code, f"{type(exc).__name__}: {exc}", ""
                    )
                )
                continue
            job.done += 1
            job.articles.append(
                {"id": analysis.article.id, "title": analysis.article.title, "source": item.source}
            )
        job.state = "finished"
        job.finished = time.time()

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(
                f"no job with id {job_id!r}",
                fix="jobs live as long as the server process; upload the files again",
                value=job_id,
            )
        return job


def _failure_row(source: str | None, code: str, message: str, fix: str) -> dict[str, Any]:
    return {"source": source, "code": code, "message": message, "fix": fix}
