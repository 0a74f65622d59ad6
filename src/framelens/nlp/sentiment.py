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
standardised features above, blended with a logistic regression on those features and
with one on the mention's position-keyed bag of words (``bow_features``); trained by
``scripts/train_sentiment.py``, run in numpy from ``resources/sentiment/`` (see
``MODEL_CARD.md`` there).

**Two variants** (``VARIANTS``, setting ``portrayal_model``): ``minilm`` reads the MiniLM
wordpieces; ``fast`` is the same model trained on the spaCy parse's own token vectors
(``framelens.nlp.features.parse_features``) and needs no encoder pass.
"""

from __future__ import annotations

import functools
import json
import string
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..config import check_choice
from ..errors import ModelError
from .embedder import heads_folder
from .features import SentenceFeatures, parse_features
from .heads import gelu, load_weights, resource_file, softmax

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
DIM = 384  # MiniLM; the ``fast`` model reads the spaCy pipeline's 96-dimensional vectors


def feature_dim(dim: int) -> int:
    """Length of a ``mention_features`` row for token vectors of ``dim`` dimensions."""
    return 7 * dim + 3 + 6 + 6 + len(DEPS)


FEATURE_DIM = feature_dim(DIM)


@functools.lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@functools.lru_cache(maxsize=1)
def _vader_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """VADER's lexicon words and the characters it rewrites as emoji descriptions."""
    analyzer = _vader()
    return frozenset(analyzer.lexicon), frozenset(k for k in analyzer.emojis if len(k) == 1)


def _vader_scores(text: str) -> list[float]:
    return list(_vader_cached(text))


_PUNCTUATION = string.punctuation


@functools.lru_cache(maxsize=4096)
def _vader_cached(text: str) -> tuple[float, float, float]:
    # Governor words and clauses repeat across the mentions of an article.
    if not text.strip():
        return (0.0, 0.0, 0.0)
    # VADER gives a word a valence only when the word, lower-cased and with or without its
    # outer punctuation, is in its lexicon; a text with no such word and no emoji scores
    # zero, and most of a mention's left and right contexts are such texts. Answering
    # them here gives the same scores as the analyser at a twentieth of the cost.
    lexicon, emoji = _vader_vocabulary()
    if emoji.isdisjoint(text):
        for word in text.lower().split():
            if word in lexicon or word.strip(_PUNCTUATION) in lexicon:
                break
        else:
            return (0.0, 0.0, 0.0)
    s = _vader().polarity_scores(text)
    return (s["neg"], s["pos"], s["compound"])


def _vector_dim(sents: Sequence[SentenceFeatures]) -> int:
    for sf in sents:
        if np.ndim(sf.hidden) == 2:
            return int(np.shape(sf.hidden)[1])
    return DIM


def _sorted_ends(sents: Sequence[SentenceFeatures]) -> list[int] | None:
    """Each sentence's end, when they ascend (an article's sentences always do)."""
    ends = [s.end for s in sents]
    return ends if all(a <= b for a, b in pairwise(ends)) else None


def _sentence_index(
    sents: Sequence[SentenceFeatures], start: int, end: int, ends: Sequence[int] | None = None
) -> int:
    """Index of the sentence that holds most of ``[start, end)`` (first one on ties).

    ``ends`` (each sentence's end, ascending) lets the scan start near the mention instead
    of at the first sentence (a scan per mention from the start is quadratic): sentences
    wholly before the mention overlap it the less the earlier they end, so none before the
    first one ending where the last of them ends can win.
    """
    lo = 0
    if ends is not None:
        last_before = bisect_right(ends, start) - 1
        if last_before > 0:
            lo = bisect_left(ends, ends[last_before])
    best, overlap = 0, -1
    for i in range(lo, len(sents)):
        s = sents[i]
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


@dataclass(frozen=True)
class MentionSyntax:
    """What the parse says about one mention: its tokens (top token first), its governor
    (``None`` when inside the mention), the head its clause hangs from, and that clause."""

    toks: list[Token]
    gov: Token | None
    head: Token | None
    clause: list[Token]


