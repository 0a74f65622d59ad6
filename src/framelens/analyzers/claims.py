"""Claims v5: which statements of an article are check-worthy factual claims.

Each spaCy sentence (cut again at line breaks, so a headline glued to the first
sentence is its own statement) gets a score in [0, 1] from a model trained on
CLEF CheckThat! 2024 task 1, English (``scripts/train_claims.py``;
``resources/claims/MODEL_CARD.md``):

- a small head over the shared MiniLM wordpiece vectors (read from
  ``framelens.nlp.features.sentence_features``: the per-article pass every analyzer
  shares, so no extra encoder run) that pools them by learned attention and by max,
  adds the pooled sentence embedding and lexical/parse features from the shared
  spaCy parse (numbers and entity types, reporting verbs, first and second person,
  modals, questions, tense...), and scores them with a one-hidden-layer MLP;
- blended with a logistic regression on tf-idf word n-grams.

Statements scoring at least the ``claim_threshold`` setting become ``Claim``
records with the actors mentioned inside them and the numbers, dates and
quantities they state (parsed by ``framelens.text.quantities``).

Whole sentences, not clauses: the training data labels sentences, and clauses
would be inputs unlike anything the model was trained on.

``ClaimModel.score`` is the one predict function: the analyzer calls it on an
article's statements and the ``claims`` eval task on CheckThat! sentences.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from ..context import Context
from ..errors import ModelError
from ..model import REPORT_KINDS, Claim, Quantity, Quote, Span
from ..nlp.embedder import heads_folder
from ..nlp.heads import attention_pool, dense, gelu, load_weights, resource_file, sigmoid
from ..text import quantities
from ..text.quote_marks import balance_quotes
from ..text.syntax import partitive_of, span_ents
from .base import Analyzer, analyzers

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from ..config import Settings
    from ..nlp.features import SentenceFeatures

RESOURCE = "claims"

# ---- lexical and parse features -----------------------------------------------------

_REPORTING = {
    "say", "tell", "report", "claim", "state", "announce", "accord", "estimate", "show",
    "find", "reveal", "confirm", "deny", "admit", "insist", "allege", "warn", "note",
    "acknowledge", "testify", "vote", "sign", "pass", "cut", "raise", "increase",
    "decrease", "double", "triple", "rise", "fall", "drop", "grow", "lose", "spend",
    "cost", "kill", "die", "arrest", "charge",
}  # fmt: skip
_OPINION = {
    "think", "believe", "feel", "hope", "want", "wish", "need", "should", "must", "love",
    "hate", "like", "agree", "disagree", "guess", "suppose", "doubt", "fear", "seem",
    "sure", "glad", "proud", "honor", "honour", "pleased", "happy", "thank", "welcome",
}  # fmt: skip
_MODALS = {"will", "would", "should", "could", "might", "may", "can", "must", "shall", "'ll"}
_FIRST_SINGULAR = {"i", "me", "my", "mine", "myself"}
_FIRST_PLURAL = {"we", "us", "our", "ours", "ourselves"}
_SECOND = {"you", "your", "yours", "yourself", "yourselves"}
_NEGATION = {"not", "n't", "never", "no", "nobody", "nothing", "none", "neither", "nor"}
_GREETING = re.compile(
    r"^\W*(?:thank|thanks|good (?:morning|afternoon|evening|night)|hello|hi|welcome|"
    r"ladies and gentlemen|congratulations|okay|ok|well|yes|no|oh|all right)\b",
    re.I,
)
_ENTITY_GROUPS = (
    ("CARDINAL",),
    ("PERCENT",),
    ("MONEY",),
    ("DATE", "TIME"),
    ("QUANTITY",),
    ("ORDINAL",),
    ("PERSON",),
    ("ORG",),
    ("GPE", "LOC"),
    ("NORP",),
    ("LAW", "EVENT", "FAC", "PRODUCT", "WORK_OF_ART", "LANGUAGE"),
)
_COMPARATIVE_TAGS = {"JJR", "JJS", "RBR", "RBS"}

#: Names of the lexical features, in column order (stored with the model and checked).
LEXICAL_FEATURES: tuple[str, ...] = (
    "log_tokens",
    "has_digit",
    "n_numbers",
    *[f"ent_{'_'.join(g).lower()}" for g in _ENTITY_GROUPS],
    "question",
    "exclamation",
    "first_singular",
    "first_plural",
    "second_person",
    "modal",
    "negation",
    "reporting_verb",
    "opinion_word",
    "comparative",
    "past_tense",
    "present_tense",
    "imperative",
    "greeting",
    "proper_nouns",
    "quote_marks",
    "starts_with_conjunction",
    "has_verb",
    "has_subject",
)


def lexical_features(sent: SpacySpan) -> np.ndarray:
    """One row of ``LEXICAL_FEATURES`` for a sentence of a spaCy parse."""
    tokens = [t for t in sent if not t.is_space]
    n = max(len(tokens), 1)
    lower = [t.lower_ for t in tokens]
    lemmas = [t.lemma_.lower() for t in tokens]
    tags = [t.tag_ for t in tokens]
    labels = [e.label_ for e in span_ents(sent)]
    text = sent.text
    first = tokens[0] if tokens else None

    def share(hits: int) -> float:
        # Counts saturate: one "we" is informative, the fifth adds little.
        return math.log1p(hits)

    row = [
        math.log1p(n),
        float(any(ch.isdigit() for ch in text)),
        share(sum(t.like_num for t in tokens)),
        *[share(sum(lab in group for lab in labels)) for group in _ENTITY_GROUPS],
        float(text.rstrip().rstrip("\"'”’)").endswith("?")),
        float("!" in text),
        share(sum(w in _FIRST_SINGULAR for w in lower)),
        share(sum(w in _FIRST_PLURAL for w in lower)),
        share(sum(w in _SECOND for w in lower)),
        share(sum(w in _MODALS or t == "MD" for w, t in zip(lower, tags, strict=True))),
        share(sum(w in _NEGATION for w in lower)),
        share(sum(lem in _REPORTING for lem in lemmas)),
        share(sum(lem in _OPINION for lem in lemmas)),
        share(sum(t in _COMPARATIVE_TAGS for t in tags)),
        sum(t in ("VBD", "VBN") for t in tags) / n,
        sum(t in ("VBZ", "VBP") for t in tags) / n,
        float(first is not None and first.tag_ == "VB" and first.dep_ == "ROOT"),
        float(bool(_GREETING.match(text))),
        share(sum(t == "NNP" or t == "NNPS" for t in tags)),
        float(any(q in text for q in ('"', "“", "”"))),
        float(first is not None and first.lower_ in ("and", "but", "so", "or", "because")),
        float(any(t.pos_ in ("VERB", "AUX") for t in tokens)),
        float(any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in tokens)),
    ]
    return np.asarray(row, dtype=np.float32)


# ---- n-grams -----------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*|[%$€£?!]")


def ngrams(text: str, n_max: int = 2) -> list[str]:
    """Lowercased word uni- and bigrams; every digit run is mapped to ``0``."""
    toks = [re.sub(r"\d+(?:[.,]\d+)*", "0", t) for t in _TOKEN.findall(text.lower())]
    out = list(toks)
    for n in range(2, n_max + 1):
        out += [" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)]
    return out


def tfidf_vector(
    text: str, vocab: dict[str, int], idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sparse sublinear tf-idf of ``text``, L2-normalised: (column indices, weights).

    The same weighting as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``.
    """
    counts = Counter(j for j in (vocab.get(g) for g in ngrams(text)) if j is not None)
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    weights = (1.0 + np.log(tf)) * idf[idx]
    return idx, weights / max(float(np.linalg.norm(weights)), 1e-12)


