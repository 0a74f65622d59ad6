"""``framelens eval outlets``: which outlet wrote an article, from its framing alone.

BASIL covers each of 100 events once in Fox News, the New York Times and HuffPost.
Each article is analysed once (the analyses are cached, keyed by the pipeline), site
names and bylines are blanked first (same length, so offsets hold), and every event is
compared across its three outlets with ``framelens.compare``. An article's framing
vector is built from what the comparison measures (dimensions 2-7: labels and their
classes, portrayal, source types, quote reuse, techniques, omissions) plus the
per-article counts the comparison reads (quote density, every reporting verb, the words
that introduce each speaker), each centred
on its event (after a log scale), so the event's topic cancels out. A logistic regression
predicts the outlet, leave one event out: with one C chosen on the first half of the
events, and again with C chosen for each left-out event on the other events alone
(``accuracy_nested``). The same run reports the recall of BASIL's lexical-bias
spans by framelens' label and technique spans, per outlet.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import Errors
from ..model import REPORT_KINDS, Analysis, Article
from ..text.lexicons import word_set
from .base import EvalRequest, task, untracked
from .basil import BasilArticle, read_basil

#: Site names, bylines and datelines that say who published the text, not how it frames.
_SITE = re.compile(
    r"\b(fox\s*news(\.com)?|fox|foxnews|new\s+york\s+times|nytimes(\.com)?|the\s+times|"
    r"huff(ington)?\s*post|huffpost|the\s+associated\s+press|associated\s+press|ap|reuters)\b",
    re.I,
)
_BYLINE = re.compile(r"^\s*(by|posted by|written by)\s+[^\n]{0,80}$", re.I | re.M)
_CUES = ("said", "says", "told", "claimed", "claims", "insisted", "argued", "added", "noted",
         "warned", "wrote", "according")  # fmt: skip


_OPEN = ("lemma:", "verb:", "intro:")
#: Words of a speaker's introduction that say nothing of it (``stop_words.toml``).
_FUNCTION_WORDS = word_set("stop_words", "outlet_features")


def blank_outlet_marks(text: str) -> str:
    """Blank site names and bylines with spaces of the same length (offsets hold)."""
    text = _BYLINE.sub(lambda m: " " * len(m.group(0)), text)
    return _SITE.sub(lambda m: " " * len(m.group(0)), text)


def _cache_path(settings: Any, versions: dict[str, str], n: int) -> Path:
    """The analyses cache of this pipeline: keyed by the analyzer versions, every setting
    (a user word list or threshold changes the analyses without a version bump) and the
    package's own code and word lists (an edit without a version bump, mid-work)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    values = getattr(settings, "values", {})
    state = {"versions": versions, "settings": values, "code": _code_fingerprint()}
    key = hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()
    return Path(base) / "framelens" / f"basil-analyses-{key[:12]}.jsonl"


