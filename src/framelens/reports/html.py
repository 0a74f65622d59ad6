"""Self-contained HTML report: the article with highlighted findings, and tables.

Rendered from ``Analysis`` records alone. Every string that comes from the
article (or its metadata) goes through Jinja2's autoescaping; class names and
colours are generated here from indices, never from article text.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..model import Analysis
from . import summaries
from .graph import relation_graph, relation_legend

# Colour-blind-friendly palette (Okabe-Ito plus tints), cycled.
PALETTE = [
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#0072B2",
    "#F0E442",
    "#999999",
    "#8c564b",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
]
LABEL_CLASSES = ("delegitimizing", "legitimizing", "neutral")


@dataclass
class Segment:
    text: str
    classes: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Layer:
    start: int
    end: int
    css: str
    title: str
    attrs: dict[str, str] = field(default_factory=dict)


def _layers(
    analysis: Analysis,
    speaker_index: dict[str, int],
    actor_index: dict[str, int],
    tech_index: dict[str, int],
) -> list[Layer]:
    layers: list[Layer] = []
    for act in analysis.actors:
        i = actor_index[act.id] % len(PALETTE)
        for m in act.mentions:
            layers.append(
                Layer(m.start, m.end, f"act act-{i}", f"actor: {act.name}", {"data-actor": act.id})
            )
        for j, lb in enumerate(act.labels):
            css = lb.class_ if lb.class_ in LABEL_CLASSES else "neutral"
            layers.append(
                Layer(
                    lb.span.start,
                    lb.span.end,
                    f"lbl lbl-{css}",
                    f"label of {act.name}: {lb.lemma} ({lb.class_})",
                    {"data-actor": act.id, "data-label": str(j)},
                )
            )
    # data-* attributes name the finding (its index in the analysis) for the web view's
    # click-to-show; the static report ignores them.
    for qi, q in enumerate(analysis.quotes):
        if q.kind == "scare":
            layers.append(
                Layer(q.span.start, q.span.end, "scare", "scare quote", {"data-quote": str(qi)})
            )
        elif q.kind == "title":
            layers.append(Layer(q.span.start, q.span.end, "wtitle", "title of a work"))
        else:
            who = summaries.speaker_names(q)
            key = _speaker_key(
                q.speaker.actor_id if q.speaker else None, q.speaker.name if q.speaker else None
            )
            # Quotes nobody is said to have said keep the plain quote background.
            colour = f"spk-{speaker_index.get(key, 0) % len(PALETTE)}" if q.speaker else "spk-none"
            layers.append(
                Layer(
                    q.content.start,
                    q.content.end,
                    f"q q-{q.kind} {colour}",
                    f"stance of {who}" if q.kind == "stance" else f"{q.kind} quote — {who}",
                    {"data-quote": str(qi)},
                )
            )
            if q.cue is not None:
                layers.append(Layer(q.cue.start, q.cue.end, "cue", "reporting verb"))
            for sp in [q.speaker, *q.co_speakers] if q.speaker is not None else []:
                if sp.span is not None:
                    layers.append(Layer(sp.span.start, sp.span.end, "spk", f"speaker: {who}"))
            if q.speaker is not None and q.speaker.resolved_from is not None:
                src = q.speaker.resolved_from
                layers.append(Layer(src.start, src.end, "spk", f"speaker: {who} (resolved)"))
    for ti, t in enumerate(analysis.techniques):
        layers.append(
            Layer(
                t.span.start,
                t.span.end,
                f"tech tech-{tech_index[t.technique] % len(PALETTE)}",
                f"{t.technique} ({t.score:.2f})",
                {"data-tech": str(ti)},
            )
        )
    for ci, c in enumerate(analysis.claims):
        layers.append(
            Layer(
                c.span.start,
                c.span.end,
                "claim",
                f"check-worthy claim ({c.score:.2f})",
                {"id": f"claim-{c.id}", "data-claim": str(ci)},
            )
        )
    for ki, k in enumerate(analysis.contradictions):
        title = f"contradiction: {k.reason}"
        if k.kind == "disagreement":
            title = f"sources disagree ({' vs '.join(s.name for s in k.speakers)}): {k.reason}"
        for s in (k.a, k.b):
            layers.append(Layer(s.start, s.end, "contra", title, {"data-contra": str(ki)}))
    return layers


def _speaker_key(actor_id: str | None, name: str | None) -> str:
    return actor_id or (name or "").lower()


def segments(text: str, layers: list[Layer]) -> list[Segment]:
    """Cut ``text`` at every layer boundary; each piece carries the layers covering it."""
    bounds = {0, len(text)}
    for layer in layers:
        if 0 <= layer.start < layer.end <= len(text):
            bounds.update((layer.start, layer.end))
    cuts = sorted(bounds)
    # A sweep over the cuts: layers enter when the sweep reaches their start and leave once
    # a piece ends past their end, so each piece looks only at the layers covering it, not
    # at every layer (quadratic: 20k highlighted spans took 16 s).
    pending = sorted(range(len(layers)), key=lambda n: layers[n].start)
    by_end: list[tuple[int, int]] = []  # heap of (end, layer number) of the active layers
    active: set[int] = set()
    nxt = 0
    out: list[Segment] = []
    for a, b in pairwise(cuts):
        while nxt < len(pending) and layers[pending[nxt]].start <= a:
            n = pending[nxt]
            nxt += 1
            if layers[n].end >= b:
                active.add(n)
                heapq.heappush(by_end, (layers[n].end, n))
        while by_end and by_end[0][0] < b:
            active.discard(heapq.heappop(by_end)[1])
        seg = Segment(text[a:b])
        # In the layers' own order, as a scan of every layer would add them.
        for n in sorted(active):
            layer = layers[n]
            seg.classes.extend(layer.css.split())
            seg.titles.append(layer.title)
            seg.attrs.update(layer.attrs)
        out.append(seg)
    return out


_env: Environment | None = None


def paragraphs(text: str) -> Markup:
    """Escape ``text`` and follow each newline with a small gap so paragraphs read apart.

    The newline itself stays, so the page's text is still exactly the article text.
    """
    return Markup(str(escape(text)).replace("\n", '\n<span class="gap"></span>'))


def _environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(
            loader=PackageLoader("framelens.reports", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _env.filters["paragraphs"] = paragraphs
    return _env


def render_html(analysis: Analysis) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(**report_context(analysis))


def report_context(analysis: Analysis) -> dict[str, Any]:
    """What the article templates read (``sections/article.html.j2``): the static report
    and the web app's article view render the same highlighted article from it."""
    speakers = summaries.speaker_table(analysis)
    speaker_index = {_speaker_key(r.actor_id, r.name): i for i, r in enumerate(speakers)}
    actor_index = {a.id: i for i, a in enumerate(analysis.actors)}
    techs = sorted({t.technique for t in analysis.techniques})
    tech_index = {t: i for i, t in enumerate(techs)}
    layers = _layers(analysis, speaker_index, actor_index, tech_index)
    return dict(
        a=analysis,
        article=analysis.article,
        segments=segments(analysis.article.text, layers),
        speakers=speakers,
        scare=summaries.scare_terms(analysis),
        claim_sources=summaries.claim_sources(analysis),
        counts=summaries.counts(analysis),
        names=summaries.actor_names(analysis),
        techs=techs,
        tech_counts=summaries.technique_counts(analysis),
        definitions=summaries.TECHNIQUE_DEFINITIONS,
        palette=PALETTE,
        n_words=len(analysis.article.text.split()),
        graph=relation_graph(analysis),
        rel_legend=relation_legend(),
    )
