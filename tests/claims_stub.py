"""A stand-in ``claims`` analyzer for tests of what reads claims (contradictions, verdicts).

Every sentence of five or more tokens becomes a claim with the actors mentioned in it, so
tests of the contradiction and verdict logic do not depend on the check-worthiness model.
Register it with ``monkeypatch.setitem(framelens.analyzers.analyzers._items, "claims", ...)``.
"""

from __future__ import annotations

from framelens.analyzers import Analyzer
from framelens.context import Context
from framelens.model import Claim, Span
from framelens.nlp.features import sentence_features


class EverySentenceClaims(Analyzer):
    """A stand-in claims analyzer: every sentence of five or more words is a claim."""

    name = "claims"
    version = "test"
    needs = ("actors",)
    produces = ("claims",)
    features = ("sentence_features",)

    def run(self, ctx: Context) -> None:
        sentence_features(ctx)  # read like the real claims analyzer reads them
        mentions = [(m.start, m.end, a.id) for a in ctx.analysis.actors for m in a.mentions]
        claims = []
        pieces = []
        for sent in ctx.doc.sents:
            # Lines are separate statements (a headline glued to the first sentence).
            pos = sent.start_char
            for line in ctx.text[sent.start_char : sent.end_char].split("\n"):
                start = pos + len(line) - len(line.lstrip())
                end = pos + len(line.rstrip())
                pos += len(line) + 1
                if len(ctx.text[start:end].split()) >= 5:
                    pieces.append((start, end))
        for n, (start, end) in enumerate(pieces):
            actors = []
            for a, b, actor_id in sorted(mentions):
                if a >= start and b <= end and actor_id not in actors:
                    actors.append(actor_id)
            claims.append(
                Claim(
                    id=f"c{n}",
                    span=Span.of(ctx.text, start, end),
                    score=1.0,
                    actors=actors,
                    analyzer=self.key(),
                )
            )
        ctx.analysis.claims = claims
