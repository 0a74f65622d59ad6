"""Targeted sentiment: how a sentence portrays one mention (negative / neutral / positive).

One model, one feature function, used by the ``portrayal`` analyzer, by
``framelens eval sentiment`` and by ``scripts/train_sentiment.py``, so the number the
eval prints is the number of the code the analyzer runs.

**Features of a mention** (all from the shared per-article MiniLM pass and the shared
spaCy parse; nothing is re-encoded per mention):

- MiniLM wordpiece vectors (``SentenceFeatures`` of the mention's sentence): the mean over
  the mention; the mean and the element-wise max over the rest of the sentence; a mean
  weighted by ``exp(-distance / 3)`` wordpieces from the mention (the words around it);
  the pooled sentence vector; the mean over the mention's governor and over its clause
  (below);
- VADER scores (neg, pos, compound) of the sentence, of the text left and right of the
  mention, of the governor word and of the mention's clause;
- the dependency relation of the mention's top token (one-hot over ``DEPS``).

The **governor** is the head of the mention's top token, climbing through prepositions,
passive agents and possessors ("accused *by* X" -> "accused", "X's *failure*" ->
"failure"): the word that says what the sentence does to or with the mention. The
**clause** is the governor's subtree without the other clauses hanging off it
(``_clause``), so that in "A was praised ..., while B was accused ..." each target is read
with its own clause (on the dev splits: rw F1m 0.734 -> 0.753, mt 0.747 -> 0.740).

**Classifier**: multinomial logistic regression on standardised features, run in numpy
from ``resources/sentiment/model.npz`` (see ``MODEL_CARD.md`` there).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..errors import ModelError
from .features import SentenceFeatures

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Polarity = Literal["negative", "neutral", "positive"]
LABELS: tuple[Polarity, Polarity, Polarity] = ("negative", "neutral", "positive")
DEPS = (
    "nsubj",
    "nsubjpass",
    "dobj",
    "pobj",
    "poss",
    "compound",
    "appos",
    "conj",
    "attr",
    "agent",
    "dative",
    "ROOT",
    "other",
)
#: Decay (in wordpieces) of the context window around the mention.
WINDOW_TAU = 3.0
DIM = 384
FEATURE_DIM = 7 * DIM + 3 + 6 + 6 + len(DEPS)


@functools.lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _vader_scores(text: str) -> list[float]:
    return list(_vader_cached(text))


@functools.lru_cache(maxsize=4096)
def _vader_cached(text: str) -> tuple[float, float, float]:
    # Governor words and clauses repeat across the mentions of an article.
    if not text.strip():
        return (0.0, 0.0, 0.0)
    s = _vader().polarity_scores(text)
    return (s["neg"], s["pos"], s["compound"])


def _sentence_of(sents: Sequence[SentenceFeatures], start: int, end: int) -> SentenceFeatures:
    """The sentence that holds most of ``[start, end)`` (first one on ties)."""
    best, overlap = sents[0], -1
    for s in sents:
        o = min(end, s.end) - max(start, s.start)
        if o > overlap:
            best, overlap = s, o
        if s.start >= end:
            break
    return best


def _governor(doc: Doc, start: int, end: int) -> tuple[list[Token], Token | None]:
    """The mention's tokens (top token first) and its governor (``None`` when inside)."""
    # char_span("expand") gives the tokens overlapping [start, end) without a doc scan.
    span = doc.char_span(start, end, alignment_mode="expand") if end > start else None
    toks = [t for t in span if not t.is_space] if span is not None else []
    if not toks:
        return [], None
    inside = set(toks)
    top = next((t for t in toks if t.head not in inside or t.head == t), toks[0])
    gov = top.head
    while gov.dep_ in ("prep", "agent", "poss") and gov.head != gov:
        gov = gov.head
    return [top, *(t for t in toks if t is not top)], (None if gov in inside else gov)


_CLAUSE_DEPS = ("advcl", "parataxis", "relcl", "ccomp", "csubj")


def _clause(head: Token, inside: set[Token]) -> list[Token]:
    """``head``'s subtree without the clauses hanging off it that do not hold the mention.

    "The rebels were praised for protecting civilians, while the militia was accused of
    looting": for "rebels" the clause is "The rebels were praised for protecting
    civilians ,"; for "militia" it is "while the militia was accused of looting". A
    coordinated verb with its own subject is a clause of its own; one sharing the
    mention's subject ("X lied and betrayed ...") is not.
    """
    excluded: set[Token] = set()
    for t in head.subtree:
        if t in excluded:
            continue
        for c in t.children:
            own_clause = c.dep_ in _CLAUSE_DEPS or (
                c.dep_ == "conj"
                and c.pos_ in ("VERB", "AUX")
                and any(x.dep_ in ("nsubj", "nsubjpass") for x in c.children)
            )
            if own_clause and not any(x in inside for x in c.subtree):
                excluded.update(c.subtree)
    return [t for t in head.subtree if t not in excluded]


