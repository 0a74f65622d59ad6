"""Small helpers over the shared spaCy parse, used by the actors, relations and claims
analyzers and the contradiction rules (``framelens.text.rules``)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from ..context import Context

    #: A parse, or its tokens in a list (spaCy builds a new Token on every ``doc[i]``).
    Tokens = Doc | Sequence[Token]

HYPHENS = {"-", "‐", "‑"}


def hyphen_spans(doc: Tokens) -> dict[int, tuple[int, int]]:
    """Token index -> token range [a, b) of the hyphenated word it belongs to.

    spaCy splits "Iranian-backed" into "Iranian", "-", "backed"; a hyphen with no space on
    either side joins its neighbours back into one word (chains too: "self-styled-X").
    """
    out: dict[int, tuple[int, int]] = {}
    n = len(doc)
    i = 1
    while i < n - 1:
        t = doc[i]
        if t.text in HYPHENS and not doc[i - 1].whitespace_ and not t.whitespace_:
            a, b = i - 1, i + 2
            while b < n - 1 and doc[b].text in HYPHENS and not doc[b - 1].whitespace_:
                if doc[b].whitespace_:
                    break
                b += 2
            a = out.get(a, (a, b))[0]
            for k in range(a, b):
                out[k] = (a, b)
            i = b
        else:
            i += 1
    return out


def head_of(doc: Tokens, t0: int, t1: int) -> Token:
    """The syntactic head of tokens [t0, t1): the one whose head lies outside the range."""
    for i in range(t1 - 1, t0 - 1, -1):
        h = doc[i].head
        if not (t0 <= h.i < t1) or h.i == i:
            return doc[i]
    return doc[t1 - 1]


def token_ranges(doc: Tokens) -> tuple[dict[int, int], dict[int, int]]:
    """(token start offset -> index, token end offset -> index)."""
    starts = {t.idx: t.i for t in doc}
    ends = {t.idx + len(t.text): t.i for t in doc}
    return starts, ends


def tokens(ctx: Context) -> list[Token]:
    """The article's tokens as a list, built once per article and shared through ``ctx.cache``.

    spaCy builds a new ``Token`` object on every ``doc[i]`` and every iteration, which costs
    more than the rules that read them.
    """
    cached = ctx.cache.get("syntax.tokens")
    if cached is None:
        cached = ctx.cache["syntax.tokens"] = list(ctx.doc)
    return cached


def partitive_of(tok: Token) -> Token | None:
    """The noun of a partitive "of" below ``tok``: "four of its staff" -> staff."""
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN"):
                    return obj
    return None


#: Per parse: its entities and their first token indices (the parse never changes after
#: ``nlp.pipe``, so the index stays valid as long as the ``Doc`` lives).
_ENTITY_INDEX: WeakKeyDictionary[Doc, tuple[tuple[SpacySpan, ...], list[int]]] = WeakKeyDictionary()


def span_ents(span: SpacySpan) -> list[SpacySpan]:
    """What ``span.ents`` returns (the entities wholly inside ``span``), found by bisection.

    spaCy's ``Span.ents`` builds every entity of the document on each call: asked once per
    sentence, that is quadratic in the article's length (half the claims analyzer's time on
    a 400 KB article). Here the document's entities are built once per ``Doc``.
    """
    doc = span.doc
    index = _ENTITY_INDEX.get(doc)
    if index is None:
        ents = tuple(doc.ents)
        index = (ents, [e.start for e in ents])
        _ENTITY_INDEX[doc] = index
    ents, starts = index
    out = []
    # Same rule as Span.ents: from the first entity starting in the span, take entities
    # while they end inside it.
    for k in range(bisect_left(starts, span.start), len(ents)):
        if ents[k].end > span.end:
            break
        out.append(ents[k])
    return out


#: Determiners that pick one member out of a group: "a Democrat", "another Kurd".
_ONE_OF = frozenset({"a", "an", "one", "another", "each", "every"})


def one_member(head: Token) -> bool:
    """A group's name in the singular after "a", "one", "another" ...: one member of it,
    an unnamed person. Two such ("one Democrat ... another Democrat") are two people, and
    neither is the group."""
    if head.tag_ not in ("NNP", "NN") or head.dep_ == "compound":
        return False
    return any(c.dep_ in ("det", "nummod") and c.lower_ in _ONE_OF for c in head.children)
