"""The analyzer interface, for plugin authors: ``Analyzer`` and the ``analyzers`` registry.

Both live in ``framelens.analyzer``, below ``framelens.analyzers`` and
``framelens.evidence`` (whose ``verdicts`` analyzer implements the interface too);
this module re-exports them so ``from framelens.analyzers.base import Analyzer,
analyzers`` keeps working.
"""

from ..analyzer import Analyzer, analyzers

__all__ = ["Analyzer", "analyzers"]
