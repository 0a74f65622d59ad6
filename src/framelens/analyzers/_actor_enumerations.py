"""Enumerations for the ``actors`` analyzer: actors coordinated in one list.

"Iran, Russia and other regional powers, including Saudi Arabia, Qatar and Turkey" is one
list of six: nested "including" / "like" / "such as" lists are flattened into the list they
hang on. Each actor gets the list's span and its 1-based rank among the listed actors; a
list that names fewer than two distinct actors is no enumeration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._actor_records import ActorDoc, Anchor, Listing

if TYPE_CHECKING:
    from spacy.tokens import Token

#: Deepest chain of coordinations and nested lists followed (a guard on odd parses).
_MAX_DEPTH = 50


def enumerations(d: ActorDoc, anchors: dict[int, Anchor]) -> dict[str, list[Listing]]:
    """actor key -> the lists it is named in (``anchors``: head token -> actor mention)."""
    doc = d.doc

    def sublist_owner(r: Token) -> Token | None:
        # "other powers, including Saudi Arabia, Qatar and Turkey"
        p = r.head
        if r.dep_ != "pobj" or p.i == r.i:
            return None
        if p.lower_ in ("including", "like") or (
            p.lower_ == "as" and p.i > 0 and doc[p.i - 1].lower_ == "such"
        ):
            return p.head
        return None

    def root(t: Token) -> Token:
        r = t
        for _ in range(_MAX_DEPTH):
            while r.dep_ == "conj" and r.head.i != r.i:
                r = r.head
            owner = sublist_owner(r)
            if owner is None:
                break
            r = owner
        return r

    def items(n: Token, out: list[int], depth: int = 0) -> None:
        out.append(n.i)
        if depth > _MAX_DEPTH:
            return
        for c in n.children:
            if c.dep_ == "conj":
                items(c, out, depth + 1)
            elif c.dep_ == "prep" and (
                c.lower_ in ("including", "like")
                or (c.lower_ == "as" and c.i > 0 and doc[c.i - 1].lower_ == "such")
            ):
                for p in c.children:
                    if p.dep_ == "pobj":
                        items(p, out, depth + 1)

    roots: dict[int, Token] = {}
    for i in anchors:
        r = root(doc[i])
        roots.setdefault(r.i, r)
    out: dict[str, list[Listing]] = {}
    for r in roots.values():
        idx: list[int] = []
        items(r, idx)
        if len(idx) < 2:
            continue
        listed = [anchors[i] for i in sorted(idx) if i in anchors]
        order: list[str] = []
        for anchor in listed:
            if anchor.key not in order:
                order.append(anchor.key)
        if len(order) < 2:
            continue
        start, end = listed[0].start, listed[-1].end
        for rank, key in enumerate(order, 1):
            entry = Listing(start, end, rank, len(order))
            if entry not in out.setdefault(key, []):
                out[key].append(entry)
    return out
