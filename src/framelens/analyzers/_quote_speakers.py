"""Who said it: the speaker of each attribution, resolved by rules (no coreference model).

The rules are listed in the ``quotes`` module docstring; this module implements its pass
3: surface speaker -> name (pronouns, relative pronouns, descriptions linked by a copula,
documents and their issuers, generic organisation nouns). Pass 4, how the source is
introduced (descriptions) and its organisational affiliation, is ``_quote_sources``; the
parties beside the speaker (a middleman, a carrier, the audience) are found by
``_quote_parties``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Actor, Mention, Span, Speaker
from ..text.furniture import dateline_end
from ..text.intervals import Ranges
from ..text.quote_marks import Region
from ..text.syntax import one_member
from ._quote_gender import gender_evidence
from ._quote_parties import RELATIVE_PRONOUNS, audience, carrier, middleman
from ._quote_roles import RoleIndex
from ._quote_sources import Sources, mention_head
from ._quote_syntax import (
    NAME_ENTS,
    DocIndex,
    Found,
    Lexicon,
    capitalised_propn,
    core_span,
    entity_span,
    has_name_modifier,
    is_definite,
    is_name,
    mention_span,
    sender_of,
    span_of,
    subject_of,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

#: Sentences either side searched for "the writer is X" links and document owners.
LINK_SENTENCES = 4
PERSON_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
GROUP_PRONOUNS = {"it", "they", "them"}
_NAME_STRIP = " ―—–-\"“”‘’'.,:;"
#: Entity types that never speak: dates, times, amounts and (unnamed-state) places.
NOT_SPEAKER_ENTS = {"DATE", "TIME", "MONEY", "LOC"}
#: Documents that stand for the organisation named last when nothing else owns them.
STATEMENT_NOUNS = {"statement", "communique", "communiqué", "release", "announcement", "report"}
_PLACE_BEFORE = re.compile(r"\b(?:in|near|outside|inside)\s+(?:the\s+)?$", re.I)
_PLACE_AFTER = re.compile(
    r"\s*(?:district|neighbou?rhood|quarter|province|street|square|village|suburb|"
    r"governorate|valley|refugee camp)\b",
    re.I,
)


_AGE = re.compile(r"\d+[- ]years?[- ]old\b|\b\w+-year-old\b", re.I)


def _appositive_person(tok: Token) -> Token | None:
    """The person named in apposition to a title that is not a name itself: "Palm Beach
    County Supervisor of Elections Susan Bucher said" (the parser's subject is the title,
    whose place words must not make the speaker a place)."""
    if tok.ent_type_ in NAME_ENTS:
        return None
    for child in tok.rights:
        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
            return child
    # "Lake Arden County Registrar of Voters Tom Beck said": the parser hangs the name on
    # the title's "of" phrase. Only a capitalised title: in "the wife of Tom Beck said"
    # the wife speaks.
    edge = tok.right_edge
    if tok.pos_ == "PROPN" and edge.i > tok.i and edge.ent_type_ == "PERSON":
        return edge
    return None


def _is_age(tok: Token) -> bool:
    """ "the 52-year-old", "a 30-year-old": the subject is an age descriptor."""
    sub = tok.doc[tok.left_edge.i : tok.right_edge.i + 1].text
    return tok.lower_ in ("old", "olds") and _AGE.search(sub) is not None


@dataclass
class _Resolved:
    name: str
    span: tuple[int, int] | None
    actor: Actor | None = None
    resolved_from: tuple[int, int] | None = None
    extra_descriptions: list[tuple[int, int]] = field(default_factory=list)
    #: How the text names the speaker here (``Speaker.introduced``).
    how: str = "name"


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
        self.headline, furniture, self.agency = idx.furniture
        self._furniture_index = Ranges(furniture)
        self.placey = self._place_like(actors)
        # Antecedents come from the writer's own body text: not from inside direct quotes,
        # the headline, the dateline, bylines or captions, and never a place.
        mentions = [
            (m.start, m.end, a)
            for a in actors
            for m in a.mentions
            if not self._in_direct_quote(m.start)
            and not self._furniture_index.holds_point(m.start)
            and a.id not in self.placey
        ]
        mentions.sort(key=lambda x: x[0])
        self.mentions = mentions
        self.mention_starts = [m[0] for m in mentions]
        self.all_mentions = sorted(
            ((m.start, m.end, a) for a in actors for m in a.mentions), key=lambda x: x[0]
        )
        self.all_starts = [m[0] for m in self.all_mentions]
        #: actor id -> "m" / "f", from what the text says (``_quote_gender``); resolving a
        #: "he" or "she" to an actor adds to it
        self.gender = gender_evidence(self.idx, self.lex, self.all_mentions, self.actors)
        self.history: list[tuple[Found, Speaker, list[Speaker]]] = []
        #: One-word labels the actors analyzer pinned on an actor ("the Marnian
        #: government", "the Kessel regime"), by their start: that noun is the actor.
        self.labelled: dict[tuple[int, int], Actor] = {
            (lab.span.start, lab.span.end): a for a in actors for lab in a.labels
        }
        self.sources = Sources(idx, lex, self.all_mentions, self._in_direct_quote, self._antecedent)
        #: the roles the text gives its actors and names (pattern 1)
        self.roles = RoleIndex(
            idx, lex, self.sources, self.all_mentions, self.placey, self._actor_at
        )

    # -- headline, dateline, bylines and captions (pattern 7) --

    def in_headline(self, pos: int) -> bool:
        return self.headline is not None and self.headline[0] <= pos < self.headline[1]

    # -- places are not speakers (pattern 4) --

    def _place_like(self, actors: list[Actor]) -> set[str]:
        """Actors that stand for places: typed so, or a "person" the recogniser found only
        in a place context ("in the al-Karm district")."""
        out = set()
        text = self.text
        for a in actors:
            if a.type == "place":
                # An outlet the recogniser took for a place ("an article in Politico")
                # still speaks where the text makes it report: "as Politico reported".
                if not any(self._reports(m.start, m.end) for m in a.mentions):
                    out.add(a.id)
            elif a.type == "person" and a.mentions:
                after = [_PLACE_AFTER.match(text, m.end) for m in a.mentions]
                before = [
                    _PLACE_BEFORE.search(text, max(0, m.start - 16), m.start) for m in a.mentions
                ]
                possessive = any(text[m.end : m.end + 2] in ("'s", "’s") for m in a.mentions)
                acts = any(self._is_subject(m.start, m.end) for m in a.mentions)
                if any(after) or (all(before) and not possessive and not acts):
                    out.add(a.id)
        return out

    def _cannot_speak(self, tok: Token) -> bool:
        """A date, an amount or a place ("in Aleppo") is never a speaker; a state named as a
        speaker ("Syria said") is its government and may speak."""
        if tok.pos_ == "PROPN" or tok.ent_type_ in NAME_ENTS:
            actor = self._actor_at(entity_span(tok) or span_of(tok))
            if actor is not None:
                return actor.id in self.placey
        if tok.ent_type_ == "DATE" and _is_age(tok):
            return False  # "the 52-year-old said": an age stands for a person
        return tok.ent_type_ in NOT_SPEAKER_ENTS

    def _in_direct_quote(self, pos: int) -> bool:
        return self._quoted_index.holds_point(pos)

    # -- entry point --

    def speakers(self, item: Found) -> tuple[Speaker | None, list[Speaker]]:
        """The speaker of a quote, and the co-speakers of a joint statement."""
        if item.continues:
            return self._continued(item)
        subject = item.subject
        cue = self.idx.token_at(item.cue[0]) if item.cue else None
        via: Token | None = None
        if cue is not None:
            middle = middleman(cue, subject)
            if middle is not None:
                subject, via = middle
        if subject is not None:
            subject = self._past_dateline(subject)
        if subject is not None:
            subject = _appositive_person(subject) or subject
        if subject is None or self._cannot_speak(subject):
            return None, []
        res = self._label(cue, subject) if cue is not None else None
        res = res or self._resolve(subject)
        if res is None:
            return None, []
        speaker = self._build(res)
        speaker.introduced = "headline" if self.in_headline(subject.idx) else res.how
        speaker.mention = self._mention_phrase(res, cue)
        if cue is not None:
            speaker.audience = self._audience(cue, subject)
            if via is None:
                via = self._carrier(cue)
        if via is not None:
            speaker.via = self._mention(via)
        co = self._co_speakers(subject, res)
        if not self.in_headline(item.content[0]):
            self.history.append((item, speaker, co))
        return speaker, co

    def _past_dateline(self, subject: Token) -> Token | None:
        """A dateline's place is never the subject ("HALDEN, July 19 (Wire) — Former
        Attorney General Ana Ruiz told ...": the parser hangs the lead's subject on the
        place as an apposition): the apposition after the dateline, or nobody."""
        end = dateline_end(self.text, self.idx.para(subject.idx)[0])
        if end is None or subject.idx >= end:
            return subject
        later = [c for c in subject.subtree if c.dep_ == "appos" and c.idx >= end]
        return later[0] if later else None

    def _label(self, cue: Token, subject: Token) -> _Resolved | None:
        """'Ruiz: "..."' where the parse hangs the quote (and a headline's lead) on the
        label's word: the label's words name the speaker."""
        if cue.text != ":" or subject.i != cue.i - 1 or core_span(subject)[1] <= cue.idx:
            return None
        start = max(self.idx.para(cue.idx)[0], cue.sent.start_char)
        if any(t.pos_ in ("VERB", "AUX") for t in self.idx.tokens(start, cue.idx)):
            return None  # 'Said Ellis: "..."' is no label
        label = self.text[start : cue.idx]
        lead = len(label) - len(label.lstrip())
        return self._named((start + lead, start + len(label.rstrip())))

    # -- carriers and audiences (patterns 3 and 5: ``_quote_parties``) --

    def _mention_phrase(self, res: _Resolved, cue: Token | None) -> Span | None:
        """The whole phrase naming the speaker where it speaks (``mention_span``), from the
        mention the speaker was read from here: the role or pronoun a name was resolved
        from, else the name, and the description a name is in apposition to ("The minister
        for fisheries, Ana Dorsey,")."""
        local = res.resolved_from or res.span
        head = self._mention_head(local) if local is not None else None
        if head is None:
            return None
        tops = (head.head, head) if head.dep_ == "appos" and head.head.i < head.i else (head,)
        for top in tops:
            found = mention_span(top, cue)
            if found is not None and found[0] <= head.idx < found[1]:
                return Span.of(self.text, *found)
        return None

    def _carrier(self, cue: Token) -> Token | None:
        return carrier(cue, self.lex.documents)

    def _audience(self, cue: Token, subject: Token) -> Mention | None:
        told = audience(cue, subject)
        return self._mention(told) if told is not None else None

    def _mention(self, tok: Token) -> Mention:
        span = entity_span(tok) or core_span(tok)
        actor = self._actor_at(span) if is_name(tok) or tok.ent_type_ in NAME_ENTS else None
        name = actor.name if actor else self.text[span[0] : span[1]]
        return Mention(
            name=name.strip(_NAME_STRIP) or name,
            span=Span.of(self.text, *span),
            actor_id=actor.id if actor else None,
        )

    def _continued(self, item: Found) -> tuple[Speaker | None, list[Speaker]]:
        if not self.history:
            return None, []
        prev_item, prev, co = self._last_report()
        gap = self.idx.para_no(item.content[0]) - self.idx.para_no(prev_item.content[1])
        # A quote run: a quote with no cue in the same paragraph as the last attribution or
        # the next one. News paraphrases, then quotes ("Carter said that the region would
        # not be abandoned. / “That's because ...”"); a new speaker comes with a cue.
        if gap > 1:
            return None, []
        # A quotation inside the writer's own sentence continues only a direct quote of
        # the same paragraph, or the report whose cue is in its sentence ('Mills "got an
        # immunity agreement," Jordan said, and still "got to sit in on the interview"').
        sentence = self.idx.sent_no(item.content[0])
        cue = prev_item.cue
        said_here = cue is not None and self.idx.sent_no(cue[0]) == sentence
        if item.kind == "mixed" and not said_here and (gap or prev_item.kind != "direct"):
            return None, []
        return prev.model_copy(deep=True), [c.model_copy(deep=True) for c in co]

    def _last_report(self) -> tuple[Found, Speaker, list[Speaker]]:
        """The attribution a cue-less quote continues: the last one, unless it shares its
        sentence with a direct quote's cue before it ('"...," said Ruiz, who has been
        challenging the council. "..."': that clause describes the speaker)."""
        last = self.history[-1]
        if last[0].kind == "direct" or not last[0].cue:
            return last
        sent = self.idx.sent_no(last[0].cue[0])
        for k in range(len(self.history) - 2, -1, -1):
            it = self.history[k][0]
            if not it.cue or self.idx.sent_no(it.cue[0]) != sent:
                return last
            if it.kind == "direct":
                return self.history[k]
        return last

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
                res.how = "relative"
            return res
        if tok.pos_ == "PRON" or lower in PERSON_PRONOUNS or lower in GROUP_PRONOUNS:
            return self._pronoun(tok)
        if tok.ent_type_ == "NORP" and one_member(tok):
            # "one New Hampshire Democrat said": an unnamed person, named by the phrase
            left = [c.left_edge.idx for c in tok.lefts if c.dep_ not in ("punct", "cc")]
            phrase = (min([tok.idx, *left]), tok.idx + len(tok.text))
            return _Resolved(self.text[phrase[0] : phrase[1]], phrase)
        if self.in_headline(tok.idx) and self._bare_title(tok):
            # "Minister says port deal will survive": the person the story names in that
            # role ("The transport minister, Ilse Brandt, said ...")
            ahead = self._role(tok, ahead=True)
            if ahead is not None:
                return ahead
        # a lower-case "proper noun" outside any entity is a description (as in entity_span)
        proper = capitalised_propn(tok) or (tok.pos_ == "PROPN" and bool(tok.ent_type_))
        if proper or tok.ent_type_ in NAME_ENTS:
            res = self._named(entity_span(tok) or span_of(tok))
            res.extra_descriptions += self._sibling_subject(tok)
            return res
        core = core_span(tok)
        para = self.idx.para_no(tok.idx)  # (a headline the parser glued to the lead)
        appos = [
            t
            for t in tok.subtree
            if t.dep_ == "appos"
            and is_name(t)
            and core[0] <= t.head.idx < core[1]
            and self.idx.para_no(t.idx) == para
        ]
        if appos:  # "His information minister, Tomas Varga, said"
            res = self._named(entity_span(appos[0]) or span_of(appos[0]))
            res.extra_descriptions.append(core)
            return res
        lemma = tok.lemma_.lower()
        if lemma in self.lex.documents:
            return self._document(tok)
        if is_definite(tok) and not has_name_modifier(tok) and self._unnamed_before(tok):
            # "... figures released by the transport agency. The agency said": the agency
            # the text described without a name, not the last organisation it named
            return _Resolved(self.text[core[0] : core[1]], core)
        if is_definite(tok) and not has_name_modifier(tok):
            role = self._role(tok)
            if role is not None:
                return role
            if self.agency and lemma == "agency":  # the dateline's agency
                found = self._find_named(self.agency)
                return _Resolved(
                    found.name if found else self.agency,
                    found.span if found else None,
                    found.actor if found else None,
                    resolved_from=core_span(tok),
                    how="role",
                )
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
            found = self._antecedent(
                tok.idx, {"organisation", "state", "group"}, None, exclude, singular=lower == "it"
            )
        else:
            found = None
        body = self._unnamed_speaker(tok.idx, surface, person=False) if lower == "it" else None
        if (
            body is not None
            and body.span is not None
            and (
                # "Marnia's defence ministry said ... It said": the unnamed body that spoke, when
                # no named one is the subject of a sentence nearer the pronoun
                found is None
                or (
                    not self._is_subject(*found[0])
                    and self.idx.sent_no(found[0][0]) <= self.idx.sent_no(body.span[0])
                )
            )
        ):
            return body
        if found is None:
            if lower in PERSON_PRONOUNS and (unnamed := self._unnamed_speaker(tok.idx, surface)):
                return unnamed
            return _Resolved(tok.text, surface, how="pronoun")  # unresolved: no resolved_from
        (s, e), actor = found
        if lower in PERSON_PRONOUNS and actor.id not in self.gender:
            self.gender[actor.id] = PERSON_PRONOUNS[lower]
        return _Resolved(actor.name, (s, e), actor, resolved_from=surface, how="pronoun")

    def _unnamed_speaker(
        self, pos: int, surface: tuple[int, int], *, person: bool = True
    ) -> _Resolved | None:
        """ "Another Democrat, a nurse in Concord, said ... 'Electability is all,' she
        said": a he or she with no person named before it stands for the last unnamed
        person who spoke, in the ``LINK_SENTENCES`` before it. One person: a singular noun
        at the head of the speaker's phrase, not a document, an organisation or a pronoun.
        With ``person`` false, the last unnamed body that spoke ("the defence ministry"),
        for "it": a singular noun of ``institutions`` or of the organisation nouns."""
        for item, speaker, _ in reversed(self.history):
            if self.idx.sent_no(pos) - self.idx.sent_no(item.content[0]) > LINK_SENTENCES:
                return None
            if speaker.actor_id is not None or speaker.span is None:
                return None  # a named source spoke since: not this rule's case
            span = (speaker.span.start, speaker.span.end)
            head = self._mention_head(span)
            if head is None or head.pos_ == "PRON":
                continue  # an unresolved pronoun ("she would back whoever ...")
            noun = head.lemma_.lower()
            body = noun in self.lex.org_nouns or noun in self.lex.institutions
            if head.tag_ not in ("NN", "NNP") or body == person:
                return None
            if noun in self.lex.documents or noun in STATEMENT_NOUNS:
                return None
            return _Resolved(speaker.name, span, resolved_from=surface, how="pronoun")
        return None

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
        *,
        singular: bool = False,
    ) -> tuple[tuple[int, int], Actor] | None:
        """Most recent compatible mention, sentence by sentence back, a subject first
        (actors in ``exclude`` skipped; with ``singular``, mentions that are plural common
        nouns: "it" is not "its forces", but may be "the United Nations")."""
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
            head = self._mention_head((s, e)) if singular else None
            if head is not None and head.tag_ == "NNS":  # not "the United Nations ... it"
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
            if tok.head.idx >= end or tok.head.idx < start or tok.head.i == tok.i:
                dep = tok.dep_ if tok.dep_ != "appos" else tok.head.dep_
                return dep in ("nsubj", "nsubjpass")
        return False

    def _reports(self, start: int, end: int) -> bool:
        """The mention is the subject of a verb of saying ("Politico reported")."""
        for tok in self.idx.tokens(start, end):
            if tok.head.idx >= end or tok.head.idx < start or tok.head.i == tok.i:
                verb = tok.head
                return tok.dep_ == "nsubj" and verb.lemma_.lower() in self.lex.speech
        return False

    def _document(self, tok: Token) -> _Resolved:
        core = core_span(tok)
        surface = self.text[core[0] : core[1]]
        # "Ruiz issued a statement saying", "Ruiz released a video that said": the sender
        # speaks, named where the sentence names them.
        sender = sender_of(tok) if tok.dep_ == "dobj" else None
        if sender is not None and sender.i != tok.i and not self._cannot_speak(sender):
            res = self._resolve(sender)
            if res is not None:
                return res
        owner = self._document_owner(tok)
        if owner is not None:
            owner.resolved_from = core
            owner.how = "document"
            return owner
        # "Karsa Medical Relief stated ... The report adds": the latest attribution nearby.
        sno = self.idx.sent_no(tok.idx)
        for prev_item, prev, _ in reversed(self.history):
            if sno - self.idx.sent_no(prev_item.content[0]) > 3:
                break
            if prev.actor_id is not None or (prev.span is not None and prev.resolved_from is None):
                return _Resolved(
                    prev.name,
                    (prev.span.start, prev.span.end) if prev.span else None,
                    self._actor_by_id(prev.actor_id),
                    resolved_from=core,
                    how="document",
                )
        # "The statement said": the organisation named last, as "the group said" does.
        found = self._antecedent(tok.idx, {"organisation", "group", "state"}, None)
        if found is not None and is_definite(tok) and tok.lemma_.lower() in STATEMENT_NOUNS:
            span, actor = found
            return _Resolved(actor.name, span, actor, resolved_from=core, how="document")
        return _Resolved(surface, core, how="document")

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
                # "a statement by the envoy": the description that issued it ("of" is the
                # document's topic when no name follows: "a report of the attack")
                described = [
                    c
                    for c in child.children
                    if c.dep_ == "pobj" and c.pos_ == "NOUN" and child.lower_ != "of"
                ]
                if described and not self._cannot_speak(described[0]):
                    return self._resolve(described[0])
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

    def _unnamed_before(self, tok: Token) -> bool:
        """Whether the last earlier use of ``tok``'s noun is a described one with no name
        ("the transport agency", "a local aid group"): what "the agency" then means."""
        lemma = tok.lemma_.lower()
        for k in range(tok.i - 1, -1, -1):
            t = tok.doc[k]
            if t.lemma_.lower() != lemma or t.pos_ != "NOUN":
                continue
            if t.ent_type_ or has_name_modifier(t) or t.dep_ in ("appos", "attr"):
                return False  # "the European Commission", "Ana Ruiz, the governor"
            if any(c.dep_ == "appos" for c in t.children):
                return False  # "the governor, Ana Ruiz,"
            return any(c.dep_ in ("amod", "compound") for c in t.children)
        return False

    def _generic_org(self, tok: Token) -> _Resolved:
        core = core_span(tok)
        found = self._antecedent(tok.idx, {"organisation", "group"}, None)
        if found is None:
            return _Resolved(self.text[core[0] : core[1]], core)
        span, actor = found
        return _Resolved(actor.name, span, actor, resolved_from=core, how="organisation")

    # -- role nouns (pattern 1) --

    def _bare_title(self, tok: Token) -> bool:
        """A title with no name in its phrase: a headline's "Minister says ..." (the
        tagger calls a capitalised title a proper noun)."""
        return (
            tok.lower_.rstrip(".") in self.lex.titles
            and tok.ent_type_ not in NAME_ENTS
            and not any(is_name(c) for c in tok.children)
        )

    def _role(self, tok: Token, ahead: bool = False) -> _Resolved | None:
        """ "the governor said": the named person or organisation the text gave that role
        ("Gov. Ana Ruiz", "Ana Ruiz, the governor", a headline "Governor Ruiz says", "the
        European Commission" for "the commission"), the latest such mention before it;
        with ``ahead`` (a headline's role), the first one after it, below the headline.
        In the body a role named only later stays unresolved: a later "Minister Juma
        Ali" may be another minister."""
        lemma = tok.lemma_.lower()
        best: tuple[int, Actor | tuple[int, int]] | None = None
        if ahead:
            best = next(
                (
                    (start, actor)
                    for start, role, actor in self.roles.entries()
                    if start > tok.idx and role == lemma and not self.in_headline(start)
                ),
                None,
            )
        else:
            for start, role, actor in self.roles.entries():
                if start >= tok.idx:
                    break
                if role == lemma:
                    best = (start, actor)
        if best is None:
            return None
        start, who = best
        if isinstance(who, tuple):  # a name the parse gave the role, no actor found for it
            res = self._named(who)
            res.resolved_from, res.how = core_span(tok), "role"
            return res
        mention = next(((m.start, m.end) for m in who.mentions if m.start == start), None)
        name = who.name
        if mention is not None and lemma not in name.lower():
            # "the commission" names the mention it came from ("European Commission"), even
            # where the actor was merged under another name.
            surface = self.text[mention[0] : mention[1]]
            name = surface if lemma in surface.lower() else name
        return _Resolved(name, mention, who, resolved_from=core_span(tok), how="role")

    def _find_named(self, name: str) -> _Resolved | None:
        """The first mention of ``name`` in the text, with its actor."""
        at = self.text.find(name)
        if at < 0:
            return None
        return self._named((at, at + len(name)))

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

    def _mention_head(self, span: tuple[int, int]) -> Token | None:
        return mention_head(self.idx, span)

    def _build(self, res: _Resolved) -> Speaker:
        return self.sources.speaker(
            res.name, res.span, res.actor, res.resolved_from, res.extra_descriptions
        )
