"""portrayal: targeted sentiment per mention on hand-written sentences (clear cases, two
targets portrayed oppositely, symmetric pairs), aggregation per actor, and offsets."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from framelens import Pipeline, load_settings
from framelens.analyzers.portrayal import PortrayalAnalyzer, aggregate
from framelens.context import Context
from framelens.errors import ConfigError, ModelError
from framelens.model import Actor, Analysis, Article
from framelens.nlp import load_nlp, model_id
from framelens.nlp.features import parse_features, sentence_features
from framelens.nlp.sentiment import (
    FEATURE_DIM,
    LABELS,
    MAX_PIECES,
    Window,
    load_model,
    mention_windows,
    predict,
)

Probs = Callable[[str, str], np.ndarray]


@pytest.fixture(scope="module")
def probs() -> Probs:
    """Class distribution (negative, neutral, positive) of the first ``target`` in ``text``."""
    settings = load_settings(config_file=None)
    nlp = load_nlp(settings.spacy_model)

    def run(text: str, target: str) -> np.ndarray:
        article = Article(text=text)
        ctx = Context(article, nlp(text), Analysis(article=article), settings)
        i = text.index(target)
        out = predict(text, ctx.doc, sentence_features(ctx), [(i, i + len(target))])
        assert out.shape == (1, 3) and abs(float(out.sum()) - 1.0) < 1e-4
        return out[0]

    return run


def net(p: np.ndarray) -> float:
    """P(positive) - P(negative)."""
    return float(p[2] - p[0])


CLEAR = [
    (
        "Senator Maria Lopez was widely praised for her tireless work helping flood victims.",
        "Maria Lopez",
        "positive",
    ),
    (
        "Karim Haddad, a respected and honest leader, won wide admiration in the province.",
        "Karim Haddad",
        "positive",
    ),
    (
        "Governor Tom Reed was condemned as corrupt and incompetent after the bribery scandal.",
        "Tom Reed",
        "negative",
    ),
    (
        "Critics said Karim Haddad lied repeatedly and betrayed the voters who elected him.",
        "Karim Haddad",
        "negative",
    ),
    (
        "Governor Tom Reed will travel to Denver on Tuesday for a meeting.",
        "Tom Reed",
        "neutral",
    ),
    ("The ministry published its annual report on Monday morning.", "ministry", "neutral"),
]


@pytest.mark.parametrize(("text", "target", "label"), CLEAR)
def test_clear_cases(probs: Probs, text: str, target: str, label: str) -> None:
    p = probs(text, target)
    assert LABELS[int(p.argmax())] == label, p
    assert p.max() >= 0.5


TWO = "The {a} were praised for protecting civilians, while the {b} was accused of looting."


@pytest.mark.parametrize(("a", "b"), [("rebels", "militia"), ("soldiers", "regime")])
def test_two_targets_portrayed_oppositely(probs: Probs, a: str, b: str) -> None:
    text = TWO.format(a=a, b=b)
    praised, accused = probs(text, a), probs(text, b)
    assert LABELS[int(accused.argmax())] == "negative", accused
    assert net(praised) > net(accused) + 0.3, (praised, accused)


SIDES = [
    ("Israel", "Hamas"),
    ("Russia", "Ukraine"),
    ("the Republicans", "the Democrats"),
    ("the government", "the rebels"),
]


def assert_same_reading_for_each_side(probs: Probs, x: str, y: str, margin: float) -> None:
    """Each side gets the same reading of the same sentence: condemned is negative, and
    praised reads more positively than condemned by at least ``margin``."""
    for name in (x, y):
        cap = name[0].upper() + name[1:]
        good = probs(f"{cap} was praised by aid groups for protecting civilians.", cap)
        bad = probs(f"{cap} was condemned by aid groups for killing civilians.", cap)
        assert LABELS[int(bad.argmax())] == "negative", (name, bad)
        assert net(good) > net(bad) + margin, (name, good, bad)


@pytest.mark.parametrize(("x", "y"), SIDES)
def test_symmetric_single_target(probs: Probs, x: str, y: str) -> None:
    assert_same_reading_for_each_side(probs, x, y, 0.5)


@pytest.mark.parametrize(("x", "y"), SIDES)
def test_symmetric_swapped_pair(probs: Probs, x: str, y: str) -> None:
    """Swapping which side is praised swaps which side reads more positively."""
    template = "{A} was praised for protecting civilians, while {b} was condemned for the attack."
    for praised_side, condemned_side in ((x, y), (y, x)):
        cap = praised_side[0].upper() + praised_side[1:]
        text = template.format(A=cap, b=condemned_side)
        assert net(probs(text, cap)) > net(probs(text, condemned_side)), text


def test_aggregate_is_argmax_of_the_mean() -> None:
    p = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1]])
    k, score = aggregate(p)
    assert LABELS[k] == "negative" and score == pytest.approx(1.7 / 3)
    k, score = aggregate(np.array([[0.1, 0.3, 0.6]]))
    assert LABELS[k] == "positive" and score == pytest.approx(0.6)


def test_model_shape_and_declaration() -> None:
    model = load_model()
    assert model.w["mu"].shape == (FEATURE_DIM,)
    assert model.w["xproj_w"].shape[:2] == (model.members, FEATURE_DIM)
    assert model.members >= 1 and model.w["out2_w"].shape[2] == 3
    assert PortrayalAnalyzer.needs == ("actors",)
    assert PortrayalAnalyzer.produces == ("actors.sentiment",)
    assert PortrayalAnalyzer.key() == "portrayal.v4"


ARTICLE = (
    "Flood relief — a “turning point”, officials say\n\n"
    "Governor Helen Marsh was widely praised for her calm and effective leadership during "
    "the floods. Volunteers thanked Marsh for opening shelters within hours. "
    "Meanwhile Mayor Victor Crane was condemned by residents, who accused Crane of lying "
    "about the failed levees and of wasting the relief money. "
    "The weather service said more rain is expected on Friday."
)


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    pipe = Pipeline("actors,portrayal", load_settings(config_file=None))
    return pipe.analyze(Article(text=ARTICLE), force=True)


def test_every_actor_gets_a_sentiment_with_exact_offsets(analysis: Analysis) -> None:
    text = analysis.article.text
    assert analysis.pipeline.get("portrayal") == "4"
    with_mentions = [a for a in analysis.actors if a.mentions]
    assert with_mentions
    for actor in with_mentions:
        s = actor.sentiment
        assert s is not None and s.analyzer == "portrayal.v4"
        assert 1 / 3 <= s.score <= 1.0
        assert [m.span for m in s.by_mention] == actor.mentions
        for m in s.by_mention:
            assert text[m.span.start : m.span.end] == m.span.text
            assert 1 / 3 <= m.score <= 1.0 and m.label in LABELS


def _actor_with(analysis: Analysis, surface: str) -> Actor:
    found = [a for a in analysis.actors if any(m.text == surface for m in a.mentions)]
    assert found, [a.name for a in analysis.actors]
    return found[0]


def test_praised_and_condemned_people(analysis: Analysis) -> None:
    marsh, crane = _actor_with(analysis, "Marsh"), _actor_with(analysis, "Crane")
    assert marsh.sentiment is not None and crane.sentiment is not None
    assert marsh.sentiment.label == "positive", marsh.sentiment
    assert crane.sentiment.label == "negative", crane.sentiment
    assert marsh.sentiment.score >= 0.5 and crane.sentiment.score >= 0.5


def test_windows_mark_the_mention_and_stay_inside_long_sentences() -> None:
    settings = load_settings(config_file=None)
    words = " ".join(f"word{i}" for i in range(150))
    text = f"The {words} were described by Senator Maria Lopez as a disgrace to {words}."
    article = Article(text=text)
    ctx = Context(
        article, load_nlp(settings.spacy_model)(text), Analysis(article=article), settings
    )
    sents = sentence_features(ctx)
    i = text.index("Maria Lopez")
    (win,) = mention_windows(sents, [(i, i + len("Maria Lopez"))])
    assert isinstance(win, Window) and win.hi - win.lo == MAX_PIECES
    offs = sents[win.sentence].offsets[win.lo : win.hi]
    marked = offs[win.target]
    assert len(marked) >= 2 and all(i <= a and b <= i + len("Maria Lopez") for a, b in marked)
    # A mention in the middle of a long sentence sits in the middle of its window.
    where = np.flatnonzero(win.target)
    assert MAX_PIECES // 2 - 5 <= where[0] <= MAX_PIECES // 2 + 5


def test_predict_with_no_mentions_and_a_mention_without_wordpieces(probs: Probs) -> None:
    settings = load_settings(config_file=None)
    text = "Governor Tom Reed will travel to Denver on Tuesday."
    article = Article(text=text)
    ctx = Context(
        article, load_nlp(settings.spacy_model)(text), Analysis(article=article), settings
    )
    sents = sentence_features(ctx)
    assert predict(text, ctx.doc, sents, []).shape == (0, 3)
    # A span that covers only a space maps to no wordpiece: still one valid distribution.
    gap = text.index(" ")
    p = predict(text, ctx.doc, sents, [(gap, gap + 1)])
    assert p.shape == (1, 3) and abs(float(p.sum()) - 1.0) < 1e-4


# --- the fast model: the same architecture on the spaCy parse's own token vectors ---------


@pytest.fixture(scope="module")
def fast_probs() -> Probs:
    """As ``probs``, with the ``fast`` model on ``parse_features`` of the sentence."""
    settings = load_settings(config_file=None)
    nlp = load_nlp(settings.spacy_model)

    def run(text: str, target: str) -> np.ndarray:
        doc = nlp(text)
        i = text.index(target)
        out = predict(text, doc, parse_features(doc), [(i, i + len(target))], "fast")
        assert out.shape == (1, 3) and abs(float(out.sum()) - 1.0) < 1e-4
        return out[0]

    return run


def test_parse_features_are_the_parse_vectors_of_each_sentence() -> None:
    nlp = load_nlp(load_settings(config_file=None).spacy_model)
    text = "The council met on Monday.\n\nIts critics walked out early."
    doc = nlp(text)
    sents = parse_features(doc)
    assert [(s.start, s.end) for s in sents] == [(x.start_char, x.end_char) for x in doc.sents]
    for sf in sents:
        assert sf.hidden.shape == (len(sf.offsets), doc.tensor.shape[1])
        assert abs(float(np.linalg.norm(sf.pooled)) - 1.0) < 1e-4
        for (a, b), row in zip(sf.offsets, sf.hidden, strict=True):
            token = doc.char_span(int(a), int(b))
            assert token is not None and not token[0].is_space
            assert np.allclose(row, doc.tensor[token[0].i])
    assert sum(len(sf.offsets) for sf in sents) == sum(not t.is_space for t in doc)


@pytest.mark.parametrize(("text", "target", "label"), CLEAR)
def test_fast_model_clear_cases(fast_probs: Probs, text: str, target: str, label: str) -> None:
    p = fast_probs(text, target)
    assert LABELS[int(p.argmax())] == label, p


@pytest.mark.parametrize(("x", "y"), SIDES)
def test_fast_model_is_symmetric(fast_probs: Probs, x: str, y: str) -> None:
    assert_same_reading_for_each_side(fast_probs, x, y, 0.3)


def test_fast_model_needs_no_encoder_pass_and_says_which_model_ran() -> None:
    pipe = Pipeline("actors,portrayal", load_settings(config_file=None, portrayal_model="fast"))
    result = pipe.analyze(Article(text=ARTICLE), force=True)
    assert "sentence_features" not in pipe.timings
    assert result.pipeline.get("portrayal") == "4-fast"
    marsh, crane = _actor_with(result, "Marsh"), _actor_with(result, "Crane")
    for actor in (marsh, crane):
        assert actor.sentiment is not None and actor.sentiment.analyzer == "portrayal.v4-fast"
        assert [m.span for m in actor.sentiment.by_mention] == actor.mentions
    assert marsh.sentiment is not None and crane.sentiment is not None
    assert net_of(marsh) > net_of(crane)
    assert crane.sentiment.label == "negative", crane.sentiment


def net_of(actor: Actor) -> float:
    """Mean P(positive) - P(negative) over an actor's mentions, from its labels and scores."""
    assert actor.sentiment is not None
    sign = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}
    return float(np.mean([sign[m.label] * m.score for m in actor.sentiment.by_mention]))


