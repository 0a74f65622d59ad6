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

**Classifier** (``SentimentModel``): an ensemble of small attention heads that read the
wordpieces of the mention's sentence, marked by where the mention is, together with the
standardised features above; trained with torch by ``scripts/train_sentiment.py``, run in
numpy from ``resources/sentiment/model.npz`` (see ``MODEL_CARD.md`` there).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
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


def _sentence_index(sents: Sequence[SentenceFeatures], start: int, end: int) -> int:
    """Index of the sentence that holds most of ``[start, end)`` (first one on ties)."""
    best, overlap = 0, -1
    for i, s in enumerate(sents):
        o = min(end, s.end) - max(start, s.start)
        if o > overlap:
            best, overlap = i, o
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
        sf = sents[_sentence_index(sents, start, end)]
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


#: Longest wordpiece window the attention head reads around a mention (as in training).
MAX_PIECES = 96
#: Distances (in wordpieces) from the mention beyond this share one position embedding.
MAX_DISTANCE = 32
#: Share of the logistic regression in the blend with the attention heads. Chosen on the
#: dev splits (mean F1m: heads 0.743, regression 0.738, half and half 0.744) and because
#: the blend keeps the regression's better reading of sentences that praise one target
#: and condemn another (``tests/test_portrayal.py``).
LR_WEIGHT = 0.5


@dataclass(frozen=True)
class Window:
    """The wordpieces of a mention's sentence that the attention head reads."""

    sentence: int  # index into the article's SentenceFeatures
    lo: int  # rows [lo, hi) of that sentence's wordpieces
    hi: int
    target: np.ndarray  # (hi - lo,) bool: the mention's own wordpieces


def mention_windows(
    sents: Sequence[SentenceFeatures], spans: Sequence[tuple[int, int]]
) -> list[Window]:
    """One ``Window`` per mention: its sentence's wordpieces, at most ``MAX_PIECES`` of
    them, centred on the mention when the sentence is longer."""
    out = []
    for start, end in spans:
        si = _sentence_index(sents, start, end)
        offs = sents[si].offsets
        n = len(offs)
        hit = (offs[:, 0] < end) & (offs[:, 1] > start) if n else np.zeros(0, dtype=bool)
        lo, hi = 0, n
        if n > MAX_PIECES:
            pos = np.flatnonzero(hit)
            centre = int(pos.mean()) if len(pos) else 0
            lo = max(0, min(centre - MAX_PIECES // 2, n - MAX_PIECES))
            hi = lo + MAX_PIECES
        out.append(Window(si, lo, hi, hit[lo:hi]))
    return out


def distance_buckets(target: np.ndarray) -> np.ndarray:
    """Per wordpiece of a window, its distance to the nearest wordpiece of the mention,
    capped at ``MAX_DISTANCE`` (the cap for every wordpiece when the mention has none)."""
    length = len(target)
    where = np.flatnonzero(target)
    if len(where) == 0:
        return np.full(length, MAX_DISTANCE, dtype=np.int64)
    dist = np.abs(np.arange(length)[:, None] - where[None, :]).min(axis=1)
    return np.minimum(dist, MAX_DISTANCE).astype(np.int64)


def standardise(
    features: np.ndarray, stats: Mapping[str, np.ndarray], clip: bool = True
) -> np.ndarray:
    """``(features - mu) / sd`` with constant features zeroed (``keep``); the attention
    heads read it clipped to +-8, the regression unclipped (as each was trained)."""
    z = (features - stats["mu"]) / stats["sd"] * stats["keep"]
    return np.asarray(np.clip(z, -8.0, 8.0) if clip else z, dtype=np.float32)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def _gelu(x: np.ndarray) -> np.ndarray:
    # The tanh form, as the head was trained (torch ``gelu(approximate="tanh")``).
    return np.asarray(0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x**3))))


