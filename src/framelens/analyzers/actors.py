"""Actors v2: who appears in an article, where, how prominently, and under which labels.

Mentions come from three sources on the shared parse:

* **names**: spaCy's PERSON/ORG/GPE/NORP entities, cleaned (leading "the", quotes and titles
  dropped, a trailing possessive cut, an entity that runs into a verb cut there), plus a
  case-sensitive whole-token scan of the gazetteer (``_gazetteer.py``: countries from
  pycountry, the team's demonyms, capitals, metonyms, organisations and blocs; user entries
  from the ``gazetteer`` setting);
* **collective groups** named by common nouns of the label lexicon's ``group`` role when the
  text treats them as actors: definite ("the rebels", "the regime"), bare plurals ("militias
  hold the road"), or with an owner or a defining compound ("government forces",
  "opposition fighters", "death squads", "Iranian-backed Shia militias");
* **metonyms**: a ``metonym`` noun with an owner is a mention of the owner, labelled by the
  noun ("the Assad regime", "Assad's regime", "the Marnian government" -> Assad / Marnia);
  a bare definite one ("the regime") refers back to the one actor already labelled so.

Alias merging: exact repeats; full name <-> surname ("Ashley Smith" ... "Smith", either
order); acronyms defined in the text ("International Socialist Organization (ISO)") and
known to the gazetteer ("UN", "NATO"); states <-> aliases <-> demonyms <-> capitals and
government metonyms ("the United States", "US", "American", "Washington", "the Obama
administration"); demonyms the text itself derives ("Marnian" -> "Marnia"); possessives
("Russia's"). Not merged where the text distinguishes: a longer name wins ("Washington
Post" is an outlet, "Washington state" a place), a capital in a locative use ("talks in
Moscow", "a Moscow-based analyst") is the city, and a plural demonym ("Americans") is the
people, not the state.

Types: the gazetteer's where it knows the name; else the recogniser's majority vote,
corrected by cues in the text. A name with place cues ("in Sarvan", "eastern Sarvan", "the
Qadim and Bahar districts", "SARVAN, Marnia") and no person cue (a full name, a title) is a
place (type "place": where things happen, told apart from the states and organisations that
act); a name from which the text derives a demonym ("Marnia" / "Marnian") is a state.

Labels: every descriptor the writer attaches to an actor, with its span, lemma, class (from
``resources/lexicons/labels.toml``, neutral when unlisted) and construction:
``name`` (the noun that names a group, "the rebels"), ``compound`` ("the Assad regime"),
``possessive`` ("Assad's regime"), ``premodifier`` ("Iranian-backed militias", "President
Kessel", "the so-called opposition"), ``appositive`` ("Nadia Rahimi, a spokeswoman"),
``predicate`` ("X is a proxy force", "X was branded terrorists") and ``adjective`` (a listed
adjective inside an appositive or predicate: "a pseudo-left organization", "is brutal").

Enumerations: actors coordinated in one list ("Iran, Russia and other regional powers,
including Saudi Arabia, Qatar and Turkey"; nested "including"/"such as" lists are flattened),
with the list span and each actor's 1-based rank among the listed actors.

Prominence::

    raw(actor) = 3 * in_title + sum over mentions m in the body of (1 + (1 - start_m / N) + lead_m)
    prominence = raw / max(raw over the article's actors)        # the top actor gets 1.0

``N`` is the length of the text; ``lead_m`` is 1 for a mention in the lead (the first two
paragraphs of the body) and 0 elsewhere; a mention's weight therefore runs from 3 at the top
of the lead to 1 at the end of the article. ``in_title`` means one of the actor's names (or,
for a group, its noun) appears in ``article.title``; when the text itself starts with the
headline, the mentions inside it count through ``in_title`` only, not twice.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Actor, ActorType, Enumeration, FirstMention, Label, Span
from ..registry import analyzers
from ._gazetteer import Gazetteer, load_gazetteer, slugify
from ._intervals import Ranges
from ._labels import LabelLexicon, load_label_lexicon
from ._quote_marks import article_quotes
from ._syntax import head_of as _head_of
from ._syntax import hyphen_spans, token_ranges, tokens
from .base import Analyzer, Context

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..config import Settings

__all__ = ["ActorsAnalyzer", "acronym_matches", "is_demonym_of", "slugify"]

ENT_TYPES: dict[str, ActorType] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "state",
    "NORP": "group",
}
_ACRONYM_DEF = re.compile(
    r"((?:[A-Z][\w&.\-]*)(?:\s+(?:of|the|and|for|on|in|de|del|la|al|[A-Z][\w&.\-]*))+)"
    r"\s*\(\s*([A-Z][A-Za-z0-9&.\-]{1,11})\s*\)"
)
_LEADING_DET = re.compile(r"^(?:the|The|THE)\s+")
_MINOR = {"of", "the", "and", "for", "on", "in", "de", "del", "la", "al"}
_QUOTES = {'"', "'", "“", "”", "‘", "’", "«", "»"}
_COMPASS = {
    "eastern", "western", "northern", "southern", "central", "northeastern", "northwestern",
    "southeastern", "southwestern", "downtown", "rural", "suburban", "besieged",
}  # fmt: skip
_LOC_PREPS = {
    "in", "near", "outside", "inside", "around", "across", "into", "throughout", "within",
    "toward", "towards", "through", "at",
}  # fmt: skip
_PLACE_NOUNS = {
    "city", "town", "village", "district", "province", "region", "neighbourhood",
    "neighborhood", "street", "square", "suburb", "quarter", "governorate", "county",
    "capital", "port", "valley", "enclave", "camp", "airport", "road", "highway",
    "municipality", "oblast", "prefecture", "outskirts", "countryside", "island", "border",
}  # fmt: skip
_COPULAS = {"be", "become", "remain"}
_NAMING_VERBS = {"call", "brand", "label", "describe", "dub", "term", "designate", "list"}
_GENERIC_HEADS = {
    "one", "part", "member", "some", "thing", "nothing", "something", "example", "kind",
    "sort", "lot", "none", "all", "any", "this", "that", "it", "way",
}  # fmt: skip
_INDEFINITE = {"a", "an", "another", "any", "every", "each", "no", "some", "many", "few"}
_PRONOUN_POSS = {"its", "their", "his", "her", "our", "my", "your", "whose"}
_SIDES = {"left", "right"}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "mx"}
#: Group nouns too generic to name an actor on their own: "opposition groups" and "MLF
#: units" are actors, "the group" and "units" are not.
_NEEDS_MODIFIER = {"group", "unit", "faction", "force", "coalition"}
_MOD_DEPS = {"compound", "amod", "nmod", "poss", "npadvmod"}


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


def _demonym_bases(demonym: str) -> set[str]:
    """Names ``demonym`` could be the demonym of (a superset; ``is_demonym_of`` decides)."""
    out: set[str] = set()
    for k in range(1, 4):
        base = demonym[:-k]
        out.update(base + tail for tail in ("", "a", "e", "i", "o", "y", "ia", "ey"))
    return out


# ---- working records ----------------------------------------------------------


@dataclass
class _Mention:
    t0: int
    t1: int  # tokens [t0, t1)
    start: int
    end: int  # characters [start, end)
    etype: str  # the type this mention votes for
    proper: bool = True  # a name (True) or a common-noun group / metonym (False)
    term_first: int | None = None  # groups: first token of the lexicon term naming them


@dataclass
class _Actor:
    key: str
    name: str
    type: str = "other"
    mentions: list[_Mention] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    votes: Counter[str] = field(default_factory=Counter)
    gaz_id: str | None = None
    fixed_type: bool = False  # type known from the gazetteer
    group_head: str = ""  # head lemma, for common-noun groups
    group_name_lower: str = ""
    label_lemmas: set[str] = field(default_factory=set)
    labels: list[Label] = field(default_factory=list)
    place_cues: int = 0
    strong_place: bool = False
    person_cues: int = 0
    state_cue: bool = False

    def add(self, m: _Mention, surface: str | None = None) -> None:
        self.mentions.append(m)
        self.votes[m.etype] += 1
        if surface:
            self.aliases.add(surface)


class _Doc:
    """Per-article indexes over the shared parse."""

    def __init__(self, ctx: Context):
        self.spacy = ctx.doc
        text = ctx.text
        self.doc: list[Token] = tokens(ctx)
        self.text = text
        self.tok_at_start, self.tok_at_end = token_ranges(self.doc)
        self.starts = list(self.tok_at_start)
        self.ends = set(self.tok_at_end)
        self.hyphen = hyphen_spans(self.doc)

    def span(self, t0: int, t1: int) -> tuple[int, int]:
        return self.doc[t0].idx, self.doc[t1 - 1].idx + len(self.doc[t1 - 1].text)

    def hyphen_word(self, i: int) -> str | None:
        if i not in self.hyphen:
            return None
        a, b = self.hyphen[i]
        s, e = self.span(a, b)
        return self.text[s:e]


@analyzers.register("actors")
class ActorsAnalyzer(Analyzer):
    name = "actors"
    # v3: only_quoted, for actors the writer never names in their own voice.
    version = "3"
    produces = ("actors",)
    description = (
        "people, organisations, states, places and collective groups, merged across aliases; "
        "labels, enumerations, prominence"
    )

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.gaz: Gazetteer = load_gazetteer(getattr(settings, "gazetteer", "") or "")
        self.lex: LabelLexicon = load_label_lexicon(getattr(settings, "label_lexicon", "") or "")
        self._gaz_surfaces: dict[str, list[str]] = {}
        for surface, (actor_id, kind) in self.gaz.surfaces.items():
            if kind != "distinct":
                self._gaz_surfaces.setdefault(actor_id, []).append(surface)

    # ---- the run ------------------------------------------------------------------

    def run(self, ctx: Context) -> None:
        text = ctx.text
        d = _Doc(ctx)
        actors: dict[str, _Actor] = {}
        tok_actor: list[str | None] = [None] * len(ctx.doc)
        acronyms, definitions = self._acronyms(text)

        mentions = self._proper_mentions(d, definitions)
        self._group_proper(d, mentions, actors, acronyms, tok_actor)
        self._scan_missed(d, actors, definitions, tok_actor)
        self._resolve_types(d, actors)
        anchors = self._groups_and_metonyms(d, actors, tok_actor)
        for key, actor in list(actors.items()):
            if not actor.mentions:
                del actors[key]
        for actor in actors.values():
            self._labels(d, actor, tok_actor, anchors)
        enums = self._enumerations(d, anchors)
        ctx.analysis.actors = self._records(ctx, d, actors, enums)

    # ---- acronyms -----------------------------------------------------------------

    @staticmethod
    def _acronyms(text: str) -> tuple[dict[str, str], set[int]]:
        acronyms: dict[str, str] = {}  # acronym -> defining full name
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
                    acronyms[m.group(2)] = candidate
                    definitions.update(range(m.start(2), m.end(2)))
                    break
        return acronyms, definitions

    # ---- names --------------------------------------------------------------------

    def _proper_mentions(
        self, d: _Doc, definitions: set[int]
    ) -> list[tuple[_Mention, str, str | None, str]]:
        """(mention, surface, gazetteer id, kind) for names, gazetteer and NER reconciled."""
        doc, text = d.doc, d.text
        ner: list[tuple[_Mention, str]] = []
        for ent in d.spacy.ents:
            etype = ENT_TYPES.get(ent.label_)
            if etype is None:
                continue
            t0, t1 = ent.start, ent.end
            if t1 - t0 > 1 and doc[t0].lower_.rstrip(".") in _HONORIFICS:
                etype = "person"  # "Ms Geller", whatever the recogniser said
            while t0 < t1 and (
                doc[t0].lower_ == "the"
                or doc[t0].text in _QUOTES
                or (etype == "person" and t1 - t0 > 1 and self._is_title(doc[t0]))
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
                and not self._is_title(doc[t0 - 1])
            ):
                t0 -= 1  # "Leyla Haddad" where the recogniser only took "Haddad"
            for k in range(t0 + 1, t1):  # "the 4th Division entered Qadim"
                if doc[k].pos_ in ("VERB", "AUX"):
                    t1 = k
                    break
            while t1 > t0 and (doc[t1 - 1].tag_ == "POS" or doc[t1 - 1].is_punct):
                t1 -= 1
            if t1 <= t0:
                continue
            if t1 - t0 == 1 and doc[t0].pos_ in ("VERB", "AUX", "ADV", "NOUN"):
                continue  # headline words the recogniser took for names ("Bans", "Raises")
            hy = d.hyphen.get(t0)
            if (
                hy is not None
                and (d.hyphen_word(t0) or "").split("-")[0].lower() in self.lex.prefixes
            ):
                continue  # "anti-Muslim", "pro-Russian": a descriptor, not a name
            start, end = d.span(t0, t1)
            surface = text[start:end]
            if len(surface) < 2 or not any(c.isupper() for c in surface) or start in definitions:
                continue
            ner.append((_Mention(t0, t1, start, end, etype), ent.label_))

        ner_at: dict[int, int] = {}  # token -> index in ner
        for k, (m, _) in enumerate(ner):
            for i in range(m.t0, m.t1):
                ner_at[i] = k
        dropped: set[int] = set()
        out: list[tuple[_Mention, str, str | None, str]] = []
        for start, end, surface in self.gaz.scan(text, d.starts, d.ends):
            if start in definitions:
                continue
            t0, t1 = d.tok_at_start[start], d.tok_at_end[end] + 1
            actor_id, kind = self.gaz.surfaces[surface]
            overlapping = sorted({ner_at[i] for i in range(t0, t1) if i in ner_at})
            if surface in self.gaz.ambiguous and not all(
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
            gtype = self.gaz.entries[actor_id].type if actor_id else self.gaz.distinct[surface]
            out.append((_Mention(t0, t1, start, end, gtype), surface, actor_id or None, kind))
        for k, (m, _) in enumerate(ner):
            if k not in dropped:
                out.append((m, text[m.start : m.end], None, "ner"))
        out.sort(key=lambda x: x[0].start)
        return out

    def _is_title(self, tok: Token) -> bool:
        t = self.lex.term(tok.lower_.rstrip(".")) or self.lex.term(tok.lower_)
        return t is not None and t.role == "title"

    def _group_proper(
        self,
        d: _Doc,
        mentions: list[tuple[_Mention, str, str | None, str]],
        actors: dict[str, _Actor],
        acronyms: dict[str, str],
        tok_actor: list[str | None],
    ) -> None:
        # Names a demonym of the text may derive from ("Marnia" for "Marnian"); the small
        # recogniser often tags such names PERSON, so both count.
        named = {s for m, s, g, k in mentions if k == "ner" and m.etype in ("state", "person")}
        # ... or inside a longer name ("Marnia" in "Marnia Rights Watch").
        named |= {t.text for t in d.doc if len(t.text) > 3 and t.pos_ == "PROPN"}
        norp = {s for m, s, g, k in mentions if k == "ner" and m.etype == "group"}

        def actor(key: str, name: str, etype: str) -> _Actor:
            if key not in actors:
                actors[key] = _Actor(key=key, name=name, type=etype)
            return actors[key]

        for m, surface, gaz_id, kind in mentions:
            if gaz_id is not None:
                entry = self.gaz.entries[gaz_id]
                if kind == "people":
                    a = actor(f"people:{gaz_id}", surface, "group")
                    a.fixed_type = True
                    m.etype = "group"
                elif kind == "capital" and self._locative(d, m):
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
                key, how = self._name_key(surface, m, acronyms, named, norp)
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
        self._merge_surnames(actors, tok_actor)
        for a in actors.values():
            a.aliases |= {acr for acr, full in acronyms.items() if full in a.aliases}

    def _name_key(
        self,
        surface: str,
        m: _Mention,
        acronyms: dict[str, str],
        named: set[str],
        norp: set[str],
    ) -> tuple[str, str]:
        """(actor key, how): how is "acronym", "demonym", "people" or "name"."""
        if surface in acronyms:
            full = acronyms[surface]
            hit = self.gaz.lookup(full)
            return (hit[0] if hit and hit[1] == "name" else f"name:{full}"), "acronym"
        if m.etype == "group":
            for place in sorted(_demonym_bases(surface) & named):
                if place != surface and is_demonym_of(surface, place):
                    return f"name:{place}", "demonym"
            if surface.endswith("s"):
                for place in sorted(_demonym_bases(surface[:-1]) & named):
                    if is_demonym_of(surface[:-1], place):
                        return f"people:{place}", "people"
            if surface.endswith("s") and surface[:-1] in norp:
                return f"name:{surface[:-1]}", "name"  # "Democrats" and "Democrat"
        return f"name:{surface}", "name"

    @staticmethod
    def _merge_surnames(actors: dict[str, _Actor], tok_actor: list[str | None]) -> None:
        """Merge shorter forms of a person's name into the one full name they fit.

        "Smith" -> "Ashley Smith" (surname), "Tedros" -> "Tedros Adhanom Ghebreyesus" (first
        name, when no full name has it as surname), "Drummer Rigby" -> "Drummer Lee Rigby"
        and "Garcia Zarate" -> "Jose Ines Garcia Zarate" (the words in order, same last word;
        the longer name becomes a person even where the recogniser called it an
        organisation). Runs after all names are seen, so "the Kessel regime ... Dario Kessel"
        merges though the surname came first. Two candidates (two Smiths): no merge.
        """

        def merge(a: _Actor, target: _Actor) -> None:
            for m in a.mentions:
                m.etype = "person"
                target.add(m)
                for i in range(m.t0, m.t1):
                    tok_actor[i] = target.key
            target.aliases |= a.aliases
            del actors[a.key]

        names = sorted(
            (a for a in actors.values() if a.key.startswith("name:")),
            key=lambda a: -len(a.name.split()),
        )
        for a in names:
            words = a.name.split()
            if a.key not in actors or len(words) < 2 or not a.votes["person"]:
                continue
            found = [
                b
                for b in names
                if b is not a
                and b.key in actors
                and len(b.name.split()) > len(words)
                and b.name.split()[-1] == words[-1]
                and _subsequence(words, b.name.split())
            ]
            if len(found) == 1:
                merge(a, found[0])
        persons = [
            a
            for a in actors.values()
            if a.key.startswith("name:") and a.votes["person"] and " " in a.name
        ]
        for a in list(actors.values()):
            if not a.key.startswith("name:") or " " in a.name or a.key not in actors:
                continue
            by_last = [b for b in persons if b is not a and b.name.split()[-1] == a.name]
            by_first = [b for b in persons if b is not a and b.name.split()[0] == a.name]
            found = by_last or by_first
            if len(found) == 1:
                merge(a, found[0])

    def _scan_missed(
        self,
        d: _Doc,
        actors: dict[str, _Actor],
        definitions: set[int],
        tok_actor: list[str | None],
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
                for s in _find_all(text, alias):
                    e = s + len(alias)
                    if s not in d.tok_at_start or e not in d.tok_at_end or s in definitions:
                        continue
                    t0, t1 = d.tok_at_start[s], d.tok_at_end[e] + 1
                    if any(tok_actor[i] is not None for i in range(t0, t1)):
                        continue
                    etype = a.type if a.votes[a.type] else next(iter(a.votes))
                    a.add(_Mention(t0, t1, s, e, etype), alias)
                    for i in range(t0, t1):
                        tok_actor[i] = a.key

    # ---- types --------------------------------------------------------------------

    def _locative(self, d: _Doc, m: _Mention) -> bool:
        """A locative use of a place name: "in Moscow", "eastern Sarvan", "Moscow-based"."""
        h = _head_of(d.doc, m.t0, m.t1)
        if h.dep_ == "pobj" and h.head.lower_ in _LOC_PREPS:
            return True
        if any(c.dep_ == "amod" and c.lower_ in _COMPASS for c in h.children):
            return True
        word = d.hyphen_word(h.i)
        return bool(word and word.lower().endswith("-based"))

    def _place_cue(self, d: _Doc, m: _Mention) -> int:
        """0: none; 1: a locative use ("in X", "X-based"); 2: a place for sure."""
        doc = d.doc
        h = _head_of(doc, m.t0, m.t1)
        if any(c.dep_ == "amod" and c.lower_ in _COMPASS for c in h.children):
            return 2  # "eastern Sarvan"
        if self._strong_place(d, m, h):
            return 2
        return 1 if self._locative(d, m) else 0

    def _strong_place(self, d: _Doc, m: _Mention, h: Token) -> bool:
        doc = d.doc
        if any(doc[i].lemma_.lower() in _PLACE_NOUNS for i in range(m.t0, m.t1)):
            return True  # "Sarvan province"
        r = h
        while r.dep_ == "conj" and r.head.i != r.i:
            r = r.head
        if r.dep_ in ("compound", "nmod") and r.head.lemma_.lower() in _PLACE_NOUNS:
            return True  # "the Qadim and Bahar districts"
        if h.dep_ == "pobj" and h.head.lower_ == "of" and h.head.head.lemma_ in _PLACE_NOUNS:
            return True  # "the eastern districts of Sarvan"
        if any(c.dep_ == "appos" and c.lemma_ in _PLACE_NOUNS for c in h.children):
            return True
        if h.dep_ == "appos" and h.head.lemma_ in _PLACE_NOUNS:
            return True
        # Dateline: "SARVAN, Marnia, March 18 (...) -"
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

    def _person_cue(self, d: _Doc, m: _Mention) -> bool:
        h = _head_of(d.doc, m.t0, m.t1)
        if any(c.dep_ == "compound" and self._is_title(c) for c in h.children):
            return True
        return m.t0 > 0 and self._is_title(d.doc[m.t0 - 1])

    def _resolve_types(self, d: _Doc, actors: dict[str, _Actor]) -> None:
        for a in actors.values():
            if a.fixed_type:
                continue
            for m in a.mentions:
                cue = self._place_cue(d, m)
                if cue:
                    a.place_cues += 1
                    a.strong_place = a.strong_place or cue == 2
                if self._person_cue(d, m):
                    a.person_cues += 1
        for a in actors.values():
            if a.fixed_type:
                continue
            full_person = a.votes["person"] and any(" " in x for x in a.aliases)
            org_led = a.votes["organisation"] > a.votes["person"] + a.votes["state"]
            acronym = a.name.isupper() and " " not in a.name
            if acronym and a.place_cues and a.votes["state"]:
                a.type = "place"  # a dateline: "WASHINGTON (Reuters) -"
            elif acronym and not full_person:
                a.type = "organisation"  # "CIA" is not a person, whatever the recogniser says
            elif org_led and not full_person and not a.strong_place:
                a.type = "organisation"  # "in the Senate" does not make the Senate a place
            elif full_person or a.person_cues:
                a.type = "person"
            elif a.state_cue and not a.place_cues:
                a.type = "state"
            elif a.place_cues and not a.state_cue:
                a.type = "place"
            elif a.state_cue:
                a.type = "state"
            else:
                # The recogniser labels the same name differently in different sentences:
                # majority vote, person winning ties (names are people more often than the
                # small model thinks).
                most = max(a.votes.values())
                winners = [t for t, n in a.votes.items() if n == most]
                a.type = "person" if "person" in winners else winners[0]
            if a.type == "person":
                full = [x for x in a.aliases if " " in x]
                if full:
                    a.name = max(full, key=len)

    # ---- common-noun groups and metonyms ------------------------------------------

    def _name_match(self, d: _Doc, t: Token, tok_actor: list[str | None]) -> tuple[int, str]:
        """(first token, lemma) of the longest lexicon term ending at ``t`` ("death squad")."""
        doc = d.doc
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
                return mods[-k].i, lemma
        return t.i, head

    @staticmethod
    def _is_group_candidate(t: Token, lemma: str) -> bool:
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
        if t.pos_ == "ADJ" and lemma not in _SIDES:
            return False
        if t.dep_ == "pobj" and t.head.lower_ == "as":
            return False  # "described as terrorists": a label, read as such
        dets = [c.lower_ for c in t.children if c.dep_ in ("det", "predet")]
        plural = t.tag_ in ("NNS", "NNPS")
        if lemma in _SIDES:  # "the left", not "to the left" or "the right to protest"
            return (
                "the" in dets
                and not plural
                and not any(c.dep_ == "prep" and c.lower_ in ("to", "of") for c in t.children)
                and not (t.dep_ == "pobj" and t.head.lower_ in ("on", "to", "from", "at"))
            )
        if dets and dets[0] == "no":
            return False
        return plural or not any(x in _INDEFINITE for x in dets)

    def _groups_and_metonyms(
        self, d: _Doc, actors: dict[str, _Actor], tok_actor: list[str | None]
    ) -> dict[int, tuple[str, int, int]]:
        """Find group and metonym mentions; return anchors: head token -> (actor key, span)."""
        doc, text = d.doc, d.text
        anchors: dict[int, tuple[str, int, int]] = {}
        owner_toks: set[int] = set()  # "Kessel" in "the Kessel regime": the NP is the anchor
        deferred: list[tuple[Token, int, int, str, str]] = []
        heads = self.lex.last_words
        for t in doc:
            if tok_actor[t.i] is not None or t.i in d.hyphen:
                continue
            if t.lemma_.lower() not in heads and t.lower_ not in heads:
                continue
            first, lemma = self._name_match(d, t, tok_actor)
            term = self.lex.term(lemma)
            if term is None or term.role not in ("group", "metonym"):
                continue
            if not self._is_group_candidate(t, t.lemma_.lower()):
                continue
            owner = self._owner(d, t, first, tok_actor, actors)
            poss_pronoun = any(c.dep_ == "poss" and c.lower_ in _PRONOUN_POSS for c in t.children)
            if term.role == "metonym":
                if owner is not None:
                    okey, construction, otok = owner
                    o = actors[okey]
                    o.label_lemmas.add(lemma)
                    s, e = d.span(first, t.i + 1)
                    self._add_label(o, text, s, e, lemma, term.cls, construction)
                    om = [m for m in o.mentions if m.t0 <= otok.i < m.t1]
                    os_, oe = (om[0].start, om[0].end) if om else d.span(otok.i, otok.i + 1)
                    anchors[t.i] = (okey, os_, oe)
                    owner_toks.add(_head_of(doc, om[0].t0, om[0].t1).i if om else otok.i)
                elif not poss_pronoun:
                    deferred.append((t, first, first, lemma, "metonym"))
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
            t0 = self._absorb_norp(d, t, t0, actors, tok_actor)
            if lemma in _NEEDS_MODIFIER:
                # "some opposition groups", "anti-Muslim group": the modifiers name it.
                while (
                    t0 > 0
                    and tok_actor[t0 - 1] is None
                    and doc[t0 - 1].dep_ in ("amod", "compound", "npadvmod", "punct")
                    and doc[t0 - 1].text not in _QUOTES
                    and (doc[t0 - 1].dep_ != "punct" or t0 - 1 in d.hyphen)
                    and (t0 - 1 in d.hyphen or doc[t0 - 1].head.i == t.i)
                    and (t0 - 1 in d.hyphen or self._names_group(doc[t0 - 1]))
                ):
                    t0 -= 1
            has_mods = t0 < t.i or any(c.dep_ in ("amod", "compound") for c in t.children)
            if owner is None and not has_mods and not poss_pronoun:
                if lemma not in _NEEDS_MODIFIER:
                    deferred.append((t, t0, first, lemma, "group"))
                continue
            self._add_group(d, actors, tok_actor, anchors, t, t0, first, lemma, owner)
        for t, t0, first, lemma, role in deferred:
            if role == "metonym":
                holders = [a for a in actors.values() if lemma in a.label_lemmas]
            else:
                holders = [a for a in actors.values() if a.group_head == t.lemma_.lower()]
            term = self.lex.term(lemma)
            assert term is not None
            if len(holders) == 1:
                # "the regime" refers back to the one actor the text calls a regime.
                a = holders[0]
                s, e = d.span(t0, t.i + 1)
                a.add(_Mention(t0, t.i + 1, s, e, a.type, proper=False, term_first=first))
                for i in range(t0, t.i + 1):
                    tok_actor[i] = a.key
                anchors[t.i] = (a.key, s, e)
                fs, fe = d.span(first, t.i + 1)
                self._add_label(a, text, fs, fe, lemma, term.cls, "name")
            else:
                etype = "organisation" if role == "metonym" else "group"
                self._add_group(d, actors, tok_actor, anchors, t, t0, first, lemma, None, etype)
        for a in actors.values():
            for m in a.mentions:
                if m.proper:
                    h = _head_of(doc, m.t0, m.t1)
                    if h.i not in owner_toks:
                        anchors.setdefault(h.i, (a.key, m.start, m.end))
        return anchors

    def _names_group(self, tok: Token) -> bool:
        """A modifier that says which group: a noun, a name, or a listed adjective ("armed")."""
        if tok.pos_ in ("NOUN", "PROPN"):
            return True
        return tok.pos_ == "ADJ" and (
            tok.text[:1].isupper() or self.lex.term(tok.lemma_.lower()) is not None
        )

    def _owner(
        self,
        d: _Doc,
        t: Token,
        first: int,
        tok_actor: list[str | None],
        actors: dict[str, _Actor],
    ) -> tuple[str, str, Token] | None:
        """The actor a group or metonym noun belongs to: "the Kessel regime", "Russia's army"."""
        for c in t.children:
            if c.i > t.i or c.dep_ not in _MOD_DEPS or c.i in d.hyphen:
                continue  # "Iranian-backed militias": Iran backs them, it does not own them
            key = tok_actor[c.i]
            a = actors.get(key) if key else None
            if a is None or key is None:
                continue
            if a.type == "group" and not a.fixed_type:
                if self.lex.role_of(t.lemma_.lower()) != "metonym":
                    continue  # an unresolved NER group adjective ("Shia") joins the name
                a.type = "state"  # "the Marnian government": a demonym after all
            return key, ("possessive" if c.dep_ == "poss" else "compound"), c
        if self.lex.role_of(t.lemma_.lower()) == "metonym":
            for c in t.children:  # "the government of Marnia"
                if c.dep_ == "prep" and c.lower_ == "of":
                    for p in c.children:
                        key = tok_actor[p.i]
                        if p.dep_ == "pobj" and key is not None:
                            return key, "possessive", p
        return None

    @staticmethod
    def _absorb_norp(
        d: _Doc,
        t: Token,
        t0: int,
        actors: dict[str, _Actor],
        tok_actor: list[str | None],
    ) -> int:
        """Fold an unresolved NER group adjective into the group name ("Shia militias")."""
        i = t0 - 1
        if i < 0:
            return t0
        key = tok_actor[i]
        a = actors.get(key) if key else None
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
        d: _Doc,
        actors: dict[str, _Actor],
        tok_actor: list[str | None],
        anchors: dict[int, tuple[str, int, int]],
        t: Token,
        t0: int,
        first: int,
        lemma: str,
        owner: tuple[str, str, Token] | None,
        etype: str = "group",
    ) -> None:
        doc, text = d.doc, d.text
        s, e = d.span(t0, t.i + 1)
        surface = text[s:e]
        name_lemma = " ".join(doc[i].lemma_.lower() for i in range(t0, t.i + 1))
        okey = owner[0] if owner else ""
        key = f"grp:{okey}:{name_lemma}"
        if key not in actors:
            name = surface
            if owner is not None:
                # "Marnian government forces", "Kessel's forces": the owner names the group.
                om = [m for m in actors[okey].mentions if m.t0 <= owner[2].i < m.t1]
                if om and om[0].end <= s and text[om[0].end : s].strip() in ("", "'s", "’s"):
                    name = text[om[0].start : e]
            actors[key] = _Actor(key=key, name=name, type=etype, fixed_type=True)
            actors[key].group_head = t.lemma_.lower()
        a = actors[key]
        a.add(_Mention(t0, t.i + 1, s, e, etype, proper=False, term_first=first))
        if surface != a.name:
            a.aliases.add(surface)
        for i in range(t0, t.i + 1):
            tok_actor[i] = key
        anchors[t.i] = (key, s, e)
        term = self.lex.term(lemma)
        if term is not None:
            fs, fe = d.span(max(first, t0), t.i + 1)
            self._add_label(a, text, fs, fe, lemma, term.cls, "name")

    # ---- labels -------------------------------------------------------------------

    @staticmethod
    def _add_label(
        a: _Actor, text: str, start: int, end: int, lemma: str, cls: str, construction: str
    ) -> None:
        for lb in a.labels:
            if lb.span.start == start and lb.span.end == end:
                return
        a.labels.append(
            Label(
                span=Span.of(text, start, end),
                lemma=lemma,
                class_=cls,
                construction=construction,
            )
        )

    def _labels(
        self,
        d: _Doc,
        a: _Actor,
        tok_actor: list[str | None],
        anchors: dict[int, tuple[str, int, int]],
    ) -> None:
        doc = d.doc
        seen: set[int] = set()
        for m in a.mentions:
            h = _head_of(doc, m.t0, m.t1)
            anchor: Token | None = h
            if h.dep_ in _MOD_DEPS and h.head.i != h.i:
                # A modifier ("Kessel" in "the Kessel regime") speaks for the noun phrase only
                # when that phrase is a metonym of this actor; "MLF" in "MLF spokeswoman
                # Nadia Rahimi" does not take Rahimi's descriptors.
                owner_of = anchors.get(h.head.i)
                anchor = h.head if owner_of and owner_of[0] == a.key else None
            if anchor is None or anchor.i in seen:
                continue
            seen.add(anchor.i)
            self._premodifiers(d, a, anchor, m, tok_actor)
            for c in anchor.children:
                if c.dep_ == "appos" and tok_actor[c.i] is None and _same_par(d, anchor, c):
                    self._descriptor(d, a, c, "appositive", tok_actor)
            if anchor.dep_ == "appos" and _same_par(d, anchor, anchor.head):
                head = anchor.head
                if tok_actor[head.i] is not None and head.dep_ == "pobj":
                    # "The UN envoy for Marnia, Helga Lindqvist": the parser hangs the name on
                    # the nearest noun; the descriptor is the noun the preposition modifies.
                    head = head.head.head
                if tok_actor[head.i] is None and head.pos_ == "NOUN":
                    self._descriptor(d, a, head, "appositive", tok_actor)
            self._predicates(d, a, anchor, tok_actor)

    def _hyphen_label(
        self, d: _Doc, a: _Actor, i: int, construction: str, done: set[tuple[int, int]]
    ) -> None:
        span = d.hyphen[i]
        if span in done:
            return
        done.add(span)
        word = d.hyphen_word(i) or ""
        hit = self.lex.hyphenated(word)
        if hit is not None:
            s, e = d.span(*span)
            self._add_label(a, d.text, s, e, word.lower(), hit[0], construction)

    def _left_compounds(
        self, d: _Doc, c: Token, tok_actor: list[str | None], deps: tuple[str, ...]
    ) -> list[Token]:
        """``c`` with the contiguous modifiers of it (or of them) to its left."""
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

    def _premodifiers(
        self, d: _Doc, a: _Actor, anchor: Token, m: _Mention, tok_actor: list[str | None]
    ) -> None:
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
                        self._add_label(a, text, s, e, word.lower(), "neutral", "premodifier")
                        continue
                self._hyphen_label(d, a, c.i, "premodifier", done)
                continue
            if tok_actor[c.i] is not None and (m.proper or tok_actor[c.i] != a.key):
                continue
            toks = self._left_compounds(d, c, tok_actor, ("compound", "amod"))
            lemma, first = self._longest(toks, c)
            term = self.lex.term(lemma) if lemma else None
            if term is not None:
                s, e = d.span(first, c.i + 1)
                self._add_label(a, text, s, e, lemma, term.cls, "premodifier")
            elif (
                a.type == "person"
                and c.dep_ == "compound"
                and c.pos_ in ("NOUN", "PROPN")
                and not c.text.isupper()
            ):
                # Any title before a name is a descriptor ("surgeon Leyla Haddad").
                s, e = d.span(toks[0].i, c.i + 1)
                words = " ".join(x.lemma_.lower() for x in toks)
                self._add_label(a, text, s, e, words, "neutral", "premodifier")

    def _longest(self, toks: list[Token], last: Token) -> tuple[str, int]:
        """Longest lexicon term among the tail of ``toks`` ending at ``last``."""
        for k in range(min(len(toks), self.lex.max_words), 0, -1):
            tail = toks[-k:]
            low = " ".join(x.lower_.rstrip(".") or x.lower_ for x in tail)
            if low in self.lex.terms:
                return low, tail[0].i
            lemma = " ".join(x.lemma_.lower().rstrip(".") or x.lower_ for x in tail)
            if lemma in self.lex.terms and not (k == 1 and lemma in _SIDES):  # "rights"
                return lemma, tail[0].i
        return "", last.i

    def _descriptor(
        self, d: _Doc, a: _Actor, head: Token, construction: str, tok_actor: list[str | None]
    ) -> None:
        """Labels from a descriptive noun phrase: its head, with compounds, and its adjectives."""
        doc, text = d.doc, d.text
        if head.pos_ not in ("NOUN", "PROPN") or head.lemma_.lower() in _GENERIC_HEADS:
            return
        if head.pos_ == "PROPN" and (head.ent_type_ or head.text.isupper()):
            return  # a name ("the Front (MLF)", "X is Y"), not a descriptor
        if any(c.dep_ == "det" and c.lower_ == "no" for c in head.children):
            return
        toks = self._left_compounds(d, head, tok_actor, ("compound", "amod"))
        lemma, first = self._longest(toks, head)
        if lemma:
            covered = set(range(first, head.i + 1))
            s, e = d.span(first, head.i + 1)
            self._add_label(a, text, s, e, lemma, self.lex.terms[lemma].cls, construction)
        else:
            comps = self._left_compounds(d, head, tok_actor, ("compound",))
            s, e = d.span(comps[0].i, head.i + 1)
            words = " ".join(x.lemma_.lower() for x in comps)
            self._add_label(a, text, s, e, words, "neutral", construction)
            covered = {x.i for x in comps}
        done: set[tuple[int, int]] = set()
        for k in range(max(0, head.i - 6), head.i):
            c = doc[k]
            if k in covered or c.head.i != head.i:
                continue
            if k in d.hyphen:
                # The parser may attach every part of "pseudo-left" to the head.
                self._hyphen_label(d, a, k, "adjective", done)
            elif c.dep_ in ("amod", "compound"):
                t = self.lex.term(c.lemma_.lower()) or self.lex.term(c.lower_)
                if t is not None:
                    s, e = d.span(k, k + 1)
                    self._add_label(a, text, s, e, t.lemma, t.cls, "adjective")

    def _predicates(self, d: _Doc, a: _Actor, anchor: Token, tok_actor: list[str | None]) -> None:
        verb = anchor.head
        if verb.i == anchor.i:
            return
        if any(c.dep_ == "neg" for c in verb.children):
            return  # "X is not a terrorist group": the writer withholds the label
        if anchor.dep_ in ("nsubj", "nsubjpass") and verb.lemma_ in _COPULAS:
            for c in verb.children:
                if c.dep_ == "attr":
                    target = c
                    if c.lemma_.lower() in ("nothing", "none"):  # "nothing but a mercenary army"
                        pobj = [
                            p
                            for b in c.children
                            if b.dep_ == "prep" and b.lower_ in ("but", "except", "than")
                            for p in b.children
                            if p.dep_ == "pobj"
                        ]
                        if not pobj:
                            continue
                        target = pobj[0]
                    if tok_actor[target.i] is None:
                        self._descriptor(d, a, target, "predicate", tok_actor)
                elif c.dep_ == "acomp":
                    if c.i in d.hyphen:
                        self._hyphen_label(d, a, c.i, "adjective", set())
                        continue
                    t = self.lex.term(c.lemma_.lower())
                    if t is not None:
                        s, e = d.span(c.i, c.i + 1)
                        self._add_label(a, d.text, s, e, t.lemma, t.cls, "adjective")
        named = anchor.dep_ in ("nsubjpass", "dobj") and verb.lemma_ in _NAMING_VERBS
        if named:  # "X was branded terrorists", "Moscow calls X a legitimate government"
            for c in verb.children:
                # The small parser often reads the object predicate of a passive as dobj.
                second = c.dep_ == "oprd" or (anchor.dep_ == "nsubjpass" and c.dep_ == "dobj")
                if second and tok_actor[c.i] is None:
                    self._descriptor(d, a, c, "predicate", tok_actor)
                elif c.dep_ == "prep" and c.lower_ == "as":
                    for p in c.children:
                        if p.dep_ == "pobj" and tok_actor[p.i] is None:
                            self._descriptor(d, a, p, "predicate", tok_actor)

    # ---- enumerations ---------------------------------------------------------------

    @staticmethod
    def _enumerations(
        d: _Doc, anchors: dict[int, tuple[str, int, int]]
    ) -> dict[str, list[tuple[int, int, int, int]]]:
        """actor key -> [(list start, list end, rank, size)]."""
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
            for _ in range(50):
                while r.dep_ == "conj" and r.head.i != r.i:
                    r = r.head
                owner = sublist_owner(r)
                if owner is None:
                    break
                r = owner
            return r

        def items(n: Token, out: list[int], depth: int = 0) -> None:
            out.append(n.i)
            if depth > 50:
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
        out: dict[str, list[tuple[int, int, int, int]]] = {}
        for r in roots.values():
            idx: list[int] = []
            items(r, idx)
            if len(idx) < 2:
                continue
            listed = [anchors[i] for i in sorted(idx) if i in anchors]
            order: list[str] = []
            for key, _, _ in listed:
                if key not in order:
                    order.append(key)
            if len(order) < 2:
                continue
            start, end = listed[0][1], listed[-1][2]
            for rank, key in enumerate(order, 1):
                entry = (start, end, rank, len(order))
                if entry not in out.setdefault(key, []):
                    out[key].append(entry)
        return out

    # ---- records ------------------------------------------------------------------

    def _records(
        self,
        ctx: Context,
        d: _Doc,
        actors: dict[str, _Actor],
        enums: dict[str, list[tuple[int, int, int, int]]],
    ) -> list[Actor]:
        text = d.text
        n = max(len(text), 1)
        title = (ctx.article.title or "").strip()
        body_start = len(title) if title and text.startswith(title) else 0
        lead_end = _lead_end(text, body_start)
        out: list[Actor] = []
        used: set[str] = set()
        quoted = [(r.inner_start, r.inner_end) for r in article_quotes(ctx)]
        quoted_index = Ranges(quoted)
        for a in sorted(actors.values(), key=lambda x: min(m.start for m in x.mentions)):
            spans = sorted({(m.start, m.end) for m in a.mentions})
            base = a.gaz_id or slugify(a.name)
            actor_id, k = base, 2
            while actor_id in used:
                actor_id, k = f"{base}-{k}", k + 1
            used.add(actor_id)
            in_title = bool(title) and self._in_title(a, title)
            raw = 3.0 if in_title else 0.0
            for s, _ in spans:
                if s < body_start:
                    continue
                raw += 1.0 + (1.0 - s / n) + (1.0 if s < lead_end else 0.0)
            proper = {text[m.start : m.end] for m in a.mentions if m.proper}
            aliases = (a.aliases | proper) - {a.name}
            out.append(
                Actor(
                    id=actor_id,
                    name=a.name,
                    type=a.type,
                    aliases=sorted(aliases),
                    mentions=[Span.of(text, s, e) for s, e in spans],
                    first_mention=FirstMention(
                        start=spans[0][0], relative=round(spans[0][0] / n, 4)
                    ),
                    mention_count=len(spans),
                    prominence=raw,
                    in_title=in_title,
                    only_quoted=bool(quoted)
                    and all(quoted_index.holds_span(s, e) for s, e in spans),
                    enumerations=[
                        Enumeration(span=Span.of(text, s, e), rank=r, size=z)
                        for s, e, r, z in enums.get(a.key, [])
                    ],
                    labels=sorted(a.labels, key=lambda lb: lb.span.start),
                    analyzer=self.key(),
                )
            )
        top = max((x.prominence for x in out), default=0.0) or 1.0
        for x in out:
            x.prominence = round(x.prominence / top, 4)
        return out

    def _in_title(self, a: _Actor, title: str) -> bool:
        names = set(a.aliases) | {a.name}
        if a.gaz_id:
            names |= set(self._gaz_surfaces.get(a.gaz_id, ()))
        for name in names:
            if name and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w])", title):
                return True
        if a.group_head:
            words = {a.group_head, a.name.lower()}
            low = title.lower()
            return any(re.search(rf"\b{re.escape(w)}(?:s|es)?\b", low) for w in words if w)
        return False


def _find_all(text: str, word: str) -> list[int]:
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


def _same_par(d: _Doc, a: Token, b: Token) -> bool:
    """No paragraph break between two tokens (a subheading is not an appositive)."""
    lo, hi = min(a.idx, b.idx), max(a.idx, b.idx)
    return "\n" not in d.text[lo:hi]


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(w in it for w in short)


def _lead_end(text: str, body_start: int) -> int:
    """End of the lead: the first two non-empty paragraphs after ``body_start``."""
    count = 0
    for m in re.finditer(r"[^\n]+", text[body_start:]):
        if m.group().strip():
            count += 1
            if count == 2:
                return body_start + m.end()
    return len(text)
