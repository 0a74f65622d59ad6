"""Labels of the actors analyzer: descriptors attached to actors, classed by the lexicon."""

from __future__ import annotations

import pytest

from framelens.analyzers._actor_labels import find_labels

from .actor_data import lex, run_passes, words


def _labels(text: str) -> dict[str, list[tuple[str, str, str | None]]]:
    p = run_passes(text)
    find_labels(lex(), words(), p.d, p.actors, p.tok_actor, p.anchors)
    out = {}
    for a in p.actors.values():
        for lb in a.labels:
            assert text[lb.span.start : lb.span.end] == lb.span.text
        out[a.name] = sorted((lb.span.text, lb.class_, lb.construction) for lb in a.labels)
    return out


def test_a_delegitimizing_and_a_legitimizing_label_are_caught_the_same_way() -> None:
    labels = _labels("The Kessel regime rejected the report. The Lindqvist government welcomed it.")
    assert labels["Kessel"] == [("regime", "delegitimizing", "compound")]
    assert labels["Lindqvist"] == [("government", "legitimizing", "compound")]


def test_predicates_both_ways_and_a_negated_one_withheld() -> None:
    labels = _labels(
        "The Front is a terrorist organisation, the minister said. "
        "The Council is a legitimate authority."
    )
    assert ("terrorist", "delegitimizing", "adjective") in labels["Front"]
    assert ("legitimate", "legitimizing", "adjective") in labels["Council"]
    assert ("organisation", "neutral", "predicate") in labels["Front"]
    assert _labels("The Front is not a terrorist organisation.") == {"Front": []}


def test_appositives_and_title_premodifiers() -> None:
    labels = _labels(
        "Nadia Rahimi, a spokeswoman for the ministry, said the convoy had left. "
        "President Tomas Varga did not comment."
    )
    assert labels["Nadia Rahimi"] == [("spokeswoman", "neutral", "appositive")]
    assert labels["Tomas Varga"] == [("President", "legitimizing", "premodifier")]


def test_hyphenated_premodifier_of_a_group() -> None:
    labels = _labels("Government forces entered the town. Pro-government militias followed.")
    assert ("Pro-government", "neutral", "premodifier") in labels["militias"]
    assert ("militias", "neutral", "name") in labels["militias"]


def _record_labels(text: str) -> dict[str, list[str]]:
    """Labels as the analyzer records them (after the quotation filter)."""
    from framelens import Pipeline
    from framelens.model import Article

    actors = Pipeline("actors").analyze(Article(text=text, lang="en")).actors
    return {a.name: sorted(lb.span.text for lb in a.labels) for a in actors}


def test_words_inside_someone_s_quotation_are_no_label_of_the_writer() -> None:
    """Issue 15, pattern 9, for both sides alike: what critics call the army and what
    supporters call the rebels, in quotation marks, are theirs; the writer's own
    appositive outside the marks is a label."""
    labels = _record_labels(
        'Critics call the Marnian Army "a criminal militia." Supporters call the Sarvan '
        'Front "freedom fighters." The Sarvan Front, a coalition of armed groups, denied '
        "it. The Marnian Army, a paramilitary force, did not comment."
    )
    assert labels["Marnian Army"] == ["force", "paramilitary"]
    assert "coalition" in labels["Sarvan Front"]
    quoted = {"criminal", "militia", "freedom fighters", "fighters"}
    assert not quoted & {w for ws in labels.values() for w in ws}


def test_a_scare_quoted_label_is_held_at_a_distance_not_pinned() -> None:
    labels = _record_labels('The so-called "moderate" rebels took the town on Monday.')
    assert labels["rebels"] == ["rebels", "so-called"]


@pytest.mark.parametrize(
    ("text", "actor", "label"),
    [
        (
            "The Sarvan Front is little more than a terrorist group.",
            "Sarvan Front",
            ("terrorist group", "delegitimizing", "predicate"),
        ),
        (
            "The Kessel government is nothing more than a regime.",
            "Kessel",
            ("regime", "delegitimizing", "predicate"),
        ),
        (
            "The Marnian Army is no more than a militia.",
            "Marnian Army",
            ("militia", "neutral", "predicate"),
        ),
    ],
)
def test_a_reductive_predicate_labels_either_side_of_the_conflict(
    text: str, actor: str, label: tuple[str, str, str]
) -> None:
    """ "X is little more than ...", "nothing more than ...", "no more than ...": the label
    is what follows "than", whichever side X is on."""
    assert label in _labels(text)[actor]


@pytest.mark.parametrize(
    ("text", "actor", "label"),
    [
        (
            "The Varna Council, a band of corrupt profiteers, approved the port deal.",
            "Varna Council",
            ("profiteers", "neutral", "appositive"),
        ),
        (
            "The Ostra Front, a gang of thugs, closed the valley road.",
            "Ostra Front",
            ("thugs", "delegitimizing", "appositive"),
        ),
        (
            "The Halden Movement, a network of volunteer medics, reopened the clinic.",
            "Halden Movement",
            ("volunteer medics", "neutral", "appositive"),
        ),
    ],
)
def test_a_collection_is_described_by_what_it_is_a_collection_of(
    text: str, actor: str, label: tuple[str, str, str]
) -> None:
    """ "a band of X", "a gang of X", "a network of X": the writer describes the actor as X,
    a council or an armed group alike."""
    assert label in _labels(text)[actor]
