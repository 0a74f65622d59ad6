"""The relations graph of the HTML report: inline SVG built server-side, no JavaScript.

Actors that take part in a relation are nodes on a circle (most prominent first, at the
top); each (source, relation type, target) is one arrow, curved so that opposite and
parallel arrows stay apart, coloured by type, dashed when every instance is negated and
faded when every instance is hedged. Hovering an arrow or a node shows its details
(``<title>``). Every string from the article is escaped.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..model import Analysis, Relation

#: Colour of each relation type (Okabe-Ito palette, readable with colour-blindness).
REL_COLOURS = {
    "backs": "#0072B2",
    "allies": "#009E73",
    "attacks": "#D55E00",
    "blames": "#CC79A7",
    "opposes": "#E69F00",
}
MAX_NODES = 16
_W, _H, _R, _NODE_R = 460, 360, 130, 7


@dataclass
class Edge:
    source: str
    target: str
    type: str
    relations: list[Relation] = field(default_factory=list)

    @property
    def negated(self) -> bool:
        return all(r.negated for r in self.relations)

    @property
    def hedged(self) -> bool:
        return all(r.hedged for r in self.relations)


def relation_edges(analysis: Analysis) -> list[Edge]:
    """Relations grouped by (source, type, target), in order of first appearance."""
    edges: dict[tuple[str, str, str], Edge] = {}
    for r in analysis.relations:
        key = (r.source, r.type, r.target)
        edges.setdefault(key, Edge(r.source, r.target, r.type)).relations.append(r)
    return list(edges.values())


def _short(name: str, limit: int = 22) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def relation_graph(analysis: Analysis) -> Markup:
    """The relations of ``analysis`` as an inline ``<svg>`` (empty markup when none)."""
    edges = relation_edges(analysis)
    if not edges:
        return Markup("")
    actors = {a.id: a for a in analysis.actors}
    degree: dict[str, int] = defaultdict(int)
    for e in edges:
        degree[e.source] += len(e.relations)
        degree[e.target] += len(e.relations)
    ids = sorted(
        degree,
        key=lambda i: (-(actors[i].prominence if i in actors else 0.0), -degree[i], i),
    )[:MAX_NODES]
    shown = set(ids)
    edges = [e for e in edges if e.source in shown and e.target in shown]
    n = len(ids)
    pos: dict[str, tuple[float, float]] = {}
    for k, actor_id in enumerate(ids):
        angle = -math.pi / 2 + 2 * math.pi * k / max(n, 1)
        pos[actor_id] = (_W / 2 + _R * math.cos(angle), _H / 2 + _R * math.sin(angle))

    parts: list[str] = [
        f'<svg class="relgraph" viewBox="0 0 {_W} {_H}" width="100%" role="img" '
        f'aria-label="graph of {len(edges)} relations between {n} actors" '
        'xmlns="http://www.w3.org/2000/svg">',
        "<defs>",
    ]
    for rtype, colour in REL_COLOURS.items():
        parts.append(
            f'<marker id="arrow-{rtype}" viewBox="0 0 10 10" refX="9" refY="5" '
            'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
        )
    parts.append("</defs>")

    # Parallel and opposite edges between the same two nodes bend by different amounts.
    pair_count: dict[frozenset[str], int] = defaultdict(int)
    for e in edges:
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        pair = frozenset((e.source, e.target))
        k = pair_count[pair]
        pair_count[pair] += 1
        bend = 18.0 * (k + 1) * (1 if e.source < e.target else -1)
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        # Start and end on the node circles, not their centres.
        sx, sy = x1 + ux * _NODE_R, y1 + uy * _NODE_R
        tx, ty = x2 - ux * (_NODE_R + 2), y2 - uy * (_NODE_R + 2)
        mx, my = (sx + tx) / 2 - uy * bend, (sy + ty) / 2 + ux * bend
        colour = REL_COLOURS.get(e.type, "#666")
        style = ' stroke-dasharray="5 4"' if e.negated else ""
        opacity = "0.45" if e.hedged else "0.9"
        src = actors[e.source].name if e.source in actors else e.source
        tgt = actors[e.target].name if e.target in actors else e.target
        verb = ("not " if e.negated else "") + e.type
        hedge = " (hedged)" if e.hedged else ""
        count = f" ×{len(e.relations)}" if len(e.relations) > 1 else ""
        evidence = " | ".join(r.span.text for r in e.relations[:3])
        title = f"{src} {verb} {tgt}{hedge}{count}: {evidence}"
        parts.append(
            f'<g class="edge edge-{e.type}"><title>{escape(title)}</title>'
            f'<path d="M {sx:.1f} {sy:.1f} Q {mx:.1f} {my:.1f} {tx:.1f} {ty:.1f}" fill="none" '
            f'stroke="{colour}" stroke-width="{1.5 + min(len(e.relations), 4) * 0.5:.1f}" '
            f'stroke-opacity="{opacity}"{style} marker-end="url(#arrow-{e.type})"/>'
            f'<text x="{(sx + 2 * mx + tx) / 4:.1f}" y="{(sy + 2 * my + ty) / 4:.1f}" '
            f'class="edge-label" fill="{colour}">{escape(verb)}</text></g>'
        )
    for actor_id in ids:
        x, y = pos[actor_id]
        actor = actors.get(actor_id)
        name = actor.name if actor else actor_id
        kind = actor.type if actor else "actor"
        anchor = "start" if x > _W / 2 + 1 else "end" if x < _W / 2 - 1 else "middle"
        lx = x + (10 if anchor == "start" else -10 if anchor == "end" else 0)
        ly = y + (4 if anchor != "middle" else (-12 if y < _H / 2 else 20))
        parts.append(
            f'<g class="node"><title>{escape(name)} ({escape(kind)})</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{_NODE_R}"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{escape(_short(name))}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def relation_legend() -> list[tuple[str, str]]:
    """(type, colour) pairs for the legend under the graph."""
    return list(REL_COLOURS.items())
