"""Typed, JSON-able records: the output contract of framelens.

Every finding is a plain record whose offsets are character offsets into
``Article.text`` (``text[start:end] == span.text``). Reports, the store and
comparisons read these records only; they never re-run NLP. Keys are stable:
extend, don't rename (``SCHEMA`` names the contract version).
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import Errors

SCHEMA = "framelens.analysis/1"


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Span(Record):
    """A stretch of ``Article.text``: ``text[start:end] == span.text``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        """The span ``[start, end)`` of ``text``."""
        return cls(start=start, end=end, text=text[start:end])


class Article(Record):
    """One article. ``id`` is a content hash of outlet and text."""

    id: str = ""
    text: str
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    lang: str | None = None
    source: str | None = Field(
        default=None, description="file (and line) the article was read from"
    )

    def model_post_init(self, __context: Any) -> None:
        if not self.id:
            self.id = content_id(self.text, self.outlet)


def content_id(text: str, outlet: str | None = None) -> str:
    """Stable id: the same text from the same outlet is the same article."""
    digest = hashlib.sha256(f"{outlet or ''}\n{text}".encode()).hexdigest()
    return digest[:20]


# ---- quotes -----------------------------------------------------------------

QuoteKind = Literal["direct", "mixed", "indirect", "stance", "scare", "title"]
#: The kinds that report a source's words. A stance is a position or act the writer
#: attributes ("the union backed the strike"), a scare quote the writer's own distance,
#: a title a work's name: none of them is whom the writer quotes.
REPORT_KINDS: frozenset[str] = frozenset(("direct", "mixed", "indirect"))


class Speaker(Record):
    name: str
    span: Span | None = None
    resolved_from: Span | None = Field(
        default=None, description="pronoun or description the name was resolved from"
    )
    mention: Span | None = Field(
        default=None,
        description="the whole phrase that names the speaker at this quote, as written, "
        "with its appositives and clauses: 'Tim Hess, a developer in Virginia, who ...' "
        "(for a quotation that continues a speaker's run, where the run named them); "
        "none for a pronoun",
    )
    actor_id: str | None = None
    descriptions: list[Span] = Field(default_factory=list)
    affiliation: str | None = Field(default=None, description="actor id of the organisation")
    introduced: str | None = Field(
        default=None,
        description="how the speaker is named at this quote: name | pronoun | role | "
        "organisation | document | relative | headline | social",
    )
    audience: Mention | None = Field(
        default=None, description="whom the speaker told: 'she told Reuters' -> Reuters"
    )
    via: Mention | None = Field(
        default=None,
        description="who passes the words on: 'X quotes Y as saying', 'a statement carried "
        "by Z' -> X, Z",
    )


class Mention(Record):
    """A party named in the text, with the actor it is, where known."""

    name: str
    span: Span | None = None
    actor_id: str | None = None


class Quote(Record):
    id: str
    kind: QuoteKind
    span: Span
    content: Span
    cue: Span | None = None
    speaker: Speaker | None = None
    co_speakers: list[Speaker] = Field(
        default_factory=list,
        description="the other parties to a joint statement: in 'Turkey, Qatar and Saudi "
        "Arabia blame Kessel' the speaker is Turkey, the co-speakers Qatar and Saudi Arabia",
    )
    confidence: float = 1.0
    analyzer: str = ""


# ---- actors -----------------------------------------------------------------

ActorType = Literal["person", "organisation", "state", "group", "place", "other"]


class FirstMention(Record):
    start: int
    relative: float = Field(description="start / len(article.text)")


class Enumeration(Record):
    span: Span
    rank: int = Field(description="1-based position of the actor in the list")
    size: int = Field(description="number of items in the list")


class Label(Record):
    span: Span
    lemma: str
    class_: str = Field(alias="class", description="delegitimizing | legitimizing | neutral")
    construction: str | None = Field(
        default=None,
        description="name | compound | premodifier | appositive | possessive | predicate "
        "| adjective",
    )


class MentionSentiment(Record):
    span: Span
    label: Literal["negative", "neutral", "positive"]
    score: float


class Sentiment(Record):
    label: Literal["negative", "neutral", "positive"]
    score: float
    by_mention: list[MentionSentiment] = Field(default_factory=list)
    analyzer: str = ""


