"""Techniques v4: the 14 persuasion techniques of PTC (SemEval-2020 Task 11), by span.

Two small networks on the shared MiniLM wordpiece vectors
(``nlp.features.sentence_features``, computed once per article), plus cue features
from the team's lexicon (``resources/lexicons/techniques.toml``), capitals, quotes and
article-level repetition:

- **span finder** (SI): an MLP tags every wordpiece Outside/Begin/Inside from its own
  vector, its neighbours', its sentence's and the article's; runs of likely wordpieces
  become spans by hysteresis decoding (``decode_runs``), widened to whole spaCy tokens
  and trimmed of the characters PTC never starts or ends a span with.
- **span labeller** (TC): an MLP classifies each span into the 14 techniques from its
  pooled wordpiece vectors (mean, max, first, last), its sentence, the article, and span
  features (length, how often the span's text recurs in the article, cue rates), mixed
  with a model of the span's own words, then divided by each technique's share of PTC
  train raised to ``tc_prior_tau`` (``SpanLabeller``), so rare techniques are named.
  ``TechniquesAnalyzer.classify_spans`` labels any given spans (the PTC eval uses it).

Both are small ensembles trained by ``scripts/train_techniques.py`` on PTC train and
shipped as int8/float16 arrays in ``resources/techniques/`` (see its ``MODEL_CARD.md``);
they run in numpy: no torch at analysis time.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import math
import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

import numpy as np

from ..context import Context
from ..errors import ModelError
from ..model import Span, Technique, TechniqueSummary
from ..nlp.embedder import heads_folder
from ..nlp.heads import MLPEnsemble, dense, gelu, load_weights, resource_file, softmax
from ..text.quote_marks import balance_quotes
from .base import Analyzer, analyzers

#: The 14 classes of SemEval-2020 Task 11, spelled as in the PTC label files.
TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)

#: Cue families of the lexicon, in feature order.
CUE_FAMILIES: tuple[str, ...] = (
    "loaded",
    "name_calling",
    "flag_waving",
    "fear",
    "doubt",
    "exaggeration",
    "cliche",
    "bandwagon",
    "black_white",
    "causal",
    "authority",
    "whataboutism",
)

CUE_N = len(CUE_FAMILIES)

#: Characters PTC v2 never lets a span start or end with (the organisers' trimming rule).
BOUNDARY_CHARS = " \n.,:;"

_WORD = re.compile(r"\w")
_QUOTED = re.compile(r"[\"“”]([^\"“”\n]{1,300}?)[\"“”]|‘([^‘’\n]{1,300}?)’")


# ---- lexicon ----------------------------------------------------------------------


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, frozenset[str]]  # family -> single lowercase words
    phrases: dict[str, tuple[tuple[str, ...], ...]]  # family -> multi-word phrases
    pairs: tuple[tuple[str, str], ...]  # mirrored terms (symmetry)

    def families_of(self, term: str) -> set[str]:
        """Families whose terms include ``term`` (a lowercase word or phrase)."""
        parts = tuple(_split_phrase(term))
        if len(parts) == 1:
            return {f for f, ws in self.words.items() if parts[0] in ws}
        return {f for f, ps in self.phrases.items() if parts in ps}


def _split_phrase(term: str) -> list[str]:
    # The same split spaCy makes on these phrases: words, with "-" and "'s" kept apart.
    return re.findall(r"\w+(?:[-']\w+)*|[^\w\s]", term.lower())


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The bundled cue lexicon (``resources/lexicons/techniques.toml``), loaded once."""
    path = resources.files("framelens.resources").joinpath("lexicons/techniques.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(
            f"technique lexicon could not be read ({exc})",
            fix="reinstall framelens; resources/lexicons/techniques.toml is part of the package",
        ) from None
    words: dict[str, frozenset[str]] = {}
    phrases: dict[str, tuple[tuple[str, ...], ...]] = {}
    for fam in CUE_FAMILIES:
        terms = [str(t).lower() for t in data.get(fam, {}).get("terms", [])]
        split = [tuple(_split_phrase(t)) for t in terms]
        words[fam] = frozenset(p[0] for p in split if len(p) == 1)
        phrases[fam] = tuple(sorted({p for p in split if len(p) > 1}))
    pairs = tuple((str(a), str(b)) for a, b in data.get("symmetry", {}).get("pairs", []))
    return Lexicon(words, phrases, pairs)


