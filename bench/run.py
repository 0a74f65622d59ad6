"""Throughput benchmark: bare spaCy parse vs the framelens pipeline on the same articles.

Articles are read at run time from the PTC train split in the shared datasets
(never copied into the repo). Prints articles/s and words/s for a bare
``nlp.pipe`` parse and for ``Pipeline.analyze_many``, their ratio, and each
analyzer's cost per article (ms, and as a share of the bare parse).

    python bench/run.py --data ../shared/datasets [--n 120] [--analyzers a,b]
                        [--set key=value ...] [--json OUT]

``make bench`` runs it twice: every analyzer with the default settings, then the
actors + portrayal + relations profile with the fast portrayal model
(``--set portrayal_model=fast``), whose cost over the bare parse the README reports.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from framelens import Pipeline, load_settings
from framelens.config import find_datasets_dir
from framelens.ingest import make_article
from framelens.model import Article, Failure


def load_articles(data: Path, n: int) -> list[Article]:
    folder = data / "ptc2020" / "train-articles"
    if not folder.is_dir():
        sys.exit(f"bench: {folder} not found — pass --data with the shared datasets folder")
    settings = load_settings(lang_check=False)
    files = sorted(folder.glob("article*.txt"))[:n]
    return [make_article(f.read_text(encoding="utf-8"), settings, source=str(f)) for f in files]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="shared datasets folder")
    ap.add_argument("--n", type=int, default=120, help="number of articles (>= 100)")
    ap.add_argument("--analyzers", default=None, help="comma-separated analyzers (default: all)")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting (repeatable), e.g. portrayal_model=fast",
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    overrides = dict(kv.split("=", 1) for kv in args.set if "=" in kv)
    if len(overrides) != len(args.set):
        sys.exit("bench: --set takes KEY=VALUE")
    data = args.data if args.data and args.data.is_dir() else find_datasets_dir()
    if data is None:
        sys.exit("bench: no datasets folder found — pass --data ../shared/datasets")
    articles = load_articles(data, args.n)
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    settings = load_settings(lang_check=False, **overrides)

    pipe = Pipeline(args.analyzers, settings)
    # Warm up: first calls load lazily-initialised resources (embedder, lexicons).
    list(pipe.analyze_many(articles[:2]))
    pipe.timings.clear()

    nlp = pipe.nlp
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=settings.batch_size):
        pass
    bare = time.perf_counter() - t0

    t0 = time.perf_counter()
    results = list(pipe.analyze_many(articles))
    full = time.perf_counter() - t0
    failures = [r for r in results if isinstance(r, Failure)]

    n = len(articles)
    print(f"articles: {n} PTC train articles, {words:,} words; analyzers: {', '.join(pipe.names)}")
    print(f"{'':<28}{'seconds':>10}{'articles/s':>12}{'words/s':>12}")
    print(f"{'bare spaCy nlp.pipe':<28}{bare:>10.2f}{n / bare:>12.2f}{words / bare:>12,.0f}")
    print(f"{'framelens analyze':<28}{full:>10.2f}{n / full:>12.2f}{words / full:>12,.0f}")
    print(f"ratio framelens / bare parse: {full / bare:.2f}x")
    analyzers_s = sum(v for k, v in pipe.timings.items() if k != "parse")
    print(f"analyzers and shared features add {100 * analyzers_s / bare:.0f}% to the bare parse")
    if overrides:
        print("settings: " + ", ".join(f"{k}={v}" for k, v in overrides.items()))
    print()
    print(f"{'stage':<28}{'ms/article':>12}{'% of parse':>12}")
    stages = dict(pipe.timings)
    for stage, secs in stages.items():
        print(f"{stage:<28}{1000 * secs / n:>12.1f}{100 * secs / bare:>11.1f}%")
    if failures:
        print(f"\n{len(failures)} failed: " + "; ".join(f.line() for f in failures[:5]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "articles": n,
                    "words": words,
                    "bare_s": bare,
                    "framelens_s": full,
                    "ratio": full / bare,
                    "stages_s": stages,
                    "analyzers": pipe.names,
                    "settings": overrides,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
