"""Run the pipeline over partitions: in process, or on a Dask distributed cluster.

The client reads the inputs, cuts them into partitions, hands each to a worker and
records finished partitions in the manifest. A worker builds the ``Pipeline`` once per
process (``_pipeline``), analyses a partition with ``analyze_many`` (``nlp.pipe``
batches) and writes its Parquet files. Only ``submit_window`` partitions are in flight,
so the client's memory does not grow with the input.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings, load_settings
from ..errors import ConfigError, Errors
from ..model import Analysis, Failure
from .inputs import iter_inputs
from .partitions import Partition, Skipped, partitions
from .writer import Output, failure_row, write_partition

Progress = Callable[[int, "BatchResult"], None]


@dataclass
class BatchResult:
    """Summary of a run (this run only; earlier runs' partitions are counted as skipped)."""

    out: str
    analysed: int = 0
    failed: int = 0
    words: int = 0
    partitions: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    failures_by_code: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    first_partition_s: float | None = None
    workers: int = 0

    @property
    def processed(self) -> int:
        return self.analysed + self.failed

    @property
    def rate(self) -> float:
        return self.processed / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "processed": self.processed,
            "analysed": self.analysed,
            "failed": self.failed,
            "skipped": dict(self.skipped),
            "failures_by_code": dict(self.failures_by_code),
            "partitions": self.partitions,
            "seconds": round(self.seconds, 3),
            "articles_per_s": round(self.rate, 2),
            "words_per_s": round(self.words / self.seconds, 1) if self.seconds else 0.0,
            "first_partition_s": self.first_partition_s,
            "workers": self.workers,
        }


# ---- on the worker -----------------------------------------------------------------

_PIPELINES: dict[tuple[str, str], Any] = {}
_STORES: dict[str, Any] = {}


def _pipeline(analyzers: str, values: dict[str, Any]) -> Any:
    """The worker process's pipeline for these settings, built on first use."""
    key = (analyzers, json.dumps(values, sort_keys=True, default=str))
    if key not in _PIPELINES:
        from ..pipeline import Pipeline

        _PIPELINES[key] = Pipeline(analyzers or None, Settings.resolved(values))
    return _PIPELINES[key]


def _store(url: str) -> Any:
    if url not in _STORES:
        from ..corpus.store import Store

        _STORES[url] = Store(url)
    return _STORES[url]


def process_partition(
    out: str,
    part: Partition,
    analyzers: str,
    values: dict[str, Any],
    store_url: str | None = None,
) -> dict[str, Any]:
    """Analyse and write one partition; returns its counts for the manifest and summary."""
    pipe = _pipeline(analyzers, values)
    keys = part.keys
    results: list[tuple[str, Analysis | Failure]] = list(
        zip(keys, pipe.analyze_many(item for _, item in part.items), strict=True)
    )
    if store_url:
        store = _store(store_url)
        for _, result in results:
            if isinstance(result, Failure):
                store.save_failure(result)
            else:
                store.save_analysis(result)
    counts = write_partition(Path(out), part.id, results)
    codes = Counter(r.code for _, r in results if isinstance(r, Failure))
    words = sum(len(r.article.text.split()) for _, r in results if isinstance(r, Analysis))
    return {
        "partition": part.id,
        "keys": keys,
        "rows": counts,
        "codes": dict(codes),
        "words": words,
        "pid": os.getpid(),
    }


# ---- on the client -----------------------------------------------------------------


def _lost_partition(out: Path, part: Partition, exc: BaseException) -> dict[str, Any]:
    """A partition whose worker died (e.g. over its memory limit): each item a failure."""
    message = f"the worker processing this article's partition died ({type(exc).__name__}: {exc})"
    failures = [
        (
            key,
            Failure(
                source=(item.source or key) if not isinstance(item, Failure) else item.source,
                stage="batch",
                code=Errors.E501.code,
                message=message,
                fix="raise --memory-limit or lower --partition-size, or skip the article",
                article_id=getattr(item, "id", None),
            ),
        )
        for key, item in part.items
    ]
    counts = write_partition(out, part.id, failures)
    return {
        "partition": part.id,
        "keys": part.keys,
        "rows": counts,
        "codes": {Errors.E501.code: len(failures)},
        "words": 0,
    }


def _run_local(
    out: str, parts: Iterator[Partition], analyzers: str, values: dict[str, Any], store: str | None
) -> Iterator[dict[str, Any]]:
    for part in parts:
        yield process_partition(out, part, analyzers, values, store)


