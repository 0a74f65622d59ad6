"""quotes: issue 15 round 2 — cues with a prepositional or plain object, ages and outlets as
speakers, on sentences written for these tests (names, outlets and places are invented)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from framelens import Pipeline, load_settings
from framelens.model import Analysis, Article, Quote

Run = Callable[[str], Analysis]


@pytest.fixture(scope="module")
def run(quotes_run: Run) -> Run:
    return quotes_run


def quote_with(analysis: Analysis, piece: str) -> Quote:
    found = [q for q in analysis.quotes if piece in q.content.text and q.kind != "scare"]
    assert found, [q.content.text for q in analysis.quotes]
    return min(found, key=lambda q: len(q.content.text))


def test_called_for_an_object(run: Run) -> None:
    q = quote_with(run("Senator Ana Ruiz called for a full audit of the county budget."), "audit")
    assert q.kind == "indirect"
    assert q.content.text == "a full audit of the county budget"
    assert q.cue is not None and q.cue.text == "called"
    assert q.speaker is not None and q.speaker.name == "Ana Ruiz"


def test_called_on_someone_to_act(run: Run) -> None:
    q = quote_with(run("Tomas Kell called on the council to delay the vote."), "council")
    assert q.content.text == "the council to delay the vote"
    assert q.speaker is not None and q.speaker.name == "Tomas Kell"


def test_pointed_to(run: Run) -> None:
    q = quote_with(run("Mayor Lina Dorr pointed to the falling crime figures."), "crime")
    assert q.content.text == "the falling crime figures"
    assert q.speaker is not None and q.speaker.name == "Lina Dorr"


def test_a_pronoun_object_is_not_content(run: Run) -> None:
    a = run("Tomas Kell called for it.")
    assert not [q for q in a.quotes if q.kind == "indirect"]


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("The union discussed the new contract on Friday.", "the new contract"),
        ("Ana Ruiz supported the school levy.", "the school levy"),
        ("Tomas Kell attacked the budget plan.", "the budget plan"),
    ],
)
def test_object_cues(run: Run, text: str, content: str) -> None:
    q = quote_with(run(text), content)
    assert q.kind == "indirect" and q.content.text == content
    assert q.speaker is not None


def test_an_age_speaks(run: Run) -> None:
    a = run(
        "Jorvan Pell took the stage on Monday. “We will win this county and then the state,”"
        " the 52-year-old said."
    )
    sp = quote_with(a, "We will win").speaker
    assert sp is not None and sp.span is not None and sp.span.text == "the 52-year-old"


def test_a_date_still_does_not_speak(run: Run) -> None:
    a = run("“We will win this county and then the state,” Monday said.")
    assert quote_with(a, "We will win").speaker is None


def test_an_outlet_taken_for_a_place_reports(run: Run) -> None:
    a = run(
        "The county vote was covered in Politico on Tuesday.\n\n"
        "As Politico reported, “the turnout was the highest in twenty years.”"
    )
    sp = quote_with(a, "turnout").speaker
    assert sp is not None and sp.name == "Politico"


@pytest.mark.parametrize("verb", ["hopes", "hoped", "is hoping"])
def test_hope_is_a_cue_whatever_the_lemmatiser_says(run: Run, verb: str) -> None:
    # en_core_web_sm lemmatises "hopes", "hoped" and "hoping" as "hop".
    a = run(f"Ana Ruiz {verb} that the bridge will reopen in May.")
    q = quote_with(a, "the bridge will reopen")
    assert q.speaker is not None and q.speaker.name == "Ana Ruiz"
    assert q.cue is not None and q.cue.text.startswith("hop")


def test_a_hop_is_not_a_cue(run: Run) -> None:
    a = run("The rabbit hopped over the fence that the farmer had built.")
    assert not [q for q in a.quotes if q.kind != "scare"]


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        ("The union echoed the mayor's warning about the budget.", "warning", "union"),
        ("Councillor Ines Moreau expressed concern about the new tolls.", "concern", "Moreau"),
        ("Lena Ostrova favors a ban on night flights.", "a ban on night flights", "Ostrova"),
    ],
)
def test_echo_express_and_favor_take_their_object(
    run: Run, text: str, content: str, speaker: str
) -> None:
    q = quote_with(run(text), content)
    assert q.speaker is not None and speaker in q.speaker.name


def test_a_clause_opening_with_a_gerund_is_reported(run: Run) -> None:
    # The parser hangs "could create" on "legalizing", the xcomp of "said".
    a = run("Mayor Tom Beck said legalizing street markets could create hundreds of jobs.")
    q = quote_with(a, "could create hundreds of jobs")
    assert q.content.text.startswith("legalizing")
    assert q.speaker is not None and q.speaker.name == "Tom Beck"


def test_a_second_said_keeps_the_first_speaker_and_splits_the_report(run: Run) -> None:
    a = run(
        "Ines Moreau said her budget cuts had given the council breathing room and said "
        "that the tolls would stay."
    )
    first = quote_with(a, "breathing room")
    second = quote_with(a, "the tolls would stay")
    assert "tolls" not in first.content.text  # the first report ends before "and said"
    for q in (first, second):
        assert q.speaker is not None and q.speaker.name == "Ines Moreau"


@pytest.mark.parametrize(
    ("text", "first_piece", "second_piece"),
    [
        (
            "Dana Whitfield says the county accepted the grant from the ministry — arguing "
            "that the roads could not wait.",
            "accepted the grant",
            "the roads could not wait",
        ),
        (
            "Dana Whitfield says the county had accepted the grant, adding that the roads "
            "could not wait.",
            "accepted the grant",
            "the roads could not wait",
        ),
    ],
)
def test_a_participle_after_a_dash_or_comma_continues_the_report(
    run: Run, text: str, first_piece: str, second_piece: str
) -> None:
    a = run(text)
    first, second = quote_with(a, first_piece), quote_with(a, second_piece)
    assert second_piece not in first.content.text  # the first report ends at the dash
    for q in (first, second):
        assert q.speaker is not None and q.speaker.name == "Dana Whitfield"


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        # the same construction for labels of either side: "fascist" and "traitor"
        ("Former governor Martin Ode is calling Senator Paul Crane a fascist.", "a fascist", "Ode"),
        ("Senator Paul Crane keeps calling Martin Ode a traitor.", "a traitor", "Crane"),
        ("Local traders call the new tolls a tax on the poor.", "a tax on the poor", "traders"),
        ("The union described the pay offer as an insult.", "as an insult", "union"),
    ],
)
def test_calling_someone_something_is_attributed(
    run: Run, text: str, content: str, speaker: str
) -> None:
    q = quote_with(run(text), content)
    assert q.kind == "indirect"
    assert q.speaker is not None and speaker in q.speaker.name


@pytest.mark.parametrize(
    "text",
    [
        "Mayor Ana Ruiz called Lena Ostrova on Tuesday about the tolls.",
        # "called on" a day is when the call was, not whom it asked
        "Officers called Lena Ostrova on Monday evening.",
    ],
)
def test_calling_someone_on_the_phone_is_not(run: Run, text: str) -> None:
    assert not [q for q in run(text).quotes if q.kind != "scare"]


def test_calling_for_someone_to_act(run: Run) -> None:
    a = run("Ana Ruiz is calling for the regional council to freeze the tolls until May.")
    q = quote_with(a, "to freeze the tolls")
    assert q.content.text.startswith("the regional council")
    assert q.speaker is not None and q.speaker.name == "Ana Ruiz"


def test_viewing_something_as_something_is_attributed(run: Run) -> None:
    a = run("Many residents of Port Ellery view the new tolls as a tax on the poor.")
    q = quote_with(a, "as a tax on the poor")
    assert q.speaker is not None and "residents" in q.speaker.name


def test_seeing_a_thing_is_not(run: Run) -> None:
    a = run("Ana Ruiz saw the damaged bridge from the harbour on Tuesday.")
    assert not [q for q in a.quotes if q.kind != "scare"]


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        # object cues added from PolNeAR train's missed cues (issue 15, round 3)
        ("Councillor Ines Moreau listed three reasons for the delay.", "three reasons", "Moreau"),
        ("The ministry reiterated its support for the new tolls.", "its support", "ministry"),
        (
            "Tomas Kell recounted the night of the flood in detail.",
            "the night of the flood",
            "Kell",
        ),
        (
            "Lena Ostrova mocked the council's plan for the harbour.",
            "the council's plan",
            "Ostrova",
        ),
        ("The union decried the closure of the rail depot.", "the closure", "union"),
        ("The agency disclosed the cost of the repairs on Friday.", "the cost", "agency"),
    ],
)
def test_object_cues_from_the_long_tail(run: Run, text: str, content: str, speaker: str) -> None:
    q = quote_with(run(text), content)
    assert q.kind == "indirect"
    assert q.speaker is not None and speaker in q.speaker.name


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        (
            "Mayor Ana Ruiz apologized for the long delays at the bridge.",
            "the long delays",
            "Ana Ruiz",
        ),
        ("Tomas Kell complained about the noise from the new airport.", "the noise", "Tomas Kell"),
        (
            "Lena Ostrova railed against the toll increase on Monday.",
            "the toll increase",
            "Lena Ostrova",
        ),
        ("The senator alluded to the scandal at the port authority.", "the scandal", "senator"),
    ],
)
def test_verbs_with_a_prepositional_object(run: Run, text: str, content: str, speaker: str) -> None:
    q = quote_with(run(text), content)
    assert q.content.text.startswith(content)
    assert q.speaker is not None and speaker in q.speaker.name


def test_a_clause_after_imply_or_learn_is_attributed(run: Run) -> None:
    a = run("Ana Ruiz implied that the council had hidden the cost of the bridge.")
    q = quote_with(a, "the council had hidden")
    assert q.speaker is not None and q.speaker.name == "Ana Ruiz"
    b = run("Tomas Kell learned that the depot would close in March.")
    q = quote_with(b, "the depot would close")
    assert q.speaker is not None and q.speaker.name == "Tomas Kell"


def test_listing_or_noting_without_an_object_is_not_a_report(run: Run) -> None:
    """The rules report nothing here. Since attribution.v6 the learned pass reads "the
    delays were noted" as an act no one is named for (PolNeAR marks such agentless
    passives), with no speaker; "listed in the timetable" is nobody's act at all."""
    text = "The trains were listed in the timetable, and the delays were noted."
    rules = Pipeline("quotes", load_settings(quote_acts=False)).analyze(Article(text=text))
    assert not [q for q in rules.quotes if q.kind != "scare"]
    found = [q for q in run(text).quotes if q.kind != "scare"]
    assert all(q.speaker is None and q.cue is not None and q.cue.text == "noted" for q in found)


