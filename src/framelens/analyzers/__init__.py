"""Built-in analyzers: every module in this package registers its analyzers on import.

``Analyzer`` and the ``analyzers`` registry (from ``framelens.analyzer``) and ``Context``
(from ``framelens.context``) are re-exported for analyzer authors. The ``verdicts``
analyzer lives with the evidence service (``framelens.evidence.verdicts``); the pipeline
imports it after this package, so it registers last.
"""

import importlib
import pkgutil

from ..analyzer import Analyzer, analyzers
from ..context import Context


def _import_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base" and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_import_all()

__all__ = ["Analyzer", "Context", "analyzers"]
