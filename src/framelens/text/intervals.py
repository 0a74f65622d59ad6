"""Is a position or span inside (or overlapping) any of many character ranges?

``any(s <= pos < e for s, e in ranges)`` per mention or per cue is quadratic in the
article's length. ``Ranges`` sorts the ranges by start once and keeps the running
maximum of their ends: a query is one bisection, and answers exactly what the scan did,
for any ranges (overlapping, nested or empty).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate


class Ranges:
    def __init__(self, ranges: Iterable[tuple[int, int]]):
        pairs = sorted(ranges)
        self.starts = [s for s, _ in pairs]
        #: max_end[k]: the largest end among the first k + 1 ranges by start.
        self.max_end = list(accumulate((e for _, e in pairs), max))

    def _max_end(self, k: int) -> int | None:
        return self.max_end[k - 1] if k > 0 else None

    def holds_point(self, pos: int) -> bool:
        """``any(s <= pos < e)``."""
        end = self._max_end(bisect_right(self.starts, pos))
        return end is not None and end > pos

    def holds_span(self, start: int, end: int) -> bool:
        """``any(s <= start and end <= e)``."""
        most = self._max_end(bisect_right(self.starts, start))
        return most is not None and most >= end

    def overlaps(self, start: int, end: int) -> bool:
        """``any(s < end and start < e)``."""
        most = self._max_end(bisect_left(self.starts, end))
        return most is not None and most > start
