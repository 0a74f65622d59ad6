"""Typing for the ``actors`` analyzer: person, organisation, state, group, place or other.

The gazetteer's type where it knows the name (those drafts come with ``fixed_type``); else
the recogniser's majority vote, corrected by cues in the text. A name with place cues ("in
Sarvan", "eastern Sarvan", "the Qadim and Bahar districts", "SARVAN, Marnia") and no
person cue (a full name, a title) is a place; a name from which the text derives a demonym
("Marnia" / "Marnian") is a state; an acronym is an organisation, not a person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text.furniture import dateline_places_end
from ..text.syntax import head_of
from ._actor_records import ActorDoc, ActorWords, Draft, Mention, is_title

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ._labels import LabelLexicon

_COMPASS = {
    "eastern", "western", "northern", "southern", "central", "northeastern", "northwestern",
    "southeastern", "southwestern", "downtown", "rural", "suburban", "besieged",
}  # fmt: skip
_LOC_PREPS = {
    "in", "near", "outside", "inside", "around", "across", "into", "throughout", "within",
    "toward", "towards", "through", "at",
}  # fmt: skip


def locative(d: ActorDoc, m: Mention, origin_nouns: frozenset[str] = frozenset()) -> bool:
    """A locative use of a place name: "in Moscow", "eastern Sarvan", "Moscow-based", "a
    teacher from Nashua" (a person noun of ``origin_nouns`` before "from")."""
    h = head_of(d.doc, m.t0, m.t1)
    if h.dep_ == "pobj" and h.head.lower_ in _LOC_PREPS:
        return True
    prep = h.head
    if h.dep_ == "pobj" and prep.lower_ == "from" and prep.head.lemma_.lower() in origin_nouns:
        return True
    if any(c.dep_ == "amod" and c.lower_ in _COMPASS for c in h.children):
        return True
    word = d.hyphen_word(h.i)
    return bool(word and word.lower().endswith("-based"))


def place_cue(words: ActorWords, d: ActorDoc, m: Mention) -> int:
    """0: none; 1: a locative use ("in X", "X-based"); 2: a place for sure."""
    doc = d.doc
    h = head_of(doc, m.t0, m.t1)
    if any(c.dep_ == "amod" and c.lower_ in _COMPASS for c in h.children):
        return 2  # "eastern Sarvan"
    if _strong_place(words.place_nouns, d, m, h):
        return 2
    return 1 if locative(d, m, words.origin_nouns) else 0


def _strong_place(place_nouns: frozenset[str], d: ActorDoc, m: Mention, h: Token) -> bool:
    doc = d.doc
    if any(doc[i].lemma_.lower() in place_nouns for i in range(m.t0, m.t1)):
        return True  # "Sarvan province"
    r = h
    while r.dep_ == "conj" and r.head.i != r.i:
        r = r.head
    if r.dep_ in ("compound", "nmod") and r.head.lemma_.lower() in place_nouns:
        return True  # "the Qadim and Bahar districts"
    if h.dep_ == "pobj" and h.head.lower_ == "of" and h.head.head.lemma_ in place_nouns:
        return True  # "the eastern districts of Sarvan"
    if any(c.dep_ == "appos" and c.lemma_ in place_nouns for c in h.children):
        return True
    if h.dep_ == "appos" and h.head.lemma_ in place_nouns:
        return True
    if _region_after_place(d, m):
        return True  # "in Lynchburg, VA,", "near Dover, Del."
    # Dateline: "SARVAN, Marnia, March 18 (...) -", "MANCHESTER, N.H. (Wire) -"
    # A name in capitals or abbreviated there is a place ("N.H."); a country named in full
    # after the city keeps the type its votes give ("HALDEN, Marnia": the state).
    places_end = dateline_places_end(d.text, m.start)
    if places_end is not None and m.end <= places_end and d.text[m.start : m.end].isupper():
        return True
    nxt = m.t1
    line_start = m.start == 0 or d.text[m.start - 1] == "\n"
    if line_start and d.text[m.start : m.end].isupper() and nxt < len(doc):
        return doc[nxt].text in (",", "(", "-", "—", "–")  # "WASHINGTON (Reuters) -"
    return (
        nxt + 1 < len(doc)
        and doc[nxt].text == ","
        and doc[nxt + 1].ent_type_ == "GPE"
        and line_start
    )


def _region_after_place(d: ActorDoc, m: Mention) -> bool:
    """An abbreviated region after a place and a comma: "in Lynchburg, VA", "from Dover,
    Del." (not "in Paris, Macron said": the name must be an abbreviation)."""
    surface = d.text[m.start : m.end]
    abbreviated = (surface.isupper() and len(surface) <= 3) or (
        surface.endswith(".") and len(surface) <= 6
    )
    if not abbreviated or m.t0 < 2 or d.doc[m.t0 - 1].text != ",":
        return False
    place = d.doc[m.t0 - 2]
    return place.dep_ == "pobj" and place.head.lower_ in _LOC_PREPS and place.is_title


def person_cue(lex: LabelLexicon, d: ActorDoc, m: Mention) -> bool:
    """A title before the name or among its compounds ("President Kessel")."""
    h = head_of(d.doc, m.t0, m.t1)
    if any(c.dep_ == "compound" and is_title(lex, c) for c in h.children):
        return True
    return m.t0 > 0 and is_title(lex, d.doc[m.t0 - 1])


