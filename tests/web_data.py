"""Articles the team wrote for the web tests (invented town, invented people), and a hostile
variant whose text, metadata and quote speakers carry script-injection attempts."""

from __future__ import annotations

from typing import Any

SCRIPT = "<script>window.__xss=1;alert(1)</script>"
IMG = '<img src=x onerror="window.__xss=2;alert(2)">'
SVG = '"><svg onload="window.__xss=3;alert(3)">'
JS_LINK = "javascript:window.__xss=4;alert(4)"
ATTACKS = (SCRIPT, IMG, SVG, JS_LINK)

FERRY = {
    "title": "Darnby council votes to close the old ferry terminal",
    "author": "Mara Holt",
    "outlet": "Darnby Evening Post",
    "published": "2025-03-04",
    "text": (
        "The Darnby town council voted on Tuesday to close the old ferry terminal at the end "
        "of the summer, ending ninety years of crossings to Elm Island.\n\n"
        'Mayor Edda Lorne said the decision was painful but necessary. "We cannot keep pouring '
        'money into a dock that floods every winter," Lorne told reporters after the vote.\n\n'
        'Opposition councillor Piet Varga called the vote a "betrayal" of the harbour '
        'workers. "This council has sold out the island to save a few euros," Varga said. '
        "He said the council had ignored an engineering report that put the cost of repairs "
        "at 2 million euros, far less than the 9 million euros the mayor cited.\n\n"
        "The ferry company, Elm Crossings, said it would lay off 40 staff. Residents of Elm "
        "Island will have to use the road bridge at Hollow Point, a detour of 35 kilometres."
    ),
}


def hostile_article() -> dict[str, Any]:
    """The ferry story with an attack in every field a page shows."""
    text = (
        FERRY["text"]
        .replace("after the vote.", f"after the vote. {SCRIPT} {IMG}")
        .replace("35 kilometres.", f"35 kilometres. Minutes: {JS_LINK} {SVG}")
    )
    return {
        "text": text,
        "title": f"{SCRIPT} Ferry vote {IMG}",
        "author": SVG,
        "outlet": f"{IMG} Gazette",
        "published": "2025-03-05",
        "url": JS_LINK,
    }


def make_hostile(analysis: Any) -> Any:
    """Quote speakers and actor names as attacks too (the analyzers would never find them)."""
    for n, quote in enumerate(analysis.quotes):
        if quote.speaker is not None:
            quote.speaker.name = ATTACKS[n % len(ATTACKS)]
    for n, actor in enumerate(analysis.actors):
        actor.name = ATTACKS[(n + 1) % len(ATTACKS)]
    return analysis
