"""The working records the passes of the ``actors`` analyzer hand each other.

``ActorDoc`` indexes the shared parse once per article; ``Mention`` and ``Draft`` are the
mutable records an actor is built in (a later pass may retype a mention or rename an
actor); the named tuples replace the positional tuples the passes used to pass around.
``ActorWords`` holds the word lists they read; ``TokenActors`` maps each token index to
the key of the actor whose mention holds it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ..model import Label, Span
from ..text.lexicons import word_set
from ..text.syntax import hyphen_spans, token_ranges, tokens

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..context import Context
    from ._labels import LabelLexicon

#: token index -> key of the actor a mention there belongs to (None: no actor yet)
TokenActors = list[str | None]

QUOTE_MARKS = {'"', "'", "“", "”", "‘", "’", "«", "»"}
#: Dependencies by which a word modifies the noun it hangs on.
MOD_DEPS = {"compound", "amod", "nmod", "poss", "npadvmod"}
#: "the left", "the right": sides that are adjectives, and words ("rights") that are not.
SIDES = {"left", "right"}


#: role_nouns.toml's lists of nouns only a person is
_PERSON_LISTS = ("person", "origin", "feminine", "masculine")


@dataclass(frozen=True)
class ActorWords:
    """The word lists the passes read (``resources/lexicons/``), with a user's words added."""

    #: honorifics.toml: a name starting with one is a person ("Ms Geller")
    person_markers: frozenset[str]
    #: role_nouns.toml: a name beside one is a place ("Sarvan province")
    place_nouns: frozenset[str]
    #: honorifics.toml: particles left out when two forms of a name are compared ("al-")
    name_particles: frozenset[str]
    #: cue_verbs.toml [labels]: verbs that pin a predicate label ("was branded terrorists")
    naming_verbs: frozenset[str]
    #: cue_verbs.toml [cues] speech: a name the recogniser missed that says something is a
    #: person ("Ana Ruiz said")
    speech_verbs: frozenset[str] = frozenset()
    #: role_nouns.toml: people "from" a name are from a place ("a teacher from Nashua")
    origin_nouns: frozenset[str] = frozenset()
    #: role_nouns.toml (person, origin, feminine, masculine): a name in apposition with one
    #: is a person ("Ostrow, the council's treasurer")
    person_roles: frozenset[str] = frozenset()
    #: cue_verbs.toml [sources] org_nouns: a name right after one is an organisation ("the
    #: charity Northlight")
    org_nouns: frozenset[str] = frozenset()
    #: role_nouns.toml: the last word of an organisation's name ("Harlow Freight")
    org_heads: frozenset[str] = frozenset()

    @classmethod
    def load(cls, user_file: str = "") -> ActorWords:
        """The bundled lists, with ``user_file`` (the ``lexicons`` setting) added."""
        return cls(
            person_markers=word_set("honorifics", "person_markers", user_file),
            name_particles=word_set("honorifics", "particles", user_file),
            place_nouns=word_set("role_nouns", "place", user_file),
            naming_verbs=word_set("cue_verbs", "labels.naming", user_file),
            speech_verbs=word_set("cue_verbs", "cues.speech", user_file),
            origin_nouns=word_set("role_nouns", "origin", user_file),
            person_roles=frozenset().union(
                *(word_set("role_nouns", k, user_file) for k in _PERSON_LISTS)
            ),
            org_nouns=word_set("cue_verbs", "sources.org_nouns", user_file),
            org_heads=word_set("role_nouns", "org_heads", user_file),
        )


@dataclass
class Mention:
    t0: int
    t1: int  # tokens [t0, t1)
    start: int
    end: int  # characters [start, end)
    etype: str  # the type this mention votes for
    proper: bool = True  # a name (True) or a common-noun group / metonym (False)
    term_first: int | None = None  # groups: first token of the lexicon term naming them


@dataclass
class Draft:
    """An actor while the passes build it; ``ActorsAnalyzer`` turns it into a ``model.Actor``."""

    key: str
    name: str
    type: str = "other"
    mentions: list[Mention] = field(default_factory=list)
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
    #: mentions in apposition with a role only a person holds (``_actor_types.role_apposition``)
    role_cues: int = 0
    #: mentions right after a noun for an organisation ("the charity Northlight")
    org_cues: int = 0
    #: a name of two words or more ending in a word for an organisation ("Harlow Freight")
    org_name: bool = False
    state_cue: bool = False

    def add(self, m: Mention, surface: str | None = None) -> None:
        self.mentions.append(m)
        self.votes[m.etype] += 1
        if surface:
            self.aliases.add(surface)


class NameMention(NamedTuple):
    """A name found in the text, the recogniser and the gazetteer reconciled."""

    mention: Mention
    surface: str
    gaz_id: str | None  # the gazetteer actor it names, if any
    kind: str  # the gazetteer's kind ("name", "demonym", ...), "distinct", or "ner"


class Acronyms(NamedTuple):
    """Acronyms the text defines ("International Socialist Organization (ISO)")."""

    full_names: dict[str, str]  # acronym -> the full name it abbreviates
    definitions: set[int]  # character offsets of "ISO" inside such a definition


class Anchor(NamedTuple):
    """The actor a head token speaks for, with the span of that mention."""

    key: str
    start: int
    end: int


class Owner(NamedTuple):
    """The actor a group or metonym noun belongs to ("the Kessel regime", "Russia's army")."""

    key: str
    construction: str  # "compound" or "possessive"
    token: Token


class TermMatch(NamedTuple):
    """The longest label-lexicon term ending at a token: its lemma and first token."""

    lemma: str
    first: int


class Listing(NamedTuple):
    """One list an actor is enumerated in: the list's span, its rank there, the list size."""

    start: int
    end: int
    rank: int
    size: int


class ActorDoc:
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


def is_title(lex: LabelLexicon, tok: Token) -> bool:
    """A title before a person's name ("President", "Dr."), per the label lexicon."""
    t = lex.term(tok.lower_.rstrip(".")) or lex.term(tok.lower_)
    return t is not None and t.role == "title"


def add_label(
    a: Draft, text: str, start: int, end: int, lemma: str, cls: str, construction: str
) -> None:
    """Pin a label on ``a``, once per span."""
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