class Actor(Record):
    id: str
    name: str
    type: ActorType
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Span] = Field(default_factory=list)
    first_mention: FirstMention
    mention_count: int
    prominence: float = 0.0
    in_title: bool = False
    only_quoted: bool = Field(
        default=False,
        description="every mention is inside quotation marks: the writer never names this "
        "actor in their own voice (a quoted source's word, or a label in scare quotes)",
    )
    enumerations: list[Enumeration] = Field(default_factory=list)
    labels: list[Label] = Field(default_factory=list)
    sentiment: Sentiment | None = None
    analyzer: str = ""


class Relation(Record):
    source: str = Field(description="actor id")
    target: str = Field(description="actor id")
    type: Literal["backs", "allies", "attacks", "blames", "opposes"]
    span: Span
    negated: bool = False
    hedged: bool = False
    score: float = 1.0
    antecedents: list[Span] = Field(
        default_factory=list,
        description="the actor mentions that pronoun arguments inside span stand for",
    )
    analyzer: str = ""


# ---- rhetoric -----------------------------------------------------------------


class Technique(Record):
    span: Span
    technique: str
    score: float
    analyzer: str = ""


class TechniqueSummary(Record):
    counts: dict[str, int] = Field(default_factory=dict)
    words: int = 0
    density_per_1000_words: float = 0.0


# ---- claims -----------------------------------------------------------------


class Quantity(Record):
    span: Span
    kind: Literal["number", "percent", "money", "date", "time", "quantity", "ordinal"]
    value: float | None = None
    unit: str | None = None
    normalized: str | None = None
    qualifier: Literal["exactly", "about", "at_least", "at_most", "range"] | None = Field(
        default=None,
        description="how the figure is hedged: 'just 15' exactly, 'nearly 40' about (within "
        "10 %), 'at least 20' / 'more than 300' at_least, 'up to 5,000' at_most, 'between "
        "30 and 40' or 'hundreds of' range (value to high); None for dates, times, ordinals",
    )
    high: float | None = Field(default=None, description="upper end of a range")


class Passage(Record):
    doc: str
    span: Span
    text: str


class Verdict(Record):
    collection: str
    passage: Passage
    label: Literal["supports", "refutes", "not-enough-info"]
    score: float
    retrieval_score: float | None = None
    analyzer: str = ""


class Claim(Record):
    id: str
    span: Span
    score: float
    actors: list[str] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    content: Span | None = Field(
        None,
        description="what the verdicts judge when the claim reports someone's words: the "
        "quotation or that-clause ('41 civilians were killed' in 'The ministry said that 41 "
        "civilians were killed'); None when the writer asserts the claim",
    )
    quote: str | None = Field(None, description="id of the quote whose content that is")
    verdicts: list[Verdict] = Field(default_factory=list)
    analyzer: str = ""


class ContradictionSpeaker(Record):
    """Who states one side of a contradiction (a quoted or reported source)."""

    side: Literal["a", "b"]
    name: str
    quote: str | None = Field(default=None, description="id of the quote the claim is in")
    actor_id: str | None = None


class Contradiction(Record):
    a: Span
    b: Span
    score: float
    reason: str
    kind: Literal["self", "disagreement"] = Field(
        default="self",
        description="self: the writer's own claims, or one source, contradict each other; "
        "disagreement: two different sources quoted in the article disagree",
    )
    speakers: list[ContradictionSpeaker] = Field(
        default_factory=list,
        description="the sources of the sides that are attributed (both for a disagreement)",
    )
    analyzer: str = ""


# ---- the whole analysis -------------------------------------------------------


class Failure(Record):
    """A document that could not be analysed, recorded instead of stopping a batch."""

    source: str
    stage: str
    code: str
    message: str
    fix: str = ""
    article_id: str | None = None

    @classmethod
    def from_error(
        cls, source: str, stage: str, exc: Exception, article_id: str | None = None
    ) -> Failure:
        code = getattr(exc, "code", Errors.E500.code)
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        return cls(
            source=source,
            stage=stage,
            code=code,
            message=message,
            fix=getattr(exc, "fix", ""),
            article_id=article_id,
        )

    def line(self) -> str:
        """One line for people: ``CODE message — fix``."""
        return f"{self.code} {self.message}" + (f" — {self.fix}" if self.fix else "")


