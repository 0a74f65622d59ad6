"""The pipeline: a checked, ordered list of analyzers on one shared parse.

Building a ``Pipeline`` resolves analyzer names, pulls in what they need,
orders them so every analyzer runs after the ones it reads, checks that what
each produces is a real field of the output, and loads every model once.
Running it parses each article once (``nlp.pipe`` in batches) and hands the
same ``Doc`` to every analyzer.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from pydantic import BaseModel

from . import registry
from .analyzers.base import Analyzer, Context
from .config import Settings, load_settings
from .errors import ConfigError, FramelensError
from .ingest import make_article
from .model import Actor, Analysis, Article, Claim, Failure
from .nlp import get_embedder, load_nlp, model_id
from .nlp.features import precompute_sentence_features


def _parse_names(names: Sequence[str] | str | None, settings: Settings) -> list[str]:
    if names is None or names == "":
        names = settings.analyzers or ""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    return list(names) or registry.analyzers.names()


def resolve_order(names: Sequence[str]) -> list[type[Analyzer]]:
    """Analyzer classes for ``names`` plus their needs, each after what it needs."""
    ordered: list[type[Analyzer]] = []
    visiting: set[str] = set()

    def visit(name: str, wanted_by: str | None) -> None:
        if any(cls.name == name for cls in ordered):
            return
        if name in visiting:
            raise ConfigError(
                f"analyzers need each other in a cycle (at {name!r})",
                fix="fix the `needs` declarations of the analyzers involved",
                value=name,
            )
        try:
            cls: type[Analyzer] = registry.analyzers.get(name)
        except ConfigError as exc:
            if wanted_by:
                exc.message += f" (needed by {wanted_by!r})"
            raise
        visiting.add(name)
        for need in cls.needs:
            visit(need, name)
        visiting.discard(name)
        ordered.append(cls)

    for name in names:
        visit(name, None)
    return ordered


#: List fields of ``Analysis`` whose items' fields an analyzer may fill in ("actors.sentiment").
_NESTED: dict[str, type[BaseModel]] = {"actors": Actor, "claims": Claim}


def _check_produces(classes: Sequence[type[Analyzer]]) -> None:
    owners: dict[str, str] = {}
    for cls in classes:
        for field in cls.produces:
            top, _, sub = field.partition(".")
            model = Analysis if not sub else _NESTED.get(top)
            name = sub or top
            if model is None or name not in model.model_fields:
                raise ConfigError(
                    f"analyzer {cls.name!r} declares it produces {field!r}, "
                    "which is not a field of the analysis output",
                    fix="declare fields of framelens.model.Analysis (or 'actors.<field>', "
                    "'claims.<field>')",
                    value=field,
                )
            if field in owners:
                raise ConfigError(
                    f"analyzers {owners[field]!r} and {cls.name!r} both produce {field!r}",
                    fix="run only one of them",
                    value=field,
                )
            owners[field] = cls.name


class Pipeline:
    """Analyzers by name (``None`` = all registered), built and checked once."""

    def __init__(
        self, analyzers: Sequence[str] | str | None = None, settings: Settings | None = None
    ):
        self.settings = settings or load_settings()
        names = _parse_names(analyzers, self.settings)
        classes = resolve_order(names)
        _check_produces(classes)
        self.nlp = load_nlp(self.settings.spacy_model, self.settings.max_chars)
        self.analyzers: list[Analyzer] = [cls(self.settings) for cls in classes]
        nlp_id = model_id(self.nlp)
        for analyzer in self.analyzers:
            analyzer.check_nlp(nlp_id)  # a mismatch fails here, not on every article
        if any("sentence_features" in a.shared_features() for a in self.analyzers):
            # A bad `embedder` setting is one error now (exit 2), not a failure per article.
            get_embedder(self.settings.embedder)
        #: Cumulative seconds per stage ("parse" and each analyzer), for benchmarks.
        self.timings: dict[str, float] = defaultdict(float)

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.analyzers]

    @property
    def versions(self) -> dict[str, str]:
        """What ``Analysis.pipeline`` records: the spaCy model and each analyzer's version."""
        out = {"nlp": model_id(self.nlp)}
        out.update({a.name: a.version_tag() for a in self.analyzers})
        return out

    def analyze(self, article: Article | str, *, force: bool = False) -> Analysis:
        """Analyse one article (or raw text); raises ``FramelensError`` on failure."""
        if isinstance(article, str):
            article = make_article(article, self.settings, force=force)
        result = next(self.analyze_many([article]))
        if isinstance(result, Failure):
            raise FramelensError(result.message, fix=result.fix, code=result.code)
        return result

    def analyze_many(self, items: Iterable[Article | Failure]) -> Iterator[Analysis | Failure]:
        """Analyses in input order; failures (from ingest or any stage) pass through as records.

        Per batch of ``batch_size`` articles: one ``nlp.pipe`` parse, then (when an analyzer
        declares it) one sentence-embedding pass over every sentence of the batch, then the
        analyzers article by article on those shared results.
        """
        it = iter(items)
        versions = self.versions
        while batch := list(islice(it, self.settings.batch_size)):
            articles = [a for a in batch if isinstance(a, Article)]
            start = time.perf_counter()
            docs = list(self.nlp.pipe([a.text for a in articles]))
            self.timings["parse"] += time.perf_counter() - start
            contexts = {
                id(a): Context(
                    article=a,
                    doc=doc,
                    analysis=Analysis(article=a, pipeline=versions),
                    settings=self.settings,
                )
                for a, doc in zip(articles, docs, strict=True)
            }
            failed = self._shared_features(list(contexts.values()))
            for item in batch:
                if isinstance(item, Failure):
                    yield item
                elif failed is not None:
                    yield Failure.from_error(item.source or item.id, "features", failed, item.id)
                else:
                    yield self._run(contexts[id(item)])

    def _shared_features(self, contexts: list[Context]) -> FramelensError | None:
        """Compute features several analyzers share, batched over the articles of a batch."""
        if not contexts or not any(
            "sentence_features" in a.shared_features() for a in self.analyzers
        ):
            return None
        start = time.perf_counter()
        try:
            precompute_sentence_features(contexts)
        except FramelensError as exc:
            return exc
        finally:
            self.timings["sentence_features"] += time.perf_counter() - start
        return None

    def _run(self, ctx: Context) -> Analysis | Failure:
        article, analysis = ctx.article, ctx.analysis
        for analyzer in self.analyzers:
            start = time.perf_counter()
            try:
                analyzer.run(ctx)
            except FramelensError as exc:
                return Failure.from_error(
                    article.source or article.id, analyzer.name, exc, article.id
                )
            except Exception as exc:  # an analyzer bug must not stop a batch
                return Failure(
                    source=article.source or article.id,
                    stage=analyzer.name,
                    code="E500",
                    message=f"analyzer {analyzer.key()} failed: {type(exc).__name__}: {exc}",
                    fix="please report this with the article that caused it",
                    article_id=article.id,
                )
            finally:
                self.timings[analyzer.name] += time.perf_counter() - start
        return analysis


def analyze(
    text_or_article: Article | str,
    analyzers: Sequence[str] | str | None = None,
    settings: Settings | None = None,
    *,
    force: bool = False,
) -> Analysis:
    """Analyse one text or ``Article`` with a pipeline built for this call.

    Build a ``Pipeline`` yourself to analyse many articles: models load once per pipeline.
    """
    return Pipeline(analyzers, settings).analyze(text_or_article, force=force)
