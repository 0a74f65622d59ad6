"""Markdown and plain-text summaries of an ``Analysis``.

Everything from the record is hostile input, not only the article text: an analysis
JSON may be tampered with, so names, types, technique names, labels and the pipeline's
keys and values are escaped too. Markdown renderers pass raw HTML through, so every
field goes through ``_cell``: HTML-escaped, Markdown's own markup characters
backslash-escaped (no injected links, emphasis or code spans), and no ``|`` or newline
to break a table.
"""

from __future__ import annotations

import html
import re

from ..model import Analysis
from . import summaries

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def _cell(value: object, limit: int = 120) -> str:
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def render_markdown(analysis: Analysis) -> str:
    a = analysis.article
    names = summaries.actor_names(analysis)
    out: list[str] = [f"# {_cell(a.title or 'Untitled article', 200)}", ""]
    meta = [
        f"**{k}:** {_cell(str(v), 200)}"
        for k, v in (
            ("outlet", a.outlet),
            ("author", a.author),
            ("published", a.published),
            ("url", a.url),
        )
        if v
    ]
    meta.append(f"**id:** {_cell(a.id)} · **words:** {len(a.text.split())}")
    out += [" · ".join(meta), ""]
    out.append("Findings: " + ", ".join(f"{n} {k}" for k, n in summaries.counts(analysis).items()))
    out.append("")

    if analysis.actors:
        out += [
            "## Actors",
            "",
            "| actor | type | first mention | mentions | prominence | labels | portrayal |",
            "|---|---|---|---|---|---|---|",
        ]
        for act in sorted(analysis.actors, key=lambda x: -x.prominence):
            labels = ", ".join(sorted({f"{lb.lemma} ({lb.class_})" for lb in act.labels}))
            senti = (
                f"{_cell(act.sentiment.label)} {act.sentiment.score:.2f}" if act.sentiment else ""
            )
            aliases = f" (also: {', '.join(act.aliases)})" if act.aliases else ""
            aliases += " (only in quotes)" if act.only_quoted else ""
            out.append(
                f"| {_cell(act.name + aliases)} | {_cell(act.type)} "
                f"| {_pct(act.first_mention.relative)} "
                f"| {act.mention_count} | {act.prominence:.2f} | {_cell(labels)} | {senti} |"
            )
        out.append("")

    speakers = summaries.speaker_table(analysis)
    if speakers:
        out += [
            "## Who is quoted",
            "",
            "| speaker | quotes | kinds | introduced as | named by | resolved from "
            "| audience | cues |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in speakers:
            kinds = ", ".join(f"{k} {n}" for k, n in row.counts.most_common())
            how = ", ".join(f"{k} {n}" for k, n in row.introduced.most_common())
            told = "; ".join(row.audiences + [f"via {v}" for v in row.vias])
            out.append(
                f"| {_cell(row.name)} | {row.total} | {_cell(kinds)} | "
                f"{_cell('; '.join(row.descriptions))} | {_cell(how)} | "
                f"{_cell('; '.join(row.roles))} | {_cell(told)} | "
                f"{_cell(', '.join(row.cues))} |"
            )
        out.append("")
    quotes = [q for q in analysis.quotes if q.kind not in ("scare", "title")]
    if quotes:
        out += ["## Quotes", ""]
        for q in quotes:
            who = summaries.speaker_names(q)
            out.append(f"- **{_cell(who)}** ({_cell(q.kind)}): “{_cell(q.content.text, 200)}”")
        out.append("")
    scare = summaries.scare_terms(analysis)
    if scare:
        out += ["## Scare quotes", ""]
        out += [f"- “{_cell(term)}” × {n}" for term, n, _ in scare]
        out.append("")

    if analysis.relations:
        out += ["## Relations", ""]
        for r in analysis.relations:
            flags = "".join([" (negated)" if r.negated else "", " (hedged)" if r.hedged else ""])
            via = "".join(f" (pronoun for “{_cell(m.text)}”)" for m in r.antecedents)
            out.append(
                f"- {_cell(names.get(r.source, r.source))} **{_cell(r.type)}** "
                f"{_cell(names.get(r.target, r.target))}{flags}: “{_cell(r.span.text)}”{via}"
            )
        out.append("")

    if analysis.techniques:
        out += ["## Persuasion techniques", ""]
        s = analysis.technique_summary
        if s is not None:
            out.append(
                f"{sum(s.counts.values())} spans, {s.density_per_1000_words:.1f} per 1,000 words."
            )
            out.append("")
        for tech, n in summaries.technique_counts(analysis).most_common():
            definition = summaries.TECHNIQUE_DEFINITIONS.get(tech, "")
            out.append(f"- **{_cell(tech)}** × {n} — {_cell(definition, 400)}")
        out += ["", "| technique | span | score |", "|---|---|---|"]
        for t in analysis.techniques:
            out.append(f"| {_cell(t.technique)} | {_cell(t.span.text)} | {t.score:.2f} |")
        out.append("")

    if analysis.claims:
        out += ["## Check-worthy claims", ""]
        sources = summaries.claim_sources(analysis)
        for c in analysis.claims:
            out.append(f"- ({c.score:.2f}) {_cell(c.span.text, 300)}")
            if c.content is not None:
                who = _cell(sources.get(c.id, "unattributed"))
                out.append(f"  - source: {who} · checked: “{_cell(c.content.text, 300)}”")
            for v in c.verdicts:
                out.append(
                    f"  - **{_cell(v.label)}** ({v.score:.2f}) by {_cell(v.collection)}/"
                    f"{_cell(v.passage.doc)}: “{_cell(v.passage.text, 200)}”"
                )
        out.append("")
    if analysis.contradictions:
        out += ["## Contradictions", ""]
        for k in analysis.contradictions:
            # Two sources disagreeing is reported news, not the writer contradicting themself.
            who = " vs ".join(_cell(s.name) for s in k.speakers)
            label = f"**sources disagree** ({who}) " if k.kind == "disagreement" else ""
            out.append(
                f"- {label}({k.score:.2f}, {_cell(k.reason)}) “{_cell(k.a.text)}” ⟂ "
                f"“{_cell(k.b.text)}”"
            )
        out.append("")
    if analysis.warnings:
        out += ["## Warnings", ""] + [f"- {_cell(w, 300)}" for w in analysis.warnings] + [""]
    steps = ", ".join(f"{_cell(k)} {_cell(v)}" for k, v in analysis.pipeline.items())
    out.append(f"_Pipeline: {steps}_")
    return "\n".join(out) + "\n"


def render_text(analysis: Analysis, width: int = 100) -> str:
    """A compact terminal summary."""
    a = analysis.article
    names = summaries.actor_names(analysis)
    lines = [a.title or "Untitled article"]
    meta = " · ".join(v for v in (a.outlet, a.author, a.published) if v)
    if meta:
        lines.append(meta)
    lines.append(f"{len(a.text.split())} words · id {a.id}")
    lines.append("found: " + ", ".join(f"{n} {k}" for k, n in summaries.counts(analysis).items()))

    def clip(s: str, n: int) -> str:
        indent = s[: len(s) - len(s.lstrip())]
        s = indent + " ".join(s.split())
        return s if len(s) <= n else s[: n - 1] + "…"

    if analysis.actors:
        lines += ["", "Actors (most prominent first)"]
        for act in sorted(analysis.actors, key=lambda x: -x.prominence)[:12]:
            extra = f" aka {', '.join(act.aliases[:4])}" if act.aliases else ""
            labels = sorted({lb.lemma for lb in act.labels})
            lab = f" labels: {', '.join(labels[:5])}" if labels else ""
            senti = f" [{act.sentiment.label}]" if act.sentiment else ""
            quoted = " (only in quotes)" if act.only_quoted else ""
            lines.append(
                clip(
                    f"  {act.name} ({act.type}){quoted} ×{act.mention_count}, first at "
                    f"{_pct(act.first_mention.relative)}{extra}{lab}{senti}",
                    width,
                )
            )
    speakers = summaries.speaker_table(analysis)
    if speakers:
        lines += ["", "Who is quoted"]
        for row in speakers[:10]:
            how = f" — {row.descriptions[0]}" if row.descriptions else ""
            lines.append(clip(f"  {row.name}: {row.total}{how}", width))
    scare = summaries.scare_terms(analysis)
    if scare:
        lines += ["", "Scare quotes: " + ", ".join(f"“{t}” ×{n}" for t, n, _ in scare[:10])]
    if analysis.relations:
        lines += ["", "Relations"]
        for r in analysis.relations[:10]:
            neg = "not " if r.negated else ""
            hedge = " (hedged)" if r.hedged else ""
            lines.append(
                clip(
                    f"  {names.get(r.source, r.source)} {neg}{r.type} "
                    f"{names.get(r.target, r.target)}{hedge}",
                    width,
                )
            )
    if analysis.techniques:
        tc = summaries.technique_counts(analysis)
        lines += ["", "Techniques: " + ", ".join(f"{t} ×{n}" for t, n in tc.most_common())]
    if analysis.claims:
        lines += ["", f"Check-worthy claims: {len(analysis.claims)}"]
        for c in sorted(analysis.claims, key=lambda c: -c.score)[:5]:
            lines.append(clip(f"  ({c.score:.2f}) {c.span.text}", width))
    own = [k for k in analysis.contradictions if k.kind != "disagreement"]
    disagree = [k for k in analysis.contradictions if k.kind == "disagreement"]
    if own:
        lines += ["", f"Contradictions: {len(own)}"]
    if disagree:
        lines += ["", f"Sources disagree: {len(disagree)}"]
        for k in disagree:
            who = " vs ".join(s.name for s in k.speakers)
            lines.append(clip(f"  {who}: {k.a.text} / {k.b.text}", width))
    return "\n".join(lines) + "\n"
