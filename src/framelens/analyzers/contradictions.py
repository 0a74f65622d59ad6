"""Contradictions v2: pairs of the article's own claims that cannot both be true.

Candidates are pairs of claims about the same actors (a shared actor id from the
``actors`` analyzer and similar MiniLM embeddings, read from the shared per-article
pass), or about the same thing in other words (similar embeddings alone). Each candidate
is judged by the contradiction rules (numbers, dates, negation, antonyms, role reversal:
``framelens.text.rules``) and by the NLI model in both directions.

Precision matters more than recall: a false contradiction discredits the tool. So

- statements attributed to different speakers never contradict each other (the article
  reports a disagreement), and a disputed attribution ("the ministry denied that...")
  silences every rule;
- the model alone reports a contradiction only for claims that share an actor, are
  close in meaning, and get a contradiction probability of at least
  ``MODEL_THRESHOLD`` in both directions.

``Contradiction.reason`` is ``rule:<name> (<what differs>)`` or ``model:<name>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..config import Settings
from ..context import Context
from ..model import Claim, Contradiction
from ..text.rules import same_speaker
from .base import Analyzer, analyzers

if TYPE_CHECKING:
    from ..text.rules import RuleHit, Side

#: Claims that share an actor are compared when their cosine similarity is at least this.
SIM_SHARED_ACTOR = 0.4
#: Claims without a shared actor id (the actors analyzer finds named actors only: "the
#: landslide", "the dock workers' union" have none) are compared from this similarity on.
#: Only the rules, with their own same-event guards, can find a contradiction in such a
#: pair. 0.5: the planted pairs of tests/test_contradictions.py score 0.6-0.95.
SIM_ANY = 0.5
#: The model alone must give at least this contradiction probability in both directions,
#: and the pair must share an actor with similarity >= MODEL_MIN_SIM. Tuned for precision
#: on 100 PTC train articles with every sentence taken as a claim (3,713 claims, 7,745
#: candidate pairs sharing an actor), none of them a contradiction, the highest model-only
#: probability was 0.87 among pairs with similarity >= 0.7 (0.91 at similarity 0.49).
#: True contradictions the rules miss score 0.1-0.85 (hand-written dev pairs), so the
#: model alone rarely decides; it mostly confirms (a rule's score is the larger of the
#: rule's and the model's).
MODEL_THRESHOLD = 0.9
MODEL_MIN_SIM = 0.7
#: Most candidate pairs judged per article (the most similar first).
MAX_PAIRS = 300


@dataclass(frozen=True)
class Candidate:
    i: int
    j: int
    similarity: float
    shared_actors: tuple[str, ...]


#: Rows of the similarity matrix computed at a time (bounds memory on long articles).
_BLOCK = 512


def candidate_pairs(
    claims: Sequence[Claim], sims: np.ndarray | None = None, *, vectors: np.ndarray | None = None
) -> list[Candidate]:
    """Pairs of claims worth judging: about the same actors and close in meaning.

    ``sims`` is the claims' cosine-similarity matrix, or ``vectors`` their unit vectors
    (the matrix is then computed a block of rows at a time, never whole). Overlapping
    claims are never paired; the most similar pairs come first, at most ``MAX_PAIRS``.

    Every pair's similarity is one matrix product (vectorised); the per-pair Python work
    is only for pairs already similar enough: pairs in the band between ``SIM_SHARED_ACTOR``
    and ``SIM_ANY`` are blocked by shared actor (a pair of claims with no actor in common
    is dropped by set intersection), and only the best ``MAX_PAIRS`` are kept as the
    blocks go, so memory and Python work do not grow with the square of the claims.
    """
    n = len(claims)
    if sims is None and vectors is None:
        raise ValueError("candidate_pairs needs sims or vectors")
    starts = np.asarray([c.span.start for c in claims], dtype=np.int64)
    ends = np.asarray([c.span.end for c in claims], dtype=np.int64)
    actor_sets = [frozenset(c.actors) for c in claims]
    cols = np.arange(n)
    best_i = np.zeros(0, dtype=np.int64)
    best_j = np.zeros(0, dtype=np.int64)
    best_s = np.zeros(0, dtype=np.float64)
    for r0 in range(0, n, _BLOCK):
        r1 = min(r0 + _BLOCK, n)
        if sims is not None:
            block = sims[r0:r1]
        else:
            assert vectors is not None
            block = vectors[r0:r1] @ vectors.T
        # float64, as the per-pair comparison ``float(sims[i, j]) >= threshold`` was.
        block = np.asarray(block, dtype=np.float64)
        rows = np.arange(r0, r1)[:, None]
        keep = (cols[None, :] > rows) & (block >= SIM_SHARED_ACTOR)
        # Overlapping claims are never paired.
        keep &= ~((starts[r0:r1, None] < ends[None, :]) & (starts[None, :] < ends[r0:r1, None]))
        ii, jj = np.nonzero(keep)
        ii += r0
        ss = block[ii - r0, jj]
        weak = np.flatnonzero(ss < SIM_ANY)
        if len(weak):
            shared = np.ones(len(ii), dtype=bool)
            shared[weak] = [
                not actor_sets[i].isdisjoint(actor_sets[j])
                for i, j in zip(ii[weak].tolist(), jj[weak].tolist(), strict=True)
            ]
            ii, jj, ss = ii[shared], jj[shared], ss[shared]
        best_i = np.concatenate([best_i, ii])
        best_j = np.concatenate([best_j, jj])
        best_s = np.concatenate([best_s, ss])
        # Most similar first; equal similarities in (i, j) order, as a stable sort of the
        # pairs in loop order gives.
        order = np.lexsort((best_j, best_i, -best_s))[:MAX_PAIRS]
        best_i, best_j, best_s = best_i[order], best_j[order], best_s[order]
    return [
        Candidate(i, j, s, tuple(x for x in claims[i].actors if x in claims[j].actors))
        for i, j, s in zip(best_i.tolist(), best_j.tolist(), best_s.tolist(), strict=True)
    ]


def decide(
    cand: Candidate,
    hit: RuleHit | None,
    p_contradiction: float,
    a: Side,
    b: Side,
    model_name: str,
) -> tuple[float, str] | None:
    """``(score, reason)`` when the pair is a contradiction, else ``None``.

    A rule decides alone (its guards already checked the attributions). The model alone
    needs a shared actor, similarity >= ``MODEL_MIN_SIM``, a contradiction probability
    >= ``MODEL_THRESHOLD`` (the smaller of the two directions), and no disputed or
    differently attributed statement.
    """
    if hit is not None:
        return max(hit.score, p_contradiction), f"rule:{hit.rule} ({hit.detail})"
    if (
        cand.shared_actors
        and cand.similarity >= MODEL_MIN_SIM
        and p_contradiction >= MODEL_THRESHOLD
        and not (a.disputed or b.disputed)
        and a.attributed == b.attributed
        and (not a.attributed or same_speaker(a.speaker, b.speaker))
    ):
        return p_contradiction, f"model:{model_name}"
    return None


@analyzers.register("contradictions")
class ContradictionsAnalyzer(Analyzer):
    name = "contradictions"
    # v2: numbers in partitives ("four of its staff") compare; a side that adds a date
    # ("on Friday and two more on Monday") does not contradict one.
    version = "2"
    needs = ("actors", "claims")
    produces = ("contradictions",)
    features = ("sentence_features",)
    description = "pairs of the article's claims that contradict each other (rules + NLI)"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        from ..evidence.nli import load_nli

        self.model = load_nli(settings.nli_model)

    def run(self, ctx: Context) -> None:
        from ..evidence.article import claim_statements
        from ..evidence.nli import ensure_tokens
        from ..text.rules import check_rules

        claims = ctx.analysis.claims
        if len(claims) < 2:
            return
        stmts = claim_statements(ctx, claims)
        ensure_tokens(stmts)
        vecs = np.stack([np.asarray(s.tokens.pooled) for s in stmts if s.tokens is not None])
        candidates = candidate_pairs(claims, vectors=vecs)
        if not candidates:
            return
        pairs = []
        for c in candidates:
            pairs += [(stmts[c.i], stmts[c.j]), (stmts[c.j], stmts[c.i])]
        probs = self.model.predict(pairs)
        found = []
        for n, c in enumerate(candidates):
            si, sj = stmts[c.i].side, stmts[c.j].side
            hit = check_rules(si, sj, strict_attribution=True) or check_rules(
                sj, si, strict_attribution=True
            )
            p_con = float(min(probs[2 * n][2], probs[2 * n + 1][2]))
            verdict = decide(c, hit, p_con, si, sj, self.model.name)
            if verdict is None:
                continue
            a, b = sorted((claims[c.i].span, claims[c.j].span), key=lambda s: s.start)
            found.append(
                Contradiction(
                    a=a, b=b, score=round(verdict[0], 4), reason=verdict[1], analyzer=self.key()
                )
            )
        ctx.analysis.contradictions = sorted(found, key=lambda k: (k.a.start, k.b.start))
