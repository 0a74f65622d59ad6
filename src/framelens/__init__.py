"""framelens: critical reading of news and opinion, every finding tied to character offsets.

>>> from framelens import Pipeline
>>> pipe = Pipeline()                      # models load once
>>> analysis = pipe.analyze(article_text)  # -> Analysis (JSON-able records)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import Settings, load_settings
from .errors import ConfigError, FramelensError, InputError, ModelError, NotFound, StoreError
from .ingest import iter_articles, make_article, read_article
from .model import Analysis, Article, Span
from .pipeline import Pipeline, analyze

__all__ = [
    "Analysis",
    "Article",
    "ConfigError",
    "FramelensError",
    "InputError",
    "ModelError",
    "NotFound",
    "Pipeline",
    "Settings",
    "Span",
    "StoreError",
    "__version__",
    "analyze",
    "iter_articles",
    "load_settings",
    "make_article",
    "read_article",
]