def test_fast_model_refuses_token_vectors_of_another_pipeline() -> None:
    settings = load_settings(config_file=None, portrayal_model="fast")
    analyzer = PortrayalAnalyzer(settings)
    article = Article(text=ARTICLE)
    doc = load_nlp(settings.spacy_model)(ARTICLE)
    ctx = Context(
        article, doc, Analysis(article=article, pipeline={"nlp": "en_other-1.0"}), settings
    )
    ctx.analysis.actors = Pipeline("actors", settings).analyze(article, force=True).actors
    with pytest.raises(ModelError, match="token vectors of"):
        analyzer.run(ctx)


def test_unknown_portrayal_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="portrayal_model 'huge'") as err:
        Pipeline("actors,portrayal", load_settings(config_file=None, portrayal_model="huge"))
    assert "minilm" in (err.value.fix or "") and "fast" in (err.value.fix or "")


def test_pipeline_refuses_a_mismatched_spacy_model_when_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings(config_file=None, portrayal_model="fast")
    meta = load_model("fast").meta
    monkeypatch.setitem(meta, "spacy_model", "en_other-1.0")
    with pytest.raises(ModelError, match=r"token vectors of en_other-1\.0") as err:
        Pipeline("actors,portrayal", settings)
    assert "spacy_model" in (err.value.fix or "")
    monkeypatch.setitem(meta, "spacy_model", model_id(load_nlp(settings.spacy_model)))
    assert Pipeline("actors,portrayal", settings).names == ["actors", "portrayal"]


