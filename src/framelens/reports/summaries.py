"""Summaries computed from ``Analysis`` records alone (no NLP), shared by every renderer."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..model import REPORT_KINDS, Analysis, Quote

#: Plain-language definitions of the 14 PTC techniques, written by the team.
TECHNIQUE_DEFINITIONS: dict[str, str] = {
    "Appeal_to_Authority": "Says a claim is true because an authority or expert said so, "
    "without other evidence.",
    "Appeal_to_fear-prejudice": "Builds support for an idea by stirring fear or prejudice "
    "about the alternative.",
    "Bandwagon,Reductio_ad_hitlerum": "Urges joining in because everyone does, or rejects an "
    "idea because a hated group holds it.",
    "Black-and-White_Fallacy": "Offers two options as the only possible ones when more exist.",
    "Causal_Oversimplification": "Names a single cause for an outcome that has several.",
    "Doubt": "Questions the credibility of someone or something instead of the argument.",
    "Exaggeration,Minimisation": "Makes something look bigger, better or worse than it is, "
    "or plays down its importance.",
    "Flag-Waving": "Appeals to patriotism or group identity to justify an idea or action.",
    "Loaded_Language": "Uses words with strong emotional charge to sway the reader.",
    "Name_Calling,Labeling": "Attaches a label to a person or group that the audience "
    "fears, hates or loves.",
    "Repetition": "Repeats the same message over and over so it sticks.",
    "Slogans": "A brief, striking phrase that works as a rallying cry.",
    "Thought-terminating_Cliches": "A stock phrase that discourages thinking further "
    "('it is what it is').",
    "Whataboutism,Straw_Men,Red_Herring": "Deflects by charging hypocrisy, distorting the "
    "opposing view, or changing the subject.",
}


@dataclass
class SpeakerRow:
    name: str
    actor_id: str | None
    counts: Counter[str] = field(default_factory=Counter)
    descriptions: list[str] = field(default_factory=list)
    cues: Counter[str] = field(default_factory=Counter)
    affiliation: str | None = None
    #: How often the writer names the speaker only by a pronoun, description or document.
    resolved: int = 0
    first: int = 0
    #: How the speaker is named at each quote (``Speaker.introduced``: name, pronoun, role,
    #: organisation, document, relative, headline), counted.
    introduced: Counter[str] = field(default_factory=Counter)
    #: The role phrases, pronouns and documents resolved to this speaker ("the governor").
    roles: list[str] = field(default_factory=list)
    #: Whom the speaker told ("Reuters"), and who passed their words on ("via").
    audiences: list[str] = field(default_factory=list)
    vias: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def speaker_table(analysis: Analysis) -> list[SpeakerRow]:
    """Who is quoted, how often (by kind), introduced how — most quoted first.

    One row per speaker (its actor, else its case-folded name; a joint statement counts for
    the speaker and each co-speaker); quotes with no speaker,
    scare quotes and titles are left out. ``cues`` counts the reporting words used;
    ``descriptions`` are the ways the text introduces the speaker, in order of appearance.
    """
    rows: dict[str, SpeakerRow] = {}
    for q in sorted(analysis.quotes, key=lambda q: q.span.start):
        if q.kind in ("scare", "title") or q.speaker is None:
            continue
        # A joint statement counts once for each of its parties.
        for sp in [q.speaker, *q.co_speakers]:
            key = sp.actor_id or sp.name.lower()
            row = rows.setdefault(
                key, SpeakerRow(name=sp.name, actor_id=sp.actor_id, first=q.span.start)
            )
            row.counts[q.kind] += 1
            row.resolved += sp.resolved_from is not None
            row.introduced[sp.introduced or "name"] += 1
            extras = (
                (row.roles, sp.resolved_from.text if sp.resolved_from else None),
                (row.audiences, sp.audience.name if sp.audience else None),
                (row.vias, sp.via.name if sp.via else None),
            )
            for bucket, value in extras:
                value = " ".join(value.split()) if value else None
                if value and value not in bucket:
                    bucket.append(value)
            if q.cue is not None:
                row.cues[" ".join(q.cue.text.lower().split())] += 1
            for d in sp.descriptions:
                text = " ".join(d.text.split())
                if text not in row.descriptions:
                    row.descriptions.append(text)
            row.affiliation = row.affiliation or sp.affiliation
    # Stable: the parties of one joint statement keep the order the text names them in.
    return sorted(rows.values(), key=lambda r: (-r.total, r.first))


def speaker_names(q: Quote) -> str:
    """ "Turkey", "Turkey, Qatar and Saudi Arabia" (a joint statement) or "unattributed"."""
    if q.speaker is None:
        return "unattributed"
    names = [q.speaker.name, *(c.name for c in q.co_speakers)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def claim_sources(analysis: Analysis) -> dict[str, str]:
    """Claim id -> who the claim's reported content is attributed to ("unattributed" when
    the quote has no speaker), for claims that report someone's words."""
    quotes = {q.id: q for q in analysis.quotes}
    return {
        c.id: speaker_names(quotes[c.quote]) if c.quote in quotes else "unattributed"
        for c in analysis.claims
        if c.content is not None
    }


def scare_terms(analysis: Analysis) -> list[tuple[str, int, list[Quote]]]:
    """Scare-quoted terms with their number of occurrences, most frequent first.

    Terms are case-folded and stripped of the punctuation a sentence puts inside the marks
    ('fighting "terrorists."' counts as "terrorists").
    """
    groups: dict[str, list[Quote]] = defaultdict(list)
    for q in analysis.quotes:
        if q.kind == "scare":
            term = " ".join(q.content.text.split()).strip(".,;:!?—–- ").lower()
            groups[term or q.content.text].append(q)
    return sorted(((t, len(qs), qs) for t, qs in groups.items()), key=lambda x: (-x[1], x[0]))


def technique_counts(analysis: Analysis) -> Counter[str]:
    return Counter(t.technique for t in analysis.techniques)


def actor_names(analysis: Analysis) -> dict[str, str]:
    return {a.id: a.name for a in analysis.actors}


def counts(analysis: Analysis) -> dict[str, int]:
    """How many findings of each kind."""
    quotes = [q for q in analysis.quotes if q.kind in REPORT_KINDS]
    return {
        "actors": len(analysis.actors),
        "quotes": len(quotes),
        "stances": sum(1 for q in analysis.quotes if q.kind == "stance"),
        "scare quotes": sum(1 for q in analysis.quotes if q.kind == "scare"),
        "relations": len(analysis.relations),
        "techniques": len(analysis.techniques),
        "claims": len(analysis.claims),
        "contradictions": len(analysis.contradictions),
    }