# ---- per-article inputs -------------------------------------------------------------


@dataclass(frozen=True)
class Tok:
    """A spaCy token as the features see it (also built from cached parses in training)."""

    start: int
    end: int
    lower: str
    lemma: str
    is_stop: bool


def doc_tokens(doc: Any) -> list[Tok]:
    """``Tok`` rows of a spaCy ``Doc`` (whitespace tokens dropped)."""
    return [
        Tok(t.idx, t.idx + len(t.text), t.lower_, t.lemma_.lower(), bool(t.is_stop))
        for t in doc
        if not t.is_space
    ]


class SentenceLike(Protocol):
    start: int
    end: int
    hidden: np.ndarray
    offsets: np.ndarray
    pooled: np.ndarray


#: Per-token features: cue families, then the shape/quote/repetition features below.
TOKEN_FEATURES = (
    *CUE_FAMILIES,
    "all_caps",
    "capitalised",
    "in_quotes",
    "in_scare_quotes",
    "lemma_repeats",
    "bigram_repeats",
    "exclamation",
    "question",
)
#: Per-wordpiece features added to the token ones.
PIECE_FEATURES = (
    "sent_exclamation",
    "sent_question",
    "sent_position",
    "is_title",
    "word_start",
    "position_in_sentence",
    "sent_quoted_share",
)
N_EXTRA = len(TOKEN_FEATURES) + len(PIECE_FEATURES)


def token_features(text: str, toks: Sequence[Tok], lexicon: Lexicon) -> np.ndarray:
    """(n_tokens, len(TOKEN_FEATURES)) cue, shape, quote and repetition features."""
    n = len(toks)
    f = np.zeros((n, len(TOKEN_FEATURES)), dtype=np.float32)
    if n == 0:
        return f
    lowers = [t.lower for t in toks]
    # Where each word occurs: a phrase is tried only where its first word is (every
    # phrase at every token cost 5 ms an article).
    at: dict[str, list[int]] = {}
    for i, w in enumerate(lowers):
        at.setdefault(w, []).append(i)
    for j, fam in enumerate(CUE_FAMILIES):
        ws = lexicon.words[fam]
        hits = [i for i, t in enumerate(toks) if t.lower in ws or t.lemma in ws]
        f[hits, j] = 1.0
        for ph in lexicon.phrases[fam]:
            k = len(ph)
            for i in at.get(ph[0], ()):
                if i <= n - k and tuple(lowers[i : i + k]) == ph:
                    f[i : i + k, j] = 1.0
    base = len(CUE_FAMILIES)
    content = [bool(_WORD.search(t.lower)) and not t.is_stop for t in toks]
    lemma_count = Counter(t.lemma for t, c in zip(toks, content, strict=True) if c)
    bigrams = [(toks[i].lemma, toks[i + 1].lemma) for i in range(n - 1)]
    bigram_count = Counter(b for i, b in enumerate(bigrams) if content[i] or content[i + 1])
    # Quoted stretches; short ones (at most 4 words) are likely scare quotes.
    quoted = np.zeros(len(text) + 1, dtype=np.int8)
    for m in _QUOTED.finditer(text):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        level = 2 if len(inner.split()) <= 4 else 1
        quoted[m.start() : m.end()] = np.maximum(quoted[m.start() : m.end()], level)
    for i, t in enumerate(toks):
        word = text[t.start : t.end]
        if len(word) >= 2 and word.isalpha() and word.isupper():
            f[i, base] = 1.0
        if word[:1].isupper():
            f[i, base + 1] = 1.0
        q = int(quoted[t.start])
        f[i, base + 2] = 1.0 if q >= 1 else 0.0
        f[i, base + 3] = 1.0 if q == 2 else 0.0
        if content[i]:
            f[i, base + 4] = math.log1p(lemma_count[t.lemma] - 1)
        if i < n - 1 and bigram_count.get(bigrams[i], 0) > 1:
            f[i, base + 5] = math.log1p(bigram_count[bigrams[i]] - 1)
        f[i, base + 6] = 1.0 if "!" in word else 0.0
        f[i, base + 7] = 1.0 if "?" in word else 0.0
    return f


