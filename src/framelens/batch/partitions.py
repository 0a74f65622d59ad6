"""Deterministic partitions of the input stream.

Items are deduplicated by key (the article's content hash) across the whole run, items
already written by an earlier run are skipped, and the rest are cut into partitions of
``size`` items in input order. A partition's id is a hash of its items' keys, so the same
work gets the same id (and file names) on every run, and a later run over new inputs
appends new partitions instead of overwriting old ones.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..model import Article, Failure
from .inputs import item_key


@dataclass
class Partition:
    id: str
    items: list[tuple[str, Article | Failure]]

    @property
    def keys(self) -> list[str]:
        return [k for k, _ in self.items]


@dataclass
class Skipped:
    """What partitioning left out, by reason."""

    counts: Counter[str] = field(default_factory=Counter)


def partition_id(keys: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]


def partitions(
    items: Iterable[Article | Failure], size: int, done: set[str], skipped: Skipped
) -> Iterator[Partition]:
    """Partitions of ``size`` new, distinct items; counts duplicates and done items."""
    seen: set[str] = set()
    batch: list[tuple[str, Article | Failure]] = []
    for item in items:
        key = item_key(item)
        if key in seen:
            skipped.counts["duplicate"] += 1
            continue
        seen.add(key)
        if key in done:
            skipped.counts["already done"] += 1
            continue
        batch.append((key, item))
        if len(batch) >= size:
            yield Partition(partition_id(k for k, _ in batch), batch)
            batch = []
    if batch:
        yield Partition(partition_id(k for k, _ in batch), batch)