def _run_dask(
    out: str,
    parts: Iterator[Partition],
    analyzers: str,
    values: dict[str, Any],
    store: str | None,
    *,
    workers: int,
    scheduler: str | None,
    memory_limit: str,
) -> Iterator[dict[str, Any]]:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise ConfigError(
                f"cannot connect to the Dask scheduler at {scheduler!r} ({exc})",
                fix="check the address (tcp://host:8786) and that the scheduler is running",
                value=scheduler,
            ) from None
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory_limit,
            dashboard_address=None,
        )
        client = Client(cluster)
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        window = 2 * n  # enough queued to keep every worker busy, few in client memory
        pending: dict[Any, Partition] = {}
        queue = as_completed()

        def submit() -> bool:
            part = next(parts, None)
            if part is None:
                return False
            fut = client.submit(
                process_partition,
                out,
                part,
                analyzers,
                values,
                store,
                key=f"framelens-partition-{part.id}",
                pure=False,
            )
            pending[fut] = part
            queue.add(fut)
            return True

        while len(pending) < window and submit():
            pass
        for fut in queue:
            part = pending.pop(fut)
            try:
                yield fut.result()
            except Exception as exc:  # KilledWorker after retries: record, go on
                yield _lost_partition(Path(out), part, exc)
            fut.release()
            while len(pending) < window and submit():
                pass
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_batch(
    paths: Sequence[str | Path],
    out: str | Path,
    *,
    analyzers: str | None = None,
    settings: Settings | None = None,
    workers: int = 0,
    scheduler: str | None = None,
    partition_size: int = 100,
    memory_limit: str = "1.5GB",
    store: bool = False,
    force: bool = False,
    text_column: str = "text",
    columns: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Analyse every article under ``paths`` into Parquet datasets under ``out``.

    ``workers=0`` and no ``scheduler`` runs in this process; otherwise a Dask
    ``LocalCluster`` of ``workers`` processes, or the cluster at ``scheduler``.
    Re-running skips finished partitions and articles; a killed run resumes.
    """
    settings = settings or load_settings()
    if partition_size < 1:
        raise ConfigError(
            f"partition size must be at least 1, got {partition_size}",
            fix="e.g. --partition-size 100",
            value=str(partition_size),
        )
    if not paths:
        raise Errors.E100("no inputs given", fix="give files or directories")
    output = Output(out)
    try:
        output.dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Errors.E109(
            f"cannot create the output directory {str(out)!r} ({exc.strerror})",
            fix="give a writable --out directory",
            value=str(out),
        ) from None
    output.recover()
    done = output.done_keys()
    result = BatchResult(out=str(out), workers=0 if not (workers or scheduler) else workers)
    # Resolve analyzer names on the client: a typo is one error now, not one per partition.
    from ..pipeline import _check_produces, _parse_names, resolve_order

    names = _parse_names(analyzers, settings)
    _check_produces(resolve_order(names))
    analyzer_arg = ",".join(names)
    values = dict(settings.values)
    store_url = settings.db_url if store else None

    skipped = Skipped()
    items = iter_inputs(paths, settings, force=force, text_column=text_column, columns=columns)
    parts = partitions(items, partition_size, done, skipped)
    start = time.perf_counter()
    if workers or scheduler:
        runs: Iterable[dict[str, Any]] = _run_dask(
            str(out),
            parts,
            analyzer_arg,
            values,
            store_url,
            workers=max(1, workers),
            scheduler=scheduler,
            memory_limit=memory_limit,
        )
    else:
        runs = _run_local(str(out), parts, analyzer_arg, values, store_url)
    for done_part in runs:
        output.record(done_part["partition"], done_part["rows"], done_part["keys"])
        if result.first_partition_s is None:
            result.first_partition_s = round(time.perf_counter() - start, 3)
        codes = Counter(done_part["codes"])
        result.partitions += 1
        result.failed += sum(codes.values())
        result.analysed += len(done_part["keys"]) - sum(codes.values())
        result.failures_by_code.update(codes)
        result.words += done_part["words"]
        result.seconds = time.perf_counter() - start
        result.skipped = Counter(skipped.counts)
        if progress:
            progress(len(done_part["keys"]), result)
    result.seconds = time.perf_counter() - start
    result.skipped = Counter(skipped.counts)
    return result


__all__ = ["BatchResult", "failure_row", "process_partition", "run_batch"]
