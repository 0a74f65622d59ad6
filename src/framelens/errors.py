"""One exception tree for everything a user can get wrong.

Every error carries a stable code, what happened (with the offending value),
and what to do about it. ``str(err)`` is the one line the CLI prints; the web
app and the batch runner read ``code``/``message``/``fix`` separately.
"""

from __future__ import annotations

from typing import Any


class FramelensError(Exception):
    """Base class: ``code`` is stable across releases, ``fix`` tells the user what to do."""

    code = "E000"
    status = 500  # HTTP status a web front end should answer with

    def __init__(self, message: str, *, fix: str = "", value: Any = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.value = value
        if code:
            self.code = code

    def __str__(self) -> str:
        line = f"{self.code} {self.message}"
        if self.fix:
            line += f" — {self.fix}"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "error": type(self).__name__,
            "message": self.message,
            "fix": self.fix,
        }


class InputError(FramelensError):
    """The input document or path is unusable (empty, binary, wrong encoding, too big...)."""

    code = "E100"
    status = 400


class LanguageError(InputError):
    """The text is not in a language the pipeline supports."""

    code = "E110"


class ConfigError(FramelensError):
    """A setting, analyzer name or option is wrong."""

    code = "E200"
    status = 400


class ModelError(FramelensError):
    """A model or resource the pipeline needs is missing or broken."""

    code = "E300"
    status = 500


class StoreError(FramelensError):
    """The database could not be opened, migrated, read or written."""

    code = "E400"
    status = 500


class NotFound(FramelensError):
    """A stored record, dataset or file that was asked for does not exist."""

    code = "E404"
    status = 404


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr`` of a value, cut to ``limit`` characters for one-line messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
