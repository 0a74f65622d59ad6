"""Name mentions of the actors analyzer: entities cleaned, the gazetteer reconciled, misses."""

from __future__ import annotations

from framelens.analyzers._actor_mentions import find_all, proper_mentions, scan_missed
from framelens.analyzers._actor_records import Draft

from .actor_data import gaz, lex, parse, words


def _names(text: str, definitions: set[int] | None = None) -> dict[str, tuple[str | None, str]]:
    d = parse(text)
    found = proper_mentions(gaz(), lex(), words(), d, definitions or set())
    starts = [nm.mention.start for nm in found]
    assert starts == sorted(starts)
    for nm in found:
        assert text[nm.mention.start : nm.mention.end] == nm.surface
    return {nm.surface: (nm.gaz_id, nm.kind) for nm in found}


def test_titles_the_and_possessives_are_cut_from_names() -> None:
    names = _names("President Tomas Varga thanked the United Nations' staff and Russia's envoy.")
    assert names["Tomas Varga"] == (None, "ner")  # the title is not part of the name
    assert names["United Nations"] == ("united-nations", "name")  # "the" and "'" cut
    assert names["Russia"] == ("russia", "name")  # "'s" cut
    assert not any(s.startswith(("President", "the")) for s in names)


def test_gazetteer_demonym_capital_and_a_longer_name() -> None:
    names = _names(
        "Washington warned that American troops would stay. The Washington Post disagreed."
    )
    assert names["Washington"] == ("united-states", "capital")
    assert names["American"] == ("united-states", "demonym")
    # A longer name is something else: the outlet, not the capital.
    assert names["Washington Post"] == (None, "distinct")


def test_an_acronym_inside_its_definition_is_not_a_mention() -> None:
    text = "The National Farmers Union (NFU) met in Halden."
    inside = set(range(text.index("NFU"), text.index("NFU") + 3))
    assert "NFU" not in _names(text, inside)
    assert "National Farmers Union" in _names(text, inside)


def test_scan_finds_the_surname_the_recogniser_missed() -> None:
    text = "Tessa Okafor chaired the panel. Afterwards Okafor left early."
    d = parse(text)
    a = Draft(key="name:Tessa Okafor", name="Tessa Okafor", type="person")
    a.votes["person"] = 1
    a.aliases.add("Tessa Okafor")
    tok_actor: list[str | None] = [None] * len(d.doc)
    scan_missed(d, {a.key: a}, set(), tok_actor)
    found = sorted(text[m.start : m.end] for m in a.mentions)
    assert found == ["Okafor", "Tessa Okafor"]
    assert all(tok_actor[i] == a.key for m in a.mentions for i in range(m.t0, m.t1))


def test_a_surname_two_people_share_is_not_scanned() -> None:
    text = "Maria Costa and Paulo Costa met. Costa said nothing."
    d = parse(text)
    actors = {}
    for full in ("Maria Costa", "Paulo Costa"):
        a = Draft(key=f"name:{full}", name=full, type="person")
        a.votes["person"] = 1
        a.aliases.add(full)
        actors[a.key] = a
    scan_missed(d, actors, set(), [None] * len(d.doc))
    assert all(text[m.start : m.end] != "Costa" for a in actors.values() for m in a.mentions)


def test_find_all_takes_whole_words_only() -> None:
    text = "Costa, Costas and Costa-Rica met Costa."
    assert find_all(text, "Costa") == [0, text.rindex("Costa")]
