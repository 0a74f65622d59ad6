"""Short articles the team wrote for the corpus and story tests (fictional events).

Two events on the same days (so dates alone cannot tell them apart), each covered by
three outlets, and one unrelated article a month later.
"""

from __future__ import annotations

from framelens.model import Actor, Analysis, Article, FirstMention, Span

# (outlet, published, title, text, actors as (id, name))
BRIDGE = [
    (
        "Velmora Courier",
        "2025-04-10",
        "Harbour bridge collapses in Velmora during morning traffic",
        "A section of the Velmora harbour bridge collapsed on Thursday morning, sending two "
        "buses into the water. Mayor Ilse Brandt said rescue divers had pulled eleven people "
        "from the river. Engineers had warned about corroded cables last year.",
        [("velmora", "Velmora"), ("ilse-brandt", "Ilse Brandt")],
    ),
    (
        "The Northern Ledger",
        "2025-04-10",
        "Velmora bridge collapse: buses plunge into harbour",
        "Two buses plunged into Velmora harbour when part of the old bridge gave way at rush "
        "hour. Divers rescued eleven passengers, according to Mayor Ilse Brandt. An inspection "
        "report had flagged rusting cables on the bridge.",
        [("velmora", "Velmora"), ("ilse-brandt", "Ilse Brandt")],
    ),
    (
        "Coastline Daily",
        "2025-04-11",
        "Questions mount after Velmora harbour bridge gives way",
        "A day after the Velmora harbour bridge collapsed, families asked why warnings about "
        "its corroded cables were ignored. Mayor Ilse Brandt promised an independent inquiry "
        "into the collapse, which sent two buses into the water.",
        [("velmora", "Velmora"), ("ilse-brandt", "Ilse Brandt")],
    ),
]

STRIKE = [
    (
        "Velmora Courier",
        "2025-04-10",
        "Teachers in Karsten province walk out over pay",
        "Thousands of teachers in Karsten province went on strike on Thursday, closing most "
        "schools. The Karsten Teachers Union demands a nine percent raise. Education minister "
        "Pavel Orsic called the strike irresponsible.",
        [("karsten", "Karsten"), ("pavel-orsic", "Pavel Orsic")],
    ),
    (
        "The Northern Ledger",
        "2025-04-11",
        "Karsten schools shut as teachers strike for higher wages",
        "Schools across Karsten province stayed shut as teachers struck for a second day. The "
        "union wants a nine percent pay rise; minister Pavel Orsic says the province cannot "
        "afford it.",
        [("karsten", "Karsten"), ("pavel-orsic", "Pavel Orsic")],
    ),
    (
        "Coastline Daily",
        "2025-04-11",
        "Karsten teachers' strike enters second day",
        "The teachers' strike in Karsten province entered its second day with no talks "
        "scheduled. Pavel Orsic, the education minister, repeated that a nine percent raise "
        "was out of reach, while parents scrambled to find childcare.",
        [("karsten", "Karsten"), ("pavel-orsic", "Pavel Orsic")],
    ),
]

LATER = [
    (
        "Coastline Daily",
        "2025-05-20",
        "Velmora opens its new fish market",
        "Velmora opened a new covered fish market on the harbour front on Tuesday. Stall "
        "holders said the building would keep the catch cool through the summer.",
        [("velmora", "Velmora")],
    ),
]


def make_analysis(row: tuple) -> Analysis:  # type: ignore[type-arg]
    outlet, published, title, text, actors = row
    article = Article(text=text, title=title, outlet=outlet, published=published)
    found = []
    for actor_id, name in actors:
        start = text.find(name.split()[-1])
        start = max(start, 0)
        found.append(
            Actor(
                id=actor_id,
                name=name,
                type="person" if " " in name else "place",
                mentions=[Span.of(text, start, start + len(name.split()[-1]))],
                first_mention=FirstMention(start=start, relative=start / len(text)),
                mention_count=2,
                prominence=0.5,
            )
        )
    return Analysis(article=article, pipeline={"nlp": "test", "actors": "3"}, actors=found)


def all_analyses() -> list[Analysis]:
    return [make_analysis(r) for r in BRIDGE + STRIKE + LATER]