def test_a_speaker_the_parser_hung_on_a_date_is_found(run: Run) -> None:
    # en_core_web_sm makes "Imre Varga" an apposition of "Dec." and gives "said" no
    # subject; the nearest proper noun before the cue is the place, which cannot speak
    a = run(
        "But in a call with reporters on Dec. 2, Col. Imre Varga, a military spokesman in"
        " Halden, said, “A raid is a combat operation.”"
    )
    sp = quote_with(a, "A raid").speaker
    assert sp is not None and sp.name == "Imre Varga"


def test_a_subject_the_parser_lost_before_a_finite_cue_is_found(run: Run) -> None:
    # en_core_web_sm makes "Harold Reiss" an apposition of "Nevada": "said" has no subject
    a = run(
        "Alarmed by the unrest in Nevada, Senator Harold Reiss, the minority leader, said"
        " that he spoke with the mayor."
    )
    sp = quote_with(a, "he spoke with the mayor").speaker
    assert sp is not None and sp.name == "Harold Reiss"


def test_a_speaker_after_the_cue_is_the_head_of_its_name_not_a_place_in_it(run: Run) -> None:
    # the parser makes "official" the object of "added"; "Lake Arden County" inside it is
    # a place and never speaks
    a = run("“The tolls must go,” added a Lake Arden County official.")
    sp = quote_with(a, "The tolls must go").speaker
    assert sp is not None and "official" in sp.name


