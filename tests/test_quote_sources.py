"""How a quoted source is introduced: descriptions and affiliation (quotes, pass 4)."""

from __future__ import annotations

from framelens import load_settings
from framelens.analyzers._quote_sources import Sources, mention_head
from framelens.analyzers._quote_speakers import Resolver
from framelens.analyzers._quote_syntax import DocIndex, load_lexicon
from framelens.analyzers.actors import ActorsAnalyzer
from framelens.context import Context
from framelens.model import Actor, Analysis, Article, Speaker
from framelens.text.quote_marks import article_quotes

from .actor_data import _nlp


def _sources(text: str) -> tuple[Sources, list[Actor], DocIndex]:
    settings = load_settings(config_file=None)
    article = Article(text=text)
    ctx = Context(article, _nlp()(text), Analysis(article=article), settings)
    ActorsAnalyzer(settings).run(ctx)
    idx = DocIndex(ctx.doc, text)
    resolver = Resolver(idx, load_lexicon(), ctx.analysis.actors, article_quotes(ctx))
    return resolver.sources, ctx.analysis.actors, idx


def _person(text: str) -> Speaker:
    sources, actors, _ = _sources(text)
    [person] = [a for a in actors if a.type == "person"]
    m = person.mentions[0]
    return sources.speaker(person.name, (m.start, m.end), person)


def test_an_appositive_describes_and_affiliates() -> None:
    sp = _person(
        "Nadia Rahimi, a spokeswoman for the Marnian Liberation Front, said the convoy had left."
    )
    assert sp.name == "Nadia Rahimi" and sp.actor_id == "nadia-rahimi"
    assert [d.text for d in sp.descriptions] == ["a spokeswoman for the Marnian Liberation Front"]
    assert sp.affiliation == "marnian-liberation-front"


def test_a_relative_clause_affiliates_only_when_its_verb_ties_them() -> None:
    works = _person("Omar Said, who works for the Halden Trust, said the vote was rigged.")
    assert [d.text for d in works.descriptions] == ["who works for the Halden Trust"]
    assert works.affiliation == "halden-trust"
    critic = _person("Omar Said, who has criticised the Halden Trust, said the vote was rigged.")
    assert [d.text for d in critic.descriptions] == ["who has criticised the Halden Trust"]
    assert critic.affiliation is None


def test_premodifiers_describe_but_a_courtesy_title_does_not() -> None:
    assert [
        d.text for d in _person("Union veteran Ivo Pell said the strike would go on.").descriptions
    ] == ["Union veteran"]
    assert _person("Ms Ivo Pell said the strike would go on.").descriptions == []


def test_a_premodifier_keeps_its_of_phrase() -> None:
    sp = _person("Former Minister of Ports Ivo Pell said the strike would go on.")
    assert [d.text for d in sp.descriptions] == ["Former Minister of Ports"]
    sp = _person("Former Minister of Finance Lena Brandt said the levy would pass.")
    assert [d.text for d in sp.descriptions] == ["Former Minister of Finance"]
    # the title's "of" phrase describes; it names no body the speaker belongs to
    sp = _person("Secretary of State Lena Brandt said the talks would resume in May.")
    assert [d.text for d in sp.descriptions] == ["Secretary of State"]
    assert sp.affiliation is None


def test_mention_head_is_the_token_whose_head_is_outside() -> None:
    text = "The Marnian Liberation Front said the convoy had left."
    _, actors, idx = _sources(text)
    [front] = actors
    m = front.mentions[0]
    head = mention_head(idx, (m.start, m.end))
    assert head is not None and head.text == "Front"
