"""claims: check-worthiness scores on hand-written news sentences, and the Claim records."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from framelens import Pipeline, load_settings
from framelens.analyzers.claims import (
    LEXICAL_FEATURES,
    ClaimsAnalyzer,
    lexical_features,
    load_model,
    ngrams,
    score_texts,
)
from framelens.model import Analysis

# Clear factual claims: numbers, dates, named actors, things a fact-checker can look up.
CLAIMS = [
    "The unemployment rate in Ohio fell to 4.2 percent in March, the lowest level since 2019.",
    "Senator Maria Lopez voted against the highway bill three times last year.",
    "The health ministry said 1,200 people died in the floods between June and August.",
    "Exports to Brazil rose by 18% in 2023, reaching $42 billion.",
    "The city council cut the police budget by $3.5 million on Tuesday.",
    "Crime in the capital has doubled since the governor took office in 2021.",
]
# Not check-worthy: greetings, questions, opinions, pure rhetoric.
NOT_CLAIMS = [
    "Good evening, and thank you all for being here tonight.",
    "Thank you very much.",
    "What kind of country do we want to leave to our children?",
    "I think we can do much better than this.",
    "Let me be very clear about one thing.",
    "We will never give up on our dreams.",
]


@pytest.fixture(scope="module")
def scores() -> Callable[[list[str]], np.ndarray]:
    settings = load_settings(config_file=None)
    return lambda texts: score_texts(texts, settings)


@pytest.fixture(scope="module")
def run() -> Callable[..., Analysis]:
    pipe = Pipeline("claims", load_settings(config_file=None))
    return lambda text, **kw: pipe.analyze(text, force=True)


def test_factual_claims_score_high(scores) -> None:  # type: ignore[no-untyped-def]
    s = scores(CLAIMS)
    assert s.min() >= 0.5, list(zip(CLAIMS, s.round(3), strict=True))


def test_greetings_questions_opinions_score_low(scores) -> None:  # type: ignore[no-untyped-def]
    s = scores(NOT_CLAIMS)
    assert s.max() <= 0.3, list(zip(NOT_CLAIMS, s.round(3), strict=True))


def test_claims_rank_above_non_claims(scores) -> None:  # type: ignore[no-untyped-def]
    s = scores(CLAIMS + NOT_CLAIMS)
    assert s[: len(CLAIMS)].mean() - s[len(CLAIMS) :].mean() >= 0.5


def test_numbers_raise_the_score(scores) -> None:  # type: ignore[no-untyped-def]
    vague, precise = scores(
        [
            "The company has hired a lot of workers recently.",
            "The company hired 4,500 workers in Texas in 2023.",
        ]
    )
    assert precise > vague


def test_scores_are_probabilities(scores) -> None:  # type: ignore[no-untyped-def]
    s = scores(["", "ok", *CLAIMS[:2]])
    assert s.shape == (4,)
    assert np.all((s >= 0) & (s <= 1))


def test_model_is_small_and_matches_the_feature_code() -> None:
    model = load_model()
    assert tuple(model.meta["lexical_features"]) == LEXICAL_FEATURES  # type: ignore[arg-type]
    assert 0.0 < model.threshold < 1.0
    assert 0.0 <= model.blend <= 1.0
    assert len(model.vocab) == len(model.params["tfidf_coef"])


def test_lexical_features_see_questions_numbers_and_people(run) -> None:  # type: ignore[no-untyped-def]
    from framelens.nlp import load_nlp

    nlp = load_nlp()
    col = {name: i for i, name in enumerate(LEXICAL_FEATURES)}
    q = lexical_features(nlp("Why did we ever agree to this?")[:])
    n = lexical_features(nlp("Prices rose 12% in 2023, Anna Berg said.")[:])
    assert q[col["question"]] == 1.0 and n[col["question"]] == 0.0
    assert n[col["has_digit"]] == 1.0 and q[col["has_digit"]] == 0.0
    assert n[col["ent_percent"]] > 0 and n[col["reporting_verb"]] > 0
    assert q[col["first_plural"]] > 0


def test_ngrams_map_digits_to_one_token() -> None:
    assert ngrams("Taxes rose 12% in 2023") == ngrams("Taxes rose 7% in 1999")
    assert "rose 0" in ngrams("Taxes rose 12%")


ARTICLE = (
    "Flood deaths rise in the delta\n"
    "The health ministry said on Monday that 1,200 people died in the floods between June "
    "and August, twice as many as in 2022. "
    "Governor Ruth Adeyemi blamed the national water agency for releasing 300,000 cubic "
    "metres from the Kandi dam without warning. "
    "What happens next is anyone's guess. "
    "Thank you for reading."
)


def test_article_claims_have_spans_actors_and_quantities(run) -> None:  # type: ignore[no-untyped-def]
    a = run(ARTICLE)
    text = a.article.text
    assert a.claims, "no claim found"
    for c in a.claims:
        assert text[c.span.start : c.span.end] == c.span.text
        assert c.span.text == c.span.text.strip()
        assert c.analyzer == ClaimsAnalyzer.key()
        assert c.score >= load_settings(config_file=None).claim_threshold
        for q in c.quantities:
            assert text[q.span.start : q.span.end] == q.span.text
            assert c.span.start <= q.span.start and q.span.end <= c.span.end
    by_text = {c.span.text[:24]: c for c in a.claims}
    deaths = by_text.get("The health ministry said")
    assert deaths is not None, [c.span.text for c in a.claims]
    kinds = {(q.kind, q.value) for q in deaths.quantities}
    assert ("number", 1200) in kinds
    assert any(q.kind == "date" and q.normalized == "2022" for q in deaths.quantities)
    governor = next(c for c in a.claims if "Adeyemi" in c.span.text)
    actor_ids = {x.id: x for x in a.actors}
    assert governor.actors, "the governor's claim should name its actors"
    assert all(i in actor_ids for i in governor.actors)
    assert any(actor_ids[i].name == "Ruth Adeyemi" for i in governor.actors)
    assert any(q.value == 300_000 for q in governor.quantities)
    texts = [c.span.text for c in a.claims]
    assert not any(t.startswith(("What happens", "Thank you")) for t in texts)
    # Claim ids are stable content hashes.
    assert [c.id for c in run(ARTICLE).claims] == [c.id for c in a.claims]


def test_headline_glued_to_first_sentence_is_its_own_statement(run) -> None:  # type: ignore[no-untyped-def]
    a = run(ARTICLE)
    assert not any("\n" in c.span.text for c in a.claims)


def test_relative_dates_resolve_against_publication_date() -> None:
    from framelens.model import Article

    pipe = Pipeline("claims", load_settings(config_file=None))
    art = Article(
        text="The central bank raised its main interest rate to 5.25 percent on Monday, "
        "the ninth increase since 2022.",
        published="2024-03-06",
    )
    a = pipe.analyze(art)
    assert a.claims
    dates = {q.span.text: q.normalized for q in a.claims[0].quantities if q.kind == "date"}
    assert dates.get("Monday") == "2024-03-04"
    kinds = {q.kind for q in a.claims[0].quantities}
    assert {"percent", "ordinal", "date"} <= kinds


def test_threshold_setting_controls_what_counts(run) -> None:  # type: ignore[no-untyped-def]
    strict = Pipeline("claims", load_settings(config_file=None, claim_threshold=0.999))
    loose = Pipeline("claims", load_settings(config_file=None, claim_threshold=0.0))
    n_loose = len(loose.analyze(ARTICLE, force=True).claims)
    n_default = len(run(ARTICLE).claims)
    n_strict = len(strict.analyze(ARTICLE, force=True).claims)
    assert n_loose >= 5  # every statement, the headline included
    assert n_loose >= n_default >= n_strict


def test_empty_and_claimless_text(run) -> None:  # type: ignore[no-untyped-def]
    a = run("Thank you so much, everyone. Good night and good luck!")
    assert a.claims == []


@pytest.mark.parametrize(
    ("sentence", "number", "unit"),
    [
        ("Four of its staff had been killed in strikes since January.", "Four", "staff"),
        ("Two of the hospitals in the city were hit on Tuesday.", "Two", "hospital"),
        ("The army said 300 soldiers had crossed the border.", "300", "soldier"),
    ],
)
def test_numbers_record_what_they_count(sentence: str, number: str, unit: str) -> None:
    from framelens.analyzers.claims import sentence_quantities
    from framelens.nlp import load_nlp

    doc = load_nlp(load_settings(config_file=None).spacy_model)(sentence)
    found = {q.span.text: q.unit for q in sentence_quantities(sentence, next(doc.sents))}
    assert found.get(number) == unit, found


@pytest.mark.parametrize(
    ("sentence", "piece", "kind", "qualifier", "value", "high"),
    [
        ("Between 30 and 40 homes were destroyed.", "Between 30 and 40", "number", "range", 30, 40),
        ("Between 30 and 40 of the homes burned.", "Between 30 and 40", "number", "range", 30, 40),
        ("Prices rose between 2019 and 2021 in the city.", "between 2019 and 2021", "date", None,
         None, None),
        ("The talks lasted between three and four days.", "between three and four days", "date",
         None, None, None),
    ],
)  # fmt: skip
def test_a_count_the_recogniser_took_for_a_date_is_a_number(
    sentence: str,
    piece: str,
    kind: str,
    qualifier: str | None,
    value: float | None,
    high: float | None,
) -> None:
    """The small model tags "Between 30 and 40 homes" as a date: a count of homes with no
    date in it is a range; real date ranges and durations stay dates."""
    from framelens.analyzers.claims import sentence_quantities
    from framelens.nlp import load_nlp

    doc = load_nlp(load_settings(config_file=None).spacy_model)(sentence)
    found = {q.span.text: q for q in sentence_quantities(sentence, next(doc.sents))}
    q = found[piece]
    assert (q.kind, q.qualifier) == (kind, qualifier)
    if kind == "number":
        assert (q.value, q.high, q.unit) == (value, high, "home")


REPORTED = (
    "Flooding in the Kestrel valley\n\n"
    "The Kestrel health ministry said on Monday that 41 people died when the river burst "
    "its banks. "
    '"We counted 41 bodies at the hospital," said Orla Vance, a doctor in Brenna. '
    "Opposition deputies blamed the regional governor for the slow rescue. "
    'The so-called "experts" in the capital had approved the dam in 2021. '
    "Rescue teams reached the valley on Tuesday, three days after the flood."
)


def test_claims_that_report_words_record_what_they_report() -> None:
    a = Pipeline("claims", load_settings(config_file=None, claim_threshold=0.0)).analyze(
        REPORTED, force=True
    )
    text = a.article.text
    quotes = {q.id: q for q in a.quotes}
    by_start = {c.span.text.split()[1]: c for c in a.claims if len(c.span.text.split()) > 1}
    ministry, doctor = by_start["Kestrel"], by_start["counted"]
    # The that-clause and the direct quotation, without "that", the marks or the cue.
    assert ministry.content is not None and doctor.content is not None
    assert ministry.content.text == "41 people died when the river burst its banks"
    assert doctor.content.text == "We counted 41 bodies at the hospital"
    for claim in (ministry, doctor):
        assert claim.content is not None and claim.quote in quotes
        c = claim.content
        assert text[c.start : c.end] == c.text
        assert claim.span.start <= c.start and c.end <= claim.span.end
        assert (
            quotes[claim.quote].content.start
            <= c.start
            <= c.end
            <= (quotes[claim.quote].content.end)
        )
    speaker = quotes[doctor.quote or ""].speaker
    assert speaker is not None and speaker.name == "Orla Vance"
    # The writer's own assertions keep the whole sentence: a blamed party is not a
    # statement, a scare-quoted word is not a quotation, a plain report has no source.
    for first in ("deputies", "so-called", "teams"):
        claim = by_start[first]
        assert claim.content is None and claim.quote is None, claim


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        # A reported question, and words the source did not say: no statement to check.
        ("The minister did not say where the displaced families would be housed.", None),
        ("Reporters asked whether the army had shelled the market on Sunday.", None),
        ("The ministry never claimed that the dam had failed on Sunday.", None),
        ("The ministry denied that the dam had failed on Sunday.", None),
        (
            "The ministry confirmed that the dam had failed on Sunday.",
            "the dam had failed on Sunday",
        ),
        # A direct quotation may open with a wh-word; the marks stay balanced.
        (
            '"When the shells fall we carry the patients downstairs," said Dr. Lena Moss.',
            "When the shells fall we carry the patients downstairs",
        ),
        (
            'The Marnian government insists it is fighting "terrorists."',
            'it is fighting "terrorists."',
        ),
    ],
)
def test_reported_content_edge_cases(sentence: str, content: str | None) -> None:
    a = Pipeline("claims", load_settings(config_file=None, claim_threshold=0.0)).analyze(
        sentence, force=True
    )
    assert len(a.claims) == 1
    got = a.claims[0].content
    assert (got.text if got else None) == content
