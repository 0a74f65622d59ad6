"""Who said it: the speaker of each attribution, resolved by rules (no coreference model).

The rules are listed in the ``quotes`` module docstring; this module implements its pass
3: surface speaker -> name (pronouns, relative pronouns, descriptions linked by a copula,
documents and their issuers, generic organisation nouns). Pass 4, how the source is
introduced (descriptions) and its organisational affiliation, is ``_quote_sources``.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Actor, Speaker
from ..text.intervals import Ranges
from ..text.quote_marks import Region
from ._quote_sources import Sources, mention_head
from ._quote_syntax import (
    NAME_ENTS,
    DocIndex,
    Found,
    Lexicon,
    core_span,
    entity_span,
    has_name_modifier,
    is_definite,
    is_name,
    span_of,
    subject_of,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

#: Sentences either side searched for "the writer is X" links and document owners.
LINK_SENTENCES = 4
PERSON_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
GROUP_PRONOUNS = {"it", "they", "them"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
_NAME_STRIP = " ―—–-\"“”‘’'.,:;"


@dataclass
class _Resolved:
    name: str
    span: tuple[int, int] | None
    actor: Actor | None = None
    resolved_from: tuple[int, int] | None = None
    extra_descriptions: list[tuple[int, int]] = field(default_factory=list)


class Resolver:
    def __init__(
        self, idx: DocIndex, lex: Lexicon, actors: list[Actor], direct: list[Region]
    ) -> None:
        self.idx = idx
        self.text = idx.text
        self.lex = lex
        self.actors = actors
        self.quoted = [(r.inner_start, r.inner_end) for r in direct]
        self._quoted_index = Ranges(self.quoted)
        mentions = [
            (m.start, m.end, a)
            for a in actors
            for m in a.mentions
            if not self._in_direct_quote(m.start)
        ]
        mentions.sort(key=lambda x: x[0])
        self.mentions = mentions
        self.mention_starts = [m[0] for m in mentions]
        self.all_mentions = sorted(
            ((m.start, m.end, a) for a in actors for m in a.mentions), key=lambda x: x[0]
        )
        self.all_starts = [m[0] for m in self.all_mentions]
        self.gender: dict[str, str] = {}
        self._learn_gender()
        self.history: list[tuple[Found, Speaker, list[Speaker]]] = []
        #: One-word labels the actors analyzer pinned on an actor ("the Marnian
        #: government", "the Kessel regime"), by their start: that noun is the actor.
        self.labelled: dict[tuple[int, int], Actor] = {
            (lab.span.start, lab.span.end): a for a in actors for lab in a.labels
        }
        self.sources = Sources(idx, lex, self.all_mentions, self._in_direct_quote, self._antecedent)

    def _in_direct_quote(self, pos: int) -> bool:
        return self._quoted_index.holds_point(pos)

    # -- entry point --

    def speakers(self, item: Found) -> tuple[Speaker | None, list[Speaker]]:
        """The speaker of a quote, and the co-speakers of a joint statement."""
        if item.continues:
            return self._continued(item)
        if item.subject is None:
            return None, []
        res = self._resolve(item.subject)
        if res is None:
            return None, []
        speaker = self._build(res)
        co = self._co_speakers(item.subject, res)
        self.history.append((item, speaker, co))
        return speaker, co

    def _continued(self, item: Found) -> tuple[Speaker | None, list[Speaker]]:
        if not self.history:
            return None, []
        prev_item, prev, co = self.history[-1]
        gap = self.idx.para_no(item.content[0]) - self.idx.para_no(prev_item.content[1])
        # A quote run: a direct quote in the same or the next paragraph, or reported speech
        # in the same paragraph.
        if gap > (1 if prev_item.kind == "direct" else 0):
            return None, []
        return prev.model_copy(deep=True), [c.model_copy(deep=True) for c in co]

    def _co_speakers(self, tok: Token, first: _Resolved) -> list[Speaker]:
        """Names coordinated with a named speaker ("Turkey, Qatar and Saudi Arabia said"),
        one speaker each; "they" speaks for every name coordinated in its antecedent
        ("Turkey and Qatar ... They said"). A description subject has none."""
        plural = tok.lower_ in ("they", "them")
        if plural and first.actor is not None and first.span is not None:
            head = self._mention_head(first.span)
            conjuncts = list(head.conjuncts) if head is not None else []
        elif first.actor is not None or tok.pos_ == "PROPN" or tok.ent_type_ in NAME_ENTS:
            conjuncts = [c for c in tok.conjuncts if c.i > tok.i]
        else:
            return []
        seen = {first.actor.id if first.actor else first.name.lower()}
        out: list[Speaker] = []
        for conj in conjuncts:
            if not (conj.pos_ == "PROPN" or conj.ent_type_ in NAME_ENTS):
                continue
            res = self._named(entity_span(conj) or span_of(conj))
            key = res.actor.id if res.actor else res.name.lower()
            if key not in seen:
                seen.add(key)
                out.append(self._build(res))
        return out

    # -- surface speaker -> name --

    def _resolve(self, tok: Token) -> _Resolved | None:
        lower = tok.lower_
        if lower in RELATIVE_PRONOUNS and tok.head.dep_ in ("relcl", "acl"):
            antecedent = tok.head.head
            res = self._resolve(antecedent)
            if res is not None and res.resolved_from is None:
                res.resolved_from = span_of(tok)
            return res
        if tok.pos_ == "PRON" or lower in PERSON_PRONOUNS or lower in GROUP_PRONOUNS:
            return self._pronoun(tok)
        if tok.pos_ == "PROPN" or tok.ent_type_ in NAME_ENTS:
            res = self._named(entity_span(tok) or span_of(tok))
            res.extra_descriptions += self._sibling_subject(tok)
            return res
        core = core_span(tok)
        appos = [
            t
            for t in tok.subtree
            if t.dep_ == "appos" and is_name(t) and core[0] <= t.head.idx < core[1]
        ]
        if appos:  # "His information minister, Tomas Varga, said"
            res = self._named(entity_span(appos[0]) or span_of(appos[0]))
            res.extra_descriptions.append(core)
            return res
        lemma = tok.lemma_.lower()
        if lemma in self.lex.documents:
            return self._document(tok)
        if lemma in self.lex.org_nouns and is_definite(tok) and not has_name_modifier(tok):
            return self._generic_org(tok)
        linked = self._linked_name(tok)
        if linked is not None:
            return linked
        labelled = self.labelled.get((tok.idx, tok.idx + len(tok.text)))
        if labelled is not None:  # "The Marnian government insists": Marnia speaks
            return _Resolved(labelled.name, core, labelled)
        return _Resolved(self.text[core[0] : core[1]], core)

    def _sibling_subject(self, tok: Token) -> list[tuple[int, int]]:
        """ "The medical charity Karsa Medical Relief said": the description before the name."""
        start = (entity_span(tok) or span_of(tok))[0]
        for sib in tok.head.lefts:
            if sib.dep_ == "nsubj" and sib.i < tok.i and sib.pos_ == "NOUN":
                core = core_span(sib)
                if not self.text[core[1] : start].strip():
                    return [core]
        return []

    def _named(self, span: tuple[int, int]) -> _Resolved:
        actor = self._actor_at(span)
        name = actor.name if actor else self.text[span[0] : span[1]]
        return _Resolved(name.strip(_NAME_STRIP) or name, span, actor)

    def _actor_at(self, span: tuple[int, int]) -> Actor | None:
        i = bisect_left(self.all_starts, span[1]) - 1
        while i >= 0 and self.all_mentions[i][0] >= span[0] - 200:
            s, e, actor = self.all_mentions[i]
            if s < span[1] and span[0] < e:
                return actor
            i -= 1
        surface = self.text[span[0] : span[1]]
        for actor in self.actors:
            if surface == actor.name or surface in actor.aliases:
                return actor
        return None

    def _pronoun(self, tok: Token, exclude: frozenset[str] | set[str] = frozenset()) -> _Resolved:
        lower = tok.lower_
        surface = span_of(tok)
        if lower in PERSON_PRONOUNS:
            found = self._antecedent(tok.idx, {"person"}, PERSON_PRONOUNS[lower], exclude)
        elif lower in GROUP_PRONOUNS:
            found = self._antecedent(tok.idx, {"organisation", "state", "group"}, None, exclude)
        else:
            found = None
        if found is None:
            return _Resolved(tok.text, surface)
        (s, e), actor = found
        if lower in PERSON_PRONOUNS and actor.id not in self.gender:
            self.gender[actor.id] = PERSON_PRONOUNS[lower]
        return _Resolved(actor.name, (s, e), actor, resolved_from=surface)

    def pronoun_antecedent(self, tok: Token) -> tuple[Actor, tuple[int, int]] | None:
        """The actor, and the mention of it, that a personal pronoun ("he", "her", "it",
        "they", "them") stands for: what ``_pronoun`` resolves a speaker pronoun to, for
        other analyzers (``relations``). ``None`` when no compatible mention precedes it."""
        if tok.lower_ not in PERSON_PRONOUNS and tok.lower_ not in GROUP_PRONOUNS:
            return None
        res = self._pronoun(tok, self._coarguments(tok))
        if res.actor is None or res.span is None or res.resolved_from is None:
            return None
        return res.actor, res.span

    def _coarguments(self, tok: Token) -> set[str]:
        """Actors a non-subject pronoun cannot stand for: the subjects of its own verb
        ("Turkey accused them": "them" is not Turkey; "Turkey accused itself" would be)."""
        if tok.dep_ in ("nsubj", "nsubjpass"):
            return set()
        verb = tok.head.head if tok.dep_ == "pobj" else tok.head
        out: set[str] = set()
        for c in verb.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                for t in c.subtree:
                    actor = self._actor_at((t.idx, t.idx + len(t)))
                    if actor is not None:
                        out.add(actor.id)
        return out

    def _antecedent(
        self,
        pos: int,
        types: set[str],
        gender: str | None,
        exclude: frozenset[str] | set[str] = frozenset(),
    ) -> tuple[tuple[int, int], Actor] | None:
        """Most recent compatible mention, sentence by sentence back, a subject first
        (actors in ``exclude`` skipped)."""
        i = bisect_left(self.mention_starts, pos) - 1
        by_sentence: dict[int, list[tuple[int, int, Actor]]] = {}
        order: list[int] = []
        while i >= 0 and len(order) <= LINK_SENTENCES * 2:
            s, e, actor = self.mentions[i]
            i -= 1
            if actor.type not in types or e > pos or actor.id in exclude:
                continue
            if gender and self.gender.get(actor.id, gender) != gender:
                continue
            sno = self.idx.sent_no(s)
            if sno not in by_sentence:
                order.append(sno)
                by_sentence[sno] = []
            by_sentence[sno].append((s, e, actor))
        for sno in order:
            cands = by_sentence[sno]
            subjects = [c for c in cands if self._is_subject(c[0], c[1])]
            s, e, actor = (subjects or cands)[0]
            return (s, e), actor
        return None

    def _is_subject(self, start: int, end: int) -> bool:
        for tok in self.idx.tokens(start, end):
            if tok.head.idx >= end or tok.head.idx < start or tok.head is tok:
                dep = tok.dep_ if tok.dep_ != "appos" else tok.head.dep_
                return dep in ("nsubj", "nsubjpass")
        return False

    def _document(self, tok: Token) -> _Resolved:
        core = core_span(tok)
        surface = self.text[core[0] : core[1]]
        owner = self._document_owner(tok)
        if owner is not None:
            owner.resolved_from = core
            return owner
        # "Karsa Medical Relief stated ... The report adds": the latest attribution nearby.
        sno = self.idx.sent_no(tok.idx)
        for prev_item, prev, _ in reversed(self.history):
            if sno - self.idx.sent_no(prev_item.content[0]) > 3:
                break
            if prev.actor_id is not None:
                return _Resolved(
                    prev.name,
                    (prev.span.start, prev.span.end) if prev.span else None,
                    self._actor_by_id(prev.actor_id),
                    resolved_from=core,
                )
        return _Resolved(surface, core)

    def _document_owner(self, tok: Token) -> _Resolved | None:
        for child in tok.children:
            if child.dep_ == "poss":
                if child.pos_ == "PRON":
                    res = self._pronoun(child)
                    return res if res.actor else None
                return self._resolve(child)
            if child.dep_ == "prep" and child.lower_ in ("by", "from", "of"):
                objs = [c for c in child.children if c.dep_ == "pobj" and is_name(c)]
                if objs:
                    return self._named(entity_span(objs[0]) or span_of(objs[0]))
        # "One commentator published a column ...": the subject that issued this document.
        lemma = tok.lemma_.lower()
        sno = self.idx.sent_no(tok.idx)
        sents = self.idx.sents
        for k in range(sno, max(-1, sno - LINK_SENTENCES), -1):
            for t in sents[k]:
                if t.i >= tok.i:
                    break
                if t.lemma_.lower() == lemma and t.dep_ in ("dobj", "nsubjpass"):
                    verb = t.head
                    subj = subject_of(verb) if t.dep_ == "dobj" else None
                    if subj is not None and subj.i != tok.i:
                        return self._resolve(subj)
        return None

    def _generic_org(self, tok: Token) -> _Resolved:
        core = core_span(tok)
        found = self._antecedent(tok.idx, {"organisation", "group"}, None)
        if found is None:
            return _Resolved(self.text[core[0] : core[1]], core)
        span, actor = found
        return _Resolved(actor.name, span, actor, resolved_from=core)

    def _linked_name(self, tok: Token) -> _Resolved | None:
        """ "One commentator ... In fact, the writer is X": a copula linking a description."""
        lemma = tok.lemma_.lower()
        roles = self.lex.author_roles

        def same(noun: Token) -> bool:
            other = noun.lemma_.lower()
            return other == lemma or (other in roles and lemma in roles)

        sents = self.idx.sents
        sno = self.idx.sent_no(tok.idx)
        lo, hi = max(0, sno - LINK_SENTENCES), min(len(sents), sno + LINK_SENTENCES + 1)
        for k in range(lo, hi):
            for cop in sents[k]:
                if cop.lemma_ != "be":
                    continue
                subj = [c for c in cop.children if c.dep_ == "nsubj"]
                attr = [c for c in cop.children if c.dep_ == "attr"]
                if not subj or not attr:
                    continue
                a, b = subj[0], attr[0]
                for desc, name in ((a, b), (b, a)):
                    if desc.i != tok.i and desc.pos_ == "NOUN" and same(desc) and is_name(name):
                        res = self._named(entity_span(name) or span_of(name))
                        res.resolved_from = core_span(tok)
                        return res
        return None

    def _actor_by_id(self, actor_id: str | None) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)

    # -- gender evidence --

    def _learn_gender(self) -> None:
        """Gender evidence the text itself gives: "Mrs. X", "X, a spokeswoman", "chairman X"."""
        doc = self.idx.doc
        lex = self.lex
        titles = lex.titles_m | lex.titles_f
        for s, e, actor in self.all_mentions:
            if actor.type != "person":
                continue
            head = self._mention_head((s, e))
            if head is None:
                continue
            first = self.idx.tokens(s, e)[0]
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
                    self.gender.setdefault(actor.id, g)
                    break

    def _mention_head(self, span: tuple[int, int]) -> Token | None:
        return mention_head(self.idx, span)

    def _build(self, res: _Resolved) -> Speaker:
        return self.sources.speaker(
            res.name, res.span, res.actor, res.resolved_from, res.extra_descriptions
        )
