"""Uploaded files into articles and evidence documents, by what the bytes are.

The type comes from the content (PDF magic, an HTML tag, JSON), never from the file name:
the bytes are written to a temporary file with the matching suffix and read by the same
readers the CLI uses, so every ingest check (binary, encoding, size, language) applies.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from ..config import Settings
from ..errors import Errors, FramelensError
from ..evidence.readers import EvidenceDoc, read_documents, read_pdf
from ..ingest import iter_file, make_article
from ..model import Article, Failure

_HTML = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|article|div|p|h1|meta|title)[\s>]",
    re.I | re.S,
)
SUFFIX = {"pdf": ".pdf", "html": ".html", "jsonl": ".jsonl", "json": ".json", "text": ".txt"}


def sniff(data: bytes) -> str:
    """``pdf``, ``html``, ``jsonl``, ``json`` or ``text``, from the bytes alone."""
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if _HTML.match(head.lstrip(b"\xef\xbb\xbf")):
        return "html"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return "jsonl"
    if stripped.startswith(b"["):
        return "json"
    return "text"


def check_size(name: str, data: bytes, settings: Settings) -> None:
    if len(data) > settings.max_bytes:
        err = Errors.E104(
            f"{name} is {len(data):,} bytes, more than max_bytes={settings.max_bytes:,}",
            fix="split it, or raise the limit: FRAMELENS_MAX_BYTES=N framelens serve",
            value=name,
        )
        err.status = 413
        raise err
    if not data:
        raise Errors.E101(f"{name} is empty (0 bytes)", fix="upload a file with text")


def articles_from_upload(
    name: str, data: bytes, settings: Settings, *, force: bool = False
) -> list[Article | Failure]:
    """The articles in one uploaded file; unreadable ones come back as ``Failure``."""
    try:
        check_size(name, data, settings)
    except FramelensError as exc:
        return [Failure.from_error(name, "ingest", exc)]
    kind = sniff(data)
    with tempfile.TemporaryDirectory(prefix="framelens-upload-") as tmp:
        path = Path(tmp) / f"upload{SUFFIX[kind]}"
        path.write_bytes(data)
        if kind == "pdf":
            try:
                doc = read_pdf(path, settings)
                return [make_article(doc.text, settings, force=force, source=name, title=doc.title)]
            except FramelensError as exc:
                return [Failure.from_error(name, "ingest", exc)]
        out: list[Article | Failure] = []
        for item in iter_file(path, settings, force=force):
            src = str(item.source or "").replace(str(path), name) or name
            if isinstance(item, Failure):
                msg = item.message.replace(str(path), name)
                out.append(item.model_copy(update={"source": src, "message": msg}))
            else:
                out.append(item.model_copy(update={"source": src}))
        return out


def evidence_from_upload(name: str, data: bytes, settings: Settings) -> list[EvidenceDoc | Failure]:
    """The evidence documents in one uploaded file."""
    try:
        check_size(name, data, settings)
    except FramelensError as exc:
        return [Failure.from_error(name, "evidence", exc)]
    kind = sniff(data)
    with tempfile.TemporaryDirectory(prefix="framelens-upload-") as tmp:
        path = Path(tmp) / f"upload{SUFFIX[kind]}"
        path.write_bytes(data)
        out: list[EvidenceDoc | Failure] = []
        for item in read_documents([path], settings):
            if isinstance(item, Failure):
                msg = item.message.replace(str(path), name)
                out.append(item.model_copy(update={"source": name, "message": msg}))
            else:
                out.append(EvidenceDoc(text=item.text, name=name, source=name, title=item.title))
        return out
