"""BASIL: story grouping eval (``framelens eval stories``) and the dataset reader.

``framelens eval stories --data ../shared/datasets/basil`` [``--split tune|held-out|all``]
[``--limit N`` events] [``--format json``]

BASIL (Fan et al., EMNLP 2019) holds 100 events, each covered by one Fox News, one New
York Times and one HuffPost article. The eval stores the 300 articles in a temporary
store with the ``actors`` analyzer only (what grouping reads besides title and lead),
groups them with ``framelens.corpus.stories.group_stories`` exactly as ``framelens
stories`` does, and compares the stories with the events: adjusted Rand index (ARI,
``sklearn.metrics.adjusted_rand_score``) and purity (each story counted for its most
frequent event). BASIL has no official split and no train split; the grouping constants
were tuned on the ``tune`` half (the first 50 events by triplet-uuid) and the figures to
report are those of ``held-out`` (the other 50) and ``all``. The split is by event, so
the three articles of one event are always on the same side.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError, NotFound
from ..model import Analysis
from .base import EvalRequest, task

SPLITS = ("tune", "held-out", "all")
#: Events (sorted by triplet-uuid) of the tuning half; the rest are held out.
TUNE_EVENTS = 50


@dataclass
class BasilSpan:
    """A phrase-level bias annotation; offsets into ``BasilArticle.text`` (or into the
    title when ``in_title``)."""

    start: int
    end: int
    text: str
    bias: str  # "lex" | "inf"
    in_title: bool = False


@dataclass
class BasilArticle:
    event: str  # triplet-uuid
    outlet: str  # fox | nyt | hpo
    title: str
    date: str | None
    url: str | None
    text: str  # sentences joined by a space, paragraphs by a blank line
    uuid: str = ""
    sentence_starts: list[int] = field(default_factory=list)
    spans: list[BasilSpan] = field(default_factory=list)


def _bad(path: Path, why: str) -> InputError:
    return InputError(
        f"{path.name} is not a BASIL article ({why})",
        fix="point --data at an unmodified copy of the BASIL release (articles/, annotations/)",
        value=str(path),
    )


def read_article(path: Path, annotations: Path | None = None) -> BasilArticle:
    """One BASIL article JSON, with its annotation file when given."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = raw["body-paragraphs"]
        event = str(raw["triplet-uuid"])
        outlet = str(raw["source"]).strip().lower()
        title = str(raw.get("title") or "")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _bad(path, f"{type(exc).__name__}: {exc}") from None
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for p_index, paragraph in enumerate(paragraphs):
        for s_index, sentence in enumerate(paragraph):
            if parts:
                sep = "\n\n" if s_index == 0 and p_index > 0 else " "
                parts.append(sep)
                pos += len(sep)
            starts.append(pos)
            parts.append(str(sentence))
            pos += len(str(sentence))
    article = BasilArticle(
        event=event,
        outlet=outlet,
        title=title,
        date=raw.get("date") or None,
        url=raw.get("url") or None,
        text="".join(parts),
        uuid=str(raw.get("uuid") or ""),
        sentence_starts=starts,
    )
    if annotations is not None and annotations.is_file():
        article.spans = _read_spans(annotations, article)
    return article


def _read_spans(path: Path, article: BasilArticle) -> list[BasilSpan]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        rows = raw.get("phrase-level-annotations") or []
    except (OSError, ValueError) as exc:
        raise _bad(path, f"{type(exc).__name__}: {exc}") from None
    spans: list[BasilSpan] = []
    for row in rows:
        sid, start, end = str(row.get("id", "")), int(row["start"]), int(row["end"])
        if sid == "title":
            spans.append(BasilSpan(start, end, article.title[start:end], row["bias"], True))
        elif (
            sid.startswith("p")
            and sid[1:].isdigit()
            and int(sid[1:]) < len(article.sentence_starts)
        ):
            base = article.sentence_starts[int(sid[1:])]
            s, e = base + start, base + end
            spans.append(BasilSpan(s, e, article.text[s:e], row["bias"]))
    return spans


def read_basil(folder: Path, *, annotations: bool = True) -> list[BasilArticle]:
    """Every article of the BASIL release in ``folder``, sorted by (event, outlet)."""
    root = folder / "articles"
    files = sorted(root.glob("*/*.json"))
    if not files:
        raise NotFound(
            f"no BASIL articles under {str(root)!r}",
            fix="pass --data with the basil folder (it holds articles/<year>/*.json)",
            value=str(folder),
        )
    out: list[BasilArticle] = []
    for path in files:
        ann = folder / "annotations" / path.parent.name / f"{path.stem}_ann.json"
        out.append(read_article(path, ann if annotations else None))
    out.sort(key=lambda a: (a.event, a.outlet, a.uuid))
    return out


