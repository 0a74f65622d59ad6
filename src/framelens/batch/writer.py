"""Parquet output: one dataset directory per record type, one file per partition.

A partition is written as ``DIR/<type>/part-<pid>.parquet.tmp-<pid>`` for every type,
then each file is renamed into place (``os.replace``), then the partition is appended to
``DIR/_manifest.jsonl`` (flushed and fsynced). The manifest is the single source of truth:
a partition counts as done only when its line is there. On start, ``Output.recover``
removes temp files and part files the manifest does not list (a run killed between the
rename and the manifest line), so a redone partition never adds a row twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..model import Analysis, Failure

MANIFEST = "_manifest.jsonl"

_S, _I, _F, _B = pa.string(), pa.int64(), pa.float64(), pa.bool_()
_ART = [("article_id", _S), ("outlet", _S), ("published", _S)]
_SPAN = [("start", _I), ("end", _I), ("text", _S)]

#: Arrow schema of each record type (stable column names; extend, don't rename).
SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            ("id", _S),
            ("title", _S),
            ("author", _S),
            ("outlet", _S),
            ("url", _S),
            ("published", _S),
            ("lang", _S),
            ("source", _S),
            ("chars", _I),
            ("words", _I),
            ("quotes", _I),
            ("actors", _I),
            ("techniques", _I),
            ("claims", _I),
            ("pipeline", _S),
            ("partition", _S),
            ("analysis", _S),
        ]
    ),
    "quotes": pa.schema(
        [
            *_ART,
            ("quote_id", _S),
            ("kind", _S),
            *_SPAN,
            ("content", _S),
            ("speaker", _S),
            ("speaker_actor_id", _S),
            ("source_type", _S),
            ("confidence", _F),
        ]
    ),
    "actors": pa.schema(
        [
            *_ART,
            ("actor_id", _S),
            ("name", _S),
            ("type", _S),
            ("mention_count", _I),
            ("first_mention", _I),
            ("first_mention_relative", _F),
            ("prominence", _F),
            ("in_title", _B),
            ("only_quoted", _B),
            ("sentiment", _S),
            ("sentiment_score", _F),
        ]
    ),
    "mentions": pa.schema([*_ART, ("actor_id", _S), *_SPAN]),
    "labels": pa.schema(
        [
            *_ART,
            ("actor_id", _S),
            ("actor", _S),
            ("lemma", _S),
            ("class", _S),
            ("construction", _S),
            *_SPAN,
        ]
    ),
    "relations": pa.schema(
        [
            *_ART,
            ("source", _S),
            ("target", _S),
            ("type", _S),
            *_SPAN,
            ("negated", _B),
            ("hedged", _B),
            ("score", _F),
        ]
    ),
    "techniques": pa.schema([*_ART, ("technique", _S), *_SPAN, ("score", _F)]),
    "claims": pa.schema(
        [*_ART, ("claim_id", _S), *_SPAN, ("score", _F), ("quote_id", _S), ("verdicts", _I)]
    ),
    "contradictions": pa.schema(
        [
            *_ART,
            ("a_start", _I),
            ("a_end", _I),
            ("a_text", _S),
            ("b_start", _I),
            ("b_end", _I),
            ("b_text", _S),
            ("score", _F),
            ("reason", _S),
        ]
    ),
    "failures": pa.schema(
        [
            ("item_key", _S),
            ("article_id", _S),
            ("source", _S),
            ("stage", _S),
            ("code", _S),
            ("message", _S),
            ("fix", _S),
        ]
    ),
}
TYPES = tuple(SCHEMAS)


def _source_type(words: str, actor_type: str | None) -> str:
    from ..compare.matching import source_type  # lexicon lookup only, no models

    return source_type(words, actor_type)


def flatten(analysis: Analysis, partition: str) -> dict[str, list[dict[str, Any]]]:
    """Rows per record type for one analysis."""
    a = analysis.article
    base = {"article_id": a.id, "outlet": a.outlet, "published": a.published}
    actor_types = {act.id: act.type for act in analysis.actors}
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TYPES}
    rows["articles"].append(
        {
            "id": a.id,
            "title": a.title,
            "author": a.author,
            "outlet": a.outlet,
            "url": a.url,
            "published": a.published,
            "lang": a.lang,
            "source": a.source,
            "chars": len(a.text),
            "words": len(a.text.split()),
            "quotes": len(analysis.quotes),
            "actors": len(analysis.actors),
            "techniques": len(analysis.techniques),
            "claims": len(analysis.claims),
            "pipeline": json.dumps(analysis.pipeline, sort_keys=True),
            "partition": partition,
            # The whole record, so a reader can rebuild the Analysis (compare, reports).
            "analysis": analysis.to_json(indent=None),
        }
    )
    for q in analysis.quotes:
        sp = q.speaker
        words = " ".join([sp.name, *(d.text for d in sp.descriptions)]) if sp else ""
        rows["quotes"].append(
            {
                **base,
                "quote_id": q.id,
                "kind": q.kind,
                **q.span.model_dump(),
                "content": q.content.text,
                "speaker": sp.name if sp else None,
                "speaker_actor_id": sp.actor_id if sp else None,
                "source_type": _source_type(words, actor_types.get(sp.actor_id or ""))
                if sp
                else None,
                "confidence": q.confidence,
            }
        )
    for act in analysis.actors:
        rows["actors"].append(
            {
                **base,
                "actor_id": act.id,
                "name": act.name,
                "type": act.type,
                "mention_count": act.mention_count,
                "first_mention": act.first_mention.start,
                "first_mention_relative": act.first_mention.relative,
                "prominence": act.prominence,
                "in_title": act.in_title,
                "only_quoted": act.only_quoted,
                "sentiment": act.sentiment.label if act.sentiment else None,
                "sentiment_score": act.sentiment.score if act.sentiment else None,
            }
        )
        for m in act.mentions:
            rows["mentions"].append({**base, "actor_id": act.id, **m.model_dump()})
        for lab in act.labels:
            rows["labels"].append(
                {
                    **base,
                    "actor_id": act.id,
                    "actor": act.name,
                    "lemma": lab.lemma,
                    "class": lab.class_,
                    "construction": lab.construction,
                    **lab.span.model_dump(),
                }
            )
    for r in analysis.relations:
        rows["relations"].append(
            {
                **base,
                "source": r.source,
                "target": r.target,
                "type": r.type,
                **r.span.model_dump(),
                "negated": r.negated,
                "hedged": r.hedged,
                "score": r.score,
            }
        )
    for t in analysis.techniques:
        rows["techniques"].append(
            {**base, "technique": t.technique, **t.span.model_dump(), "score": t.score}
        )
    for c in analysis.claims:
        rows["claims"].append(
            {
                **base,
                "claim_id": c.id,
                **c.span.model_dump(),
                "score": c.score,
                "quote_id": c.quote,
                "verdicts": len(c.verdicts),
            }
        )
    for x in analysis.contradictions:
        rows["contradictions"].append(
            {
                **base,
                "a_start": x.a.start,
                "a_end": x.a.end,
                "a_text": x.a.text,
                "b_start": x.b.start,
                "b_end": x.b.end,
                "b_text": x.b.text,
                "score": x.score,
                "reason": x.reason,
            }
        )
    return rows


def failure_row(failure: Failure, key: str) -> dict[str, Any]:
    return {
        "item_key": key,
        "article_id": failure.article_id,
        "source": failure.source,
        "stage": failure.stage,
        "code": failure.code,
        "message": failure.message,
        "fix": failure.fix,
    }


def write_partition(
    out: Path, pid: str, results: Iterable[tuple[str, Analysis | Failure]]
) -> dict[str, int]:
    """Write one partition's files (temp name, then rename); returns rows per type.

    Called on a worker; the partition is not done until the client records it in the
    manifest. A retried partition writes the same file names, so it replaces, not adds.
    """
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TYPES}
    for key, result in results:
        if isinstance(result, Failure):
            rows["failures"].append(failure_row(result, key))
        else:
            for kind, more in flatten(result, pid).items():
                rows[kind].extend(more)
    tmp_suffix = f".tmp-{os.getpid()}"
    written: list[tuple[Path, Path]] = []
    for kind in TYPES:
        folder = out / kind
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"part-{pid}.parquet"
        tmp = final.with_name(final.name + tmp_suffix)
        table = pa.Table.from_pylist(rows[kind], schema=SCHEMAS[kind])
        pq.write_table(table, tmp, compression="zstd")
        written.append((tmp, final))
    for tmp, final in written:
        os.replace(tmp, final)
    return {kind: len(rows[kind]) for kind in TYPES}


class Output:
    """The output directory and its manifest (written by the client only)."""

    def __init__(self, out: str | Path):
        self.dir = Path(out)
        self.manifest = self.dir / MANIFEST

    def done(self) -> dict[str, dict[str, Any]]:
        """Finished partitions by id (a torn last line from a killed run is ignored)."""
        found: dict[str, dict[str, Any]] = {}
        if not self.manifest.exists():
            return found
        for line in self.manifest.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and "partition" in entry:
                found[entry["partition"]] = entry
        return found

    def recover(self) -> int:
        """Remove temp files and part files the manifest does not list; returns how many."""
        done = self.done()
        removed = 0
        for kind in TYPES:
            folder = self.dir / kind
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                name = path.name
                pid = name[len("part-") :].split(".parquet", 1)[0]
                if ".parquet.tmp" in name or (name.startswith("part-") and pid not in done):
                    path.unlink(missing_ok=True)
                    removed += 1
        if self.manifest.exists():
            text = self.manifest.read_bytes()
            if text and not text.endswith(b"\n"):  # a torn line: end it so appends stay valid
                with open(self.manifest, "ab") as fh:
                    fh.write(b"\n")
        return removed

    def done_keys(self) -> set[str]:
        """Keys of the items already written (article ids and failure keys)."""
        keys: set[str] = set()
        for pid in self.done():
            for kind, column in (("articles", "id"), ("failures", "item_key")):
                path = self.dir / kind / f"part-{pid}.parquet"
                if path.exists():
                    keys.update(pq.read_table(path, columns=[column]).column(0).to_pylist())
        return keys

    def record(self, pid: str, counts: dict[str, int], keys: Sequence[str]) -> None:
        """Append a finished partition to the manifest (flushed and fsynced)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"partition": pid, "items": len(keys), "rows": counts}) + "\n"
        with open(self.manifest, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