@dataclass(frozen=True)
class SentimentModel:
    """An ensemble of small target-aware attention heads over the frozen MiniLM wordpieces
    of a mention's sentence and its standardised ``mention_features``, run in numpy.

    Each member: the wordpieces are projected to ``d`` dimensions and given a learned
    "is the mention" vector and a vector for their distance to the mention; the mean over
    the mention, an attention-weighted mean and an element-wise max of those, with a
    projection of the mention's features, go through a one-hidden-layer MLP. The members'
    probabilities are averaged, then blended with a multinomial logistic regression on the
    same standardised features (weight ``LR_WEIGHT``). Head weights are stacked over members
    (leading axis K).
    """

    w: dict[str, np.ndarray]
    meta: dict[str, Any]

    @property
    def members(self) -> int:
        return int(self.w["proj_w"].shape[0])

    def predict_proba(
        self,
        features: np.ndarray,
        windows: Sequence[Window],
        sents: Sequence[SentenceFeatures],
    ) -> np.ndarray:
        """Class probabilities ``(n, 3)`` in ``LABELS`` order, one row per window."""
        n = len(windows)
        if n == 0:
            return np.zeros((0, 3), dtype=np.float32)
        w = self.w
        # np.matmul (batched BLAS) throughout: einsum here cost more than the features.
        # Projections of each sentence's wordpieces, once per sentence for every member.
        proj: dict[int, np.ndarray] = {}
        for win in windows:
            if win.sentence not in proj:
                h = np.asarray(sents[win.sentence].hidden, dtype=np.float32)
                proj[win.sentence] = np.matmul(h[None], w["proj_w"]) + w["proj_b"][:, None, :]
        xp = _gelu(
            np.matmul(standardise(features, w)[None], w["xproj_w"]) + w["xproj_b"][:, None, :]
        )
        k, d = w["proj_w"].shape[0], w["proj_w"].shape[2]
        att_w = w["att_w"][:, :, None]
        pooled = np.zeros((k, n, 3 * d), dtype=np.float32)
        for i, win in enumerate(windows):
            p = proj[win.sentence][:, win.lo : win.hi]
            if p.shape[1] == 0:
                continue
            tgt = win.target
            z = p + w["tgt"][:, tgt.astype(np.int64)] + w["pos"][:, distance_buckets(tgt)]
            s = np.matmul(z, att_w)[:, :, 0] + w["att_b"][:, None]
            a = _softmax(s)
            pooled[:, i, d : 2 * d] = np.matmul(a[:, None, :], z)[:, 0]
            if tgt.any():
                pooled[:, i, :d] = z[:, tgt].mean(axis=1)
            pooled[:, i, 2 * d :] = z.max(axis=1)
        hid = _gelu(
            np.matmul(np.concatenate([pooled, xp], axis=2), w["out1_w"]) + w["out1_b"][:, None, :]
        )
        logits = np.matmul(hid, w["out2_w"]) + w["out2_b"][:, None, :]
        heads = _softmax(logits).mean(axis=0)
        lr = _softmax(standardise(features, w, clip=False) @ w["lr_coef"].T + w["lr_intercept"])
        return np.asarray((1.0 - LR_WEIGHT) * heads + LR_WEIGHT * lr, dtype=np.float32)


MODEL_DIR = "sentiment"
#: Arrays of the model file and the number of dimensions each has (members first).
MODEL_ARRAYS = {
    "mu": 1,
    "sd": 1,
    "keep": 1,
    "proj_w": 3,
    "proj_b": 2,
    "tgt": 3,
    "pos": 3,
    "att_w": 2,
    "att_b": 1,
    "xproj_w": 3,
    "xproj_b": 2,
    "out1_w": 3,
    "out1_b": 2,
    "out2_w": 3,
    "out2_b": 2,
    "lr_coef": 2,
    "lr_intercept": 1,
}


@functools.lru_cache(maxsize=1)
def load_model() -> SentimentModel:
    """The shipped model (``resources/sentiment/``), loaded once per process."""
    folder = resources.files("framelens.resources").joinpath(MODEL_DIR)
    retrain = "retrain it with `python scripts/train_sentiment.py --data ../shared/datasets`"
    try:
        with folder.joinpath("model.npz").open("rb") as fh:
            npz = np.load(fh)
            arrays = {k: npz[k].astype(np.float32) for k in npz.files}
        meta = json.loads(folder.joinpath("meta.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise ModelError(
            f"the targeted-sentiment model could not be read ({type(exc).__name__}: {exc})",
            fix=f"reinstall framelens, or {retrain}",
        ) from None
    bad = [k for k, nd in MODEL_ARRAYS.items() if k not in arrays or arrays[k].ndim != nd]
    if bad or arrays["mu"].shape != (FEATURE_DIM,):
        raise ModelError(
            f"the targeted-sentiment model file does not fit this version (arrays {bad or ['mu']})",
            fix=retrain,
        )
    return SentimentModel(arrays, meta)


def predict(
    text: str,
    doc: Doc,
    sents: Sequence[SentenceFeatures],
    spans: Sequence[tuple[int, int]],
) -> np.ndarray:
    """Probabilities ``(len(spans), 3)`` (``LABELS`` order) for mentions of ``text``."""
    if not spans:
        return np.zeros((0, 3), dtype=np.float32)
    if not sents:  # no sentence to read: no evidence either way
        return np.full((len(spans), 3), 1.0 / 3.0, dtype=np.float32)
    features = mention_features(text, doc, sents, spans)
    return load_model().predict_proba(features, mention_windows(sents, spans), sents)


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
