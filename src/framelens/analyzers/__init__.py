"""Built-in analyzers: every module in this package registers its analyzers on import.

``Context`` (from ``framelens.context``) is re-exported for analyzer authors.
"""

import importlib
import pkgutil

from ..context import Context
from .base import Analyzer, analyzers


def _import_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base" and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_import_all()

__all__ = ["Analyzer", "Context", "analyzers"]
