"""Comparison dimensions: each a registered unit that fills its part of the comparison.

A dimension reads the ``StoryContext`` (records only, never NLP, except the sentence
embedder that referents and claim matching share) and writes its fields of the
``Comparison``. ``features`` returns its block of the per-outlet framing vector
(``nearest``); a dimension without a block returns ``{}``. A new analyzer adds a
dimension by registering a class here or in a plugin, without touching the rest.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any, ClassVar

import numpy as np

from ..model import (
    REPORT_KINDS,
    Analysis,
    Comparison,
    LabelCount,
    Neighbour,
    Omission,
    OutletSources,
    QuoteReuse,
    ReuseOccurrence,
    SourceEntry,
    Span,
)
from ..registry import Registry
from .context import StoryContext
from .matching import group_claims, group_quotations, source_type
from .referents import fill_referents

Features = dict[str, dict[str, float]]

#: The comparison dimensions by name: the built-in ones below register on import; an
#: installed package adds more through the ``framelens.dimensions`` entry-point group.
dimensions = Registry("comparison dimension", entry_points="framelens.dimensions")

#: Claims per article matched across outlets for omissions (its most check-worthy).
CLAIMS_PER_ARTICLE = 10


class Dimension:
    """Base class: ``name``, ``version``, ``order`` (run order), ``title`` (for people)."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    order: ClassVar[int] = 50
    title: ClassVar[str] = ""
    #: part of the framing vector behind ``nearest``
    framing: ClassVar[bool] = False
    #: dimensions whose fields this one reads (run first, whatever was asked for)
    needs: ClassVar[tuple[str, ...]] = ()

    def __init__(self, embedder: Any = None):
        self.embedder = embedder

    def fill(self, ctx: StoryContext, out: Comparison) -> None:
        raise NotImplementedError

    def features(self, ctx: StoryContext, out: Comparison) -> Features:
        return {}