# ---- the model -----------------------------------------------------------------------


def _scalar(x: np.ndarray) -> float:
    return float(np.asarray(x).reshape(-1)[0])


@dataclass(frozen=True)
class ClaimModel:
    """A small head over the shared MiniLM wordpiece vectors, blended with tf-idf n-grams.

    The head (trained with torch, run here in numpy) pools the frozen wordpiece
    vectors by learned attention and by max, and feeds [pooled sentence embedding,
    attention pool, max pool, standardised lexical features] to a one-hidden-layer
    MLP. A logistic
    regression on tf-idf n-grams gives a second probability; the score is their
    weighted mean (weight ``blend`` on the head).
    """

    params: dict[str, np.ndarray]
    vocab: dict[str, int]
    blend: float
    threshold: float  # tuned on dev + dev-test (MODEL_CARD.md); what claim_threshold should be
    meta: dict[str, object]

    def head_input(self, sent: SpacySpan, sf: SentenceFeatures) -> np.ndarray:
        """The MLP input of one sentence: embedding, attention pool, max pool, lexical."""
        p = self.params
        hidden = np.asarray(sf.hidden, dtype=np.float32)
        if len(hidden) == 0:
            hidden = np.zeros((1, len(p["att_w"])), dtype=np.float32)
        att = attention_pool(hidden, p["att_w"], p["att_b"])
        maxed = hidden.max(axis=0)
        lex = (lexical_features(sent) - p["lex_mean"]) / p["lex_scale"]
        pooled = np.asarray(sf.pooled, dtype=np.float32) * _scalar(p["pooled_scale"])
        return np.concatenate([pooled, att, maxed, lex]).astype(np.float32)

    def head_scores(
        self, sents: Sequence[SpacySpan], feats: Sequence[SentenceFeatures]
    ) -> np.ndarray:
        p = self.params
        x = np.vstack([self.head_input(s, f) for s, f in zip(sents, feats, strict=True)])
        # mlp1_w is stored (out, in), as torch keeps it.
        hid = gelu(dense(x, p["mlp1_w"].T, p["mlp1_b"]))
        z = dense(hid, p["mlp2_w"], _scalar(p["mlp2_b"]))
        return np.asarray(sigmoid(z), dtype=np.float64)

    def tfidf_scores(self, texts: Sequence[str]) -> np.ndarray:
        p = self.params
        coef = p["tfidf_coef"]
        z = np.zeros(len(texts), dtype=np.float64)
        for i, text in enumerate(texts):
            idx, weights = tfidf_vector(text, self.vocab, p["tfidf_idf"])
            z[i] = float(weights @ coef[idx])
        z += _scalar(p["tfidf_intercept"])
        return np.asarray(sigmoid(z), dtype=np.float64)

    def score(self, sents: Sequence[SpacySpan], feats: Sequence[SentenceFeatures]) -> np.ndarray:
        """Probability-like score that each sentence is a check-worthy claim, shape ``(n,)``."""
        if not sents:
            return np.zeros(0, dtype=np.float64)
        head = self.head_scores(sents, feats)
        if self.blend >= 1.0:
            return head
        tfidf = self.tfidf_scores([s.text for s in sents])
        return self.blend * head + (1.0 - self.blend) * tfidf


