"""Name mentions for the ``actors`` analyzer.

spaCy's PERSON/ORG/GPE/NORP entities, cleaned (leading "the", quotes and titles dropped, a
trailing possessive cut, an entity that runs into a verb cut there), reconciled with a
case-sensitive whole-token scan of the gazetteer (``_gazetteer.py``); then, once the names
are grouped into actors, the occurrences of known names the recogniser missed
(``scan_missed``). Collective groups and metonyms named by common nouns are found by
``_actor_groups``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from ..model import ActorType
from ..text.furniture import in_byline, in_dateline_agency
from ..text.syntax import one_member
from ._actor_records import (
    QUOTE_MARKS,
    ActorDoc,
    ActorWords,
    Draft,
    Mention,
    NameMention,
    TokenActors,
    is_title,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ._gazetteer import Gazetteer
    from ._labels import LabelLexicon

ENT_TYPES: dict[str, ActorType] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "state",
    "NORP": "group",
}


class _Entity(NamedTuple):
    mention: Mention
    label: str  # spaCy's entity label


def proper_mentions(
    gaz: Gazetteer, lex: LabelLexicon, words: ActorWords, d: ActorDoc, definitions: set[int]
) -> list[NameMention]:
    """Names in the text, the recogniser's entities and the gazetteer's matches reconciled,
    in text order. ``definitions`` are the offsets of acronyms inside their definition."""
    doc, text = d.doc, d.text
    ner: list[_Entity] = []
    for ent in d.spacy.ents:
        etype = ENT_TYPES.get(ent.label_)
        if etype is None:
            continue
        t0, t1 = ent.start, ent.end
        if t1 - t0 > 1 and doc[t0].lower_.rstrip(".") in words.person_markers:
            etype = "person"  # "Ms Geller", whatever the recogniser said
        elif t1 - t0 > 2 and is_title(lex, doc[t0]) and _name_words(doc[t0 + 1 : t1]):
            etype = "person"  # "Councillor Ines Moreau" (not "General Motors")
        elif (
            ent.label_ == "ORG"
            and t1 - t0 in (2, 3)
            and t0 > 0
            and is_title(lex, doc[t0 - 1])
            and _name_words(doc[t0:t1])
        ):
            etype = "person"  # "Chief executive Ruben Alves", tagged an organisation
        while t0 < t1 and (
            doc[t0].lower_ == "the"
            or doc[t0].text in QUOTE_MARKS
            or (etype == "person" and t1 - t0 > 1 and is_title(lex, doc[t0]))
        ):
            t0 += 1
        while (
            etype == "person"
            and t0 > 0
            and doc[t0 - 1].pos_ == "PROPN"
            and doc[t0 - 1].dep_ == "compound"
            and t0 <= doc[t0 - 1].head.i < t1
            and doc[t0 - 1].text[:1].isupper()
            and not doc[t0 - 1].ent_type_
            and not is_title(lex, doc[t0 - 1])
        ):
            t0 -= 1  # "Leyla Haddad" where the recogniser only took "Haddad"
        for k in range(t0 + 1, t1):  # "the 4th Division entered Qadim"
            if doc[k].pos_ in ("VERB", "AUX") or "\n" in doc[k].text:
                t1 = k  # nor does a name run over a line break ("Ana Ferreira\n\nLISBON")
                break
        while t1 > t0 and (doc[t1 - 1].tag_ == "POS" or doc[t1 - 1].is_punct):
            t1 -= 1
        if t1 <= t0:
            continue
        if t1 - t0 == 1 and doc[t0].pos_ in ("VERB", "AUX", "ADV", "NOUN"):
            continue  # headline words the recogniser took for names ("Bans", "Raises")
        if ent.label_ == "NORP" and one_member(doc[t1 - 1]):
            continue  # "one New Hampshire Democrat", "another Democrat": a person, not the group
        hy = d.hyphen.get(t0)
        if hy is not None and (d.hyphen_word(t0) or "").split("-")[0].lower() in lex.prefixes:
            continue  # "anti-Muslim", "pro-Russian": a descriptor, not a name
        start, end = d.span(t0, t1)
        surface = text[start:end]
        if len(surface) < 2 or not any(c.isupper() for c in surface) or start in definitions:
            continue
        if in_dateline_agency(text, start) or in_byline(text, start):
            continue  # "MOSCOW, Dec 7 (TASS) -", "By Ana Ferreira": who filed the story
        ner.append(_Entity(Mention(t0, t1, start, end, etype), ent.label_))
    ner += unrecognised_people(lex, words, d)

    ner_at: dict[int, int] = {}  # token -> index in ner
    for k, (m, _) in enumerate(ner):
        for i in range(m.t0, m.t1):
            ner_at[i] = k
    dropped: set[int] = set()
    out: list[NameMention] = []
    for start, end, surface in gaz.scan(text, d.starts, d.ends):
        if start in definitions:
            continue
        t0, t1 = d.tok_at_start[start], d.tok_at_end[end] + 1
        actor_id, kind = gaz.surfaces[surface]
        overlapping = sorted({ner_at[i] for i in range(t0, t1) if i in ner_at})
        if surface in gaz.ambiguous and not all(
            doc[i].ent_type_ in ("GPE", "LOC", "NORP", "ORG") for i in range(t0, t1)
        ):
            continue
        keep = True
        for k in overlapping:
            em, label = ner[k]
            longer = em.t0 <= t0 and t1 <= em.t1 and (em.t1 - em.t0) > (t1 - t0)
            other_caps = any(
                doc[i].text[:1].isupper() and not (t0 <= i < t1) for i in range(em.t0, em.t1)
            )
            if longer and label in ("PERSON", "ORG", "FAC") and other_caps:
                keep = False  # "Marnian Liberation Front" is not "Marnian"
                break
        if not keep:
            continue
        dropped.update(overlapping)
        gtype = gaz.entries[actor_id].type if actor_id else gaz.distinct[surface]
        out.append(NameMention(Mention(t0, t1, start, end, gtype), surface, actor_id or None, kind))
    for k, (m, _) in enumerate(ner):
        if k not in dropped:
            out.append(NameMention(m, text[m.start : m.end], None, "ner"))
    out.sort(key=lambda x: x.mention.start)
    return out


#: Verbs of speaking that are not cues of what was said ("Ana Ruiz spoke on Monday").
_SPEAK = frozenset({"speak", "talk"})


def _name_words(tokens: Iterable[Token]) -> bool:
    """Capitalised proper nouns, letters only ("Ines Moreau", not "Port 7" or "the")."""
    toks = list(tokens)
    return bool(toks) and all(
        t.pos_ == "PROPN" and t.text[:1].isupper() and t.is_alpha for t in toks
    )


def unrecognised_people(lex: LabelLexicon, words: ActorWords, d: ActorDoc) -> list[_Entity]:
    """People the recogniser did not tag at all, told by their context: a name of two
    capitalised words or more after a title ("Mayor Ana Ruiz": "Ana Ruiz"), or as the
    subject of a verb of saying ("Ana Ruiz said"). A single word needs the title ("Mayor
    Ruiz"). Every word of the name is a proper noun outside any entity, and the name is not
    part of an entity elsewhere, so nothing the recogniser placed or typed is overruled
    (issue 15: a pronoun needs its antecedent among the actors)."""
    doc, out = d.doc, []
    # a name the recogniser tagged elsewhere in the text keeps that type ("Workers at
    # Corvel Mining ... Corvel Mining said"): the later occurrences are found by name
    tagged = " | ".join(e.text for e in d.spacy.ents)
    for head in doc:
        if head.pos_ != "PROPN" or (head.dep_ == "compound" and head.head.pos_ == "PROPN"):
            continue  # only the last word of a name chain
        t0 = head.i
        while (
            t0 > 0
            and doc[t0 - 1].pos_ == "PROPN"
            and doc[t0 - 1].dep_ == "compound"
            and t0 - 1 < doc[t0 - 1].head.i <= head.i
        ):
            t0 -= 1
        titled = t0 < head.i and (
            is_title(lex, doc[t0]) or doc[t0].lower_.rstrip(".") in words.person_markers
        )
        n0 = t0 + 1 if titled else t0
        name = doc[n0 : head.i + 1]
        if any(t.ent_type_ for t in name) or not _name_words(name):
            continue
        if any(is_title(lex, t) for t in name):
            continue
        verb = head.head
        speaks = (
            head.dep_ == "nsubj"
            and verb.pos_ == "VERB"
            and (verb.lemma_.lower() in words.speech_verbs or verb.lemma_.lower() in _SPEAK)
        )
        if not (titled or (speaks and len(name) >= 2)):
            continue
        start, end = d.span(n0, head.i + 1)
        if d.text[start:end] in tagged:
            continue
        out.append(_Entity(Mention(n0, head.i + 1, start, end, "person"), "PERSON"))
    return out


def scan_missed(
    d: ActorDoc,
    actors: dict[str, Draft],
    definitions: set[int],
    tok_actor: TokenActors,
) -> None:
    """Add whole-token, case-sensitive occurrences of known names the recogniser missed."""
    text = d.text
    surnames = Counter(
        a.name.split()[-1]
        for a in actors.values()
        if a.key.startswith("name:") and a.votes["person"] and " " in a.name
    )
    for a in list(actors.values()):
        if a.gaz_id is not None or not a.key.startswith("name:"):
            continue  # the gazetteer scan already found every gazetteer surface
        names = set(a.aliases)
        if a.votes["person"]:
            # A surname two people share ("Maria Costa", "Paulo Costa") names neither.
            names |= {x.split()[-1] for x in a.aliases if " " in x}
            names = {x for x in names if surnames[x] < 2}
        for alias in sorted(names, key=len, reverse=True):
            if len(alias) < 2 or (len(alias) < 4 and not alias.isupper()):
                continue
            for s in find_all(text, alias):
                e = s + len(alias)
                if s not in d.tok_at_start or e not in d.tok_at_end or s in definitions:
                    continue
                t0, t1 = d.tok_at_start[s], d.tok_at_end[e] + 1
                if any(tok_actor[i] is not None for i in range(t0, t1)):
                    continue
                etype = a.type if a.votes[a.type] else next(iter(a.votes))
                a.add(Mention(t0, t1, s, e, etype), alias)
                for i in range(t0, t1):
                    tok_actor[i] = a.key


def find_all(text: str, word: str) -> list[int]:
    """Starts of whole-word occurrences of ``word`` (not inside a word or a hyphenation)."""
    out: list[int] = []
    s = text.find(word)
    while s != -1:
        e = s + len(word)
        before = text[s - 1] if s else " "
        after = text[e] if e < len(text) else " "
        if not (before.isalnum() or before == "-" or after.isalnum() or after == "-"):
            out.append(s)
        s = text.find(word, s + 1)
    return out
