"""techniques: the 14 PTC techniques by span, on sentences the team wrote."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from framelens import Pipeline, load_settings
from framelens.analyzers.techniques import (
    CUE_FAMILIES,
    TECHNIQUES,
    TOKEN_FEATURES,
    TechniquesAnalyzer,
    Tok,
    load_lexicon,
    load_model,
    snap_to_tokens,
    token_features,
)
from framelens.eval.ptc import TECHNIQUES as PTC_TECHNIQUES
from framelens.model import Analysis, Article

Run = Callable[[str], Analysis]


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    return Pipeline("techniques")


@pytest.fixture(scope="module")
def run(pipe: Pipeline) -> Run:
    return lambda text: pipe.analyze(text, force=True)


def _found(a: Analysis, technique: str | None = None) -> list[str]:
    return [t.span.text for t in a.techniques if technique is None or t.technique == technique]


# ---- clear cases are found ----------------------------------------------------------------


@pytest.mark.parametrize(
    "encoder",
    [
        "frozen",
        pytest.param(
            "tuned",
            marks=pytest.mark.xfail(
                strict=True,
                reason="a known regression of the tuned encoder's span finder: it joins the "
                "two sentences into one span, which the labeller reads as Exaggeration (0.34); "
                "the labeller gives 'corrupt, lying crook' and 'gang of thugs' Name_Calling "
                "(0.68, 0.81) when asked about them alone",
            ),
        ),
    ],
)
def test_name_calling_is_found(encoder: str) -> None:
    pipe = Pipeline("techniques", load_settings(encoder=encoder, lang_check=False))
    a = pipe.analyze(
        "The senator is a corrupt, lying crook and a traitor to everyone who voted for him. "
        "His gang of thugs in the capital will stop at nothing.",
        force=True,
    )
    kinds = {t.technique for t in a.techniques}
    assert kinds & {"Name_Calling,Labeling", "Loaded_Language"}, a.techniques
    found = " ".join(_found(a))
    assert any(w in found for w in ("crook", "traitor", "thugs", "lying"))


def test_slogan_is_found(run: Run) -> None:
    a = run(
        "Thousands marched through the city on Saturday chanting the old rallying cry. "
        '"No surrender, no retreat!" they shouted again and again as they reached the square. '
        "No surrender, no retreat: that is all this movement has ever needed."
    )
    assert a.techniques, "a chanted slogan should be flagged"
    found = " ".join(_found(a))
    assert "surrender" in found


def test_flag_waving_is_found(run: Run) -> None:
    a = run(
        "Every true patriot who loves this great nation must stand up now and defend our "
        "flag, our heritage and our sacred homeland against those who would sell it out. "
        "Our glorious country deserves nothing less from its loyal sons and daughters."
    )
    kinds = {t.technique for t in a.techniques}
    assert kinds & {"Flag-Waving", "Loaded_Language", "Appeal_to_fear-prejudice"}, a.techniques
    assert any(w in " ".join(_found(a)) for w in ("patriot", "nation", "flag", "homeland"))


def test_neutral_wire_copy_produces_nothing(run: Run) -> None:
    a = run(
        "The city council voted 7-2 on Tuesday to approve a budget of $4.2 million for road "
        "repairs in the next fiscal year. The plan includes resurfacing 14 miles of streets "
        "and replacing traffic signals at six intersections, according to a statement from "
        "the public works department. Work is scheduled to begin in April and end in "
        "November. The council will meet again on March 3."
    )
    assert a.techniques == []
    assert a.technique_summary is not None and a.technique_summary.counts == {}
    assert a.technique_summary.density_per_1000_words == 0.0


def test_neutral_weather_report_produces_nothing(run: Run) -> None:
    a = run(
        "Light rain is expected across the region on Thursday morning, with temperatures "
        "between 8 and 12 degrees Celsius. The national weather service said skies would "
        "clear by the afternoon. Winds from the south-west will reach 20 kilometres per hour."
    )
    assert a.techniques == []


# ---- records: offsets, scores, summary ------------------------------------------------------


def test_records_offsets_scores_and_summary(run: Run) -> None:
    text = (
        "This shameful, disgusting regime has betrayed the people again. "
        "Its corrupt puppets lie every single day, and only fools still believe them. "
        "The ministry published new import figures on Monday."
    )
    a = run(text)
    assert a.techniques
    for t in a.techniques:
        assert text[t.span.start : t.span.end] == t.span.text
        assert t.span.text == t.span.text.strip(" \n.,:;")
        assert t.technique in TECHNIQUES
        assert 0.0 <= t.score <= 1.0
        assert t.analyzer == TechniquesAnalyzer.key() == "techniques.v4"
    s = a.technique_summary
    assert s is not None
    assert sum(s.counts.values()) == len(a.techniques)
    assert s.words == len(text.split())
    assert s.density_per_1000_words == pytest.approx(1000 * len(a.techniques) / s.words, abs=1e-3)
    assert a.pipeline["techniques"] == TechniquesAnalyzer.version


def test_offsets_hold_with_unicode_and_newlines(run: Run) -> None:
    text = (
        "Café owners in Zürich — “the real victims” — say the new tax is a disgrace.\n\n"
        "These greedy, heartless bureaucrats are destroying our livelihoods!"
    )
    a = run(text)
    for t in a.techniques:
        assert text[t.span.start : t.span.end] == t.span.text


def test_classify_given_spans(pipe: Pipeline) -> None:
    text = (
        "The minister called the protesters a mob of violent thugs. "
        "Is this really the man we should trust with our future? "
        "Make our streets safe again! Make our streets safe again!"
    )
    analysis = pipe.analyze(text, force=True)
    analyzer = next(a for a in pipe.analyzers if isinstance(a, TechniquesAnalyzer))
    from framelens.context import Context

    ctx = Context(
        article=analysis.article,
        doc=pipe.nlp(text),
        analysis=Analysis(article=analysis.article),
        settings=pipe.settings,
    )
    thugs = text.index("violent thugs")
    spans = [(thugs, thugs + len("violent thugs")), (0, 0 + len("The minister"))]
    ranked = analyzer.classify_spans(ctx, spans)
    assert len(ranked) == 2
    for r in ranked:
        assert [t for t, _ in r] and sorted(t for t, _ in r) == sorted(TECHNIQUES)
        probs = [p for _, p in r]
        assert probs == sorted(probs, reverse=True)
        assert sum(probs) == pytest.approx(1.0, abs=1e-3)
    assert ranked[0][0][0] in ("Name_Calling,Labeling", "Loaded_Language")
    assert analyzer.classify_spans(ctx, []) == []


def test_the_labeller_divides_by_the_class_prior(pipe: Pipeline) -> None:
    """The shipped labeller divides its probabilities by ``prior ** tau``: rare techniques
    gain on Loaded_Language (a third of PTC's lines) and the ranking moves only by that."""
    import copy

    from framelens.analyzers.techniques import article_inputs, prior_scale
    from framelens.context import Context

    model = load_model("tuned")
    prior, tau = model.config["tc_prior"], model.config["tc_prior_tau"]
    assert 0 < tau <= 1 and sum(prior) == pytest.approx(1.0, abs=1e-4)
    assert TECHNIQUES[int(np.argmax(prior))] == "Loaded_Language"
    text = (
        "Critics say the plan will bring ruin to every family in the valley. "
        "Either we stand with the farmers or we stand with the speculators. "
        "The mayor's office, of course, had nothing to say about that."
    )
    article = Article(id="prior", text=text)
    ctx = Context(
        article=article,
        doc=pipe.nlp(text),
        analysis=Analysis(article=article),
        settings=pipe.settings,
    )
    inp = article_inputs(ctx)
    either = text.index("Either")
    spans = [
        (text.index("bring ruin"), text.index(" to every")),
        (either, text.index(".", either)),
    ]
    raw = copy.copy(model.labeller)
    raw.scale = None
    p, q = raw(inp, spans), model.labeller(inp, spans)
    expect = p * prior_scale(prior, tau)
    np.testing.assert_allclose(q, expect / expect.sum(axis=1, keepdims=True), rtol=1e-5)
    loaded, rare = TECHNIQUES.index("Loaded_Language"), int(np.argmin(prior))
    assert np.all(q[:, rare] / q[:, loaded] > p[:, rare] / p[:, loaded])
    # The frozen heads are today's models: no adjustment.
    assert load_model("frozen").labeller.scale is None
    assert prior_scale(prior, 0.0) is None and prior_scale(None, 0.5) is None


def test_empty_like_text_is_quiet(run: Run) -> None:
    a = run("Minutes of the meeting are available on request from the clerk's office.")
    assert a.techniques == []


# ---- building blocks ---------------------------------------------------------------------


def test_technique_names_match_ptc() -> None:
    assert len(set(TECHNIQUES)) == 14 and PTC_TECHNIQUES is TECHNIQUES
    assert list(load_model().labels) == list(TECHNIQUES)


def test_lexicon_pairs_are_symmetric() -> None:
    lex = load_lexicon()
    assert lex.pairs
    for a, b in lex.pairs:
        fa, fb = lex.families_of(a), lex.families_of(b)
        assert fa, f"{a!r} is in no family"
        assert fa == fb, f"{a!r} {sorted(fa)} vs {b!r} {sorted(fb)}"


def _cues(words: list[str]) -> np.ndarray:
    toks, pos = [], 0
    for w in words:
        toks.append(Tok(pos, pos + len(w), w.lower(), w.lower(), False))
        pos += len(w) + 1
    return token_features(" ".join(words), toks, load_lexicon())


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("the far-left mob", "the far-right mob"),
        ("the Iranian regime", "the Israeli regime"),
        ("these jihadists", "these crusaders"),
        ("the leftists", "the rightists"),
        ("climate deniers", "climate alarmists"),
    ],
)
def test_paired_phrases_get_the_same_cues(left: str, right: str) -> None:
    a, b = _cues(left.split()), _cues(right.split())
    n = len(CUE_FAMILIES)
    assert a[:, :n].sum() > 0
    assert np.array_equal(a[:, :n], b[:, :n]), (left, right)


