"""quotes: the screen of the rules' indirect reports (``_quote_screen``), on sentences
written for these tests (names, bodies and places are invented). The screen's decisions
are scored, so these tests assert floors over sets of sentences and properties of every
record, not single outputs; each set runs with the screen off too, so that a test fails
when the rules stop making the report the screen is meant to read."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from framelens import Pipeline, load_settings
from framelens.analyzers._quote_learned import LearnedReads
from framelens.analyzers._quote_screen import SCREENED, load_screen
from framelens.analyzers._quote_syntax import DocIndex
from framelens.analyzers.quotes import QuotesAnalyzer, _Finder
from framelens.context import Context
from framelens.model import Analysis, Article
from framelens.text.quote_marks import article_quotes

Run = Callable[[str], Analysis]

#: Reports of what a source said, from both sides of each dispute (the even items one
#: side, the odd the other): the screen keeps every one.
SAID = [
    (
        "Senator Maria Ostrow said on Tuesday that the blockade of the northern port was illegal.",
        "Ostrow",
    ),
    (
        "Senator Tomas Halvik said on Tuesday that the blockade of the northern port was lawful.",
        "Halvik",
    ),
    ("The Harbour Workers Union said the strike would go on until wages rose.", "Union"),
    ("The Chamber of Commerce said the strike had cost the port four million dollars.", "Chamber"),
    ("Governor Lena Brandt told reporters that the curfew would be lifted on Friday.", "Brandt"),
    ("Governor Idris Okafor told reporters that the curfew would stay in place.", "Okafor"),
]

#: A report inside another report's content ("said the union thinks ..."): the rules make
#: two reports, PolNeAR's annotators mark the outer one, whose content already holds the
#: inner; the screen keeps the outer and drops the inner. Both sides of each dispute, and
#: both pronouns.
NESTED = [
    ("Senator Maria Ostrow said the union thinks the strike is illegal.", "think"),
    ("Senator Tomas Halvik said the chamber thinks the strike is legal.", "think"),
    ("Governor Lena Brandt said she believes the port will reopen in March.", "believe"),
    ("Governor Idris Okafor said he believes the market will reopen in March.", "believe"),
    ("Officials said they plan to reopen the bridge in March.", "plan"),
    ("The mayor said residents want to leave the flooded district.", "want"),
]


def indirect(analysis: Analysis) -> list[str]:
    return [q.content.text for q in analysis.quotes if q.kind == "indirect"]


@pytest.fixture(scope="module")
def unscreened() -> Run:
    pipe = Pipeline("quotes", load_settings(config_file=None, quote_screen=False))
    return lambda text: pipe.analyze(Article(text=text, lang="en"))


def test_reports_of_saying_from_both_sides_are_kept(quotes_run: Run, unscreened: Run) -> None:
    for text, speaker in SAID:
        assert indirect(unscreened(text)), text  # the rules report it
        kept = [
            q
            for q in quotes_run(text).quotes
            if q.kind == "indirect" and q.speaker is not None and speaker in q.speaker.name
        ]
        assert kept, text


def cues(analysis: Analysis) -> list[str]:
    return [q.cue.text for q in analysis.quotes if q.kind == "indirect" and q.cue is not None]


def test_a_report_inside_another_is_screened_out(quotes_run: Run, unscreened: Run) -> None:
    dropped = []
    for text, inner in NESTED:
        both = cues(unscreened(text))
        assert len(both) == 2, (text, both)  # the rules report the outer and the inner
        kept = cues(quotes_run(text))
        assert kept and kept[0] == both[0], (text, kept)  # the outer report stays
        dropped.append(not any(c.startswith(inner[:4]) for c in kept))
    # the same instrument for either side and either pronoun: each pair alike
    assert all(dropped[i] == dropped[i + 1] for i in range(0, 4, 2)), dropped
    assert sum(dropped) >= 5, dropped


def test_quotations_are_never_screened(quotes_run: Run, unscreened: Run) -> None:
    texts = [
        '"We will rebuild every house," said Governor Lena Brandt, who said she believes the '
        "port will reopen in March.",
        'Senator Tomas Halvik said the chamber thinks the strike is "a disgrace to the port."',
        'The mayor said residents "want to go home" before the winter.',
    ]
    assert "direct" not in SCREENED and "mixed" not in SCREENED
    for text in texts:
        quoted = [
            (q.kind, q.content.text)
            for q in quotes_run(text).quotes
            if q.kind in ("direct", "mixed", "scare")
        ]
        assert quoted, text
        before = [
            (q.kind, q.content.text)
            for q in unscreened(text).quotes
            if q.kind in ("direct", "mixed", "scare")
        ]
        assert quoted == before, text


def test_a_report_passed_on_by_a_middleman_is_never_screened(
    quotes_run: Run, unscreened: Run
) -> None:
    # inside the citing outlet's report, yet the cited source's own words (pattern 5)
    texts = [
        "The Daily Courier cited Juma Ali, who said the port would reopen.",
        "The Evening Post cited Mara Ilves, who said the port would stay closed.",
        "The agency cited a ministry official who said the talks had failed.",
    ]
    for text in texts:
        before = indirect(unscreened(text))
        assert len(before) == 2, (text, before)  # the citation and the cited words
        assert indirect(quotes_run(text)) == before, text


def test_the_setting_turns_the_screen_off(quotes_run: Run, unscreened: Run) -> None:
    off = sum(len(indirect(unscreened(text))) for text, _ in NESTED)
    on = sum(len(indirect(quotes_run(text))) for text, _ in NESTED)
    assert off == 2 * len(NESTED) and on < off, (off, on)


def _reports(text: str) -> list[list[str]]:
    """The features the screen reads for each of the rules' reports of ``text``."""
    settings = load_settings(config_file=None, quote_acts=False, quote_screen=False)
    pipe = Pipeline("actors", settings)
    article = Article(text=text, lang="en")
    doc = pipe.nlp(text)
    (analysis,) = pipe.analyze_parsed([article], [doc])
    assert isinstance(analysis, Analysis)
    ctx = Context(article=article, doc=doc, analysis=analysis, settings=settings)
    finder = _Finder(DocIndex(doc, text), QuotesAnalyzer(settings).lex, actors=analysis.actors)
    finder.find(article_quotes(ctx))
    return [sparse for _, sparse in LearnedReads(finder, analysis.actors).report_candidates()]


def test_the_features_hold_no_name() -> None:
    (feats,) = _reports("Senator Maria Ostrow said the Harbour Workers Union had lied.")
    assert "kind=indirect" in feats and any(f.startswith("rule=") for f in feats)
    named = [f for f in feats if any(n in f.lower() for n in ("ostrow", "maria", "harbour"))]
    assert not named, named


def test_the_same_report_by_another_name_scores_the_same() -> None:
    screen = load_screen()
    a = _reports("Senator Maria Ostrow said the union thinks the strike is illegal.")
    b = _reports("Senator Tomas Halvik said the union thinks the strike is illegal.")
    assert len(a) == len(b) == 2
    assert a == b and [screen.score(f) for f in a] == [screen.score(f) for f in b]


def test_the_screen_reads_what_it_was_trained_on() -> None:
    screen = load_screen()
    assert 0.0 < screen.threshold < 1.0
    assert any(f.startswith("rule=") for f in screen.weights)
    assert any(f.startswith("kind|lemma=indirect|") for f in screen.weights)
