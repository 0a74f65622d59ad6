"""Natural language inference: does a premise entail, contradict or leave open a hypothesis?

Two kinds of model share one interface (``NLIModel.predict(pairs) -> (n, 3)``
probabilities in ``LABELS`` order):

- the bundled model (``resources/nli/``, trained by ``scripts/train_nli.py``): a small
  MLP over MiniLM features of the two statements — their pooled embeddings ``u, v, |u-v|,
  u*v``, how well each side's words align with the other's contextual wordpiece vectors,
  word overlap, negation counts, and which contradiction rules (``rules.py``) fire. It runs
  on numpy; no torch. It expects all-MiniLM-L6-v2 vectors (the ``minilm-int8`` embedder).
- a cross-encoder (the ``nli_model`` setting: a local folder or a cached hub id, loaded
  with sentence-transformers' ``CrossEncoder``; needs the ``torch`` extra). Its labels are
  read from the model's ``id2label``.

``judge`` puts rules and model together: a rule that fires decides "contradiction" (the
reason names the rule); otherwise the model's most probable label stands (the reason
names the model).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import ModelError
from ..text.rules import RULES, Side, check_rules, make_side, rule_flags
from .embedder import ENCODERS, TokenFeatures, heads_folder
from .heads import ReluMLP, load_weights, one_blas_thread

LABELS = ("entailment", "neutral", "contradiction")
RESOURCE = "nli"
BUNDLED = "nli-minilm"


@dataclass
class Statement:
    """One side of a pair: text, the rules' view of it, and (lazily) its MiniLM vectors.

    ``tokens`` offsets are relative to ``text``.
    """

    text: str
    side: Side
    tokens: TokenFeatures | None = None
    #: Derived vectors, computed once however many pairs the statement is in.
    cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Judgement:
    label: str  # entailment | neutral | contradiction
    score: float  # confidence in ``label``, in [0, 1]
    probs: tuple[float, float, float]  # the model's probabilities in LABELS order
    reason: str  # "rule:<name>" or "model:<name>"
    detail: str = ""


class NLIModel(Protocol):
    name: str

    def predict(self, pairs: Sequence[tuple[Statement, Statement]]) -> np.ndarray: ...


def statements(texts: Sequence[str], spacy_model: str = "") -> list[Statement]:
    """Parse ``texts`` (premises or hypotheses outside an article) into ``Statement``s."""
    from . import load_nlp

    nlp = load_nlp(spacy_model)
    return [Statement(t, make_side(doc[:])) for t, doc in zip(texts, nlp.pipe(texts), strict=True)]


def ensure_tokens(items: Sequence[Statement], embedder: str = "tuned") -> None:
    """Fill in MiniLM wordpiece vectors where missing, in one batch."""
    from . import get_embedder

    todo = [s for s in items if s.tokens is None]
    if not todo:
        return
    feats = get_embedder(embedder).encode_tokens([s.text for s in todo])
    for s, f in zip(todo, feats, strict=True):
        s.tokens = f


# ---- features of the bundled model ---------------------------------------------------------

_ALIGN = (
    "cos",
    "h2p_mean",
    "h2p_min",
    "p2h_mean",
    "p2h_min",
    "ch2p_mean",
    "ch2p_min",
    "cp2h_mean",
    "cp2h_min",
)
_LEX = (
    "cov_h",
    "cov_p",
    "len_diff",
    "neg_p",
    "neg_h",
    "neg_parity",
    "mode_differs",
    "attributed_differs",
    "quant_h_only",
)
_FLAGS = (*RULES, "antonym_any", "names_conflict", "dates_disagree", "disputed")
FEATURE_NAMES: tuple[str, ...] = (
    *[f"{part}{i}" for part in ("u", "v", "ad", "mul") for i in range(384)],
    *_ALIGN,
    *_LEX,
    *[f"rule_{f}" for f in _FLAGS],
)


def _unit_rows(m: np.ndarray) -> np.ndarray:
    return m / np.clip(np.linalg.norm(m, axis=1, keepdims=True), 1e-9, None)


def _unit_hidden(st: Statement) -> np.ndarray:
    if "hidden" not in st.cache:
        assert st.tokens is not None
        st.cache["hidden"] = _unit_rows(np.asarray(st.tokens.hidden, dtype=np.float32))
    return st.cache["hidden"]


def _content_vectors(st: Statement) -> np.ndarray:
    if "content" not in st.cache:
        st.cache["content"] = _compute_content_vectors(st)
    return st.cache["content"]


def _compute_content_vectors(st: Statement) -> np.ndarray:
    assert st.tokens is not None
    hidden = st.tokens.hidden
    offs = np.asarray(st.tokens.offsets, dtype=np.int64).reshape(-1, 2)
    rows = []
    for i in st.side.content:
        a, b = st.side.offsets[i]
        hit = np.flatnonzero((offs[:, 0] < b) & (offs[:, 1] > a))
        if len(hit):
            rows.append(hidden[hit].mean(axis=0))
    if not rows:
        return np.zeros((0, hidden.shape[1] if hidden.ndim == 2 else 384), dtype=np.float32)
    return _unit_rows(np.asarray(rows, dtype=np.float32))


def _stats(sims: np.ndarray) -> tuple[float, float, float, float]:
    """For a (hypothesis x premise) cosine block: mean/min of each hypothesis row's best
    match in the premise, and the same from the premise side."""
    if sims.size == 0:
        return 0.5, 0.5, 0.5, 0.5
    ab, ba = sims.max(axis=1), sims.max(axis=0)
    return float(ab.mean()), float(ab.min()), float(ba.mean()), float(ba.min())


def _alignment(p: Statement, h: Statement) -> list[float]:
    return [
        *_stats(_unit_hidden(h) @ _unit_hidden(p).T),
        *_stats(_content_vectors(h) @ _content_vectors(p).T),
    ]


def alignment_batch(pairs: Sequence[tuple[Statement, Statement]]) -> list[list[float]]:
    """``_alignment`` of every pair, with one matrix product per distinct premise.

    Thousands of tiny products cost far more than a few larger ones (BLAS start-up and
    thread hand-offs), and a statement is often in many pairs (contradictions compare
    every claim with every other).
    """
    by_premise: dict[int, list[int]] = {}
    for n, (p, _) in enumerate(pairs):
        by_premise.setdefault(id(p), []).append(n)
    out: list[list[float]] = [[] for _ in pairs]
    for idx in by_premise.values():
        p = pairs[idx[0]][0]
        hyps = [pairs[n][1] for n in idx]
        rows = [_unit_hidden(h) for h in hyps]
        crow = [_content_vectors(h) for h in hyps]
        big = np.concatenate(rows) @ _unit_hidden(p).T
        cbig = np.concatenate(crow) @ _content_vectors(p).T
        a = c = 0
        for n, r, cr in zip(idx, rows, crow, strict=True):
            out[n] = [*_stats(big[a : a + len(r)]), *_stats(cbig[c : c + len(cr)])]
            a, c = a + len(r), c + len(cr)
    return out


def pair_features(
    p: Statement, h: Statement, alignment: Sequence[float] | None = None
) -> np.ndarray:
    """One feature row (``FEATURE_NAMES``) for premise ``p`` and hypothesis ``h``."""
    assert p.tokens is not None and h.tokens is not None
    u = np.asarray(p.tokens.pooled, dtype=np.float32)
    v = np.asarray(h.tokens.pooled, dtype=np.float32)
    align = [float(u @ v), *(alignment if alignment is not None else _alignment(p, h))]
    ps, hs = p.side, h.side
    cp, ch = set(ps.content.values()), set(hs.content.values())
    lex = [
        len(ch & cp) / max(len(ch), 1),
        len(ch & cp) / max(len(cp), 1),
        float(np.log1p(len(ch)) - np.log1p(len(cp))),
        min(len(ps.negations), 2) / 2,
        min(len(hs.negations), 2) / 2,
        float(len(ps.negations) % 2 != len(hs.negations) % 2),
        float(ps.mode != hs.mode),
        float(ps.attributed != hs.attributed),
        float(bool(hs.quants) and not ps.quants),
    ]
    flags = rule_flags(ps, hs)
    rule = [flags[f] for f in _FLAGS]
    return np.concatenate([u, v, np.abs(u - v), u * v, align, lex, rule]).astype(np.float32)


class BundledNLI:
    """The bundled MLP (``resources/nli/model.npz``): numpy only."""

    def __init__(self, path: str | Path | None = None, embedder: str = "tuned"):
        folder = (
            Path(path)
            if path is not None
            else Path(str(resources.files("framelens.resources").joinpath(RESOURCE)))
        )
        model_file, meta_file = folder / "model.npz", folder / "model.json"
        if not model_file.is_file() or not meta_file.is_file():
            raise ModelError(
                f"the NLI model files are missing from {folder}",
                fix="reinstall framelens, or retrain with `python scripts/train_nli.py "
                "--data ../shared/datasets`",
                value=str(folder),
            )
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if tuple(meta.get("features", ())) != FEATURE_NAMES:
            raise ModelError(
                f"the NLI model in {folder} was trained on other features than this "
                "framelens computes",
                fix="retrain it with scripts/train_nli.py from this version",
                value=str(folder),
            )
        retrain = "retrain it with `python scripts/train_nli.py --data ../shared/datasets`"
        data = load_weights(model_file, model="NLI", fix=f"reinstall framelens, or {retrain}")
        try:
            layers = [(data[f"W{i}"], data[f"b{i}"]) for i in range(int(data["n_layers"]))]
            self.mlp = ReluMLP(
                data["mean"], data["scale"], layers, float(meta.get("temperature", 1.0))
            )
        except KeyError as exc:
            raise ModelError(
                f"the NLI model in {folder} lacks the array {exc}", fix=retrain, value=str(folder)
            ) from None
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        self.order = [self.labels.index(lab) for lab in LABELS]
        self.name = f"{BUNDLED}-v{meta.get('version', 1)}"
        self.embedder = embedder

    def predict_features(self, x: np.ndarray) -> np.ndarray:
        """Probabilities (n, 3) in ``LABELS`` order for feature rows ``x``."""
        return np.asarray(self.mlp(x)[:, self.order], dtype=np.float64)

    def predict(self, pairs: Sequence[tuple[Statement, Statement]]) -> np.ndarray:
        if not pairs:
            return np.zeros((0, 3))
        ensure_tokens([s for pair in pairs for s in pair], self.embedder)
        with one_blas_thread():
            aligned = alignment_batch(pairs)
            x = np.stack([pair_features(p, h, a) for (p, h), a in zip(pairs, aligned, strict=True)])
            return self.predict_features(x)


class CrossEncoderNLI:
    """A sentence-transformers NLI cross-encoder from a local folder or a cached hub id."""

    def __init__(self, spec: str):
        try:
            from sentence_transformers import CrossEncoder
        except ImportError:
            raise ModelError(
                f"nli_model {spec!r} needs the sentence-transformers package",
                fix="install the torch extra (`pip install 'framelens[torch]'`), or leave "
                "nli_model empty to use the bundled model",
                value=spec,
            ) from None
        try:
            self.model: Any = CrossEncoder(spec, device="cpu")
        except Exception as exc:  # the library raises many unrelated types
            raise ModelError(
                f"nli_model {spec!r} could not be loaded ({type(exc).__name__}: {exc})",
                fix="give a local cross-encoder folder, or a hub id already in the local cache",
                value=spec,
            ) from None
        config = getattr(getattr(self.model, "model", None), "config", None)
        id2label = dict(getattr(config, "id2label", None) or {})
        self.order = _label_order(id2label, spec)
        self.name = f"cross-encoder:{Path(spec).name or spec}"

    def predict(self, pairs: Sequence[tuple[Statement, Statement]]) -> np.ndarray:
        if not pairs:
            return np.zeros((0, 3))
        logits = np.asarray(
            self.model.predict([(p.text, h.text) for p, h in pairs], show_progress_bar=False),
            dtype=np.float64,
        ).reshape(len(pairs), -1)
        logits = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        probs = e / e.sum(axis=1, keepdims=True)
        return np.asarray(probs[:, self.order])


def _label_order(id2label: dict[Any, str], spec: str) -> list[int]:
    """Column of each of ``LABELS`` in a cross-encoder's output, from its ``id2label``."""
    names = {int(k): str(v).lower() for k, v in id2label.items()}
    generic = all(v.startswith("label_") for v in names.values())
    if len(names) != 3 or generic:
        # The sentence-transformers NLI cross-encoders use this order and often ship
        # without label names.
        names = {0: "contradiction", 1: "entailment", 2: "neutral"}
    order = []
    for label in LABELS:
        col = next((k for k, v in names.items() if v.startswith(label[:6])), None)
        if col is None:
            raise ModelError(
                f"nli_model {spec!r} has labels {sorted(names.values())}, not "
                "entailment/neutral/contradiction",
                fix="use a 3-way NLI cross-encoder",
                value=spec,
            )
        order.append(col)
    return order


