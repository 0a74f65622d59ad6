"""PolNeAR eval: reading brat, kinds by quotation marks, matching and metrics on hand-built
spans, and a small run on the dataset when it is there."""

from __future__ import annotations

from typing import Any

import pytest

from framelens import load_settings
from framelens.config import find_datasets_dir
from framelens.eval import EvalRequest, run_eval
from framelens.eval.polnear import (
    METRICS,
    Attribution,
    Tokens,
    classify_content,
    match,
    new_tallies,
    parse_ann,
    predicted,
    results,
    score_document,
)
from framelens.model import Analysis, Article, Quote, Span, Speaker

# ---- kinds and brat ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("“We will win.”", "direct"),
        ('"We will win," ', "direct"),
        ("''We will win,''", "direct"),
        ("“Judge,” “I have never seen this.”", "direct"),
        ("that the plan was “dead on arrival.”", "mixed"),
        ("the “moderate” wing", "mixed"),
        ("that the plan was dead", "indirect"),
        ("the voters' choice", "indirect"),
    ],
)
def test_classify_content(content: str, kind: str) -> None:
    assert classify_content(content) == kind


TEXT = 'Ana Pell said that the plan was dead. "It is over," she added.\n"We lost."'
ANN = """T1\tSource 0 8\tAna Pell
T2\tCue 9 13\tsaid
T3\tContent 14 36\tthat the plan was dead
T4\tAttribution 9 13\tsaid
E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1
T5\tContent 38 51;63 73\t"It is over," "We lost."
T6\tSource 52 55\tshe
T7\tCue 56 61\tadded
T8\tAttribution 56 61\tadded
E2\tAttribution:T8 Source:T6 Cue:T7 Content:T5
T9\tDiscuss 0 3\tAna
#1\tAnnotatorNotes T1\ta note
"""


def test_parse_ann_reads_discontinuous_spans_and_drops_flags() -> None:
    atts = parse_ann(ANN, TEXT)
    assert len(atts) == 2
    first, second = atts
    assert first.kind == "indirect" and first.source == ((0, 8),) and first.cue == ((9, 13),)
    assert second.kind == "direct" and second.content == ((38, 51), (63, 73))
    assert TEXT[52:55] == "she" and TEXT[56:61] == "added"
    assert [TEXT[s:e] for s, e in second.content] == ['"It is over,"', '"We lost."']


# ---- metrics on hand-built spans ------------------------------------------------------------


def _att(content: list[tuple[int, int]], source=(), cue=(), kind="indirect") -> Attribution:  # type: ignore[no-untyped-def]
    return Attribution(tuple(content), tuple(source), tuple(cue), kind)


def test_tokens_ignore_punctuation_but_score_a_colon_cue() -> None:
    tok = Tokens('He said: "Go."')
    assert len(tok.of(((0, 14),))) == 3  # He, said, Go
    assert tok.of(((7, 8),)) == frozenset({-8})  # the colon alone


def test_perfect_prediction_scores_one() -> None:
    gold = parse_ann(ANN, TEXT)
    t = new_tallies()
    score_document(gold, gold, Tokens(TEXT), t)
    r = results(t)
    for metric in METRICS:
        assert r["all"][metric]["f1"] == 1.0
    assert r["direct"]["content_exact"]["f1"] == 1.0 and r["mixed"]["cue"]["f1"] == 0.0


def test_partial_content_and_speaker_credit() -> None:
    text = "Officials in the port said that the road would reopen next week."
    gold = [_att([(26, 63)], source=[(0, 20)], cue=[(21, 25)])]  # "that the road ... week"
    # Predicted: content misses "next week" and "that"; source is "Officials" only.
    pred = [_att([(31, 53)], source=[(0, 9)], cue=[(21, 25)])]
    t = new_tallies()
    score_document(gold, pred, Tokens(text), t)
    r = results(t)["all"]
    # gold tokens: that the road would reopen next week = 7; predicted: the road would reopen = 4
    assert r["content_overlap"]["p"] == 1.0
    assert r["content_overlap"]["r"] == pytest.approx(4 / 7, abs=1e-4)
    assert r["content_exact"]["f1"] == 0.0
    assert r["speaker_overlap"]["f1"] == 1.0 and r["speaker_exact"]["f1"] == 0.0
    assert r["cue"]["f1"] == 1.0


def test_matching_is_one_to_one_by_overlap() -> None:
    text = "one two three four five six seven eight nine ten"
    gold = [_att([(0, 13)]), _att([(14, 28)])]  # one two three | four five six
    pred = [_att([(0, 28)]), _att([(4, 13)])]  # covers both | two three
    pairs = match(gold, pred, Tokens(text))
    # The big prediction shares 3 tokens with each gold; the first gold goes to it (tie:
    # earlier pair), the second prediction then takes nothing (its gold is taken).
    assert len(pairs) == len(set(pairs.values()))
    assert set(pairs.values()) <= {0, 1}
    t = new_tallies()
    score_document(gold, pred, Tokens(text), t)
    r = results(t)["all"]["content_overlap"]
    assert 0.0 < r["p"] < 1.0 and 0.0 < r["r"] <= 1.0


