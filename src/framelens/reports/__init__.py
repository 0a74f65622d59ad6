"""Renderers: JSON, Markdown, plain text and HTML, from ``Analysis`` records alone."""

from __future__ import annotations

from ..analysis_files import check_analysis
from ..errors import ConfigError
from ..model import Analysis
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


__all__ = ["FORMATS", "check_analysis", "render", "render_html", "render_markdown", "render_text"]