def role_apposition(lex: LabelLexicon, words: ActorWords, d: ActorDoc, m: Mention) -> bool:
    """The name in apposition with a role only a person holds: "Ostrow, the council's
    treasurer", "the union's spokeswoman, Ostrow" (a title of the label lexicon, or a noun
    of ``words.person_roles``)."""
    doc = d.doc
    h = head_of(doc, m.t0, m.t1)
    if h.tag_ in ("NNS", "NNPS") or (h.dep_ == "pobj" and h.head.lower_ == "of"):
        return False  # "Democrats, black voters": a group; "director of the Agency, ...": a list
    # set off by a comma right after the name, or right before it: the parser makes lists
    # and dashes appositions too ("The Caucus, Wilder - himself a governor since ...")
    others = [
        c
        for c in h.children
        if c.dep_ == "appos"
        and m.t1 < len(doc)
        and doc[m.t1].text == ","
        and c.left_edge.i == m.t1 + 1
    ]
    if h.dep_ == "appos" and m.t0 > 1 and doc[m.t0 - 1].text == "," and h.head.i < m.t0 - 1:
        others.append(h.head)
    return any(
        o.tag_ == "NN"
        and (o.lemma_.lower() in words.person_roles or is_title(lex, o))
        # "The Caucus, former governor L. Douglas Wilder, ...": the role is another name's
        and not any(c.pos_ == "PROPN" and c.dep_ != "poss" and c.i != h.i for c in o.children)
        for o in others
    )


def org_noun_before(words: ActorWords, d: ActorDoc, m: Mention) -> bool:
    """The name right after a noun for an organisation that it names: "the charity
    Northlight", "the group Sarvan Watch" (not "the group's Northlight office")."""
    if m.t0 == 0:
        return False
    noun = d.doc[m.t0 - 1]
    h = head_of(d.doc, m.t0, m.t1)
    if h.tag_ in ("NNS", "NNPS"):
        return False  # "committee Democrats": members, not the committee
    tied = (noun.dep_ == "compound" and noun.head.i == h.i) or (
        h.dep_ == "appos" and h.head.i == noun.i
    )
    return tied and noun.tag_ == "NN" and noun.lemma_.lower() in words.org_nouns


def resolve_types(
    lex: LabelLexicon, words: ActorWords, d: ActorDoc, actors: dict[str, Draft]
) -> None:
    """Set the type of every draft the gazetteer did not type; a person gets its full name."""
    for a in actors.values():
        if a.fixed_type:
            continue
        for m in a.mentions:
            cue = place_cue(words, d, m)
            if cue:
                a.place_cues += 1
                a.strong_place = a.strong_place or cue == 2
            if person_cue(lex, d, m):
                a.person_cues += 1
            if role_apposition(lex, words, d, m):
                a.role_cues += 1
            if org_noun_before(words, d, m):
                a.org_cues += 1
    for a in actors.values():
        if a.fixed_type:
            continue
        a.org_name = any(
            " " in x and x.rsplit(None, 1)[-1].lower().rstrip(".") in words.org_heads
            for x in a.aliases
        )
        a.type = decide_type(a)
        if a.type == "person":
            full = [x for x in a.aliases if " " in x]
            if full:
                # the longest; of two spellings as long, the one the text gives first
                # ("Khalid bin Rashid", then "Khalid ibn Rashid")
                a.name = min(full, key=lambda x: (-len(x), _first_at(d.text, x), x))


def _first_at(text: str, name: str) -> int:
    """Where ``text`` first gives ``name`` (its length when it never does)."""
    at = text.find(name)
    return at if at >= 0 else len(text)


def decide_type(a: Draft) -> str:
    """The type of a draft from its recogniser votes and the cues counted on its mentions."""
    full_person = a.votes["person"] and any(" " in x for x in a.aliases)
    org_led = a.votes["organisation"] > a.votes["person"] + a.votes["state"]
    acronym = a.name.isupper() and " " not in a.name
    if acronym and a.place_cues and (a.votes["state"] or a.strong_place):
        return "place"  # a dateline: "WASHINGTON (Reuters) -", "MANCHESTER, N.H. (Wire) -"
    if acronym and not full_person:
        return "organisation"  # "CIA" is not a person, whatever the recogniser says
    if a.org_name and not (a.person_cues or a.role_cues):
        return "organisation"  # "Harlow Freight", "Tarsk Holdings"
    if a.org_cues and not (full_person or a.person_cues or a.role_cues or a.strong_place):
        return "organisation"  # "the charity Northlight", whatever the recogniser says
    if org_led and not full_person and not a.strong_place and not a.role_cues:
        # "in the Senate" does not make the Senate a place; "Ostrow, the council's
        # treasurer" is a person whatever the recogniser says
        return "organisation"
    if full_person or a.person_cues or (a.role_cues and not a.place_cues):
        return "person"  # a role in apposition, unless the name is used as a place too
    if a.state_cue and not a.place_cues:
        return "state"
    if a.place_cues and not a.state_cue:
        return "place"
    if a.state_cue:
        return "state"
    # The recogniser labels the same name differently in different sentences: majority
    # vote, person winning ties (names are people more often than the small model thinks).
    most = max(a.votes.values())
    winners = [t for t, n in a.votes.items() if n == most]
    return "person" if "person" in winners else winners[0]
