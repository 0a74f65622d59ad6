"""Portrayal v4: how the article's sentences portray each actor (targeted sentiment).

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

**Two models** (setting ``portrayal_model``): ``minilm``, the default, reads the MiniLM
pass; ``fast`` is the same architecture trained on the spaCy pipeline's own token vectors
(``framelens.nlp.features.parse_features``), so it needs no encoder pass: less accurate
(see the README's figures), for streams where the MiniLM pass is the cost that matters.
Findings of the fast model record ``portrayal.v4-fast``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..context import Context
from ..errors import ModelError
from ..model import MentionSentiment, Sentiment, Span
from ..nlp import base_model_id
from ..nlp.features import parse_features, sentence_features
from ..nlp.sentiment import LABELS, check_variant, load_model, predict
from .base import Analyzer, analyzers

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
    # v2: attention heads blended with the v1 regression; v3: a bag-of-words regression
    # blended in, and the fast variant (setting portrayal_model).
    version = "4"
    reads_encoder = True
    needs = ("actors",)
    produces = ("actors.sentiment",)
    features = ("sentence_features",)
    description = "sentiment toward each actor, per mention and aggregated (NewsMTSC-trained)"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.variant = check_variant(settings.portrayal_model)
        # Fail at build time, not on the first article.
        self.model = load_model(self.variant, settings.encoder)
        self.tag = f"{self.name}.v{self.version_tag()}"

    def shared_features(self) -> tuple[str, ...]:
        return self.features if self.variant == "minilm" else ()

    def version_tag(self) -> str:
        if self.variant == "minilm":
            return self.version + self.encoder_suffix()
        return f"{self.version}-{self.variant}"

    def check_nlp(self, nlp_id: str) -> None:
        trained_on = self.model.meta.get("spacy_model") if self.variant == "fast" else None
        if trained_on and nlp_id and base_model_id(nlp_id) != base_model_id(trained_on):
            raise ModelError(
                f"the fast portrayal model reads the token vectors of {trained_on}, "
                f"but the parse comes from {nlp_id}",
                fix=f"set spacy_model to {trained_on.rsplit('-', 1)[0]}, or set "
                "portrayal_model = 'minilm'",
            )

    def run(self, ctx: Context) -> None:
        actors = [a for a in ctx.analysis.actors if a.mentions]
        if not actors:
            return
        if self.variant == "minilm":
            sents = sentence_features(ctx)
        else:
            self.check_nlp(ctx.analysis.pipeline.get("nlp", ""))
            sents = parse_features(ctx.doc)
        if not sents:
            return
        spans = [(m.start, m.end) for a in actors for m in a.mentions]
        probs = predict(ctx.text, ctx.doc, sents, spans, self.variant, self.settings.encoder)
        text, key, row = ctx.text, self.tag, 0
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