def mention_features(
    text: str,
    doc: Doc,
    sents: Sequence[SentenceFeatures],
    spans: Sequence[tuple[int, int]],
) -> np.ndarray:
    """Feature rows ``(len(spans), FEATURE_DIM)`` for mentions ``[start, end)`` of ``text``.

    ``doc`` is the spaCy parse of ``text``; ``sents`` its ``SentenceFeatures`` (absolute
    character offsets, as ``framelens.nlp.features.sentence_features`` returns them).
    """
    out = np.zeros((len(spans), FEATURE_DIM), dtype=np.float32)
    if not sents:
        return out
    sent_vader: dict[int, list[float]] = {}
    zero = np.zeros(DIM, dtype=np.float32)
    for row, (start, end) in enumerate(spans):
        sf = _sentence_of(sents, start, end)
        h = np.asarray(sf.hidden, dtype=np.float32)
        n = len(h)
        hit = (sf.offsets[:, 0] < end) & (sf.offsets[:, 1] > start) if n else np.zeros(0, bool)
        idx = np.flatnonzero(hit)
        rest = ~hit
        target = h[hit].mean(axis=0) if len(idx) else zero
        context = h[rest].mean(axis=0) if rest.any() else zero
        peak = h[rest].max(axis=0) if rest.any() else zero
        if len(idx):
            pos = np.arange(n)
            dist = np.minimum(np.abs(pos - idx[0]), np.abs(pos - idx[-1]))
            w = np.exp(-dist / WINDOW_TAU) * rest
            window = (h * w[:, None]).sum(axis=0) / max(float(w.sum()), 1e-6)
        else:
            window = context
        if sf.start not in sent_vader:
            sent_vader[sf.start] = _vader_scores(text[sf.start : sf.end])
        left = _vader_scores(text[sf.start : max(start, sf.start)])
        right = _vader_scores(text[min(end, sf.end) : sf.end])
        toks, gov = _governor(doc, start, end)
        dep = np.zeros(len(DEPS), dtype=np.float32)
        gov_vec, clause_vec, gov_lex = zero, zero, [0.0] * 6
        if toks:
            top = toks[0]
            dep[DEPS.index(top.dep_) if top.dep_ in DEPS else len(DEPS) - 1] = 1.0
            if gov is not None and n:
                g0, g1 = gov.idx, gov.idx + len(gov)
                gh = (sf.offsets[:, 0] < g1) & (sf.offsets[:, 1] > g0)
                if gh.any():
                    gov_vec = h[gh].mean(axis=0)
            head = gov if gov is not None else top.head
            clause = _clause(head, set(toks))
            if n:
                ch = np.zeros(n, dtype=bool)
                for t in clause:
                    ch |= (sf.offsets[:, 0] < t.idx + len(t)) & (sf.offsets[:, 1] > t.idx)
                ch &= rest
                if ch.any():
                    clause_vec = h[ch].mean(axis=0)
            gov_lex = _vader_scores(head.text) + _vader_scores(" ".join(t.text for t in clause))
        out[row] = np.concatenate(
            [
                target,
                context,
                window,
                peak,
                np.asarray(sf.pooled, dtype=np.float32),
                sent_vader[sf.start],
                left,
                right,
                gov_lex,
                dep,
                gov_vec,
                clause_vec,
            ]
        )
    return out


@dataclass(frozen=True)
class SentimentModel:
    """Standardiser + multinomial logistic regression, as numpy arrays."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (3, FEATURE_DIM), classes in LABELS order
    intercept: np.ndarray  # (3,)
    meta: dict[str, Any]

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, 3)`` in ``LABELS`` order."""
        if len(features) == 0:
            return np.zeros((0, 3), dtype=np.float32)
        z = ((features - self.mean) / self.scale) @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return np.asarray(p / p.sum(axis=1, keepdims=True), dtype=np.float32)


MODEL_DIR = "sentiment"


@functools.lru_cache(maxsize=1)
def load_model() -> SentimentModel:
    """The shipped model (``resources/sentiment/``), loaded once per process."""
    folder = resources.files("framelens.resources").joinpath(MODEL_DIR)
    try:
        with folder.joinpath("model.npz").open("rb") as fh:
            arrays = dict(np.load(fh))
        meta = json.loads(folder.joinpath("meta.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise ModelError(
            f"the targeted-sentiment model could not be read ({type(exc).__name__}: {exc})",
            fix="reinstall framelens, or retrain it with "
            "`python scripts/train_sentiment.py --data ../shared/datasets`",
        ) from None
    model = SentimentModel(
        mean=arrays["mean"].astype(np.float32),
        scale=arrays["scale"].astype(np.float32),
        coef=arrays["coef"].astype(np.float32),
        intercept=arrays["intercept"].astype(np.float32),
        meta=meta,
    )
    if model.coef.shape != (3, FEATURE_DIM):
        raise ModelError(
            f"the targeted-sentiment model has shape {model.coef.shape}, "
            f"expected (3, {FEATURE_DIM})",
            fix="retrain it with `python scripts/train_sentiment.py --data ../shared/datasets`",
        )
    return model


def predict(
    text: str,
    doc: Doc,
    sents: Sequence[SentenceFeatures],
    spans: Sequence[tuple[int, int]],
) -> np.ndarray:
    """Probabilities ``(len(spans), 3)`` (``LABELS`` order) for mentions of ``text``."""
    return load_model().predict_proba(mention_features(text, doc, sents, spans))


def encode_texts(
    texts: Sequence[str], embedder_spec: str = "minilm-int8"
) -> list[list[SentenceFeatures]]:
    """``SentenceFeatures`` for standalone texts (one sentence each), as the eval and the
    training script need them: each text is one sentence spanning the whole text."""
    from . import get_embedder

    feats = get_embedder(embedder_spec).encode_tokens(list(texts))
    return [
        [
            SentenceFeatures(
                0,
                len(t),
                f.hidden,
                np.asarray(f.offsets, dtype=np.int64).reshape(-1, 2),
                f.pooled,
            )
        ]
        for t, f in zip(texts, feats, strict=True)
    ]
