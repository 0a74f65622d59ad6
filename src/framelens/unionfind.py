"""Disjoint sets (union-find), for the groupings built by several layers.

The smaller root is kept on a merge, so which item stands for a group never depends on
the order of the merges; ``union`` says which root was kept and which was absorbed, for
callers that keep per-group data of their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any


class UnionFind:
    def __init__(self, items: Iterable[Any] = ()) -> None:
        self.parent: dict[Any, Any] = {x: x for x in items}

    def find(self, x: Any) -> Any:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: Any, b: Any) -> tuple[Any, Any] | None:
        """Merge the groups of ``a`` and ``b``: (kept root, absorbed root), or None."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        self.parent[gone] = keep
        return keep, gone

    def groups(self, items: Iterable[Any]) -> list[list[Any]]:
        """``items`` by group, each group and the groups in the order items first appear."""
        out: dict[Any, list[Any]] = defaultdict(list)
        for x in items:
            out[self.find(x)].append(x)
        return list(out.values())
