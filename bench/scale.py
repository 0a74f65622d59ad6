"""Scaling benchmark: time and peak memory of one long article, by article length.

Synthetic articles of each size are built at run time by concatenating PTC train
articles from the shared datasets (never copied into the repo), cut at a paragraph
break. Each size runs in its own process, so the peak RSS is that size's alone: the
process loads the models, warms up on a short article, then analyses the long one
with every analyzer (``Pipeline.analyze``) and renders its JSON, Markdown and HTML
reports. Prints one row per size: seconds (analysis, reports), seconds per character
relative to the reference size (100 KB), and the process's peak RSS.

    python bench/scale.py --data ../shared/datasets [--sizes 10000,100000,1000000]
                          [--analyzers a,b] [--json OUT]

Targets (issue 18): time per character at 1 MB at most 1.5x that at 100 KB; peak RSS
at 1 MB at most 2.5 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REFERENCE = 100_000
MAX_RATIO = 1.5
MAX_RSS_MB = 2500.0


def build_text(data: Path, size: int) -> str:
    """About ``size`` characters of PTC train articles, joined by blank lines."""
    folder = data / "ptc2020" / "train-articles"
    if not folder.is_dir():
        sys.exit(f"bench: {folder} not found — pass --data with the shared datasets folder")
    parts: list[str] = []
    total = 0
    for f in sorted(folder.glob("article*.txt")):
        body = f.read_text(encoding="utf-8").strip()
        parts.append(body)
        total += len(body) + 2
        if total >= size:
            break
    text = "\n\n".join(parts)
    if len(text) < size:  # fewer articles than needed: repeat them
        text = "\n\n".join([text] * (size // max(len(text), 1) + 1))
    cut = text.rfind("\n\n", 0, size)
    return text[: cut if cut > size // 2 else size].strip()


def run_one(data: Path, size: int, analyzers: str | None) -> dict[str, float]:
    from framelens import Pipeline, load_settings
    from framelens.ingest import make_article
    from framelens.reports import render

    settings = load_settings(lang_check=False, max_chars=max(size * 2, 1_000_000))
    pipe = Pipeline(analyzers, settings)
    warm = make_article(build_text(data, 3000), settings, source="warm-up")
    pipe.analyze(warm)  # loads lazily-initialised resources (embedder, lexicons)
    article = make_article(build_text(data, size), settings, source=f"synthetic-{size}")
    t0 = time.perf_counter()
    analysis = pipe.analyze(article)
    analyse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for fmt in ("json", "md", "html"):
        render(analysis, fmt)
    report_s = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "size": size,
        "chars": len(article.text),
        "analyse_s": analyse_s,
        "report_s": report_s,
        "total_s": analyse_s + report_s,
        "peak_rss_mb": peak_kb / 1024,
        "spans": len(analysis.claims) + len(analysis.quotes) + len(analysis.techniques),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="shared datasets folder")
    ap.add_argument("--sizes", default="10000,100000,1000000", help="article sizes (chars)")
    ap.add_argument("--analyzers", default=None, help="comma-separated analyzers (default: all)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.data is None or not args.data.is_dir():
        from framelens.config import find_datasets_dir

        args.data = find_datasets_dir()
        if args.data is None:
            sys.exit("bench: no datasets folder found — pass --data ../shared/datasets")
    if args.one is not None:  # the child process: one size, one JSON line
        print(json.dumps(run_one(args.data, args.one, args.analyzers)), flush=True)
        return

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    rows: list[dict[str, float]] = []
    print(
        f"{'size':>9} {'chars':>9} {'analyse s':>10} {'reports s':>10} {'µs/char':>8} "
        f"{'vs 100 KB':>9} {'peak RSS':>9}"
    )
    ref: float | None = None
    for size in sizes:
        cmd = [sys.executable, __file__, "--data", str(args.data), "--one", str(size)]
        if args.analyzers:
            cmd += ["--analyzers", args.analyzers]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            sys.exit(f"bench: size {size} failed:\n{proc.stderr[-3000:]}")
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        per_char = row["total_s"] / row["chars"]
        if size == REFERENCE:
            ref = per_char
        row["us_per_char"] = per_char * 1e6
        rows.append(row)
        print(f"  ({size:,} done: {row['total_s']:.1f} s)", file=sys.stderr, flush=True)
    for row in rows:
        ratio = row["us_per_char"] / 1e6 / ref if ref else float("nan")
        row["ratio_vs_100k"] = ratio
        print(
            f"{int(row['size']):>9,} {int(row['chars']):>9,} {row['analyse_s']:>10.1f} "
            f"{row['report_s']:>10.2f} {row['us_per_char']:>8.1f} {ratio:>8.2f}× "
            f"{row['peak_rss_mb']:>6.0f} MB",
            flush=True,
        )
    failed = [
        f"{int(r['size']):,}: {why}"
        for r in rows
        if r["size"] >= 1_000_000
        for why in (
            [f"time per char {r['ratio_vs_100k']:.2f}× that at 100 KB (> {MAX_RATIO}×)"]
            if ref and r["ratio_vs_100k"] > MAX_RATIO
            else []
        )
        + (
            [f"peak RSS {r['peak_rss_mb']:.0f} MB (> {MAX_RSS_MB:.0f} MB)"]
            if r["peak_rss_mb"] > MAX_RSS_MB
            else []
        )
    ]
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    if failed:
        print("targets missed: " + "; ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
