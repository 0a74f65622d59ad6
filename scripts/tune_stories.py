"""Tune story grouping's similarity threshold on BASIL's tune half, for the encoder in use.

    python scripts/tune_stories.py --data ../shared/datasets [--set encoder=frozen]

Analyses the articles of the ``tune`` half (the first 50 events by triplet-uuid; actors
only), embeds their title + lead once with the configured encoder, then groups them at
each threshold of ``GRID`` and prints the adjusted Rand index and purity of each: the
threshold to ship for that encoder is the best one here (``corpus.stories.THRESHOLDS``).
The held-out half is not read; ``framelens eval stories --split held-out`` reports it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from framelens import Pipeline, load_settings
from framelens.corpus import Store
from framelens.corpus.stories import ACTOR_WEIGHT, embed_texts, group_stories, inputs_from_rows
from framelens.eval.basil import read_basil, score, split_events
from framelens.ingest import make_article
from framelens.model import Analysis
from framelens.nlp.embedder import load_embedder

GRID = [round(x, 2) for x in np.arange(0.40, 0.71, 0.025)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args()
    settings = load_settings(lang_check=False, **dict(kv.split("=", 1) for kv in args.set))
    items = split_events(read_basil(args.data / "basil", annotations=False), "tune")
    pipe = Pipeline(["actors"], settings)
    truth: dict[str, str] = {}
    articles = []
    for item in items:
        art = make_article(
            item.text,
            settings,
            force=True,
            source=f"basil/{item.event}/{item.outlet}",
            title=item.title,
            outlet=item.outlet,
            published=item.date,
        )
        truth[art.id] = item.event
        articles.append(art)
    with tempfile.TemporaryDirectory(prefix="framelens-tune-") as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'basil.db'}")
        for done in pipe.analyze_many(articles):
            if isinstance(done, Analysis):
                store.save_analysis(done)
        rows = store.story_inputs()  # what group_stored reads, exactly
        store.engine.dispose()
    records = inputs_from_rows(rows)
    embedder = load_embedder(settings.embedder_spec)
    vecs = np.asarray(embedder.encode(embed_texts(records)), dtype=np.float32)
    vectors = {r.id: vecs[k] for k, r in enumerate(records)}
    ids = sorted(truth)
    print(f"embedder {settings.embedder_spec} (encoder {settings.encoder}), {len(ids)} articles")
    for t in GRID:
        stories = group_stories(records, vectors=vectors, threshold=t, actor_weight=ACTOR_WEIGHT)
        by_id = {a: s.id for s in stories for a in s.articles}
        s = score([truth[i] for i in ids], [by_id.get(i, f"missing:{i}") for i in ids])
        print(
            f"threshold {t:.3f}: ARI {s['ari']:.4f} purity {s['purity']:.3f} stories {s['stories']}"
        )


if __name__ == "__main__":
    main()
