"""Alias merging of the actors analyzer: which names are one actor."""

from __future__ import annotations

from framelens.analyzers._actor_aliases import (
    acronym_matches,
    find_acronyms,
    is_demonym_of,
    merge_surnames,
    name_key,
    name_words,
)
from framelens.analyzers._actor_records import Draft, Mention

from .actor_data import gaz, run_passes, words


def test_honorific_and_surname_merge_with_the_full_name() -> None:
    p = run_passes(
        "Dario Kessel addressed parliament on Monday. Mr Kessel said the budget would pass.",
        upto="names",
    )
    assert len(p.actors) == 1
    kessel = p.named("Dario Kessel")
    assert kessel.aliases == {"Dario Kessel", "Kessel"}
    assert len(kessel.mentions) == 2


def test_state_names_and_aliases_are_one_actor() -> None:
    p = run_passes("Britain and the United Kingdom are the same state.", upto="names")
    uk = p.named("Britain")
    assert uk.key == "united-kingdom" and uk.gaz_id == "united-kingdom"
    assert uk.name == "United Kingdom" and len(uk.mentions) == 2


def test_acronym_defined_in_the_text_joins_its_full_name() -> None:
    text = "Members of the National Farmers Union (NFU) met in Halden. The NFU said prices fell."
    acr = find_acronyms(text)
    assert acr.full_names == {"NFU": "National Farmers Union"}
    first = text.index("NFU")
    assert acr.definitions == set(range(first, first + 3))
    nfu = run_passes(text, upto="names").named("National Farmers Union")
    assert "NFU" in nfu.aliases and len(nfu.mentions) == 2


def test_acronym_initials() -> None:
    assert acronym_matches("International Socialist Organization", "ISO")
    assert acronym_matches("Marnian Liberation Front", "M.L.F.")
    assert not acronym_matches("Marnian Liberation Front", "MFL")


def test_demonyms_the_text_derives() -> None:
    assert is_demonym_of("Marnian", "Marnia")
    assert is_demonym_of("Tarvikese", "Tarvik")
    assert not is_demonym_of("marnian", "Marnia")  # a demonym is capitalised
    m = Mention(0, 1, 0, 7, "group")
    named = {"Marnia"}
    assert name_key(gaz(), "Marnian", m, {}, named, set()) == ("name:Marnia", "demonym")
    # The plural is the people, an actor of its own.
    assert name_key(gaz(), "Marnians", m, {}, named, set()) == ("people:Marnia", "people")
    assert name_key(gaz(), "Quorans", m, {}, named, set()) == ("name:Quorans", "name")


def _person(name: str, *, votes: int = 1) -> Draft:
    a = Draft(key=f"name:{name}", name=name)
    a.aliases.add(name)
    a.add(Mention(0, 1, 0, len(name), "person"))
    a.votes["person"] = votes
    return a


def test_a_surname_two_full_names_fit_merges_with_neither() -> None:
    actors = {a.key: a for a in map(_person, ("Ashley Smith", "Jordan Smith", "Smith"))}
    merge_surnames(actors, [None], words().name_particles)
    assert set(actors) == {"name:Ashley Smith", "name:Jordan Smith", "name:Smith"}


def test_a_partial_name_merges_into_the_one_full_name_it_fits() -> None:
    names = ("Drummer Lee Rigby", "Drummer Rigby", "Rigby", "Lee")
    actors = {a.key: a for a in map(_person, names)}
    merge_surnames(actors, [None], words().name_particles)
    # "Lee" is neither the first nor the last name of the full name: it stays apart.
    assert list(actors) == ["name:Drummer Lee Rigby", "name:Lee"]
    rigby = actors["name:Drummer Lee Rigby"]
    assert rigby.aliases == {"Drummer Lee Rigby", "Drummer Rigby", "Rigby"}
    assert len(rigby.mentions) == 3


def test_name_words_leave_out_particles_hyphens_and_dots() -> None:
    particles = words().name_particles
    assert name_words("Abdel Fattah el-Sisi", particles) == ["abdel", "fattah", "sisi"]
    assert name_words("Abdel-Fattah al-Sisi", particles) == ["abdel", "fattah", "sisi"]
    assert name_words("Mohammed ibn Salman", particles) == ["mohammed", "salman"]
    assert name_words("Ludo van Dam", particles) == ["ludo", "dam"]
    # a name that is all particles keeps them
    assert name_words("De La", particles) == ["de", "la"]


def test_spellings_of_one_name_merge_on_their_particles() -> None:
    """Issue 15, pattern 8: "Abdel Fattah el-Sisi", "Abdel-Fattah al-Sisi", "President
    Sisi", "Mr Sisi" and "Sisi" are one actor; so are "bin" and "ibn"."""
    from framelens import Pipeline
    from framelens.model import Article

    text = (
        "President Abdel Fattah el-Sisi met the envoy in Cairo. Abdel-Fattah al-Sisi said "
        "talks would go on. Mr Sisi did not comment on the army. President Sisi later said "
        "the talks would move to Alexandria. Sisi left on Friday.\n\n"
        "Mohammed bin Salman met the envoy too. Mohammed ibn Salman later said the deal "
        "was done."
    )
    people = [
        a
        for a in Pipeline("actors").analyze(Article(text=text, lang="en")).actors
        if a.type == "person"
    ]
    assert len(people) == 2, [(a.name, [m.text for m in a.mentions]) for a in people]
    sisi = next(a for a in people if "Sisi" in a.name)
    assert len(sisi.mentions) == 5
    salman = next(a for a in people if "Salman" in a.name)
    assert len(salman.mentions) == 2


def test_two_people_who_share_a_surname_after_the_particle_stay_apart() -> None:
    actors = {a.key: a for a in map(_person, ("Omar al-Hakim", "Layla el-Hakim", "Hakim"))}
    merge_surnames(actors, [None], words().name_particles)
    assert set(actors) == {"name:Omar al-Hakim", "name:Layla el-Hakim", "name:Hakim"}
