"""What every analyzer is: a named, versioned step on the shared parse.

It lives below both ``framelens.analyzers`` and ``framelens.evidence`` (whose
``verdicts`` analyzer implements it too), which never import each other.

An analyzer declares the analyzers whose results it reads (``needs``) and the
``Analysis`` fields it writes (``produces``; ``"actors.sentiment"`` names a field
of each ``Actor``). The pipeline checks both when it is built. Models and
lexicons load in ``__init__`` (once per process, since the pipeline is built
once); ``run`` is called once per article with the shared ``Context``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from .context import Context
from .registry import Registry

if TYPE_CHECKING:
    from .config import Settings


class Analyzer:
    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    needs: ClassVar[tuple[str, ...]] = ()
    produces: ClassVar[tuple[str, ...]] = ()
    #: Shared per-article features the pipeline should compute for it, batched across
    #: articles before any analyzer runs: "sentence_features" (``nlp.features``).
    features: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""
    #: Whether its learned heads read the sentence encoder (and so follow ``encoder``).
    reads_encoder: ClassVar[bool] = False

    def __init__(self, settings: Settings):
        self.settings = settings

    @classmethod
    def key(cls) -> str:
        """``name.vVERSION``: what each finding records in its ``analyzer`` field."""
        return f"{cls.name}.v{cls.version}"

    def shared_features(self) -> tuple[str, ...]:
        """The shared features this instance needs: ``features``, unless its settings
        choose a model that needs fewer."""
        return self.features

    def version_tag(self) -> str:
        """What ``Analysis.pipeline`` records for this instance: ``version``, plus the
        model variant where a setting chooses between shipped models."""
        return self.version + self.encoder_suffix()

    def encoder_suffix(self) -> str:
        """``-frozen`` where this analyzer's heads read the encoder and the ``encoder``
        setting chooses the frozen one (the models before the tuned encoder)."""
        frozen = self.reads_encoder and self.settings.encoder == "frozen"
        return "-frozen" if frozen else ""

    def check_nlp(self, nlp_id: str) -> None:
        """Raise ``ModelError`` when this instance cannot read parses from the spaCy
        pipeline ``nlp_id`` (``model_id`` of it). The pipeline asks once, at build time."""

    def run(self, ctx: Context) -> None:  # pragma: no cover - interface
        raise NotImplementedError


#: The analyzers by name. Every module of ``framelens.analyzers`` registers its own when
#: the package is imported, and ``framelens.evidence.verdicts`` the ``verdicts`` analyzer;
#: ``framelens.pipeline`` imports both, so the registry is complete wherever the pipeline
#: is. An installed package adds more through the ``framelens.analyzers`` entry-point
#: group (each entry point names a module that registers on import).
analyzers = Registry("analyzer", entry_points="framelens.analyzers")
