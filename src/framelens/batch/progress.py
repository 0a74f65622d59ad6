"""Progress for long commands: a Rich bar (items/s, ETA) on a terminal, log lines otherwise.

One helper for every long command (ingest, batch, evidence add, eval): ``Reporter`` around
a loop, or ``track`` around an iterable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TextIO, TypeVar

T = TypeVar("T")


class Reporter:
    """``advance(n)`` as work finishes; a Rich bar when ``stream`` is a terminal and not quiet.

    Without a terminal (or with ``quiet``) it writes a plain line at most every
    ``every`` seconds: ``done/total articles, rate/s, ETA``, and one when the work ends.
    ``unit`` names the items ("articles", "documents", "sentences").
    """

    def __init__(
        self,
        label: str,
        total: int | None,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        every: float = 10.0,
        log: Callable[[str], None] | None = None,
        unit: str = "articles",
    ):
        self.label, self.total, self.done, self.unit = label, total, 0, unit
        self.stream = stream or sys.stderr
        self.rich = not quiet and self.stream.isatty()
        self._start = time.perf_counter()
        self.every, self._last = every, self._start  # the first line after `every` seconds
        self._log = log or (lambda line: print(line, file=self.stream, flush=True))
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Reporter:
        if self.rich:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.1f} " + self.unit + "/s"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=False,
                # Lines the command prints to stdout go above the bar only when stdout is
                # the terminal too; piped, they stay in the pipe.
                redirect_stdout=sys.stdout.isatty(),
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total, rate=0.0)
        return self

    def advance(self, n: int = 1) -> None:
        self.done += n
        elapsed = time.perf_counter() - self._start
        rate = self.done / elapsed if elapsed else 0.0
        if self._progress is not None:
            self._progress.update(self._task, advance=n, rate=rate)
            return
        now = time.perf_counter()
        if now - self._last < self.every:
            return
        self._last = now
        self._line(rate)

    def _line(self, rate: float, end: str = "") -> None:
        total = f"/{self.total}" if self.total else ""
        eta = ""
        if self.total and rate and not end:
            eta = f", ETA {max(0.0, (self.total - self.done) / rate):.0f}s"
        unit = self.unit
        self._log(f"{self.label}: {self.done}{total} {unit}, {rate:.1f} {unit}/s{eta}{end}")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
        elif self.done and exc_type is None:
            # The last state as a plain line too, so a short run without a terminal says
            # how much it did and how fast (an error says it alone, on one line).
            elapsed = time.perf_counter() - self._start
            self._line(self.done / elapsed if elapsed else 0.0, f", {elapsed:.1f}s in all")


def track(
    items: Iterable[T],
    label: str,
    total: int | None = None,
    **options: Any,
) -> Iterator[T]:
    """Yield ``items``, counting each one done when the next is asked for (a ``Reporter``
    with ``options``: ``unit``, ``quiet``, ``log``, ...)."""
    with Reporter(label, total, **options) as bar:
        for item in items:
            yield item
            bar.advance()