@functools.cache
def _code_fingerprint() -> str:
    """A hash of the package's Python files, word lists, model configurations and encoder
    files (not the evaluation code's: it reads analyses, it does not make them)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        kept = path.suffix in (".py", ".toml", ".json", ".onnx")
        if kept and path.is_file() and rel.parts[0] != "eval":
            h.update(str(rel).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def analyse_basil(
    items: list[BasilArticle], settings: Any, track: Callable[..., Iterable[Any]] = untracked
) -> list[Analysis]:
    """Analyses of ``items`` (in order), from the cache when this pipeline made them
    (``track``: ``EvalRequest.track``, around the articles not in the cache)."""
    from ..pipeline import Pipeline

    pipeline = Pipeline(None, settings)
    cache = _cache_path(settings, pipeline.versions, len(items))
    done: dict[str, Analysis] = {}
    if cache.is_file():
        for line in cache.read_text(encoding="utf-8").splitlines():
            try:
                a = Analysis.from_json(line)
            except ValueError:
                continue
            done[a.article.source or ""] = a
    todo = []
    for it in items:
        src = f"basil/{it.event}/{it.outlet}"
        if src not in done:
            todo.append(
                Article(
                    text=blank_outlet_marks(it.text),
                    title=blank_outlet_marks(it.title),
                    outlet=it.outlet,
                    published=it.date,
                    source=src,
                    lang="en",
                )
            )
    if todo:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.open("a", encoding="utf-8") as fh:
            for result in track(pipeline.analyze_many(todo), len(todo), "articles"):
                if isinstance(result, Analysis):
                    done[result.article.source or ""] = result
                    fh.write(result.to_json(indent=None) + "\n")
                    fh.flush()
    return [done[f"basil/{it.event}/{it.outlet}"] for it in items if
            f"basil/{it.event}/{it.outlet}" in done]  # fmt: skip


def article_features(event: list[Analysis], embedder: Any) -> dict[str, dict[str, float]]:
    """Framing features of each article of one event, keyed by outlet, centred on it."""
    from ..compare import compare_analyses

    comparison = compare_analyses(event, embedder=embedder)
    by_id = {a.article.id: a for a in event}
    feats: dict[str, dict[str, float]] = {o.outlet: {} for o in comparison.outlets}
    # generic (event-independent) summaries of each dimension's block
    for ref in comparison.referents:
        for outlet, labels in ref.labels.items():
            for lc in labels:
                f = feats[outlet]
                f[f"lemma:{lc.lemma}"] = f.get(f"lemma:{lc.lemma}", 0.0) + lc.count
                f[f"class:{lc.class_}"] = f.get(f"class:{lc.class_}", 0.0) + lc.count
        for outlet, v in ref.sentiment.items():
            f = feats[outlet]
            f["sentiment:sum"] = f.get("sentiment:sum", 0.0) + v
            f["sentiment:neg"] = f.get("sentiment:neg", 0.0) + (v < -0.2)
        for outlet, v in ref.balance.items():
            feats[outlet]["balance:sum"] = feats[outlet].get("balance:sum", 0.0) + v
    for outlet, src in comparison.sources.items():
        for k, v in src.types.items():
            feats[outlet][f"source:{k}"] = v
    for outlet, tech in comparison.techniques.items():
        for k, v in tech.items():
            feats[outlet][f"technique:{k}"] = v
    for outlet, omitted in comparison.omissions.items():
        for om in omitted:
            feats[outlet][f"omits:{om.kind}"] = feats[outlet].get(f"omits:{om.kind}", 0.0) + 1
    for r in comparison.quote_reuse:
        for o in {x.outlet for x in r.outlets}:
            feats[o]["reuse"] = feats[o].get("reuse", 0.0) + 1
    for entry in comparison.outlets:
        outlet, a = entry.outlet, by_id[entry.articles[0]]
        words = max(len(a.article.text.split()), 1)
        f = feats[outlet]
        kinds: Counter[str] = Counter(q.kind for q in a.quotes)
        for k in ("direct", "mixed", "indirect", "scare"):
            f[f"quotes:{k}"] = 1000 * kinds.get(k, 0) / words
        # the reports alone, as the `sources` dimension reads them: a stance's verb
        # ("backed", "signed") is not how the writer introduces a source's words
        reports = [q for q in a.quotes if q.kind in REPORT_KINDS]
        cues = Counter(q.cue.text.lower() for q in reports if q.cue is not None)
        total = sum(cues.values()) or 1
        for c in _CUES:
            f[f"cue:{c}"] = cues.get(c, 0) / total
        # How the writer introduces each source: every reporting verb (not only the common
        # ones above) and the words of the descriptions that introduce a speaker
        # ("conservative commentator", "a Democratic senator"); see the README's figures.
        for q in reports:
            if q.cue is not None:
                key = f"verb:{q.cue.text.lower()}"
                f[key] = f.get(key, 0.0) + 1
            if q.speaker is not None:
                for d in q.speaker.descriptions:
                    for w in re.findall(r"[a-z]+", d.text.lower()):
                        if w not in _FUNCTION_WORDS and len(w) > 2:
                            f[f"intro:{w}"] = f.get(f"intro:{w}", 0.0) + 1
        constructions: Counter[str] = Counter(
            lb.construction or "other" for act in a.actors for lb in act.labels
        )
        for k, v in constructions.items():
            f[f"construction:{k}"] = 1000 * v / words
        f["scare"] = 1000 * kinds.get("scare", 0) / words
        hedged = sum(r.hedged for r in a.relations)
        f["relations"] = 1000 * len(a.relations) / words
        f["hedged"] = hedged / max(len(a.relations), 1)
        f["actors"] = 1000 * len(a.actors) / words
        f["claims"] = 1000 * len(a.claims) / words
        f["words"] = float(np.log1p(words))
    return feats


@task("outlets", dataset="basil")
def eval_outlets(req: EvalRequest) -> dict[str, Any]:
    """Leave-one-event-out outlet prediction from framing features; lexical-bias recall."""
    from ..nlp.embedder import load_embedder

    items = read_basil(req.data, annotations=True)
    events = sorted({it.event for it in items})
    if req.limit is not None:
        keep = set(events[: max(2, req.limit)])
        items = [it for it in items if it.event in keep]
    items.sort(key=lambda it: (it.event, it.outlet))
    analyses = analyse_basil(items, req.settings, req.track)
    by_src = {a.article.source: a for a in analyses}
    embedder = load_embedder(req.settings.embedder_spec)
    by_event: dict[str, list[Analysis]] = defaultdict(list)
    for it in items:
        a = by_src.get(f"basil/{it.event}/{it.outlet}")
        if a is not None:
            by_event[it.event].append(a)
    rows: list[tuple[str, str, dict[str, float]]] = []
    for event, group in sorted(by_event.items()):
        if len({a.article.outlet for a in group}) < 3:
            continue
        for outlet, f in article_features(group, embedder).items():
            rows.append((event, outlet, f))
    # open-vocabulary features (label lemmas, reporting verbs, introduction words) are
    # kept when at least 10 articles use them
    keys = sorted({k for _, _, f in rows for k in f if not k.startswith(_OPEN)})
    open_df = Counter(k for _, _, f in rows for k in f if k.startswith(_OPEN))
    keys += sorted(k for k, n in open_df.items() if n >= 10)
    x = np.array([[f.get(k, 0.0) for k in keys] for _, _, f in rows], dtype=np.float64)
    y = np.array([o for _, o, _ in rows])
    groups = np.array([e for e, _, _ in rows])
    # counts are heavy-tailed (one article uses "regime" twelve times): compare them on a
    # log scale, sign kept (sentiment sums are negative); chosen on the first half of the
    # events, like C (leave one event out there: 0.747 -> 0.820 frozen, 0.760 -> 0.807 tuned)
    x = np.sign(x) * np.log1p(np.abs(x))
    # centre each feature on its event: the event's topic cancels, framing remains
    for e in set(groups):
        m = groups == e
        x[m] -= x[m].mean(axis=0, keepdims=True)
    classes = sorted(set(y))
    event_ids = sorted(set(groups))
    # C is chosen on the first half of the events (sorted by id) alone, leave one event
    # out inside that half; the second half is never seen while choosing it.
    tune = event_ids[: len(event_ids) // 2]
    in_tune = np.isin(groups, tune)
    c_value = max(
        C_GRID,
        key=lambda c: (_loeo(x[in_tune], y[in_tune], groups[in_tune], c)[0].mean(), -c),
    )
    hits, hits_assigned = _loeo(x, y, groups, c_value)
    nested, nested_c = _nested_loeo(x, y, groups)
    if req.predictions is not None:  # per article, for a paired comparison of two runs
        req.predictions.mkdir(parents=True, exist_ok=True)
        with (req.predictions / "outlet_hits.csv").open("w", encoding="utf-8") as fh:
            fh.write("event,outlet,hit\n")
            for (event, outlet, _), hit in zip(rows, hits, strict=True):
                fh.write(f"{event},{outlet},{int(hit)}\n")
    held = ~in_tune
    n = len(rows)
    recall = _lexical_recall(items, by_src)
    return {
        "articles": n,
        "events": len(event_ids),
        "features": len(keys),
        "C": c_value,
        "accuracy": round(float(hits.mean()), 4) if n else 0.0,
        # BASIL is small (300 articles): how far the figure moves with the events drawn
        "accuracy_ci95": event_bootstrap(hits, groups),
        "accuracy_held_out_half": round(float(hits[held].mean()), 4) if held.any() else 0.0,
        "accuracy_one_per_outlet": round(float(hits_assigned.mean()), 4) if n else 0.0,
        # C chosen again for each left-out event, on the other events alone: no event is
        # scored by a model whose C it helped choose (the figures above share one C)
        "accuracy_nested": round(float(nested.mean()), 4) if n else 0.0,
        "accuracy_nested_ci95": event_bootstrap(nested, groups),
        "nested_c": dict(sorted(Counter(nested_c).items())),
        "chance": round(1 / len(classes), 4) if classes else 0.0,
        "lexical_bias_recall": recall,
    }


C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


def event_bootstrap(
    hits: np.ndarray, groups: np.ndarray, rounds: int = 2000, seed: int = 0
) -> list[float]:
    """95% interval of the mean of ``hits`` (an accuracy; a difference of two runs' hits
    for a paired comparison) when the events are drawn again with replacement (the
    articles of one event stand or fall together, so events are the unit resampled)."""
    events = sorted(set(groups.tolist()))
    if not events:
        return [0.0, 0.0]
    per_event = np.array([[hits[groups == e].sum(), (groups == e).sum()] for e in events])
    draws = np.random.default_rng(seed).integers(0, len(events), (rounds, len(events)))
    picked = per_event[draws]  # (rounds, events, 2)
    acc = picked[..., 0].sum(axis=1) / np.maximum(picked[..., 1].sum(axis=1), 1)
    lo, hi = np.percentile(acc, [2.5, 97.5])
    return [round(float(lo), 4), round(float(hi), 4)]


def _nested_loeo(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, folds: int = 5
) -> tuple[np.ndarray, list[float]]:
    """Leave one event out with C chosen inside: for each left-out event, the C of
    ``C_GRID`` with the best accuracy over ``folds`` folds of the other events (whole
    events per fold, ties to the smaller C), then a model of the other events at that C.
    Per article, whether its outlet was predicted; and the C chosen for each event."""
    events = sorted(set(groups.tolist()))
    hits = np.zeros(len(y), dtype=bool)
    chosen: list[float] = []
    for e in events:
        test = groups == e
        rest = [g for g in events if g != e]
        fold_of = {g: k % folds for k, g in enumerate(rest)}
        fold = np.array([fold_of.get(g, -1) for g in groups.tolist()])

        def score(c: float, fold: np.ndarray = fold) -> float:
            right = 0
            for k in range(folds):
                inner = fold == k
                train = (fold >= 0) & ~inner
                right += int((_fit(x[train], y[train], c).predict(x[inner]) == y[inner]).sum())
            return right / max(1, int((fold >= 0).sum()))

        c = max(C_GRID, key=lambda c: (score(c), -c))
        chosen.append(c)
        hits[test] = _fit(x[~test], y[~test], c).predict(x[test]) == y[test]
    return hits, chosen


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> Any:
    """A logistic regression of ``y`` on ``x`` standardised (a scikit-learn pipeline:
    ``predict``, ``predict_proba``, ``classes_``)."""
    try:  # training-only: the 'train' extra
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
    except ImportError:
        raise Errors.E300(
            "`framelens eval outlets` trains a classifier, and that needs scikit-learn",
            fix="pip install 'framelens[train]'",
            value="scikit-learn",
        ) from None
    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000)).fit(x, y)


def _loeo(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float
) -> tuple[np.ndarray, np.ndarray]:
    """Leave one event out: per article, whether the outlet was predicted (argmax), and
    whether the best one-article-per-outlet assignment of its event got it."""
    from itertools import permutations

    hits = np.zeros(len(y), dtype=bool)
    hits_assigned = np.zeros(len(y), dtype=bool)
    for e in sorted(set(groups)):
        test = groups == e
        model = _fit(x[~test], y[~test], c)
        proba = model.predict_proba(x[test])
        hits[test] = model.classes_[proba.argmax(axis=1)] == y[test]
        k = int(test.sum())
        if k <= len(model.classes_):
            best = max(
                permutations(range(len(model.classes_)), k),
                key=lambda p: sum(np.log(proba[i, j] + 1e-12) for i, j in enumerate(p)),
            )
            hits_assigned[test] = model.classes_[list(best)] == y[test]
    return hits, hits_assigned


def _lexical_recall(
    items: list[BasilArticle], by_src: dict[str | None, Analysis]
) -> dict[str, Any]:
    """Share of BASIL's lexical-bias spans that a label or technique span overlaps."""
    hit: Counter[str] = Counter()
    total: Counter[str] = Counter()
    hit_labels: Counter[str] = Counter()
    hit_tech: Counter[str] = Counter()
    for it in items:
        a = by_src.get(f"basil/{it.event}/{it.outlet}")
        if a is None:
            continue
        labels = sorted((lb.span.start, lb.span.end) for act in a.actors for lb in act.labels)
        techs = sorted((t.span.start, t.span.end) for t in a.techniques)
        for sp in it.spans:
            if sp.bias != "lex" or sp.in_title:
                continue
            total[it.outlet] += 1
            by_label = any(s < sp.end and sp.start < e for s, e in labels)
            by_tech = any(s < sp.end and sp.start < e for s, e in techs)
            hit_labels[it.outlet] += by_label
            hit_tech[it.outlet] += by_tech
            hit[it.outlet] += by_label or by_tech
    out: dict[str, Any] = {}
    for outlet in sorted(total):
        out[outlet] = {
            "spans": total[outlet],
            "recall": round(hit[outlet] / total[outlet], 4),
            "by_labels": round(hit_labels[outlet] / total[outlet], 4),
            "by_techniques": round(hit_tech[outlet] / total[outlet], 4),
        }
    n = sum(total.values())
    out["all"] = {"spans": n, "recall": round(sum(hit.values()) / n, 4) if n else 0.0}
    return out
