"""Deeply nested HTML: parse it without losing text, or say that text was lost.

libxml2 (under lxml, under trafilatura) stops reading a document at element depth 256,
and everything below is silently dropped: an article inside 300 wrapper ``<div>``s came
out as "no article body could be extracted". ``parse_deep_html`` returns ``None`` for
ordinary pages (trafilatura parses them itself, as before); for deeper ones it parses with
libxml2's huge-document limit (depth 2048), and past that it flattens the tree by
dropping wrapper tags, which carry no text of their own. If text is still out of reach it
raises ``InputError`` rather than analyse part of the article as if it were all of it.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Errors

_DEPTH_ERROR = "excessive depth"
# Tags kept when flattening: document structure, text blocks (the HTML parser closes an
# open p, li or heading when the next one starts, so these cannot nest deep), and
# script/style, whose contents must stay out of the text.
_KEEP = frozenset(
    "html head body title meta link base script style noscript template "
    "p br h1 h2 h3 h4 h5 h6 li".split()
)
# Block-level wrappers become a line break, so that their texts stay separate lines.
_BLOCK = frozenset(
    "div section article main aside header footer nav blockquote ul ol dl dd dt table tbody "
    "thead tfoot tr td th form fieldset figure figcaption address center pre".split()
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*>")


def _parse(html: str | bytes, *, huge: bool) -> tuple[Any, bool]:
    """(tree or None, whether the parser gave up on depth)."""
    import lxml.etree
    import lxml.html

    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    parser = lxml.html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8" if isinstance(html, str) else None,
        remove_comments=True,
        remove_pis=True,
        huge_tree=huge,
    )
    try:
        tree = lxml.html.fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None, False
    too_deep = any(_DEPTH_ERROR in str(e.message).lower() for e in parser.error_log)
    return tree, too_deep


def _flatten(html: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        if name in _KEEP:
            return match.group(0)
        return "<br>" if name in _BLOCK else ""

    return _TAG.sub(replace, html)


def parse_deep_html(html: str | bytes, source: str, *, flatten: bool = False) -> Any:
    """An lxml tree of ``html`` when it nests too deep for a default parse, else ``None``.

    ``flatten``: always return the flattened tree (for an extractor that recursed too deep
    on a tree libxml2 could read).
    """
    if not flatten:
        _, too_deep = _parse(html, huge=False)
        if not too_deep:
            return None
        tree, too_deep = _parse(html, huge=True)
        if not too_deep:
            return tree
    text = html if isinstance(html, str) else html.decode("utf-8", "replace")
    tree, too_deep = _parse(_flatten(text), huge=True)
    if too_deep or tree is None:
        raise Errors.E105(
            f"{source}: the HTML nests elements more than 2048 deep, and the text below that "
            "depth could not be read",
            fix="save the article text as .txt, or remove the nesting from the page",
            value=source,
        )
    return tree
