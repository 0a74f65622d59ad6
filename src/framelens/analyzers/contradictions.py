"""Contradictions v5: pairs of the article's own claims that cannot both be true.

Candidates are pairs of claims about the same actors (a shared actor id from the
``actors`` analyzer and similar MiniLM embeddings, read from the shared per-article
pass), or about the same thing in other words (similar embeddings alone). Each candidate
is judged by the contradiction rules (numbers, dates, negation, antonyms, role reversal:
``framelens.text.rules``) and by the NLI model in both directions.

Each contradiction has a ``kind``. Two claims that the ``quotes`` analyzer attributes to
different sources (a ministry says 300 families returned, aid workers say 80) are the
sources disagreeing, not the writer contradicting themself: ``kind="disagreement"``, with
both ``speakers`` (name, quote id, actor id). Two quotes have one source when they name
one actor, or, for a source known by a description, when the descriptions share a head
noun and one's modifiers are among the other's ("the deputy mayor" and "the city's deputy
mayor"; not "the foreign minister" and "the defence minister"). The rules judge such a
pair on what each source says (the quotes' contents), and only the rules decide it.
Everything else is ``kind="self"``: the writer's own claims, one source against itself,
or a source against the writer (``speakers`` then lists the sides that are attributed).

Precision matters more than recall: a false contradiction discredits the tool. So

- statements attributed to different speakers in the parse but not matched to two
  different quotes' speakers never contradict each other, and a disputed attribution
  ("the ministry denied that...") silences every rule;
- the model alone reports a contradiction only for claims that share an actor, are
  close in meaning, and get a contradiction probability of at least
  ``MODEL_THRESHOLD`` in both directions.

``Contradiction.reason`` is ``rule:<name> (<what differs>)`` or ``model:<name>``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..config import Settings
from ..context import Context
from ..model import REPORT_KINDS, Claim, Contradiction, ContradictionSpeaker, Quote, Span
from ..nlp.claim_statements import actor_tokens, claim_statements
from ..nlp.embedder import ENCODERS
from ..nlp.nli import ensure_tokens, load_nli
from ..text.rules import description_key, keys_match, same_speaker
from .base import Analyzer, analyzers

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

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
class Source:
    """Who states a claim: the speaker of the quote the claim reports."""

    name: str
    quote: str
    actor_id: str | None
    content: Span
    key: str = ""  # "actor:<id>", or the speaker noun phrase's key (rules._np_key)


#: Looks up who speaks a quote the quotes analyzer left without a speaker:
#: ``(name, actor id, key)`` from the parse, or ``None``.
SpeakerOf = Callable[[Quote], "tuple[str, str | None, str] | None"]


def claim_sources(
    claims: Sequence[Claim], quotes: Sequence[Quote], speaker_of: SpeakerOf | None = None
) -> list[Source | None]:
    """Each claim's source: the quote it records (``Claim.quote``), else the quote whose
    span holds the claim or whose content lies inside it; ``None`` for the writer's own
    claims and for quotes whose speaker is unknown. A quote without a ``speaker`` record
    ("The Ministry of Returns said ...") is credited to ``speaker_of(quote)``."""
    by_id = {q.id: q for q in quotes}
    stated = [q for q in quotes if q.kind in REPORT_KINDS]
    out: list[Source | None] = []
    for claim in claims:
        quote = by_id.get(claim.quote) if claim.quote else None
        if quote is None:
            a, b = claim.span.start, claim.span.end
            inside = [
                q
                for q in stated
                if (q.span.start <= a and b <= q.span.end)
                or (a <= q.content.start and q.content.end <= b)
            ]
            # The quote that covers most of the claim.
            quote = max(
                inside,
                key=lambda q: min(b, q.content.end) - max(a, q.content.start),
                default=None,
            )
        if quote is None:
            out.append(None)
            continue
        content = claim.content if claim.content is not None else quote.content
        speaker = quote.speaker
        if speaker is not None and speaker.name.strip():
            actor = speaker.actor_id
            key = f"actor:{actor}" if actor else description_key(speaker.name)
            out.append(Source(speaker.name, quote.id, actor, content, key))
            continue
        found = speaker_of(quote) if speaker_of is not None else None
        if found is None:
            out.append(None)
            continue
        name, actor, key = found
        out.append(Source(name, quote.id, actor, content, key))
    return out


def same_source(a: Source, b: Source) -> bool:
    """Two quotes' speakers are one source: the same actor, else the same name, or the same
    head noun with one's modifiers among the other's ("the ministry" and "the Ministry of
    Returns", "the deputy mayor" and "the city's deputy mayor"; not "the foreign
    minister" and "the defence minister")."""
    if a.actor_id and b.actor_id:
        return a.actor_id == b.actor_id
    if a.name.strip().casefold() == b.name.strip().casefold():
        return True
    return keys_match(a.key, b.key)


def cue_speaker(
    doc: Doc, quote: Quote, actor_of: dict[int, str]
) -> tuple[str, str | None, str] | None:
    """The subject of a quote's reporting verb, from the parse: ``(name, actor id, key)``.

    For quotes the quotes analyzer could not credit to a person ("The Ministry of Returns
    said ...", "Aid workers in Kessa said ..."): the subject noun phrase is the source.
    """
    from ..text.rules import np_key, subject_of

    if quote.cue is None:
        return None
    cue = doc.char_span(quote.cue.start, quote.cue.end, alignment_mode="expand")
    if cue is None or len(cue) == 0:
        return None
    verb = cue.root

    # The subject on the cue's own line: a headline the parser glued to the first sentence
    # may hang a subject of its own on the cue. (The tokens between, not ``doc.text``,
    # which spaCy rebuilds from every token on each read.)
    def same_line(tok: Token) -> bool:
        return not any("\n" in t.text_with_ws for t in doc[tok.i : verb.i])

    subjects = [
        c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj") and same_line(c)
    ]
    subj = max(subjects, key=lambda c: c.i) if subjects else subject_of(verb)[0]
    if subj is None or subj.pos_ == "PRON" or not same_line(subj):
        return None
    key = np_key(subj, actor_of)
    if not key:
        return None
    phrase = doc[subj.left_edge.i : subj.right_edge.i + 1]
    actor = key[len("actor:") :] if key.startswith("actor:") else None
    return phrase.text, actor, key


def _speakers(
    sides: tuple[tuple[Span, Source | None], tuple[Span, Source | None]],
) -> list[ContradictionSpeaker]:
    out = []
    for label, (_, src) in zip(("a", "b"), sorted(sides, key=lambda s: s[0].start), strict=True):
        if src is not None:
            out.append(
                ContradictionSpeaker(
                    side=label,
                    name=src.name,
                    quote=src.quote,
                    actor_id=src.actor_id,
                )
            )
    return out


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


def model_may_decide(cand: Candidate, a: Side, b: Side) -> bool:
    """Whether the model alone could call the pair a contradiction: a shared actor,
    similarity >= ``MODEL_MIN_SIM``, and no disputed or differently attributed statement."""
    return bool(
        cand.shared_actors
        and cand.similarity >= MODEL_MIN_SIM
        and not (a.disputed or b.disputed)
        and a.attributed == b.attributed
        and (not a.attributed or same_speaker(a.speaker, b.speaker))
    )


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
    needs ``model_may_decide`` and a contradiction probability >= ``MODEL_THRESHOLD``
    (the smaller of the two directions).
    """
    if hit is not None:
        return max(hit.score, p_contradiction), f"rule:{hit.rule} ({hit.detail})"
    if p_contradiction >= MODEL_THRESHOLD and model_may_decide(cand, a, b):
        return p_contradiction, f"model:{model_name}"
    return None


@analyzers.register("contradictions")
class ContradictionsAnalyzer(Analyzer):
    name = "contradictions"
    # v2: numbers in partitives ("four of its staff") compare; a side that adds a date
    # ("on Friday and two more on Monday") does not contradict one.
    # v3: hedged figures compare as intervals ("at least 40" vs 52: none; "just 15" vs 40);
    # two quoted sources that disagree are reported as ``kind="disagreement"``.
    # v5: a phrasal verb is the verb it means ("had come back": "returned"); a source known
    # by a description is one source under its shorter form ("the deputy mayor", "the
    # city's deputy mayor").
    version = "5"
    reads_encoder = True
    needs = ("actors", "quotes", "claims")
    produces = ("contradictions",)
    features = ("sentence_features",)
    description = "pairs of the article's claims that contradict each other (rules + NLI)"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.model = load_nli(settings.nli_model, settings.encoder)

    def run(self, ctx: Context) -> None:
        from ..text.rules import check_rules, make_side

        claims = ctx.analysis.claims
        if len(claims) < 2:
            return
        actor_of = actor_tokens(ctx)
        stmts = claim_statements(ctx, claims, actor_of)
        sources = claim_sources(
            claims, ctx.analysis.quotes, lambda q: cue_speaker(ctx.doc, q, actor_of)
        )
        content_sides: dict[int, Side | None] = {}

        def content_side(i: int) -> Side | None:
            """The rules' view of what claim i's source says (its quote's content)."""
            if i not in content_sides:
                src = sources[i]
                span = None
                if src is not None:
                    span = ctx.doc.char_span(
                        src.content.start, src.content.end, alignment_mode="expand"
                    )
                content_sides[i] = make_side(span, actor_of) if span is not None else None
            return content_sides[i]

        ensure_tokens(stmts, ENCODERS[self.settings.encoder][0])
        vecs = np.stack([np.asarray(s.tokens.pooled) for s in stmts if s.tokens is not None])
        candidates = candidate_pairs(claims, vectors=vecs)
        if not candidates:
            return
        # The rules first: the model is run only on the pairs whose verdict it can change
        # (a rule's hit takes the larger score; no hit, only where the model may decide
        # alone), most of the candidates need none.
        # (sides: the two statements of a "self" pair; None for two sources' disagreement)
        judged: list[tuple[Candidate, RuleHit | None, tuple[Side, Side] | None]] = []
        for c in candidates:
            src_i, src_j = sources[c.i], sources[c.j]
            if src_i is not None and src_j is not None and not same_source(src_i, src_j):
                # Two sources: what each says, by the rules alone.
                ci, cj = content_side(c.i), content_side(c.j)
                hit = None
                if ci is not None and cj is not None:
                    hit = check_rules(ci, cj, strict_attribution=True) or check_rules(
                        cj, ci, strict_attribution=True
                    )
                judged.append((c, hit, None))
            else:
                si, sj = stmts[c.i].side, stmts[c.j].side
                hit = check_rules(si, sj, strict_attribution=True) or check_rules(
                    sj, si, strict_attribution=True
                )
                judged.append((c, hit, (si, sj)))
        ask = [
            n
            for n, (c, hit, sides) in enumerate(judged)
            if hit is not None or (sides is not None and model_may_decide(c, *sides))
        ]
        pairs = []
        for n in ask:
            c = judged[n][0]
            pairs += [(stmts[c.i], stmts[c.j]), (stmts[c.j], stmts[c.i])]
        probs = self.model.predict(pairs) if pairs else np.zeros((0, 3))
        p_con = {n: float(min(probs[2 * k][2], probs[2 * k + 1][2])) for k, n in enumerate(ask)}
        found = []
        for n, (c, hit, sides) in enumerate(judged):
            if n not in p_con:
                continue
            verdict: tuple[float, str] | None
            if sides is None:
                assert hit is not None
                verdict = max(hit.score, p_con[n]), f"rule:{hit.rule} ({hit.detail})"
            else:
                verdict = decide(c, hit, p_con[n], *sides, self.model.name)
            if verdict is None:
                continue
            kind = "self" if sides is not None else "disagreement"
            spans = ((claims[c.i].span, sources[c.i]), (claims[c.j].span, sources[c.j]))
            a, b = sorted((claims[c.i].span, claims[c.j].span), key=lambda s: s.start)
            found.append(
                Contradiction(
                    a=a,
                    b=b,
                    score=round(verdict[0], 4),
                    reason=verdict[1],
                    kind=kind,
                    speakers=_speakers(spans),
                    analyzer=self.key(),
                )
            )
        ctx.analysis.contradictions = sorted(found, key=lambda k: (k.a.start, k.b.start))
