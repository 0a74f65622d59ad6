"""quotes: the attribution patterns of issue 15, on sentences written for these tests.

Names, outlets and places are invented. Each test asserts who speaks (``speaker.name``), how
the text named them (``introduced``, ``resolved_from``) and, where there is one, the
``audience`` told or the middleman (``via``) who passed the words on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from framelens import Pipeline
from framelens.eval.attribution import ANALYZERS, read_set, score
from framelens.model import Analysis, Article, Quote, Span, Speaker
from framelens.reports import render
from framelens.reports.summaries import speaker_table

Run = Callable[[str], Analysis]
SET = Path(__file__).resolve().parent / "data" / "attribution"


@pytest.fixture(scope="module")
def run(quotes_run: Run) -> Run:
    return quotes_run


def quote_with(analysis: Analysis, piece: str) -> Quote:
    found = [q for q in analysis.quotes if piece in q.content.text and q.kind != "scare"]
    assert found, [q.content.text for q in analysis.quotes]
    return min(found, key=lambda q: len(q.content.text))


@pytest.mark.parametrize(
    "text",
    [
        "She said the ferry would not run again before the spring.",
        "He said the ferry would run again before the spring.",
    ],
)
def test_a_pronoun_with_no_antecedent_is_introduced_as_a_pronoun(run: Run, text: str) -> None:
    """Nobody is named before it: the record keeps the pronoun, says it is one, and claims
    no actor and no resolution."""
    sp = quote_with(run(text), "the ferry would").speaker
    assert sp is not None and sp.name in ("She", "He")
    assert sp.introduced == "pronoun" and sp.resolved_from is None and sp.actor_id is None


# ---- 1. a role noun resolved to the name the text gave that role ----


def test_role_from_a_title_before_the_name(run: Run) -> None:
    a = run("Gov. Ana Ruiz signed the budget on Monday.\n\nThe governor said the cuts hurt.")
    sp = quote_with(a, "the cuts hurt").speaker
    assert sp is not None and sp.name == "Ana Ruiz"
    assert sp.resolved_from is not None and sp.resolved_from.text == "The governor"
    assert sp.introduced == "role"


def test_role_from_an_appositive(run: Run) -> None:
    a = run(
        "Peter Holm, the country's finance minister, presented the plan.\n\n"
        '"We cannot borrow our way out," the minister added.'
    )
    sp = quote_with(a, "We cannot borrow").speaker
    assert sp is not None and sp.name == "Peter Holm" and sp.introduced == "role"


def test_role_of_an_organisation_and_said_in_a_statement(run: Run) -> None:
    a = run(
        "The European Commission opened an inquiry into Brenco.\n\n"
        "The commission said in a statement that the firm had hidden its fees."
    )
    q = quote_with(a, "the firm had hidden its fees")
    assert q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and q.speaker.name == "European Commission"


def test_the_agency_is_the_dateline_agency(run: Run) -> None:
    a = run("MOSCOW, Dec 7 (TASS) - Russia will double its grain exports, the agency reported.")
    sp = quote_with(a, "grain exports").speaker
    assert sp is not None and sp.name == "TASS"
    assert sp.resolved_from is not None and sp.resolved_from.text == "the agency"


def test_a_role_named_only_later_stays_unresolved(run: Run) -> None:
    a = run("The minister added that trains would run hourly. Minister Juma Ali spoke first.")
    sp = quote_with(a, "trains would run").speaker
    assert sp is not None and sp.name != "Juma Ali"


# ---- 2. organisations as "it", "the group", "the statement" ----


def test_organisation_as_it_and_the_group(run: Run) -> None:
    a = run(
        "The Harbour Trust said on Tuesday that it would sue.\n\n"
        "The group said the permits were illegal. It added that talks had failed."
    )
    group = quote_with(a, "the permits were illegal").speaker
    it = quote_with(a, "talks had failed").speaker
    assert group is not None and group.name == "Harbour Trust"
    assert group.introduced == "organisation"
    assert it is not None and it.name == "Harbour Trust" and it.introduced == "pronoun"


def test_the_statement_speaks_for_its_organisation(run: Run) -> None:
    a = run(
        "Greenpeace condemned the drilling licence.\n\n"
        "The statement said the licence ignored the fisheries."
    )
    sp = quote_with(a, "ignored the fisheries").speaker
    assert sp is not None and sp.name == "Greenpeace" and sp.introduced == "document"


# ---- 3. "she told Reuters": the antecedent speaks, the outlet is the audience ----


def test_told_an_outlet(run: Run) -> None:
    a = run("Maria Lenz runs the clinic.\n\nShe told Reuters that supplies were running out.")
    sp = quote_with(a, "supplies were running out").speaker
    assert sp is not None and sp.name == "Maria Lenz"
    assert sp.resolved_from is not None and sp.resolved_from.text == "She"
    assert sp.audience is not None and sp.audience.name == "Reuters"


@pytest.mark.parametrize(
    ("text", "piece", "speaker"),
    [
        ("Aid workers in Tarmouth tell a different story about the ferry.", "story", None),
        ("Councillor Ana Ruiz told the truth about the levy.", "truth", "Ana Ruiz"),
    ],
)
def test_what_is_told_is_no_audience(run: Run, text: str, piece: str, speaker: str | None) -> None:
    """The object of "tell" is whom the source told ("told Reuters"), unless it is what
    was told: a story or the truth is no audience."""
    sp = quote_with(run(text), piece).speaker
    assert sp is not None and sp.audience is None
    if speaker is not None:
        assert sp.name == speaker


@pytest.mark.parametrize(
    ("text", "piece", "speaker"),
    [
        # the object of "forced" admits, not the senator
        (
            "Senator Ana Ruiz forced Tomas Kell to admit that no manager had been fired.",
            "no manager had been fired",
            "Tomas Kell",
        ),
        (
            "Senator Tomas Kell forced Ana Ruiz to admit that no manager had been fired.",
            "no manager had been fired",
            "Ana Ruiz",
        ),
        # the one shown asks, not the advert that shows them
        (
            'The advert uses footage of Ana Ruiz asking, "Why are we not ahead?"',
            "Why are we not ahead?",
            "Ana Ruiz",
        ),
        # "promise" keeps its subject: the mayor, not the voters, will cut
        (
            "Mayor Tomas Kell promised voters to cut the ferry fares by half.",
            "cut the ferry fares",
            "Tomas Kell",
        ),
        # so does a verb of doing: the figure does not argue
        (
            "Senator Ana Ruiz used the jobless figure to argue that the levy had failed.",
            "the levy had failed",
            "Ana Ruiz",
        ),
        # the object of "pushed" speaks, for either party
        (
            "The scandal pushed the Republican candidates to say that they opposed the levy.",
            "they opposed the levy",
            "the Republican candidates",
        ),
        (
            "The scandal pushed the Democratic candidates to say that they opposed the levy.",
            "they opposed the levy",
            "the Democratic candidates",
        ),
    ],
)
def test_an_object_does_what_its_open_clause_says(
    run: Run, text: str, piece: str, speaker: str
) -> None:
    sp = quote_with(run(text), piece).speaker
    assert sp is not None and sp.name == speaker


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            "Residents were told by the water board to boil their water.",
            "to boil their water",
            "water board",
        ),
        ("The plan was announced by the ministry on Monday.", "The plan", "ministry"),
    ],
)
def test_a_passive_s_content_holds_neither_its_cue_nor_its_agent(
    run: Run, text: str, content: str, speaker: str
) -> None:
    """What was told or announced, not "Residents were told by the water board to ...";
    and the agent's name stops before the phrase of time the recogniser took in."""
    q = quote_with(run(text), content)
    assert q.content.text == content
    assert q.cue is not None and q.cue.text not in q.content.text
    assert q.speaker is not None and q.speaker.name.endswith(speaker)