class Analysis(Record):
    schema_: str = Field(default=SCHEMA, alias="schema")
    article: Article
    pipeline: dict[str, str] = Field(default_factory=dict)
    quotes: list[Quote] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    techniques: list[Technique] = Field(default_factory=list)
    technique_summary: TechniqueSummary | None = None
    claims: list[Claim] = Field(default_factory=list)
    contradictions: list[Contradiction] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(by_alias=True, indent=indent)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    @classmethod
    def from_json(cls, data: str | bytes) -> Analysis:
        return cls.model_validate_json(data)

    def to_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Flat rows per record type (``TABLE_COLUMNS``): what ``to_pandas`` tabulates."""
        return analysis_rows(self)

    def to_pandas(self) -> dict[str, Any]:
        """One pandas ``DataFrame`` per record type, by name (``TABLE_COLUMNS``): articles,
        quotes, actors, mentions, labels, portrayals, enumerations, relations, techniques,
        claims, quantities, verdicts, contradictions. Every frame has the columns even when
        empty, and starts with ``article_id``, so frames of many analyses concatenate.
        Needs pandas (``pip install 'framelens[pandas]'``)."""
        try:
            import pandas as pd
        except ImportError:
            from .errors import ModelError

            raise ModelError(
                "Analysis.to_pandas needs pandas, which is not installed",
                fix="pip install 'framelens[pandas]' (or pip install pandas)",
                value="pandas",
            ) from None
        return {
            name: pd.DataFrame(rows, columns=list(TABLE_COLUMNS[name]))
            for name, rows in self.to_rows().items()
        }


#: Columns of each table of ``Analysis.to_rows``/``to_pandas``; the names follow the Parquet
#: datasets of ``framelens batch`` where both have a column. Extend, don't rename.
_BASE = ("article_id", "outlet", "published")
_SPAN_COLS = ("start", "end", "text")
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": (
        *("article_id", "title", "author", "outlet", "url", "published", "lang", "source"),
        *("chars", "words"),
    ),
    "quotes": (
        *_BASE,
        *("quote_id", "kind", *_SPAN_COLS, "content", "content_start", "content_end", "cue"),
        *("speaker", "speaker_actor_id", "affiliation", "co_speakers", "confidence", "analyzer"),
    ),
    "actors": (
        *(*_BASE, "actor_id", "name", "type", "aliases", "mention_count", "first_mention"),
        *("first_mention_relative", "prominence", "in_title", "only_quoted", "sentiment"),
        *("sentiment_score", "analyzer"),
    ),
    "mentions": (*_BASE, "actor_id", *_SPAN_COLS),
    "labels": (*_BASE, "actor_id", "actor", "lemma", "class", "construction", *_SPAN_COLS),
    "portrayals": (*_BASE, "actor_id", "actor", "label", "score", *_SPAN_COLS),
    "enumerations": (*_BASE, "actor_id", "actor", "rank", "size", *_SPAN_COLS),
    "relations": (
        *(*_BASE, "source", "target", "type", *_SPAN_COLS, "negated", "hedged", "score"),
        "analyzer",
    ),
    "techniques": (*_BASE, "technique", *_SPAN_COLS, "score", "analyzer"),
    "claims": (
        *(*_BASE, "claim_id", *_SPAN_COLS, "score", "actors", "content", "quote_id"),
        *("verdicts", "analyzer"),
    ),
    "quantities": (*_BASE, "claim_id", "kind", "value", "unit", "normalized", *_SPAN_COLS),
    "verdicts": (
        *(*_BASE, "claim_id", "collection", "doc", "passage", "label", "score"),
        *("retrieval_score", "analyzer"),
    ),
    "contradictions": (
        *(*_BASE, "a_start", "a_end", "a_text", "b_start", "b_end", "b_text", "score"),
        *("reason", "analyzer"),
    ),
}


def analysis_rows(analysis: Analysis) -> dict[str, list[dict[str, Any]]]:
    """``Analysis.to_rows``: one dict per record, keyed by the table's columns."""
    a = analysis.article
    base: dict[str, Any] = {"article_id": a.id, "outlet": a.outlet, "published": a.published}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_COLUMNS}

    def span(s: Span) -> dict[str, Any]:
        return {"start": s.start, "end": s.end, "text": s.text}

    rows["articles"].append(
        {
            **base,
            **a.model_dump(include={"title", "author", "url", "lang", "source"}),
            "chars": len(a.text),
            "words": len(a.text.split()),
        }
    )
    for q in analysis.quotes:
        sp = q.speaker
        rows["quotes"].append(
            {
                **base,
                "quote_id": q.id,
                "kind": q.kind,
                **span(q.span),
                "content": q.content.text,
                "content_start": q.content.start,
                "content_end": q.content.end,
                "cue": q.cue.text if q.cue else None,
                "speaker": sp.name if sp else None,
                "speaker_actor_id": sp.actor_id if sp else None,
                "affiliation": sp.affiliation if sp else None,
                "co_speakers": [c.name for c in q.co_speakers],
                "confidence": q.confidence,
                "analyzer": q.analyzer,
            }
        )
    for act in analysis.actors:
        who = {**base, "actor_id": act.id}
        rows["actors"].append(
            {
                **who,
                "name": act.name,
                "type": act.type,
                "aliases": list(act.aliases),
                "mention_count": act.mention_count,
                "first_mention": act.first_mention.start,
                "first_mention_relative": act.first_mention.relative,
                "prominence": act.prominence,
                "in_title": act.in_title,
                "only_quoted": act.only_quoted,
                "sentiment": act.sentiment.label if act.sentiment else None,
                "sentiment_score": act.sentiment.score if act.sentiment else None,
                "analyzer": act.analyzer,
            }
        )
        rows["mentions"].extend({**who, **span(m)} for m in act.mentions)
        who["actor"] = act.name
        rows["labels"].extend(
            {
                **who,
                "lemma": lab.lemma,
                "class": lab.class_,
                "construction": lab.construction,
                **span(lab.span),
            }
            for lab in act.labels
        )
        by_mention = act.sentiment.by_mention if act.sentiment else []
        rows["portrayals"].extend(
            {**who, "label": m.label, "score": m.score, **span(m.span)} for m in by_mention
        )
        rows["enumerations"].extend(
            {**who, "rank": e.rank, "size": e.size, **span(e.span)} for e in act.enumerations
        )
    for r in analysis.relations:
        rows["relations"].append(
            {
                **base,
                **r.model_dump(include={"source", "target", "type"}),
                **span(r.span),
                **r.model_dump(include={"negated", "hedged", "score", "analyzer"}),
            }
        )
    for t in analysis.techniques:
        rows["techniques"].append(
            {
                **base,
                "technique": t.technique,
                **span(t.span),
                "score": t.score,
                "analyzer": t.analyzer,
            }
        )
    for c in analysis.claims:
        rows["claims"].append(
            {
                **base,
                "claim_id": c.id,
                **span(c.span),
                "score": c.score,
                "actors": list(c.actors),
                "content": c.content.text if c.content else None,
                "quote_id": c.quote,
                "verdicts": len(c.verdicts),
                "analyzer": c.analyzer,
            }
        )
        rows["quantities"].extend(
            {
                **base,
                "claim_id": c.id,
                **qt.model_dump(include={"kind", "value", "unit", "normalized"}),
                **span(qt.span),
            }
            for qt in c.quantities
        )
        rows["verdicts"].extend(
            {
                **base,
                "claim_id": c.id,
                "collection": v.collection,
                "doc": v.passage.doc,
                "passage": v.passage.text,
                "label": v.label,
                "score": v.score,
                "retrieval_score": v.retrieval_score,
                "analyzer": v.analyzer,
            }
            for v in c.verdicts
        )
    for x in analysis.contradictions:
        rows["contradictions"].append(
            {
                **base,
                **{f"a_{k}": v for k, v in span(x.a).items()},
                **{f"b_{k}": v for k, v in span(x.b).items()},
                "score": x.score,
                "reason": x.reason,
                "analyzer": x.analyzer,
            }
        )
    return rows


