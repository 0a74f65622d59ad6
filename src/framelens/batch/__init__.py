"""Batch runner: many articles -> Parquet datasets, in process or on Dask distributed.

``run_batch`` reads JSONL(.gz), CSV, WARC and directories, deduplicates by content
hash, processes deterministic partitions (resumable through ``DIR/_manifest.jsonl``)
and writes one Parquet dataset per record type. ``framelens.batch.stats`` answers
corpus-level questions over that output with DuckDB.
"""

from __future__ import annotations

from .runner import BatchResult, run_batch
from .writer import SCHEMAS, TYPES, Output

__all__ = ["SCHEMAS", "TYPES", "BatchResult", "Output", "run_batch"]
