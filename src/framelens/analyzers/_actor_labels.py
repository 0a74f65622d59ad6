"""Labels for the ``actors`` analyzer: every descriptor the writer attaches to an actor.

Each label has its span, lemma, class (from ``resources/lexicons/labels.toml``, neutral when
unlisted) and construction: ``premodifier`` ("Iranian-backed militias", "President
Kessel", "the so-called opposition"), ``appositive`` ("Nadia Rahimi, a spokeswoman"),
``predicate`` ("X is a proxy force", "X was branded terrorists") and ``adjective`` (a listed
adjective inside an appositive or predicate: "a pseudo-left organization", "is brutal").
The ``name``, ``compound`` and ``possessive`` labels of groups and metonyms come from
``_actor_groups``. The rules read the lexicon's classes and never a side: a delegitimizing
and a legitimizing label in the same construction are caught the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text.syntax import head_of
from ._actor_records import (
    MOD_DEPS,
    SIDES,
    ActorDoc,
    ActorWords,
    Anchor,
    Draft,
    Mention,
    TermMatch,
    TokenActors,
    add_label,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ._labels import LabelLexicon

_COPULAS = {"be", "become", "remain"}
#: Predicates that reduce their subject to what follows "than" or "but" ("X is little more
#: than a puppet army", "nothing but a gang").
_REDUCTIVE = {"nothing", "none", "more", "little"}
#: Heads too generic to be a descriptor ("X is one of ...", "X is part of ...").
_GENERIC_HEADS = {
    "one", "part", "member", "some", "thing", "nothing", "something", "example", "kind",
    "sort", "lot", "none", "all", "any", "this", "that", "it", "way",
}  # fmt: skip
#: Nouns of a collection whose "of" object describes the actor too: "X, a band of corrupt
#: profiteers", "is little more than a gang of thugs", "a group of retired judges".
_COLLECTIVE_HEADS = frozenset(
    ("band", "bunch", "group", "gang", "handful", "pack", "collection", "clique", "crowd",
     "cabal", "ring", "network", "horde", "mob", "coalition", "alliance", "league")
)  # fmt: skip


def find_labels(
    lex: LabelLexicon,
    words: ActorWords,
    d: ActorDoc,
    actors: dict[str, Draft],
    tok_actor: TokenActors,
    anchors: dict[int, Anchor],
) -> None:
    """Add to each draft the labels its mentions carry."""
    labeller = _Labeller(lex, words, d, tok_actor)
    for actor in actors.values():
        labeller.label(actor, anchors)


def same_paragraph(d: ActorDoc, a: Token, b: Token) -> bool:
    """No paragraph break between two tokens (a subheading is not an appositive)."""
    lo, hi = min(a.idx, b.idx), max(a.idx, b.idx)
    return "\n" not in d.text[lo:hi]


class _Labeller:
    def __init__(
        self, lex: LabelLexicon, words: ActorWords, d: ActorDoc, tok_actor: TokenActors
    ) -> None:
        self.lex, self.d, self.tok_actor = lex, d, tok_actor
        self.naming_verbs = words.naming_verbs

    def label(self, a: Draft, anchors: dict[int, Anchor]) -> None:
        d, tok_actor = self.d, self.tok_actor
        doc = d.doc
        seen: set[int] = set()
        for m in a.mentions:
            h = head_of(doc, m.t0, m.t1)
            anchor: Token | None = h
            if h.dep_ in MOD_DEPS and h.head.i != h.i:
                # A modifier ("Kessel" in "the Kessel regime") speaks for the noun phrase only
                # when that phrase is a metonym of this actor; "MLF" in "MLF spokeswoman
                # Nadia Rahimi" does not take Rahimi's descriptors.
                owner_of = anchors.get(h.head.i)
                anchor = h.head if owner_of and owner_of.key == a.key else None
            if anchor is None or anchor.i in seen:
                continue
            seen.add(anchor.i)
            self._premodifiers(a, anchor, m)
            for c in anchor.children:
                if c.dep_ == "appos" and tok_actor[c.i] is None and same_paragraph(d, anchor, c):
                    self._descriptor(a, c, "appositive")
            if anchor.dep_ == "appos" and same_paragraph(d, anchor, anchor.head):
                head = anchor.head
                if tok_actor[head.i] is not None and head.dep_ == "pobj":
                    # "The UN envoy for Marnia, Helga Lindqvist": the parser hangs the name on
                    # the nearest noun; the descriptor is the noun the preposition modifies.
                    head = head.head.head
                if tok_actor[head.i] is None and head.pos_ == "NOUN":
                    self._descriptor(a, head, "appositive")
            self._predicates(a, anchor)

    def _hyphen_label(
        self, a: Draft, i: int, construction: str, done: set[tuple[int, int]]
    ) -> None:
        d = self.d
        span = d.hyphen[i]
        if span in done:
            return
        done.add(span)
        word = d.hyphen_word(i) or ""
        hit = self.lex.hyphenated(word)
        if hit is not None:
            s, e = d.span(*span)
            add_label(a, d.text, s, e, word.lower(), hit[0], construction)

    def _left_compounds(self, c: Token, deps: tuple[str, ...]) -> list[Token]:
        """``c`` with the contiguous modifiers of it (or of them) to its left."""
        d, tok_actor = self.d, self.tok_actor
        doc = d.doc
        toks = [c]
        j = c.i - 1
        while j >= 0 and len(toks) < 4:
            x = doc[j]
            if (
                x.dep_ not in deps
                or tok_actor[j] is not None
                or x.is_punct
                or j in d.hyphen
                or x.head.i not in {y.i for y in toks}
            ):
                break
            toks.insert(0, x)
            j -= 1
        return toks

    def _premodifiers(self, a: Draft, anchor: Token, m: Mention) -> None:
        d, tok_actor = self.d, self.tok_actor
        text = d.text
        name_first = m.term_first if not m.proper else None
        done: set[tuple[int, int]] = set()
        children = list(anchor.children)
        if m.proper:  # "Director-General" may hang on "Ana" of "Ana Lopes Moura"
            children += [c for i in range(m.t0, m.t1) if i != anchor.i for c in d.doc[i].children]
        for c in children:
            if c.i > anchor.i or c.dep_ not in ("amod", "compound", "nmod", "npadvmod", "advmod"):
                continue
            if m.proper and c.i >= m.t0 and c.i < m.t1:
                continue
            if name_first is not None and name_first <= c.i < anchor.i:
                continue  # part of the lexicon term that names the group
            if c.i in d.hyphen:
                if a.type == "person" and c.dep_ == "compound" and d.hyphen[c.i] not in done:
                    word = d.hyphen_word(c.i) or ""
                    if self.lex.hyphenated(word) is None:  # "Director-General Tedros"
                        done.add(d.hyphen[c.i])
                        s, e = d.span(*d.hyphen[c.i])
                        add_label(a, text, s, e, word.lower(), "neutral", "premodifier")
                        continue
                self._hyphen_label(a, c.i, "premodifier", done)
                continue
            if tok_actor[c.i] is not None and (m.proper or tok_actor[c.i] != a.key):
                continue
            toks = self._left_compounds(c, ("compound", "amod"))
            lemma, first = self._longest(toks, c)
            term = self.lex.term(lemma) if lemma else None
            if term is not None:
                s, e = d.span(first, c.i + 1)
                add_label(a, text, s, e, lemma, term.cls, "premodifier")
            elif (
                a.type == "person"
                and c.dep_ == "compound"
                and c.pos_ in ("NOUN", "PROPN")
                and not c.text.isupper()
            ):
                # Any title before a name is a descriptor ("surgeon Leyla Haddad").
                s, e = d.span(toks[0].i, c.i + 1)
                words = " ".join(x.lemma_.lower() for x in toks)
                add_label(a, text, s, e, words, "neutral", "premodifier")

    def _longest(self, toks: list[Token], last: Token) -> TermMatch:
        """Longest lexicon term among the tail of ``toks`` ending at ``last`` (lemma "" if
        none)."""
        for k in range(min(len(toks), self.lex.max_words), 0, -1):
            tail = toks[-k:]
            low = " ".join(x.lower_.rstrip(".") or x.lower_ for x in tail)
            if low in self.lex.terms:
                return TermMatch(low, tail[0].i)
            lemma = " ".join(x.lemma_.lower().rstrip(".") or x.lower_ for x in tail)
            if lemma in self.lex.terms and not (k == 1 and lemma in SIDES):  # "rights"
                return TermMatch(lemma, tail[0].i)
        return TermMatch("", last.i)

    def _descriptor(self, a: Draft, head: Token, construction: str) -> None:
        """Labels from a descriptive noun phrase: its head, with compounds, and its adjectives."""
        d = self.d
        doc, text = d.doc, d.text
        if head.pos_ not in ("NOUN", "PROPN") or head.lemma_.lower() in _GENERIC_HEADS:
            return
        if head.pos_ == "PROPN" and (head.ent_type_ or head.text.isupper()):
            return  # a name ("the Front (MLF)", "X is Y"), not a descriptor
        if any(c.dep_ == "det" and c.lower_ == "no" for c in head.children):
            return
        toks = self._left_compounds(head, ("compound", "amod"))
        lemma, first = self._longest(toks, head)
        if lemma:
            covered = set(range(first, head.i + 1))
            s, e = d.span(first, head.i + 1)
            add_label(a, text, s, e, lemma, self.lex.terms[lemma].cls, construction)
        else:
            comps = self._left_compounds(head, ("compound",))
            s, e = d.span(comps[0].i, head.i + 1)
            words = " ".join(x.lemma_.lower() for x in comps)
            add_label(a, text, s, e, words, "neutral", construction)
            covered = {x.i for x in comps}
        done: set[tuple[int, int]] = set()
        for k in range(max(0, head.i - 6), head.i):
            c = doc[k]
            if k in covered or c.head.i != head.i:
                continue
            if k in d.hyphen:
                # The parser may attach every part of "pseudo-left" to the head.
                self._hyphen_label(a, k, "adjective", done)
            elif c.dep_ in ("amod", "compound"):
                t = self.lex.term(c.lemma_.lower()) or self.lex.term(c.lower_)
                if t is not None:
                    s, e = d.span(k, k + 1)
                    add_label(a, text, s, e, t.lemma, t.cls, "adjective")
        if head.lemma_.lower() in _COLLECTIVE_HEADS:
            for prep in head.rights:
                if prep.dep_ != "prep" or prep.lower_ != "of":
                    continue
                for p in prep.children:
                    # a common noun, even one that names a group of its own ("thugs")
                    if p.dep_ == "pobj" and p.pos_ == "NOUN":
                        self._descriptor(a, p, construction)

    def _predicates(self, a: Draft, anchor: Token) -> None:
        d, tok_actor = self.d, self.tok_actor
        verb = anchor.head
        if verb.i == anchor.i:
            return
        if any(c.dep_ == "neg" for c in verb.children):
            return  # "X is not a terrorist group": the writer withholds the label
        if anchor.dep_ in ("nsubj", "nsubjpass") and verb.lemma_ in _COPULAS:
            for c in verb.children:
                reductive = c.dep_ in ("attr", "acomp") and c.lemma_.lower() in _REDUCTIVE
                if reductive:
                    # "nothing but a mercenary army", "little more than a puppet army", "no
                    # more than a tool of the regime", "nothing more than a proxy force"
                    # the "than" or "but" hangs on the word or on one of its modifiers
                    pobj = sorted(
                        (
                            p
                            for h in (c, *c.children)
                            for b in h.children
                            if b.dep_ == "prep" and b.lower_ in ("but", "except", "than")
                            for p in b.children
                            if p.dep_ == "pobj"
                        ),
                        key=lambda p: (p.head.i, p.i),
                    )
                    if pobj and tok_actor[pobj[0].i] is None:
                        self._descriptor(a, pobj[0], "predicate")
                elif c.dep_ == "attr":
                    if tok_actor[c.i] is None:
                        self._descriptor(a, c, "predicate")
                elif c.dep_ == "acomp":
                    if c.i in d.hyphen:
                        self._hyphen_label(a, c.i, "adjective", set())
                        continue
                    t = self.lex.term(c.lemma_.lower())
                    if t is not None:
                        s, e = d.span(c.i, c.i + 1)
                        add_label(a, d.text, s, e, t.lemma, t.cls, "adjective")
        named = anchor.dep_ in ("nsubjpass", "dobj") and verb.lemma_ in self.naming_verbs
        if named:  # "X was branded terrorists", "Moscow calls X a legitimate government"
            for c in verb.children:
                # The small parser often reads the object predicate of a passive as dobj.
                second = c.dep_ == "oprd" or (anchor.dep_ == "nsubjpass" and c.dep_ == "dobj")
                if second and tok_actor[c.i] is None:
                    self._descriptor(a, c, "predicate")
                elif c.dep_ == "prep" and c.lower_ == "as":
                    for p in c.children:
                        if p.dep_ == "pobj" and tok_actor[p.i] is None:
                            self._descriptor(a, p, "predicate")
