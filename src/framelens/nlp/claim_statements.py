"""NLI statements for the claims of one article, from the shared parse and MiniLM pass.

The rules read each claim from ``ctx.doc`` (actor mentions mapped to actor ids, so the
role rule compares actors, not strings); the bundled NLI model reads the claim's
wordpiece vectors from ``framelens.nlp.features.sentence_features`` — no extra encoder
run when a claim is a whole sentence, which is what the ``claims`` analyzer emits.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

import numpy as np

from ..model import Claim
from ..text.rules import make_side
from .embedder import TokenFeatures
from .features import SentenceFeatures, sentence_features
from .nli import Statement, statements

if TYPE_CHECKING:
    from ..context import Context


def actor_tokens(ctx: Context) -> dict[int, str]:
    """Token index -> actor id, for every token inside an actor mention."""
    out: dict[int, str] = {}
    for actor in ctx.analysis.actors:
        for m in actor.mentions:
            span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None:
                for tok in span:
                    out.setdefault(tok.i, actor.id)
    return out


def _tokens_for(
    ctx: Context, feats: list[SentenceFeatures], ends: list[int], start: int, end: int
) -> TokenFeatures | None:
    # The first sentence holding [start, end): none ends before ``end`` (``ends`` is sorted,
    # so bisection skips them; a scan from the first sentence per claim is quadratic).
    for k in range(bisect_left(ends, end), len(feats)):
        sf = feats[k]
        if sf.start > start:
            break
        if sf.start <= start and end <= sf.end:
            whole = ctx.text[sf.start : sf.end].strip() == ctx.text[start:end].strip()
            rows = np.arange(len(sf.offsets)) if whole else sf.token_rows(start, end)
            if len(rows) == 0:
                return None
            hidden = sf.hidden[rows]
            offsets = [(int(a) - start, int(b) - start) for a, b in sf.offsets[rows]]
            if whole:
                pooled = sf.pooled
            else:
                # A clause: mean of its contextual wordpieces (close to, not the same as,
                # encoding the clause alone).
                pooled = hidden.mean(axis=0)
                pooled = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
            return TokenFeatures(hidden, offsets, pooled)
    return None


def claim_statements(
    ctx: Context, claims: list[Claim], actor_of: dict[int, str] | None = None
) -> list[Statement]:
    """One ``Statement`` per claim (rules' view from ``ctx.doc``; cached MiniLM vectors).

    A claim that reports someone's words is judged on what it reports (``Claim.content``):
    evidence about the strike bears on "41 civilians were killed", not on "the ministry
    said so".
    """
    if actor_of is None:
        actor_of = actor_tokens(ctx)
    # The shared pass runs the encoder the bundled NLI heads of ``encoder`` were trained on.
    feats = sentence_features(ctx)
    ends = [sf.end for sf in feats]
    out = []
    for claim in claims:
        judged = claim.content or claim.span
        span = ctx.doc.char_span(judged.start, judged.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            # Not on token boundaries of the shared parse (a hand-built claim): parse it alone.
            out.append(statements([judged.text], ctx.settings.spacy_model)[0])
            continue
        text = ctx.text[span.start_char : span.end_char]
        tokens = _tokens_for(ctx, feats, ends, span.start_char, span.end_char)
        out.append(Statement(text, make_side(span, actor_of), tokens))
    return out