def test_precision_by_predicted_kind_recall_by_gold_kind() -> None:
    text = '"We will win," he said. They lost.'
    gold = [_att([(0, 14)], kind="direct")]
    pred = [_att([(1, 12)], kind="direct"), _att([(24, 34)], kind="indirect")]
    t = new_tallies()
    score_document(gold, pred, Tokens(text), t)
    r = results(t)
    assert r["direct"]["content_overlap"]["f1"] == 1.0
    assert r["indirect"]["content_overlap"]["p"] == 0.0
    assert r["indirect"]["content_overlap"]["r"] == 0.0  # no gold indirect


# ---- predictions -> attributions ------------------------------------------------------------


def _direct(text: str, i: int, a: int, b: int, cue: Span | None, speaker: Speaker) -> Quote:
    """A direct quote record over ``text[a:b]`` (its marks included)."""
    return Quote(
        id=f"q{i}",
        kind="direct",
        span=Span.of(text, a, b),
        content=Span.of(text, a + 1, b - 1),
        cue=cue,
        speaker=speaker,
    )


def test_predicted_groups_by_cue_and_joins_quote_runs() -> None:
    text = '"We did not start it," she said, "but we will end it." "We are ready."'
    s = text.index
    she = Span.of(text, s("she"), s("she") + 3)
    speaker = Speaker(name="Lina Osei", span=Span.of(text, 0, 2), resolved_from=she)
    cue = Span.of(text, s("said"), s("said") + 4)

    quotes = [
        _direct(text, 1, 0, s(" she"), cue, speaker),
        _direct(text, 2, s('"but'), s(' "We are'), cue, speaker),
        _direct(text, 3, s('"We are'), len(text), None, speaker),
    ]
    analysis = Analysis(article=Article(text=text), quotes=quotes)
    (att,) = predicted(analysis)
    assert len(att.content) == 3 and att.source == ((she.start, she.end),)
    assert att.cue == ((cue.start, cue.end),)


def test_a_quotation_in_the_writers_sentence_joins_the_report_before_it() -> None:
    text = 'Kell said the depot "will close in May" and still "owes the town its land."'
    s = text.index
    speaker = Speaker(name="Tomas Kell", span=Span.of(text, 0, 4))
    cue = Span.of(text, s("said"), s("said") + 4)

    def mixed(i: int, piece: str, cue_: Span | None, start: int) -> Quote:
        end = s('"', s(piece)) + 1
        return Quote(
            id=f"q{i}",
            kind="mixed",
            span=Span.of(text, start, end),
            content=Span.of(text, start if cue_ else s(piece), end if cue_ else end - 1),
            cue=cue_,
            speaker=speaker,
        )

    report = mixed(1, "will close", cue, s("the depot"))
    later = mixed(2, "owes the town", None, s("owes"))
    (att,) = predicted(Analysis(article=Article(text=text), quotes=[report, later]))
    assert len(att.content) == 2 and att.cue == ((cue.start, cue.end),)
    assert att.source == ((0, 4),)


def test_a_direct_quote_right_after_its_speakers_report_joins_it() -> None:
    """PolNeAR marks 'Kell said the depot will close. "It is a sad day."' as one
    attribution; the same quotation a paragraph later, or after another speaker's report,
    is one of its own."""
    kell = Speaker(name="Tomas Kell", span=Span(start=0, end=4, text="Kell"))

    def attributions(text: str, speaker: Speaker = kell) -> list[Any]:
        s = text.index
        cue = Span.of(text, s("said"), s("said") + 4)
        report = Quote(
            id="q1",
            kind="indirect",
            span=Span.of(text, 0, s(".") + 1),
            content=Span.of(text, s("the depot"), s(".")),
            cue=cue,
            speaker=kell,
        )
        a = s('"It is')
        lone = _direct(text, 2, a, s('"', a + 1) + 1, None, speaker)
        return predicted(Analysis(article=Article(text=text), quotes=[report, lone]))

    (att,) = attributions('Kell said the depot will close in May. "It is a sad day for us."')
    assert len(att.content) == 2 and att.source == ((0, 4),)
    assert len(attributions('Kell said the depot will close.\n\n"It is a sad day."')) == 2
    ruiz = Speaker(name="Ana Ruiz", span=Span(start=0, end=4, text="Kell"))
    assert len(attributions('Kell said the depot will close. "It is a sad day."', ruiz)) == 2


