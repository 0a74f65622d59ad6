"""One exception tree for everything a user can get wrong, and the catalogue of its codes.

Every error carries a stable code, what happened (with the offending value),
and what to do about it. ``str(err)`` is the one line the CLI prints; the web
app and the batch runner read ``code``/``message``/``fix`` separately.

Each code is defined once, in ``Errors`` below (spaCy's coded ``Errors``): its exception
class, its message template and the usual fix. Call sites name the code
(``raise Errors.E101(...)``, ``Failure(code=Errors.E106.code, ...)``), never a string
literal; ``framelens errors`` lists the catalogue and the README's error table is
generated from it (``framelens errors --format md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar


class FramelensError(Exception):
    """Base class: ``code`` is stable across releases, ``fix`` tells the user what to do."""

    code: str  # the class's default code, set from ``Errors`` below
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

    status = 400


class LanguageError(InputError):
    """The text is not in a language the pipeline supports."""


class ConfigError(FramelensError):
    """A setting, analyzer name or option is wrong."""

    status = 400


class ModelError(FramelensError):
    """A model or resource the pipeline needs is missing or broken."""

    status = 500


class StoreError(FramelensError):
    """The database could not be opened, migrated, read or written."""

    status = 500


class NotFound(FramelensError):
    """A stored record, dataset or file that was asked for does not exist."""

    status = 404


class AmbiguousId(NotFound):
    """An id prefix matches several stored records (a ``NotFound`` for older callers)."""

    status = 409


E = TypeVar("E", bound=FramelensError)


@dataclass(frozen=True)
class ErrorCode(Generic[E]):
    """One catalogued code: the exception class that carries it, its message and usual fix.

    ``template`` and ``fix`` may hold ``{name}`` fields. Calling the code builds the
    exception: ``Errors.E110(source=...)`` fills the template, ``Errors.E101("...")``
    gives a more specific message of the same kind. ``exception`` is ``None`` for codes
    that only the web layer or a failure record carries (HTTP errors, crashes).
    """

    code: str
    exception: type[E] | None
    template: str
    fix: str = ""

    def message(self, **fields: Any) -> str:
        return self.template.format(**fields)

    def __call__(
        self,
        message: str | None = None,
        *,
        fix: str | None = None,
        value: Any = None,
        **fields: Any,
    ) -> E:
        if self.exception is None:
            raise TypeError(f"{self.code} is not raised as an exception")
        if message is None:  # the template, with the catalogue's fix unless one is given
            message = self.template.format(**fields)
            fix = self.fix.format(**fields) if fix is None else fix
        return self.exception(message, fix=fix or "", value=value, code=self.code)

    def __str__(self) -> str:
        return self.code


class Errors:
    """Every code framelens emits, each defined once (``framelens errors`` lists them).

    E1xx: the input (documents, paths, comparisons); E2xx: settings and options; E3xx:
    models; E4xx: the store, stored records and the web API's HTTP errors; E5xx: internal
    errors, recorded as failures so that one bad document never stops a batch.
    """

    E000 = ErrorCode("E000", FramelensError, "{message}")
    E100 = ErrorCode(
        "E100",
        InputError,
        "no such file or directory: {path!r} (or it cannot be read, or is not what the "
        "command reads)",
        "check the path",
    )
    E101 = ErrorCode(
        "E101",
        InputError,
        "{source} is empty, or has too little text to analyse",
        "give a file that contains the article text",
    )
    E102 = ErrorCode(
        "E102",
        InputError,
        "{source} is not a text document (binary, an image, an archive, an unreadable PDF)",
        "give a .txt, .html or .jsonl file with the article text",
    )
    E103 = ErrorCode(
        "E103",
        InputError,
        "{source} is not valid {encoding} (bad byte {byte!r} at offset {offset})",
        "re-encode the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 IN > OUT`",
    )
    E104 = ErrorCode(
        "E104",
        InputError,
        "{source} is {size:,} bytes, more than max_bytes={limit:,} (or longer than max_chars)",
        "split it, or raise the limit: --set max_bytes=N or FRAMELENS_MAX_BYTES",
    )
    E105 = ErrorCode(
        "E105",
        InputError,
        "{source}: no article body could be extracted",
        "save the article text as .txt",
    )
    E106 = ErrorCode(
        "E106",
        InputError,
        "{source} is not a valid record: bad JSON, JSON Lines, CSV or WARC ({why})",
        'give one JSON object per line with a "text" or "html" string',
    )
    E107 = ErrorCode(
        "E107",
        InputError,
        "{source} has a type or format framelens does not read ({why})",
        "give .txt, .html, .json, .jsonl, .csv, .warc or .pdf files; dates as YYYY-MM-DD",
    )
    E108 = ErrorCode(
        "E108",
        InputError,
        "{source} is not a framelens analysis ({why})",
        "give the JSON written by `framelens analyze --format json`",
    )
    E109 = ErrorCode(
        "E109",
        InputError,
        "cannot write {what} {path!r}: {reason}",
        "choose a path in a folder you can write to",
    )
    E110 = ErrorCode(
        "E110",
        LanguageError,
        "{source} does not read as English (detected: {detected})",
        "framelens's models are English; pass --force to analyse it anyway",
    )
    E111 = ErrorCode(
        "E111",
        InputError,
        "refusing to fetch {url!r}: {why}",
        "give a public http(s) URL, or paste the article text",
    )
    E120 = ErrorCode(
        "E120",
        InputError,
        "too few articles to compare ({count})",
        "give articles about the same story from two or more outlets",
    )
    E121 = ErrorCode(
        "E121",
        InputError,
        "{count} article(s) have no outlet: {examples}",
        "give each article an 'outlet' (JSONL field or HTML site name) or a URL",
    )
    E122 = ErrorCode(
        "E122",
        InputError,
        "all {count} articles are from one outlet ({outlet!r})",
        "give articles from two or more outlets (their 'outlet' metadata differs)",
    )
    E123 = ErrorCode(
        "E123",
        InputError,
        "the articles are in several languages ({languages})",
        "compare articles in one language; framelens reads English",
    )
    E200 = ErrorCode(
        "E200",
        ConfigError,
        "setting {name!r} from {source} has value {value!r}, which is not valid (unknown "
        "setting, wrong type, out of range; or a wrong analyzer name or option)",
        "see `framelens config` for the settings and their ranges",
    )
    E210 = ErrorCode(
        "E210",
        ConfigError,
        "fetching URLs is turned off",
        "paste the text or upload the page; or set fetch_urls = true in framelens.toml",
    )
    E220 = ErrorCode(
        "E220",
        ConfigError,
        "refusing to serve on {host!r} without a token",
        "set FRAMELENS_TOKEN (every write request must then carry it), or bind 127.0.0.1",
    )
    E300 = ErrorCode(
        "E300",
        ModelError,
        "the model or resource {name!r} is missing or broken ({why})",
        "reinstall framelens, or check the model setting",
    )
    E400 = ErrorCode(
        "E400",
        StoreError,
        "could not {action} in {url} ({reason})",
        "check that the database is reachable and writable, then retry",
    )
    E401 = ErrorCode[FramelensError](
        "E401",
        None,
        "this server needs its token on every write",
        "use the server's token: an `Authorization: Bearer TOKEN` header",
    )
    E403 = ErrorCode[FramelensError](
        "E403",
        None,
        "cross-origin write from {origin!r} refused",
        "send the request from the framelens page itself",
    )
    E404 = ErrorCode(
        "E404",
        NotFound,
        "no stored {kind} with id {id!r} (or no such dataset, file or page)",
        "list what is stored with `framelens db list`, `corpus list` or `stories list`",
    )
    E405 = ErrorCode[FramelensError](
        "E405",
        None,
        "method not allowed",
        "check the HTTP method; the API is described at /api/docs",
    )
    E409 = ErrorCode(
        "E409",
        AmbiguousId,
        "{kind} id prefix {prefix!r} matches several {kinds}: {candidates}",
        "give more characters of the id",
    )
    E413 = ErrorCode[FramelensError](
        "E413",
        None,
        "request body of {size:,} bytes is over the limit of {limit:,}",
        "send less: fewer or smaller files (the limit follows max_bytes)",
    )
    E422 = ErrorCode[FramelensError](
        "E422",
        None,
        "invalid request: {why} at {where}",
        "see the request schema at /api/docs",
    )
    E500 = ErrorCode[FramelensError](
        "E500",
        None,
        "internal error: {error}",
        "please report it with the steps that led here",
    )
    E501 = ErrorCode[FramelensError](
        "E501",
        None,
        "the worker processing this article died ({why})",
        "raise --memory-limit or lower --partition-size, or skip the article",
    )


CATALOGUE: dict[str, ErrorCode[Any]] = {
    v.code: v for k, v in vars(Errors).items() if isinstance(v, ErrorCode) and k == v.code
}

# Each class's default code, from the catalogue.
FramelensError.code = Errors.E000.code
InputError.code = Errors.E100.code
LanguageError.code = Errors.E110.code
ConfigError.code = Errors.E200.code
ModelError.code = Errors.E300.code
StoreError.code = Errors.E400.code
NotFound.code = Errors.E404.code
AmbiguousId.code = Errors.E409.code


def catalogue_rows() -> list[tuple[str, str, str, str]]:
    """``(code, exception class, message template, usual fix)`` for every code, in order."""
    return [
        (
            c.code,
            c.exception.__name__ if c.exception else "(HTTP / failure record)",
            c.template,
            c.fix,
        )
        for c in sorted(CATALOGUE.values(), key=lambda c: c.code)
    ]


def catalogue_markdown() -> str:
    """The README's table of error codes (``framelens errors --format md``)."""
    lines = ["| code | exception | message | usual fix |", "|---|---|---|---|"]
    for code, exc, template, fix in catalogue_rows():
        cells = [f"`{code}`", exc, template, fix]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


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
    return Errors.E109(
        f"cannot write {what} {str(path)!r}: {reason}{at}",
        fix=Errors.E109.fix,
        value=str(path),
    )
