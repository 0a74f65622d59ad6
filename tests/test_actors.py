"""actors v3: mentions, alias merging, types, groups, enumerations, prominence, on written text."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from framelens import ConfigError, Pipeline, load_settings
from framelens.analyzers.actors import acronym_matches, is_demonym_of
from framelens.ingest import iter_articles
from framelens.model import Actor, Analysis, Article

Run = Callable[..., Analysis]


@pytest.fixture(scope="module")
def run() -> Run:
    pipe = Pipeline("actors", load_settings(config_file=None))

    def analyze(text: str, title: str | None = None) -> Analysis:
        return pipe.analyze(Article(text=text, title=title), force=True)

    return analyze


def _actor(analysis: Analysis, name: str) -> Actor:
    found = [a for a in analysis.actors if a.name == name or name in a.aliases or a.id == name]
    assert len(found) == 1, (name, [(a.id, a.name, a.aliases) for a in analysis.actors])
    return found[0]


def _no_actor(analysis: Analysis, name: str) -> None:
    assert not [a for a in analysis.actors if a.name == name or name in a.aliases], name


# ---- v1 rules, kept ------------------------------------------------------------------


def test_surname_repeats_merge_with_full_name(run: Run) -> None:
    text = (
        "Ashley Smith, a union organiser in Detroit, spoke first at the rally. "
        "The crowd cheered when Smith called for a general strike. "
        "Later Smith told reporters that the union would not back down."
    )
    smith = _actor(run(text), "Ashley Smith")
    assert smith.type == "person"
    assert smith.mention_count == 3
    assert "Smith" in smith.aliases
    assert smith.first_mention.start == 0 and smith.first_mention.relative == 0.0


def test_surname_before_full_name_still_merges(run: Run) -> None:
    text = (
        "Critics of the Kessel government gathered in the square on Friday. "
        "President Dario Kessel did not respond to the protest."
    )
    kessel = _actor(run(text), "Dario Kessel")
    assert kessel.mention_count == 2
    assert {lb.lemma for lb in kessel.labels} >= {"government", "president"}


def test_acronym_defined_in_text(run: Run) -> None:
    text = (
        "Members of the International Socialist Organization (ISO) marched on Saturday. "
        "The ISO has organised similar protests in three cities this year, and its "
        "leaders say the ISO will return next month."
    )
    iso = _actor(run(text), "International Socialist Organization")
    assert "ISO" in iso.aliases
    assert iso.mention_count == 3
    assert iso.type == "organisation"


def test_first_mention_relative_and_exact_repeats(run: Run) -> None:
    text = (
        "The storm hit the coast overnight and left thousands without power. "
        "Officials in Portugal said the damage was the worst in a decade. "
        "Portugal has asked its neighbours for help with repairs."
    )
    portugal = _actor(run(text), "Portugal")
    assert portugal.mention_count == 2
    expected = text.index("Portugal") / len(text)
    assert portugal.first_mention.relative == pytest.approx(expected, abs=1e-3)


def test_acronym_initials() -> None:
    assert acronym_matches("International Socialist Organization", "ISO")
    assert acronym_matches("Marnian Liberation Front", "MLF")
    assert not acronym_matches("Marnian Liberation Front", "MF")
    assert not acronym_matches("Ministry of Defence", "M")


# ---- alias merging --------------------------------------------------------------------


def test_state_aliases_demonym_capital_and_administration_merge(run: Run) -> None:
    text = (
        "The United States sent a new envoy to the region on Monday. US officials said the "
        "talks would resume, and American diplomats flew in from Cairo. Washington has "
        "armed the rebels for two years, a policy the Obama administration began."
    )
    a = run(text)
    us = _actor(a, "United States")
    assert us.id == "united-states" and us.type == "state"
    assert [m.text for m in us.mentions] == [
        "United States",
        "US",
        "American",
        "Washington",
        "Obama administration",
    ]
    assert {"US", "American", "Washington", "Obama administration"} <= set(us.aliases)


def test_washington_post_is_an_outlet_not_the_us_government(run: Run) -> None:
    text = (
        "The Washington Post reported on Thursday that Washington had quietly armed the "
        "rebels. The New York Times and officials in Washington state said nothing."
    )
    a = run(text)
    post = _actor(a, "Washington Post")
    assert post.type == "organisation" and post.mention_count == 1
    us = _actor(a, "united-states")
    assert [m.text for m in us.mentions] == ["Washington"]
    assert us.mentions[0].start == text.index("Washington had")
    assert _actor(a, "New York Times").type == "organisation"
    state = _actor(a, "Washington state")
    assert state.id != "united-states"


def test_well_known_acronym_from_the_gazetteer(run: Run) -> None:
    text = (
        "The UN said aid convoys would resume. United Nations officials added that the "
        "NATO summit had not discussed the corridor, and UN-sponsored talks were postponed."
    )
    a = run(text)
    un = _actor(a, "United Nations")
    assert un.id == "united-nations" and un.type == "organisation"
    assert un.mention_count == 3  # "UN", "United Nations", the "UN" of "UN-sponsored"
    assert _actor(a, "NATO").type == "organisation"


def test_capital_in_a_locative_use_is_the_city(run: Run) -> None:
    text = (
        "Moscow has flown bombing missions for the government since the autumn. "
        "Talks in Moscow ended without a deal, said a Moscow-based analyst."
    )
    a = run(text)
    russia = _actor(a, "russia")
    assert [m.text for m in russia.mentions] == ["Moscow"]
    assert russia.mentions[0].start == 0
    city = [x for x in a.actors if x.id == "moscow"]
    assert len(city) == 1 and city[0].type == "place" and city[0].mention_count == 2


def test_plural_demonym_is_the_people_not_the_state(run: Run) -> None:
    text = "Americans are tired of the war, American officials admitted on Friday."
    a = run(text)
    people = _actor(a, "Americans")
    assert people.type == "group" and people.id == "americans"
    assert _actor(a, "united-states").mentions[0].text == "American"


def test_demonym_the_text_derives_and_possessive(run: Run) -> None:
    text = (
        "Marnia closed its border on Monday. The Marnian government said the move was "
        "temporary, and Marnia's army moved two brigades north."
    )
    a = run(text)
    marnia = _actor(a, "Marnia")
    assert marnia.type == "state"
    assert [m.text for m in marnia.mentions] == ["Marnia", "Marnian", "Marnia"]
    assert any(lb.lemma == "government" for lb in marnia.labels)
    army = _actor(a, "Marnia's army")
    assert army.type == "group" and [m.text for m in army.mentions] == ["army"]


def test_first_name_and_partial_name_merge(run: Run) -> None:
    text = (
        "Director-General Ana Beatriz Lopes Moura opened the session. Lopes Moura said the "
        "outbreak was contained.\n\nHealth minister Oluwaseun Adebayo disagreed. Oluwaseun "
        "told reporters the outbreak was growing."
    )
    a = run(text)
    moura = _actor(a, "Ana Beatriz Lopes Moura")
    assert moura.mention_count == 2 and moura.aliases == ["Lopes Moura"]
    assert [lb.lemma for lb in moura.labels] == ["director-general"]
    assert _actor(a, "Oluwaseun Adebayo").mention_count == 2


def test_two_people_sharing_a_surname_do_not_merge(run: Run) -> None:
    text = "Maria Costa and Paulo Costa signed the letter. Costa later withdrew her name."
    a = run(text)
    assert _actor(a, "Maria Costa").mention_count == 1
    assert _actor(a, "Paulo Costa").mention_count == 1


# ---- types ----------------------------------------------------------------------------


def test_a_city_is_a_place_not_a_person(run: Run) -> None:
    text = (
        "Government forces shelled eastern Sarvan on Monday. Doctors in Sarvan said the "
        "hospital had no fuel. Sarvan has been under siege for eleven weeks."
    )
    sarvan = _actor(run(text), "Sarvan")
    assert sarvan.type == "place"
    assert sarvan.mention_count == 3


def test_districts_named_with_a_place_noun_are_places(run: Run) -> None:
    text = "Troops restored order in the Qadim and Bahar districts after three days."
    a = run(text)
    for name in ("Qadim", "Bahar"):
        assert _actor(a, name).type == "place"


def test_headline_words_and_honorifics(run: Run) -> None:
    text = "Ms Okonjo said the fund was empty. Mr Haldane agreed with Okonjo."
    a = run(text)
    okonjo = _actor(a, "Okonjo")
    assert okonjo.type == "person" and okonjo.mention_count == 2
    assert any(lb.lemma == "ms" for lb in okonjo.labels)


# ---- groups and metonyms --------------------------------------------------------------


def test_collective_groups_named_by_common_nouns(run: Run) -> None:
    text = (
        "Government forces advanced on the town at dawn. The rebels withdrew to the hills, "
        "and opposition fighters blew up the bridge. Death squads roamed the suburbs at "
        "night while militias held the southern road. The left called for talks."
    )
    a = run(text)
    expected = {
        "Government forces": "force",
        "rebels": "rebel",
        "opposition fighters": "fighter",
        "Death squads": "death squad",
        "militias": "militia",
        "left": "left",
    }
    for name, lemma in expected.items():
        group = _actor(a, name)
        assert group.type == "group", name
        assert any(lb.lemma == lemma and lb.construction == "name" for lb in group.labels), name
    assert _actor(a, "Death squads").labels[0].class_ == "delegitimizing"


def test_descriptors_and_generic_nouns_are_not_actors(run: Run) -> None:
    text = (
        "The Marnian Liberation Front, the main armed opposition group, denied the report. "
        "A besieged opposition cannot win a war against an air force, he said."
    )
    a = run(text)
    _no_actor(a, "group")
    _no_actor(a, "opposition")
    front = _actor(a, "Marnian Liberation Front")
    assert any(lb.construction == "appositive" for lb in front.labels)


def test_metonyms_compound_possessive_and_anaphora(run: Run) -> None:
    text = (
        "For eleven weeks the Assad regime has shelled the eastern districts. "
        "Critics say Assad's regime will not last. The regime denies it."
    )
    a = run(text)
    assad = _actor(a, "Assad")
    labels = [(lb.lemma, lb.construction, lb.span.text) for lb in assad.labels]
    assert ("regime", "compound", "regime") in labels
    assert ("regime", "possessive", "regime") in labels
    assert ("regime", "name", "regime") in labels
    assert assad.mention_count == 3  # "Assad", "Assad", and "The regime"
    _no_actor(a, "regime")


def test_shia_militias_name_the_group(run: Run) -> None:
    text = "Iranian-backed Shia militias hold the southern road into the city."
    a = run(text)
    militias = _actor(a, "Shia militias")
    assert militias.type == "group"
    assert _actor(a, "iran").mentions[0].text == "Iranian"


# ---- enumerations -----------------------------------------------------------------------


def test_enumeration_with_nested_including_list(run: Run) -> None:
    text = (
        "Iran, Russia and other regional powers, including Saudi Arabia, Qatar and Turkey, "
        "have armed the two sides."
    )
    a = run(text)
    span = "Iran, Russia and other regional powers, including Saudi Arabia, Qatar and Turkey"
    order = ["iran", "russia", "saudi-arabia", "qatar", "turkey"]
    for rank, actor_id in enumerate(order, 1):
        actor = _actor(a, actor_id)
        assert len(actor.enumerations) == 1, actor_id
        e = actor.enumerations[0]
        assert (e.rank, e.size, e.span.text) == (rank, 5, span)


def test_no_enumeration_for_a_single_actor(run: Run) -> None:
    a = run("The army and its allies are targeting hospitals, Turkey said.")
    assert all(not x.enumerations for x in a.actors)


# ---- prominence, title, ids ---------------------------------------------------------------


def test_prominence_weights_headline_and_lead(run: Run) -> None:
    lead = "Portugal and Spain signed the water treaty on Monday."
    middle = " ".join(["The rivers have been shared for centuries."] * 6)
    text = f"{lead}\n\n{middle}\n\n{middle}\n\nIn the end Greece and Spain were not consulted."
    a = run(text, title="Portugal signs water deal")
    portugal, greece, spain = (_actor(a, n) for n in ("Portugal", "Greece", "Spain"))
    assert portugal.in_title and not spain.in_title
    assert portugal.prominence == 1.0
    assert greece.prominence < spain.prominence < portugal.prominence


def test_headline_inside_the_text_is_not_counted_twice(run: Run) -> None:
    title = "Portugal signs water deal"
    body = "Spain was not consulted. Portugal said the deal was fair."
    a = run(f"{title}\n{body}", title=title)
    portugal = _actor(a, "Portugal")
    assert portugal.in_title and portugal.mention_count == 2
    # Raw: 3 (title) + one body mention; Spain: one body mention in the lead.
    assert portugal.prominence == 1.0


def test_ids_are_stable_slugs(run: Run) -> None:
    a1 = run("Dario Kessel met Médecins Sans Frontières in Geneva.")
    a2 = run("Later, Médecins Sans Frontières criticised Dario Kessel.")
    for a in (a1, a2):
        assert _actor(a, "Dario Kessel").id == "dario-kessel"
        assert _actor(a, "Médecins Sans Frontières").id == "medecins-sans-frontieres"


def test_demonym_rule() -> None:
    assert is_demonym_of("Marnian", "Marnia")
    assert is_demonym_of("Qatari", "Qatar")
    assert is_demonym_of("Turkish", "Turkey")
    assert not is_demonym_of("Marnia", "Marnia")
    assert not is_demonym_of("Kessel", "Kess")


# ---- user gazetteer ---------------------------------------------------------------------


def test_user_gazetteer_is_merged_over_the_bundled_one(tmp_path: Path) -> None:
    user = tmp_path / "gaz.toml"
    user.write_text(
        '[actors.marnia]\nname = "Marnia"\ntype = "state"\ncapitals = ["Kessgrad"]\n'
        'demonyms = ["Marnian"]\n\n[distinct]\n"Kessgrad Herald" = "organisation"\n',
        encoding="utf-8",
    )
    pipe = Pipeline("actors", load_settings(config_file=None, gazetteer=str(user)))
    text = "Kessgrad armed the militias, the Kessgrad Herald reported. Marnian jets flew."
    a = pipe.analyze(Article(text=text), force=True)
    marnia = _actor(a, "marnia")
    assert [m.text for m in marnia.mentions] == ["Kessgrad", "Marnian"]
    assert _actor(a, "Kessgrad Herald").type == "organisation"


def test_bad_user_gazetteer_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[actors.x]\nname = "X"\ntype = "planet"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="type"):
        Pipeline("actors", load_settings(config_file=None, gazetteer=str(bad)))
    with pytest.raises(ConfigError, match="does not exist"):
        Pipeline("actors", load_settings(config_file=None, gazetteer=str(tmp_path / "no.toml")))


# ---- the examples ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples(example_paths: list[Path]) -> list[Analysis]:
    pipe = Pipeline("actors", load_settings(config_file=None))
    out = [x for x in pipe.analyze_many(iter_articles(example_paths))]
    assert all(isinstance(x, Analysis) for x in out)
    return out  # type: ignore[return-value]


def test_examples_are_sensible(examples: list[Analysis]) -> None:
    for a in examples:
        sarvan = _actor(a, "Sarvan")
        assert sarvan.type == "place", a.article.title
        assert sarvan.in_title
    opinion = next(a for a in examples if "diplomacy" in (a.article.title or ""))
    kessel = _actor(opinion, "Dario Kessel")
    assert {"regime", "president"} <= {lb.lemma for lb in kessel.labels}
    assert _actor(opinion, "Marnia").type == "state"
    assert "MLF" in _actor(opinion, "Marnian Liberation Front").aliases
    assert _actor(opinion, "Washington Post").type == "organisation"
    wire = next(a for a in examples if "Geneva" in (a.article.title or ""))
    assert _actor(wire, "Leyla Haddad").type == "person"
    assert _actor(wire, "United Nations").mention_count >= 3


def test_mentions_are_sorted_and_never_shared_between_actors(examples: list[Analysis]) -> None:
    for a in examples:
        text = a.article.text
        seen: list[tuple[int, int, str]] = []
        for actor in a.actors:
            starts = [m.start for m in actor.mentions]
            assert starts == sorted(starts)
            assert actor.mention_count == len(actor.mentions)
            assert actor.first_mention.start == starts[0]
            assert 0.0 <= actor.prominence <= 1.0
            for m in actor.mentions:
                assert text[m.start : m.end] == m.text
                seen.append((m.start, m.end, actor.id))
            for lb in actor.labels:
                assert text[lb.span.start : lb.span.end] == lb.span.text
                assert lb.class_ in ("delegitimizing", "legitimizing", "neutral")
        seen.sort()
        for (s1, e1, id1), (s2, _, id2) in itertools.pairwise(seen):
            assert e1 <= s2 or id1 == id2, (s1, e1, id1, s2, id2)


# ---- the gazetteer ------------------------------------------------------------------------


def test_codes_that_are_words_are_not_countries(run: Run) -> None:
    a = run(
        "Let us talk about IT budgets IN DETAIL, OR not. CAN we AND our partners agree? "
        "The US said no."
    )
    assert [x.id for x in a.actors if x.type == "state"] == ["united-states"]
    assert _actor(a, "united-states").mentions[0].text == "US"


def test_shipped_gazetteer_matches_its_build_script() -> None:
    import importlib.util
    import json

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", root / "scripts" / "build_gazetteer.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = module.OUT.read_text(encoding="utf-8")
    data = module.build()
    if json.loads(shipped)["pycountry"] != data["pycountry"]:
        pytest.skip("another pycountry version is installed than the one the file was built with")
    assert module.render(data) == shipped, "run: python scripts/build_gazetteer.py"


@pytest.mark.parametrize(
    ("text", "quoted", "own"),
    [
        (
            'The Marnian government insists it is fighting "terrorists." Rebels shelled '
            "the western districts on Sunday.",
            "terrorists",
            "Rebels",
        ),
        (
            'The rebels say they are resisting "occupiers." Militants shelled the western '
            "districts on Sunday.",
            "occupiers",
            "Militants",
        ),
        (
            '"Washington will regret this," said Andrei Petrov, an analyst in Moscow.',
            "United States",
            "Andrei Petrov",
        ),
    ],
)
def test_actor_named_only_inside_quotation_marks(
    run: Run, text: str, quoted: str, own: str
) -> None:
    a = run(text)
    assert _actor(a, quoted).only_quoted
    assert not _actor(a, own).only_quoted
