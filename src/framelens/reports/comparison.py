"""Comparison reports: JSON, Markdown, plain text and self-contained HTML with inline SVG.

Rendered from the ``Comparison`` record alone. Outlet names, labels, quotations and
speakers come from hostile articles: HTML escapes them (Jinja2 autoescaping, and
``markupsafe.escape`` inside the SVG built here), Markdown escapes them as HTML and
table syntax, the terminal text loses control characters.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from ..errors import ConfigError
from ..model import Comparison, Referent
from .markdown import _cell

FORMATS = ("json", "md", "html", "text")
TYPES = ("official", "military", "un_ngo", "armed_group", "civilian", "expert", "document")
TYPE_COLOURS = {
    "official": "#0072B2",
    "military": "#D55E00",
    "un_ngo": "#009E73",
    "armed_group": "#CC79A7",
    "civilian": "#E69F00",
    "expert": "#56B4E9",
    "document": "#999999",
    "unknown": "#dddddd",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _plain(text: object, limit: int = 160) -> str:
    """One line for the terminal: no control characters, no newlines, cut at ``limit``."""
    s = " ".join(_CONTROL.sub(" ", str(text)).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _md(text: object, limit: int = 160) -> str:
    """A Markdown cell: the analysis report's escaping (HTML and every Markdown mark, links
    included), after the control characters are gone."""
    return _cell(_CONTROL.sub(" ", str(text)), limit)


def shared_referents(c: Comparison, top: int = 12) -> list[Referent]:
    """Referents named by two or more outlets, largest first."""
    return [r for r in c.referents if len(r.members) >= 2][:top]


def _labels_cell(c: Comparison, ref_id: str, outlet: str) -> str:
    ref = next(r for r in c.referents if r.id == ref_id)
    members = ref.members.get(outlet)
    if not members:
        return "—"
    labels = ref.labels.get(outlet, [])
    names = ", ".join(sorted({m.name for m in members}))
    shown = ", ".join(f"{lc.lemma}×{lc.count}" for lc in labels[:4])
    return f"{names}: {shown}" if shown else names


def render_comparison_markdown(c: Comparison) -> str:
    outlets = [o.outlet for o in c.outlets]
    out = [f"# Comparison: {_md(c.story.title or c.story.id, 200)}", ""]
    out.append(
        f"**story:** `{_md(c.story.id)}` · **outlets:** {len(outlets)} · **articles:** "
        f"{sum(len(o.articles) for o in c.outlets)}"
    )
    out.append("")
    refs = shared_referents(c)
    if refs:
        out += ["## What each outlet calls each party", ""]
        out.append("| referent | " + " | ".join(_md(o, 40) for o in outlets) + " |")
        out.append("|---|" + "---|" * len(outlets))
        for r in refs:
            cells = []
            for o in outlets:
                cell = _md(_labels_cell(c, r.id, o), 80)
                if o in r.balance:
                    cell += f" (balance {r.balance[o]:+.2f})"
                cells.append(cell)
            out.append(f"| {_md(r.name, 40)} | " + " | ".join(cells) + " |")
        out.append("")
        out += ["## Portrayal (mean sentiment, −1 … +1)", ""]
        out.append("| referent | " + " | ".join(_md(o, 40) for o in outlets) + " |")
        out.append("|---|" + "---|" * len(outlets))
        for r in refs:
            cells = [f"{r.sentiment[o]:+.2f}" if o in r.sentiment else "—" for o in outlets]
            out.append(f"| {_md(r.name, 40)} | " + " | ".join(cells) + " |")
        out.append("")
    out += ["## Sources", ""]
    for o in outlets:
        src = c.sources.get(o)
        if src is None:
            continue
        types = ", ".join(f"{k} {100 * v:.0f}%" for k, v in src.types.items())
        out.append(f"**{_md(o)}** ({src.quotes} quotes: {_md(types)})")
        for e in src.sources[:8]:
            intro = f" — {_md(e.introduced_as[0], 80)}" if e.introduced_as else ""
            out.append(f"- {_md(e.speaker, 60)} ({e.type}) ×{e.quotes}{intro}")
        out.append("")
    if c.quote_reuse:
        out += ["## Quotations carried by several outlets", ""]
        out += ["| quotation | outlets (how introduced) | first |", "|---|---|---|"]
        for reuse in c.quote_reuse:
            carriers = "; ".join(
                f"{_md(x.outlet, 40)} ({_md(x.introduced_as or '—', 60)})" for x in reuse.outlets
            )
            out.append(f"| “{_md(reuse.text, 120)}” | {carriers} | {_md(reuse.first or '—', 40)} |")
        out.append("")
    if any(c.techniques.values()):
        out += ["## Techniques (spans per 1,000 words)", ""]
        for o in outlets:
            t = c.techniques.get(o, {})
            shown = ", ".join(f"{_md(k)} {v:.1f}" for k, v in t.items()) or "none"
            out.append(f"- **{_md(o)}**: {shown}")
        out.append("")
    if any(c.omissions.values()):
        out += ["## Omissions (what most outlets report and this one does not)", ""]
        for o in outlets:
            items = c.omissions.get(o, [])
            if not items:
                continue
            out.append(f"**{_md(o)}**")
            for om in items[:12]:
                out.append(f"- {om.kind}: {_md(om.text, 120)} (reported by {len(om.reported_by)})")
            out.append("")
    if c.nearest:
        out += ["## Nearest outlets (framing vector)", ""]
        out += ["| outlet | nearest | similarity | drivers |", "|---|---|---|---|"]
        for o in outlets:
            for n in c.nearest.get(o, [])[:1]:
                out.append(
                    f"| {_md(o, 40)} | {_md(n.outlet, 40)} | {n.similarity:+.2f} "
                    f"| {_md(', '.join(n.drivers))} |"
                )
        out.append("")
    for w in c.warnings:
        out.append(f"> {_md(w, 300)}")
    return "\n".join(out).rstrip() + "\n"


def render_comparison_text(c: Comparison) -> str:
    outlets = [o.outlet for o in c.outlets]
    out = [
        f"Story {_plain(c.story.id)}: {_plain(c.story.title)}",
        f"{len(outlets)} outlets, {sum(len(o.articles) for o in c.outlets)} articles: "
        + ", ".join(_plain(o, 40) for o in outlets),
        "",
    ]
    refs = shared_referents(c, 8)
    if refs:
        out.append("What each outlet calls each party")
        for r in refs:
            out.append(f"  {_plain(r.name, 40)}")
            for o in outlets:
                if o in r.members:
                    bal = f"  balance {r.balance[o]:+.2f}" if o in r.balance else ""
                    sent = f"  sentiment {r.sentiment[o]:+.2f}" if o in r.sentiment else ""
                    out.append(
                        f"    {_plain(o, 28):<28} {_plain(_labels_cell(c, r.id, o), 60)}{bal}{sent}"
                    )
        out.append("")
    out.append("Sources (share of quotes by type)")
    for o in outlets:
        src = c.sources.get(o)
        if src:
            types = ", ".join(f"{k} {100 * v:.0f}%" for k, v in src.types.items())
            out.append(f"  {_plain(o, 28):<28} {src.quotes:>3} quotes  {types}")
    out.append("")
    if c.quote_reuse:
        out.append("Quotations carried by several outlets")
        for reuse in c.quote_reuse[:10]:
            first = f" (first: {_plain(reuse.first, 40)})" if reuse.first else ""
            out.append(f"  “{_plain(reuse.text, 90)}”{first}")
            out.append("    " + ", ".join(_plain(x.outlet, 40) for x in reuse.outlets))
        out.append("")
    if any(c.omissions.values()):
        out.append("Omissions")
        for o in outlets:
            for om in c.omissions.get(o, [])[:5]:
                out.append(
                    f"  {_plain(o, 28):<28} {om.kind:<8} {_plain(om.text, 70)} "
                    f"({len(om.reported_by)} report it)"
                )
        out.append("")
    if c.nearest:
        out.append("Nearest outlets")
        for o in outlets:
            ns = c.nearest.get(o, [])
            if ns:
                n = ns[0]
                out.append(
                    f"  {_plain(o, 28):<28} → {_plain(n.outlet, 28)} {n.similarity:+.2f}  "
                    f"({', '.join(n.drivers)})"
                )
    for w in c.warnings:
        out.append(f"note: {_plain(w, 300)}")
    return "\n".join(out).rstrip() + "\n"


# ---- HTML with inline SVG ---------------------------------------------------------


def _heat_colour(balance: float | None) -> str:
    if balance is None:
        return "#f4f4f4"
    # -1 (delegitimizing) red ... 0 grey ... +1 (legitimizing) blue
    b = max(-1.0, min(1.0, balance))
    if b < 0:
        t = -b
        return f"rgb({int(235 - 20 * t)},{int(235 - 150 * t)},{int(235 - 150 * t)})"
    return f"rgb({int(235 - 150 * b)},{int(235 - 90 * b)},{int(235 - 10 * b)})"


def heatmap_svg(c: Comparison) -> Markup:
    outlets = [o.outlet for o in c.outlets]
    refs = shared_referents(c)
    if not refs:
        return Markup("")
    cw, ch, left, top = 150, 44, 170, 40
    w, h = left + cw * len(outlets) + 10, top + ch * len(refs) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
        f'aria-label="label heat map">'
    ]
    for j, o in enumerate(outlets):
        parts.append(
            f'<text x="{left + j * cw + cw / 2}" y="{top - 12}" text-anchor="middle" '
            f'class="hd">{escape(_plain(o, 22))}</text>'
        )
    for i, r in enumerate(refs):
        y = top + i * ch
        parts.append(
            f'<text x="{left - 8}" y="{y + ch / 2 + 4}" text-anchor="end" class="hd">'
            f"{escape(_plain(r.name, 24))}</text>"
        )
        for j, o in enumerate(outlets):
            x = left + j * cw
            bal = r.balance.get(o) if o in r.members else None
            title = _labels_cell(c, r.id, o)
            parts.append(
                f"<g><title>{escape(_plain(o, 60))} · {escape(_plain(title, 200))}</title>"
                f'<rect x="{x + 2}" y="{y + 2}" width="{cw - 4}" height="{ch - 4}" rx="4" '
                f'fill="{_heat_colour(bal) if o in r.members else "#fafafa"}"/>'
            )
            labels = r.labels.get(o, [])
            text = (
                ", ".join(lc.lemma for lc in labels[:2])
                if labels
                else ("(named)" if o in r.members else "—")
            )
            parts.append(
                f'<text x="{x + cw / 2}" y="{y + ch / 2 + 4}" text-anchor="middle" class="cell">'
                f"{escape(_plain(text, 24))}</text></g>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def sentiment_svg(c: Comparison) -> Markup:
    outlets = [o.outlet for o in c.outlets]
    refs = [r for r in shared_referents(c) if len(r.sentiment) >= 2]
    if not refs:
        return Markup("")
    left, width, row = 170, 360, 30
    plot_h = 30 + row * len(refs) + 40
    h = plot_h + 18 * len(outlets)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 30}" height="{h}" '
        f'role="img" aria-label="sentiment dot plot">',
        f'<line x1="{left + width / 2}" y1="10" x2="{left + width / 2}" y2="{plot_h - 40}" '
        f'stroke="#bbb" stroke-dasharray="3,3"/>',
        f'<text x="{left}" y="{plot_h - 20}" class="hd">−1 negative</text>'
        f'<text x="{left + width}" y="{plot_h - 20}" text-anchor="end" class="hd">'
        f"positive +1</text>",
    ]
    for i, r in enumerate(refs):
        y = 25 + i * row
        parts.append(
            f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" class="hd">'
            f"{escape(_plain(r.name, 24))}</text>"
            f'<line x1="{left}" y1="{y}" x2="{left + width}" y2="{y}" stroke="#eee"/>'
        )
        for j, o in enumerate(outlets):
            if o not in r.sentiment:
                continue
            x = left + (r.sentiment[o] + 1) / 2 * width
            colour = list(TYPE_COLOURS.values())[j % 7]
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y}" r="6" fill="{colour}" fill-opacity="0.8">'
                f"<title>{escape(_plain(o, 60))}: {r.sentiment[o]:+.2f}</title></circle>"
            )
    for j, o in enumerate(outlets):
        colour = list(TYPE_COLOURS.values())[j % 7]
        y = plot_h + 18 * j
        parts.append(
            f'<circle cx="{left + 6}" cy="{y - 4}" r="5" fill="{colour}"/>'
            f'<text x="{left + 16}" y="{y}" class="cell">{escape(_plain(o, 50))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars_svg(rows: list[tuple[str, dict[str, float]]], colours: dict[str, str]) -> Markup:
    """Stacked horizontal bars, one row per outlet (values are shares or densities)."""
    if not rows or not any(v for _, v in rows):
        return Markup("")
    left, width, row = 170, 360, 26
    top = max((sum(v.values()) for _, v in rows), default=1.0) or 1.0
    palette = list(colours.values()) or ["#0072B2"]
    keys = sorted({k for _, v in rows for k in v})
    colour_of = {k: colours.get(k, palette[i % len(palette)]) for i, k in enumerate(keys)}
    h = row * len(rows) + 20 + 18 * ((len(keys) + 2) // 3)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 40}" height="{h}" '
        f'role="img">'
    ]
    for i, (name, values) in enumerate(rows):
        y = 5 + i * row
        parts.append(
            f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" class="hd">'
            f"{escape(_plain(name, 24))}</text>"
        )
        x = float(left)
        for k in keys:
            v = values.get(k, 0.0)
            if v <= 0:
                continue
            bw = v / top * width
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{bw:.1f}" height="{row - 8}" '
                f'fill="{colour_of[k]}"><title>{escape(_plain(k, 60))}: {v:.3g}</title></rect>'
            )
            x += bw
    y0 = row * len(rows) + 20
    for i, k in enumerate(keys):
        x, y = left + (i % 3) * 130, y0 + 18 * (i // 3)
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour_of[k]}"/>'
            f'<text x="{x + 14}" y="{y}" class="cell">{escape(_plain(k, 20))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def render_comparison_html(c: Comparison) -> str:
    from .html import _environment

    template = _environment().get_template("comparison.html.j2")
    return template.render(**comparison_context(c))


def comparison_context(c: Comparison) -> dict[str, Any]:
    """What ``sections/comparison_body.html.j2`` reads (the static page and the web view)."""
    outlets = [o.outlet for o in c.outlets]
    technique_colours = {
        k: v
        for k, v in zip(
            sorted({t for d in c.techniques.values() for t in d}),
            list(TYPE_COLOURS.values()) * 3,
            strict=False,
        )
    }
    return dict(
        c=c,
        outlets=outlets,
        refs=shared_referents(c),
        heatmap=heatmap_svg(c),
        sentiment=sentiment_svg(c),
        source_bars=bars_svg(
            [(o, c.sources[o].types) for o in outlets if o in c.sources], TYPE_COLOURS
        ),
        technique_bars=bars_svg([(o, c.techniques.get(o, {})) for o in outlets], technique_colours),
        plain=_plain,
        n_articles=sum(len(o.articles) for o in c.outlets),
    )


def render_comparison(c: Comparison, fmt: str) -> str:
    if fmt == "json":
        return c.to_json() + "\n"
    if fmt == "md":
        return render_comparison_markdown(c)
    if fmt == "html":
        return render_comparison_html(c)
    if fmt == "text":
        return render_comparison_text(c)
    raise ConfigError(
        f"unknown comparison format {fmt!r}", fix=f"use one of: {', '.join(FORMATS)}", value=fmt
    )