@functools.lru_cache(maxsize=2)
def load_model(encoder: str = "tuned") -> ClaimModel:
    """The shipped model trained on ``encoder``'s vectors (``resources/claims``, or
    ``resources/frozen/claims``), loaded once per process."""
    where = heads_folder(RESOURCE, encoder)
    folder = resources.files("framelens.resources").joinpath(where)
    retrain = (
        "reinstall framelens, or retrain it with `python scripts/train_claims.py "
        "--data ../shared/datasets`"
    )
    try:
        meta = json.loads(folder.joinpath("model.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"the claims model in resources/{RESOURCE} could not be read ({exc})", fix=retrain
        ) from None
    params = load_weights(resource_file(where, "model.npz"), model="claims", fix=retrain)
    if tuple(meta.get("lexical_features", ())) != LEXICAL_FEATURES:
        raise ModelError(
            "the claims model was trained with other lexical features than this code computes",
            fix="retrain it with `python scripts/train_claims.py --data ../shared/datasets`",
        )
    return ClaimModel(
        params=params,
        vocab={g: i for i, g in enumerate(meta["vocab"])},
        blend=float(meta["blend"]),
        threshold=float(meta["threshold"]),
        meta=meta,
    )


def claim_threshold(settings: Settings, model: ClaimModel) -> float:
    """The ``claim_threshold`` setting, or the model's own threshold where the setting is
    left at its default: each encoder's claims model was tuned with its own."""
    value = float(settings.claim_threshold)
    default = type(settings).model_fields["claim_threshold"].default
    return model.threshold if value == default else value


def standalone_features(texts: Sequence[str], settings: Settings) -> list[SentenceFeatures]:
    """``SentenceFeatures`` of texts encoded one per row, as ``sentence_features`` would."""
    from ..nlp import get_embedder
    from ..nlp.features import SentenceFeatures

    encoded = get_embedder(settings.encoder_spec).encode_tokens(list(texts))
    return [
        SentenceFeatures(
            0, len(t), f.hidden, np.asarray(f.offsets, dtype=np.int64).reshape(-1, 2), f.pooled
        )
        for t, f in zip(texts, encoded, strict=True)
    ]


def score_texts(texts: Sequence[str], settings: Settings) -> np.ndarray:
    """Scores of stand-alone sentences (each parsed and encoded as one unit), e.g. for eval."""
    from ..nlp import load_nlp

    nlp = load_nlp(settings.spacy_model, settings.max_chars)
    docs = list(nlp.pipe(list(texts), batch_size=256))
    model = load_model(settings.encoder)
    return model.score([d[:] for d in docs], standalone_features(texts, settings))


# ---- the analyzer ----------------------------------------------------------------------


def _claim_id(text: str, start: int, end: int) -> str:
    return "c" + hashlib.sha1(f"{start}:{end}:{text[start:end]}".encode()).hexdigest()[:10]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


#: The word that opens a reported statement without belonging to it ("said that ...").
_CLAUSE_OPENER = re.compile(r"that\s+", re.IGNORECASE)
#: Reported questions and unknowns ("did not say where ...", "asked whether ...") are not
#: statements of the source (checked on indirect quotes only).
_NOT_STATEMENT = re.compile(r"(?:whether|if|where|what|when|why|how|who|whom|which)\b", re.I)
#: Edge characters a content loses (never quotation marks: 'fighting "terrorists."').
_EDGE = " \t\n,.;:!?—–-"
#: Shortest reported content that stands as a claim of its own, in words.
MIN_CONTENT_WORDS = 3


def reported_content(
    doc: Doc, start: int, end: int, quotes: Sequence[Quote], text: str | None = None
) -> tuple[Quote, int, int] | None:
    """The statement a claim ``[start, end)`` reports, when it reports one.

    "The ministry said that 41 civilians were killed" claims that 41 civilians were
    killed, on the ministry's word: evidence is about that content, not about the
    saying. The longest statement quote (direct, mixed or indirect) whose content lies
    inside the claim, runs to ``MIN_CONTENT_WORDS`` words and has a verb of its own is
    chosen, trimmed of a leading "that" and of edge punctuation. A writer's sentence
    holding only a scare-quoted word or a short partial quote, the object of "blamed the
    rain for the flooding", a reported question ("asked whether ...") or words the source
    did not say or denies ("did not say that ...", "denied that ...") keeps the whole
    sentence. ``text`` is ``doc.text``, which spaCy rebuilds from every token on each read:
    callers that ask per claim pass it.
    """
    if text is None:
        text = doc.text
    best: tuple[Quote, int, int] | None = None
    for q in quotes:
        if q.kind not in REPORT_KINDS or q.content.start < start or q.content.end > end:
            continue
        if q.cue is not None and _not_asserted(doc, q.cue.start, q.cue.end):
            continue
        a, b = q.content.start, q.content.end
        opener = _CLAUSE_OPENER.match(text, a, b)
        if opener:
            a = opener.end()
        while a < b and text[a] in _EDGE:
            a += 1
        while b > a and text[b - 1] in _EDGE:
            b -= 1
        a, b = balance_quotes(text, a, b)
        a, b = max(a, q.content.start), min(b, q.content.end)
        if len(text[a:b].split()) < MIN_CONTENT_WORDS:
            continue
        if q.kind == "indirect" and _NOT_STATEMENT.match(text, a, b):
            continue  # a direct quotation may well open with "When ..."
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None or not any(tok.pos_ in ("VERB", "AUX") for tok in span):
            continue
        if best is None or b - a > best[2] - best[1]:
            best = (q, a, b)
    return best


#: Reporting verbs by which a source rejects what follows ("denied that the dam failed").
_DENIALS = frozenset({"deny", "dispute", "reject", "refute", "rebut", "contest", "dismiss"})


def _not_asserted(doc: Doc, start: int, end: int) -> bool:
    """The reporting verb at ``[start, end)`` does not put its clause forward as true: it
    is negated ("did not say", "never claimed") or a denial ("denied that ...")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    return any(
        tok.lemma_.lower() in _DENIALS
        or any(c.dep_ == "neg" or c.lower_ == "never" for c in tok.children)
        for tok in span
    )


#: Quantity kinds that carry a hedge (``Quantity.qualifier``): amounts, not dates or ranks.
_AMOUNT_KINDS = ("number", "percent", "money", "quantity")


def sentence_quantities(text: str, sent: SpacySpan, ref: dt.date | None = None) -> list[Quantity]:
    """Numbers, dates, money... stated in a sentence, from spaCy's entities plus bare numbers."""
    out: list[Quantity] = []
    covered: set[int] = set()
    for ent in span_ents(sent):
        kind = quantities.ENTITY_KINDS.get(ent.label_)
        if kind is None:
            continue
        start, end = _trim(text, ent.start_char, ent.end_char)
        counted = _date_count(ent, text[start:end]) if kind == "date" else None
        if counted is not None:
            kind = "number"  # "Between 30 and 40 homes": a count the recogniser took for a date
        if kind == "number" and not quantities.is_amount(text[start:end], text[end : end + 8]):
            covered.update(range(ent.start, ent.end))  # "one of the", a phone number
            continue
        if kind in _AMOUNT_KINDS:
            # A hedge the entity recogniser left out ("just" 15, "some" 9,000, 300 "or more").
            before, after = quantities.hedge_around(
                text[sent.start_char : start], text[end : sent.end_char]
            )
            start, end = start - len(before), end + len(after)
        parsed = quantities.parse_quantity(text[start:end], kind, ref)
        unit = parsed.unit
        if kind == "number" and unit is None:
            unit = counted or _counted_noun(ent)
        hedged = kind in _AMOUNT_KINDS and parsed.value is not None
        out.append(
            Quantity(
                span=Span.of(text, start, end),
                kind=parsed.kind,
                value=parsed.value,
                unit=unit,
                normalized=parsed.normalized,
                qualifier=parsed.qualifier if hedged else None,
                high=parsed.high if hedged else None,
            )
        )
        covered.update(range(ent.start, ent.end))
    # The small NER model misses some numbers ("rose to 4,200 in May"): add digit tokens.
    for tok in sent:
        if tok.i in covered or not tok.like_num or not any(ch.isdigit() for ch in tok.text):
            continue
        value = quantities.parse_number(tok.text)
        if value is None:
            continue
        start, end = tok.idx, tok.idx + len(tok.text)
        before, after = quantities.hedge_around(
            text[sent.start_char : start], text[end : sent.end_char]
        )
        start, end = start - len(before), end + len(after)
        parsed = quantities.parse_quantity(text[start:end], "number")
        out.append(
            Quantity(
                span=Span.of(text, start, end),
                kind="number",
                value=parsed.value if parsed.value is not None else value,
                unit=_counted_noun(tok),
                normalized=parsed.normalized,
                qualifier=parsed.qualifier,
                high=parsed.high,
            )
        )
    out.sort(key=lambda q: q.span.start)
    return out


def _date_count(ent: SpacySpan, text: str) -> str | None:
    """The noun an entity tagged as a date counts, when it is a count of things: no date in
    its words, a number in them and a noun it counts ("Between 30 and 40 homes",
    "between thirty and forty of the homes": "home"); None for "between 2019 and 2021",
    "three days" (dates)."""
    if (
        quantities.parse_date(text) is not None
        or quantities.parse_quantity(text, "number").value is None
        or re.search(r"per ?cent|%", text, re.IGNORECASE)
    ):
        return None
    return _counted_noun(ent) or _noun_after(ent)


def _noun_after(ent: SpacySpan) -> str | None:
    """The plural noun right after an entity ("Between 30 and 40 | homes"), when the
    parse hangs the figure elsewhere."""
    doc = ent.doc
    nxt = doc[ent.end] if ent.end < len(doc) else None
    return str(nxt.lemma_.lower()) if nxt is not None and nxt.tag_ == "NNS" else None


def _counted_noun(item: SpacySpan | Token) -> str | None:
    """The noun a cardinal counts ("300,000 people" -> "people", a partitive "four of its
    staff" -> "staff"), if the parse says so."""
    root: Token = item.root if hasattr(item, "root") else item
    if root.dep_ == "nummod" and root.head.pos_ == "NOUN":
        return str(root.head.lemma_.lower())
    part = partitive_of(root)
    return str(part.lemma_.lower()) if part is not None and part.pos_ == "NOUN" else None


@analyzers.register("claims")
class ClaimsAnalyzer(Analyzer):
    name = "claims"
    # v2: a claim that reports someone's words records that content (``Claim.content``).
    # v3: quantities record their hedge (``qualifier``, ``high``: "just 15", "at least 20",
    # "dozens of"), also when the entity recogniser left it out of the entity.
    # v5: a count the entity recogniser took for a date ("Between 30 and 40 homes") is a
    # number, a range of homes.
    version = "5"
    reads_encoder = True
    needs = ("actors", "quotes")
    produces = ("claims",)
    features = ("sentence_features",)
    description = "check-worthy factual claims, with their actors, numbers and dates"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.model = load_model(settings.encoder)

    def run(self, ctx: Context) -> None:
        from ..nlp.features import sentence_features

        units = statement_units(ctx.text, ctx.doc, sentence_features(ctx))
        if not units:
            ctx.analysis.claims = []
            return
        scores = self.model.score([u[0] for u in units], [u[1] for u in units])
        threshold = claim_threshold(ctx.settings, self.model)
        text = ctx.text
        ref = quantities.parse_ref_date(ctx.article.published)
        mentions = sorted((m.start, m.end, a.id) for a in ctx.analysis.actors for m in a.mentions)
        quotes = ctx.analysis.quotes
        # Statement quotes by where their content starts, so that each claim looks only at
        # the quotes inside it (in their original order, which breaks ties).
        by_start = sorted(
            (q.content.start, n) for n, q in enumerate(quotes) if q.kind in REPORT_KINDS
        )
        q_starts = [s for s, _ in by_start]
        claims: list[Claim] = []
        for (sent, _), score in zip(units, scores, strict=True):
            if score < threshold:
                continue
            start, end = _trim(text, sent.start_char, sent.end_char)
            actor_ids: list[str] = []
            for k in range(bisect_left(mentions, (start,)), len(mentions)):
                m_start, m_end, actor_id = mentions[k]
                if m_start > end:
                    break
                if m_end <= end and actor_id not in actor_ids:
                    actor_ids.append(actor_id)
            inside = sorted(
                n for _, n in by_start[bisect_left(q_starts, start) : bisect_right(q_starts, end)]
            )
            reported = reported_content(ctx.doc, start, end, [quotes[n] for n in inside], text)
            claims.append(
                Claim(
                    id=_claim_id(text, start, end),
                    span=Span.of(text, start, end),
                    score=round(float(score), 4),
                    actors=actor_ids,
                    quantities=sentence_quantities(text, sent, ref),
                    content=Span.of(text, reported[1], reported[2]) if reported else None,
                    quote=reported[0].id if reported else None,
                    analyzer=self.key(),
                )
            )
        ctx.analysis.claims = claims


def statement_units(
    text: str, doc: Doc, feats: Sequence[SentenceFeatures]
) -> list[tuple[SpacySpan, SentenceFeatures]]:
    """The units scored: spaCy sentences, cut again at line breaks, with their features.

    The parser sometimes glues a headline or a list item to the next sentence; a line
    break is always a statement boundary. A piece of a sentence gets the wordpiece
    vectors that fall inside it and their normalised mean as its embedding.
    """
    from ..nlp.features import SentenceFeatures

    units: list[tuple[SpacySpan, SentenceFeatures]] = []
    for sent, sf in zip(doc.sents, feats, strict=True):
        pieces: list[tuple[int, int]] = []
        pos = sent.start_char
        for line in text[sent.start_char : sent.end_char].split("\n"):
            start, end = _trim(text, pos, pos + len(line))
            pos += len(line) + 1
            if end > start and any(ch.isalnum() for ch in text[start:end]):
                pieces.append((start, end))
        if len(pieces) == 1 and pieces[0] == _trim(text, sent.start_char, sent.end_char):
            units.append((sent, sf))
            continue
        for start, end in pieces:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            rows = sf.token_rows(start, end)
            hidden = sf.hidden[rows]
            pooled = hidden.mean(axis=0) if len(rows) else np.zeros_like(sf.pooled)
            pooled = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
            units.append((span, SentenceFeatures(start, end, hidden, sf.offsets[rows], pooled)))
    return units