def test_token_features_quotes_caps_repetition() -> None:
    words = ['"Liberators"', "came", "and", "the", "LIBERATORS", "left"]
    f = _cues(words)
    col = {name: i for i, name in enumerate(TOKEN_FEATURES)}
    assert f[0, col["in_scare_quotes"]] == 1.0 and f[1, col["in_quotes"]] == 0.0
    assert f[4, col["all_caps"]] == 1.0 and f[1, col["all_caps"]] == 0.0


def test_snap_to_tokens_trims_boundary_characters(pipe: Pipeline) -> None:
    from framelens.analyzers.techniques import build_inputs, doc_tokens

    text = "They are, frankly, outrageous liars."
    doc = pipe.nlp(text)
    inp = build_inputs(text, doc_tokens(doc), [], load_lexicon())
    s = text.index("outrageous") + 3
    start, end = snap_to_tokens(inp, s, len(text))
    assert text[start:end] == "outrageous liars"
    start, end = snap_to_tokens(inp, text.index(","), text.index("frankly") + 3)
    assert text[start:end] == "frankly"


@pytest.mark.parametrize(
    ("text", "piece", "expected"),
    [
        ('They armed "moderate" units.', 'moderate"', '"moderate"'),
        ('They armed "moderate" units.', '"moderate', '"moderate"'),
        ('It was called "a rescue" by the army.', 'rescue"', '"a rescue"'),
        ('They said it was over" and left.', 'over"', "over"),
        ("Rebels said “liberation” had come.", "“liberation", "“liberation”"),
        ('He said "no" twice.', '"no" twice', '"no" twice'),
        ('The "peace plan" has failed.', 'plan" has failed', '"peace plan" has failed'),
    ],
)
def test_spans_never_hold_half_a_quotation(
    pipe: Pipeline, text: str, piece: str, expected: str
) -> None:
    from framelens.analyzers.techniques import build_inputs, doc_tokens

    inp = build_inputs(text, doc_tokens(pipe.nlp(text)), [], load_lexicon())
    s = text.index(piece)
    start, end = snap_to_tokens(inp, s, s + len(piece))
    assert text[start:end] == expected