def majority(n_outlets: int) -> int:
    """How many outlets make 'most of the story's outlets': more than half, at least two."""
    return max(2, n_outlets // 2 + 1)


@dimensions.register("referents")
class Referents(Dimension):
    name = "referents"
    order = 10
    title = "referents"

    def fill(self, ctx: StoryContext, out: Comparison) -> None:
        fill_referents(ctx, out, self.embedder)


@dimensions.register("labels")
class Labels(Dimension):
    name = "labels"
    order = 20
    title = "labels"
    framing = True

    def fill(self, ctx: StoryContext, out: Comparison) -> None:
        for ref in out.referents:
            for outlet, members in ref.members.items():
                counts: Counter[tuple[str, str]] = Counter()
                for m in members:
                    for _aid, actor in ctx.units[(outlet, m.actor_id)].actors:
                        for lb in actor.labels:
                            counts[(lb.lemma, lb.class_)] += 1
                if not counts:
                    continue
                ref.labels[outlet] = [
                    LabelCount(lemma=lemma, **{"class": cls}, count=n)
                    for (lemma, cls), n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
                ]
                total = sum(counts.values())
                leg = sum(n for (_l, c), n in counts.items() if c == "legitimizing")
                dele = sum(n for (_l, c), n in counts.items() if c == "delegitimizing")
                ref.balance[outlet] = round((leg - dele) / total, 4)

    def features(self, ctx: StoryContext, out: Comparison) -> Features:
        feats: Features = {o: {} for o in ctx.outlets}
        for ref in out.referents:
            if len(ref.members) < 2:
                continue
            for outlet, labels in ref.labels.items():
                total = sum(lc.count for lc in labels) or 1
                for lc in labels:
                    key = f"{ref.id}:{lc.lemma}"
                    feats[outlet][key] = feats[outlet].get(key, 0.0) + lc.count / total
                    ck = f"{ref.id}:class:{lc.class_}"
                    feats[outlet][ck] = feats[outlet].get(ck, 0.0) + lc.count / total
        return feats


@dimensions.register("portrayal")
class Portrayal(Dimension):
    name = "portrayal"
    order = 30
    title = "portrayal"
    framing = True

    def fill(self, ctx: StoryContext, out: Comparison) -> None:
        for ref in out.referents:
            for outlet, members in ref.members.items():
                num = den = 0.0
                for m in members:
                    for _aid, actor in ctx.units[(outlet, m.actor_id)].actors:
                        s = actor.sentiment
                        if s is None:
                            continue
                        sign = {"positive": 1.0, "negative": -1.0}.get(s.label, 0.0)
                        num += sign * s.score * actor.mention_count
                        den += actor.mention_count
                if den:
                    ref.sentiment[outlet] = round(num / den, 4)

    def features(self, ctx: StoryContext, out: Comparison) -> Features:
        feats: Features = {o: {} for o in ctx.outlets}
        for ref in out.referents:
            if len(ref.sentiment) >= 2:
                for outlet, v in ref.sentiment.items():
                    feats[outlet][ref.id] = v
        return feats


@dimensions.register("first_mention")
class FirstMention(Dimension):
    name = "first_mention"
    order = 35
    title = "first mention"

    def fill(self, ctx: StoryContext, out: Comparison) -> None:
        for ref in out.referents:
            for outlet, members in ref.members.items():
                per_article: dict[str, float] = {}
                for m in members:
                    for aid, actor in ctx.units[(outlet, m.actor_id)].actors:
                        rel = actor.first_mention.relative
                        per_article[aid] = min(per_article.get(aid, 1.0), rel)
                if per_article:
                    ref.first_mention[outlet] = round(
                        sum(per_article.values()) / len(per_article), 4
                    )


def _speaker_words(q: Any) -> str:
    sp = q.speaker
    parts = [sp.name] + [d.text for d in sp.descriptions]
    return " ".join(parts)


@dimensions.register("sources")
class Sources(Dimension):
    name = "sources"
    order = 40
    title = "sources"
    framing = True

    def fill(self, ctx: StoryContext, out: Comparison) -> None:
        for outlet, items in ctx.by_outlet.items():
            entries: dict[str, SourceEntry] = {}
            by_type: Counter[str] = Counter()
            by_ref: Counter[str] = Counter()
            n = 0
            for a in items:
                actor_types = {act.id: act.type for act in a.actors}
                for q in a.quotes:
                    # whom the outlet quotes: a stance attributed to a party is not a quote
                    if q.kind not in REPORT_KINDS or q.speaker is None:
                        continue
                    n += 1
                    sp = q.speaker
                    words = _speaker_words(q)
                    if sp.affiliation:
                        aff = ctx.units.get(
                            (outlet, ctx.unit_of_actor.get((outlet, sp.affiliation), ""))
                        )
                        if aff is not None:
                            words += " " + aff.name
                    kind = source_type(words, actor_types.get(sp.actor_id or ""))
                    ref = ctx.referent(outlet, sp.affiliation) or ctx.referent(outlet, sp.actor_id)
                    key = (sp.actor_id or sp.name).lower()
                    entry = entries.get(key)
                    if entry is None:
                        entry = entries[key] = SourceEntry(
                            speaker=sp.name, type=kind, referent=ref, quotes=0
                        )
                    entry.quotes += 1
                    for d in sp.descriptions:
                        if d.text not in entry.introduced_as:
                            entry.introduced_as.append(d.text)
                    by_type[kind] += 1
                    if ref:
                        by_ref[ref] += 1
            out.sources[outlet] = OutletSources(
                sources=sorted(entries.values(), key=lambda e: (-e.quotes, e.speaker)),
                types={k: round(v / n, 4) for k, v in sorted(by_type.items())} if n else {},
                referents={k: round(v / n, 4) for k, v in sorted(by_ref.items())} if n else {},
                quotes=n,
            )

    def features(self, ctx: StoryContext, out: Comparison) -> Features:
        shared = {r.id for r in out.referents if len(r.members) >= 2}
        feats: Features = {}
        for outlet, src in out.sources.items():
            f = {f"type:{k}": v for k, v in src.types.items()}
            f.update({f"ref:{k}": v for k, v in src.referents.items() if k in shared})
            feats[outlet] = f
        return feats


@dimensions.register("quote_reuse")
class QuoteReuseDim(Dimension):
    name = "quote_reuse"
    order = 50
    title = "quote reuse"
    framing = True

    def fill(self, ctx: StoryContext, out: Comparison) -> None:
        items: list[tuple[tuple[str, str], str, str]] = []
        quotes: dict[tuple[str, str], Any] = {}
        for a in ctx.analyses:
            for q in a.quotes:
                if q.kind in ("direct", "mixed"):
                    key = (a.article.id, q.id)
                    quotes[key] = (a, q)
                    items.append((key, a.article.id, q.content.text))
        for group in group_quotations(items):
            occ: list[ReuseOccurrence] = []
            for key in sorted(group):
                a, q = quotes[key]
                outlet = ctx.outlet_by_article[a.article.id]
                intro = None
                if q.speaker is not None:
                    intro = q.speaker.descriptions[0].text if q.speaker.descriptions else None
                    intro = intro or (q.speaker.span.text if q.speaker.span else q.speaker.name)
                if q.cue is not None:
                    intro = f"{intro or '—'} · {q.cue.text}"
                occ.append(
                    ReuseOccurrence(
                        outlet=outlet,
                        article=a.article.id,
                        span=Span(start=q.content.start, end=q.content.end, text=q.content.text),
                        speaker=q.speaker.name if q.speaker else None,
                        introduced_as=intro,
                        published=a.article.published,
                    )
                )
            if len({o.outlet for o in occ}) < 2:
                continue
            occ.sort(key=lambda o: (o.published or "9999", o.outlet, o.article))
            dated = [o for o in occ if o.published]
            first = None
            if dated and (len(dated) == 1 or dated[0].published != dated[1].published):
                first = dated[0].outlet
            text = max(occ, key=lambda o: (len(o.span.text), o.outlet)).span.text
            out.quote_reuse.append(QuoteReuse(text=text, outlets=occ, first=first))
        out.quote_reuse.sort(key=lambda r: (-len({o.outlet for o in r.outlets}), r.text))

    def features(self, ctx: StoryContext, out: Comparison) -> Features:
        feats: Features = {o: {} for o in ctx.outlets}
        for i, r in enumerate(out.quote_reuse):
            for o in {x.outlet for x in r.outlets}:
                feats[o][f"reuse:{i}"] = 1.0
        return feats


@dimensions.register("techniques")
class Techniques(Dimension):
    name = "techniques"
    order = 60
    title = "techniques"
    framing = True

    def fill(self, ctx: StoryContext, out: Comparison) -> None:
        for outlet, items in ctx.by_outlet.items():
            counts: Counter[str] = Counter()
            for a in items:
                counts.update(t.technique for t in a.techniques)
            words = max(ctx.words_of(outlet), 1)
            out.techniques[outlet] = {
                k: round(1000 * v / words, 3) for k, v in sorted(counts.items())
            }

    def features(self, ctx: StoryContext, out: Comparison) -> Features:
        return {o: dict(v) for o, v in out.techniques.items()}


@dimensions.register("omissions")
class Omissions(Dimension):
    name = "omissions"
    order = 70
    needs = ("sources", "quote_reuse")
    title = "omissions"
    framing = True

    def fill(self, ctx: StoryContext, out: Comparison) -> None:
        outlets = ctx.outlets
        need = majority(len(outlets))
        result: dict[str, list[Omission]] = {o: [] for o in outlets}

        def add(kind: str, text: str, by: set[str], ref: str | None) -> None:
            if len(by) < need:
                return
            for o in outlets:
                if o not in by:
                    result[o].append(
                        Omission(kind=kind, text=text, reported_by=sorted(by), ref=ref)
                    )

        for ref in out.referents:
            add("referent", ref.name, set(ref.members), ref.id)
        for i, r in enumerate(out.quote_reuse):
            add("quote", r.text, {o.outlet for o in r.outlets}, f"reuse:{i}")
        speakers: dict[str, set[str]] = defaultdict(set)
        names: dict[str, str] = {}
        for outlet, src in out.sources.items():
            for e in src.sources:
                key = e.speaker.lower()
                speakers[key].add(outlet)
                names.setdefault(key, e.speaker)
        for key in sorted(speakers):
            if " " in names[key] and names[key][:1].isupper():  # a named source
                add("source", names[key], speakers[key], None)
        for text, by in self._claims(ctx):
            add("claim", text, by, None)
        out.omissions = result

    def _claims(self, ctx: StoryContext) -> list[tuple[str, set[str]]]:
        items: list[tuple[tuple[str, str], str, str]] = []
        for a in ctx.analyses:
            # an article's most check-worthy claims: what others would report too
            for claim_id, text in top_claims(a):
                items.append(((a.article.id, claim_id), a.article.id, text))
        if not items or self.embedder is None:
            return []
        text_of = {k: t for k, _, t in items}
        found: list[tuple[str, set[str]]] = []
        for group in group_claims(items, self.embedder.encode):
            by = {ctx.outlet_by_article[aid] for aid, _ in group}
            text = min((text_of[k] for k in group), key=lambda t: (len(t), t))
            found.append((text, by))
        found.sort(key=lambda x: (-len(x[1]), x[0]))
        return found

    def features(self, ctx: StoryContext, out: Comparison) -> Features:
        feats: Features = {o: {} for o in ctx.outlets}
        for outlet, items in out.omissions.items():
            for om in items:
                feats[outlet][f"{om.kind}:{om.ref or om.text}"] = 1.0
        return feats


def top_claims(analysis: Analysis) -> list[tuple[str, str]]:
    """(id, text) of an article's most check-worthy claims: what others would report too,
    compared across outlets by the embedding of their content."""
    top = sorted(analysis.claims, key=lambda c: (-c.score, c.span.start))[:CLAIMS_PER_ARTICLE]
    return [(c.id, (c.content or c.span).text) for c in top]


def dimension_classes() -> list[type[Dimension]]:
    """Every registered dimension, in run order."""
    classes = [dimensions.get(n) for n in dimensions.names()]
    return sorted(classes, key=lambda c: (c.order, c.name))


def framing_vectors(
    ctx: StoryContext, out: Comparison, dims: list[Dimension]
) -> tuple[list[str], dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """Per outlet, one block per framing dimension, each centred across the outlets.

    Centring removes what every outlet shares (the story's topic, the facts all report),
    so what is left is how an outlet differs; each block is then scaled to the same total
    weight so that a dimension with many features does not drown the others.
    """
    outlets = ctx.outlets
    blocks: dict[str, dict[str, np.ndarray]] = {o: {} for o in outlets}
    names: list[str] = []
    for dim in dims:
        if not dim.framing:
            continue
        feats = dim.features(ctx, out)
        keys = sorted({k for f in feats.values() for k in f})
        if not keys:
            continue
        mat = np.array(
            [[feats.get(o, {}).get(k, 0.0) for k in keys] for o in outlets], dtype=np.float64
        )
        mat -= mat.mean(axis=0, keepdims=True)
        scale = math.sqrt(float((mat**2).sum()) / len(outlets))
        if scale < 1e-12:
            continue
        mat /= scale
        names.append(dim.title or dim.name)
        for i, o in enumerate(outlets):
            blocks[o][dim.title or dim.name] = mat[i]
    full = {
        o: np.concatenate([blocks[o][n] for n in names]) if names else np.zeros(0) for o in outlets
    }
    return names, full, blocks


def fill_nearest(ctx: StoryContext, out: Comparison, dims: list[Dimension]) -> None:
    """Rank, for each outlet, the others by cosine of framing vectors, with the 3 drivers."""
    names, full, blocks = framing_vectors(ctx, out, dims)
    for o in ctx.outlets:
        ranked = []
        for p in ctx.outlets:
            if p == o:
                continue
            na, nb = np.linalg.norm(full[o]), np.linalg.norm(full[p])
            if na < 1e-12 or nb < 1e-12:
                sim, parts = 0.0, {}
            else:
                sim = float(full[o] @ full[p] / (na * nb))
                parts = {n: float(blocks[o][n] @ blocks[p][n] / (na * nb)) for n in names}
            drivers = [n for n, v in sorted(parts.items(), key=lambda x: (-x[1], x[0])) if v > 0]
            ranked.append((round(sim, 4), p, drivers[:3]))
        ranked.sort(key=lambda x: (-x[0], x[1]))
        out.nearest[o] = [Neighbour(outlet=p, similarity=s, drivers=d) for s, p, d in ranked]
