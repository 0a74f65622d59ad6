"""Jinja2 for the pages: the web templates first, then the report templates they include."""

from __future__ import annotations

from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from ..reports.html import paragraphs

_env: Environment | None = None


def environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(
            loader=ChoiceLoader(
                [
                    PackageLoader("framelens.web", "templates"),
                    PackageLoader("framelens.reports", "templates"),
                ]
            ),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _env.filters["paragraphs"] = paragraphs
    return _env


def render_page(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