@dataclass
class ArticleInputs:
    """Everything the heads read for one article, one row per wordpiece."""

    x: np.ndarray  # (n, 384 + N_EXTRA) float32
    offsets: np.ndarray  # (n, 2) absolute character offsets
    sent_of: np.ndarray  # (n,) index of the sentence each wordpiece is in
    sent_bounds: np.ndarray  # (n_sents, 2) character offsets of sentences
    sent_rows: np.ndarray  # (n_sents, 2) row range of each sentence
    article_vec: np.ndarray  # (384,) mean of the sentence embeddings
    tok_feats: np.ndarray  # (n_tokens, len(TOKEN_FEATURES))
    toks: Sequence[Tok]
    tok_starts: list[int]
    text: str
    norm_text: str  # lowercased, whitespace collapsed (for verbatim recurrence)


def build_inputs(
    text: str, toks: Sequence[Tok], sents: Sequence[SentenceLike], lexicon: Lexicon
) -> ArticleInputs:
    """Wordpiece rows of an article: MiniLM vectors + token and sentence features."""
    tok_feats = token_features(text, toks, lexicon)
    tok_starts = [t.start for t in toks]
    starts = np.array(tok_starts, dtype=np.int64)
    ends = np.array([t.end for t in toks], dtype=np.int64)
    dim = 384
    hid, offs, sent_of, extra = [], [], [], []
    sent_rows = np.zeros((len(sents), 2), dtype=np.int64)
    n_sents = max(len(sents), 1)
    row = 0
    for si, s in enumerate(sents):
        h = np.asarray(s.hidden, dtype=np.float32)
        o = np.asarray(s.offsets, dtype=np.int64).reshape(-1, 2)
        k = len(o)
        sent_rows[si] = (row, row + k)
        row += k
        if k == 0:
            continue
        dim = h.shape[1]
        stext = text[s.start : s.end]
        e = np.zeros((k, N_EXTRA), dtype=np.float32)
        # Token of each wordpiece: the last token starting at or before the piece.
        ti = np.maximum(np.searchsorted(starts, o[:, 0], side="right") - 1, 0)
        has_tok = (starts[ti] <= o[:, 0]) & (o[:, 0] < ends[ti]) if len(toks) else ti < 0
        if len(toks):
            e[:, : len(TOKEN_FEATURES)] = tok_feats[ti] * has_tok[:, None]
        b = len(TOKEN_FEATURES)
        e[:, b] = 1.0 if "!" in stext else 0.0
        e[:, b + 1] = 1.0 if "?" in stext else 0.0
        e[:, b + 2] = si / n_sents
        e[:, b + 3] = 1.0 if si == 0 else 0.0
        prev_end = np.concatenate([[-1], o[:-1, 1]])
        e[:, b + 4] = (o[:, 0] != prev_end).astype(np.float32)
        e[:, b + 5] = np.arange(k) / max(k - 1, 1)
        e[:, b + 6] = float(tok_feats[ti, CUE_N + 2].mean()) if len(toks) else 0.0
        hid.append(h)
        offs.append(o)
        sent_of.append(np.full(k, si, dtype=np.int64))
        extra.append(e)
    if hid:
        x = np.concatenate([np.concatenate(hid), np.concatenate(extra)], axis=1)
        offsets = np.concatenate(offs)
        sent_idx = np.concatenate(sent_of)
    else:
        x = np.zeros((0, dim + N_EXTRA), dtype=np.float32)
        offsets = np.zeros((0, 2), dtype=np.int64)
        sent_idx = np.zeros(0, dtype=np.int64)
    pooled = [np.asarray(s.pooled, dtype=np.float32) for s in sents]
    art = np.mean(pooled, axis=0) if pooled else np.zeros(dim, dtype=np.float32)
    art = art / max(float(np.linalg.norm(art)), 1e-12)
    return ArticleInputs(
        x=x.astype(np.float32),
        offsets=offsets,
        sent_of=sent_idx,
        sent_bounds=np.array([(s.start, s.end) for s in sents], dtype=np.int64).reshape(-1, 2),
        sent_rows=sent_rows,
        article_vec=art.astype(np.float32),
        tok_feats=tok_feats,
        toks=toks,
        tok_starts=tok_starts,
        text=text,
        norm_text=_norm(text),
    )


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def span_features(inp: ArticleInputs, start: int, end: int) -> np.ndarray:
    """Features of one character span: length, recurrence in the article, cue rates."""
    text = inp.text
    surface = text[start:end]
    lo = bisect.bisect_left(inp.tok_starts, start)
    hi = bisect.bisect_left(inp.tok_starts, end)
    n_tok = max(hi - lo, 1)
    words = len(surface.split())
    norm = _norm(surface)
    # Where else the span's words occur verbatim (Repetition's main cue), before and after it.
    earlier = later = 0
    if norm:
        own = len(_norm(text[:start])) + (1 if start > 0 and text[:start].strip() else 0)
        for m in re.finditer(r"(?<!\w)" + re.escape(norm) + r"(?!\w)", inp.norm_text):
            if m.start() < own - 1:
                earlier += 1
            elif m.start() > own + 1:
                later += 1
    tf = inp.tok_feats[lo:hi] if hi > lo else np.zeros((1, len(TOKEN_FEATURES)), np.float32)
    si = np.searchsorted(inp.sent_bounds[:, 1], start, side="right") if len(inp.sent_bounds) else 0
    si = min(int(si), max(len(inp.sent_bounds) - 1, 0))
    if len(inp.sent_bounds):
        sa, sb = inp.sent_bounds[si]
        sent_len = max(int(sb - sa), 1)
    else:
        sa, sent_len = 0, max(len(text), 1)
    f = [
        math.log1p(end - start),
        math.log1p(words),
        math.log1p(earlier + later),
        1.0 if earlier + later > 0 else 0.0,
        math.log1p(earlier),
        math.log1p(later),
        min((end - start) / sent_len, 1.0),
        1.0 if start <= sa + 1 else 0.0,
        1.0 if "?" in surface else 0.0,
        1.0 if "!" in surface else 0.0,
        1.0 if any(q in surface for q in '"“”') else 0.0,
        1.0 if surface[:1].isupper() else 0.0,
        1.0 if words <= 1 else 0.0,
        start / max(len(text), 1),
        math.log1p(n_tok),
    ]
    return np.concatenate([np.asarray(f, dtype=np.float32), tf.mean(axis=0), tf.max(axis=0)])