@pytest.mark.parametrize(
    "text",
    [
        "The committee met on Tuesday in the old town hall",  # no lexicon word
        "the delegates of the northern districts, who arrived by train",
        "Officials met on Tuesday \N{SLIGHTLY SMILING FACE}",  # an emoji VADER reads
        "The minister praised the volunteers",  # a lexicon word
        "... and the ministry did not deny it:",  # a negator before a lexicon word
        "HORRIBLE, said the mayor!!!",
        "",
        "   ",
    ],
)
def test_vader_shortcut_gives_the_analysers_scores(text: str) -> None:
    """Texts with no lexicon word and no emoji are answered without VADER, with its scores."""
    from framelens.nlp import sentiment

    sentiment._vader_cached.cache_clear()
    got = sentiment._vader_scores(text)
    s = sentiment._vader().polarity_scores(text)
    assert got == [s["neg"], s["pos"], s["compound"]]


def test_vader_shortcut_skips_the_analyser_only_for_texts_it_scores_zero(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from framelens.nlp import sentiment

    analyser = sentiment._vader()
    calls: list[str] = []
    real = analyser.polarity_scores
    monkeypatch.setattr(analyser, "polarity_scores", lambda t: calls.append(t) or real(t))
    sentiment._vader_cached.cache_clear()
    assert sentiment._vader_scores("The committee met on Tuesday") == [0.0, 0.0, 0.0]
    assert calls == []
    assert sentiment._vader_scores("Officials met on Tuesday \N{SLIGHTLY SMILING FACE}")[2] > 0
    assert sentiment._vader_scores("The minister praised the volunteers")[2] > 0
    assert len(calls) == 2
    sentiment._vader_cached.cache_clear()
