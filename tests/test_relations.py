"""relations: each pattern, negation, hedging, the Washington Post case, and the graph view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from framelens import Pipeline, load_settings
from framelens.analyzers.relations import RelationsAnalyzer
from framelens.ingest import iter_articles
from framelens.model import Actor, Analysis, Article, FirstMention, Relation, Span
from framelens.reports import render_html
from framelens.reports.graph import relation_edges, relation_graph

Run = Callable[[str], Analysis]


@pytest.fixture(scope="module")
def run() -> Run:
    pipe = Pipeline("actors,relations", load_settings(config_file=None))
    return lambda text: pipe.analyze(Article(text=text), force=True)


def _rels(a: Analysis) -> set[tuple[str, str, str]]:
    return {(r.source, r.type, r.target) for r in a.relations}


def _one(a: Analysis, source: str, rtype: str, target: str) -> Relation:
    found = [r for r in a.relations if (r.source, r.type, r.target) == (source, rtype, target)]
    assert len(found) == 1, (source, rtype, target, sorted(_rels(a)))
    return found[0]


# ---- patterns ---------------------------------------------------------------------------


def test_backs_verbs_with_coordinated_subjects(run: Run) -> None:
    a = run("The United States, Turkey and Qatar support some opposition groups.")
    for src in ("united-states", "turkey", "qatar"):
        r = _one(a, src, "backs", "opposition-groups")
        assert not r.negated and not r.hedged and 0.0 < r.score <= 1.0
    assert _one(a, "united-states", "backs", "opposition-groups").score == 0.9


def test_arms_and_funds(run: Run) -> None:
    a = run("Russia arms the government forces, while Qatar funds the rebels.")
    assert {("russia", "backs", "government-forces"), ("qatar", "backs", "rebels")} <= _rels(a)


def test_hyphenated_backed(run: Run) -> None:
    a = run("Iranian-backed militias and US-backed fighters clashed near the border.")
    r = _one(a, "iran", "backs", "militias")
    assert r.span.text == "Iranian-backed militias"
    _one(a, "united-states", "backs", "fighters")


def test_allies(run: Run) -> None:
    a = run("Russia and its ally Iran shelled the rebels.")
    _one(a, "russia", "allies", "iran")
    assert {("russia", "attacks", "rebels"), ("iran", "attacks", "rebels")} <= _rels(a)
    b = run("Marnia is allied with Russia.")
    _one(b, "marnia", "allies", "russia")
    c = run("Iran, an ally of Syria, condemned the strikes.")
    _one(c, "iran", "allies", "syria")


def test_attacks_active_passive_and_coordinated_verbs(run: Run) -> None:
    a = run(
        "Government forces besieged and shelled the rebels. The militias were bombed by Russia."
    )
    assert ("government-forces", "attacks", "rebels") in _rels(a)
    _one(a, "russia", "attacks", "militias")


def test_attack_through_the_target_phrase_and_a_metonym(run: Run) -> None:
    a = run("The Kessel regime bombed the eastern districts of Sarvan for weeks.")
    r = _one(a, "kessel", "attacks", "sarvan")
    assert r.span.text.startswith("The Kessel regime")
    assert r.score < 0.9  # the target was reached through its phrase


def test_blames_and_accuses(run: Run) -> None:
    a = run(
        "Turkey blamed Russia for the collapse of the talks. "
        "Iran accused the United States of sabotage."
    )
    _one(a, "turkey", "blames", "russia")
    _one(a, "iran", "blames", "united-states")


def test_opposes(run: Run) -> None:
    a = run("Germany condemned Russia on Monday, and France opposes the rebels.")
    _one(a, "germany", "opposes", "russia")
    _one(a, "france", "opposes", "rebels")


def test_relative_clause_and_nominal_support(run: Run) -> None:
    a = run(
        "Russia, which has carried out air strikes in support of the Marnian government, "
        "criticised Turkey."
    )
    # No "Marnia" in this text: the state is named by its demonym.
    r = _one(a, "russia", "backs", "marnian")
    assert r.span.text.startswith("Russia, which") and r.span.text.endswith("government")
    _one(a, "russia", "opposes", "turkey")


def test_copula_carries_the_relation_to_the_subject(run: Run) -> None:
    a = run(
        'The so-called "opposition" is nothing but an army paid by Turkey and protected by '
        "Washington."
    )
    _one(a, "turkey", "backs", "opposition")
    _one(a, "united-states", "backs", "opposition")


# ---- negation and hedging -------------------------------------------------------------------


# ---- pronoun arguments -----------------------------------------------------------------


def test_pronoun_subject_stands_for_the_person_named_before(run: Run) -> None:
    a = run(
        "President Dario Kessel spoke in Sarvan on Monday. "
        "He accused the United Nations of bias and blamed Turkey for the fighting."
    )
    for target in ("united-nations", "turkey"):
        r = _one(a, "dario-kessel", "blames", target)
        assert [x.text for x in r.antecedents] == ["Dario Kessel"]
        assert r.span.text.startswith("He") and r.score < 0.9
        assert a.article.text[r.antecedents[0].start : r.antecedents[0].end] == "Dario Kessel"
    assert "(pronoun for “Dario Kessel”)" in render_html(a)


@pytest.mark.parametrize(
    ("accuser", "accused", "accuser_id", "accused_id"),
    [("Turkey", "Russia", "turkey", "russia"), ("Russia", "Turkey", "russia", "turkey")],
)
def test_object_pronoun_is_not_its_own_subject(
    run: Run, accuser: str, accused: str, accuser_id: str, accused_id: str
) -> None:
    """Both sides the same way: "X accused them" never reads as X accusing itself."""
    a = run(f"{accused} met envoys in Geneva. {accuser} accused them of prolonging the war.")
    r = _one(a, accuser_id, "blames", accused_id)
    assert [x.text for x in r.antecedents] == [accused]


@pytest.mark.parametrize(
    ("powers", "leader", "ids", "leader_id"),
    [
        (
            "Turkey, Qatar and Saudi Arabia",
            "Kessel",
            ("turkey", "qatar", "saudi-arabia"),
            "dario-kessel",
        ),
        ("Russia, Iran and China", "Okafor", ("russia", "iran", "china"), "amara-okafor"),
    ],
)
def test_plural_pronoun_stands_for_every_coordinated_actor(
    run: Run, powers: str, leader: str, ids: tuple[str, ...], leader_id: str
) -> None:
    first = {"Kessel": "Dario Kessel", "Okafor": "Amara Okafor"}[leader]
    a = run(f"{powers} have sent envoys to the talks. President {first} blames them for the war.")
    for actor_id, name in zip(ids, powers.replace(" and ", ", ").split(", "), strict=True):
        r = _one(a, leader_id, "blames", actor_id)
        assert [x.text for x in r.antecedents] == [name]


def test_pronoun_without_antecedent_or_inside_a_quote_gives_nothing(run: Run) -> None:
    assert run("He attacked the convoy near the border on Sunday night.").relations == []
    far = run(
        "Turkey sent envoys to Geneva in March. The talks lasted a week. "
        "A new plan was published on Friday. It attacks Syria, critics say."
    )
    assert far.relations == []
    a = run('Leyla Haddad runs the last hospital in Sarvan. "They shelled it," she said.')
    assert a.relations == []
    # The writer's "they" is resolved; the same words inside a quote are the speaker's.
    said = "Turkey moved troops to the border. {q}They will attack Syria,{q} a commander said."
    r = _one(run(said.format(q="")), "turkey", "attacks", "syria")
    assert [x.text for x in r.antecedents] == ["Turkey"]
    assert not any(x.antecedents for x in run(said.format(q='"')).relations)


def test_negation(run: Run) -> None:
    a = run("The US did not back the rebels.")
    assert _one(a, "united-states", "backs", "rebels").negated
    b = run("Turkey refused to arm the rebels.")
    assert _one(b, "turkey", "backs", "rebels").negated
    c = run("Turkey armed the rebels.")
    assert not _one(c, "turkey", "backs", "rebels").negated


@pytest.mark.parametrize(
    "text",
    [
        "Iran reportedly armed the militias.",
        "Iran allegedly armed the militias.",
        "Iran may have armed the militias.",
        "Iran is said to have armed the militias.",
    ],
)
def test_hedging(run: Run, text: str) -> None:
    r = _one(run(text), "iran", "backs", "militias")
    assert r.hedged and not r.negated


@pytest.mark.parametrize(
    ("text", "source", "target"),
    [
        ("The government insists that the army is fighting the rebels.", "army", "rebels"),
        ("The rebels insist that they are fighting the army.", "rebels", "army"),
        ("The ministry maintains that Iran attacked the rebels.", "iran", "rebels"),
    ],
)
def test_an_insisted_relation_is_the_speakers_claim(
    run: Run, text: str, source: str, target: str
) -> None:
    r = _one(run(text), source, "attacks", target)
    assert r.hedged and not r.negated


def test_washington_post_is_not_a_party_to_relations(run: Run) -> None:
    a = run("The Washington Post reported that Russia bombed the rebels.")
    assert _rels(a) == {("russia", "attacks", "rebels")}
    assert all("united-states" not in (r.source, r.target) for r in a.relations)


def test_records_are_well_formed(run: Run) -> None:
    text = "Iranian-backed militias shelled the town. The US did not back the rebels."
    a = run(text)
    ids = {x.id for x in a.actors}
    assert a.relations
    for r in a.relations:
        assert text[r.span.start : r.span.end] == r.span.text
        assert r.source in ids and r.target in ids and r.source != r.target
        assert r.analyzer == RelationsAnalyzer.key() == "relations.v3"
        assert 0.0 <= r.score <= 1.0


def test_examples(example_paths: list[Path]) -> None:
    pipe = Pipeline("actors,relations", load_settings(config_file=None))
    results = {
        x.article.title: x
        for x in pipe.analyze_many(iter_articles(example_paths))
        if isinstance(x, Analysis)
    }
    opinion = next(v for k, v in results.items() if k and "diplomacy" in k)
    assert {("iran", "backs", "militias"), ("turkey", "blames", "dario-kessel")} <= _rels(opinion)
    assert ("dario-kessel", "attacks", "sarvan") in _rels(opinion)
    state = next(v for k, v in results.items() if k and "liberating" in k)
    assert ("turkey", "backs", "opposition") in _rels(state)
    wire = next(v for k, v in results.items() if k and "Geneva" in k)
    assert ("russia", "backs", "marnia") in _rels(wire)


# ---- the graph view -------------------------------------------------------------------------


def _actor(actor_id: str, name: str, start: int, text: str) -> Actor:
    return Actor(
        id=actor_id,
        name=name,
        type="group",
        mentions=[Span.of(text, start, start + 4)],
        first_mention=FirstMention(start=start, relative=0.0),
        mention_count=1,
        prominence=1.0,
    )


def test_graph_escapes_names_and_marks_negation() -> None:
    text = "Evil backs Good. Evil did not attack Good. Evil might attack Good."
    evil = _actor("evil", "<script>alert(1)</script>", 0, text)
    good = _actor("good", 'Good "&" Co', 11, text)
    rels = [
        Relation(source="evil", target="good", type="backs", span=Span.of(text, 0, 16)),
        Relation(
            source="evil", target="good", type="attacks", span=Span.of(text, 17, 42), negated=True
        ),
        Relation(
            source="evil", target="good", type="attacks", span=Span.of(text, 43, 66), hedged=True
        ),
    ]
    analysis = Analysis(article=Article(text=text), actors=[evil, good], relations=rels)
    edges = relation_edges(analysis)
    assert [(e.type, len(e.relations)) for e in edges] == [("backs", 1), ("attacks", 2)]
    assert not edges[1].negated and not edges[1].hedged  # mixed instances
    svg = str(relation_graph(analysis))
    assert svg.startswith("<svg") and svg.count('class="node"') == 2
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "&#34;&amp;&#34;" in svg or "&quot;&amp;&quot;" in svg
    html = render_html(analysis)
    assert "<script>" not in html and 'class="relgraph"' in html
    only_negated = analysis.model_copy(update={"relations": [rels[1]]})
    assert "stroke-dasharray" in str(relation_graph(only_negated))
    assert str(relation_graph(analysis.model_copy(update={"relations": []}))) == ""


@pytest.mark.parametrize(
    "text",
    [
        'The Marnian government insists it is fighting "terrorists." Nobody believes it.',
        'The rebels insist they are fighting "occupiers." Few agree.',
    ],
)
def test_a_relation_span_never_holds_half_a_quotation(run: Run, text: str) -> None:
    rels = run(text).relations
    assert rels and all(r.hedged for r in rels), [(r.source, r.target) for r in rels]
    for r in rels:
        assert r.span.text.count('"') % 2 == 0 and r.span.text.endswith('."'), r.span.text