def split_events(items: list[BasilArticle], split: str) -> list[BasilArticle]:
    """The articles of one split: ``tune`` (first 50 events), ``held-out``, ``all``."""
    if split not in SPLITS:
        raise ConfigError(
            f"unknown BASIL split {split!r}",
            fix=f"use one of: {', '.join(SPLITS)} (BASIL has no official split)",
            value=split,
        )
    events = sorted({a.event for a in items})
    keep = set(events[:TUNE_EVENTS] if split == "tune" else events[TUNE_EVENTS:])
    return [a for a in items if split == "all" or a.event in keep]


def purity(truth: list[str], predicted: list[str]) -> float:
    """Share of items whose predicted cluster's most frequent true label is their own."""
    clusters: dict[str, Counter[str]] = {}
    for t, p in zip(truth, predicted, strict=True):
        clusters.setdefault(p, Counter())[t] += 1
    return sum(c.most_common(1)[0][1] for c in clusters.values()) / max(len(truth), 1)


def adjusted_rand_score(truth: list[str], predicted: list[str]) -> float:
    """The adjusted Rand index, computed as scikit-learn's ``adjusted_rand_score`` does
    (pair counts in exact integers, one division), so that scoring needs no scikit-learn."""
    n = len(truth)
    pairs = Counter(zip(truth, predicted, strict=True))
    sum_squares = sum(c * c for c in pairs.values())
    by_true, by_pred = Counter(truth), Counter(predicted)
    # Pair confusion matrix: pairs together in both / only in one / in neither.
    fp = sum(c * by_pred[p] for (_, p), c in pairs.items()) - sum_squares
    fn = sum(c * by_true[t] for (t, _), c in pairs.items()) - sum_squares
    tp = sum_squares - n
    tn = n * n - fp - fn - sum_squares
    if fn == 0 and fp == 0:  # identical partitions (also the degenerate ones)
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def score(truth: list[str], predicted: list[str]) -> dict[str, Any]:
    return {
        "ari": float(adjusted_rand_score(truth, predicted)),
        "purity": purity(truth, predicted),
        "inverse_purity": purity(predicted, truth),
        "stories": len(set(predicted)),
        "events": len(set(truth)),
        "articles": len(truth),
    }


@task("stories", dataset="basil")
def eval_stories(req: EvalRequest) -> dict[str, Any]:
    """Store BASIL's articles, group them into stories, score against the events."""
    from ..corpus import Store
    from ..corpus.stories import DEFAULT_WINDOW_DAYS, group_stored
    from ..ingest import make_article
    from ..nlp.embedder import load_embedder
    from ..pipeline import Pipeline

    split = req.split if req.split != "dev" else "all"  # `eval` defaults to --split dev
    items = split_events(read_basil(req.data, annotations=False), split)
    if req.limit is not None:
        keep = set(sorted({a.event for a in items})[: max(0, req.limit)])
        items = [a for a in items if a.event in keep]
    window = int(req.options.get("window_days", DEFAULT_WINDOW_DAYS))
    pipeline = Pipeline(["actors"], req.settings)
    embedder = load_embedder(req.settings.embedder_spec)
    truth_by_id: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="framelens-basil-") as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'basil.db'}")
        articles = []
        for item in items:
            article = make_article(
                item.text,
                req.settings,
                force=True,
                source=f"basil/{item.event}/{item.outlet}",
                title=item.title,
                outlet=item.outlet,
                published=item.date,
                url=item.url,
            )
            truth_by_id[article.id] = item.event
            articles.append(article)
        failed = 0
        for done in req.track(pipeline.analyze_many(articles), len(articles), "articles"):
            if isinstance(done, Analysis):
                store.save_analysis(done)
            else:
                failed += 1
        found = group_stored(store, embedder=embedder, window_days=window)
        undated = group_stored(store, embedder=embedder, window_days=window, use_dates=False)
        store.engine.dispose()

    def labels(stories: list[Any]) -> tuple[list[str], list[str]]:
        by_id = {a: s.id for s in stories for a in s.articles}
        ids = sorted(truth_by_id)
        return [truth_by_id[i] for i in ids], [by_id.get(i, f"missing:{i}") for i in ids]

    truth, predicted = labels(found)
    result = {"split": split, "window_days": window, **score(truth, predicted)}
    result["failed"] = failed
    # The same grouping blind to dates: how much the text and actors alone recover.
    result["without_dates"] = score(*labels(undated))
    return result
