"""actors: the alias rules of v1 on hand-written text."""

from __future__ import annotations

import pytest

from framelens import Pipeline
from framelens.analyzers.actors import acronym_matches
from framelens.model import Analysis


@pytest.fixture(scope="module")
def run() -> object:
    pipe = Pipeline("actors")
    return lambda text: pipe.analyze(text, force=True)


def _by_name(analysis: Analysis, name: str):  # type: ignore[no-untyped-def]
    found = [a for a in analysis.actors if a.name == name or name in a.aliases]
    assert len(found) == 1, (name, [(a.name, a.aliases) for a in analysis.actors])
    return found[0]


def test_surname_repeats_merge_with_full_name(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Ashley Smith, a union organiser in Detroit, spoke first at the rally. "
        "The crowd cheered when Smith called for a general strike. "
        "Later Smith told reporters that the union would not back down."
    )
    a = run(text)
    smith = _by_name(a, "Ashley Smith")
    assert smith.type == "person"
    assert smith.mention_count == 3
    assert "Smith" in smith.aliases
    assert smith.first_mention.start == 0 and smith.first_mention.relative == 0.0


def test_surname_before_full_name_still_merges(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Critics of the Kessel government gathered in the square on Friday. "
        "President Dario Kessel did not respond to the protest."
    )
    a = run(text)
    kessel = _by_name(a, "Dario Kessel")
    assert kessel.mention_count == 2


def test_acronym_defined_in_text(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Members of the International Socialist Organization (ISO) marched on Saturday. "
        "The ISO has organised similar protests in three cities this year, and its "
        "leaders say the ISO will return next month."
    )
    a = run(text)
    iso = _by_name(a, "International Socialist Organization")
    assert "ISO" in iso.aliases
    assert iso.mention_count == 3
    assert iso.type == "organisation"


def test_first_mention_relative_and_exact_repeats(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The storm hit the coast overnight and left thousands without power. "
        "Officials in Portugal said the damage was the worst in a decade. "
        "Portugal has asked its neighbours for help with repairs."
    )
    a = run(text)
    portugal = _by_name(a, "Portugal")
    assert portugal.mention_count == 2
    expected = text.index("Portugal") / len(text)
    assert portugal.first_mention.relative == pytest.approx(expected, abs=1e-3)


def test_acronym_initials() -> None:
    assert acronym_matches("International Socialist Organization", "ISO")
    assert acronym_matches("Marnian Liberation Front", "MLF")
    assert not acronym_matches("Marnian Liberation Front", "MF")
    assert not acronym_matches("Ministry of Defence", "M")
