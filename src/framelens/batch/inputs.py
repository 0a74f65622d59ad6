"""Batch inputs: JSONL(.gz), CSV, WARC(.gz) and directories -> ``Article`` | ``Failure``.

Every reader streams (a 10 GB JSONL file is read line by line) and never raises for a bad
record: it yields a ``Failure`` in its place. Text, HTML and JSON files go through
``framelens.ingest``, HTML in WARC records through the same trafilatura reader.
Each item has a stable ``item_key`` (the article id, or for a failure its source and
code), which is what dedupe and resume go by.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..config import Settings
from ..errors import Errors, FramelensError
from ..ingest import (
    SUPPORTED,
    _record_to_article,
    article_from_html,
    iter_file,
    make_article,
)
from ..ingest.walk import iter_files
from ..model import Article, Failure

PDF_SUFFIXES = {".pdf"}
BATCH_DIR_SUFFIXES = SUPPORTED | PDF_SUFFIXES | {".gz", ".csv", ".warc"}

Item = Article | Failure


def item_key(item: Item) -> str:
    """Stable key of an input item: the article id, or a hash of a failure's source and code."""
    if isinstance(item, Article):
        return item.id
    if item.article_id:
        return item.article_id
    digest = hashlib.sha256(f"{item.source}\n{item.stage}\n{item.code}".encode()).hexdigest()
    return "f" + digest[:19]


def _kind(path: Path) -> str:
    name = path.name.lower()
    for suffix, kind in (
        (".jsonl.gz", "jsonl.gz"),
        (".ndjson.gz", "jsonl.gz"),
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".warc.gz", "warc"),
        (".warc", "warc"),
        (".csv", "csv"),
        (".pdf", "pdf"),
    ):
        if name.endswith(suffix):
            return kind
    return "file"


def _too_big(source: str, size: int, settings: Settings) -> Failure:
    return Failure(
        source=source,
        stage="ingest",
        code=Errors.E104.code,
        message=f"{source} is {size:,} bytes, more than max_bytes={settings.max_bytes:,}; skipped",
        fix="split it, or raise the limit: --set max_bytes=N",
    )


def _iter_jsonl(path: Path, settings: Settings, force: bool) -> Iterator[Item]:
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            src = f"{path}:{n}"
            # A huge line is refused before it is decoded and parsed (bounded memory).
            if len(raw) > settings.max_bytes:
                yield _too_big(src, len(raw), settings)
                continue
            try:
                try:
                    record = json.loads(raw.decode("utf-8-sig"))
                except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
                    raise Errors.E106(
                        f"{src} is not a valid JSON line ({type(exc).__name__}: {str(exc)[:80]})",
                        fix="give one JSON object per line",
                        value=src,
                    ) from None
                yield _record_to_article(record, settings, force, src)
            except FramelensError as exc:
                yield Failure.from_error(src, "ingest", exc)


def _iter_csv(
    path: Path, settings: Settings, force: bool, text_column: str, columns: dict[str, str]
) -> Iterator[Item]:
    csv.field_size_limit(max(settings.max_bytes, 1_000_000) * 2)
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if text_column not in (reader.fieldnames or []):
            yield Failure(
                source=str(path),
                stage="ingest",
                code=Errors.E106.code,
                message=f"{path} has no column {text_column!r} "
                f"(columns: {', '.join(reader.fieldnames or []) or 'none'})",
                fix="name the text column: --text-column NAME",
            )
            return
        n = 1
        while True:
            n += 1
            src = f"{path}:{n}"
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Failure(
                    source=src,
                    stage="ingest",
                    code=Errors.E106.code,
                    message=f"{src}: bad CSV row ({exc})",
                )
                continue
            text = row.get(text_column) or ""
            if len(text) > settings.max_chars:
                yield _too_big(src, len(text.encode()), settings)
                continue
            meta = {
                key: row.get(columns.get(key, key))
                for key in ("title", "author", "outlet", "url", "published", "lang")
                if row.get(columns.get(key, key))
            }
            try:
                yield make_article(text, settings, force=force, source=src, **meta)
            except FramelensError as exc:
                yield Failure.from_error(src, "ingest", exc)


