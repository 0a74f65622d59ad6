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


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in words ("Read-only file system")."""
    if isinstance(exc, FileExistsError):  # mkdir(exist_ok=True) on a file
        return "a file of that name is in the way of the folder"
    return exc.strerror or type(exc).__name__


def unwritable(path: Any, exc: OSError, what: str = "output") -> InputError:
    """The one-line error for a path the operating system will not let us create or write.

    ``exc.strerror`` ("No such file or directory", "Read-only file system", "Permission
    denied", "Not a directory") says why in the user's terms; a traceback would not.
    """
    reason = os_reason(exc)
    where = exc.filename if isinstance(exc.filename, str) else str(path)
    at = f" ({where!r})" if where != str(path) else ""
    return InputError(
        f"cannot write {what} {str(path)!r}: {reason}{at}",
        fix="choose a path in a folder you can write to",
        value=str(path),
        code="E109",
    )