def test_whom_a_speaker_told_is_still_the_audience(run: Run) -> None:
    a = run("“The tolls must go,” she told a Harbour Times reporter.")
    sp = quote_with(a, "The tolls must go").speaker
    assert sp is not None and sp.name == "she"
    assert sp.audience is not None and "reporter" in sp.audience.name


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Dorn claimed without evidence that the vote in Halden was rigged.",
        "Mr. Dorn said without offering proof that the vote in Halden was rigged.",
        "Mr. Dorn said with confidence that the vote in Halden was rigged.",
    ],
)
def test_claimed_without_evidence_that(run: Run, text: str) -> None:
    # the parser hangs the that-clause on "evidence" / "proof", not on the cue
    q = quote_with(run(text), "the vote in Halden was rigged")
    assert q.kind == "indirect" and q.cue is not None and q.cue.text in ("claimed", "said")
    assert q.speaker is not None and q.speaker.name == "Dorn"


def test_what_a_source_declined_or_refused_to_say_is_not_reported_as_said(run: Run) -> None:
    a = run("A spokesman for the ministry declined to comment on the report.")
    assert not [q for q in a.quotes if q.cue is not None and q.cue.text == "comment"]
    refusal = quote_with(a, "to comment on the report")  # the refusal itself is reported
    assert refusal.cue is not None and refusal.cue.text == "declined"
    b = run("Tomas Kell refused to say whether the depot would close.")
    assert [q.cue.text for q in b.quotes if q.cue is not None] == ["refused"]
    c = run("Tomas Kell would not say whether the depot would close.")
    assert not [q for q in c.quotes if q.kind != "scare"]
    d = run("Tomas Kell did not say where the trucks would go.")
    assert not [q for q in d.quotes if q.kind != "scare"]


def test_a_set_off_phrase_before_that_is_not_part_of_the_report(run: Run) -> None:
    a = run("The ministry said on Tuesday, citing preliminary figures, that 40 people had died.")
    q = quote_with(a, "40 people had died")
    assert q.cue is not None and q.cue.text == "said"
    assert q.content.text == "that 40 people had died"


def test_a_date_right_after_the_cue_is_when_it_was_said(run: Run) -> None:
    a = run("Marnia's defence ministry said on Sunday its forces had repelled an attack.")
    q = quote_with(a, "its forces had repelled")
    assert q.content.text == "its forces had repelled an attack"
    # the tagger makes the lower-case "ministry" a proper noun; the speaker is the phrase
    assert q.speaker is not None and q.speaker.name == "Marnia's defence ministry"


def test_a_phrase_of_time_after_the_cue_does_not_hide_the_report(run: Run) -> None:
    # the parser hangs "after the meeting" on the clause and calls the clause adverbial
    a = run("Mayor Ines Halloran said after the meeting she would not sign the budget.")
    q = quote_with(a, "would not sign the budget")
    assert q.content.text == "she would not sign the budget"
    assert q.speaker is not None and q.speaker.name == "Ines Halloran"
    # a clause its own conjunction makes adverbial is when it was said, not what
    b = run("Ana Ruiz said it again when she visited the plant.")
    assert not [q for q in b.quotes if "visited the plant" in q.content.text]


@pytest.mark.parametrize(
    "text",
    [
        "Two months before the vote, do you know where the candidates stand on the port?",
        "Let's say you think a degree from a state college will cost $160,000 in 18 years.",
        "If you believe the council, the new ferry will pay for itself within a decade.",
    ],
)
def test_the_reader_addressed_by_the_writer_is_not_a_source(run: Run, text: str) -> None:
    assert not [q for q in run(text).quotes if q.kind != "scare"]


def test_a_charge_against_a_pronoun_is_reported_and_a_bare_pronoun_is_not(run: Run) -> None:
    a = run("Opposition leader Ana Ruiz accused him of dragging the country into a war.")
    q = quote_with(a, "of dragging the country")
    assert q.content.text == "him of dragging the country into a war"
    assert q.speaker is not None and q.speaker.name == "Ana Ruiz"
    assert not [q for q in run("Tomas Kell denied it.").quotes if q.kind != "scare"]


def test_the_agency_described_without_a_name_is_not_the_last_organisation_named(
    run: Run,
) -> None:
    a = run(
        "Tomas Kell told the Harbour Times he was angry. According to figures released by"
        " the transport agency, 40,000 vehicles cross daily. The agency said traffic had"
        " fallen."
    )
    sp = quote_with(a, "traffic had fallen").speaker
    assert sp is not None and sp.name == "The agency" and sp.actor_id is None
    # a named agency is still what "the agency" resolves to
    b = run("The Harbour Transport Agency released new figures. The agency said traffic fell.")
    sp = quote_with(b, "traffic fell").speaker
    assert sp is not None and sp.name == "Harbour Transport Agency"