def test_said_in_an_interview_with(run: Run) -> None:
    a = run("John Carter said in an interview with the BBC that the strike would go on.")
    sp = quote_with(a, "the strike would go on").speaker
    assert sp is not None and sp.name == "John Carter"
    assert sp.audience is not None and "BBC" in sp.audience.name


@pytest.mark.parametrize(
    ("text", "piece", "speaker", "audience"),
    [
        # a passive cue's subject is whom it was said to, or what was said: never who
        # said it; the agent speaks where there is one
        ("The union has been asked to return to talks on Monday.", "return to talks", None, None),
        ("Dock workers in Tarmouth were warned that the cranes were unsafe.", "cranes", None, None),
        (
            "Residents were told by the water board to boil their water until Friday.",
            "boil their water",
            "the water board",
            "Residents",
        ),
        (
            "Farmers in the valley were warned by the agency that the dam could overflow.",
            "the dam could overflow",
            "the agency",
            "Farmers in the valley",
        ),
    ],
)
def test_a_passive_cue_speaks_through_its_agent(
    run: Run, text: str, piece: str, speaker: str | None, audience: str | None
) -> None:
    sp = quote_with(run(text), piece).speaker
    assert (sp.name if sp else None) == speaker
    assert (sp.audience.name if sp and sp.audience else None) == audience