def span_set_features(text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """How each span relates to the OTHER spans being labelled together (same article).

    Same text as another span (a repeated phrase), overlapping others, containing a
    shorter one (a clause around a loaded word) or lying inside a longer one.
    """
    norms = [_norm(text[s:e]) for s, e in spans]
    same = Counter(norms)
    out = np.zeros((len(spans), 4), dtype=np.float32)
    for i, (s, e) in enumerate(spans):
        overlap = contains = inside = 0
        for j, (s2, e2) in enumerate(spans):
            if j == i or (s2, e2) == (s, e) or s2 >= e or e2 <= s:
                continue
            overlap += 1
            if s <= s2 and e2 <= e:
                contains = 1
            if s2 <= s and e <= e2:
                inside = 1
        out[i] = (math.log1p(same[norms[i]] - 1), math.log1p(overlap), contains, inside)
    return out


N_SPAN_FEATURES = 15 + 2 * len(TOKEN_FEATURES) + 4


# ---- model inputs ---------------------------------------------------------------------


def si_rows(inp: ArticleInputs, k: int = 1, lo: int = 0, hi: int | None = None) -> np.ndarray:
    """Span-finder input of every wordpiece: itself, ``k`` neighbours each side (zeros
    across a sentence boundary), its sentence's mean row and the article vector.

    ``lo``/``hi``: only rows ``[lo, hi)``, which must start and end at sentence
    boundaries (neighbours never cross one, so the rows are those of the whole matrix).
    """
    x = inp.x[lo:hi]
    n = len(x)
    so = inp.sent_of[lo:hi]
    parts = [x]
    for d in range(1, k + 1):
        prev = np.zeros_like(x)
        nxt = np.zeros_like(x)
        if n > d:
            same = so[d:] == so[:-d]
            prev[d:] = x[:-d] * same[:, None]
            nxt[:-d] = x[d:] * same[:, None]
        parts += [prev, nxt]
    sent_mean = np.zeros_like(x)
    for a, b in inp.sent_rows:
        if b > a and lo <= a and (hi is None or b <= hi):
            sent_mean[a - lo : b - lo] = x[a - lo : b - lo].mean(axis=0)
    parts += [sent_mean, np.repeat(inp.article_vec[None, :], n, axis=0)]
    return np.concatenate(parts, axis=1).astype(np.float32, copy=False)


class FoldedSpanFinder:
    """The span finder's ensemble (``MLPEnsemble`` over ``si_rows``) computed without
    building ``si_rows``: the same probabilities, 40 % fewer multiplications.

    ``si_rows`` repeats each wordpiece's row as its neighbours' neighbour and its
    sentence's mean on every row of the sentence. The first layer is linear, so it splits
    by input block: the standardisation is folded into the weights, every row goes
    through the own/previous/next blocks once (one matrix product for all members), the
    sentence block once per sentence and the article block once per article, and the
    shifted products are added where ``si_rows`` would have put the neighbour.
    """

    def __init__(self, net: MLPEnsemble, d: int, k: int):
        self.d, self.k = d, k
        n_self = 2 * k + 1  # the row itself, then (previous, next) for each distance
        blocks = [slice(j * d, (j + 1) * d) for j in range(n_self + 1)]
        art = slice((n_self + 1) * d, None)
        mu, sd = net.mu.astype(np.float64), net.sd.astype(np.float64)
        rows, sent, arts, bias = [], [], [], []
        self.second = []
        for w1, b1, w2, b2 in net.members:
            w = w1.astype(np.float64) / sd[:, None]
            bias.append(b1 - (mu / sd) @ w1.astype(np.float64))
            rows.append(np.concatenate([w[blk] for blk in blocks[:n_self]], axis=1))
            sent.append(w[blocks[n_self]])
            arts.append(w[art])
            self.second.append((w2, b2))
        self.hidden = int(net.members[0][0].shape[1])
        self.members = len(net.members)
        # (d, members * n_self * hidden): one product for every member and block.
        self.w_rows = np.concatenate(rows, axis=1).astype(np.float32)
        self.w_sent = np.concatenate(sent, axis=1).astype(np.float32)
        self.w_art = np.concatenate(arts, axis=1).astype(np.float32)
        self.bias = np.concatenate(bias).astype(np.float32)

    def __call__(self, inp: ArticleInputs, lo: int, hi: int) -> np.ndarray:
        """Probabilities (hi - lo, 3) of rows ``[lo, hi)`` (sentence boundaries)."""
        x = inp.x[lo:hi]
        n, m, h, k = len(x), self.members, self.hidden, self.k
        so = inp.sent_of[lo:hi]
        p = dense(x, self.w_rows, 0.0).reshape(n, m, 2 * k + 1, h)
        first = p[:, :, 0, :] + self.bias.reshape(m, h)
        for dist in range(1, k + 1):
            if n > dist:
                same = (so[dist:] == so[:-dist])[:, None, None]
                first[dist:] += p[:-dist, :, 2 * dist - 1, :] * same
                first[:-dist] += p[dist:, :, 2 * dist, :] * same
        sents = [(a - lo, b - lo) for a, b in inp.sent_rows if b > a and lo <= a and b <= hi]
        if sents:
            means = np.stack([x[a:b].mean(axis=0) for a, b in sents])
            per_sent = dense(means, self.w_sent, 0.0).reshape(len(sents), m, h)
            for (a, b), v in zip(sents, per_sent, strict=True):
                first[a:b] += v
        first += dense(inp.article_vec[None, :], self.w_art, 0.0).reshape(1, m, h)
        act = gelu(first)
        out = np.zeros((n, 3), dtype=np.float32)
        for j, (w2, b2) in enumerate(self.second):
            out += softmax(dense(act[:, j, :], w2, b2))
        result: np.ndarray = out / m
        return result


def span_rows(inp: ArticleInputs, start: int, end: int) -> np.ndarray:
    """Wordpiece rows overlapping ``[start, end)`` (the nearest row if none does)."""
    rows = np.flatnonzero((inp.offsets[:, 0] < end) & (inp.offsets[:, 1] > start))
    if len(rows) == 0:
        rows = np.array([min(int(np.searchsorted(inp.offsets[:, 0], start)), len(inp.x) - 1)])
    return rows


def tc_rows(inp: ArticleInputs, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """Span-labeller input of each span: mean, max, first and last wordpiece rows, the
    mean row of its sentence, the article vector and ``span_features``."""
    x = inp.x
    f = x.shape[1]
    out = []
    for s, e in spans:
        if len(x) == 0:
            pooled = np.zeros(5 * f, dtype=np.float32)
        else:
            rows = span_rows(inp, s, e)
            v = x[rows]
            a, b = inp.sent_rows[int(inp.sent_of[rows[0]])]
            ctx = x[a:b].mean(axis=0) if b > a else v.mean(axis=0)
            pooled = np.concatenate([v.mean(axis=0), v.max(axis=0), v[0], v[-1], ctx])
        out.append(np.concatenate([pooled, inp.article_vec, span_features(inp, s, e)]))
    if not out:
        return np.zeros((0, 5 * f + len(inp.article_vec) + N_SPAN_FEATURES), dtype=np.float32)
    return np.concatenate([np.stack(out), span_set_features(inp.text, spans)], axis=1).astype(
        np.float32
    )


# ---- the numpy networks (run by framelens.nlp.heads) -----------------------------------

#: What to do when the shipped weights are missing or broken.
RETRAIN = "reinstall framelens, or retrain it with `make train-techniques`"


_WORD_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def char_ngrams(text: str, lo: int = 2, hi: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space (sklearn's ``char_wb``)."""
    out: list[str] = []
    for word in text.lower().split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            out.extend(w[i : i + n] for i in range(max(len(w) - n + 1, 1)))
            if len(w) <= n:  # a short word counts once, as in sklearn
                break
    return out


def word_ngrams(text: str) -> list[str]:
    """Word unigrams and bigrams (words of two or more characters, lowercased)."""
    words = _WORD_TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


class SpanTextModel:
    """Logistic regression on sublinear TF-IDF n-grams of the span's own text.

    Complements the MLP: MiniLM vectors are uncased and semantic, this sees the exact
    wording. Vocabularies in ``tc_text.json``, idf/coefficients in the weights.
    """

    def __init__(self, vocab: dict[str, list[str]], w: dict[str, np.ndarray]):
        self.index = {kind: {g: i for i, g in enumerate(vocab[kind])} for kind in ("char", "word")}
        self.idf = {kind: w[f"tct.idf_{kind}"] for kind in ("char", "word")}
        self.coef = w["tct.coef"]  # (n_char + n_word, n_labels)
        self.bias = w["tct.bias"]

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """Dense TF-IDF rows (char block, then word block; each block L2-normalised)."""
        n_char = len(self.index["char"])
        x = np.zeros((len(texts), n_char + len(self.index["word"])), dtype=np.float32)
        for r, text in enumerate(texts):
            for kind, grams, off in (
                ("char", char_ngrams(text), 0),
                ("word", word_ngrams(text), n_char),
            ):
                index = self.index[kind]
                counts = Counter(index[g] for g in grams if g in index)
                if not counts:
                    continue
                cols = np.fromiter(counts.keys(), dtype=np.int64)
                tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32))
                vals = tf * self.idf[kind][cols]
                x[r, off + cols] = vals / max(float(np.linalg.norm(vals)), 1e-12)
        return x

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.bias)), dtype=np.float32)
        return softmax(dense(self.features(texts), self.coef, self.bias))


