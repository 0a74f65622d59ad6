"""What the web app holds between requests: settings, the store, one pipeline, the jobs.

The pipeline (spaCy and the analyzers' models) loads on first use and is shared; one
lock serialises analyses, since a pipeline is not meant to run two articles at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from ..config import Settings
from ..corpus import Store
from ..model import Analysis, Article, Comparison
from .jobs import JobRegistry


class WebState:
    """Shared, lazily built resources of one app."""

    def __init__(
        self,
        settings: Settings,
        *,
        token: str | None = None,
        pipeline: Any = None,
        max_request_bytes: int | None = None,
    ):
        self.settings = settings
        self.token = token or None
        self.max_request_bytes = max_request_bytes or 4 * settings.max_bytes + 1_000_000
        self._store: Store | None = None
        self._pipeline = pipeline
        self._evidence_pipelines: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._comparisons: OrderedDict[str, Comparison] = OrderedDict()
        self._embedder: Any = None
        self.jobs = JobRegistry()

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = Store(self.settings.db_url)
            return self._store

    def pipeline(self, evidence: str | None = None) -> Any:
        """The shared pipeline; with ``evidence``, one that also checks claims against it."""
        from ..pipeline import Pipeline

        with self._lock:
            if not evidence:
                if self._pipeline is None:
                    self._pipeline = Pipeline(None, self.settings)
                return self._pipeline
            if evidence not in self._evidence_pipelines:
                self._evidence_pipelines[evidence] = Pipeline(
                    None, self.settings.with_overrides(evidence=evidence)
                )
            return self._evidence_pipelines[evidence]

    def analyze(self, article: Article, evidence: str | None = None) -> Analysis:
        """Analyse and store one article (raises ``FramelensError``)."""
        pipeline = self.pipeline(evidence)
        with self._run_lock:
            analysis: Analysis = pipeline.analyze(article)
        if evidence:
            # Verdicts depend on the collections too: recorded, a checked analysis is stored
            # beside (and newer than) the unchecked one instead of being taken for it.
            analysis.pipeline["evidence"] = evidence
        self.store.save_analysis(analysis)
        return analysis

    def _compare_embedder(self) -> Any:
        """The comparison's sentence embedder over the store's vector cache, made once."""
        from ..compare import cached_embedder

        store = self.store
        with self._lock:
            if self._embedder is None:
                self._embedder = cached_embedder(store, self.settings.embedder_spec)
            return self._embedder

    def comparison(self, story_id: str) -> Comparison:
        """A stored story's comparison, computed once per set of stored analyses."""
        from ..compare import compare_analyses

        story = self.store.get_story(story_id)
        found = self.store.get_analyses(story.articles)
        key = story.id + ":" + ",".join(sorted(found))
        with self._lock:
            if key in self._comparisons:
                return self._comparisons[key]
        with self._run_lock:
            result = compare_analyses(
                list(found.values()),
                story=story,
                settings=self.settings,
                embedder=self._compare_embedder(),
            )
        if len(found) < len(story.articles):
            result.warnings.append(
                f"{len(story.articles) - len(found)} article(s) of this story have no stored "
                "analysis"
            )
        with self._lock:
            self._comparisons[key] = result
            while len(self._comparisons) > 32:
                self._comparisons.popitem(last=False)
        return result