def test_according_to_a_statement_of_the_sentences_own_speaker_is_not_a_second_source(
    run: Run,
) -> None:
    a = run(
        "Andrei Petrov said the truce was fragile. The Harbour Food Trust said it was ready"
        " to deliver aid, according to a statement."
    )
    found = [q for q in a.quotes if "deliver aid" in q.content.text]
    assert len(found) == 1 and found[0].cue is not None and found[0].cue.text == "said"
    assert found[0].speaker is not None and found[0].speaker.name == "Harbour Food Trust"


def test_a_statement_by_a_described_source_is_theirs(run: Run) -> None:
    a = run(
        "United Nations envoy Helga Lindqvist arrived on Monday. The truce will hold,"
        " according to a statement from the envoy."
    )
    sp = quote_with(a, "The truce will hold").speaker
    assert sp is not None and sp.name == "Helga Lindqvist"
    assert sp.resolved_from is not None and "envoy" in sp.resolved_from.text


def test_a_quote_paragraph_after_a_paraphrase_is_the_same_speakers(run: Run) -> None:
    a = run(
        "Admiral Ines Moreau said that the navy would not leave the northern ports.\n\n"
        "“That is because these ports are what keeps the coast safe.”\n\n"
        "The harbour board met on Friday.\n\n"
        "The ferries ran late all week.\n\n"
        "“Nobody told us anything.”"
    )
    sp = quote_with(a, "these ports are what keeps").speaker
    assert sp is not None and sp.name == "Ines Moreau"
    # two paragraphs on, with no cue, nobody is named
    assert quote_with(a, "Nobody told us").speaker is None


def test_here_is_a_name_and_from_the_report_introduce_a_quote(run: Run) -> None:
    a = run("Here is Ines Moreau in December 1992: “Our new direction must rest on the facts.”")
    sp = quote_with(a, "Our new direction").speaker
    assert sp is not None and sp.name == "Ines Moreau"
    b = run(
        "The Harbour Institute published its study on Monday. From the report: “In general,"
        " samples with longer field periods produced more accurate results.”"
    )
    sp = quote_with(b, "longer field periods").speaker
    assert sp is not None and sp.name == "Harbour Institute"
    assert sp.resolved_from is not None and sp.resolved_from.text == "the report"


def test_a_cue_inside_a_quotation_reports_nothing_outside_it(run: Run) -> None:
    a = run("Here is the problem: “nobody reads the fine print.”")
    assert not [q for q in a.quotes if q.kind == "indirect"]
    assert quote_with(a, "nobody reads").speaker is None


WIRE_PRIMARY = (
    "Primary voters weigh a crowded field\n\n"
    "MANCHESTER, N.H. (Wire) - Voters in the state's first primary said on Monday they "
    "were still undecided, with a week to go before the vote.\n\n"
    '"I have not made up my mind, and I don\'t think many of my neighbours have either," '
    "said one New Hampshire Democrat, a retired teacher from Nashua.\n\n"
    "Another New Hampshire Democrat, a nurse in Concord, said she would back whoever "
    "looked most likely to win in November."
)


def test_a_dateline_is_not_reported_speech_and_its_places_are_places(run: Run) -> None:
    analysis = run(WIRE_PRIMARY)
    text = analysis.article.text
    dateline_end = text.index(" - Voters")
    assert not [q for q in analysis.quotes if q.content.start < dateline_end], [
        q.content.text for q in analysis.quotes
    ]
    said = quote_with(analysis, "they were still undecided")
    assert said.speaker is not None and said.speaker.name.startswith("Voters")
    types = {a.name: a.type for a in analysis.actors}
    assert types["MANCHESTER"] == "place" and types["N.H."] == "place"


def test_one_member_of_a_group_is_not_the_group(run: Run) -> None:
    """ "one New Hampshire Democrat ... Another New Hampshire Democrat": two people, neither
    of them the Democrats, and the labels of one are not pinned on the other."""
    analysis = run(WIRE_PRIMARY)
    first = quote_with(analysis, "I have not made up my mind")
    second = quote_with(analysis, "she would back whoever")
    assert first.speaker is not None and second.speaker is not None
    assert first.speaker.actor_id is None and second.speaker.actor_id is None
    assert first.speaker.name == "one New Hampshire Democrat"
    assert second.speaker.name == "Another New Hampshire Democrat"
    assert first.speaker.descriptions[0].text == "a retired teacher from Nashua"
    assert second.speaker.descriptions[0].text == "a nurse in Concord"
    assert not [a for a in analysis.actors if a.name.lower().startswith("democrat")]
    # Parties named as groups stay group actors, both of them.
    group = run("Republicans in the state senate blocked the bill, and Democrats walked out.")
    assert {a.name.lower(): a.type for a in group.actors} == {
        "republicans": "group",
        "democrats": "group",
    }


def test_people_from_a_place_name_it_as_a_place(run: Run) -> None:
    """The small recogniser tags "Nashua" a person; "a retired teacher from Nashua" makes it
    a place, so it is nobody's antecedent. "a letter from Haddad" keeps Haddad a person."""
    analysis = run(WIRE_PRIMARY)
    types = {a.name: a.type for a in analysis.actors}
    assert types.get("Nashua") == "place"
    assert all(q.speaker is None or q.speaker.actor_id != "nashua" for q in analysis.quotes)
    letter = run("The council received a letter from Leyla Haddad on Monday.")
    assert {a.name: a.type for a in letter.actors}.get("Leyla Haddad") == "person"