# ---- 4. places, neighbourhoods and dates never speak ----


def test_a_state_speaks_as_its_government(run: Run) -> None:
    a = run("Syria said the air strikes were illegal.")
    sp = quote_with(a, "air strikes were illegal").speaker
    assert sp is not None and sp.name == "Syria"


def test_a_pronoun_after_a_place_is_the_person(run: Run) -> None:
    a = run(
        "Omar Haddad teaches at a school in Aleppo.\n\n"
        'In Aleppo, families sleep in basements. "We have nowhere to go," he said.'
    )
    sp = quote_with(a, "nowhere to go").speaker
    assert sp is not None and sp.name == "Omar Haddad"


def test_a_name_in_a_district_context_is_not_an_antecedent(run: Run) -> None:
    a = run("Shells fell on the al-Karm district overnight. He said the hospital was full.")
    sp = quote_with(a, "the hospital was full").speaker
    assert sp is None or "Karm" not in sp.name


def test_a_place_in_a_title_does_not_make_the_named_person_a_place(run: Run) -> None:
    # The parser makes the title the subject and hangs the name on its "of" phrase; the
    # county's name inside the title must not make the title the speaker. (The actor's
    # name still takes in "Voters": the recogniser's compound, an actors matter.)
    a = run(
        "Lake Arden County Registrar of Voters Tom Beck said that mail ballots would be "
        "counted by Friday."
    )
    sp = quote_with(a, "mail ballots would be counted").speaker
    assert sp is not None and sp.name.endswith("Tom Beck") and "County" not in sp.name


def test_the_relative_of_a_named_person_speaks_for_themself(run: Run) -> None:
    a = run("The wife of Tom Beck said that the family had not been told.")
    sp = quote_with(a, "the family had not been told").speaker
    assert sp is not None and sp.name != "Tom Beck"


@pytest.mark.parametrize(
    ("text", "piece", "speaker"),
    [
        (
            "Rural voters were far more likely to say that the new tax hurt them.",
            "the new tax hurt them",
            "Rural voters",
        ),
        (
            "The harbour authority was quick to deny that the cranes had been unsafe.",
            "the cranes had been unsafe",
            "harbour authority",
        ),
    ],
)
def test_the_subject_of_likely_to_say_speaks(run: Run, text: str, piece: str, speaker: str) -> None:
    sp = quote_with(run(text), piece).speaker
    assert sp is not None and speaker in sp.name


# ---- 5. middlemen: X quotes Y, X cited Y who said, a statement carried by Z ----


def test_quotes_y_as_saying(run: Run) -> None:
    a = run("The Daily Courier quotes Paul Hart as saying that the bridge is unsafe.")
    sp = quote_with(a, "the bridge is unsafe").speaker
    assert sp is not None and sp.name == "Paul Hart"
    assert sp.via is not None and "Daily Courier" in sp.via.name