@functools.lru_cache(maxsize=4)
def load_nli(spec: str = "", encoder: str = "tuned") -> NLIModel:
    """The NLI model named by the ``nli_model`` setting (empty: the bundled one trained on
    ``encoder``'s vectors, which it reads), loaded once."""
    if not spec:
        folder = resources.files("framelens.resources").joinpath(heads_folder(RESOURCE, encoder))
        return BundledNLI(Path(str(folder)), embedder=ENCODERS[encoder][0])
    path = Path(spec)
    if path.is_dir() and (path / "model.npz").is_file():
        return BundledNLI(path)
    return CrossEncoderNLI(spec)


def judge(
    model: NLIModel,
    pairs: Sequence[tuple[Statement, Statement]],
    *,
    strict_attribution: bool = False,
) -> list[Judgement]:
    """Rules first (a rule that fires means contradiction), the model for the rest."""
    probs = model.predict(pairs)
    out = []
    for (p, h), row in zip(pairs, probs, strict=True):
        triple = (float(row[0]), float(row[1]), float(row[2]))
        hit = check_rules(p.side, h.side, strict_attribution=strict_attribution)
        if hit is not None:
            score = max(hit.score, triple[2])
            out.append(Judgement("contradiction", score, triple, f"rule:{hit.rule}", hit.detail))
            continue
        k = int(np.argmax(row))
        out.append(Judgement(LABELS[k], triple[k], triple, f"model:{model.name}"))
    return out
