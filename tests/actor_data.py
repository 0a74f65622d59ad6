"""Helpers for the tests of the actors analyzer's passes: parse a text, run passes in order."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from framelens import load_settings
from framelens.analyzers._actor_aliases import find_acronyms, group_names
from framelens.analyzers._actor_groups import groups_and_metonyms
from framelens.analyzers._actor_mentions import proper_mentions, scan_missed
from framelens.analyzers._actor_records import ActorDoc, ActorWords, Anchor, Draft, TokenActors
from framelens.analyzers._actor_types import resolve_types
from framelens.analyzers._gazetteer import Gazetteer, load_gazetteer
from framelens.analyzers._labels import LabelLexicon, load_label_lexicon
from framelens.context import Context
from framelens.model import Analysis, Article


@functools.cache
def _nlp():  # type: ignore[no-untyped-def]
    from framelens.nlp import load_nlp

    return load_nlp(load_settings(config_file=None).spacy_model)


def gaz() -> Gazetteer:
    return load_gazetteer("")


def lex() -> LabelLexicon:
    return load_label_lexicon("")


def words() -> ActorWords:
    return ActorWords.load("")


def parse(text: str) -> ActorDoc:
    article = Article(text=text)
    ctx = Context(
        article=article,
        doc=_nlp()(text),
        analysis=Analysis(article=article),
        settings=load_settings(config_file=None),
    )
    return ActorDoc(ctx)


@dataclass
class Passes:
    """The state of the actors passes on one text, run up to a chosen pass."""

    d: ActorDoc
    actors: dict[str, Draft] = field(default_factory=dict)
    tok_actor: TokenActors = field(default_factory=list)
    anchors: dict[int, Anchor] = field(default_factory=dict)

    def named(self, name: str) -> Draft:
        found = [a for a in self.actors.values() if a.name == name or name in a.aliases]
        assert len(found) == 1, (name, [(a.key, a.name, a.aliases) for a in self.actors.values()])
        return found[0]


def run_passes(text: str, upto: str = "groups") -> Passes:
    """Run the passes in ``ActorsAnalyzer.run``'s order up to ``upto``: "names", "types" or
    "groups" (after which labels and enumerations may run)."""
    d = parse(text)
    p = Passes(d, tok_actor=[None] * len(d.doc))
    acronyms = find_acronyms(text)
    mentions = proper_mentions(gaz(), lex(), words(), d, acronyms.definitions)
    group_names(
        gaz(), d, mentions, p.actors, acronyms.full_names, p.tok_actor, words().name_particles
    )
    scan_missed(d, p.actors, acronyms.definitions, p.tok_actor)
    if upto == "names":
        return p
    resolve_types(lex(), words(), d, p.actors)
    if upto == "types":
        return p
    p.anchors = groups_and_metonyms(lex(), d, p.actors, p.tok_actor)
    for key, actor in list(p.actors.items()):
        if not actor.mentions:
            del p.actors[key]
    return p
