"""Enumerations of the actors analyzer: actors listed together, with their ranks."""

from __future__ import annotations

from framelens.analyzers._actor_enumerations import enumerations
from framelens.analyzers._actor_records import Listing

from .actor_data import run_passes


def _lists(text: str) -> dict[str, list[tuple[str, int, int]]]:
    p = run_passes(text)
    found = enumerations(p.d, p.anchors)
    return {
        p.actors[key].name: [(text[x.start : x.end], x.rank, x.size) for x in listings]
        for key, listings in found.items()
    }


def test_a_list_of_three_states_is_split_with_ranks() -> None:
    text = "Britain, France and Germany signed the statement on Tuesday."
    span = "Britain, France and Germany"
    assert _lists(text) == {
        "United Kingdom": [(span, 1, 3)],
        "France": [(span, 2, 3)],
        "Germany": [(span, 3, 3)],
    }


def test_a_nested_including_list_is_flattened() -> None:
    text = (
        "Iran, Russia and other regional powers, including Saudi Arabia, Qatar and Turkey, "
        "sent envoys."
    )
    lists = _lists(text)
    assert [lists[n][0][1] for n in ("Iran", "Russia", "Saudi Arabia", "Qatar", "Turkey")] == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert {x[0][2] for x in lists.values()} == {5}
    assert lists["Iran"][0][0] == text[: text.index(", sent")]


def test_one_actor_alone_is_no_enumeration() -> None:
    assert _lists("Germany signed the statement on Tuesday.") == {}
    # Two names of one actor are one listed actor, not a list.
    assert _lists("Britain and the United Kingdom are the same state.") == {}


def test_listing_is_a_named_record() -> None:
    x = Listing(start=3, end=9, rank=1, size=2)
    assert x._asdict() == {"start": 3, "end": 9, "rank": 1, "size": 2}
