"""Portrayal v2: how the article's sentences portray each actor (targeted sentiment).

Every mention of every actor (``Actor.mentions``, from the ``actors`` analyzer) gets a
label, negative / neutral / positive, and the probability of that label as its score,
from the NewsMTSC-trained model of ``framelens.nlp.sentiment`` (the same ``predict`` that
``framelens eval sentiment`` measures). Its features come from the shared parse and the
shared per-article MiniLM pass (``framelens.nlp.features.sentence_features``), so the
analyzer adds no encoder pass of its own.

**Aggregation per actor.** ``Actor.sentiment.label`` is the argmax of the *mean* class
distribution over the actor's mentions, and ``score`` is that mean probability. Each
mention weighs the same, so an actor criticised in three sentences and described neutrally
in one is negative, while one strong sentence among many neutral ones moves the mean but
need not flip it; ``by_mention`` keeps every mention's own label for the reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..model import MentionSentiment, Sentiment, Span
from ..nlp.features import sentence_features
from ..nlp.sentiment import LABELS, load_model, predict
from ..registry import analyzers
from .base import Analyzer, Context

if TYPE_CHECKING:
    from ..config import Settings


def aggregate(probs: np.ndarray) -> tuple[int, float]:
    """Label index and score of an actor from its mentions' class distributions ``(n, 3)``."""
    mean = probs.mean(axis=0)
    k = int(mean.argmax())
    return k, float(mean[k])


@analyzers.register("portrayal")
class PortrayalAnalyzer(Analyzer):
    name = "portrayal"
    version = "2"  # v2: attention heads blended with the v1 regression (NewsMTSC rw-test 0.758)
    needs = ("actors",)
    produces = ("actors.sentiment",)
    features = ("sentence_features",)
    description = "sentiment toward each actor, per mention and aggregated (NewsMTSC-trained)"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        load_model()  # fail at build time, not on the first article

    def run(self, ctx: Context) -> None:
        actors = [a for a in ctx.analysis.actors if a.mentions]
        if not actors:
            return
        sents = sentence_features(ctx)
        if not sents:
            return
        spans = [(m.start, m.end) for a in actors for m in a.mentions]
        probs = predict(ctx.text, ctx.doc, sents, spans)
        text, key, row = ctx.text, self.key(), 0
        for actor in actors:
            p = probs[row : row + len(actor.mentions)]
            by_mention = [
                MentionSentiment(
                    span=Span.of(text, m.start, m.end),
                    label=LABELS[int(q.argmax())],
                    score=round(float(q.max()), 4),
                )
                for m, q in zip(actor.mentions, p, strict=True)
            ]
            k, score = aggregate(p)
            actor.sentiment = Sentiment(
                label=LABELS[k],
                score=round(score, 4),
                by_mention=by_mention,
                analyzer=key,
            )
            row += len(actor.mentions)
