"""quotes: the learned pass (``_quote_acts``), on sentences written for these tests (names,
bodies and places are invented). The model's decisions are scored, so these tests assert
floors over sets of sentences and properties of every record, not single outputs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from framelens import Pipeline, load_settings
from framelens.analyzers._quote_acts import CONTENT_DEPS, load_model
from framelens.model import Analysis, Article

Run = Callable[[str], Analysis]

#: Positions taken and acts done by a named source, with verbs the cue lexicon does not
#: list, from both sides of each dispute (the even items one side, the odd the other).
STANCES = [
    ("The Farmers' Union backed the blockade of the northern port.", "Union", "blockade"),
    (
        "The Chamber of Commerce backed the police operation at the northern port.",
        "Chamber",
        "police",
    ),
    ("Senator Maria Ostrow signed the pledge against the pipeline.", "Ostrow", "pledge"),
    ("Senator Tomas Halvik signed the pledge for the pipeline.", "Halvik", "pledge"),
    ("The tenants' association filed a lawsuit against the landlord.", "association", "lawsuit"),
    ("The landlord filed a lawsuit against the tenants' association.", "landlord", "lawsuit"),
    ("Governor Lena Brandt vetoed the strike ban on Friday.", "Brandt", "strike ban"),
    ("Governor Idris Okafor vetoed the minimum wage increase on Friday.", "Okafor", "wage"),
    (
        "Rep. Carla Mendes championed the ceasefire resolution in the committee.",
        "Mendes",
        "ceasefire",
    ),
    ("Rep. Owen Pratt championed the military aid package in the committee.", "Pratt", "aid"),
]

#: Events with no source taking a position: nothing is attributed.
EVENTS = [
    "The river flooded three villages in the valley overnight.",
    "Heavy snow closed the mountain pass for two days.",
    "The bridge carried four thousand cars a day before the repairs.",
    "Prices rose in every district of the city in March.",
    "The storm knocked out power to eleven thousand homes.",
    "The ferry reached the island shortly after noon.",
]


@pytest.fixture(scope="module")
def run(quotes_run: Run) -> Run:
    return quotes_run


def stance_score(run: Run, text: str, monkeypatch: pytest.MonkeyPatch) -> float:
    """The model's probability for the text's stance (every candidate kept: threshold 0)."""
    monkeypatch.setattr(load_model(), "threshold", 0.0)
    scores = [q.confidence for q in run(text).quotes if q.kind == "stance"]
    monkeypatch.undo()
    return max(scores, default=0.0)


def test_stances_of_both_sides_are_attributed_to_their_source(run: Run) -> None:
    found = {True: 0, False: 0}
    for n, (text, speaker, content) in enumerate(STANCES):
        hits = [
            q
            for q in run(text).quotes
            if q.kind == "stance"
            and q.speaker is not None
            and speaker in q.speaker.name
            and content in q.content.text
        ]
        found[n % 2 == 0] += bool(hits)
    # the same instrument for both sides: found on each side, and the sides one sentence
    # apart at most (the model is cautious: PolNeAR's annotators attribute "signed" or
    # "filed" only some of the time, so its threshold sits above them)
    assert min(found.values()) >= 1 and abs(found[True] - found[False]) <= 1, found


def test_every_stance_scores_above_every_event(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    stances = [stance_score(run, text, monkeypatch) for text, _, _ in STANCES]
    events = [stance_score(run, text, monkeypatch) for text in EVENTS]
    assert min(stances) > max(events), (stances, events)
    # a pair that differs in the side alone scores alike (a parse that hangs a phrase
    # elsewhere may move it a little)
    for a, b in zip(stances[::2], stances[1::2], strict=True):
        assert abs(a - b) <= 0.25, stances


def test_events_without_a_source_are_not_attributed(run: Run) -> None:
    stances = [q.content.text for text in EVENTS for q in run(text).quotes if q.kind == "stance"]
    assert len(stances) <= 1, stances


def test_a_stance_record_is_well_formed(run: Run) -> None:
    text = "Senator Maria Ostrow backed the blockade of the northern port on Tuesday."
    (q,) = [q for q in run(text).quotes if q.kind == "stance"]
    assert q.cue is not None and q.cue.text == "backed"
    assert q.content.text == "the blockade of the northern port"  # not "on Tuesday"
    assert q.content.start >= q.cue.end  # what is attributed comes after the verb
    assert q.span.start <= q.cue.start and q.content.end <= q.span.end
    assert 0.0 < q.confidence <= 1.0 and q.confidence >= load_model().threshold
    assert q.speaker is not None and q.speaker.name == "Maria Ostrow"
    assert q.analyzer == "quotes.v14"


def test_a_pronoun_source_resolves_like_a_report(run: Run) -> None:
    text = (
        "Maria Ostrow, the state senator for the coastal district, spoke at the hall. "
        "She backed the transit levy without reservation."
    )
    hits = [q for q in run(text).quotes if q.kind == "stance" and "levy" in q.content.text]
    assert hits and hits[0].speaker is not None
    assert hits[0].speaker.name == "Maria Ostrow"
    assert hits[0].speaker.resolved_from is not None
    assert hits[0].speaker.resolved_from.text == "She"


def test_words_inside_quotation_marks_are_the_source_own(run: Run) -> None:
    text = '"We backed the transit levy because the buses are full," said Senator Maria Ostrow.'
    quotes = run(text).quotes
    assert not [q for q in quotes if q.kind == "stance"], [q.content.text for q in quotes]
    assert [q.kind for q in quotes] == ["direct"]


def test_a_verb_the_rules_took_is_not_read_again(run: Run) -> None:
    text = "Senator Maria Ostrow said the transit levy would pass."
    quotes = run(text).quotes
    assert [(q.kind, q.cue.text if q.cue else None) for q in quotes] == [("indirect", "said")]


@pytest.mark.parametrize(
    "text",
    [
        "Residents saw the damaged bridge from the harbour.",  # a naming verb: the rules'
        "Mayor Ana Ruiz called Lena Ostrova on Tuesday about the tolls.",
        "Tomas Kell denied it.",  # a verb of saying with one word: the rules' floor holds
    ],
)
def test_what_the_rules_turn_down_stays_turned_down(run: Run, text: str) -> None:
    assert not [q.kind for q in run(text).quotes]


@pytest.mark.parametrize(
    "text",
    [
        "Consider the view of Andrei Morel, an analyst who advises the port authority.",
        "Look at the figures the ministry published on the closures in May.",
    ],
)
def test_the_writer_addressing_the_reader_is_nobody_s_position(run: Run, text: str) -> None:
    """An imperative opening the sentence has no source: it reports nothing."""
    assert not [(q.kind, q.cue and q.cue.text) for q in run(text).quotes]


def test_the_setting_turns_the_pass_off() -> None:
    pipe = Pipeline("quotes", load_settings(quote_acts=False))
    for text, _, _ in STANCES:
        assert not [q for q in pipe.analyze(Article(text=text, lang="en")).quotes]


def test_the_model_reads_what_it_was_trained_on() -> None:
    model = load_model()
    assert 0.0 < model.threshold < 1.0
    # the indicators the candidates produce are the ones it was fitted on
    assert any(f.startswith("lemma=") for f in model.weights)
    assert any(f.startswith("subj_ent=") for f in model.weights)
    assert {f.split("=")[1] for f in model.weights if f.startswith("child=")} & CONTENT_DEPS


def test_a_verb_rare_in_training_is_weighed_by_the_verbs_it_is_like() -> None:
    """attribution.v6 folds the lemma's word vector into the lemma's weight, for some
    16,000 words beyond those PolNeAR shows: verbs of saying and judging, frequent or not,
    weigh for a stance, verbs of motion and eating against, whichever side uses them."""
    weights = load_model().weights
    assert sum(f.startswith("lemma=") for f in weights) > 10_000
    saying = ("assert", "contend", "insist", "lambast", "concede", "denounce", "praise")
    moving = ("walk", "swim", "drive", "eat", "sleep", "run")
    said = [weights.get(f"lemma={w}", 0.0) for w in saying]
    moved = [weights.get(f"lemma={w}", 0.0) for w in moving]
    assert min(said) > max(moved)
    assert sum(said) / len(said) > 0 > sum(moved) / len(moved)


def test_the_features_hold_no_name() -> None:
    from framelens.analyzers._quote_acts import Candidate, content_of, features
    from framelens.analyzers._quote_syntax import subject_of
    from framelens.nlp import load_nlp

    doc = load_nlp()(
        "Senator Maria Ostrow backed Governor Tomas Halvik against the Harbour Workers Union."
    )
    (verb,) = [t for t in doc if t.lower_ == "backed"]
    content = content_of(verb)
    assert content is not None
    cand = Candidate(verb, content, subject_of(verb))
    assert cand.subject is not None and cand.subject.text == "Ostrow"
    feats = features(cand, lambda tok: "", in_report=False, under_cue=False)
    assert "lemma=back" in feats
    named = [f for f in feats if any(n in f.lower() for n in ("ostrow", "halvik", "harbour"))]
    assert not named, named


def test_the_same_act_by_another_name_scores_the_same(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = stance_score(run, "Senator Maria Ostrow backed the port blockade.", monkeypatch)
    b = stance_score(run, "Senator Tomas Halvik backed the port blockade.", monkeypatch)
    c = stance_score(run, "The Harbour Workers Union backed the port blockade.", monkeypatch)
    assert a > 0 and a == b
    assert c > 0  # an organisation's stance is read too


def test_a_stance_is_counted_apart_from_the_quotes(run: Run) -> None:
    from framelens.reports.summaries import counts

    a = run(
        "Senator Maria Ostrow backed the port blockade on Monday. Governor Tomas Halvik said "
        "the blockade was illegal."
    )
    found = counts(a)
    assert (found["quotes"], found["stances"]) == (1, 1), found


#: A verb of the cue lexicon with one word after it, from both sides (even items one side,
#: the odd the other): a position, which the rules' floor of two words left to nobody.
SHORT = [
    ("The Farmers' Union endorsed Ostrow.", "Union", "Ostrow"),
    ("The Chamber of Commerce endorsed Halvik.", "Chamber", "Halvik"),
    ("Senator Maria Ostrow condemned Halvik.", "Ostrow", "Halvik"),
    ("Senator Tomas Halvik condemned Ostrow.", "Halvik", "Ostrow"),
]

#: An adjective of attitude with what it is about, from both sides ("is opposed to" is
#: parsed as a passive verb: the rules read it).
ATTITUDES = [
    ("Senator Maria Ostrow is skeptical of the transit levy.", "Ostrow", "the transit levy"),
    ("Senator Tomas Halvik is skeptical of the fuel subsidy.", "Halvik", "the fuel subsidy"),
    ("The dockworkers' union was sure that the port would close.", "union", "the port would"),
    ("The shipping company was sure that the port would stay open.", "company", "the port would"),
]


def _candidate(run: Run, text: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The stances the pass reads in ``text`` (every candidate kept: threshold 0)."""
    monkeypatch.setattr(load_model(), "threshold", 0.0)
    out = [
        (q.cue.text if q.cue else "", q.content.text, q.speaker.name if q.speaker else "")
        for q in run(text).quotes
        if q.kind == "stance"
    ]
    monkeypatch.undo()
    return out


