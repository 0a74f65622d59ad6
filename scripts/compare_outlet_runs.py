"""Paired comparison of two `framelens eval outlets` runs on the same BASIL articles.

    framelens eval outlets --data ../shared/datasets/basil --predictions work/outlets-tuned
    framelens eval outlets --data ../shared/datasets/basil --set encoder=frozen \\
        --predictions work/outlets-frozen
    python scripts/compare_outlet_runs.py work/outlets-frozen work/outlets-tuned

Each run writes ``outlet_hits.csv`` (event, outlet, whether the outlet was predicted). The
script prints both accuracies, the articles only one run gets right, McNemar's exact test
on them, and a 95% interval of the difference from resampling events (an event's three
articles stand or fall together). BASIL has 300 articles: a difference of 0.03 is nine
articles, so read it with its interval.
"""

from __future__ import annotations

import argparse
import csv
import sys
from math import comb
from pathlib import Path

import numpy as np

from framelens.eval.outlets import event_bootstrap


def read_hits(folder: Path) -> dict[tuple[str, str], bool]:
    path = folder / "outlet_hits.csv"
    if not path.is_file():
        sys.exit(f"compare_outlet_runs: {path} not found — run `framelens eval outlets "
                 f"--predictions {folder}` first")  # fmt: skip
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["event"], r["outlet"]): r["hit"] == "1" for r in csv.DictReader(fh)}


def mcnemar_exact(only_a: int, only_b: int) -> float:
    """Two-sided exact McNemar p-value (a binomial test on the discordant articles)."""
    n = only_a + only_b
    if n == 0:
        return 1.0
    tail = sum(comb(n, k) for k in range(min(only_a, only_b) + 1)) / 2**n
    return min(1.0, 2 * tail)


def paired_interval(a: np.ndarray, b: np.ndarray, events: np.ndarray) -> tuple[float, float]:
    """95% interval of accuracy(a) - accuracy(b), resampling events with replacement."""
    lo, hi = event_bootstrap(a.astype(int) - b.astype(int), events)
    return lo, hi


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path, help="--predictions folder of the first run")
    ap.add_argument("b", type=Path, help="--predictions folder of the second run")
    args = ap.parse_args()
    hits_a, hits_b = read_hits(args.a), read_hits(args.b)
    keys = sorted(set(hits_a) & set(hits_b))
    if len(keys) != len(hits_a) or len(keys) != len(hits_b):
        sys.exit("compare_outlet_runs: the two runs scored different articles")
    a = np.array([hits_a[k] for k in keys])
    b = np.array([hits_b[k] for k in keys])
    events = np.array([k[0] for k in keys])
    only_a, only_b = int((a & ~b).sum()), int((~a & b).sum())
    lo, hi = paired_interval(a, b, events)
    print(f"articles                 {len(keys)}")
    print(f"accuracy {args.a.name:<15} {a.mean():.4f}")
    print(f"accuracy {args.b.name:<15} {b.mean():.4f}")
    diff = a.mean() - b.mean()
    print(f"difference (a - b)       {diff:+.4f}  95% interval [{lo:+.4f}, {hi:+.4f}]")
    print(f"right only in a / b      {only_a} / {only_b}")
    print(f"McNemar exact p          {mcnemar_exact(only_a, only_b):.3f}")


if __name__ == "__main__":
    main()
