"""quotes: every pattern of issue 3 on sentences written for these tests.

The names, places and organisations below are invented. Tests assert the behaviour a
reader relies on (kind, content, cue, speaker, descriptions); offsets are checked by the
record invariant ``text[start:end] == span.text``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from framelens import Pipeline, read_article
from framelens.model import Analysis, Article, Quote, iter_spans
from framelens.reports import render
from framelens.reports.summaries import scare_terms, speaker_table
from framelens.text.quote_marks import pair_quotes

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sarvan-opinion.html"

Run = Callable[[str], Analysis]


@pytest.fixture(scope="module")
def run() -> Run:
    pipe = Pipeline("quotes")

    def analyze(text: str) -> Analysis:
        analysis = pipe.analyze(Article(text=text, lang="en"))
        for span in iter_spans(analysis.quotes):
            assert text[span.start : span.end] == span.text
        return analysis

    return analyze


def _quote(a: Analysis, fragment: str) -> Quote:
    found = [q for q in a.quotes if fragment in q.content.text]
    assert found, (fragment, [(q.kind, q.content.text) for q in a.quotes])
    return found[0]


def _kinds(a: Analysis, kind: str) -> list[str]:
    return [q.content.text for q in a.quotes if q.kind == kind]


# ---- quotation marks (no parse) -----------------------------------------------------------


def test_marks_pair_straight_and_curly() -> None:
    text = 'He said "we will win" and she said “no” on Monday.'
    assert [text[r.inner_start : r.inner_end] for r in pair_quotes(text)] == ["we will win", "no"]


def test_marks_continue_over_paragraphs() -> None:
    text = "“It is a city of farmers.\n“It will be again,” she said.\nThe end."
    (region,) = pair_quotes(text)
    assert region.paragraphs == 2 and region.closed
    assert text[region.inner_start : region.inner_end].endswith("be again,")


def test_a_quotation_continues_only_with_a_mark_of_its_own_kind() -> None:
    # A block quotation of another outlet's report in straight marks, its paragraphs'
    # own quotations in curly ones: a straight mark left open is not continued by the
    # curly quotation that opens the next paragraph.
    text = (
        'The reporter describes the scene:\n\n"Ines waited by the door for an hour.\n\n'
        "“Nobody told us anything,” she said.\n"
    )
    regions = pair_quotes(text)
    curly = next(r for r in regions if text[r.start] == "“")
    assert text[curly.inner_start : curly.inner_end] == "Nobody told us anything,"
    assert all(r.paragraphs == 1 for r in regions)
    # the same quotation in one kind of mark throughout still runs over both paragraphs
    same = text.replace("“", '"').replace("”", '"')
    first = pair_quotes(same)[0]
    assert first.paragraphs == 2 and same[first.start] == '"'


def test_a_lone_mark_unlike_the_articles_others_is_a_slip() -> None:
    text = (
        "“The water is back,” the mayor said on Monday.\n"
        '"The pumps were repaired overnight by two crews from the county.\n'
        "“We will keep them running,” she added.\n"
    )
    inner = [text[r.inner_start : r.inner_end] for r in pair_quotes(text)]
    assert inner == ["The water is back,", "We will keep them running,"]


def test_stray_marks_do_not_swallow_the_article() -> None:
    text = (
        'The "rebels took the town on Monday. Then the "moderates" arrived. '
        "Nobody else came. The talks went on for a week and ended without a deal."
    )
    regions = pair_quotes(text)
    assert [text[r.start : r.end] for r in regions] == ['"moderates"']


def test_unclosed_quote_paragraph_ends_with_its_paragraph() -> None:
    text = "\"We will hold the bridge until the end.\nThe second paragraph is the writer's own."
    (region,) = pair_quotes(text)
    assert not region.closed and region.end == text.index("\n")


def test_nested_and_british_quotes_keep_the_outer_one() -> None:
    for text in (
        "“He told me, ‘Leave now,’ and left,” she said.",
        "‘He said “Leave now”,’ she said.",
    ):
        (region,) = pair_quotes(text)
        assert region.start == 0 and "Leave now" in text[region.inner_start : region.inner_end]


def test_apostrophes_are_not_quotes() -> None:
    text = "The voters' choice wasn't clear in the '90s, and rock 'n' roll didn't help."
    assert pair_quotes(text) == []


# ---- direct quotes --------------------------------------------------------------------------


def test_direct_quote_with_cue_after(run: Run) -> None:
    a = run('"We will rebuild the bridge by spring," said Mayor Elena Duarte.')
    q = _quote(a, "rebuild the bridge")
    assert q.kind == "direct" and q.content.text == "We will rebuild the bridge by spring"
    assert q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and q.speaker.name == "Elena Duarte"
    assert q.speaker.actor_id is not None
    assert [d.text for d in q.speaker.descriptions] == ["Mayor"]


def test_curly_quote_and_description_speaker(run: Run) -> None:
    a = run("“The talks have failed,” the envoy told reporters in Vienna.")
    q = _quote(a, "talks have failed")
    assert q.kind == "direct" and q.cue is not None and q.cue.text == "told"
    assert q.speaker is not None and q.speaker.name == "the envoy" and q.speaker.actor_id is None


def test_multi_sentence_quote_is_one_quote(run: Run) -> None:
    a = run(
        "Omar Haidari teaches in the old city. "
        '"The water is gone. The power is gone. We are alone," said Haidari, '
        "who has lived there for thirty years."
    )
    direct = [q for q in a.quotes if q.kind == "direct"]
    assert len(direct) == 1
    q = direct[0]
    assert q.content.text == "The water is gone. The power is gone. We are alone"
    assert q.speaker is not None and q.speaker.name == "Omar Haidari"
    assert "who has lived there for thirty years" in [d.text for d in q.speaker.descriptions]


def test_multi_paragraph_quote(run: Run) -> None:
    text = (
        '"The convoy reached the river at dawn," said Ines Marlow, a driver for the Tarsa '
        'Relief Fund. "We unloaded the flour in an hour.\n'
        '"Then the shelling started again and we left."\n'
        "The fund has not said when it will return."
    )
    a = run(text)
    q = _quote(a, "We unloaded the flour")
    assert "\n" in q.content.text and q.content.text.endswith("we left.")
    assert q.speaker is not None and q.speaker.name == "Ines Marlow"
    assert "fund has not said" not in q.content.text


def test_interrupted_quote_shares_cue_and_speaker(run: Run) -> None:
    a = run(
        "Dr. Lina Osei runs the clinic. "
        '"We did not start this war," she said, "but we will end it."'
    )
    first, second = _quote(a, "did not start"), _quote(a, "we will end it")
    assert first.kind == second.kind == "direct"
    assert first.cue == second.cue and first.cue is not None and first.cue.text == "said"
    assert first.speaker is not None and second.speaker is not None
    assert first.speaker.name == second.speaker.name == "Lina Osei"
    assert first.speaker.resolved_from is not None and first.speaker.resolved_from.text == "she"


def test_colon_introduction(run: Run) -> None:
    a = run('Governor Amal Rezaei writes: "The province cannot wait for another winter."')
    q = _quote(a, "cannot wait")
    assert q.kind == "direct" and q.cue is not None and q.cue.text == "writes"
    assert q.speaker is not None and q.speaker.name == "Amal Rezaei"


def test_colon_introduction_in_the_paragraph_before(run: Run) -> None:
    a = run('Amal Rezaei, the governor, wrote:\n"The province cannot wait for another winter."')
    q = _quote(a, "cannot wait")
    assert q.speaker is not None and q.speaker.name == "Amal Rezaei"


@pytest.mark.parametrize(
    "intro",
    [
        "The mood at the rally for Mr. Brandt was set down in detail:",
        "The anger of the strikers at the plant of Mr. Salk was plain:",
    ],
)
def test_a_quote_with_its_own_cue_is_not_the_colon_introductions(run: Run, intro: str) -> None:
    # The paragraph before ends in a colon, but the quote names its own speaker.
    a = run(
        f"Nadia Kord, a retired teacher, came early.\n\n{intro}\n\n"
        '"We have waited far too long for this day," she said, waving a flag.'
    )
    q = _quote(a, "waited far too long")
    assert q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and q.speaker.name == "Nadia Kord"


def test_colon_introduction_without_marks_is_indirect(run: Run) -> None:
    a = run("The economist Paul Brandt writes: the currency will not survive the winter.")
    q = _quote(a, "currency will not survive")
    assert q.kind == "indirect" and q.speaker is not None and q.speaker.name == "Paul Brandt"


def test_quote_run_continues_the_speaker(run: Run) -> None:
    a = run('"We have no fuel," said Pieter Hals, a nurse. "We have no clean water either."')
    second = _quote(a, "no clean water")
    assert second.kind == "direct" and second.cue is None
    assert second.speaker is not None and second.speaker.name == "Pieter Hals"


def test_quote_with_no_speaker(run: Run) -> None:
    a = run('"Nobody is coming to help us."\nThat was the message on the wall of the shelter.')
    q = _quote(a, "Nobody is coming")
    assert q.kind == "direct" and q.speaker is None and q.cue is None


def test_nested_quote_stays_inside_the_outer_quote(run: Run) -> None:
    a = run("\"He told me, 'Leave the city now,' and then he left,\" said Nora Vance.")
    assert len(a.quotes) == 1
    q = a.quotes[0]
    assert "'Leave the city now,'" in q.content.text
    assert q.speaker is not None and q.speaker.name == "Nora Vance"


def test_missing_closing_mark_does_not_swallow_the_rest(run: Run) -> None:
    text = (
        'The spokesman said "we will respond at a time of our choosing.\n'
        "The second paragraph has no quotation marks at all. Prices rose again in March."
    )
    a = run(text)
    assert a.quotes, "the reported speech is still found"
    second = text.index("The second")
    assert all(q.span.end <= second for q in a.quotes)


def test_dash_signature(run: Run) -> None:
    a = run("“The clinic saved my daughter.” ― Rosa Ibarra\n\nThe clinic closed in June.")
    q = _quote(a, "saved my daughter")
    assert q.speaker is not None and q.speaker.name == "Rosa Ibarra"


def test_transcript_label(run: Run) -> None:
    a = run("HOST: Will the bridge reopen this year?\n\nBRANDT: Not before the spring floods.")
    q = _quote(a, "Not before the spring")
    assert q.cue is not None and q.cue.text == ":"
    assert q.speaker is not None and q.speaker.name == "BRANDT"


def test_debate_label_with_a_dash(run: Run) -> None:
    a = run('Brandt - "Nobody will build that bridge before the spring floods."')
    q = _quote(a, "Nobody will build")
    assert q.kind == "direct" and q.speaker is not None and q.speaker.name == "Brandt"


def test_dash_aside_is_not_a_label(run: Run) -> None:
    a = run("Ann Cole — the senator from Vermont — said the plan would fail.")
    q = _quote(a, "plan would fail")
    assert q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and q.speaker.name == "Ann Cole"


# ---- mixed and indirect -----------------------------------------------------------------------


def test_mixed_quote_with_naming_verb(run: Run) -> None:
    a = run('Minister Carlos Ruiz called the ceasefire a "cynical pause" on Monday.')
    q = _quote(a, "cynical pause")
    assert q.kind == "mixed" and q.cue is not None and q.cue.text == "called"
    assert q.speaker is not None and q.speaker.name == "Carlos Ruiz"
    assert q.content.text.startswith("the ceasefire")


def test_mixed_quote_in_a_that_clause(run: Run) -> None:
    a = run('Ana Pell told the council that the plan was "dead on arrival."')
    q = _quote(a, "dead on arrival")
    assert q.kind == "mixed" and q.content.text == 'that the plan was "dead on arrival."'
    assert len(a.quotes) == 1, "the fragment is part of the mixed quote, not a scare quote"


def test_indirect_said_that(run: Run) -> None:
    a = run("Officials in the port said on Friday that the road would reopen next week.")
    q = _quote(a, "road would reopen")
    assert q.kind == "indirect" and q.content.text == "that the road would reopen next week"
    assert q.speaker is not None and q.speaker.name.startswith("Officials")


def test_indirect_according_to(run: Run) -> None:
    a = run("According to the Tarsa Red Crescent, more than two thousand families have fled.")
    q = _quote(a, "two thousand families")
    assert q.kind == "indirect" and q.cue is not None and q.cue.text == "According to"
    assert q.content.text == "more than two thousand families have fled"
    assert q.speaker is not None and "Red Crescent" in q.speaker.name


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "The army, the colonel said, was ready to leave the town.",
            {"The army", "was ready to leave the town"},
        ),
        # a verb sharing the subject is the same report, and so is a modal before it
        (
            "The levy, the minister said, would cut the deficit and fund two new clinics.",
            {"The levy", "would cut the deficit and fund two new clinics"},
        ),
        # a clause with its own subject joined after it is not
        (
            "The army, the colonel said, was ready, and the convoy would leave on Monday.",
            {"The army", "was ready"},
        ),
    ],
)
def test_indirect_parenthetical_cue(run: Run, text: str, want: set[str]) -> None:
    pieces = [q for q in run(text).quotes if q.cue is not None and q.cue.text == "said"]
    assert {q.content.text for q in pieces} == want


def test_any_verb_with_a_subject_after_a_quote_speaks_but_not_an_infinitive(run: Run) -> None:
    a = run('"The ferry will run again by June," the harbour master surmised.')
    q = _quote(a, "The ferry will run again")
    assert q.cue is not None and q.cue.text == "surmised"
    b = run(
        'Senator Ada Varga questioned the director for an hour. "You cut the night crews to the '
        'bone" to lift the quarterly figures and your bonus, she said, pointing to the accounts.'
    )
    q = _quote(b, "You cut the night crews")
    assert q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and q.speaker.name == "Ada Varga"


def test_negated_reporting_is_not_a_noun_clause_mistake(run: Run) -> None:
    a = run(
        "The Harbour Workers Union met the port authority. It said that the strike would go on."
    )
    (q,) = [q for q in a.quotes if q.kind == "indirect"]
    assert q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and q.speaker.name == "Harbour Workers Union"


def test_wire_story_dateline_and_stacked_descriptions(run: Run) -> None:
    a = run(
        "Bridge talks stall in Tarsa\n\n"
        "TARSA, Norland, May 2 (Harbour Wire) - Rebel fighters left the old port on Sunday, "
        "the army said, as aid officials warned that 40,000 people lacked clean water.\n\n"
        "The aid charity Tarsa Relief Fund said two of its drivers had been hurt. "
        "The UN envoy for Norland, Helga Lindqvist, said she was hopeful."
    )
    army = _quote(a, "Rebel fighters left")
    assert army.content.text == "Rebel fighters left the old port on Sunday"
    warned = _quote(a, "40,000 people")
    assert warned.content.text == "that 40,000 people lacked clean water"
    fund = _quote(a, "drivers had been hurt")
    assert fund.speaker is not None and fund.speaker.name == "Tarsa Relief Fund"
    assert [d.text for d in fund.speaker.descriptions] == ["The aid charity"]
    envoy = _quote(a, "she was hopeful")
    assert envoy.speaker is not None and envoy.speaker.name == "Helga Lindqvist"
    assert "The UN envoy for Norland" in [d.text for d in envoy.speaker.descriptions]


# ---- scare quotes and titles --------------------------------------------------------------------


def test_scare_quotes_on_every_side_alike(run: Run) -> None:
    a = run(
        'The so-called "moderates" met the "rebels" in the hills, and the "regime" '
        'met the "terrorists" in the city. Later the "rebels" left.'
    )
    assert sorted(_kinds(a, "scare")) == ["moderates", "rebels", "rebels", "regime", "terrorists"]
    terms = {t: n for t, n, _ in scare_terms(a)}
    assert terms == {"moderates": 1, "rebels": 2, "regime": 1, "terrorists": 1}


@pytest.mark.parametrize(
    "sentence",
    [
        'The "freedom fighters" crossed the river at night.',
        'The "occupation forces" crossed the river at night.',
    ],
)
def test_scare_quote_symmetry(run: Run, sentence: str) -> None:
    a = run(sentence)
    assert [q.kind for q in a.quotes] == ["scare"]


def test_titles_are_not_quotes(run: Run) -> None:
    a = run(
        'In her book "The Long Winter of Tarsa", Ines Marlow describes the siege. '
        'His column "Why We Stay" ran on Sunday.'
    )
    assert sorted(_kinds(a, "title")) == ["The Long Winter of Tarsa", "Why We Stay"]
    assert not _kinds(a, "scare") and not _kinds(a, "direct")


# ---- speakers: resolution and descriptions ----------------------------------------------------


def test_pronoun_resolves_to_compatible_person(run: Run) -> None:
    a = run("Mrs. Ana Pell met Mr. Tomas Wren in Oslo on Tuesday. She said the meeting was useful.")
    q = _quote(a, "meeting was useful")
    assert q.speaker is not None and q.speaker.name == "Ana Pell"
    assert q.speaker.resolved_from is not None and q.speaker.resolved_from.text == "She"
    b = run("Mrs. Ana Pell met Mr. Tomas Wren in Oslo on Tuesday. He said the meeting was useful.")
    q = _quote(b, "meeting was useful")
    assert q.speaker is not None and q.speaker.name == "Tomas Wren"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # the subject of the sentence before is the usual antecedent; the given name says no
        (
            "Robert Haines introduced Margaret Olsen at the hearing on Friday. "
            "She said the levy would fund two new clinics.",
            "Margaret Olsen",
        ),
        (
            "Margaret Olsen introduced Robert Haines at the hearing on Friday. "
            "He said the levy would fund two new clinics.",
            "Robert Haines",
        ),
        # a name the list does not know gives no evidence either way: "he" may be him
        (
            "Chidi Okafor introduced Margaret Olsen at the hearing on Friday. "
            "He said the levy would fund two new clinics.",
            "Chidi Okafor",
        ),
        # a name either gender carries (Kelly) leaves the subject where it was
        (
            "Kelly Brandt introduced Robert Haines at the hearing on Friday. "
            "She said the levy would fund two new clinics.",
            "Kelly Brandt",
        ),
    ],
)
def test_a_given_name_tells_he_from_she(run: Run, text: str, speaker: str) -> None:
    q = _quote(run(text), "levy would fund")
    assert q.speaker is not None and q.speaker.name == speaker


def test_it_resolves_to_an_organisation(run: Run) -> None:
    a = run(
        "Tomas Wren met the Harbour Workers Union on Monday. "
        "It said that the strike would continue until June."
    )
    q = _quote(a, "strike would continue")
    assert q.speaker is not None and q.speaker.name == "Harbour Workers Union"


def test_description_linked_to_a_name_later(run: Run) -> None:
    a = run(
        'One analyst wrote last week that the blockade would "restore calm" to the coast. '
        "In fact, the writer is Marta Kovac, a former adviser to the Defence Ministry."
    )
    q = _quote(a, "restore calm")
    assert q.speaker is not None and q.speaker.name == "Marta Kovac"
    assert q.speaker.resolved_from is not None and q.speaker.resolved_from.text == "One analyst"


def test_document_speaker_resolves_to_its_issuer(run: Run) -> None:
    a = run(
        "The Harbour Workers Union stated on Monday that wages had fallen for six years. "
        'The report adds, "Nobody in the port can afford rent."'
    )
    q = _quote(a, "afford rent")
    assert q.speaker is not None and q.speaker.name == "Harbour Workers Union"
    assert q.speaker.resolved_from is not None and q.speaker.resolved_from.text == "The report"


def test_document_with_possessor(run: Run) -> None:
    a = run("Verity Watch's report says that the prison held four hundred people.")
    q = _quote(a, "prison held")
    assert q.speaker is not None and q.speaker.name == "Verity Watch"


def test_appositive_relative_clause_and_affiliation(run: Run) -> None:
    a = run(
        "Andrei Voss, a Berlin-based economist who is affiliated with the Baltic Policy "
        "Institute, said the plan would fail."
    )
    q = _quote(a, "plan would fail")
    assert q.speaker is not None and q.speaker.name == "Andrei Voss"
    (desc,) = q.speaker.descriptions
    assert desc.text.startswith("a Berlin-based economist who is affiliated with")
    institute = [x for x in a.actors if "Baltic Policy Institute" in x.name]
    assert institute and q.speaker.affiliation == institute[0].id


@pytest.mark.parametrize(
    ("sentence", "speaker", "affiliated_with"),
    [
        (
            "Lena Brandt, who works for the Northern Relief Council, said the road was closed.",
            "Lena Brandt",
            "Northern Relief Council",
        ),
        (
            "Omar Saleh, who now advises the Ministry of Energy, said prices would rise.",
            "Omar Saleh",
            "Ministry of Energy",
        ),
        # A clause about what the source did to an organisation is no affiliation.
        (
            "Pavel Orlov, who has criticised the Northern Relief Council, said the road was open.",
            "Pavel Orlov",
            None,
        ),
        (
            "Qatar, which has funded the Free Coast Movement, said the talks had failed.",
            "Qatar",
            None,
        ),
    ],
)
def test_affiliation_from_relative_clauses(
    run: Run, sentence: str, speaker: str, affiliated_with: str | None
) -> None:
    a = run(sentence)
    (q,) = [q for q in a.quotes if q.cue is not None and q.cue.text == "said"]
    assert q.speaker is not None and q.speaker.name == speaker
    assert q.speaker.descriptions, "the relative clause is how the source is introduced"
    if affiliated_with is None:
        assert q.speaker.affiliation is None
    else:
        ids = [x.id for x in a.actors if x.name == affiliated_with]
        assert ids and q.speaker.affiliation == ids[0]


@pytest.mark.parametrize(
    ("sentence", "name", "description"),
    [
        (
            "UN humanitarian chief Mark Lowden said aid was blocked.",
            "Mark Lowden",
            "UN humanitarian chief",
        ),
        (
            "Syrian revolutionary Hadi Nour said the fight would go on.",
            "Hadi Nour",
            "Syrian revolutionary",
        ),
        (
            "Israeli settler leader Dov Amitai said the fight would go on.",
            "Dov Amitai",
            "Israeli settler leader",
        ),
    ],
)
def test_premodifier_descriptions(run: Run, sentence: str, name: str, description: str) -> None:
    a = run(sentence)
    q = a.quotes[0]
    assert q.speaker is not None and q.speaker.name == name
    assert description in [d.text for d in q.speaker.descriptions]


def test_appositive_before_the_name_and_generic_org_affiliation(run: Run) -> None:
    a = run(
        "Karsa Medical Relief runs four clinics. The group's director, Samuel Ortiz, said "
        "that the clinics would stay open."
    )
    q = _quote(a, "clinics would stay open")
    assert q.speaker is not None and q.speaker.name == "Samuel Ortiz"
    assert [d.text for d in q.speaker.descriptions] == ["The group's director"]
    karsa = [x for x in a.actors if x.name == "Karsa Medical Relief"]
    assert karsa and q.speaker.affiliation == karsa[0].id


# ---- the example article and the report ----------------------------------------------------------


@pytest.fixture(scope="module")
def example(run: Run) -> Analysis:
    article = read_article(EXAMPLE)
    a = run(article.text)
    return a.model_copy(update={"article": article})


def test_example_article_smoke(example: Analysis) -> None:
    a = example
    by = {q.content.text[:25]: q for q in a.quotes}
    assert sorted(t for t, _, _ in scare_terms(a)) == [
        "international community",
        "moderate",
        "realism",
    ]
    petrov = _quote(a, "No state can tolerate")
    assert petrov.speaker is not None and petrov.speaker.name == "Andrei Petrov"
    assert petrov.speaker.affiliation == "eurasia-policy-forum"
    imre = _quote(a, "would bring")
    assert imre.speaker is not None and imre.speaker.name.endswith("Rafael Imre")
    report = _quote(a, "deliberately targeted")
    assert report.speaker is not None and report.speaker.name == "Karsa Medical Relief"
    rahimi = _quote(a, "It is a city of three hundred thousand")
    assert "Every week" in rahimi.content.text
    assert rahimi.speaker is not None and rahimi.speaker.name == "Nadia Rahimi"
    assert by, "quotes found"


def test_speaker_table_and_html(example: Analysis) -> None:
    rows = {r.name: r for r in speaker_table(example)}
    petrov = rows["Andrei Petrov"]
    assert petrov.total == 2 and petrov.resolved == 2
    assert set(petrov.cues) == {"writes", "goes on"}
    page = render(example, "html")
    assert "Who is quoted, how often, introduced how" in page
    assert 'class="scare"' in page or "scare " in page
    assert "q q-direct spk-" in page


@pytest.mark.parametrize(
    ("text", "fragment", "names"),
    [
        (
            "Turkey, Qatar and Saudi Arabia, which back the rebels, blame Kessel for the "
            "collapse of the talks.",
            "collapse of the talks",
            ["Turkey", "Qatar", "Saudi Arabia"],
        ),
        (
            'Russia and Iran said the rebels had "broken every promise" at the talks.',
            "rebels had",
            ["Russia", "Iran"],
        ),
        (
            '"We will not sign," said Ana Brandt and Tomas Varga after the meeting.',
            "We will not sign",
            ["Ana Brandt", "Tomas Varga"],
        ),
        (
            "Turkey and Qatar back the opposition. They said the talks had failed.",
            "talks had failed",
            ["Turkey", "Qatar"],
        ),
    ],
)
def test_joint_statement_credits_every_named_party(
    run: Run, text: str, fragment: str, names: list[str]
) -> None:
    q = _quote(run(text), fragment)
    assert q.speaker is not None
    assert [q.speaker.name, *(c.name for c in q.co_speakers)] == names
    # the statement counts once for each party (a stance of theirs, "Turkey and Qatar back
    # the opposition", is a row entry of its own kind)
    rows = {r.name: r.counts[q.kind] for r in speaker_table(run(text))}
    assert all(rows.get(n) == 1 for n in names), rows


def test_a_description_coordinated_with_a_name_is_no_co_speaker(run: Run) -> None:
    q = _quote(run("Andrei Petrov and his colleagues said the siege was necessary."), "siege")
    assert q.speaker is not None and q.speaker.name == "Andrei Petrov"
    assert q.co_speakers == []
    q = _quote(run("Turkey backs the opposition. They said the talks had failed."), "talks")
    assert q.speaker is not None and q.speaker.name == "Turkey" and q.co_speakers == []


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("The Russian government said the convoy had been attacked by rebels.", "Russia"),
        ("The Ukrainian government said the convoy had been attacked by rebels.", "Ukraine"),
        ("The Iranian government insists that it is fighting terrorists.", "Iran"),
    ],
)
def test_a_states_government_speaks_for_the_state(run: Run, text: str, state: str) -> None:
    a = run(text)
    q = next(q for q in a.quotes if q.kind == "indirect")
    assert q.speaker is not None and q.speaker.name == state, q.speaker
    actor = next(x for x in a.actors if x.name == state)
    assert q.speaker.actor_id == actor.id
    assert q.speaker.span is not None and q.speaker.span.text.endswith("government")


def test_descriptions_come_from_the_writer_not_from_quotes(run: Run) -> None:
    a = run(
        'Andrei Petrov praised the army. "Marnia needs the government that rebuilt it," '
        "Petrov said. The Marnian government said the siege was over."
    )
    q = _quote(a, "siege was over")
    assert q.speaker is not None and q.speaker.name == "Marnia"
    assert not any("rebuilt" in d.text for d in q.speaker.descriptions), q.speaker.descriptions


def test_a_sentence_never_runs_over_a_paragraph_break() -> None:
    """The parser would join a headline to the lead ("Ruiz Says ... Halden -- Mayor Ana
    Ruiz ... said" as one sentence, "Says" its root): a paragraph starts a sentence. A
    line wrapped in mid-sentence (as a PDF reader gives it) does not."""
    from framelens.nlp import load_nlp

    text = (
        "Ruiz Says Crossing Will Carry Twenty Thousand Cars\n\n"
        "HALDEN -- Mayor Ana Ruiz, opening the new river crossing on Saturday, said it "
        "would carry twenty thousand cars a day.\n“It is finished,” she said.\n"
        "The council of the\ncounty voted on the crossing later that evening."
    )
    doc = load_nlp()(text)
    starts = {s.start_char for s in doc.sents}
    for line_start in (text.index("HALDEN"), text.index("“It is"), text.index("The council")):
        assert line_start in starts
    assert text.index("county") not in starts


def test_a_lead_under_its_headline_keeps_its_speaker(run: Run) -> None:
    a = run(
        "Obama Says Harbour Museum Will Tell of 'Loss and Return'\n\n"
        "HALDEN -- President Obama, dedicating the Harbour Museum on Saturday, said it would "
        "tell a story ''of loss and return, of fear, but also of hope.''"
    )
    q = _quote(a, "of loss and return, of fear")
    assert q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and q.speaker.name == "Obama"
