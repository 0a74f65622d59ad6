"""A registry: plugins of one kind by name, with no knowledge of who uses it.

Each client package owns its registry and its built-in plugins register themselves with
the ``register`` decorator when their module is imported: ``framelens.analyzer``
holds the analyzers (``framelens.analyzers`` imports every built-in analyzer but
``verdicts``, which ``framelens.pipeline`` imports from ``framelens.evidence``),
``framelens.compare.dimensions`` the comparison dimensions and ``framelens.eval`` the
eval tasks. Code that needs a kind complete imports the package that defines it.

Installed packages add plugins through the registry's entry-point group (for example
``[project.entry-points."framelens.analyzers"] mine = "my_package.analyzers"``): each
entry point is loaded, so its module registers, the first time a name is looked up.
Names are plain ("quotes"); every analyzer class also carries a version, and findings
record ``name.vVERSION``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points as _entry_points
from typing import Any, TypeVar

from .errors import ConfigError

T = TypeVar("T")


class Registry:
    def __init__(self, kind: str, entry_points: str | None = None):
        self.kind = kind
        #: The entry-point group whose entries are loaded on the first lookup, if any.
        self.entry_points = entry_points
        self._items: dict[str, Any] = {}
        self._loaded = entry_points is None

    def register(self, name: str) -> Callable[[T], T]:
        def deco(obj: T) -> T:
            self._items[name] = obj
            return obj

        return deco

    def get(self, name: str) -> Any:
        self._load()
        try:
            return self._items[name]
        except KeyError:
            raise ConfigError(
                f"unknown {self.kind} {name!r}",
                fix=f"use one of: {', '.join(self.names()) or '(none registered)'}",
                value=name,
            ) from None

    def names(self) -> list[str]:
        self._load()
        return list(self._items)

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for ep in _entry_points(group=self.entry_points or ""):
            try:
                ep.load()
            except Exception as exc:
                raise ConfigError(
                    f"the {self.kind} plugin {ep.name!r} ({ep.value}) failed to load: {exc}",
                    fix=f"fix or uninstall the package that declares it in {self.entry_points!r}",
                    value=ep.name,
                ) from exc
