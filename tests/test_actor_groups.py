"""Collective groups and metonyms of the actors analyzer."""

from __future__ import annotations

import pytest

from framelens.analyzers._actor_groups import is_group_candidate

from .actor_data import parse, run_passes


def test_a_bare_group_noun_refers_back_to_the_group() -> None:
    text = "Militias hold the road. The militias say they will stay."
    p = run_passes(text)
    [militias] = p.actors.values()
    assert militias.key == "grp::militia" and militias.type == "group"
    assert [text[m.start : m.end] for m in militias.mentions] == ["Militias", "militias"]
    assert all(not m.proper for m in militias.mentions)


def test_a_metonym_with_an_owner_is_a_mention_of_the_owner() -> None:
    text = "The Kessel regime rejected the report. The regime later closed the border."
    p = run_passes(text)
    [kessel] = p.actors.values()
    assert kessel.name == "Kessel"
    assert "regime" in kessel.label_lemmas
    # The bare "the regime" of the second sentence refers back to Kessel.
    assert [text[m.start : m.end] for m in kessel.mentions] == ["Kessel", "regime"]
    regime = text.index("regime")
    head = next(t.i for t in p.d.doc if t.idx == regime)
    assert p.anchors[head].key == kessel.key


def test_defining_modifiers_name_the_group() -> None:
    p = run_passes("The group met on Monday. Opposition groups walked out.")
    # "the group" alone names nothing; "opposition groups" does.
    assert [a.name for a in p.actors.values()] == ["Opposition groups"]
    p = run_passes("Government forces entered the town. Pro-government militias followed.")
    assert sorted(a.key for a in p.actors.values()) == ["grp::government force", "grp::militia"]


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("The rebels crossed the river.", "rebels", True),
        ("Militias hold the road.", "Militias", True),
        ("A rebel was arrested.", "rebel", False),  # indefinite: not an actor
        ("Officials described them as terrorists.", "terrorists", False),  # a label
        ("The left won the vote.", "left", True),
        ("She turned to the left.", "left", False),
    ],
)
def test_group_candidates(text: str, word: str, expected: bool) -> None:
    d = parse(text)
    t = next(t for t in d.doc if t.text == word)
    assert is_group_candidate(t, t.lemma_.lower()) is expected
