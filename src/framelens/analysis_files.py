"""Analysis JSON files: read them back and refuse records that cannot be trusted.

``framelens report`` and ``framelens compare`` both read what ``framelens analyze
--format json`` wrote (one object, or JSON Lines); both go through ``read_analyses``, so
both refuse an unknown schema version and spans that do not match the article text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from .errors import Errors, short_repr
from .model import SCHEMA, Analysis, iter_spans

#: How an analysis JSON object starts (``schema`` is its first key).
_MARK = '"framelens.analysis/'


def looks_like_analyses(path: Path) -> bool:
    """Whether ``path`` is a .json/.jsonl file that starts as framelens analysis JSON."""
    if path.suffix.lower() not in (".json", ".jsonl", ".ndjson"):
        return False
    try:
        with path.open(encoding="utf-8") as fh:
            return _MARK in fh.read(200)
    except (OSError, UnicodeDecodeError):
        return False


def read_analyses(path: Path) -> Iterator[Analysis]:
    """The analyses in ``path``, each checked with ``check_analysis``."""
    if not path.is_file():
        raise Errors.E100(f"no such file: {str(path)!r}", fix="check the path", value=str(path))
    raw = path.read_text(encoding="utf-8", errors="replace").strip()
    chunks = [raw] if raw.startswith("{") and "\n{" not in raw else raw.splitlines()
    for n, chunk in enumerate(c for c in chunks if c.strip()):
        try:
            analysis = Analysis.from_json(chunk)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first.get("loc", ()))
            raise Errors.E108(
                f"{path} (record {n + 1}) is not a framelens analysis: {first['msg']} at {where}",
                fix="give the JSON written by `framelens analyze --format json`",
                value=str(path),
            ) from None
        check_analysis(analysis, f"{path} (record {n + 1})" if len(chunks) > 1 else str(path))
        yield analysis


def check_analysis(analysis: Analysis, source: str = "<analysis>") -> None:
    """Refuse a record the renderers cannot trust (raises ``InputError`` E108).

    A record of a schema version this release does not know may mean anything; a span whose
    offsets fall outside the article, or whose text is not the article's text there, would
    highlight the wrong words or other text than the article's. Both are refused, not drawn.
    """
    if analysis.schema_ != SCHEMA:
        raise Errors.E108(
            f"{source} has schema {short_repr(analysis.schema_, 60)}, which this framelens "
            f"does not know (it reads {SCHEMA!r})",
            fix="re-run `framelens analyze --format json` with this version, or upgrade framelens",
            value=source,
        )
    text = analysis.article.text
    for span in iter_spans(analysis):
        if not 0 <= span.start <= span.end <= len(text):
            problem = f"lies outside the article text ({len(text)} characters)"
        elif text[span.start : span.end] != span.text:
            problem = "does not match the article text at those offsets"
        else:
            continue
        raise Errors.E108(
            f"{source} has a span [{span.start}, {span.end}) {short_repr(span.text, 40)} that "
            f"{problem}",
            fix="give an unmodified analysis written by `framelens analyze --format json`",
            value=source,
        )