def test_a_pronoun_after_an_unnamed_speaker_is_that_speaker(run: Run) -> None:
    """With no person named before it, "she" or "he" is the unnamed source who just spoke;
    a person named before it still wins, and an unnamed organisation is no "he"."""
    analysis = run(
        "Turnout expected to rise\n\n"
        "A nurse in Concord said she would back whoever looked most likely to win.\n\n"
        '"Electability is the only thing that matters this year," she said.\n\n'
        "A spokesman for the state party said turnout would be high. "
        '"We expect a record," he added.'
    )
    nurse = quote_with(analysis, "Electability is the only thing")
    assert nurse.speaker is not None and nurse.speaker.name == "A nurse in Concord"
    assert nurse.speaker.resolved_from is not None and nurse.speaker.resolved_from.text == "she"
    spokesman = quote_with(analysis, "We expect a record")
    assert spokesman.speaker is not None
    assert spokesman.speaker.name == "A spokesman for the state party"
    named = run(
        "Senator Ana Ruiz spoke to reporters on Monday. A nurse in Concord said the clinic "
        'was full. "We are not giving up," she said.'
    )
    # Ana Ruiz is the person named before "she": the pronoun keeps its antecedent rule.
    last = quote_with(named, "We are not giving up")
    assert last.speaker is not None and last.speaker.name == "Ana Ruiz"
    agency = run('The transport agency said the bridge would close. "It is not safe," he said.')
    quote = quote_with(agency, "It is not safe")
    assert quote.speaker is not None and quote.speaker.name == "he"


def test_what_a_party_failed_to_show_is_not_reported(run: Run) -> None:
    analysis = run(
        "Judge Mara Lindqvist said the city had failed to show that the homes posed a flood risk."
    )
    said = quote_with(analysis, "the city had failed to show")
    assert said.speaker is not None and said.speaker.name == "Mara Lindqvist"
    assert not [q for q in analysis.quotes if q.content.text.startswith("that the homes")]


def test_a_dateline_agency_is_not_an_actor_but_still_speaks_as_the_agency(run: Run) -> None:
    analysis = run(
        "KESTREL BAY, Dec 4 (Coastline News) - The port will reopen on Monday, the agency "
        "reported. Harbour pilots said the channel had been cleared."
    )
    assert "Coastline News" not in {a.name for a in analysis.actors}
    port = quote_with(analysis, "The port will reopen on Monday")
    assert port.speaker is not None and port.speaker.name == "Coastline News"
    # Named in the body, the same outlet is an actor like any other.
    body = run("The minister told Coastline News that the port would reopen.")
    assert "Coastline News" in {a.name for a in body.actors}


def test_a_coordinated_subject_the_parser_lost_after_the_report(run: Run) -> None:
    """ "..., residents and a local official said": the parser made the subject a conjunct
    of the report's last noun; the report ends before it and the residents speak."""
    analysis = run(
        "Shelling resumed on the outskirts of Halden on Saturday, hours after talks on a "
        "ceasefire broke up without agreement, residents and a local official said."
    )
    report = quote_with(analysis, "Shelling resumed")
    assert report.content.text.endswith("without agreement")
    assert report.speaker is not None and report.speaker.name == "residents"


def test_it_is_the_body_that_spoke_not_a_plural_noun(run: Run) -> None:
    """ "It" is the unnamed ministry that just spoke, not "its forces" (plural) nor the
    Northern Brigades named inside the report; a named body still takes its "it"."""
    analysis = run(
        "Marnia's defence ministry said its forces had responded to attacks by fighters of "
        "the Northern Brigades. It said two soldiers were wounded."
    )
    wounded = quote_with(analysis, "two soldiers were wounded")
    assert wounded.speaker is not None
    assert wounded.speaker.name == "Marnia's defence ministry"
    assert wounded.speaker.affiliation == "marnia"
    assert wounded.speaker.resolved_from is not None
    assert wounded.speaker.resolved_from.text == "It"
    un = run(
        "The United Nations condemned the shelling of the market. It said aid convoys would "
        "resume on Monday."
    )
    convoys = quote_with(un, "aid convoys would resume")
    assert convoys.speaker is not None and convoys.speaker.name == "United Nations"


def test_a_byline_is_not_an_actor_and_a_name_does_not_run_over_a_line(run: Run) -> None:
    analysis = run(
        "Chipmaker cuts 900 jobs\n\nBy Ana Ferreira\n\nLISBON, June 2 (Harbourline) - "
        "Corvel Semiconductors will cut about 900 jobs, the company said on Tuesday."
    )
    names = {a.name for a in analysis.actors}
    assert not [n for n in names if "Ferreira" in n or "\n" in n], names


def test_a_title_before_a_name_tagged_an_organisation_makes_a_person(run: Run) -> None:
    """en_core_web_sm tags "Ruben Alves" an organisation after "Chief executive"; the
    title makes him a person, so "He" finds him."""
    analysis = run(
        "Chief executive Ruben Alves told analysts that demand would recover next year. "
        "He said the company would keep its research centre open."
    )
    types = {a.name: a.type for a in analysis.actors}
    assert types.get("Ruben Alves") == "person"
    kept = quote_with(analysis, "keep its research centre open")
    assert kept.speaker is not None and kept.speaker.name == "Ruben Alves"
    # An organisation named after a preposition stays one.
    org = run("Workers at Corvel Mining walked out. Corvel Mining said output fell.")
    assert {a.name: a.type for a in org.actors} == {"Corvel Mining": "organisation"}


def test_a_person_the_parser_hung_on_a_thing_speaks(run: Run) -> None:
    """The parser made the official an apposition of 'team', inside 'overlap': the phrase
    before 'said' is headed by a thing, and 'who' marks the person in it."""
    text = (
        "Although there is no such overlap with Moreau's team, a White House official who "
        'spoke anonymously to discuss internal strategy said Wednesday, "Certainly there '
        'are discussions between the White House and the Moreau campaign."'
    )
    q = quote_with(run(text), "Certainly")
    assert q.kind == "direct" and q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and "official" in q.speaker.name
    assert "overlap" not in q.speaker.name


