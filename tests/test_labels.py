"""Labels: each construction, the lexicon's classes, and symmetric coverage on paired sentences."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from framelens import ConfigError, Pipeline, load_settings
from framelens.analyzers._labels import CLASSES, load_label_lexicon
from framelens.model import Analysis, Article, Label

Run = Callable[[str], Analysis]


@pytest.fixture(scope="module")
def run() -> Run:
    pipe = Pipeline("actors", load_settings(config_file=None))
    return lambda text: pipe.analyze(Article(text=text), force=True)


def _labels(analysis: Analysis) -> list[tuple[str, Label]]:
    """(actor id, label) for every label in the analysis."""
    return [(a.id, lb) for a in analysis.actors for lb in a.labels]


def _find(analysis: Analysis, lemma: str) -> tuple[str, Label]:
    hits = [(i, lb) for i, lb in _labels(analysis) if lb.lemma == lemma]
    assert hits, (lemma, [(i, lb.lemma, lb.construction) for i, lb in _labels(analysis)])
    return hits[0]


# ---- constructions ------------------------------------------------------------------------


def test_compound_and_possessive(run: Run) -> None:
    a = run("The Assad regime blamed the rebels. Assad's regime has ruled for decades.")
    owners = {(i, lb.construction, lb.class_) for i, lb in _labels(a) if lb.lemma == "regime"}
    assert owners == {
        ("assad", "compound", "delegitimizing"),
        ("assad", "possessive", "delegitimizing"),
    }


def test_premodifiers_hyphenated_and_titles(run: Run) -> None:
    text = (
        "Iranian-backed Shia militias hold the road. President Dario Kessel thanked the "
        "army, and the so-called opposition walked out."
    )
    a = run(text)
    actor, lb = _find(a, "iranian-backed")
    assert (actor, lb.span.text, lb.construction, lb.class_) == (
        "shia-militias",
        "Iranian-backed",
        "premodifier",
        "neutral",
    )
    actor, lb = _find(a, "president")
    assert (actor, lb.class_, lb.construction) == ("dario-kessel", "legitimizing", "premodifier")
    actor, lb = _find(a, "so-called")
    assert (actor, lb.class_) == ("opposition", "delegitimizing")


def test_appositive_and_unlisted_descriptor_is_neutral(run: Run) -> None:
    a = run(
        "Nadia Rahimi, a spokeswoman for the front, spoke in Istanbul. Leyla Haddad, a "
        "surgeon at the hospital, said fuel had run out."
    )
    actor, lb = _find(a, "spokeswoman")
    assert (actor, lb.construction, lb.span.text) == ("nadia-rahimi", "appositive", "spokeswoman")
    actor, lb = _find(a, "surgeon")
    assert (actor, lb.class_) == ("leyla-haddad", "neutral")


def test_predicate_nominal_and_naming_verbs(run: Run) -> None:
    a = run(
        "The Marnian Liberation Front is a proxy force. The Kessel government was branded "
        "a puppet regime by its critics."
    )
    actor, lb = _find(a, "proxy force")
    assert (actor, lb.construction, lb.class_) == (
        "marnian-liberation-front",
        "predicate",
        "delegitimizing",
    )
    assert lb.span.text == "proxy force"
    actor, lb = _find(a, "regime")
    assert actor == "kessel" or actor.endswith("kessel")
    assert lb.construction == "predicate"


def test_adjective_inside_a_descriptor(run: Run) -> None:
    a = run("The International Socialist Organization, a pseudo-left organization, met on Friday.")
    actor, lb = _find(a, "pseudo-left")
    assert (actor, lb.construction, lb.class_, lb.span.text) == (
        "international-socialist-organization",
        "adjective",
        "delegitimizing",
        "pseudo-left",
    )


def test_negated_predicate_is_not_a_label(run: Run) -> None:
    a = run("The Marnian Liberation Front is not a terrorist group, the envoy said.")
    assert not [lb for _, lb in _labels(a) if "terror" in lb.lemma]


def test_group_name_is_a_label(run: Run) -> None:
    a = run("The terrorists fled the town before dawn.")
    actor, lb = _find(a, "terrorist")
    assert (actor, lb.construction, lb.class_) == ("terrorists", "name", "delegitimizing")


# ---- symmetry -------------------------------------------------------------------------------

# (sentence about a state side, sentence about a non-state side, lemma caught in each, class)
PAIRS = [
    (
        "The Kessel regime shelled the market.",
        "The terrorists shelled the market.",
        ("regime", "terrorist"),
        "delegitimizing",
    ),
    (
        "The junta closed the border.",
        "The gangs closed the border.",
        ("junta", "gang"),
        "delegitimizing",
    ),
    (
        "Death squads roamed the city at night.",
        "Terror cells roamed the city at night.",
        ("death squad", "terror cell"),
        "delegitimizing",
    ),
    (
        "The occupiers burned the village.",
        "The invaders burned the village.",
        ("occupier", "invader"),
        "delegitimizing",
    ),
    (
        "Regime thugs beat the protesters.",
        "Rebel thugs beat the protesters.",
        ("thug", "thug"),
        "delegitimizing",
    ),
    (
        "The Marnian government signed a deal with Omar Sayed, a brutal dictator.",
        "The Marnian government signed a deal with Omar Sayed, a brutal warlord.",
        ("dictator", "warlord"),
        "delegitimizing",
    ),
    (
        "The National Heritage Council, a pseudo-conservative group, met on Friday.",
        "The Workers League, a pseudo-left group, met on Friday.",
        ("pseudo-conservative", "pseudo-left"),
        "delegitimizing",
    ),
    (
        "US-backed militias hold the southern road.",
        "Iranian-backed militias hold the southern road.",
        ("us-backed", "iranian-backed"),
        "neutral",
    ),
    (
        "The Marnian government rejected the plan.",
        "The resistance rejected the plan.",
        ("government", "resistance"),
        "legitimizing",
    ),
    (
        "Security forces entered the town.",
        "Freedom fighters entered the town.",
        ("security force", "freedom fighter"),
        "legitimizing",
    ),
    (
        "Government soldiers entered the town.",
        "Rebel fighters entered the town.",
        ("soldier", "fighter"),
        "neutral",
    ),
]


@pytest.mark.parametrize(("state_side", "other_side", "lemmas", "cls"), PAIRS)
def test_symmetric_coverage_on_paired_sentences(
    run: Run, state_side: str, other_side: str, lemmas: tuple[str, str], cls: str
) -> None:
    for text, lemma in zip((state_side, other_side), lemmas, strict=True):
        _, lb = _find(run(text), lemma)
        assert lb.class_ == cls, (text, lemma, lb.class_)


def test_every_lexicon_pair_has_the_same_class_on_both_sides() -> None:
    lex = load_label_lexicon()
    assert set(lex.pairs) == set(CLASSES)
    for cls, pairs in lex.pairs.items():
        assert pairs, f"no pairs recorded for {cls}"
        for left, right in pairs:
            for term in (left, right):
                entry = lex.term(term)
                got = entry.cls if entry else lex.prefixes.get(term) or lex.suffixes.get(term)
                assert got == cls, (cls, term, got)


def test_no_lemma_has_two_classes_in_the_bundled_lexicon() -> None:
    import tomllib
    from importlib import resources

    raw = resources.files("framelens.resources").joinpath("lexicons/labels.toml")
    data = tomllib.loads(raw.read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for cls in CLASSES:
        for role in ("metonym", "group", "title", "term"):
            for lemma in data[cls].get(role, []):
                assert seen.setdefault(lemma, cls) == cls, (lemma, seen[lemma], cls)


# ---- user lexicon ----------------------------------------------------------------------------


def test_user_lexicon_overrides_a_class(tmp_path: Path) -> None:
    user = tmp_path / "labels.toml"
    user.write_text('[delegitimizing]\ngroup = ["rebel"]\n', encoding="utf-8")
    pipe = Pipeline("actors", load_settings(config_file=None, label_lexicon=str(user)))
    a = pipe.analyze(Article(text="The rebels fled the town before dawn."), force=True)
    _, lb = _find(a, "rebel")
    assert lb.class_ == "delegitimizing"


def test_bad_user_lexicon_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "labels.toml"
    bad.write_text('[hostile]\nterm = ["x"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown tables"):
        Pipeline("actors", load_settings(config_file=None, label_lexicon=str(bad)))