def mention_syntax(doc: Doc, spans: Sequence[tuple[int, int]]) -> list[MentionSyntax]:
    """``MentionSyntax`` of each mention ``[start, end)``, read once for both feature sets."""
    out = []
    for start, end in spans:
        toks, gov = _governor(doc, start, end)
        if not toks:
            out.append(MentionSyntax([], None, None, []))
            continue
        head = gov if gov is not None else toks[0].head
        out.append(MentionSyntax(toks, gov, head, _clause(head, set(toks))))
    return out


def _rows_over(offsets: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Wordpieces (bool over ``offsets``) overlapping any of the ranges ``[starts, ends)``."""
    hit = (offsets[None, :, 0] < ends[:, None]) & (offsets[None, :, 1] > starts[:, None])
    return np.asarray(hit.any(axis=0), dtype=bool)


def mention_features(
    text: str,
    doc: Doc,
    sents: Sequence[SentenceFeatures],
    spans: Sequence[tuple[int, int]],
    syntax: Sequence[MentionSyntax] | None = None,
) -> np.ndarray:
    """Feature rows ``(len(spans), feature_dim(dim))`` for mentions ``[start, end)`` of
    ``text``, where ``dim`` is the width of the token vectors in ``sents``.

    ``doc`` is the spaCy parse of ``text``; ``sents`` its ``SentenceFeatures`` (absolute
    character offsets), from the MiniLM pass (``framelens.nlp.features.sentence_features``)
    or from the parse itself (``parse_features``); ``syntax`` the mentions'
    ``mention_syntax`` when the caller has it already.
    """
    dim = _vector_dim(sents)
    out = np.zeros((len(spans), feature_dim(dim)), dtype=np.float32)
    if not sents:
        return out
    if syntax is None:
        syntax = mention_syntax(doc, spans)
    sent_vader: dict[int, list[float]] = {}
    ends = _sorted_ends(sents)
    # Column blocks of a row, in order: target, context, window, peak, pooled (dim each),
    # then the VADER triples (sentence, left, right, governor, clause), the relation
    # one-hot, the governor and clause vectors.
    lex = 5 * dim
    rel = lex + 15
    for row, (start, end) in enumerate(spans):
        sf = sents[_sentence_index(sents, start, end, ends)]
        h = np.asarray(sf.hidden, dtype=np.float32)
        n = len(h)
        r = out[row]
        hit = (sf.offsets[:, 0] < end) & (sf.offsets[:, 1] > start) if n else np.zeros(0, bool)
        idx = np.flatnonzero(hit)
        rest = ~hit
        any_rest = len(idx) < n
        if len(idx):
            r[:dim] = h[hit].mean(axis=0)
        if any_rest:
            others = h[rest]
            r[dim : 2 * dim] = others.mean(axis=0)
            r[3 * dim : 4 * dim] = others.max(axis=0)
        if len(idx):
            pos = np.arange(n)
            dist = np.minimum(np.abs(pos - idx[0]), np.abs(pos - idx[-1]))
            w = np.exp(-dist / WINDOW_TAU) * rest
            r[2 * dim : 3 * dim] = (h * w[:, None]).sum(axis=0) / max(float(w.sum()), 1e-6)
        else:
            r[2 * dim : 3 * dim] = r[dim : 2 * dim]
        r[4 * dim : lex] = sf.pooled
        if sf.start not in sent_vader:
            sent_vader[sf.start] = _vader_scores(text[sf.start : sf.end])
        r[lex : lex + 3] = sent_vader[sf.start]
        r[lex + 3 : lex + 6] = _vader_scores(text[sf.start : max(start, sf.start)])
        r[lex + 6 : lex + 9] = _vader_scores(text[min(end, sf.end) : sf.end])
        syn = syntax[row]
        if not syn.toks:
            continue
        top, gov, head = syn.toks[0], syn.gov, syn.head
        r[rel + (DEPS.index(top.dep_) if top.dep_ in DEPS else len(DEPS) - 1)] = 1.0
        at = rel + len(DEPS)
        if gov is not None and n:
            g0, g1 = gov.idx, gov.idx + len(gov)
            gh = (sf.offsets[:, 0] < g1) & (sf.offsets[:, 1] > g0)
            if gh.any():
                r[at : at + dim] = h[gh].mean(axis=0)
        if n and syn.clause:
            t0 = np.fromiter((t.idx for t in syn.clause), dtype=np.int64, count=len(syn.clause))
            t1 = t0 + np.fromiter(
                (len(t) for t in syn.clause), dtype=np.int64, count=len(syn.clause)
            )
            ch = _rows_over(sf.offsets, t0, t1) & rest
            if ch.any():
                r[at + dim : at + 2 * dim] = h[ch].mean(axis=0)
        assert head is not None
        r[lex + 9 : lex + 12] = _vader_scores(head.text)
        r[lex + 12 : lex + 15] = _vader_scores(" ".join(t.text for t in syn.clause))
    return out


#: Characters left and right of a mention whose words are its ``L:``/``R:`` bag-of-words.
BOW_REACH = 40


def bow_features(
    doc: Doc,
    sents: Sequence[SentenceFeatures],
    spans: Sequence[tuple[int, int]],
    syntax: Sequence[MentionSyntax] | None = None,
) -> list[set[str]]:
    """The bag-of-words of each mention, words keyed by where they stand: ``S:`` the
    sentence, ``L:``/``R:`` within ``BOW_REACH`` characters left/right, ``C:`` the clause,
    ``G:`` the governor, ``D:`` the mention's dependency relation and ``GD:`` relation and
    governor together (lower-case lemmas; the mention's own words and punctuation left
    out). What both models' sparse regression reads: "praised", "accused of" and "for
    looting" near a mention, which the dense features blur (dev F1m +0.02 with MiniLM,
    +0.05 with the parse vectors).
    """
    out: list[set[str]] = []
    ends = _sorted_ends(sents)
    if syntax is None:
        syntax = mention_syntax(doc, spans)
    # Per sentence, its words once: (token, start, end, lower-case lemma).
    words: dict[int, list[tuple[Token, int, int, str]]] = {}
    for (start, end), syn in zip(spans, syntax, strict=True):
        si = _sentence_index(sents, start, end, ends) if sents else -1
        if si not in words:
            sent = (
                doc.char_span(sents[si].start, sents[si].end, alignment_mode="expand")
                if si >= 0
                else None
            )
            words[si] = [
                (t, t.idx, t.idx + len(t), t.lemma_.lower())
                for t in sent or []
                if not (t.is_punct or t.is_space)
            ]
        inside = set(syn.toks)
        f: set[str] = set()
        for t, t0, t1, w in words[si]:
            if t in inside:
                continue
            f.add("S:" + w)
            if t1 <= start and start - t0 < BOW_REACH:
                f.add("L:" + w)
            if t0 >= end and t0 - end < BOW_REACH:
                f.add("R:" + w)
        if syn.toks and syn.head is not None:
            lemma = syn.head.lemma_.lower()
            dep = syn.toks[0].dep_
            f.update(("G:" + lemma, "D:" + dep, f"GD:{dep}:{lemma}"))
            f.update("C:" + t.lemma_.lower() for t in syn.clause if not t.is_punct)
        out.append(f)
    return out


@dataclass(frozen=True)
class BowRegression:
    """Multinomial logistic regression over ``bow_features`` (binary, one column per
    feature of ``vocab``), run as a sum of coefficient columns."""

    vocab: Mapping[str, int]
    coef: np.ndarray  # (3, len(vocab))
    intercept: np.ndarray  # (3,)

    def predict_proba(self, bags: Sequence[set[str]]) -> np.ndarray:
        logits = np.tile(self.intercept, (len(bags), 1)).astype(np.float32)
        for i, bag in enumerate(bags):
            # Sorted: a set's order changes with the string hash seed, and so would the
            # float sum (in the last bit) from one process to the next.
            cols = sorted(self.vocab[w] for w in bag if w in self.vocab)
            if cols:
                logits[i] += self.coef[:, cols].sum(axis=1)
        return softmax(logits)


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
    ends = _sorted_ends(sents)
    for start, end in spans:
        si = _sentence_index(sents, start, end, ends)
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
    #: The ``fast`` model's sparse regression, blended in with weight ``bow_weight``.
    bow: BowRegression | None = None
    bow_weight: float = 0.0

    @property
    def members(self) -> int:
        return int(self.w["proj_w"].shape[0])

    def predict_proba(
        self,
        features: np.ndarray,
        windows: Sequence[Window],
        sents: Sequence[SentenceFeatures],
        bags: Sequence[set[str]] | None = None,
    ) -> np.ndarray:
        """Class probabilities ``(n, 3)`` in ``LABELS`` order, one row per window
        (``bags``: the mentions' ``bow_features``, read when the model has ``bow``)."""
        n = len(windows)
        if n == 0:
            return np.zeros((0, 3), dtype=np.float32)
        w = self.w
        k, d = w["proj_w"].shape[0], w["proj_w"].shape[2]
        # One batched product over every sentence a mention is in, not one per sentence.
        used = sorted({win.sentence for win in windows})
        base: dict[int, int] = {}
        rows = 0
        for i in used:
            base[i] = rows
            rows += len(sents[i].hidden)
        hidden = np.concatenate(
            [
                np.asarray(sents[i].hidden, dtype=np.float32).reshape(-1, w["proj_w"].shape[1])
                for i in used
            ]
        )
        proj = np.matmul(hidden[None], w["proj_w"]) + w["proj_b"][:, None, :]
        z_all = standardise(features, w, clip=False)
        xp = np.matmul(np.clip(z_all, -8.0, 8.0)[None], w["xproj_w"])
        xp = gelu(xp + w["xproj_b"][:, None, :])
        att_w = w["att_w"][:, :, None]
        pooled = np.zeros((k, n, 3 * d), dtype=np.float32)
        for i, win in enumerate(windows):
            if win.hi <= win.lo:
                continue
            at = base[win.sentence]
            p = proj[:, at + win.lo : at + win.hi]
            tgt = win.target
            z = p + w["tgt"][:, tgt.astype(np.int64)] + w["pos"][:, distance_buckets(tgt)]
            s = np.matmul(z, att_w)[:, :, 0] + w["att_b"][:, None]
            a = softmax(s)
            pooled[:, i, d : 2 * d] = np.matmul(a[:, None, :], z)[:, 0]
            if tgt.any():
                pooled[:, i, :d] = z[:, tgt].mean(axis=1)
            pooled[:, i, 2 * d :] = z.max(axis=1)
        hid = gelu(
            np.matmul(np.concatenate([pooled, xp], axis=2), w["out1_w"]) + w["out1_b"][:, None, :]
        )
        logits = np.matmul(hid, w["out2_w"]) + w["out2_b"][:, None, :]
        heads = softmax(logits).mean(axis=0)
        lr = softmax(z_all @ w["lr_coef"].T + w["lr_intercept"])
        dense = (1.0 - LR_WEIGHT) * heads + LR_WEIGHT * lr
        if self.bow is not None:
            if bags is None or len(bags) != n:
                raise ValueError("this model reads bow_features: pass one bag per window")
            dense = (1.0 - self.bow_weight) * dense + self.bow_weight * self.bow.predict_proba(bags)
        return np.asarray(dense, dtype=np.float32)


#: The shipped models, by the ``portrayal_model`` setting: the folder under ``resources``
#: and the token vectors each reads. ``minilm`` reads the shared MiniLM pass; ``fast`` the
#: spaCy pipeline's own vectors (``framelens.nlp.features.parse_features``), so it needs no
#: encoder pass at all.
VARIANTS = {"minilm": "sentiment", "fast": "sentiment-fast"}
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


def check_variant(variant: str) -> str:
    """``variant`` when it names a shipped model, else a ``ConfigError`` that lists them."""
    return check_choice("portrayal_model", variant, VARIANTS, "a shipped sentiment model")


def load_model(variant: str = "minilm", encoder: str = "tuned") -> SentimentModel:
    """The shipped model of ``variant`` (``resources/sentiment*/``; the ``minilm`` one
    trained on ``encoder``'s vectors), loaded once per process."""
    where = VARIANTS[check_variant(variant)]
    if variant == "minilm":
        where = heads_folder(where, encoder)
    return _load_model(variant, where)


@functools.lru_cache(maxsize=2 * len(VARIANTS))
def _load_model(variant: str, where: str) -> SentimentModel:
    """One model per folder: the ``fast`` one is the same whatever the encoder."""
    folder = resources.files("framelens.resources").joinpath(where)
    retrain = (
        "retrain it with `python scripts/train_sentiment.py --data ../shared/datasets"
        + ("" if variant == "minilm" else f" --variant {variant}")
        + "`"
    )
    arrays = load_weights(
        resource_file(where, "model.npz"),
        model=f"targeted-sentiment ({variant})",
        fix=f"reinstall framelens, or {retrain}",
    )
    try:
        meta = json.loads(folder.joinpath("meta.json").read_text(encoding="utf-8"))
        bow = None
        if "bow_coef" in arrays:
            vocab = json.loads(folder.joinpath("bow.json").read_text(encoding="utf-8"))
            bow = BowRegression(
                {w: i for i, w in enumerate(vocab)}, arrays["bow_coef"], arrays["bow_intercept"]
            )
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise ModelError(
            f"the targeted-sentiment model could not be read ({type(exc).__name__}: {exc})",
            fix=f"reinstall framelens, or {retrain}",
        ) from None
    bad = [k for k, nd in MODEL_ARRAYS.items() if k not in arrays or arrays[k].ndim != nd]
    if not bad and arrays["mu"].shape != (feature_dim(arrays["proj_w"].shape[1]),):
        bad = ["mu"]
    if bad:
        raise ModelError(
            f"the targeted-sentiment model file does not fit this version (arrays {bad})",
            fix=retrain,
        )
    if bow is not None and bow.coef.shape != (3, len(bow.vocab)):
        raise ModelError(
            "the bag-of-words regression does not match its vocabulary (bow.json)", fix=retrain
        )
    return SentimentModel(arrays, meta, bow, float(meta.get("bow_weight", 0.0)))


def predict(
    text: str,
    doc: Doc,
    sents: Sequence[SentenceFeatures],
    spans: Sequence[tuple[int, int]],
    variant: str = "minilm",
    encoder: str = "tuned",
) -> np.ndarray:
    """Probabilities ``(len(spans), 3)`` (``LABELS`` order) for mentions of ``text``.

    ``sents`` are the token vectors ``variant`` reads: the encoder's pass for ``minilm``
    (the heads trained on ``encoder``'s vectors), ``parse_features(doc)`` for ``fast``.
    """
    if not spans:
        return np.zeros((0, 3), dtype=np.float32)
    if not sents:  # no sentence to read: no evidence either way
        return np.full((len(spans), 3), 1.0 / 3.0, dtype=np.float32)
    model = load_model(variant, encoder)
    want, have = int(model.w["proj_w"].shape[1]), _vector_dim(sents)
    if want != have:
        raise ModelError(
            f"the {variant!r} sentiment model reads {want}-dimensional token vectors, "
            f"these have {have}",
            fix="use the spaCy pipeline and embedder the model was trained with "
            f"({model.meta.get('vectors', 'see its MODEL_CARD.md')}), or retrain it",
        )
    syntax = mention_syntax(doc, spans)
    features = mention_features(text, doc, sents, spans, syntax)
    bags = bow_features(doc, sents, spans, syntax) if model.bow is not None else None
    return model.predict_proba(features, mention_windows(sents, spans), sents, bags)


def encode_texts(
    texts: Sequence[str], embedder_spec: str = "tuned"
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


def parse_texts(docs: Sequence[Doc]) -> list[list[SentenceFeatures]]:
    """``parse_features`` of standalone texts, each read as one sentence (as ``encode_texts``
    reads them): the ``fast`` model's input in the eval and the training script."""
    return [parse_features(doc, [(0, len(doc.text))]) for doc in docs]