@pytest.mark.parametrize(
    "text",
    [
        "A senior aide, who spoke on condition of anonymity because he was not authorized "
        "to discuss the talks publicly, said the two sides were close to a deal.",
        "Another aide spoke on condition of anonymity to discuss internal deliberations, "
        "and said the two sides were close to a deal.",
    ],
)
def test_what_a_source_may_not_discuss_is_not_reported(run: Run, text: str) -> None:
    a = run(text)
    assert not [q for q in a.quotes if q.cue is not None and q.cue.text == "discuss"]
    q = quote_with(a, "close to a deal")
    assert q.cue is not None and q.cue.text == "said"


def test_speaking_to_say_something_still_reports_it(run: Run) -> None:
    a = run("The minister spoke to reporters to say that the border would reopen.")
    q = quote_with(a, "border")
    assert q.cue is not None and q.cue.text == "say"
    assert q.speaker is not None and q.speaker.name == "The minister"


def test_a_signature_paragraph_signs_the_quote_before_it(run: Run) -> None:
    """Fact-checks list the claims they check as a quotation signed '- Name.'; a signature
    after a paragraph of prose is the writer's, not a quote."""
    text = (
        "The claims below were made at the debate in Halden.\n\n"
        '"Every pharmacy in the county closed last year."\n\n'
        "- Moreau.\n\n"
        "That is not what the county register shows.\n\n"
        "- Ines Varga."
    )
    a = run(text)
    q = quote_with(a, "Every pharmacy")
    assert q.kind == "direct" and q.cue is not None and q.cue.text == "-"
    assert q.speaker is not None and q.speaker.name == "Moreau"
    assert not [x for x in a.quotes if x.speaker is not None and x.speaker.name == "Ines Varga"]


def test_a_quoted_title_after_the_cue_is_not_its_subject(run: Run) -> None:
    """The parser makes a word of the show's title the subject of 'said'; the speaker is
    the name whose phrase ends right before the cue."""
    text = (
        "“He's absolutely right. There's a severe disconnect between the palace and our "
        "military,” Kessler, a top Moreau surrogate, said Thursday morning on Fox News’s "
        "“Fox and Friends.”"
    )
    q = quote_with(run(text), "severe disconnect")
    assert q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and q.speaker.name == "Kessler"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Mayor Ines Varga issued a statement on Tuesday saying: “We will not back down "
            "on the housing plan.”",
            "Ines Varga",
        ),
        ("Senator Tomas Kell emailed supporters saying: “The fight goes on.”", "Tomas Kell"),
        (
            "The Harbour Tenants League sent a text message to members saying the strike "
            "would go ahead.",
            "Harbour Tenants League",
        ),
        (
            "Ana Ruiz released a campaign video that said, “The harbour belongs to everyone.”",
            "Ana Ruiz",
        ),
    ],
)
def test_who_sends_the_words_speaks(run: Run, text: str, speaker: str) -> None:
    """'X issued a statement saying', 'X emailed supporters saying': the sender speaks,
    not the document and not the people it was sent to."""
    q = next(x for x in run(text).quotes if x.kind in ("direct", "indirect"))
    assert q.speaker is not None and q.speaker.name == speaker


def test_words_a_thing_does_not_send_are_not_its_own(run: Run) -> None:
    """Only a verb of sending makes its subject the speaker: residents someone met still
    speak for themselves."""
    q = quote_with(run("Officials met residents saying the road would close."), "road")
    assert q.speaker is not None and q.speaker.name == "residents"


def test_a_participle_describing_a_source_reports_nothing(run: Run) -> None:
    """'a policy institute focused on housing' describes the speaker; it is not the
    institute reporting 'housing', and the next quote stays with the speaker."""
    text = (
        "“Families wake up every day to higher bills,” said Marta Lindqvist, director of "
        "the Harbour Institute, a research group focused on housing policy. “Rents are "
        "rising while the city looks away.”"
    )
    a = run(text)
    assert not [q for q in a.quotes if q.cue is not None and q.cue.text == "focused"]
    q = quote_with(a, "Rents are rising")
    assert q.speaker is not None and q.speaker.name == "Marta Lindqvist"


def test_a_quote_in_the_writers_sentence_continues_the_speaker_before(run: Run) -> None:
    """'"...," said X. Now, "..."': the second quotation is X's; after a paragraph of the
    writer's own, it is nobody's."""
    text = (
        "“We were not happy when the toll was announced,” said Jonas Brandt, head of the "
        "Coast Haulage Association. Now, “most of our members have made their peace with "
        "the new toll road.”\n\n"
        "The toll was introduced in March. Critics, “for all the noise they have made about "
        "it,” have not proposed another way to fund the road."
    )
    a = run(text)
    q = quote_with(a, "made their peace")
    assert q.kind == "mixed" and q.speaker is not None and q.speaker.name == "Jonas Brandt"
    later = quote_with(a, "for all the noise")
    assert later.speaker is None or later.speaker.name != "Jonas Brandt"


def test_a_headline_kicker_is_not_a_speaker_label(run: Run) -> None:
    """'The Latest: ...' heads a live blog; 'THE MAYOR: ...' in a transcript is a speaker."""
    a = run("The Latest: Ruiz declares ‘victory,’ ignores the recount in Halden.")
    assert not [q for q in a.quotes if q.speaker is not None and "Latest" in q.speaker.name]
    b = run("THE MAYOR: We will reopen the bridge on Monday.")
    q = quote_with(b, "reopen the bridge")
    assert q.speaker is not None and q.speaker.name.endswith("MAYOR")