def test_a_joint_statement_s_source_is_the_whole_coordination() -> None:
    text = "Ostrow, Halvik and Brandt said the port would reopen. Kell and the mayor agreed."
    s = text.index

    def speaker(name: str) -> Speaker:
        return Speaker(name=name, span=Span.of(text, s(name), s(name) + len(name)))

    lead = speaker("Ostrow")
    report = Quote(
        id="q1",
        kind="indirect",
        span=Span.of(text, 0, s(".")),
        content=Span.of(text, s("the port"), s(".")),
        cue=Span.of(text, s("said"), s("said") + 4),
        speaker=lead,
        co_speakers=[speaker("Halvik"), speaker("Brandt")],
    )
    (att,) = predicted(Analysis(article=Article(text=text), quotes=[report]))
    assert [text[a:b] for a, b in att.source] == ["Ostrow, Halvik and Brandt"]
    # a co-speaker named elsewhere in the sentence is not part of the source's mention
    report.co_speakers = [speaker("Kell")]
    (att,) = predicted(Analysis(article=Article(text=text), quotes=[report]))
    assert [text[a:b] for a, b in att.source] == ["Ostrow"]


def test_the_source_is_the_speaker_s_whole_mention_where_there_is_one() -> None:
    """PolNeAR marks the phrase that names the source ("Tomas Berg, a fisheries inspector,"),
    not the name alone; a pronoun has no such phrase and stays the pronoun it was."""
    text = "Tomas Berg, a fisheries inspector, said quotas were low. He said they would fall."
    s = text.index
    name = Span.of(text, 0, len("Tomas Berg"))
    whole = Span.of(text, 0, s(", said"))

    def report(at: str, speaker: Speaker) -> Quote:
        cue = s("said", s(at) - 6)
        return Quote(
            id=at,
            kind="indirect",
            span=Span.of(text, cue, s(".", s(at))),
            content=Span.of(text, s(at), s(".", s(at))),
            cue=Span.of(text, cue, cue + 4),
            speaker=speaker,
        )

    he = Span.of(text, s("He"), s("He") + 2)
    quotes = [
        report("quotas", Speaker(name="Tomas Berg", span=name, mention=whole)),
        report("they", Speaker(name="Tomas Berg", span=name, resolved_from=he)),
    ]
    first, second = predicted(Analysis(article=Article(text=text), quotes=quotes))
    assert [text[a:b] for a, b in first.source] == ["Tomas Berg, a fisheries inspector"]
    assert [text[a:b] for a, b in second.source] == ["He"]
    quotes[0].speaker.mention = None  # type: ignore[union-attr]
    first, _ = predicted(Analysis(article=Article(text=text), quotes=quotes))
    assert [text[a:b] for a, b in first.source] == ["Tomas Berg"]


def test_a_quote_after_narrative_is_an_attribution_of_its_own() -> None:
    """PolNeAR joins the paragraphs of one quotation, not a speaker's quotes that narrative
    separates: the later one must not swallow the earlier one's match."""
    text = (
        '"We will reopen the clinic," Lina Osei said.\n\n'
        '"It will take a month."\n\n'
        "The council met on Tuesday and voted on the budget.\n\n"
        '"I am tired of the delays."'
    )
    s = text.index
    cue = Span.of(text, s("said"), s("said") + 4)
    speaker = Speaker(name="Lina Osei", span=Span.of(text, s("Lina"), s(" said")))

    def q(i: int, piece: str, cue_: Span | None) -> Quote:
        a = s(piece) - 1
        return _direct(text, i, a, s('"', a + 1) + 1, cue_, speaker)

    quotes = [q(1, "We will", cue), q(2, "It will", None), q(3, "I am tired", None)]
    quotes[0].span = Span.of(text, 0, s(" said") + 5)  # the attribution: quote, speaker, cue
    first, last = predicted(Analysis(article=Article(text=text), quotes=quotes))
    assert len(first.content) == 2 and first.cue == ((cue.start, cue.end),)
    assert text[slice(*last.content[0])] == "I am tired of the delays." and not last.cue


# ---- a small run on the dataset ---------------------------------------------------------------


@pytest.fixture(scope="module")
def polnear_dir():  # type: ignore[no-untyped-def]
    root = find_datasets_dir()
    if root is None or not (root / "polnear" / "canonical_annotations.tsv").is_file():
        pytest.skip("PolNeAR not available (shared datasets folder not found)")
    return root / "polnear"


def test_eval_runs_on_a_few_dev_articles(polnear_dir) -> None:  # type: ignore[no-untyped-def]
    req = EvalRequest(data=polnear_dir, split="dev", settings=load_settings(), limit=4)
    out = run_eval("quotes", req)
    assert set(out) == {"all", "direct", "mixed", "indirect"}
    for subset in out.values():
        assert set(subset) == set(METRICS)
        for prf in subset.values():
            assert set(prf) == {"p", "r", "f1"}
            assert all(0.0 <= v <= 1.0 for v in prf.values())
    # Floors well under the dev figures (direct content overlap F1 0.96 on all of dev).
    assert out["direct"]["content_overlap"]["f1"] >= 0.7
    assert out["all"]["content_overlap"]["f1"] >= 0.5