#: Wordpiece rows the span finder scores at a time (at least; whole sentences).
PIECE_BLOCK = 4096


class TechniqueModel:
    """The shipped span finder (SI) and span labeller (TC), in numpy."""

    def __init__(
        self,
        weights: dict[str, np.ndarray],
        config: dict[str, Any],
        text_vocab: dict[str, list[str]] | None = None,
    ):
        self.config = config
        self.labels: list[str] = list(config["labels"])
        self.k = int(config.get("si_neighbours", 1))
        self.decoding: dict[str, Any] = dict(config.get("decoding", {}))
        self.si = MLPEnsemble(weights, "si", model="techniques", fix=RETRAIN)
        self._folded: FoldedSpanFinder | None = None
        self.labeller = SpanLabeller(weights, config, text_vocab)

    def _folded_si(self, d: int) -> FoldedSpanFinder:
        if self._folded is None or self._folded.d != d:
            self._folded = FoldedSpanFinder(self.si, d, self.k)
        return self._folded

    def piece_probs(self, inp: ArticleInputs) -> np.ndarray:
        """(n, 3) probabilities of Outside, Begin, Inside for each wordpiece row.

        The span-finder input is about 2,500 floats per wordpiece: built for a whole long
        article at once it took GBs (1.3 GB at 200 KB). Rows are independent, so they are
        built and scored a run of whole sentences at a time.
        """
        if not len(inp.x):
            return np.zeros((0, 3), np.float32)
        si = self._folded_si(inp.x.shape[1])
        out = []
        lo = 0
        for _, b in inp.sent_rows:
            if b - lo >= PIECE_BLOCK:
                out.append(si(inp, lo, int(b)))
                lo = int(b)
        if lo < len(inp.x) or not out:
            out.append(si(inp, lo, len(inp.x)))
        return np.concatenate(out) if len(out) > 1 else out[0]

    def find_spans(self, inp: ArticleInputs) -> list[tuple[int, int, float]]:
        """Character spans ``(start, end, score)`` of propaganda, from the wordpiece tags."""
        probs = self.piece_probs(inp)
        p_in = 1.0 - probs[:, 0] if len(probs) else np.zeros(0, dtype=np.float32)
        out = []
        for a, b in decode_runs(p_in, inp.sent_of, **self.decoding):
            s, e = snap_to_tokens(inp, int(inp.offsets[a, 0]), int(inp.offsets[b - 1, 1]))
            if e > s:
                out.append((s, e, float(p_in[a:b].mean())))
        return out

    def classify(self, inp: ArticleInputs, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """(len(spans), 14) technique probabilities of the given character spans."""
        return self.labeller(inp, spans)


class SpanLabeller:
    """The span labeller (TC): an MLP over the span's encoder rows, mixed with a model of
    the span's own words, then adjusted for the class prior."""

    def __init__(
        self,
        weights: dict[str, np.ndarray],
        config: dict[str, Any],
        text_vocab: dict[str, list[str]] | None = None,
    ):
        self.tc = MLPEnsemble(weights, "tc", model="techniques", fix=RETRAIN)
        self.tc_text = SpanTextModel(text_vocab, weights) if text_vocab else None
        #: Share of the span-text model in the technique probabilities (tuned on train folds).
        self.text_weight = float(config.get("tc_text_weight", 0.0)) if text_vocab else 0.0
        #: Logit adjustment for the class prior: probabilities are divided by
        #: ``prior ** tau`` and renormalised, so rare techniques are not drowned by
        #: Loaded_Language (Menon et al. 2021). ``tau`` is chosen on train folds; without it
        #: nothing changes.
        self.scale = prior_scale(config.get("tc_prior"), config.get("tc_prior_tau", 0.0))

    def __call__(self, inp: ArticleInputs, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        p = self.tc(tc_rows(inp, spans))
        if self.tc_text is not None and self.text_weight > 0 and len(spans):
            q = self.tc_text([inp.text[s:e] for s, e in spans])
            p = (1.0 - self.text_weight) * p + self.text_weight * q
        if self.scale is not None and len(p):
            p = p * self.scale
            p = p / p.sum(axis=1, keepdims=True)
        return p


def prior_scale(prior: Sequence[float] | None, tau: float) -> np.ndarray | None:
    """``prior ** -tau`` per class (None when there is nothing to adjust)."""
    if not prior or not tau:
        return None
    pr = np.maximum(np.asarray(prior, dtype=np.float64), 1e-6)
    return (pr ** -float(tau)).astype(np.float32)


def decode_runs(
    p_in: np.ndarray,
    sent_of: np.ndarray,
    high: float = 0.45,
    low: float = 0.1,
    gap: int = 6,
    min_pieces: int = 1,
    cross_sentences: bool = True,
) -> list[tuple[int, int]]:
    """Row ranges of propaganda spans from per-wordpiece probabilities (hysteresis decoding).

    A run of wordpieces with probability >= ``low`` becomes a span when one of them reaches
    ``high``; spans at most ``gap`` wordpieces apart are joined (PTC spans are whole phrases
    and clauses, which a wordpiece tagger tends to break up). With ``cross_sentences``
    runs continue over a sentence boundary, as PTC spans may.
    """
    n = len(p_in)
    runs: list[list[int]] = []
    r = 0
    while r < n:
        if p_in[r] < low:
            r += 1
            continue
        a = r
        r += 1
        while r < n and p_in[r] >= low and (cross_sentences or sent_of[r] == sent_of[a]):
            r += 1
        if float(p_in[a:r].max()) >= high:
            runs.append([a, r])
    joined: list[list[int]] = []
    for a, b in runs:
        if (
            joined
            and a - joined[-1][1] <= gap
            and (cross_sentences or sent_of[a] == sent_of[joined[-1][1] - 1])
        ):
            joined[-1][1] = b
        else:
            joined.append([a, b])
    return [(a, b) for a, b in joined if b - a >= min_pieces]


def snap_to_tokens(inp: ArticleInputs, start: int, end: int) -> tuple[int, int]:
    """Widen to whole spaCy tokens, then trim the characters PTC spans never start/end with."""
    toks = inp.toks
    if toks:
        i = max(bisect.bisect_right(inp.tok_starts, start) - 1, 0)
        if toks[i].start <= start < toks[i].end:
            start = toks[i].start
        j = max(bisect.bisect_right(inp.tok_starts, end - 1) - 1, 0)
        if toks[j].start < end <= toks[j].end:
            end = toks[j].end
    text = inp.text
    while start < end and text[start] in BOUNDARY_CHARS:
        start += 1
    while end > start and text[end - 1] in BOUNDARY_CHARS:
        end -= 1
    return balance_quotes(text, start, end)


@functools.lru_cache(maxsize=2)
def load_model(encoder: str = "tuned") -> TechniqueModel:
    """The shipped weights trained on ``encoder``'s vectors (``resources/techniques/``, or
    ``resources/frozen/techniques/``), loaded once per process."""
    folder = heads_folder("techniques", encoder)
    base = resources.files("framelens.resources").joinpath(folder)
    try:
        config = json.loads(base.joinpath("model.json").read_text(encoding="utf-8"))
        vocab = json.loads(base.joinpath("tc_text.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"techniques model could not be loaded ({type(exc).__name__}: {exc})",
            fix=RETRAIN,
        ) from None
    weights = load_weights(resource_file(folder, "weights.npz"), model="techniques", fix=RETRAIN)
    return TechniqueModel(weights, config, vocab)


# ---- the analyzer -------------------------------------------------------------------


def article_inputs(ctx: Context) -> ArticleInputs:
    """The wordpiece rows of ``ctx``'s article (cached in ``ctx.cache``)."""
    from ..nlp.features import sentence_features

    key = "techniques.inputs"
    cached = ctx.cache.get(key)
    if cached is None:
        cached = build_inputs(ctx.text, doc_tokens(ctx.doc), sentence_features(ctx), load_lexicon())
        ctx.cache[key] = cached
    return cached


def word_count(text: str) -> int:
    return len(text.split())


@analyzers.register("techniques")
class TechniquesAnalyzer(Analyzer):
    name = "techniques"
    # v2: a span never holds half a quotation (balance_quotes). v3: the tuned encoder.
    # v4: the labeller is adjusted for the class prior (SpanLabeller, tc_prior_tau).
    version = "4"
    reads_encoder = True
    produces = ("techniques", "technique_summary")
    description = "the 14 PTC persuasion techniques, by span (span finder + span labeller)"

    def __init__(self, settings: Any):
        super().__init__(settings)
        self.model = load_model(settings.encoder)
        self.lexicon = load_lexicon()
        #: A second technique is reported on a span when its probability reaches this.
        self.second_label = float(self.model.config.get("second_label_min", 0.4))

    def classify_spans(
        self, ctx: Context, spans: Sequence[tuple[int, int]]
    ) -> list[list[tuple[str, float]]]:
        """Techniques of each GIVEN character span, ranked best first with probabilities."""
        inp = article_inputs(ctx)
        probs = self.model.classify(inp, spans)
        labels = self.model.labels
        out = []
        for p in probs:
            order = np.argsort(-p)
            out.append([(labels[i], float(p[i])) for i in order])
        return out

    def run(self, ctx: Context) -> None:
        inp = article_inputs(ctx)
        found = self.model.find_spans(inp)
        probs = self.model.classify(inp, [(a, b) for a, b, _ in found])
        techniques: list[Technique] = []
        for (a, b, score), p in zip(found, probs, strict=True):
            order = np.argsort(-p)
            picks = [order[0]] + [i for i in order[1:2] if p[i] >= self.second_label]
            for i in picks:
                techniques.append(
                    Technique(
                        span=Span.of(ctx.text, a, b),
                        technique=self.model.labels[i],
                        score=round(float(min(max(score * p[i], 0.0), 1.0)), 4),
                        analyzer=self.key(),
                    )
                )
        ctx.analysis.techniques = techniques
        words = word_count(ctx.text)
        counts = Counter(t.technique for t in techniques)
        ctx.analysis.technique_summary = TechniqueSummary(
            counts=dict(sorted(counts.items())),
            words=words,
            density_per_1000_words=round(1000.0 * len(techniques) / words, 3) if words else 0.0,
        )