def test_a_headline_speaker_label_is_the_name_not_a_place_of_the_lead(run: Run) -> None:
    """The parser glues the headline to the lead and hangs the lead's 'VA' on the label's
    name; the speaker is the name the headline gives."""
    text = (
        "Ruiz: ‘I’m the Worst Thing That Ever Happened to the Old Guard.’\n\n"
        "Monday at Halden College in Lynchburg, VA, mayoral front-runner Ana Ruiz addressed "
        "the students of the college in a long speech.\n\n"
        "Ruiz said the old guard had run the city for thirty years."
    )
    q = quote_with(run(text), "Worst Thing")
    assert q.speaker is not None and q.speaker.name in ("Ruiz", "Ana Ruiz")


def test_a_wire_lead_reports_past_its_dateline(run: Run) -> None:
    """The parser makes the dateline's place the subject and hangs the that-clause on
    'convention' as a relative clause: the lead still reports, and the name speaks."""
    text = (
        "HALDEN, July 19 (Wire) — Former Attorney General Ana Ruiz told delegates at the "
        "party convention that the minister’s use of a private email server should "
        "disqualify her from office."
    )
    q = quote_with(run(text), "private email server")
    assert q.kind == "indirect" and q.content.text.startswith("that the minister")
    assert q.cue is not None and q.cue.text == "told"
    assert q.speaker is not None and "Ana Ruiz" in q.speaker.name


@pytest.mark.parametrize("dash", ["--", "—"])
def test_a_dateline_of_the_place_alone_is_not_the_speaker(run: Run, dash: str) -> None:
    """'HALDEN -- Mayor X, opening ..., said': a dateline with no region or date before
    its dash; the parser makes the place the subject and the mayor its apposition."""
    text = (
        f"HALDEN {dash} Mayor Ana Ruiz, opening the new river crossing on Saturday, said it "
        "would carry ''twenty thousand cars a day, and hope besides.''"
    )
    q = quote_with(run(text), "twenty thousand cars")
    assert q.speaker is not None and q.speaker.name == "Ana Ruiz"


def test_a_relative_clause_after_an_object_is_not_reported(run: Run) -> None:
    a = run("Senator Tomas Kell praised the plan that the council adopted in May.")
    assert not [q for q in a.quotes if q.content.text.startswith("that the council")]


def test_a_second_report_after_a_quote_keeps_its_own_cue(run: Run) -> None:
    """'She declared "..." and said that ...': the quotation is declared, and what she said
    after 'and' is a report of its own."""
    text = (
        "Mayor Ana Ruiz declared “What a night!” and said that her campaign would continue "
        "“to break barriers” across the region."
    )
    a = run(text)
    q = quote_with(a, "What a night")
    assert q.cue is not None and q.cue.text == "declared"
    assert q.speaker is not None and q.speaker.name == "Ana Ruiz"
    r = quote_with(a, "her campaign would continue")
    assert r.cue is not None and r.cue.text == "said"


def test_a_clause_describing_the_speaker_does_not_take_the_next_quote(run: Run) -> None:
    """'"...," said X, who has been challenging Y. "..."': the second quotation is X's,
    not that of the relative clause's report."""
    text = (
        '"These are strange days," said Peter Morgan, a lawyer for the Harbour Trust, who '
        "has been challenging the port authority over water pollution for years. \"I don't "
        'know what the new owner intends. But I doubt he can pull it off."'
    )
    q = quote_with(run(text), "new owner intends")
    assert q.speaker is not None and q.speaker.name == "Peter Morgan"


def test_a_transcript_quoted_line_by_line_gives_each_label_its_words(run: Run) -> None:
    """Each paragraph of a quoted transcript opens with a mark that never closes; the
    labels name the speakers, line by line."""
    text = (
        "The moderator pressed the governor on the guest list.\n\n"
        '"MORENO: If I may, sir, we have limited time. Will the singer be there?\n\n'
        '"KELL: The singer will not be attending the debate tomorrow night.\n\n'
        '"MORENO: Do you really see those two as equivalent?'
    )
    a = run(text)
    first = quote_with(a, "limited time")
    assert first.speaker is not None and first.speaker.name == "MORENO"
    reply = quote_with(a, "will not be attending")
    assert reply.speaker is not None and reply.speaker.name == "KELL"
    assert "MORENO" not in reply.content.text


def test_a_report_coordinated_with_another_speakers_quote_is_kept(run: Run) -> None:
    """The parser hangs 'and ... the mother replied, "..."' on the reported clause; the
    report ends before it, and the quotation is the mother's."""
    text = (
        "She said fathers and parents who adopt would not be eligible for the six weeks of "
        "paid leave, and when pressed on why the plan leaves out fathers, the 34-year-old "
        'mother of three replied, "It is meant to help the mother who has given birth."'
    )
    a = run(text)
    q = quote_with(a, "would not be eligible")
    assert q.cue is not None and q.cue.text == "said"
    assert "replied" not in q.content.text
    d = quote_with(a, "meant to help")
    assert d.cue is not None and d.cue.text == "replied"


def test_a_title_opening_the_sentence_is_not_a_quote(run: Run) -> None:
    """'"Orange is the New Black" star X said ...': the marks hold a title the sentence
    goes on from, and X's report is what she said."""
    a = run("“Harbour Lights Over Halden” star Selenis Varga said the show changed her life.")
    title = quote_with(a, "Harbour Lights")
    assert title.kind == "title" and title.speaker is None
    q = quote_with(a, "changed her life")
    assert q.speaker is not None and q.speaker.name == "Selenis Varga"


