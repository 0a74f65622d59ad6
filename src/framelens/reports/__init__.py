"""Renderers: JSON, Markdown, plain text and HTML, from ``Analysis`` records alone."""

from __future__ import annotations

from ..errors import ConfigError, InputError, short_repr
from ..model import SCHEMA, Analysis, iter_spans
from .html import render_html
from .markdown import render_markdown, render_text

FORMATS = ("json", "md", "html", "text")


def render(analysis: Analysis, fmt: str) -> str:
    """``analysis`` as ``json``, ``md``, ``html`` or ``text``."""
    if fmt == "json":
        return analysis.to_json() + "\n"
    if fmt == "md":
        return render_markdown(analysis)
    if fmt == "html":
        return render_html(analysis)
    if fmt == "text":
        return render_text(analysis)
    raise ConfigError(
        f"unknown report format {fmt!r}", fix=f"use one of: {', '.join(FORMATS)}", value=fmt
    )


def check_analysis(analysis: Analysis, source: str = "<analysis>") -> None:
    """Refuse a record the renderers cannot trust (raises ``InputError`` E108).

    A record of a schema version this release does not know may mean anything; a span whose
    offsets fall outside the article, or whose text is not the article's text there, would
    highlight the wrong words or other text than the article's. Both are refused, not drawn.
    """
    if analysis.schema_ != SCHEMA:
        raise InputError(
            f"{source} has schema {short_repr(analysis.schema_, 60)}, which this framelens "
            f"does not know (it reads {SCHEMA!r})",
            fix="re-run `framelens analyze --format json` with this version, or upgrade framelens",
            value=source,
            code="E108",
        )
    text = analysis.article.text
    for span in iter_spans(analysis):
        if not 0 <= span.start <= span.end <= len(text):
            problem = f"lies outside the article text ({len(text)} characters)"
        elif text[span.start : span.end] != span.text:
            problem = "does not match the article text at those offsets"
        else:
            continue
        raise InputError(
            f"{source} has a span [{span.start}, {span.end}) {short_repr(span.text, 40)} that "
            f"{problem}",
            fix="give an unmodified analysis written by `framelens analyze --format json`",
            value=source,
            code="E108",
        )


__all__ = ["FORMATS", "check_analysis", "render", "render_html", "render_markdown", "render_text"]
