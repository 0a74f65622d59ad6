"""``Context``: one article in flight through the pipeline.

It lives below every layer that reads it (analyzers, evidence, nlp's shared features and
the text tools) so that none of them imports another for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .model import Analysis, Article

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from .config import Settings


@dataclass
class Context:
    """One article in flight: its parse, and the analysis being built."""

    article: Article
    doc: Doc
    analysis: Analysis
    settings: Settings
    #: Scratch space analyzers may share within one article (e.g. sentence embeddings).
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.article.text
