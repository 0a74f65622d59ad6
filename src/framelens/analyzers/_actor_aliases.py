"""Alias merging for the ``actors`` analyzer: which names are one actor.

The names found by ``_actor_mentions`` become actors here: gazetteer names by their
gazetteer id (states, aliases, demonyms, capitals and metonyms are one actor; a plural
demonym is the people, a capital in a locative use the city), acronyms the text defines by
their full name, demonyms the text derives by the name they derive from ("Marnian" ->
"Marnia"), and shorter forms of a person's name by the one full name they fit
(``merge_surnames``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._actor_records import Acronyms, ActorDoc, Draft, Mention, NameMention, TokenActors
from ._actor_types import locative

if TYPE_CHECKING:
    from ._gazetteer import Gazetteer

_ACRONYM_DEF = re.compile(
    r"((?:[A-Z][\w&.\-]*)(?:\s+(?:of|the|and|for|on|in|de|del|la|al|[A-Z][\w&.\-]*))+)"
    r"\s*\(\s*([A-Z][A-Za-z0-9&.\-]{1,11})\s*\)"
)
_LEADING_DET = re.compile(r"^(?:the|The|THE)\s+")
_HYPHEN = re.compile(r"[\-\u2010]")
#: Words of a name that an acronym skips ("International Socialist Organization of X").
_MINOR = {"of", "the", "and", "for", "on", "in", "de", "del", "la", "al"}


def acronym_matches(name: str, acronym: str) -> bool:
    """Whether ``acronym`` is made of the initials of ``name``'s major words."""
    letters = acronym.replace(".", "").replace("-", "").replace("&", "").upper()
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.lower() not in _MINOR]
    initials = "".join(w[0].upper() for w in words)
    return len(letters) >= 2 and letters == initials


def is_demonym_of(demonym: str, name: str) -> bool:
    """Whether ``demonym`` is a regular English demonym of ``name`` ("Marnian" of "Marnia").

    Covers the productive suffixes (-n, -an, -ian, -ese, -i, -ish) on the name or on the name
    less its final vowel or "-y"; irregular demonyms of real states are in the gazetteer.
    """
    if not demonym[:1].isupper() or len(name) < 3 or " " in demonym:
        return False
    stems = {
        name,
        name[:-1] if name[-1] in "aeiouy" else name,
        name[:-2] if name[-2:] in {"ey", "ia"} else name,
    }
    return any(demonym == s + suf for s in stems for suf in ("n", "an", "ian", "ese", "i", "ish"))


def demonym_bases(demonym: str) -> set[str]:
    """Names ``demonym`` could be the demonym of (a superset; ``is_demonym_of`` decides)."""
    out: set[str] = set()
    for k in range(1, 4):
        base = demonym[:-k]
        out.update(base + tail for tail in ("", "a", "e", "i", "o", "y", "ia", "ey"))
    return out


def find_acronyms(text: str) -> Acronyms:
    """The acronyms ``text`` defines, and where their definitions stand."""
    full_names: dict[str, str] = {}
    # "(ISO)" right after the name restates the same mention: not a mention of its own.
    definitions: set[int] = set()
    for m in _ACRONYM_DEF.finditer(text):
        full = _LEADING_DET.sub("", m.group(1))
        # The match may start early ("Members of the International ..."): keep the
        # shortest suffix of words whose initials give the acronym.
        words = full.split()
        for i in range(len(words)):
            if words[i].lower() in _MINOR:
                continue
            candidate = " ".join(words[i:])
            if acronym_matches(candidate, m.group(2)):
                full_names[m.group(2)] = candidate
                definitions.update(range(m.start(2), m.end(2)))
                break
    return Acronyms(full_names, definitions)


def name_key(
    gaz: Gazetteer,
    surface: str,
    m: Mention,
    acronyms: dict[str, str],
    named: set[str],
    norp: set[str],
) -> tuple[str, str]:
    """(actor key, how) of a name outside the gazetteer: how is "acronym", "demonym",
    "people" or "name"."""
    if surface in acronyms:
        full = acronyms[surface]
        hit = gaz.lookup(full)
        return (hit[0] if hit and hit[1] == "name" else f"name:{full}"), "acronym"
    if m.etype == "group":
        for place in sorted(demonym_bases(surface) & named):
            if place != surface and is_demonym_of(surface, place):
                return f"name:{place}", "demonym"
        if surface.endswith("s"):
            for place in sorted(demonym_bases(surface[:-1]) & named):
                if is_demonym_of(surface[:-1], place):
                    return f"people:{place}", "people"
        if surface.endswith("s") and surface[:-1] in norp:
            return f"name:{surface[:-1]}", "name"  # "Democrats" and "Democrat"
    return f"name:{surface}", "name"


