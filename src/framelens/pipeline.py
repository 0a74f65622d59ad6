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
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

# Importing the package registers every built-in analyzer; the evidence service's
# ``verdicts`` analyzer registers after them (isort keeps ``.analyzers`` before ``.evidence``),
# so the registry lists them in the same order as when all lived in ``framelens.analyzers``.
from .analyzers import Analyzer
from .analyzers import analyzers as analyzer_registry
from .config import Settings, load_settings
from .context import Context
from .errors import ConfigError, Errors, FramelensError
from .evidence import verdicts as _verdicts  # noqa: F401  (registers "verdicts")
from .ingest import make_article
from .model import Actor, Analysis, Article, Claim, Failure
from .nlp import get_embedder, load_nlp, model_id
from .nlp.embedder import check_embedder
from .nlp.features import precompute_sentence_features
from .nlp.heads import one_blas_thread

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def _parse_names(names: Sequence[str] | str | None, settings: Settings) -> list[str]:
    if names is None or names == "":
        names = settings.analyzers or ""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    return list(names) or analyzer_registry.names()


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
            cls: type[Analyzer] = analyzer_registry.get(name)
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
        self,
        analyzers: Sequence[str] | str | None = None,
        settings: Settings | None = None,
        *,
        nlp: Language | None = None,
    ):
        """``nlp``: parse with this spaCy pipeline instead of loading ``spacy_model``
        (the spaCy component passes the pipeline it is part of)."""
        self.settings = settings or load_settings()
        names = _parse_names(analyzers, self.settings)
        classes = resolve_order(names)
        _check_produces(classes)
        if nlp is None:
            nlp = load_nlp(self.settings.spacy_model, self.settings.max_chars)
        self.nlp = nlp
        self.analyzers: list[Analyzer] = [cls(self.settings) for cls in classes]
        self.check_nlp(model_id(self.nlp))  # a mismatch fails here, not on every article
        # A bad `encoder` or `embedder` setting is one error now (exit 2), not a failure
        # per article or a late one when evidence or a comparison first needs the embedder.
        check_embedder(self.settings.embedder_spec)
        if any("sentence_features" in a.shared_features() for a in self.analyzers):
            get_embedder(self.settings.encoder_spec)
        #: Cumulative seconds per stage ("parse" and each analyzer), for benchmarks.
        self.timings: dict[str, float] = defaultdict(float)

    def check_nlp(self, nlp_id: str) -> None:
        """Raise ``ModelError`` when an analyzer cannot read parses of the pipeline ``nlp_id``."""
        for analyzer in self.analyzers:
            analyzer.check_nlp(nlp_id)

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

        The embedding pass of a batch runs on a second thread while this one runs the
        analyzers of the batch before and parses the batch after (ONNX Runtime releases the
        GIL): on two cores the encoder's time hides behind the parse and the analyzers
        instead of adding to them. Results are the same as one batch after another.
        """
        it = iter(items)
        versions = self.versions
        pending: tuple[list[Article | Failure], list[Context], Future[Any]] | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="framelens-features") as pool:
            while True:
                batch = list(islice(it, self.settings.batch_size))
                current = None
                if batch:
                    articles = [a for a in batch if isinstance(a, Article)]
                    start = time.perf_counter()
                    docs = list(self.nlp.pipe([a.text for a in articles]))
                    self.timings["parse"] += time.perf_counter() - start
                    contexts = self._contexts(articles, docs, versions)
                    current = (batch, contexts, pool.submit(self._shared_features, contexts))
                if pending is not None:
                    yield from self._finish(*pending)
                if current is None:
                    return
                pending = current

    def _finish(
        self, batch: list[Article | Failure], contexts: list[Context], features: Future[Any]
    ) -> Iterator[Analysis | Failure]:
        """The analyzers on a batch whose shared features ``features`` computes, in order."""
        results = self._analyze_contexts(contexts, features.result())
        for item in batch:
            yield item if isinstance(item, Failure) else next(results)

    def _contexts(
        self, articles: Sequence[Article], docs: Sequence[Doc], versions: dict[str, str]
    ) -> list[Context]:
        return [
            Context(
                article=a,
                doc=doc,
                analysis=Analysis(article=a, pipeline=versions),
                settings=self.settings,
            )
            for a, doc in zip(articles, docs, strict=True)
        ]

    def _analyze_contexts(
        self, contexts: list[Context], failed: FramelensError | None
    ) -> Iterator[Analysis | Failure]:
        for ctx in contexts:
            if failed is not None:
                a = ctx.article
                yield Failure.from_error(a.source or a.id, "features", failed, a.id)
            else:
                yield self._run(ctx)

    def analyze_parsed(
        self,
        articles: Sequence[Article],
        docs: Sequence[Doc],
        *,
        versions: dict[str, str] | None = None,
    ) -> Iterator[Analysis | Failure]:
        """The analyzers on articles already parsed (``docs[i].text == articles[i].text``),
        in order: the shared features batched over all of them, then article by article.

        ``versions`` is what ``Analysis.pipeline`` records (default ``self.versions``; the
        spaCy component names the pipeline that actually parsed the docs).
        """
        contexts = self._contexts(articles, docs, versions or self.versions)
        yield from self._analyze_contexts(contexts, self._shared_features(contexts))

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
        with one_blas_thread():  # the heads' small matrix products (see nlp.heads)
            return self._run_analyzers(ctx)

    def _run_analyzers(self, ctx: Context) -> Analysis | Failure:
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
                    code=Errors.E500.code,
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
