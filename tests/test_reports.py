"""Reports render from records alone and escape hostile article text."""

from __future__ import annotations

import re

from framelens import Pipeline
from framelens.model import (
    Actor,
    Analysis,
    Article,
    Claim,
    FirstMention,
    Quote,
    Span,
    Speaker,
    Technique,
)
from framelens.reports import render
from framelens.reports.html import Layer, segments

HOSTILE = (
    'Officials said <script>alert("x")</script> was found in the <b>leaked</b> file | '
    'and the "rebels" replied <img src=x onerror=alert(1)> on Friday.'
)


def _hostile_analysis() -> Analysis:
    art = Article(text=HOSTILE, title="<script>alert('t')</script>", outlet="<i>Outlet</i>")
    s = HOSTILE.index("<script>")
    q = HOSTILE.index('"rebels"')
    return Analysis(
        article=art,
        pipeline={"nlp": "x", "actors": "1"},
        actors=[
            Actor(
                id="a1",
                name="<b>Officials</b>",
                type="group",
                mentions=[Span.of(HOSTILE, 0, 9)],
                first_mention=FirstMention(start=0, relative=0.0),
                mention_count=1,
            )
        ],
        quotes=[
            Quote(
                id="q1",
                kind="scare",
                span=Span.of(HOSTILE, q, q + 8),
                content=Span.of(HOSTILE, q + 1, q + 7),
            ),
            Quote(
                id="q2",
                kind="direct",
                span=Span.of(HOSTILE, s, s + 30),
                content=Span.of(HOSTILE, s, s + 30),
                speaker=Speaker(name="<svg onload=alert(2)>"),
            ),
        ],
        techniques=[
            Technique(span=Span.of(HOSTILE, s, s + 8), technique="Loaded_Language", score=0.9)
        ],
        claims=[
            Claim(
                id="c1",
                span=Span.of(HOSTILE, 0, s + 30),
                score=0.8,
                content=Span.of(HOSTILE, s, s + 30),
                quote="q2",
            )
        ],
    )


def test_html_escapes_everything_from_the_article() -> None:
    page = render(_hostile_analysis(), "html")
    assert "<script>" not in page and "<img" not in page and "<svg" not in page
    assert "&lt;script&gt;" in page
    assert "<b>Officials" not in page and "<i>Outlet" not in page
    # A claim that reports a quote names its source and what is checked, escaped.
    assert "source: &lt;svg onload=alert(2)&gt; · checked: <q>&lt;script&gt;" in page
    # The visible text, once tags are stripped and entities decoded, is the article.
    import html as htmllib

    body = re.search(r'<article class="text">(.*?)</article>', page, re.S)
    assert body is not None
    assert htmllib.unescape(re.sub(r"<[^>]+>", "", body.group(1))) == HOSTILE


def test_markdown_and_text_escape_html() -> None:
    md = render(_hostile_analysis(), "md")
    assert "<script>" not in md and "<svg" not in md
    assert "&lt;svg onload=alert(2)&gt;" in md
    assert "source: &lt;svg onload=alert(2)&gt; · checked: “&lt;script&gt;" in md
    txt = render(_hostile_analysis(), "text")
    assert "Officials" in txt


def test_segments_cover_text_exactly_with_overlaps() -> None:
    text = "abcdefghij"
    segs = segments(text, [Layer(1, 5, "x", "X"), Layer(3, 8, "y", "Y"), Layer(20, 30, "z", "")])
    assert "".join(s.text for s in segs) == text
    assert [(s.text, s.classes) for s in segs] == [
        ("a", []),
        ("bc", ["x"]),
        ("de", ["x", "y"]),
        ("fgh", ["y"]),
        ("ij", []),
    ]


def test_report_round_trip_needs_no_nlp(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    analysis = Pipeline("actors").analyze(
        "Mayor Ana Lopez said on Tuesday that the bridge in Porto would reopen in May."
    )
    import framelens.nlp as nlp_mod

    monkeypatch.setattr(
        nlp_mod,
        "load_nlp",
        lambda *a, **k: (_ for _ in ()).throw(AssertionError("reports must not load NLP")),
    )
    again = Analysis.from_json(analysis.to_json())
    for fmt in ("json", "md", "html", "text"):
        assert "Lopez" in render(again, fmt)


def test_reports_set_a_disagreement_apart_from_a_self_contradiction() -> None:
    from framelens.model import Contradiction, ContradictionSpeaker

    text = (
        "The Ministry of Returns said 300 families had returned. Aid workers said only 80 "
        "families had returned. Only 80 families live there now. About 300 families live there."
    )
    a = text.index("The Ministry")
    b = text.index("Aid workers")
    c = text.index("Only 80")
    d = text.index("About 300")
    analysis = Analysis(
        article=Article(text=text),
        contradictions=[
            Contradiction(
                a=Span.of(text, a, b - 1),
                b=Span.of(text, b, c - 1),
                score=0.9,
                reason="rule:numbers (300 vs 80 (family))",
                kind="disagreement",
                speakers=[
                    ContradictionSpeaker(side="a", name="Ministry of Returns", quote="q1"),
                    ContradictionSpeaker(side="b", name="Aid workers", quote="q2"),
                ],
            ),
            Contradiction(
                a=Span.of(text, c, d - 1),
                b=Span.of(text, d, len(text)),
                score=0.9,
                reason="rule:numbers (80 vs 300 (family))",
            ),
        ],
    )
    md = render(analysis, "md")
    lines = [ln for ln in md.splitlines() if "⟂" in ln]
    assert len(lines) == 2
    assert "sources disagree" in lines[0] and "Ministry of Returns vs Aid workers" in lines[0]
    assert "sources disagree" not in lines[1]
    txt = render(analysis, "text")
    assert "Contradictions: 1" in txt and "Sources disagree: 1" in txt
    assert "Ministry of Returns vs Aid workers" in txt
    page = render(analysis, "html")
    assert page.count("sources disagree") >= 2  # the list entry and the highlight's title
    assert "<strong>sources disagree</strong> (Ministry of Returns vs Aid workers)" in page
