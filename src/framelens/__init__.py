"""framelens: critical reading of news and opinion, every finding tied to character offsets.

>>> from framelens import Pipeline
>>> pipe = Pipeline()                      # models load once
>>> analysis = pipe.analyze(article_text)  # -> Analysis (JSON-able records)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The package itself imports only the bottom layer (config, errors, model). The rest of the
# public API is imported on first use, so that importing any framelens module runs that
# module's own imports and nothing else: no module works only because this file happened
# to import another one first (tests/test_layers.py imports each module on its own).
from .config import Settings, load_settings
from .errors import ConfigError, FramelensError, InputError, ModelError, NotFound, StoreError
from .model import Analysis, Article, Span

if TYPE_CHECKING:
    from .ingest import iter_articles, make_article, read_article
    from .pipeline import Pipeline, analyze

#: Public names imported on first use -> the module that defines them.
_LAZY = {
    "iter_articles": "ingest",
    "make_article": "ingest",
    "read_article": "ingest",
    "Pipeline": "pipeline",
    "analyze": "pipeline",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
