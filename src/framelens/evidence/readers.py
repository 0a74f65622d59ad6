"""Evidence documents from files: text, HTML, JSON Lines (via ``framelens.ingest``) and PDF.

PDF text comes from ``pypdf`` (a dependency; pure Python). An install without it refuses
a PDF with the fix (``pip install pypdf``) instead of failing. Evidence is read without
the language check: a report's annex in another language should not stop the collection.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..errors import Errors, FramelensError
from ..ingest import SUPPORTED, iter_file, read_bytes
from ..ingest.normalize import normalize_text
from ..ingest.walk import iter_files
from ..model import Failure, content_id

PDF_SUFFIXES = {".pdf"}


@dataclass(frozen=True)
class EvidenceDoc:
    """One evidence document: its normalised text and where it came from."""

    text: str
    name: str
    source: str
    title: str | None = None
    url: str | None = None

    @property
    def id(self) -> str:
        """Content hash of the text: the same document is stored once per collection."""
        return content_id(self.text)


def read_pdf(path: Path, settings: Settings) -> EvidenceDoc:
    """The text of a PDF, page by page (pages separated by blank lines)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        raise Errors.E102(
            f"{path} is a PDF, and reading PDFs needs the pypdf package",
            fix="run `pip install pypdf`, or save the document as text",
            value=str(path),
        ) from None
    data = read_bytes(path, settings)
    # pypdf logs its repairs ("EOF marker not found"); a failure below says what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except Exception as exc:  # pypdf raises many types for broken files
        raise Errors.E102(
            f"{path} could not be read as a PDF ({type(exc).__name__}: {exc})",
            fix="check the file, or save the document as text",
            value=str(path),
        ) from None
    text = normalize_text("\n\n".join(p.strip() for p in pages if p.strip()))
    if len(text) < settings.min_chars:
        raise Errors.E105(
            f"{path} has no extractable text (a scanned PDF needs OCR first)",
            fix="run OCR on it (e.g. ocrmypdf), or save the text as .txt",
            value=str(path),
        )
    return EvidenceDoc(text=text, name=path.name, source=str(path), title=title or None)


def _from_file(path: Path, settings: Settings) -> Iterator[EvidenceDoc | Failure]:
    if path.suffix.lower() in PDF_SUFFIXES:
        try:
            yield read_pdf(path, settings)
        except FramelensError as exc:
            yield Failure.from_error(str(path), "evidence", exc)
        return
    for item in iter_file(path, settings, force=True):
        if isinstance(item, Failure):
            yield item
            continue
        yield EvidenceDoc(
            text=item.text,
            name=Path(str(item.source or path)).name,
            source=str(item.source or path),
            title=item.title,
            url=item.url,
        )


def read_documents(
    paths: Iterable[str | Path], settings: Settings
) -> Iterator[EvidenceDoc | Failure]:
    """Every evidence document under ``paths`` (directories searched recursively)."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Failure(
                source=str(path),
                stage="evidence",
                code=Errors.E100.code,
                message=f"no such file or directory: {str(path)!r}",
                fix="check the path",
            )
            continue
        if not path.is_dir():
            yield from _from_file(path, settings)
            continue
        for file in iter_files(path, SUPPORTED | PDF_SUFFIXES, "evidence"):
            if isinstance(file, Failure):
                yield file  # skipped, with the reason
            else:
                yield from _from_file(file, settings)
