"""Registries: analyzers, readers, exporters and eval tasks, by name.

Plugins register with a decorator at import time; ``framelens.analyzers``
imports the built-in analyzer modules. Names are plain ("quotes"); every
analyzer class also carries a version, and findings record ``name.vVERSION``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .errors import ConfigError

T = TypeVar("T")


class Registry:
    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, Any] = {}

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
        # Built-in plugins register themselves when their package is imported.
        if self.kind == "analyzer":
            import framelens.analyzers
        elif self.kind == "comparison dimension":
            import framelens.compare.dimensions
        elif self.kind == "eval task":
            import framelens.eval  # noqa: F401


analyzers = Registry("analyzer")
eval_tasks = Registry("eval task")
dimensions = Registry("comparison dimension")
