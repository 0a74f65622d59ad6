"""What the text says of a person's gender, for resolving "he" and "she" (``_quote_speakers``):
a title or a gendered noun beside a mention ("Mrs. Ortiz", "Ortiz, a spokeswoman",
"chairman Kell"), else a given name the lexicon knows ("Melanie Ortiz"). Only evidence in
the article; nothing is assumed of a name the lexicon does not list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ._quote_sources import MentionAt, mention_head

if TYPE_CHECKING:
    from ..model import Actor
    from ._quote_syntax import DocIndex, Lexicon


def gender_evidence(
    idx: DocIndex, lex: Lexicon, mentions: Iterable[MentionAt], actors: Sequence[Actor]
) -> dict[str, str]:
    """Actor id -> "m" / "f" for the people the text gives evidence on: first a title or a
    gendered noun next to one of their mentions, then their given name."""
    doc = idx.doc
    gender: dict[str, str] = {}
    titles = lex.titles_m | lex.titles_f
    for s, e, actor in mentions:
        if actor.type != "person":
            continue
        head = mention_head(idx, (s, e))
        if head is None:
            continue
        first = idx.tokens(s, e)[0]
        near = [doc[first.i - 1]] if first.i > 0 else []
        near += [c for c in head.children if c.dep_ in ("appos", "compound")]
        if head.dep_ == "appos":
            near.append(head.head)
        for tok in near:
            word = tok.lower_ if tok.lower_ in titles else tok.lemma_.lower()
            g = (
                "m"
                if word in lex.titles_m
                else "f"
                if word in lex.titles_f
                else lex.gender_nouns.get(word)
            )
            if g:
                gender.setdefault(actor.id, g)
                break
    skip = lex.titles | lex.courtesy_titles
    for actor in actors:  # then the given name, where the text said nothing
        if actor.type == "person" and actor.id not in gender:
            g = given_name_gender(lex, actor.name, skip)
            if g:
                gender[actor.id] = g
    return gender


def given_name_gender(lex: Lexicon, name: str, skip: frozenset[str]) -> str | None:
    """ "Melanie Ortiz" and "Melanie" are a she, "Warren" alone (a family name as well)
    and "Kelly" (either) nobody; titles before the name (``skip``) are passed over."""
    words = [w for w in name.split() if w.lower().rstrip(".") not in skip]
    if not words:
        return None
    first = words[0].lower()
    if len(words) == 1 and first in lex.surname_like:
        return None
    return lex.first_names.get(first)