def test_cited_y_who_said(run: Run) -> None:
    a = run("The Daily Courier cited Juma Ali, who said the port would reopen.")
    sp = quote_with(a, "the port would reopen").speaker
    assert sp is not None and sp.name == "Juma Ali"
    assert sp.via is not None and "Daily Courier" in sp.via.name


def test_the_middleman_s_verb_is_no_act_of_its_own(run: Run) -> None:
    """ "quotes Y as saying": one record, Y's; the quoting is no position of the paper."""
    a = run("The Daily Courier quoted an unnamed port official as saying the strike cost a lot.")
    assert [q.speaker.name for q in a.quotes if q.speaker is not None] == [
        "an unnamed port official"
    ]
    assert all(q.cue is None or q.cue.text != "quoted" for q in a.quotes)


def test_statement_carried_by(run: Run) -> None:
    a = run("Juma Ali said in a statement carried by the Daily Courier that the port reopens.")
    sp = quote_with(a, "the port reopens").speaker
    assert sp is not None and sp.name == "Juma Ali"
    assert sp.via is not None and "Daily Courier" in sp.via.name


def test_according_to_a_statement_from(run: Run) -> None:
    a = run("Brenco rejected it.\n\nAccording to a statement from Brenco, fees were lawful.")
    sp = quote_with(a, "fees were lawful").speaker
    assert sp is not None and sp.name == "Brenco"


# ---- 6. social media ----


def test_social_media_cues(run: Run) -> None:
    a = run(
        "Senator Lee Park tweeted that the vote had been rigged. "
        "Park later wrote on Facebook that she would appeal. "
        '"The deal is dead," Elena Marsh said on Twitter.'
    )
    tweet = quote_with(a, "the vote had been rigged")
    assert tweet.cue is not None and tweet.cue.text == "tweeted"
    assert tweet.speaker is not None and tweet.speaker.name == "Lee Park"
    fb = quote_with(a, "she would appeal").speaker
    assert fb is not None and fb.name == "Lee Park"
    tw = quote_with(a, "The deal is dead").speaker
    assert tw is not None and tw.name == "Elena Marsh"


# ---- 7. headline, dateline, byline and caption are not the body ----


def test_byline_and_caption_are_not_antecedents(run: Run) -> None:
    a = run(
        "By Sarah Jones\n\nPhoto: Anna Weber at the rally.\n\n"
        "Tom Reed, the mayor, opened the library. She said books were for everyone."
    )
    sp = quote_with(a, "books were for everyone").speaker
    assert sp is None or sp.name not in ("Sarah Jones", "Anna Weber")


def test_headline_quote_does_not_run_into_the_body(run: Run) -> None:
    a = run(
        "'We will not back down,' says Carter\n\n"
        '"The harvest was poor this year and prices rose."\n\nMore follows.'
    )
    head = quote_with(a, "We will not back down").speaker
    assert head is not None and head.introduced == "headline"
    body = quote_with(a, "The harvest was poor").speaker
    assert body is None


@pytest.mark.parametrize(
    ("headline", "named"),
    [
        ("Minister says port deal will survive the strike", "Ilse Brandt"),
        ("Governor says port deal will survive the strike", "Tomas Kell"),
    ],
)
def test_a_headline_role_is_the_person_the_story_gives_it(
    run: Run, headline: str, named: str
) -> None:
    """ "Minister says ...": the story names the minister below the headline; the role
    resolves forward to that name, and the record still says it came from the headline."""
    a = run(
        f"{headline}\n\nVELMAR, April 9 - The transport minister, Ilse Brandt, and the "
        "governor, Tomas Kell, met on Tuesday. Brandt said talks would resume next week."
    )
    sp = quote_with(a, "port deal will survive").speaker
    assert sp is not None and sp.name == named
    assert sp.introduced == "headline"
    assert sp.resolved_from is not None and sp.resolved_from.text in headline


