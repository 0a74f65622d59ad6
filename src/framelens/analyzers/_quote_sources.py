"""How a source is introduced: pass 4 of the ``quotes`` analyzer (rules in its docstring).

For the speaker's own mention and the mentions of its actor: appositives, relative clauses,
premodifiers and "of Y" phrases are the speaker's ``descriptions``; its ``affiliation`` is
the first organisation (else group, else state) actor named inside them, or the
organisation a description's "its" / "the group's" points to. Who the speaker is (pass 3)
is decided by ``_quote_speakers.Resolver``, which builds each ``Speaker`` here.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..model import Actor, Span, Speaker
from ._quote_syntax import DocIndex, Lexicon, core_span, is_name, subtree_span, trim

if TYPE_CHECKING:
    from spacy.tokens import Token

#: (character offset, actor types, gender) -> the most recent compatible mention before it
Antecedent = Callable[[int, set[str], str | None], tuple[tuple[int, int], Actor] | None]
#: An actor mention: (start, end, actor), sorted by start.
MentionAt = tuple[int, int, Actor]


def mention_head(idx: DocIndex, span: tuple[int, int]) -> Token | None:
    """The token of a mention whose head lies outside it."""
    toks = idx.tokens(span[0], span[1])
    for tok in toks:
        if tok.head.i == tok.i or not (span[0] <= tok.head.idx < span[1]):
            return tok
    return None


class Sources:
    """Descriptions and affiliation of the speakers of one article."""

    def __init__(
        self,
        idx: DocIndex,
        lex: Lexicon,
        all_mentions: list[MentionAt],
        in_direct_quote: Callable[[int], bool],
        antecedent: Antecedent,
    ) -> None:
        self.idx = idx
        self.text = idx.text
        self.lex = lex
        self.all_mentions = all_mentions
        self.all_starts = [m[0] for m in all_mentions]
        self._in_direct_quote = in_direct_quote
        self._antecedent = antecedent
        self._descriptions: dict[str, list[tuple[int, int]]] = {}
        #: the "of" phrases of premodifier titles ("Secretary [of State]"): part of the
        #: description, never an affiliation
        self._title_tails: set[int] = set()

    def speaker(
        self,
        name: str,
        span: tuple[int, int] | None,
        actor: Actor | None,
        resolved_from: tuple[int, int] | None = None,
        extra_descriptions: list[tuple[int, int]] | None = None,
    ) -> Speaker:
        """The ``Speaker`` record of a resolved speaker, with how the text introduces it."""
        text = self.text
        descs: list[tuple[int, int]] = list(extra_descriptions or [])
        if span is not None and (actor is None or resolved_from is None):
            descs += self.descriptions_at(span)
        if actor is not None:
            descs += self.actor_descriptions(actor)
        descs = _dedupe(text, descs, exclude=span)
        # A speaker known only by a description ("a spokesman for the MLF") is affiliated
        # with what the description itself names.
        own = [span] if actor is None and span else []
        affiliation = self.affiliation(descs + own, actor)
        return Speaker(
            name=name,
            span=Span.of(text, *span) if span else None,
            resolved_from=Span.of(text, *resolved_from) if resolved_from else None,
            actor_id=actor.id if actor else None,
            descriptions=[Span.of(text, s, e) for s, e in descs],
            affiliation=affiliation,
        )

    def actor_descriptions(self, actor: Actor) -> list[tuple[int, int]]:
        if actor.id not in self._descriptions:
            found: list[tuple[int, int]] = []
            # How the writer introduces the actor: a mention inside someone's direct
            # quote ("deal with the government that rebuilt it") describes nothing.
            own = [m for m in actor.mentions if not self._in_direct_quote(m.start)]
            for m in own[:12]:
                found += self.descriptions_at((m.start, m.end))
            self._descriptions[actor.id] = found
        return self._descriptions[actor.id]

    def descriptions_at(self, span: tuple[int, int]) -> list[tuple[int, int]]:
        """Appositives, relative clauses, premodifiers and "of Y" phrases of a name."""
        toks = self.idx.tokens(span[0], span[1])
        head = mention_head(self.idx, span)
        if head is None:
            return []
        text = self.text
        out: list[tuple[int, int]] = []
        for child in head.children:
            if (child.dep_ == "appos" and not is_name(child)) or child.dep_ == "relcl":
                out.append(trim(text, *subtree_span(child)))
            elif child.dep_ == "prep" and child.lower_ in ("of", "from", "at", "with"):
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs and objs[0].ent_type_ in ("ORG", "GPE", "NORP"):
                    out.append(trim(text, *subtree_span(child)))
        if head.dep_ == "appos" and not is_name(head.head):
            out.append(core_span(head.head))
            out += [trim(text, *subtree_span(c)) for c in head.head.children if c.dep_ == "relcl"]
        inside = {t.i for t in toks}
        premods = [
            t
            for t in toks[0].doc[max(0, toks[0].i - 6) : toks[0].i]
            if t.head.i in inside
            and t.dep_ in ("compound", "amod", "nmod", "poss")
            and not self._name_part(t)
            and t.lemma_.lower() not in self.lex.speech  # 'Said Ellis: "..."'
        ]
        if premods:
            start = min(t.left_edge.idx for t in premods)
            words_end = max(t.idx + len(t.text) for t in premods)
            # to the end of each premodifier's phrase, before the name ("Former Secretary
            # of State Madeleine Albright": not "Former Secretary")
            end = max(min(t.right_edge.idx + len(t.right_edge.text), span[0]) for t in premods)
            while end > words_end and text[end - 1].isspace():
                end -= 1
            end = max(end, words_end)
            self._title_tails.update(range(words_end, end))
            if text[start:end].lower().rstrip(".") not in self.lex.courtesy_titles:
                out.append((start, end))
        # a description stays in the name's paragraph (the parser glues a headline or a
        # live blog's time stamp to the paragraph after it)
        para = self.idx.para(span[0])
        return [d for d in out if d[1] > d[0] and para[0] <= d[0] and d[1] <= para[1]]

    def _unaffiliating_clause(self, start: int, end: int) -> bool:
        """A relative clause whose verb does not tie the source to what it names
        ("which have backed different factions": not an affiliation with the factions)."""
        verb = _relative_verb(self.idx.tokens(start, end))
        if verb is None:
            return False
        lemmas = {verb.lemma_.lower()} | {
            c.lemma_.lower() for c in verb.children if c.dep_ in ("acomp", "xcomp", "attr")
        }
        return not lemmas & self.lex.affiliation_verbs

    def _name_part(self, tok: Token) -> bool:
        """A capitalised word before a name that is not a title ("Leyla" in "Leyla Haddad")."""
        return (
            tok.pos_ == "PROPN"
            and tok.lower_.rstrip(".") not in self.lex.titles
            and (tok.ent_type_ in ("PERSON", ""))
        )

    def affiliation(self, descs: list[tuple[int, int]], actor: Actor | None) -> str | None:
        rank = {"organisation": 0, "group": 1, "state": 2}
        best: tuple[int, int, str] | None = None
        descs = [d for d in descs if not self._unaffiliating_clause(*d)]
        for s, e in descs:
            i = bisect_left(self.all_starts, s)
            while i < len(self.all_mentions) and self.all_mentions[i][0] < e:
                ms, _me, other = self.all_mentions[i]
                i += 1
                if ms in self._title_tails:
                    continue
                if other.type in rank and (actor is None or other.id != actor.id):
                    key = (rank[other.type], ms, other.id)
                    best = key if best is None or key < best else best
        if best is not None:
            return best[2]
        for s, e in descs:
            for tok in self.idx.tokens(s, e):
                owner = tok.lower_ in ("its", "their") or (
                    tok.dep_ == "poss" and tok.lemma_.lower() in self.lex.org_nouns
                )
                if owner:
                    found = self._antecedent(s, {"organisation", "group"}, None)
                    if found is not None:
                        return found[1].id
        return None


def _relative_verb(toks: list[Token]) -> Token | None:
    """The verb of a relative clause ("who is affiliated with Y" -> "affiliated")."""
    if not toks or toks[0].lower_ not in ("who", "which", "that", "whose"):
        return None
    return next((t for t in toks if t.dep_ == "relcl"), None) or next(
        (t for t in toks if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")), None
    )


def _dedupe(
    text: str, spans: list[tuple[int, int]], exclude: tuple[int, int] | None
) -> list[tuple[int, int]]:
    seen: set[str] = set()
    out = []
    for s, e in spans:
        key = text[s:e].lower()
        if not key or key in seen or (exclude and s < exclude[1] and exclude[0] < e):
            continue
        seen.add(key)
        out.append((s, e))
    return out
