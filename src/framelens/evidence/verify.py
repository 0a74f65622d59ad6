"""Verdicts: each claim against the passages an evidence collection holds about it.

For a claim, the ``TOP_K`` passages of hybrid retrieval are parsed; every sentence of a
passage (and the passage as a whole) is a premise, the claim the hypothesis (what it
reports, ``Claim.content``, when it reports someone's words; retrieval searches that same
text). The NLI judgement (rules first, then the model) of the most decisive premise
gives the verdict for that passage: entailment -> ``supports``, contradiction ->
``refutes``, anything else or a confidence below ``MIN_CONFIDENCE`` ->
``not-enough-info``.

``Verdict.passage.text`` is the whole retrieved passage; ``Verdict.passage.span`` is
the premise that decided (a sentence of it, or all of it), with offsets into the
evidence document's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..model import Claim, Passage, Span, Verdict
from ..nlp.nli import Judgement, NLIModel, Statement, judge
from ..text.rules import make_side
from .index import EvidenceIndex, Hit

TOP_K = 3
#: Below this confidence a supports/refutes judgement is reported as not-enough-info.
#: 0.5 = the model's label must be more likely than the other two together; chosen on
#: the SICK TRIAL split and tests/data/news_nli_dev.jsonl (see resources/nli/MODEL_CARD.md).
MIN_CONFIDENCE = 0.5
VERDICT_OF = {"entailment": "supports", "contradiction": "refutes", "neutral": "not-enough-info"}

VerdictLabel = Literal["supports", "refutes", "not-enough-info"]


@dataclass
class _Premise:
    hit: Hit
    start: int  # offsets into the evidence document
    end: int
    statement: Statement


def _premises(hits: Sequence[Hit], spacy_model: str) -> dict[int, list[_Premise]]:
    """Premises of each retrieved passage (its sentences, and itself when it has several)."""
    from ..nlp import load_nlp

    unique = {h.passage_id: h for h in hits}
    nlp = load_nlp(spacy_model)
    out: dict[int, list[_Premise]] = {}
    for hit, doc in zip(unique.values(), nlp.pipe([h.text for h in unique.values()]), strict=True):
        sents = [s for s in doc.sents if s.text.strip()]
        spans = list(sents)
        if len(sents) > 1:
            spans.append(doc[:])
        premises = []
        for s in spans:
            a, b = s.start_char, s.end_char
            if s is not spans[-1] or len(sents) == 1:
                # A sentence the parser glued to the heading above it: cite the sentence.
                cut = hit.text.rfind("\n\n", a, b)
                a = cut + 2 if cut != -1 else a
            while a < b and hit.text[a].isspace():
                a += 1
            while b > a and hit.text[b - 1].isspace():
                b -= 1
            trimmed = doc.char_span(a, b, alignment_mode="expand") if b > a else None
            if trimmed is not None and len(trimmed):
                a, b = trimmed.start_char, trimmed.end_char
                statement = Statement(hit.text[a:b], make_side(trimmed))
                premises.append(_Premise(hit, hit.start + a, hit.start + b, statement))
        out[hit.passage_id] = premises
    return out


def _decisive(judged: list[tuple[_Premise, Judgement]]) -> tuple[_Premise, Judgement]:
    """The premise that decides: a rule's contradiction, else the most confident label."""

    def key(item: tuple[_Premise, Judgement]) -> tuple[int, float]:
        j = item[1]
        if j.reason.startswith("rule:"):
            return (2, j.score)
        if j.label != "neutral" and j.score >= MIN_CONFIDENCE:
            return (1, j.score)
        return (0, max(j.probs[0], j.probs[2]))  # cite the sentence closest to a decision

    return max(judged, key=key)


def verify(
    index: EvidenceIndex,
    model: NLIModel,
    claims: Sequence[Claim],
    hypotheses: Sequence[Statement],
    collections: Sequence[str],
    *,
    k: int = TOP_K,
    analyzer: str = "",
    spacy_model: str = "",
) -> list[list[Verdict]]:
    """Verdicts for each claim (``hypotheses[i]`` is claim ``i`` as an NLI statement)."""
    hits_per_claim = []
    for _claim, hyp in zip(claims, hypotheses, strict=True):
        vec = hyp.tokens.pooled if hyp.tokens is not None else None
        hits_per_claim.append(index.search(hyp.text, collections, k, query_vector=vec))
    premises = _premises([h for hits in hits_per_claim for h in hits], spacy_model)
    pairs: list[tuple[Statement, Statement]] = []
    owners: list[tuple[int, int, _Premise]] = []
    for ci, (hits, hyp) in enumerate(zip(hits_per_claim, hypotheses, strict=True)):
        for hi, hit in enumerate(hits):
            for prem in premises.get(hit.passage_id, []):
                pairs.append((prem.statement, hyp))
                owners.append((ci, hi, prem))
    judged = judge(model, pairs) if pairs else []
    grouped: dict[tuple[int, int], list[tuple[_Premise, Judgement]]] = {}
    for (ci, hi, prem), j in zip(owners, judged, strict=True):
        grouped.setdefault((ci, hi), []).append((prem, j))
    out: list[list[Verdict]] = []
    for ci, hits in enumerate(hits_per_claim):
        verdicts = []
        for hi, hit in enumerate(hits):
            if (ci, hi) not in grouped:
                continue
            prem, j = _decisive(grouped[(ci, hi)])
            label: VerdictLabel = VERDICT_OF[j.label]  # type: ignore[assignment]
            score = j.score
            if label != "not-enough-info" and score < MIN_CONFIDENCE:
                label, score = "not-enough-info", 1.0 - score
            elif label == "not-enough-info":
                score = j.probs[1]
            verdicts.append(
                Verdict(
                    collection=hit.collection,
                    passage=Passage(
                        doc=hit.doc_id,
                        span=Span(start=prem.start, end=prem.end, text=prem.statement.text),
                        text=hit.text,
                    ),
                    label=label,
                    score=round(float(score), 4),
                    retrieval_score=round(hit.score, 4),
                    analyzer=analyzer,
                )
            )
        out.append(verdicts)
    return out
