"""Cross-outlet comparison: many analyses of one story -> how each outlet frames it.

``compare_analyses`` reads ``Analysis`` records only (what the store holds); the one
model it runs is the sentence embedder, on the short masked contexts of the parties
and on the claims. ``compare_paths`` analyses article files first (or reads analysis
JSON written by ``framelens analyze --format json``) and then compares.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from ..analysis_files import looks_like_analyses, read_analyses
from ..config import Settings, load_settings
from ..errors import ConfigError
from ..model import Analysis, Comparison, Failure, OutletArticles, Story
from ..nlp.embedder import CachedEmbedder, embedder_id, load_embedder
from .context import PARTY_TYPES, Sentences, Unit, add_units, build_context, outlet_of
from .dimensions import Dimension, dimension_classes, fill_nearest, top_claims
from .referents import MAX_CONTEXTS

__all__ = [
    "cached_embedder",
    "compare_analyses",
    "compare_paths",
    "embed_ahead",
    "outlet_of",
    "story_for",
    "texts_to_embed",
]


def _dims(names: Sequence[str] | None, embedder: Any) -> list[Dimension]:
    classes = dimension_classes()
    if names:
        known = {c.name for c in classes}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(
                f"unknown comparison dimension {unknown[0]!r}",
                fix=f"use some of: {', '.join(sorted(known))}",
                value=unknown[0],
            )
        by_name = {c.name: c for c in classes}
        wanted = {"referents"}
        todo = list(names)
        while todo:
            name = todo.pop()
            if name not in wanted:
                wanted.add(name)
                todo.extend(by_name[name].needs)
        classes = [c for c in classes if c.name in wanted]
    return [c(embedder) for c in classes]


def story_for(
    analyses: Sequence[Analysis], method: Literal["auto", "manual", "paths"] = "paths"
) -> Story:
    """An ad-hoc story record for articles compared straight from files."""
    ids = sorted({a.article.id for a in analyses})
    digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:12]
    dates = sorted(a.article.published[:10] for a in analyses if a.article.published)
    return Story(
        id=f"s-{digest}",
        title="",
        articles=ids,
        outlets=sorted({outlet_of(a) for a in analyses}),
        method=method,
        since=dates[0] if dates else None,
        until=dates[-1] if dates else None,
    )


def texts_to_embed(analysis: Analysis) -> list[str]:
    """The texts a comparison of this article embeds: its parties' first masked contexts
    and its most check-worthy claims. ``framelens ingest`` stores their vectors with the
    analysis, so comparing stored stories runs no model (see ``CachedEmbedder``)."""
    units: dict[tuple[str, str], Unit] = {}
    add_units(units, {}, "", analysis, Sentences(analysis.article.text))
    out = [c for u in units.values() if u.type in PARTY_TYPES for c in u.contexts[:MAX_CONTEXTS]]
    out.extend(text for _id, text in top_claims(analysis))
    return sorted(set(out))


def cached_embedder(store: Any, spec: str) -> CachedEmbedder:
    """The sentence embedder ``spec`` behind ``store``'s vector cache: vectors stored at
    ingest are read back, and the model is loaded only when one is missing."""
    return CachedEmbedder(
        lambda: load_embedder(spec),
        embedder_id(spec),
        store.get_text_vectors,
        store.save_text_vectors,
    )


def embed_ahead(analyses: Iterable[Analysis], embedder: Any) -> int:
    """Encode what comparing these articles will embed (through a ``CachedEmbedder``, that
    stores the vectors); returns how many texts."""
    texts = sorted({t for a in analyses for t in texts_to_embed(a)})
    if texts:
        embedder.encode(texts)
    return len(texts)


def compare_analyses(
    analyses: Sequence[Analysis],
    *,
    story: Story | None = None,
    settings: Settings | None = None,
    embedder: Any = None,
    dimensions: Sequence[str] | None = None,
) -> Comparison:
    """Compare the framing of one story's articles across their outlets."""
    settings = settings or load_settings()
    ctx = build_context(analyses)
    if embedder is None:
        embedder = load_embedder(settings.embedder_spec)
    dims = _dims(dimensions, embedder)
    story = story or story_for(ctx.analyses)
    out = Comparison(story=story)
    out.outlets = [
        OutletArticles(outlet=o, articles=[a.article.id for a in items])
        for o, items in ctx.by_outlet.items()
    ]
    for dim in dims:
        dim.fill(ctx, out)
        out.dimensions[dim.name] = dim.version
    if len(ctx.outlets) >= 3:
        fill_nearest(ctx, out, dims)
        out.dimensions["nearest"] = "1"
    else:
        out.warnings.append(
            "nearest outlets need three or more outlets: with two, each is the other's only "
            "neighbour"
        )
    if not story.title:
        shared = [
            r.name
            for r in out.referents
            if len(r.members) >= 2 and r.type in PARTY_TYPES | {"person", "place"}
        ]
        story.title = ", ".join(shared[:4]) or ", ".join(r.name for r in out.referents[:3])
    story.outlets = ctx.outlets
    return out


def _expand(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(x for x in p.rglob("*") if x.is_file()))
        else:
            out.append(p)
    return out


def compare_paths(
    paths: Sequence[Path],
    settings: Settings | None = None,
    *,
    pipeline: Any = None,
    embedder: Any = None,
    dimensions: Sequence[str] | None = None,
    force: bool = False,
) -> tuple[Comparison, list[Failure]]:
    """Analyse (or read) the articles under ``paths`` and compare them by outlet."""
    from ..ingest import iter_articles

    settings = settings or load_settings()
    analyses: list[Analysis] = []
    articles: list[Path] = []
    for p in _expand(paths):
        if p.is_file() and looks_like_analyses(p):
            analyses.extend(read_analyses(p))
        else:
            articles.append(p)
    failures: list[Failure] = []
    if articles:
        if pipeline is None:
            from ..pipeline import Pipeline

            pipeline = Pipeline(None, settings)
        for result in pipeline.analyze_many(iter_articles(articles, settings, force=force)):
            if isinstance(result, Failure):
                failures.append(result)
            else:
                analyses.append(result)
    comparison = compare_analyses(
        analyses, settings=settings, embedder=embedder, dimensions=dimensions
    )
    return comparison, failures
