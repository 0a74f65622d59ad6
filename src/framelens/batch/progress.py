"""Progress for long commands: a Rich bar (articles/s, ETA) on a terminal, log lines otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TextIO


class Reporter:
    """``advance(n)`` as work finishes; a Rich bar when ``stream`` is a terminal and not quiet.

    Without a terminal (or with ``quiet``) it writes a plain line at most every
    ``every`` seconds: ``done/total articles, rate/s, ETA``.
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
    ):
        self.label, self.total, self.done = label, total, 0
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
                TextColumn("{task.fields[rate]:.1f} articles/s"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=False,
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
        total = f"/{self.total}" if self.total else ""
        eta = ""
        if self.total and rate:
            eta = f", ETA {max(0.0, (self.total - self.done) / rate):.0f}s"
        self._log(f"{self.label}: {self.done}{total} articles, {rate:.1f} articles/s{eta}")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
