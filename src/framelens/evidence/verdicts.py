"""Verdicts v3: each check-worthy claim against the user's evidence collections.

Runs only when the ``evidence`` setting names collections (``framelens analyze
--evidence C`` or ``framelens check ARTICLE --evidence C``); otherwise it does nothing.
The collections are opened and checked when the pipeline is built, so a missing
collection fails at once, not on the ten-thousandth article. See
``framelens.evidence.verify`` for how a verdict is reached.

It fills ``Claim.verdicts`` (declared as ``produces = ("claims.verdicts",)``: the
pipeline accepts fields of list items of ``actors`` and ``claims``).
"""

from __future__ import annotations

from ..analyzer import Analyzer, analyzers
from ..config import Settings
from ..context import Context
from ..nlp.claim_statements import claim_statements
from ..nlp.nli import load_nli


def evidence_collections(settings: Settings) -> list[str]:
    """The collections named by the ``evidence`` setting (comma-separated)."""
    return [c.strip() for c in settings.evidence.split(",") if c.strip()]


@analyzers.register("verdicts")
class VerdictsAnalyzer(Analyzer):
    name = "verdicts"
    # v2: a claim that reports someone's words is judged on what it reports; the number
    # and date rules of contradictions v2.
    version = "3"
    reads_encoder = True
    needs = ("claims",)
    produces = ("claims.verdicts",)
    features = ("sentence_features",)
    description = "supports / refutes / not-enough-info for each claim, from evidence collections"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.collections = evidence_collections(settings)
        self.index = None
        self.model = None
        if self.collections:
            # The store (SQLAlchemy) loads only when collections are named.
            from .index import EvidenceIndex

            self.index = EvidenceIndex(settings.db_url, settings)
            self.index.require(self.collections)
            self.model = load_nli(settings.nli_model, settings.encoder)

    def run(self, ctx: Context) -> None:
        claims = ctx.analysis.claims
        if self.index is None or self.model is None or not claims:
            return
        from .verify import verify

        hypotheses = claim_statements(ctx, claims)
        results = verify(
            self.index,
            self.model,
            claims,
            hypotheses,
            self.collections,
            analyzer=self.key(),
            spacy_model=ctx.settings.spacy_model,
        )
        for claim, verdicts in zip(claims, results, strict=True):
            claim.verdicts = verdicts