# ---- stories --------------------------------------------------------------------


class Story(Record):
    """Stored articles about one event, grouped automatically or defined by hand.

    ``id`` is a stable hash of the sorted article ids (``framelens.corpus.stories``);
    ``since``/``until`` are the earliest and latest publication dates of its articles.
    """

    id: str
    title: str
    articles: list[str] = Field(default_factory=list, description="article ids")
    outlets: list[str] = Field(default_factory=list)
    method: Literal["auto", "manual", "paths"] = Field(
        default="auto", description="auto (grouped), manual (defined), paths (compared files)"
    )
    since: str | None = None
    until: str | None = None
    terms: list[str] = Field(default_factory=list, description="distinctive title/lead terms")
    actors: list[str] = Field(default_factory=list, description="top actor names")


def json_schema() -> dict[str, Any]:
    """JSON Schema of ``Analysis`` (what ``framelens schema`` prints)."""
    schema = Analysis.model_json_schema(by_alias=True, mode="serialization")
    schema["$id"] = SCHEMA
    schema["title"] = "framelens analysis"
    return schema


def iter_spans(value: Any) -> Any:
    """Yield every article ``Span`` nested in a record (evidence passages point elsewhere)."""
    if isinstance(value, Passage):
        return
    if isinstance(value, Span):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from iter_spans(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from iter_spans(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_spans(item)


# ---- comparison across outlets ---------------------------------------------------

COMPARISON_SCHEMA = "framelens.comparison/1"


class OutletArticles(Record):
    outlet: str
    articles: list[str] = Field(default_factory=list, description="article ids")


class ReferentMember(Record):
    """One outlet's actor that stands for the referent, and how sure the alignment is."""

    actor_id: str
    name: str
    article: str = Field(description="id of the (first) article the actor is found in")
    score: float = Field(description="alignment score in [0, 1]; 1.0 for the seed member")
    evidence: list[str] = Field(
        default_factory=list, description="what aligned it: alias, bridge, context, relations"
    )


class LabelCount(Record):
    lemma: str
    class_: str = Field(alias="class", description="delegitimizing | legitimizing | neutral")
    count: int


class Referent(Record):
    """One party of the story, with each outlet's names and labels for it."""

    id: str
    name: str
    type: str = "other"
    members: dict[str, list[ReferentMember]] = Field(default_factory=dict)
    labels: dict[str, list[LabelCount]] = Field(default_factory=dict)
    balance: dict[str, float] = Field(
        default_factory=dict,
        description="(legitimizing - delegitimizing) / all labels of the cell, in [-1, 1]",
    )
    sentiment: dict[str, float] = Field(
        default_factory=dict, description="mean sentiment toward the referent in [-1, 1]"
    )
    first_mention: dict[str, float] = Field(
        default_factory=dict, description="first mention as a fraction of the article (mean)"
    )


class SourceEntry(Record):
    speaker: str
    type: str = Field(
        description="official | military | un_ngo | armed_group | civilian | expert | "
        "document | unknown"
    )
    referent: str | None = Field(default=None, description="referent id the source speaks for")
    quotes: int
    introduced_as: list[str] = Field(default_factory=list)


class OutletSources(Record):
    sources: list[SourceEntry] = Field(default_factory=list)
    types: dict[str, float] = Field(default_factory=dict, description="share of quotes by type")
    referents: dict[str, float] = Field(
        default_factory=dict, description="share of quotes that goes to each referent"
    )
    quotes: int = 0


class ReuseOccurrence(Record):
    outlet: str
    article: str
    span: Span = Field(description="offsets into that article's text")
    speaker: str | None = None
    introduced_as: str | None = None
    published: str | None = None


class QuoteReuse(Record):
    text: str
    outlets: list[ReuseOccurrence] = Field(default_factory=list)
    first: str | None = Field(default=None, description="outlet that published it first")


class Omission(Record):
    kind: Literal["referent", "quote", "claim", "source"]
    text: str
    reported_by: list[str] = Field(default_factory=list)
    ref: str | None = Field(default=None, description="referent or reuse-cluster id")


class Neighbour(Record):
    outlet: str
    similarity: float
    drivers: list[str] = Field(default_factory=list)


class Comparison(Record):
    schema_: str = Field(default=COMPARISON_SCHEMA, alias="schema")
    story: Story
    outlets: list[OutletArticles] = Field(default_factory=list)
    referents: list[Referent] = Field(default_factory=list)
    sources: dict[str, OutletSources] = Field(default_factory=dict)
    quote_reuse: list[QuoteReuse] = Field(default_factory=list)
    techniques: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="outlet -> technique -> spans per 1,000 words"
    )
    omissions: dict[str, list[Omission]] = Field(default_factory=dict)
    nearest: dict[str, list[Neighbour]] = Field(default_factory=dict)
    dimensions: dict[str, str] = Field(
        default_factory=dict, description="comparison dimension -> version that filled it"
    )
    warnings: list[str] = Field(default_factory=list)

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(by_alias=True, indent=indent)

    @classmethod
    def from_json(cls, data: str | bytes) -> Comparison:
        return cls.model_validate_json(data)


def comparison_schema() -> dict[str, Any]:
    """JSON Schema of ``Comparison`` (``framelens schema --comparison``)."""
    schema = Comparison.model_json_schema(by_alias=True, mode="serialization")
    schema["$id"] = COMPARISON_SCHEMA
    schema["title"] = "framelens comparison"
    return schema
