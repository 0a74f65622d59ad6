"""Pure matching helpers: quotations across outlets, claims across outlets, source types.

Every grouping here is blocked: candidates come from an inverted index (shared word
shingles, shared rare words), never from all pairs, so the cost grows with the story.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from difflib import SequenceMatcher
from importlib import resources
from typing import TypeVar

import numpy as np

from ..unionfind import UnionFind
from .context import STOP

K = TypeVar("K", bound=Hashable)

_NORM_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")

#: A shared run of this many words makes two quotations one (the issue's "six words or more").
SHINGLE = 6
#: Short quotations (under SHINGLE words) match when their normalised texts are this close.
FUZZY_RATIO = 0.85
#: Claims are one when their embeddings are this close (cosine), tuned on the Tarvik story.
CLAIM_SIMILARITY = 0.80


def norm_words(text: str) -> list[str]:
    """Lower-case word tokens, quotation marks and punctuation dropped."""
    return _NORM_WORD.findall(text.lower().replace("’", "'"))


def group_quotations(items: Sequence[tuple[K, str, str]]) -> list[list[K]]:
    """Group quotations (key, group, text) that share a run of six words, or that are
    near-identical when shorter; only items of different ``group`` (article) link."""
    uf = UnionFind()
    index: dict[tuple[str, ...], list[tuple[K, str]]] = defaultdict(list)
    short: dict[str, list[tuple[K, str, str]]] = defaultdict(list)
    for key, group, text in items:
        uf.find(key)
        toks = norm_words(text)
        if len(toks) >= SHINGLE:
            for i in range(len(toks) - SHINGLE + 1):
                index[tuple(toks[i : i + SHINGLE])].append((key, group))
        elif toks:
            # block short quotations by their first word
            short[toks[0]].append((key, group, " ".join(toks)))
    for hits in index.values():
        first = hits[0]
        for other in hits[1:]:
            uf.union(first[0], other[0])
    for bucket in short.values():
        for i, (ka, ga, ta) in enumerate(bucket[:50]):
            for kb, gb, tb in bucket[i + 1 : 50]:
                if ga != gb and SequenceMatcher(None, ta, tb).ratio() >= FUZZY_RATIO:
                    uf.union(ka, kb)
    return [g for g in uf.groups([k for k, _, _ in items]) if len(g) > 1]


def group_claims(
    items: Sequence[tuple[K, str, str]],
    encode: Callable[[list[str]], np.ndarray],
    threshold: float = CLAIM_SIMILARITY,
) -> list[list[K]]:
    """Group claims (key, group, text) of different groups whose embeddings are close.

    Candidate pairs share a rare content word (one found in at most a third of the
    claims); only those pairs are scored, and only their claims are embedded.
    """
    uf = UnionFind()
    postings: dict[str, list[int]] = defaultdict(list)
    for i, (key, _g, text) in enumerate(items):
        uf.find(key)
        for w in {w for w in norm_words(text) if w not in STOP and len(w) > 2}:
            postings[w].append(i)
    cap = max(3, len(items) // 3)
    pairs: set[tuple[int, int]] = set()
    for hits in postings.values():
        if len(hits) > cap:
            continue
        for x, i in enumerate(hits):
            for j in hits[x + 1 :]:
                if items[i][1] != items[j][1]:
                    pairs.add((i, j))
    needed = sorted({i for p in pairs for i in p})
    texts = sorted({items[i][2] for i in needed})
    if texts:
        row = {t: r for r, t in enumerate(texts)}
        vecs = np.asarray(encode(texts), dtype=np.float32)
        for i, j in sorted(pairs):
            if float(vecs[row[items[i][2]]] @ vecs[row[items[j][2]]]) >= threshold:
                uf.union(items[i][0], items[j][0])
    return [g for g in uf.groups([k for k, _, _ in items]) if len(g) > 1]


@functools.cache
def _source_lexicon() -> tuple[list[str], dict[str, list[str]]]:
    raw = tomllib.loads(
        resources.files("framelens.resources")
        .joinpath("lexicons/source_types.toml")
        .read_text(encoding="utf-8")
    )
    return list(raw["order"]), {k: [w.lower() for w in v] for k, v in raw["words"].items()}


def source_type(words_of_source: str, actor_type: str | None = None) -> str:
    """The type of a quoted source from the words that name and introduce it."""
    order, lexicon = _source_lexicon()
    padded = " " + " ".join(norm_words(words_of_source)) + " "
    for kind in order:
        if any(f" {w} " in padded for w in lexicon[kind]):
            return kind
    if actor_type in ("state", "organisation"):
        return "official"
    return "unknown"
