"""Comparison benchmark: `compare` on 50 article files and on 50 stored analyses.

Articles are read at run time from BASIL in the shared datasets (never copied into the
repo); each gets an outlet (its BASIL source and a round-robin index, 15 outlets in all)
and is written to a JSONL file of its own. Prints, in one run:

- the bare spaCy parse of the 50 texts, for scale;
- `analyze` of the 50 files (the whole pipeline);
- `compare` of the 50 files: analysis plus comparison (target: at most 1.5x analyze);
- `compare` of the same 50 analyses read from a store, as `framelens ingest` leaves
  them: with the vectors of the parties' contexts and the claims stored ahead, so no
  model runs (target: under 1/10 of analyze); and what storing those vectors costs.

    python bench/compare.py --data ../shared/datasets [--n 50]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from framelens import Pipeline, load_settings
from framelens.compare import cached_embedder, compare_analyses, compare_paths, embed_ahead
from framelens.config import find_datasets_dir
from framelens.corpus import Store
from framelens.ingest import iter_articles
from framelens.model import Analysis
from framelens.nlp.embedder import load_embedder


def write_articles(data: Path, n: int, folder: Path) -> list[Path]:
    root = data / "basil" / "articles"
    if not root.is_dir():
        sys.exit(f"bench: {root} not found — pass --data with the shared datasets folder")
    paths = []
    for i, f in enumerate(sorted(root.rglob("*.json"))[:n]):
        raw = json.loads(f.read_text(encoding="utf-8"))
        text = "\n\n".join(" ".join(p) for p in raw["body-paragraphs"])
        record = {
            "text": text,
            "title": raw.get("title") or "",
            "outlet": f"{str(raw['source']).lower()}-{i % 5}",
            "published": raw.get("date"),
        }
        out = folder / f"article-{i:03d}.jsonl"
        out.write_text(json.dumps(record) + "\n", encoding="utf-8")
        paths.append(out)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="shared datasets folder")
    ap.add_argument("--n", type=int, default=50, help="number of articles")
    args = ap.parse_args()
    data = args.data if args.data and args.data.is_dir() else find_datasets_dir()
    if data is None:
        sys.exit("bench: no datasets folder found — pass --data ../shared/datasets")
    settings = load_settings(lang_check=False)
    pipe = Pipeline(None, settings)
    embedder = load_embedder(settings.embedder_spec)
    with tempfile.TemporaryDirectory(prefix="framelens-bench-") as tmp:
        folder = Path(tmp)
        paths = write_articles(data, args.n, folder)
        warm = [a for a in pipe.analyze_many(iter_articles(paths[:2], settings))]
        compare_analyses([a for a in warm if isinstance(a, Analysis)], embedder=embedder)

        texts = [json.loads(p.read_text())["text"] for p in paths]
        t0 = time.perf_counter()
        for _ in pipe.nlp.pipe(texts, batch_size=settings.batch_size):
            pass
        bare = time.perf_counter() - t0

        t0 = time.perf_counter()
        analyses = [
            a for a in pipe.analyze_many(iter_articles(paths, settings)) if isinstance(a, Analysis)
        ]
        analyse_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        comparison, failures = compare_paths(paths, settings, pipeline=pipe, embedder=embedder)
        files_s = time.perf_counter() - t0

        store = Store(f"sqlite:///{folder / 'bench.db'}")
        for a in analyses:
            store.save_analysis(a)
        # what `framelens ingest` adds: the vectors a comparison needs, stored ahead
        t0 = time.perf_counter()
        n_texts = embed_ahead(analyses, cached_embedder(store, settings.embedder_spec))
        ahead_s = time.perf_counter() - t0
        ids = [a.article.id for a in analyses]
        t0 = time.perf_counter()
        stored = store.get_analyses(ids)
        # as `framelens compare STORY` does: the store's vectors, the model only on a miss
        cached = cached_embedder(store, settings.embedder_spec)
        compare_analyses(list(stored.values()), settings=settings, embedder=cached)
        stored_s = time.perf_counter() - t0
        store.engine.dispose()

    n = len(analyses)
    print(
        f"articles: {n} BASIL articles, {len(comparison.outlets)} outlets, "
        f"{len(comparison.referents)} referents, {len(comparison.quote_reuse)} shared quotations"
    )
    print(f"{'':<40}{'seconds':>10}{'vs analyze':>12}")
    print(f"{'bare spaCy nlp.pipe':<40}{bare:>10.2f}{bare / analyse_s:>11.2f}x")
    print(f"{'analyze (all analyzers)':<40}{analyse_s:>10.2f}{1:>11.2f}x")
    print(
        f"{'compare 50 files (analyse + compare)':<40}{files_s:>10.2f}{files_s / analyse_s:>11.2f}x"
    )
    label = "compare 50 stored analyses (no NLP)"
    print(f"{label:<40}{stored_s:>10.2f}{stored_s / analyse_s:>11.2f}x")
    label = f"  ingest's vectors stored ahead ({n_texts})"
    print(f"{label:<40}{ahead_s:>10.2f}{ahead_s / analyse_s:>11.2f}x")
    print(f"  stored compare: {cached.hits} vectors read, {cached.misses} encoded")
    ok1 = files_s <= 1.5 * analyse_s
    ok2 = stored_s < analyse_s / 10
    print(f"targets: files <= 1.5x analyze: {'met' if ok1 else 'MISSED'}; ", end="")
    print(f"stored < 0.1x analyze: {'met' if ok2 else 'MISSED'}")
    if failures:
        print(f"{len(failures)} failed: " + "; ".join(f.line() for f in failures[:3]))


if __name__ == "__main__":
    main()
