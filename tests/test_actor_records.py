"""The actors analyzer's working records: the parse index, drafts, labels once per span."""

from __future__ import annotations

from framelens.analyzers._actor_records import (
    Draft,
    Listing,
    Mention,
    NameMention,
    add_label,
    is_title,
)

from .actor_data import lex, parse


def test_doc_index_spans_and_hyphenated_words() -> None:
    d = parse("Iranian-backed militias entered Qadim on Friday.")
    words = [t.text for t in d.doc]
    assert words[:3] == ["Iranian", "-", "backed"]
    assert d.span(0, 3) == (0, len("Iranian-backed"))
    assert d.hyphen_word(2) == "Iranian-backed"
    assert d.hyphen_word(3) is None  # "militias" is a word of its own
    assert d.tok_at_start[len("Iranian-backed ")] == 3


def test_draft_counts_votes_and_aliases() -> None:
    a = Draft(key="name:Lena Varga", name="Lena Varga")
    a.add(Mention(0, 2, 0, 10, "person"), "Lena Varga")
    a.add(Mention(5, 6, 30, 35, "organisation"), "Varga")
    a.add(Mention(9, 10, 50, 55, "person"))
    assert a.votes == {"person": 2, "organisation": 1}
    assert a.aliases == {"Lena Varga", "Varga"}
    assert len(a.mentions) == 3


def test_a_label_is_pinned_once_per_span() -> None:
    text = "The Kessel regime closed the border."
    a = Draft(key="name:Kessel", name="Kessel")
    add_label(a, text, 11, 17, "regime", "delegitimizing", "compound")
    add_label(a, text, 11, 17, "regime", "delegitimizing", "name")  # same span: kept once
    add_label(a, text, 0, 3, "the", "neutral", "premodifier")
    assert [(lb.span.text, lb.construction) for lb in a.labels] == [
        ("regime", "compound"),
        ("The", "premodifier"),
    ]


def test_titles_come_from_the_label_lexicon() -> None:
    d = parse("Dr. Amal Nasser and surgeon Ivo Pell spoke to President Varga.")
    by_text = {t.text: t for t in d.doc}
    assert is_title(lex(), by_text["Dr."])
    assert is_title(lex(), by_text["President"])
    assert not is_title(lex(), by_text["surgeon"])
    assert not is_title(lex(), by_text["Amal"])


def test_named_records_read_by_field() -> None:
    m = Mention(0, 1, 0, 6, "state")
    nm = NameMention(m, "Russia", "russia", "name")
    assert (nm.surface, nm.gaz_id, nm.kind) == ("Russia", "russia", "name")
    listing = Listing(start=0, end=27, rank=2, size=3)
    assert listing.rank == 2 and listing.size == 3
