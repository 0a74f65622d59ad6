"""What every comparison dimension reads: the story's analyses, pooled by outlet.

A ``StoryContext`` is built once from stored ``Analysis`` records (no NLP is re-run).
It names each article's outlet, pools the actors of one outlet's articles into
``Unit``s (one per outlet and actor id), finds the sentence around every mention
with a linear sweep, and holds the referent alignment once it is made.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Errors
from ..model import Actor, Analysis, Span
from ..text.lexicons import word_set

#: Actor types aligned by what the texts say of them; people and places align by name only.
PARTY_TYPES = frozenset({"group", "organisation", "state", "other"})

_SENT_BREAK = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n\s*\n|\n")
_DUP_SUFFIX = re.compile(r"-\d+$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_TOKEN = re.compile(r"\S+")


def outlet_of(analysis: Analysis) -> str:
    """The outlet: its metadata, else the site name of its URL, else its file name."""
    art = analysis.article
    if art.outlet and art.outlet.strip():
        return " ".join(art.outlet.split())
    if art.url:
        host = urlsplit(art.url).hostname or ""
        host = host.removeprefix("www.")
        if host:
            return host
    if art.source:
        name = Path(art.source.split(":", 1)[0]).name
        stem = name.split(".", 1)[0]
        if stem:
            return stem
    return ""


def base_id(actor_id: str) -> str:
    """``army-2`` (the second actor the analyzer called army in one text) -> ``army``."""
    return _DUP_SUFFIX.sub("", actor_id)


def lemma_of(word: str) -> str:
    """A crude English singular for matching label words across texts, no model needed."""
    w = word.lower().strip("'’")
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ses", "xes", "ches", "shes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def words(text: str) -> list[str]:
    return [m.group(0).lower() for m in _WORD.finditer(text)]


class Sentences:
    """Sentence bounds of one text, found once; ``around(start)`` is a binary search."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in _SENT_BREAK.finditer(text)]

    def around(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, start) - 1
        s = self.starts[max(i, 0)]
        j = bisect.bisect_left(self.starts, end)
        e = self.starts[j] if j < len(self.starts) else len(self.text)
        return s, e


@dataclass
class Unit:
    """One outlet's actor, pooled over that outlet's articles by actor id."""

    outlet: str
    key: str
    type: str
    names: Counter[str] = field(default_factory=Counter)
    actors: list[tuple[str, Actor]] = field(default_factory=list)  # (article id, actor)
    mentions: int = 0
    #: masked sentences around its mentions, for context embeddings
    contexts: list[str] = field(default_factory=list)
    #: content words around its mentions, label words removed
    terms: Counter[str] = field(default_factory=Counter)
    #: words the writer uses for it (label lemmas of construction "name", name tokens)
    name_words: set[str] = field(default_factory=set)

    @property
    def uid(self) -> tuple[str, str]:
        return (self.outlet, self.key)

    @property
    def name(self) -> str:
        return self.names.most_common(1)[0][0] if self.names else self.key


#: Words that carry no context of their own (function words and reporting verbs), from
#: resources/lexicons/stop_words.toml.
STOP = word_set("stop_words", "context")


@dataclass
class StoryContext:
    """The analyses of one story, by outlet, with the units the dimensions compare."""

    analyses: list[Analysis]
    outlet_by_article: dict[str, str]
    by_outlet: dict[str, list[Analysis]]
    units: dict[tuple[str, str], Unit]
    #: (outlet, actor id as in the analysis) -> unit key
    unit_of_actor: dict[tuple[str, str], str]
    sentences: dict[str, Sentences]
    #: unit uid -> referent id, filled by the referents dimension
    referent_of: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def outlets(self) -> list[str]:
        return list(self.by_outlet)

    def words_of(self, outlet: str) -> int:
        total = 0
        for a in self.by_outlet[outlet]:
            s = a.technique_summary
            total += s.words if s and s.words else len(a.article.text.split())
        return total

    def referent(self, outlet: str, actor_id: str | None) -> str | None:
        if not actor_id:
            return None
        key = self.unit_of_actor.get((outlet, actor_id))
        return self.referent_of.get((outlet, key)) if key else None


