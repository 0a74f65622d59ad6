"""Typing of the actors analyzer: the gazetteer's type, else votes corrected by cues."""

from __future__ import annotations

import pytest

from framelens.analyzers._actor_records import Draft
from framelens.analyzers._actor_types import decide_type, place_cue

from .actor_data import run_passes, words


def _types(text: str) -> dict[str, str]:
    return {a.name: a.type for a in run_passes(text, upto="types").actors.values()}


def test_a_place_is_told_from_an_organisation() -> None:
    # The recogniser calls Qadim an organisation both times; "districts" makes it a place.
    assert _types("The Qadim and Bahar districts were shelled. Residents of Qadim fled.") == {
        "Qadim": "place",
        "Bahar": "place",
    }
    # "at Corvel Mining" is a locative use, but an organisation stays one.
    assert _types("Workers at Corvel Mining walked out. Corvel Mining said output fell.") == {
        "Corvel Mining": "organisation"
    }


def test_capital_in_a_locative_use_is_the_city_else_the_state() -> None:
    p = run_passes("Talks in Moscow resumed. Moscow rejected the offer.", upto="types")
    assert {a.key: a.type for a in p.actors.values()} == {
        "place:Moscow": "place",
        "russia": "state",
    }


def test_a_dateline_and_a_derived_demonym() -> None:
    assert _types("HALDEN, Marnia, May 3 - Protesters gathered outside the town hall.") == {
        "HALDEN": "place",
        "Marnia": "state",
    }
    assert _types("The Marnian army advanced. Marnia denied it.") == {"Marnia": "state"}


def test_place_cue_strength() -> None:
    p = run_passes(
        "Shelling hit eastern Sarvan. Aid reached Qadim province. Talks in Halden failed.",
        upto="types",
    )
    cues = {
        p.d.text[m.start : m.end]: place_cue(words(), p.d, m)
        for a in p.actors.values()
        for m in a.mentions
    }
    assert cues == {"Sarvan": 2, "Qadim": 2, "Halden": 1}


def _draft(name: str, **votes: int) -> Draft:
    a = Draft(key=f"name:{name}", name=name)
    a.aliases.add(name)
    a.votes.update(votes)
    return a


def test_decide_type_rules() -> None:
    # An acronym is an organisation, whatever the recogniser says.
    assert decide_type(_draft("CIA", person=2)) == "organisation"
    # A full name the recogniser once calls a person is a person.
    assert decide_type(_draft("Lena Varga", person=1, organisation=1)) == "person"
    # Ties go to person; else the majority.
    assert decide_type(_draft("Varga", person=1, state=1)) == "person"
    assert decide_type(_draft("Corvel", organisation=1, state=2)) == "state"
    # A place cue without a state cue makes a place.
    sarvan = _draft("Sarvan", state=1)
    sarvan.place_cues = 1
    assert decide_type(sarvan) == "place"
    sarvan.state_cue = True
    assert decide_type(sarvan) == "state"


def test_people_the_recogniser_misses_are_found_by_title_or_by_speaking() -> None:
    # en_core_web_sm tags none of these names; a title or a verb of saying tells a person
    assert _types("Mayor Ana Ruiz visited the depot on Monday.") == {"Ana Ruiz": "person"}
    assert _types("Ana Ruiz spoke to reporters on Monday.") == {"Ana Ruiz": "person"}
    # the recogniser called it an organisation; the title before two names overrules it
    assert _types("Councillor Ines Moreau said so.") == {"Ines Moreau": "person"}
    # a title that is also the first word of a company's name does not
    assert _types("General Motors said it would close the plant.") == {
        "General Motors": "organisation"
    }


def test_a_pronoun_finds_a_speaker_the_recogniser_missed() -> None:
    from framelens import Pipeline
    from framelens.model import Article

    text = (
        "Ana Ruiz spoke to reporters in Port Ellery on Monday. "
        "She repeated her claim that the vote had been rigged."
    )
    a = Pipeline("actors,quotes").analyze(Article(text=text, lang="en"))
    speakers = {q.speaker.name for q in a.quotes if q.speaker is not None}
    assert speakers == {"Ana Ruiz"}
    assert all(
        q.speaker.resolved_from is not None and q.speaker.resolved_from.text in ("She", "her")
        for q in a.quotes
        if q.speaker is not None
    )


def test_an_abbreviated_region_after_a_town_is_a_place() -> None:
    """'in Lynchburg, VA': the two capitals are the region, not an organisation; a name
    after a town and a comma that is no abbreviation keeps its own type."""
    types = _types(
        "On Monday at Halden College in Lynchburg, VA, the mayor addressed the students."
    )
    assert types.get("VA") == "place"
    types = _types("In Halden, Ana Ruiz said the bridge would reopen.")
    assert types.get("Ana Ruiz") == "person"


def test_a_role_in_apposition_makes_a_person() -> None:
    """The recogniser calls a lone surname an organisation; "the council's treasurer"
    beside it, before or after, says it is a person. A group beside a role stays a group,
    and a list the parser took for an apposition types nothing."""
    text = '"We have no other choice," said Ostrow, the council\'s treasurer.'
    assert _types(text) == {"Ostrow": "person"}
    assert _types("The council's treasurer, Ostrow, said the depot would close.") == {
        "Ostrow": "person"
    }
    assert _types("Ostrow, a spokeswoman for the union, said the talks failed.") == {
        "Ostrow": "person"
    }
    # an organisation beside what it is, not a role of a person
    text = "Corvel Mining, the largest employer in town, said it would close. Workers at "
    assert _types(text + "Corvel Mining walked out.") == {"Corvel Mining": "organisation"}
    # a group beside a person noun stays a group
    assert _types("The Sarvan Democrats, mostly teachers and nurses, marched on Monday.") == {
        "Democrats": "group"
    }


@pytest.mark.parametrize("pronoun", ["She", "He"])
def test_a_pronoun_resolves_to_a_surname_typed_by_its_role(pronoun: str) -> None:
    from framelens import Pipeline
    from framelens.model import Article

    said = '"We have no other choice," said Ostrow, the council\'s treasurer. '
    text = said + f"{pronoun} added that the savings would pay for new buses."
    added = next(
        q
        for q in Pipeline("actors,quotes").analyze(Article(text=text, lang="en")).quotes
        if "new buses" in q.content.text
    )
    assert added.speaker is not None and added.speaker.name == "Ostrow"
    assert added.speaker.resolved_from is not None
    assert added.speaker.resolved_from.text == pronoun


def test_a_name_after_a_noun_for_an_organisation_is_one() -> None:
    """ "the charity Northlight": an organisation, whatever the recogniser says; members
    named after one ("committee Democrats") are not the organisation."""
    types = _types("Petra Holm runs a shelter for the charity Northlight in Tarsk.")
    assert types.get("Northlight") == "organisation"
    types = _types("A spokesman for committee Democrats said the hearing was a sham.")
    assert types.get("Democrats") != "organisation"


def test_a_name_ending_in_a_word_for_a_company_is_an_organisation() -> None:
    """The recogniser takes "Harlow Freight" for a person; its last word says otherwise.
    A title before a name still makes a person."""
    types = _types("Harlow Freight said in a statement that it remained committed.")
    assert types == {"Harlow Freight": "organisation"}
    types = _types("Tarsk Holdings and Corvel Mining signed the deal on Monday.")
    assert types.get("Tarsk Holdings") == "organisation"
    assert _types("Mayor Ana Ruiz visited the depot on Monday.") == {"Ana Ruiz": "person"}
