"""Collective groups and metonyms for the ``actors`` analyzer.

* **Collective groups** are named by common nouns of the label lexicon's ``group`` role when
  the text treats them as actors: definite ("the rebels", "the regime"), bare plurals
  ("militias hold the road"), or with an owner or a defining compound ("government forces",
  "opposition fighters", "death squads", "Iranian-backed Shia militias").
* **Metonyms**: a ``metonym`` noun with an owner is a mention of the owner, labelled by the
  noun ("the Assad regime", "Assad's regime", "the Marnian government" -> Assad / Marnia);
  a bare definite one ("the regime") refers back to the one actor already labelled so.

Every noun that names a group or a metonym also gives its actor a label (construction
``name``, ``compound`` or ``possessive``). The pass returns the *anchors*: for each head
token of a mention, the actor it speaks for (read by the labels and enumerations passes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ..text.syntax import head_of
from ._actor_records import (
    MOD_DEPS,
    QUOTE_MARKS,
    SIDES,
    ActorDoc,
    Anchor,
    Draft,
    Mention,
    Owner,
    TermMatch,
    TokenActors,
    add_label,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ._labels import LabelLexicon

_INDEFINITE = {"a", "an", "another", "any", "every", "each", "no", "some", "many", "few"}
_PRONOUN_POSS = {"its", "their", "his", "her", "our", "my", "your", "whose"}
#: Group nouns too generic to name an actor on their own: "opposition groups" and "MLF
#: units" are actors, "the group" and "units" are not.
_NEEDS_MODIFIER = {"group", "unit", "faction", "force", "coalition"}


class _Deferred(NamedTuple):
    """A bare group or metonym noun ("the regime"), resolved once every owner is known."""

    token: Token
    t0: int  # first token of the group's name
    first: int  # first token of the lexicon term
    lemma: str
    role: str  # "group" or "metonym"


def groups_and_metonyms(
    lex: LabelLexicon, d: ActorDoc, actors: dict[str, Draft], tok_actor: TokenActors
) -> dict[int, Anchor]:
    """Find group and metonym mentions; return anchors: head token -> (actor key, span)."""
    return _Groups(lex, d, actors, tok_actor).run()


def is_group_candidate(t: Token, lemma: str) -> bool:
    """Whether a group noun is used as an actor here, not as a descriptor or a modifier."""
    if t.pos_ not in ("NOUN", "PROPN", "ADJ") or t.dep_ in (
        "appos",
        "attr",
        "oprd",
        "compound",
        "amod",
        "npadvmod",
        "nmod",
    ):
        return False
    if t.pos_ == "ADJ" and lemma not in SIDES:
        return False
    if t.dep_ == "pobj" and t.head.lower_ == "as":
        return False  # "described as terrorists": a label, read as such
    dets = [c.lower_ for c in t.children if c.dep_ in ("det", "predet")]
    plural = t.tag_ in ("NNS", "NNPS")
    if lemma in SIDES:  # "the left", not "to the left" or "the right to protest"
        return (
            "the" in dets
            and not plural
            and not any(c.dep_ == "prep" and c.lower_ in ("to", "of") for c in t.children)
            and not (t.dep_ == "pobj" and t.head.lower_ in ("on", "to", "from", "at"))
        )
    if dets and dets[0] == "no":
        return False
    return plural or not any(x in _INDEFINITE for x in dets)


class _Groups:
    def __init__(
        self, lex: LabelLexicon, d: ActorDoc, actors: dict[str, Draft], tok_actor: TokenActors
    ) -> None:
        self.lex, self.d, self.actors, self.tok_actor = lex, d, actors, tok_actor
        self.anchors: dict[int, Anchor] = {}

    def run(self) -> dict[int, Anchor]:
        d, actors, tok_actor, anchors = self.d, self.actors, self.tok_actor, self.anchors
        doc, text = d.doc, d.text
        owner_toks: set[int] = set()  # "Kessel" in "the Kessel regime": the NP is the anchor
        deferred: list[_Deferred] = []
        heads = self.lex.last_words
        for t in doc:
            if tok_actor[t.i] is not None or t.i in d.hyphen:
                continue
            if t.lemma_.lower() not in heads and t.lower_ not in heads:
                continue
            lemma, first = self._name_match(t)
            term = self.lex.term(lemma)
            if term is None or term.role not in ("group", "metonym"):
                continue
            if not is_group_candidate(t, t.lemma_.lower()):
                continue
            owner = self._owner(t)
            poss_pronoun = any(c.dep_ == "poss" and c.lower_ in _PRONOUN_POSS for c in t.children)
            if term.role == "metonym":
                if owner is not None:
                    o = actors[owner.key]
                    o.label_lemmas.add(lemma)
                    s, e = d.span(first, t.i + 1)
                    add_label(o, text, s, e, lemma, term.cls, owner.construction)
                    otok = owner.token
                    om = [m for m in o.mentions if m.t0 <= otok.i < m.t1]
                    os_, oe = (om[0].start, om[0].end) if om else d.span(otok.i, otok.i + 1)
                    anchors[t.i] = Anchor(owner.key, os_, oe)
                    owner_toks.add(head_of(doc, om[0].t0, om[0].t1).i if om else otok.i)
                elif not poss_pronoun:
                    deferred.append(_Deferred(t, first, first, lemma, "metonym"))
                continue
            # A group: its name is the lexicon term plus the defining compounds before it.
            t0 = first
            while (
                t0 > 0
                and tok_actor[t0 - 1] is None
                and doc[t0 - 1].dep_ == "compound"
                and t0 <= doc[t0 - 1].head.i <= t.i
                and doc[t0 - 1].pos_ in ("NOUN", "PROPN")
                and t0 - 1 not in d.hyphen
            ):
                t0 -= 1
            t0 = self._absorb_norp(t, t0)
            if lemma in _NEEDS_MODIFIER:
                # "some opposition groups", "anti-Muslim group": the modifiers name it.
                while (
                    t0 > 0
                    and tok_actor[t0 - 1] is None
                    and doc[t0 - 1].dep_ in ("amod", "compound", "npadvmod", "punct")
                    and doc[t0 - 1].text not in QUOTE_MARKS
                    and (doc[t0 - 1].dep_ != "punct" or t0 - 1 in d.hyphen)
                    and (t0 - 1 in d.hyphen or doc[t0 - 1].head.i == t.i)
                    and (t0 - 1 in d.hyphen or self._names_group(doc[t0 - 1]))
                ):
                    t0 -= 1
            has_mods = t0 < t.i or any(c.dep_ in ("amod", "compound") for c in t.children)
            if owner is None and not has_mods and not poss_pronoun:
                if lemma not in _NEEDS_MODIFIER:
                    deferred.append(_Deferred(t, t0, first, lemma, "group"))
                continue
            self._add_group(t, t0, first, lemma, owner)
        for item in deferred:
            self._resolve_deferred(item)
        for a in actors.values():
            for m in a.mentions:
                if m.proper:
                    h = head_of(doc, m.t0, m.t1)
                    if h.i not in owner_toks:
                        anchors.setdefault(h.i, Anchor(a.key, m.start, m.end))
        return anchors

    def _resolve_deferred(self, item: _Deferred) -> None:
        d, t = self.d, item.token
        if item.role == "metonym":
            holders = [a for a in self.actors.values() if item.lemma in a.label_lemmas]
        else:
            holders = [a for a in self.actors.values() if a.group_head == t.lemma_.lower()]
        term = self.lex.term(item.lemma)
        assert term is not None
        if len(holders) == 1:
            # "the regime" refers back to the one actor the text calls a regime.
            a = holders[0]
            s, e = d.span(item.t0, t.i + 1)
            a.add(Mention(item.t0, t.i + 1, s, e, a.type, proper=False, term_first=item.first))
            for i in range(item.t0, t.i + 1):
                self.tok_actor[i] = a.key
            self.anchors[t.i] = Anchor(a.key, s, e)
            fs, fe = d.span(item.first, t.i + 1)
            add_label(a, d.text, fs, fe, item.lemma, term.cls, "name")
        else:
            etype = "organisation" if item.role == "metonym" else "group"
            self._add_group(t, item.t0, item.first, item.lemma, None, etype)

    def _name_match(self, t: Token) -> TermMatch:
        """The longest lexicon term ending at ``t`` ("death squad")."""
        doc, tok_actor = self.d.doc, self.tok_actor
        mods: list[Token] = []
        i = t.i - 1
        while i >= 0 and len(mods) < self.lex.max_words - 1:
            c = doc[i]
            if tok_actor[i] is not None or c.is_punct or c.dep_ not in ("compound", "amod"):
                break
            if c.head.i != t.i and c.head.i not in {x.i for x in mods}:
                break
            mods.insert(0, c)
            i -= 1
        head = t.lemma_.lower()
        for k in range(len(mods), 0, -1):
            lemma = " ".join([*(x.lemma_.lower() for x in mods[-k:]), head])
            if lemma in self.lex.terms:
                return TermMatch(lemma, mods[-k].i)
        return TermMatch(head, t.i)

    def _names_group(self, tok: Token) -> bool:
        """A modifier that says which group: a noun, a name, or a listed adjective ("armed")."""
        if tok.pos_ in ("NOUN", "PROPN"):
            return True
        return tok.pos_ == "ADJ" and (
            tok.text[:1].isupper() or self.lex.term(tok.lemma_.lower()) is not None
        )

    def _owner(self, t: Token) -> Owner | None:
        """The actor a group or metonym noun belongs to: "the Kessel regime", "Russia's army"."""
        d, tok_actor, actors = self.d, self.tok_actor, self.actors
        for c in t.children:
            if c.i > t.i or c.dep_ not in MOD_DEPS or c.i in d.hyphen:
                continue  # "Iranian-backed militias": Iran backs them, it does not own them
            key = tok_actor[c.i]
            a = actors.get(key) if key else None
            if a is None or key is None:
                continue
            if a.type == "group" and not a.fixed_type:
                if self.lex.role_of(t.lemma_.lower()) != "metonym":
                    continue  # an unresolved NER group adjective ("Shia") joins the name
                a.type = "state"  # "the Marnian government": a demonym after all
            return Owner(key, ("possessive" if c.dep_ == "poss" else "compound"), c)
        if self.lex.role_of(t.lemma_.lower()) == "metonym":
            for c in t.children:  # "the government of Marnia"
                if c.dep_ == "prep" and c.lower_ == "of":
                    for p in c.children:
                        key = tok_actor[p.i]
                        if p.dep_ == "pobj" and key is not None:
                            return Owner(key, "possessive", p)
        return None

    def _absorb_norp(self, t: Token, t0: int) -> int:
        """Fold an unresolved NER group adjective into the group name ("Shia militias")."""
        d, tok_actor = self.d, self.tok_actor
        i = t0 - 1
        if i < 0:
            return t0
        key = tok_actor[i]
        a = self.actors.get(key) if key else None
        if (
            a is None
            or key is None
            or a.type != "group"
            or a.fixed_type
            or d.doc[i].head.i != t.i
            or d.doc[i].dep_ not in ("compound", "amod")
            or i in d.hyphen
        ):
            return t0
        a.mentions = [m for m in a.mentions if not (m.t0 <= i < m.t1)]
        j = i
        while j - 1 >= 0 and tok_actor[j - 1] == key:
            j -= 1
        for k in range(j, i + 1):
            tok_actor[k] = None
        return j

    def _add_group(
        self,
        t: Token,
        t0: int,
        first: int,
        lemma: str,
        owner: Owner | None,
        etype: str = "group",
    ) -> None:
        d, actors = self.d, self.actors
        doc, text = d.doc, d.text
        s, e = d.span(t0, t.i + 1)
        surface = text[s:e]
        name_lemma = " ".join(doc[i].lemma_.lower() for i in range(t0, t.i + 1))
        okey = owner.key if owner else ""
        key = f"grp:{okey}:{name_lemma}"
        if key not in actors:
            name = surface
            if owner is not None:
                # "Marnian government forces", "Kessel's forces": the owner names the group.
                om = [m for m in actors[okey].mentions if m.t0 <= owner.token.i < m.t1]
                if om and om[0].end <= s and text[om[0].end : s].strip() in ("", "'s", "’s"):
                    name = text[om[0].start : e]
            actors[key] = Draft(key=key, name=name, type=etype, fixed_type=True)
            actors[key].group_head = t.lemma_.lower()
        a = actors[key]
        a.add(Mention(t0, t.i + 1, s, e, etype, proper=False, term_first=first))
        if surface != a.name:
            a.aliases.add(surface)
        for i in range(t0, t.i + 1):
            self.tok_actor[i] = key
        self.anchors[t.i] = Anchor(key, s, e)
        term = self.lex.term(lemma)
        if term is not None:
            fs, fe = d.span(max(first, t0), t.i + 1)
            add_label(a, text, fs, fe, lemma, term.cls, "name")