def group_names(
    gaz: Gazetteer,
    d: ActorDoc,
    mentions: list[NameMention],
    actors: dict[str, Draft],
    acronyms: dict[str, str],
    tok_actor: TokenActors,
    particles: frozenset[str],
) -> None:
    """Put each name mention into its actor in ``actors``, then merge partial names
    (``particles``: see ``name_words``)."""
    # Names a demonym of the text may derive from ("Marnia" for "Marnian"); the small
    # recogniser often tags such names PERSON, so both count.
    named = {
        nm.surface
        for nm in mentions
        if nm.kind == "ner" and nm.mention.etype in ("state", "person")
    }
    # ... or inside a longer name ("Marnia" in "Marnia Rights Watch").
    named |= {t.text for t in d.doc if len(t.text) > 3 and t.pos_ == "PROPN"}
    norp = {nm.surface for nm in mentions if nm.kind == "ner" and nm.mention.etype == "group"}

    def actor(key: str, name: str, etype: str) -> Draft:
        if key not in actors:
            actors[key] = Draft(key=key, name=name, type=etype)
        return actors[key]

    for m, surface, gaz_id, kind in mentions:
        if gaz_id is not None:
            entry = gaz.entries[gaz_id]
            if kind == "people":
                a = actor(f"people:{gaz_id}", surface, "group")
                a.fixed_type = True
                m.etype = "group"
            elif kind == "capital" and locative(d, m):
                a = actor(f"place:{surface}", surface, "place")
                a.fixed_type = True
                m.etype = "place"
            else:
                a = actor(gaz_id, entry.name, entry.type)
                a.gaz_id, a.fixed_type = gaz_id, True
            a.add(m, surface)
        elif kind == "distinct":
            a = actor(f"name:{surface}", surface, m.etype)
            a.fixed_type = True
            a.add(m, surface)
        else:
            key, how = name_key(gaz, surface, m, acronyms, named, norp)
            a = actor(key, surface if how != "demonym" else key[5:], m.etype)
            if how == "people":
                a.fixed_type = True
                m.etype = "group"
            elif how == "demonym":
                # "Marnian" for the "Marnia" the text names: a mention of a state.
                a.state_cue = True
                m.etype = "state"
            a.add(m, surface)
            longer = len(surface) > len(a.name) and how != "demonym"
            if longer and (" " in surface if m.etype == "person" else surface not in acronyms):
                a.name = surface
        for i in range(m.t0, m.t1):
            tok_actor[i] = a.key
    merge_surnames(actors, tok_actor, particles)
    for a in actors.values():
        a.aliases |= {acr for acr, full in acronyms.items() if full in a.aliases}


def name_words(name: str, particles: frozenset[str]) -> list[str]:
    """A name's words as two forms of it are compared: lower case, dots dropped, a hyphen
    between capitalised parts read as a space ("Abdel-Fattah"; not "Netflix-free"), and
    ``particles`` left out where they are written as particles, in lower case or joined
    by a hyphen ("al-Sisi", "El-Sisi" -> sisi; "Ben Carson" and "Van Jones" keep their
    first names), unless nothing else is left."""
    words, kept = [], []
    for token in name.split():
        parts = _HYPHEN.split(token)
        if not all(p[:1].isupper() or p.lower() in particles for p in parts if p):
            parts = [token]
        for i, part in enumerate(parts):
            word = part.strip(".")
            if not word:
                continue
            words.append(word.lower())
            joined = i < len(parts) - 1
            if word.lower() in particles and (word.islower() or joined):
                continue
            kept.append(word.lower())
    return kept or words


def merge_surnames(
    actors: dict[str, Draft], tok_actor: TokenActors, particles: frozenset[str]
) -> None:
    """Merge shorter forms of a person's name into the one full name they fit.

    The forms are compared by ``name_words``: "Abdel Fattah el-Sisi" and "Abdel-Fattah
    al-Sisi" are one name, and "Sisi" its surname. "Smith" -> "Ashley Smith" (surname),
    "Tedros" -> "Tedros Adhanom Ghebreyesus" (first name, when no full name has it as
    surname), "Drummer Rigby" -> "Drummer Lee Rigby" and "Garcia Zarate" -> "Jose Ines
    Garcia Zarate" (the words in order, same last word; the longer name becomes a person
    even where the recogniser called it an organisation). Runs after all names are seen,
    so "the Kessel regime ... Dario Kessel" merges though the surname came first. Two
    candidates (two Smiths): no merge. An acronym joins its full name only where the text
    defines it ("the Rapid Support Forces (RSF)", ``find_acronyms``): "DNC" is the
    committee or the convention.
    """

    def merge(a: Draft, target: Draft) -> None:
        for m in a.mentions:
            m.etype = "person"
            target.add(m)
            for i in range(m.t0, m.t1):
                tok_actor[i] = target.key
        target.aliases |= a.aliases
        del actors[a.key]

    words = {a.key: name_words(a.name, particles) for a in actors.values()}
    names = sorted(
        (a for a in actors.values() if a.key.startswith("name:")),
        key=lambda a: -len(words[a.key]),
    )
    # the same words spelt two ways: the first seen keeps its name
    spelt: dict[tuple[str, ...], Draft] = {}
    for a in sorted(names, key=lambda a: a.mentions[0].start if a.mentions else 0):
        key = tuple(words[a.key])
        if len(key) < 2 or not a.votes["person"]:
            continue
        if key in spelt:
            merge(a, spelt[key])
        else:
            spelt[key] = a
    for a in names:
        w = words[a.key]
        if a.key not in actors or len(w) < 2 or not a.votes["person"]:
            continue
        found = [
            b
            for b in names
            if b is not a
            and b.key in actors
            and len(words[b.key]) > len(w)
            and words[b.key][-1] == w[-1]
            and (a.name.isupper() or not b.name.isupper())  # "ON DONALD TRUMP": a headline
            and _subsequence(w, words[b.key])
        ]
        if len(found) == 1:
            merge(a, found[0])
    persons = [
        a
        for a in actors.values()
        if a.key.startswith("name:") and a.votes["person"] and len(words[a.key]) > 1
    ]
    for a in list(actors.values()):
        if not a.key.startswith("name:") or len(words[a.key]) != 1 or a.key not in actors:
            continue
        if a.name.isupper():
            continue  # "WASHINGTON -": a dateline, or an acronym; not "Kerry Washington"
        alone = words[a.key][0]
        by_last = [b for b in persons if b is not a and words[b.key][-1] == alone]
        by_first = [b for b in persons if b is not a and words[b.key][0] == alone]
        found = by_last or by_first
        if len(found) == 1:
            merge(a, found[0])


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(w in it for w in short)