def build_context(analyses: Sequence[Analysis]) -> StoryContext:
    """Pool ``analyses`` by outlet; raises ``InputError`` when there is nothing to compare."""
    if not analyses:
        raise Errors.E120(
            "no articles to compare",
            fix="give at least two articles from two outlets",
        )
    seen: set[str] = set()
    kept: list[Analysis] = []
    for a in analyses:
        if a.article.id not in seen:
            seen.add(a.article.id)
            kept.append(a)
    outlet_by_article: dict[str, str] = {}
    by_outlet: dict[str, list[Analysis]] = defaultdict(list)
    missing: list[str] = []
    for a in kept:
        name = outlet_of(a)
        if not name:
            missing.append(a.article.source or a.article.id)
            continue
        outlet_by_article[a.article.id] = name
        by_outlet[name].append(a)
    if missing:
        raise Errors.E121(
            f"{len(missing)} article(s) have no outlet: {', '.join(missing[:3])}",
            fix="give each article an 'outlet' (JSONL field or HTML site name) or a URL",
        )
    if len(kept) < 2:
        raise Errors.E120(
            "only one article: a comparison needs at least two",
            fix="give articles about the same story from two or more outlets",
        )
    if len(by_outlet) < 2:
        only = next(iter(by_outlet))
        raise Errors.E122(
            f"all {len(kept)} articles are from one outlet ({only!r})",
            fix="give articles from two or more outlets (their 'outlet' metadata differs)",
            value=only,
        )
    langs = {a.article.lang for a in kept if a.article.lang}
    if len(langs) > 1:
        raise Errors.E123(
            f"the articles are in several languages ({', '.join(sorted(langs))})",
            fix="compare articles in one language; framelens reads English",
        )
    ordered = {o: by_outlet[o] for o in sorted(by_outlet)}
    sentences = {a.article.id: Sentences(a.article.text) for a in kept}
    units: dict[tuple[str, str], Unit] = {}
    unit_of_actor: dict[tuple[str, str], str] = {}
    for outlet, items in ordered.items():
        for a in items:
            add_units(units, unit_of_actor, outlet, a, sentences[a.article.id])
    return StoryContext(
        analyses=kept,
        outlet_by_article=outlet_by_article,
        by_outlet=ordered,
        units=units,
        unit_of_actor=unit_of_actor,
        sentences=sentences,
    )


def add_units(
    units: dict[tuple[str, str], Unit],
    unit_of_actor: dict[tuple[str, str], str],
    outlet: str,
    analysis: Analysis,
    sents: Sentences,
) -> None:
    """Pool the actors of one article of ``outlet`` into its units, with their contexts."""
    for actor in analysis.actors:
        key = base_id(actor.id)
        unit = units.get((outlet, key))
        if unit is None:
            unit = units[(outlet, key)] = Unit(outlet, key, actor.type)
        unit.names[actor.name] += actor.mention_count
        unit.actors.append((analysis.article.id, actor))
        unit.mentions += actor.mention_count
        unit_of_actor[(outlet, actor.id)] = key
        collect_context(unit, analysis, actor, sents)


#: Words of context kept on each side of a mention (inside its sentence, and never past
#: another actor's mention): what the party does, where and to whom, not the whole story.
WINDOW = 12


def collect_context(unit: Unit, analysis: Analysis, actor: Actor, sents: Sentences) -> None:
    """Masked local contexts and context words around each mention of ``actor``.

    The actor's own mention becomes "X", every evaluative label word nearby (any actor's)
    is dropped, and the window stops at another actor's mention, so two outlets that call
    one party by opposite names still share its contexts ("X hold the northern districts").
    """
    text = analysis.article.text
    evaluative: list[Span] = [
        lb.span
        for other in analysis.actors
        for lb in other.labels
        if lb.class_ in ("delegitimizing", "legitimizing")
    ]
    others = sorted(
        (m.start, m.end)
        for other in analysis.actors
        if other.id != actor.id
        for m in other.mentions
    )
    own = sorted(actor.mentions, key=lambda m: m.start)
    for lb in actor.labels:
        if lb.construction == "name":
            unit.name_words.add(lemma_of(lb.lemma))
    for w in words(actor.name):
        if w not in STOP:
            unit.name_words.add(lemma_of(w))
    for m in own[:12]:
        s, e = sents.around(m.start, m.end)
        i = bisect.bisect_left(others, (m.start, m.start))
        left = max([s] + [b for a, b in others[max(i - 3, 0) : i] if b <= m.start])
        right = min([e] + [a for a, b in others[i : i + 3] if a >= m.end])
        before = [x.start() for x in _TOKEN.finditer(text, left, m.start)][-WINDOW:]
        after = [x.end() for x in _TOKEN.finditer(text, m.end, right)][:WINDOW]
        lo = before[0] if before else m.start
        hi = after[-1] if after else m.end
        cuts = [(x.start, x.end, 0) for x in own if lo <= x.start and x.end <= hi]
        cuts += [(x.start, x.end, 1) for x in evaluative if lo <= x.start and x.end <= hi]
        cuts.sort(key=lambda c: (c[0], c[2]))
        pieces: list[str] = []
        pos = lo
        for a, b, kind in cuts:
            if a < pos:
                continue
            pieces.append(text[pos:a])
            pieces.append("X" if kind == 0 else "")
            pos = b
        pieces.append(text[pos:hi])
        masked = " ".join("".join(pieces).split())
        if masked in unit.contexts:
            continue
        unit.contexts.append(masked)
        for w in words(masked):
            lw = lemma_of(w)
            if w in STOP or lw in unit.name_words or len(w) < 3 or w in ("x's", "x’s"):
                continue
            unit.terms[lw] += 1