# ---- the whole phrase that names the source where it speaks ----


@pytest.mark.parametrize(
    ("text", "piece", "mention"),
    [
        (
            "Tomas Berg, a fisheries inspector who has worked the northern coast for a decade, "
            "said the quotas were too low.",
            "the quotas were",
            "Tomas Berg, a fisheries inspector who has worked the northern coast for a decade",
        ),
        (
            "The minister for fisheries, Ana Dorsey, said the quotas would stay.",
            "the quotas would",
            "The minister for fisheries, Ana Dorsey",
        ),
        (
            "Experts on coastal erosion said the sea wall would fail within a decade.",
            "the sea wall",
            "Experts on coastal erosion",
        ),
        (
            "Ilse Moran and Pieter Holt said the vote had been rigged.",
            "the vote had",
            "Ilse Moran and Pieter Holt",
        ),
        (
            "Harbour workers, who walked out on Friday, said the port would close.",
            "the port would",
            "Harbour workers, who walked out on Friday",
        ),
    ],
)
def test_the_mention_is_the_whole_phrase_naming_the_source(
    run: Run, text: str, piece: str, mention: str
) -> None:
    sp = quote_with(run(text), piece).speaker
    assert sp is not None and sp.mention is not None
    assert sp.mention.text == mention
    # the name is still the name: the phrase is kept beside it, not in its place
    assert sp.span is not None and sp.mention.start <= sp.span.start < sp.mention.end
    assert len(sp.name) < len(mention)


@pytest.mark.parametrize(
    ("text", "piece", "name", "mention"),
    [
        # a dateline's place is cut off at its dash, from the name and from the phrase
        (
            "BRUSSELS - European leaders said on Friday that the deal was dead.",
            "the deal was",
            "European leaders",
            "European leaders",
        ),
        # a hyphen inside a name is no dash
        (
            "Abdel-Fattah el-Sisi, the president, said the canal would stay open.",
            "the canal would",
            "Abdel-Fattah el-Sisi",
            "Abdel-Fattah el-Sisi, the president",
        ),
        # "even" is the writer's focus, not part of the source
        (
            "Even Dalmia, the bloc's closest ally, said the talks had failed.",
            "the talks had",
            "Dalmia",
            "Dalmia, the bloc's closest ally",
        ),
    ],
)
def test_the_mention_stops_at_a_dateline_s_dash_and_leaves_the_writer_s_words(
    run: Run, text: str, piece: str, name: str, mention: str
) -> None:
    sp = quote_with(run(text), piece).speaker
    assert sp is not None and sp.name == name
    assert sp.mention is not None and sp.mention.text == mention


def test_a_pronoun_has_no_mention_and_no_mention_holds_its_cue_or_a_quote(run: Run) -> None:
    a = run(
        "Ilse Moran chairs the harbour board. She said the vote was fair.\n\n"
        'Tomas Berg, speaking at the quay on Monday, said: "The quotas are too low."\n\n'
        "WASHINGTON -- Senator Rhea Lund said the bill would pass."
    )
    fair = quote_with(a, "the vote was fair").speaker
    assert fair is not None and fair.name == "Ilse Moran" and fair.mention is None
    low = quote_with(a, "The quotas are").speaker
    assert low is not None and low.mention is not None
    assert low.mention.text == "Tomas Berg, speaking at the quay on Monday"
    bill = quote_with(a, "the bill would").speaker
    assert bill is not None and bill.mention is not None
    assert bill.mention.text == "Senator Rhea Lund"
    for q in a.quotes:
        m = q.speaker.mention if q.speaker else None
        if m is not None and q.cue is not None:
            assert not (m.start < q.cue.end and q.cue.start < m.end)
            assert not any(mark in m.text for mark in '"“”:')


# ---- the report's quotes table ----


