"""Batch benchmark: bare nlp.pipe vs ``framelens batch`` with 1 and 2 Dask workers.

N articles are built at run time from the PTC train and dev articles in the shared
datasets (replicated with an edition line when N exceeds them; never copied into the
repo) into a temporary JSONL file. Measures articles/s and words/s, scaling efficiency
(2-worker rate / 1-worker rate), peak RSS per worker and time to the first partition.

    python bench/batch.py --data ../shared/datasets [--n 2000] [--analyzers actors]
                          [--partition-size 100] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from framelens.batch import run_batch
from framelens.config import find_datasets_dir, load_settings
from framelens.nlp import load_nlp


def build_input(data: Path, n: int, path: Path) -> tuple[list[str], int]:
    files: list[Path] = []
    for split in ("train-articles", "dev-articles"):
        files += sorted((data / "ptc2020" / split).glob("article*.txt"))
    if not files:
        sys.exit(f"bench: no PTC articles under {data} — pass --data ../shared/datasets")
    base = [f.read_text(encoding="utf-8") for f in files]
    texts = []
    for i in range(n):
        text = base[i % len(base)]
        if i >= len(base):  # a distinct copy (distinct content hash), same work to analyse
            text = f"{text}\n\nEdition {i // len(base)}."
        texts.append(text)
    with open(path, "w", encoding="utf-8") as fh:
        for i, text in enumerate(texts):
            fh.write(json.dumps({"text": text, "outlet": f"outlet{i % 5}"}) + "\n")
    return texts, sum(len(t.split()) for t in texts)


class RssSampler:
    """Peak RSS of each Dask worker process (spawned children of this process)."""

    def __init__(self) -> None:
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            for child in me.children(recursive=True):
                try:
                    if "spawn_main" in " ".join(child.cmdline()):
                        rss = child.memory_info().rss
                        self.peak[child.pid] = max(self.peak.get(child.pid, 0), rss)
                except psutil.Error:
                    pass
            time.sleep(0.2)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--analyzers", default="actors")
    ap.add_argument("--partition-size", type=int, default=100)
    ap.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    data = args.data if args.data and args.data.is_dir() else find_datasets_dir()
    if data is None:
        sys.exit("bench: no datasets folder found — pass --data ../shared/datasets")
    tmp = Path(tempfile.mkdtemp(prefix="framelens-bench-"))
    try:
        src = tmp / "articles.jsonl"
        texts, words = build_input(data, args.n, src)
        settings = load_settings(lang_check=False)
        figures: dict[str, Any] = {
            "articles": args.n,
            "words": words,
            "analyzers": args.analyzers,
            "partition_size": args.partition_size,
            "loadavg_start": os.getloadavg()[0],
        }
        print(
            f"{args.n} articles ({words:,} words), analyzers: {args.analyzers}, "
            f"partitions of {args.partition_size}"
        )

        nlp = load_nlp(settings.spacy_model, settings.max_chars)
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=settings.batch_size):
            pass
        bare = time.perf_counter() - t0
        del nlp
        figures["bare"] = {"seconds": bare, "articles_s": args.n / bare, "words_s": words / bare}
        print(
            f"{'':<26}{'seconds':>9}{'articles/s':>12}{'words/s':>10}{'first part s':>14}"
            f"{'peak RSS/worker MB':>20}"
        )
        print(
            f"{'bare nlp.pipe, 1 process':<26}{bare:>9.1f}{args.n / bare:>12.2f}"
            f"{words / bare:>10,.0f}"
        )

        for workers in (int(w) for w in args.workers.split(",") if w):
            out = tmp / f"out{workers}"
            with RssSampler() as rss:
                t0 = time.perf_counter()
                result = run_batch(
                    [src],
                    out,
                    analyzers=args.analyzers,
                    settings=settings,
                    workers=workers,
                    partition_size=args.partition_size,
                )
                secs = time.perf_counter() - t0
            peak = max(rss.peak.values(), default=0) / 2**20
            row = {
                "seconds": secs,
                "articles_s": result.processed / secs,
                "words_s": result.words / secs,
                "first_partition_s": result.first_partition_s,
                "peak_rss_mb": peak,
                "failed": result.failed,
            }
            figures[f"workers_{workers}"] = row
            label = f"framelens batch, {workers} worker{'s' if workers > 1 else ''}"
            print(
                f"{label:<26}{secs:>9.1f}{row['articles_s']:>12.2f}{row['words_s']:>10,.0f}"
                f"{result.first_partition_s or 0:>14.1f}{peak:>20.0f}"
            )
        if "workers_1" in figures and "workers_2" in figures:
            eff = figures["workers_2"]["articles_s"] / figures["workers_1"]["articles_s"]
            figures["scaling_2_over_1"] = eff
            print(f"scaling: 2-worker rate / 1-worker rate = {eff:.2f}x")
        # The machine may be shared: say how busy it was (load average over 1 minute).
        figures["loadavg_end"] = os.getloadavg()[0]
        print(
            f"load average at start {figures['loadavg_start']:.1f}, at end "
            f"{figures['loadavg_end']:.1f} on {os.cpu_count()} cores"
        )
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(figures, indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
