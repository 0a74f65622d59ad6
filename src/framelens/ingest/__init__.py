"""Readers: bytes from files, directories and JSONL feeds -> ``Article`` records.

Single-document functions raise ``InputError`` with a one-line reason;
``iter_articles`` never raises for a bad document: it yields a ``Failure``
record in its place so a batch goes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..config import Settings, load_settings
from ..errors import Errors, FramelensError, InputError, short_repr
from ..model import Article, Failure
from .htmltree import parse_deep_html
from .lang import detect_language
from .normalize import normalize_text
from .walk import iter_files

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES

_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x1f\x8b": "a gzip archive",
    b"RIFF": "a RIFF media file",
    b"\x7fELF": "an executable",
}
_HTML_SNIFF = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<article|<!--)", re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
META_KEYS = ("title", "author", "outlet", "url", "published", "lang")


def _check_binary(data: bytes, source: str) -> None:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise Errors.E102(
                f"{source} is {what}, not an article",
                fix="give a .txt, .html or .jsonl file with the article text",
                value=source,
            )
    if b"\x00" in data[:8192]:
        raise Errors.E102(
            f"{source} looks like a binary file (it contains NUL bytes)",
            fix="give a .txt, .html or .jsonl file with the article text",
            value=source,
        )


def _decode(data: bytes, source: str, encoding: str = "utf-8") -> str:
    try:
        return data.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        raise Errors.E103(
            f"{source} is not valid {encoding} (bad byte {data[exc.start : exc.start + 1]!r} "
            f"at offset {exc.start})",
            fix="re-encode the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 IN > OUT`",
            value=source,
        ) from None
    except LookupError:
        return _decode(data, source)


def make_article(
    text: str,
    settings: Settings | None = None,
    *,
    force: bool = False,
    source: str = "<text>",
    **meta: Any,
) -> Article:
    """Normalise and validate ``text`` into an ``Article`` (raises ``InputError``)."""
    settings = settings or load_settings()
    text = normalize_text(text)
    if not text:
        raise Errors.E101(
            f"{source} is empty (no text after removing whitespace)",
            fix="give a file that contains the article text",
            value=source,
        )
    if len(text) < settings.min_chars:
        raise Errors.E101(
            f"{source} has only {len(text)} characters of text ({short_repr(text, 40)})",
            fix=f"give a whole article (min_chars is {settings.min_chars})",
            value=source,
        )
    if len(text) > settings.max_chars:
        raise Errors.E104(
            f"{source} has {len(text):,} characters, more than max_chars={settings.max_chars:,}",
            fix="split the document, or raise the limit: --set max_chars=N or FRAMELENS_MAX_CHARS",
            value=source,
        )
    lang = meta.pop("lang", None)
    detected, _ = detect_language(text)
    if settings.lang_check and not force and detected != "en":
        raise Errors.E110(source=source, detected=detected, value=source)
    clean = {k: (str(v).strip() or None) if v is not None else None for k, v in meta.items()}
    return Article(text=text, lang=lang or detected, source=source, **clean)


def article_from_html(
    html: str | bytes,
    settings: Settings | None = None,
    *,
    force: bool = False,
    source: str = "<html>",
    **meta: Any,
) -> Article:
    """Extract main text and metadata from HTML with trafilatura."""
    import trafilatura

    def extract(page: Any) -> Any:
        return trafilatura.bare_extraction(
            page, with_metadata=True, include_comments=False, include_tables=False
        )

    deep = parse_deep_html(html, source)  # None: an ordinary page, trafilatura parses it
    try:
        doc = extract(html if deep is None else deep)
    except RecursionError:  # trafilatura recurses per level of some nestings (lists)
        doc = extract(parse_deep_html(html, source, flatten=True))
    settings = settings or load_settings()
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or len(text.strip()) < settings.min_chars:
        raise Errors.E105(
            f"{source}: no article body could be extracted from the HTML",
            fix="check that the page contains the article text (not only navigation or "
            "scripts), or save the text as .txt",
            value=source,
        )
    found = {
        "title": getattr(doc, "title", None),
        "author": getattr(doc, "author", None),
        "outlet": getattr(doc, "sitename", None),
        "url": getattr(doc, "url", None),
        "published": getattr(doc, "date", None),
    }
    found.update({k: v for k, v in meta.items() if v})
    return make_article(text, settings, force=force, source=source, **found)


def _title_from_text(text: str) -> str | None:
    """The first line, when it looks like a headline (short, no final period, then a blank line)."""
    first, sep, rest = text.strip().partition("\n")
    if sep and rest.startswith("\n") and len(first) <= 200 and not first.rstrip().endswith("."):
        return first.strip() or None
    return None


def _record_to_article(record: Any, settings: Settings, force: bool, source: str) -> Article:
    if not isinstance(record, dict):
        raise Errors.E106(
            f"{source} is a JSON {type(record).__name__}, not an object",
            fix='give one object per line: {"text": "..."} or {"html": "..."} plus metadata',
            value=source,
        )
    meta = {k: record.get(k) for k in META_KEYS if record.get(k) is not None}
    if isinstance(record.get("html"), str):
        return article_from_html(record["html"], settings, force=force, source=source, **meta)
    if isinstance(record.get("text"), str):
        return make_article(record["text"], settings, force=force, source=source, **meta)
    for key in ("text", "html"):
        if key in record:
            raise Errors.E106(
                f"{source} has a {key!r} field of the wrong type: a JSON "
                f"{_json_type(record[key])} ({short_repr(record[key], 40)}), not a string",
                fix=f'give "{key}" as a string of the article\'s {key}',
                value=source,
            )
    raise Errors.E106(
        f"{source} has no 'text' or 'html' field (keys: {', '.join(sorted(record)) or 'none'})",
        fix='give each record a "text" or "html" string',
        value=source,
    )


def _parse_json(text: str, source: str, fix: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f" at line {exc.lineno}" if "\n" in text.strip() else ""
        raise Errors.E106(
            f"{source} is not valid JSON ({exc.msg}{where})", fix=fix, value=source
        ) from None
    except RecursionError:
        raise Errors.E106(
            f"{source} nests JSON arrays or objects too deep to read",
            fix=fix,
            value=source,
        ) from None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    return "array" if isinstance(value, list) else type(value).__name__


def read_bytes(path: Path, settings: Settings) -> bytes:
    """The bytes of ``path`` after the checks every reader shares: exists, size limit, not empty."""
    if not path.exists():
        raise Errors.E100(
            f"no such file or directory: {str(path)!r}",
            fix="check the path",
            value=str(path),
        )
    size = path.stat().st_size
    if size > settings.max_bytes:
        raise Errors.E104(
            f"{path} is {size:,} bytes, more than max_bytes={settings.max_bytes:,}",
            fix="split it, or raise the limit: --set max_bytes=N or FRAMELENS_MAX_BYTES",
            value=str(path),
        )
    if size == 0:
        raise Errors.E101(
            f"{path} is empty (0 bytes)",
            fix="give a file that contains the article text",
            value=str(path),
        )
    return path.read_bytes()


def _load_file(path: Path, settings: Settings, force: bool) -> Iterator[Article | Failure]:
    """Articles in one file; raises for whole-file problems, yields ``Failure`` per bad record."""
    source = str(path)
    data = read_bytes(path, settings)
    _check_binary(data, source)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES or suffix in JSON_SUFFIXES:
        text = _decode(data, source)
        if suffix in JSON_SUFFIXES:
            parsed = _parse_json(
                text, source, "fix the JSON, or give one article per line in a .jsonl file"
            )
            records = parsed if isinstance(parsed, list) else [parsed]
            numbered = [
                (f"{source}[{i}]" if len(records) > 1 else source, r) for i, r in enumerate(records)
            ]
        else:
            numbered = [
                (f"{source}:{n}", line)
                for n, line in enumerate(text.splitlines(), 1)
                if line.strip()
            ]
        for src, record in numbered:
            try:
                if isinstance(record, str):
                    record = _parse_json(record, src, "give one JSON object per line")
                yield _record_to_article(record, settings, force, src)
            except FramelensError as exc:
                yield Failure.from_error(src, "ingest", exc)
        return
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _HTML_SNIFF.match(data)):
        charset = _CHARSET.search(data[:4096])
        html = _decode(data, source, charset.group(1).decode() if charset else "utf-8")
        yield article_from_html(html, settings, force=force, source=source)
        return
    text = _decode(data, source)
    yield make_article(text, settings, force=force, source=source, title=_title_from_text(text))


def iter_file(
    path: str | Path, settings: Settings | None = None, *, force: bool = False
) -> Iterator[Article | Failure]:
    """Articles in one file (one, or one per JSONL line); bad ones come out as ``Failure``."""
    settings = settings or load_settings()
    try:
        yield from _load_file(Path(path), settings, force)
    except FramelensError as exc:
        yield Failure.from_error(str(path), "ingest", exc)


def iter_articles(
    paths: Iterable[str | Path], settings: Settings | None = None, *, force: bool = False
) -> Iterator[Article | Failure]:
    """Every article under ``paths`` (files, or directories searched recursively), in order."""
    settings = settings or load_settings()
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield from iter_file(path, settings, force=force)
            continue
        empty = True
        for file in iter_files(path, SUPPORTED, "ingest"):
            empty = False
            if isinstance(file, Failure):
                yield file  # skipped, with the reason
            else:
                yield from iter_file(file, settings, force=force)
        if empty:
            yield Failure(
                source=str(path),
                stage="ingest",
                code=Errors.E101.code,
                message=f"directory {str(path)!r} contains no files",
                fix="give a directory with .txt, .html or .jsonl files",
            )


def read_article(
    path: str | Path, settings: Settings | None = None, *, force: bool = False
) -> Article:
    """The first article in ``path``; raises ``InputError`` if it cannot be read."""
    for item in _load_file(Path(path), settings or load_settings(), force):
        if isinstance(item, Failure):
            raise InputError(item.message, fix=item.fix, value=item.source, code=item.code)
        return item
    raise Errors.E101(f"{path} contains no article", fix="check the file", value=str(path))