@pytest.mark.parametrize(
    ("text", "piece", "cue", "speaker"),
    [
        pytest.param(
            "Moss calls on Kerr to apologize for suggesting Kell uses cocaine.\n\n"
            "David Moss on Wednesday called on Howard Kerr to apologize to Tomas Kell for "
            "accusing him of being a cocaine user.\n\n"
            "“My reaction, that was outrageous,” the former campaign strategist said.",
            "Howard Kerr to apologize",
            "called",
            "David Moss",
            # the tagger calls 'called' a participle; a headline writes passives without
            # 'is' ("Turnout expected to rise"), the body does not
            id="a participle in the body is active",
        ),
        pytest.param(
            "Clinton now says she opposes the deal.\n\n"
            "Brandt charges that countries that stand to benefit from the deal gave millions "
            "of dollars to the Ruiz Foundation.",
            "countries that stand",
            "charges",
            "Brandt",
            id="a verb the tagger took for a plural noun",
        ),
        pytest.param(
            "The Latest: Hale urges supporters to watch polling places.\n\n"
            "HALDEN (Wire) — The Latest on the mayoral race (all times local):\n\n"
            "7 p.m.\n\n"
            "Peter Hale is once again questioning the integrity of the city's voting system, "
            "encouraging his supporters to visit polling places on Election Day.",
            "integrity of the city",
            "questioning",
            "Peter Hale",
            # the parser glues the heading and the time stamp to the entry and hangs the
            # name on them
            id="a name hung on a glued live-blog heading",
        ),
        pytest.param(
            "The vote was close.\n\n"
            "“The caucus is a battle of small groups” Grubbs said. “Every one of them counts.”",
            "battle of small groups",
            "said",
            "Grubbs",
            id="a quote closed without a comma",
        ),
    ],
)
def test_a_subject_the_parser_lost_is_found(
    run: Run, text: str, piece: str, cue: str, speaker: str
) -> None:
    q = quote_with(run(text), piece)
    assert q.cue is not None and q.cue.text == cue
    assert q.speaker is not None and q.speaker.name == speaker


def test_what_a_subject_is_expected_to_do_is_nobodys_report(run: Run) -> None:
    """'The council is expected to pass the budget': someone expects it, not the council;
    in the body as in a headline ('Turnout expected to rise')."""
    a = run(
        "Budget vote this week\n\n"
        "The council is expected to pass the budget later this week. The mayor is favored "
        "to win the vote."
    )
    q = quote_with(a, "pass the budget")
    assert q.speaker is None


def test_a_chant_right_after_its_verb_is_the_crowds(run: Run) -> None:
    """'protesters chanted "No more tolls!" as the council met': the verb right before the
    quotation says it, not the verb of the clause after it."""
    a = run("Outside the hall, protesters chanted “No more tolls!” as the council met.")
    q = quote_with(a, "No more tolls")
    assert q.cue is not None and q.cue.text == "chanted"
    assert q.speaker is not None and q.speaker.name == "protesters"


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        (
            'As Ana Ruiz put it, the harbour is "open for business again."',
            "Ana Ruiz",
            'the harbour is "open for business again."',
        ),
        (
            "The levy will pay for two clinics, as Councillor Tomas Wren puts it.",
            "Tomas Wren",
            "The levy will pay for two clinics",
        ),
    ],
)
def test_as_someone_put_it_reports_the_sentence(
    run: Run, text: str, speaker: str, content: str
) -> None:
    q = quote_with(run(text), content.split()[1])
    assert q.content.text == content
    assert q.cue is not None and q.cue.text in ("put", "puts")
    assert q.speaker is not None and q.speaker.name == speaker


def test_putting_something_to_a_vote_reports_nothing(run: Run) -> None:
    a = run("As the chair put the motion to a vote, the room went quiet.")
    assert not [q for q in a.quotes if "room went quiet" in q.content.text]


@pytest.mark.parametrize("verb", ["urged", "asked", "told"])
def test_who_is_urged_belongs_to_the_report(run: Run, verb: str) -> None:
    """'urged supporters to monitor the polls': the report is 'supporters to monitor the
    polls', as with 'told' (PolNeAR's annotators take the object in, 38 of 50 'urge')."""
    q = quote_with(run(f"Mayor Ana Ruiz {verb} residents to conserve water this week."), "water")
    assert q.content.text == "residents to conserve water this week"
    assert q.speaker is not None and q.speaker.name == "Ana Ruiz"


@pytest.mark.parametrize(
    ("text", "subject", "rest"),
    [
        (
            "Senator Maria Ostrow was expected to win the seat in May.",
            "Senator Maria Ostrow",
            "to win",
        ),
        ("Halvik is widely expected to sign the port bill next week.", "Halvik", "to sign"),
        ("The strike is expected to end before the harvest.", "The strike", "to end"),
    ],
)
def test_what_a_passive_cue_expects_holds_its_subject(
    run: Run, text: str, subject: str, rest: str
) -> None:
    """PolNeAR marks "Ruiz was expected to win" as one content in two pieces, Ruiz and
    "to win ...": what is expected is Ruiz winning, and nobody named expects it."""
    quotes = [q for q in run(text).quotes if q.cue is not None and q.cue.text == "expected"]
    assert sorted(q.content.text.split(" ")[0] for q in quotes) == sorted(
        [subject.split(" ")[0], "to"]
    ), [q.content.text for q in quotes]
    assert [q.content.text for q in quotes if q.content.text.startswith(rest)]
    assert all(q.speaker is None for q in quotes)


def test_an_expletive_or_a_clause_of_its_own_adds_no_piece(run: Run) -> None:
    quotes = run("It is expected that the ferry will resume service in May.").quotes
    assert [q.content.text for q in quotes] == ["that the ferry will resume service in May"]


def test_one_word_before_a_parenthetical_cue_is_a_piece_when_it_names_something(
    run: Run,
) -> None:
    quotes = run("Prices, Ostrow said, will rise again in the spring.").quotes
    assert [q.content.text for q in quotes] == ["Prices", "will rise again in the spring"]
    quotes = run("Because, Ostrow said, the levy failed twice, the council dropped it.").quotes
    assert [q.content.text for q in quotes] == ["the levy failed twice"]