@pytest.mark.parametrize(("text", "speaker", "content"), SHORT + ATTITUDES)
def test_one_word_and_attitudes_are_read_with_their_source(
    run: Run, monkeypatch: pytest.MonkeyPatch, text: str, speaker: str, content: str
) -> None:
    hits = [c for c in _candidate(run, text, monkeypatch) if content in c[1] and speaker in c[2]]
    assert hits, _candidate(run, text, monkeypatch)
    cue = hits[0][0]
    assert cue in ("endorsed", "condemned", "skeptical", "sure"), hits


def test_one_word_and_attitudes_are_scored_alike_for_both_sides(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    for group in (SHORT, ATTITUDES):
        scores = [stance_score(run, text, monkeypatch) for text, _, _ in group]
        for a, b in zip(scores[::2], scores[1::2], strict=True):
            assert abs(a - b) <= 0.25, scores
        # the model's decision is the same for both sides of each pair
        kept = [bool([q for q in run(t).quotes if q.kind == "stance"]) for t, _, _ in group]
        assert kept[::2] == kept[1::2], kept


def test_a_bare_pronoun_and_an_attitude_with_nothing_after_it_are_not_read(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not _candidate(run, "Tomas Kell denied it.", monkeypatch)
    assert not _candidate(run, "Senator Maria Ostrow is skeptical.", monkeypatch)
    assert not _candidate(run, "The harbour was quiet on Sunday morning.", monkeypatch)


@pytest.mark.parametrize(
    ("text", "content"),
    [
        (
            "Senator Maria Ostrow offered some pointed advice to the governor on Friday.",
            "some pointed advice to the governor",
        ),
        (
            "Senator Tomas Halvik offered some pointed advice to the mayor on Friday.",
            "some pointed advice to the mayor",
        ),
        (
            "The tenants' union painted the mayor as a friend of the landlords.",
            "the mayor as a friend of the landlords",
        ),
        (
            "The landlords' association painted the mayor as a friend of the squatters.",
            "the mayor as a friend of the squatters",
        ),
        (
            "The dockworkers' union backed the strike, saying wages had fallen for years.",
            "the strike",
        ),
    ],
)
def test_a_stance_shows_the_verb_s_complements_up_to_a_clause_or_a_time(
    run: Run, monkeypatch: pytest.MonkeyPatch, text: str, content: str
) -> None:
    """What the pass attributes runs on past the object to the verb's other complements
    ("to the governor", "as a friend of ..."), as PolNeAR marks it, and stops at a comma,
    another clause or a phrase of time, whichever side speaks."""
    monkeypatch.setattr(load_model(), "threshold", 0.0)
    shown = [q.content.text for q in run(text).quotes if q.kind in ("stance", "indirect")]
    assert content in shown, shown


def test_shown_content_keeps_what_the_model_read() -> None:
    from framelens.analyzers._quote_acts import content_of, shown_content
    from framelens.config import load_settings
    from framelens.nlp import load_nlp

    nlp = load_nlp(load_settings(config_file=None).spacy_model)
    doc = nlp("Residents were told by the water board to boil their water on Monday.")
    verb = next(t for t in doc if t.lemma_ == "tell")
    core = content_of(verb)
    assert core is not None and shown_content(verb, core) == core  # a passive's stays
    doc = nlp("The council offered a loan to the club.")
    verb = next(t for t in doc if t.lemma_ == "offer")
    core = content_of(verb)
    assert core is not None
    start, end = shown_content(verb, core)
    assert start == core[0] and doc.text[start:end] == "a loan to the club"