def test_quotes_table_shows_roles_and_audience(run: Run) -> None:
    a = run(
        "Gov. Ana Ruiz signed the budget.\n\nThe governor told Reuters that the cuts hurt. "
        "Ruiz said taxes would not rise."
    )
    rows = speaker_table(a)
    row = next(r for r in rows if r.name == "Ana Ruiz")
    assert "The governor" in row.roles and "Reuters" in row.audiences
    assert row.introduced["role"] >= 1
    md = render(a, "md")
    assert "The governor" in md and "Reuters" in md


# ---- the attribution set: a regression guard ----


def test_attribution_set_speaker_accuracy() -> None:
    arts = read_set(SET)
    assert len(arts) >= 20
    covered = {p for a in arts for p in a["patterns"]}
    assert covered >= set(range(1, 12))
    pipe = Pipeline(ANALYZERS)
    analyses = [pipe.analyze(Article(text=a["text"], lang="en")) for a in arts]
    out = score(list(zip(arts, analyses, strict=True)))
    assert out["speaker_accuracy"] >= 0.85, out["misses"]
    assert out["audience_accuracy"] >= 0.8 and out["via_accuracy"] >= 0.6
    # name variants are scored on the exact name: "Masri said" is the one actor's full name
    assert out["by_pattern"]["8"] >= 0.75, out["misses"]
    # labels (9), quantities (10) and sources that disagree (11)
    assert out["label_accuracy"] >= 0.8, out["misses"]
    assert out["quantity_accuracy"] >= 0.8, out["misses"]
    assert out["contradiction_accuracy"] >= 0.75, out["misses"]


def test_an_exact_speaker_is_not_matched_by_a_part_of_the_name() -> None:
    art = {
        "id": "x",
        "patterns": [8],
        "text": "Masri said the ships would dock in June.",
        "quotes": [{"content": "the ships would dock", "speaker": "Omar el-Masri", "exact": True}],
    }
    quote = Quote(
        id="q1",
        kind="indirect",
        span=Span.of(art["text"], 0, 40),
        content=Span.of(art["text"], 10, 40),
        cue=Span.of(art["text"], 6, 10),
        speaker=Speaker(name="Masri", span=Span.of(art["text"], 0, 5)),
        confidence=0.8,
        analyzer="quotes.v14",
    )
    analysis = Analysis(article=Article(text=art["text"], lang="en"), quotes=[quote])
    assert score([(art, analysis)])["speaker_accuracy"] == 0.0
    art["quotes"][0]["exact"] = False
    assert score([(art, analysis)])["speaker_accuracy"] == 1.0


def test_the_set_s_other_checks_fail_on_a_wrong_gold() -> None:
    """The label, quantity and contradiction checks can fail: a label the text does not
    pin, a hedge read wrongly, a contradiction of the wrong kind."""
    text = (
        "The Karvel Brigade, a foreign-funded puppet militia, seized the depot on Tuesday.\n\n"
        "At least 20 people were killed, police said."
    )
    art = {
        "id": "x",
        "patterns": [9, 10, 11],
        "text": text,
        "quotes": [],
        "labels": [{"actor": "Karvel Brigade", "label": "terrorist"}],
        "not_labels": ["puppet"],
        "quantities": [{"text": "At least 20", "value": 20, "qualifier": "about"}],
        "contradictions": [{"kind": "disagreement", "speakers": ["police", "Karvel Brigade"]}],
    }
    analysis = Pipeline(ANALYZERS).analyze(Article(text=text, lang="en"))
    out = score([(art, analysis)])
    assert out["label_accuracy"] == 0.0 and out["quantity_accuracy"] == 0.0
    assert out["contradiction_accuracy"] == 0.0 and out["by_pattern"]["9"] == 0.0
    art.update(
        labels=[{"actor": "Karvel Brigade", "label": "puppet militia"}],
        not_labels=["terrorist"],
        quantities=[{"text": "At least 20", "value": 20, "qualifier": "at_least"}],
        contradictions=[],
    )
    out = score([(art, analysis)])
    assert out["label_accuracy"] == out["quantity_accuracy"] == 1.0
    assert out["contradiction_accuracy"] == 1.0