def _iter_warc(path: Path, settings: Settings, force: bool) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        try:
            for n, record in enumerate(ArchiveIterator(fh), 1):
                if record.rec_type != "response":
                    continue  # request, metadata, warcinfo: not pages
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                src = f"{path}#{n}"
                ctype = (
                    record.http_headers.get_header("Content-Type") if record.http_headers else ""
                ) or ""
                if "html" not in ctype.lower():
                    yield Failure(
                        source=src,
                        stage="ingest",
                        code=Errors.E102.code,
                        message=f"{src} ({url}) is {ctype or 'of no content type'}, not HTML; "
                        "skipped",
                    )
                    continue
                data = record.content_stream().read(settings.max_bytes + 1)
                if len(data) > settings.max_bytes:
                    yield _too_big(src, len(data), settings)
                    continue
                try:
                    yield article_from_html(data, settings, force=force, source=src, url=url)
                except FramelensError as exc:
                    yield Failure.from_error(src, "ingest", exc)
        except Exception as exc:  # a truncated or corrupt archive: keep what was read
            yield Failure(
                source=str(path),
                stage="ingest",
                code=Errors.E106.code,
                message=f"{path} is not a readable WARC file ({type(exc).__name__}: {exc})",
                fix="check the file (a crawl cut off mid-record?)",
            )


def _iter_pdf(path: Path, settings: Settings, force: bool) -> Iterator[Item]:
    src = str(path)
    size = path.stat().st_size
    if size > settings.max_bytes:
        yield _too_big(src, size, settings)
        return
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(path.read_bytes()))
        text = "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:
        yield Failure(
            source=src,
            stage="ingest",
            code=Errors.E102.code,
            message=f"{src} is not a readable PDF ({type(exc).__name__}: {exc})",
            fix="give the article as text or HTML",
        )
        return
    try:
        yield make_article(text, settings, force=force, source=src)
    except FramelensError as exc:
        yield Failure.from_error(src, "ingest", exc)


def iter_path(
    path: Path,
    settings: Settings,
    *,
    force: bool = False,
    text_column: str = "text",
    columns: dict[str, str] | None = None,
) -> Iterator[Item]:
    """Items of one input file, by its kind."""
    kind = _kind(path)
    if not path.exists():
        yield Failure.from_error(
            str(path),
            "ingest",
            Errors.E100(f"no such file or directory: {str(path)!r}", value=str(path)),
        )
    elif kind in ("jsonl", "jsonl.gz"):
        yield from _iter_jsonl(path, settings, force)
    elif kind == "csv":
        yield from _iter_csv(path, settings, force, text_column, columns or {})
    elif kind == "warc":
        yield from _iter_warc(path, settings, force)
    elif kind == "pdf":
        yield from _iter_pdf(path, settings, force)
    else:
        yield from iter_file(path, settings, force=force)


def iter_inputs(
    paths: Iterable[str | Path],
    settings: Settings,
    *,
    force: bool = False,
    text_column: str = "text",
    columns: dict[str, str] | None = None,
) -> Iterator[Item]:
    """Every item under ``paths`` (directories searched recursively, in sorted order)."""
    for raw in paths:
        path = Path(raw)
        files: Iterable[Path | Failure] = (
            iter_files(path, BATCH_DIR_SUFFIXES, "ingest") if path.is_dir() else [path]
        )
        for file in files:
            if isinstance(file, Failure):
                yield file
            else:
                yield from iter_path(
                    file, settings, force=force, text_column=text_column, columns=columns
                )


def count_inputs(paths: Iterable[str | Path]) -> int | None:
    """A quick upper estimate of the number of items (for progress ETA), or None."""
    total = 0
    for raw in paths:
        path = Path(raw)
        files: Iterable[Path | Failure] = (
            iter_files(path, BATCH_DIR_SUFFIXES, "ingest") if path.is_dir() else [path]
        )
        for file in files:
            if isinstance(file, Failure) or not file.exists():
                total += 1
                continue
            kind = _kind(file)
            try:
                if kind in ("jsonl", "jsonl.gz", "csv"):
                    opener: Any = gzip.open if kind == "jsonl.gz" else open
                    with opener(file, "rb") as fh:
                        total += _count_lines(fh) - (1 if kind == "csv" else 0)
                elif kind == "warc":
                    total += _count_warc(file)
                else:
                    total += 1
            except Exception:
                total += 1
    return total


def _count_lines(fh: IO[bytes]) -> int:
    return sum(1 for line in fh if line.strip())


def _count_warc(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        return sum(1 for r in ArchiveIterator(fh) if r.rec_type == "response")
