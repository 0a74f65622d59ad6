"""The evidence index: collections of documents, split into passages, searched two ways.

Passages live in the store's database (tables ``evidence_documents`` and
``evidence_passages``, migration ``003_evidence``), each with its sentence embedding and
the ``embedder_id`` of the model that made it (migration ``008_evidence_passage_model``).
A search ranks passages by BM25 (SQLite FTS5, table ``evidence_fts``) and by cosine
similarity of embeddings, and fuses the two rankings with reciprocal-rank fusion
(Cormack et al. 2009, k = 60).

FTS5 is SQLite's: on PostgreSQL (or an SQLite built without FTS5) search ranks by
embeddings alone, and ``EvidenceIndex.lexical`` is False.

Writes are idempotent: a document's id is the hash of its text, and the same text added
twice to a collection is stored once.

Vectors of different encoders are not comparable, so a search first embeds again, from
their stored text, the passages another embedder made (a store built under the other
``encoder`` setting, or before the embedder was recorded) and stores the new vectors: a
store switched to another encoder is re-embedded once, on its first search.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from ..config import Settings, load_settings
from ..corpus.store import Store, evidence_documents, evidence_passages, pick_by_prefix
from ..errors import ConfigError, NotFound, StoreError
from ..model import Failure
from .passages import make_passages
from .readers import EvidenceDoc, read_documents

#: Reciprocal-rank fusion constant (the value of the original paper; not tuned).
RRF_K = 60
#: Candidates each ranking contributes before fusion.
CANDIDATES = 50
#: The embedder spec of a passage whose ``model`` is NULL: stored before migration 008
#: recorded the embedder, when ``minilm-int8`` was the only one framelens ran.
LEGACY_SPEC = "minilm-int8"
#: Passages embedded again per encoder call: bounds the float32 vectors held at once.
REEMBED_CHUNK = 2048
_COLLECTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,199}$")
_STOP = set(
    "a an and are as at be been but by for from had has have he her his in is it its of on "
    "or she that the their them they this to was were which who will with would not".split()
)


@dataclass(frozen=True)
class Hit:
    """One retrieved passage. ``score`` is the fused rank score scaled to [0, 1]."""

    collection: str
    doc_id: str
    doc_name: str
    passage_id: int
    start: int
    end: int
    text: str
    score: float
    bm25_rank: int | None
    vector_rank: int | None
    cosine: float


@dataclass(frozen=True)
class AddResult:
    collection: str
    doc_id: str
    name: str
    passages: int
    new: bool


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal-rank fusion: ``sum over rankings of 1 / (k + rank)`` (ranks from 1)."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression: the query's content words, quoted, OR-ed (BM25 ranks)."""
    words = []
    for w in re.findall(r"\w+", text.lower()):
        if w not in _STOP and len(w) > 1 and w not in words:
            words.append(w)
    return " OR ".join(f'"{w}"' for w in words[:64])


def check_collection(name: str) -> str:
    if not _COLLECTION.match(name or ""):
        raise ConfigError(
            f"{name!r} is not a valid collection name",
            fix="use letters, digits, '_', '-' or '.', starting with a letter or digit",
            value=name,
        )
    return name


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _made_by_other(model: str) -> sa.ColumnElement[bool]:
    """Passages whose vector a model other than ``model`` (an ``embedder_id``) made."""
    from ..nlp.embedder import embedder_id

    # NULL: stored before migration 008, by the legacy embedder.
    return sa.func.coalesce(evidence_passages.c.model, embedder_id(LEGACY_SPEC)) != model


class EvidenceIndex:
    """Evidence collections in the store at ``store`` (a ``Store`` or a database URL)."""

    def __init__(self, store: Store | str, settings: Settings | None = None):
        self.store = store if isinstance(store, Store) else Store(store)
        self.settings = settings or load_settings()
        self.engine = self.store.engine
        self._vectors: dict[tuple[str, ...], tuple[Any, np.ndarray, np.ndarray]] = {}
        self.lexical = self._has_fts()

    def _has_fts(self) -> bool:
        if self.engine.dialect.name != "sqlite":
            return False
        try:
            with self.engine.connect() as conn:
                return sa.inspect(conn).has_table("evidence_fts")
        except SQLAlchemyError:
            return False

    def _fail(self, action: str, exc: Exception) -> StoreError:
        return self.store._fail(action, exc)

    def _encode(self, texts: list[str]) -> np.ndarray:
        from ..nlp import get_embedder

        return get_embedder(self.settings.embedder_spec).encode(texts)

    def model_id(self) -> str:
        """The ``embedder_id`` of the model ``_encode`` runs, stored with each passage.

        At most 200 characters (the column's size): a longer id (a user's long model path)
        keeps its start and ends with a hash of the whole, so two ids never merge.
        """
        from ..nlp.embedder import embedder_id

        model = embedder_id(self.settings.embedder_spec)
        if len(model) <= 200:
            return model
        return f"{model[:183]}:{hashlib.sha256(model.encode('utf-8')).hexdigest()[:16]}"

    # -- writes -------------------------------------------------------------------------

    def add_document(self, collection: str, doc: EvidenceDoc) -> AddResult:
        """Split ``doc`` into passages, embed and index them; a known document is skipped."""
        check_collection(collection)
        doc_id = doc.id
        try:
            with self.engine.connect() as conn:
                exists = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(evidence_passages)
                    .where(
                        evidence_passages.c.collection == collection,
                        evidence_passages.c.doc_id == doc_id,
                    )
                ).scalar_one()
                known = conn.execute(
                    sa.select(evidence_documents.c.id).where(
                        evidence_documents.c.collection == collection,
                        evidence_documents.c.id == doc_id,
                    )
                ).first()
        except SQLAlchemyError as exc:
            raise self._fail("read evidence", exc) from None
        if known is not None:
            return AddResult(collection, doc_id, doc.name, int(exists), False)
        spans = make_passages(doc.text)
        model = self.model_id()
        vectors = self._encode([doc.text[a:b] for a, b in spans])
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    evidence_documents.insert().values(
                        collection=collection,
                        id=doc_id,
                        name=doc.name,
                        source=doc.source,
                        title=doc.title,
                        url=doc.url,
                        text=doc.text,
                        created_at=_now(),
                    )
                )
                for (a, b), vec in zip(spans, vectors, strict=True):
                    inserted = conn.execute(
                        evidence_passages.insert().values(
                            collection=collection,
                            doc_id=doc_id,
                            start_char=a,
                            end_char=b,
                            text=doc.text[a:b],
                            embedding=np.asarray(vec, dtype=np.float16).tobytes(),
                            model=model,
                        )
                    ).inserted_primary_key
                    pid = inserted[0] if inserted is not None else None
                    if self.lexical:
                        conn.execute(
                            sa.text("INSERT INTO evidence_fts(rowid, text) VALUES (:id, :t)"),
                            {"id": pid, "t": doc.text[a:b]},
                        )
        except SQLAlchemyError as exc:
            raise self._fail("save evidence", exc) from None
        self._vectors.clear()
        return AddResult(collection, doc_id, doc.name, len(spans), True)

    def add_text(self, collection: str, text: str, name: str = "<text>", **meta: Any) -> AddResult:
        """Add one document given as text (normalised like an article)."""
        from ..ingest.normalize import normalize_text

        return self.add_document(
            collection, EvidenceDoc(text=normalize_text(text), name=name, source=name, **meta)
        )

    def add_paths(self, collection: str, paths: Iterable[str | Path]) -> list[AddResult | Failure]:
        """Add every document under ``paths``; unreadable ones come back as ``Failure``."""
        return list(self.iter_add_paths(collection, paths))

    def iter_add_paths(
        self, collection: str, paths: Iterable[str | Path]
    ) -> Iterator[AddResult | Failure]:
        """``add_paths`` one document at a time, each added before the next is read."""
        check_collection(collection)
        for item in read_documents(paths, self.settings):
            yield item if isinstance(item, Failure) else self.add_document(collection, item)

    def remove(self, collection: str, doc_id: str | None = None) -> int:
        """Remove a document (id or unique prefix), or the whole collection; return how many."""
        check_collection(collection)
        docs = [d["id"] for d in self.documents(collection)]
        if doc_id is not None:
            kinds = f"documents of collection {collection!r}"
            found = pick_by_prefix(docs, doc_id, "document", kinds)
            if found is None:
                raise NotFound(
                    f"no document {doc_id!r} in collection {collection!r}",
                    fix=f"list them with `framelens evidence list {collection}`",
                    value=doc_id,
                )
            docs = [found]
        if not docs:
            raise NotFound(
                f"no evidence collection {collection!r}",
                fix="list collections with `framelens evidence list`",
                value=collection,
            )
        where = evidence_passages.c.collection == collection
        dwhere = evidence_documents.c.collection == collection
        if doc_id is not None:
            where = sa.and_(where, evidence_passages.c.doc_id == docs[0])
            dwhere = sa.and_(dwhere, evidence_documents.c.id == docs[0])
        try:
            with self.engine.begin() as conn:
                if self.lexical:
                    ids = [
                        r[0] for r in conn.execute(sa.select(evidence_passages.c.id).where(where))
                    ]
                    for i in range(0, len(ids), 500):
                        conn.execute(
                            sa.text("DELETE FROM evidence_fts WHERE rowid IN :ids").bindparams(
                                sa.bindparam("ids", expanding=True)
                            ),
                            {"ids": ids[i : i + 500]},
                        )
                conn.execute(evidence_passages.delete().where(where))
                conn.execute(evidence_documents.delete().where(dwhere))
        except SQLAlchemyError as exc:
            raise self._fail("remove evidence", exc) from None
        self._vectors.clear()
        return len(docs)

    # -- reads --------------------------------------------------------------------------

    def collections(self) -> list[dict[str, Any]]:
        """Each collection with its number of documents and passages."""
        query = (
            sa.select(
                evidence_passages.c.collection,
                sa.func.count(sa.distinct(evidence_passages.c.doc_id)).label("documents"),
                sa.func.count().label("passages"),
            )
            .group_by(evidence_passages.c.collection)
            .order_by(evidence_passages.c.collection)
        )
        try:
            with self.engine.connect() as conn:
                return [dict(r) for r in conn.execute(query).mappings()]
        except SQLAlchemyError as exc:
            raise self._fail("list evidence collections", exc) from None

    def documents(self, collection: str) -> list[dict[str, Any]]:
        """The documents of a collection (id, name, title, source, passages)."""
        counts = (
            sa.select(evidence_passages.c.doc_id, sa.func.count().label("passages"))
            .where(evidence_passages.c.collection == collection)
            .group_by(evidence_passages.c.doc_id)
            .subquery()
        )
        d = evidence_documents.c
        query = (
            sa.select(d.id, d.name, d.title, d.source, d.url, counts.c.passages)
            .join(counts, counts.c.doc_id == d.id)
            .where(d.collection == collection)
            .order_by(d.created_at, d.id)
        )
        try:
            with self.engine.connect() as conn:
                return [dict(r) for r in conn.execute(query).mappings()]
        except SQLAlchemyError as exc:
            raise self._fail("list evidence documents", exc) from None

    def document_text(self, collection: str, doc_id: str) -> str:
        try:
            with self.engine.connect() as conn:
                row = conn.execute(
                    sa.select(evidence_documents.c.text).where(
                        evidence_documents.c.collection == collection,
                        evidence_documents.c.id == doc_id,
                    )
                ).first()
        except SQLAlchemyError as exc:
            raise self._fail("read evidence", exc) from None
        if row is None:
            raise NotFound(
                f"no document {doc_id!r} in collection {collection!r}",
                fix=f"list them with `framelens evidence list {collection}`",
                value=doc_id,
            )
        return str(row[0])

    def require(self, collections: Sequence[str]) -> None:
        """Raise ``NotFound`` naming any of ``collections`` that holds no passage."""
        known = {c["collection"] for c in self.collections()}
        missing = [c for c in collections if c not in known]
        if missing:
            raise NotFound(
                f"no evidence collection {', '.join(map(repr, missing))} in {self.store.url}",
                fix="add documents with `framelens evidence add COLLECTION FILES...`; "
                "list collections with `framelens evidence list`",
                value=missing[0],
            )

    def _matrix(self, collections: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Passage ids and embeddings of ``collections`` (cached until the index changes).

        Passages another embedder made are embedded again first (``_reembed``), so every
        row is comparable with this index's query vectors. The cache is keyed by the model
        too: a changed embedder setting reloads (and re-embeds) instead of reusing vectors.
        """
        p = evidence_passages.c
        where = p.collection.in_(collections)
        model = self.model_id()
        try:
            with self.engine.connect() as conn:
                stamp = (
                    *conn.execute(sa.select(sa.func.count(), sa.func.max(p.id)).where(where)).one(),
                    model,
                )
                cached = self._vectors.get(collections)
                if cached is not None and cached[0] == stamp:
                    return cached[1], cached[2]
                # The text only of the passages to embed again (None for the others).
                redo_text = sa.case((_made_by_other(model), p.text), else_=sa.null())
                rows = conn.execute(
                    sa.select(p.id, p.embedding, redo_text).where(where).order_by(p.id)
                ).all()
        except SQLAlchemyError as exc:
            raise self._fail("read evidence", exc) from None
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        vectors = [np.frombuffer(r[1], dtype=np.float16) for r in rows]
        redo = [i for i, r in enumerate(rows) if r[2] is not None]
        if redo:
            fresh = self._reembed(model, [(int(rows[i][0]), str(rows[i][2])) for i in redo])
            for i, vec in zip(redo, fresh, strict=True):
                vectors[i] = vec
        mat = np.stack(vectors).astype(np.float32) if rows else np.zeros((0, 384), dtype=np.float32)
        # Re-embedding changes neither the count nor the largest id: the stamp still holds.
        self._vectors[collections] = (stamp, ids, mat)
        return ids, mat

    def _reembed(self, model: str, passages: list[tuple[int, str]]) -> np.ndarray:
        """Embed ``(id, text)`` passages with this index's embedder and store the vectors
        (float16, as ``add_document`` does) with ``model``; return them.

        Encoding runs before the write transaction, so no write lock is held while the model
        runs, and every row is written in that one transaction. Each UPDATE matches only a
        row still made by another model: of two processes re-embedding at once, the second
        rewrites nothing, and neither can duplicate a passage (updates, not inserts).
        """
        texts = [text for _, text in passages]
        vectors = np.concatenate(
            [
                np.asarray(self._encode(texts[i : i + REEMBED_CHUNK]), dtype=np.float16)
                for i in range(0, len(texts), REEMBED_CHUNK)
            ]
        )
        p = evidence_passages.c
        update = (
            evidence_passages.update()
            .where(p.id == sa.bindparam("pid"), _made_by_other(model))
            .values(embedding=sa.bindparam("vec"), model=model)
        )
        rows = [
            {"pid": pid, "vec": vec.tobytes()}
            for (pid, _), vec in zip(passages, vectors, strict=True)
        ]
        try:
            with self.store._writing() as conn:
                conn.execute(update, rows)
        except SQLAlchemyError as exc:
            raise self._fail("save evidence", exc) from None
        return vectors

    def _bm25(self, query: str, collections: tuple[str, ...], n: int) -> list[int]:
        match = fts_query(query)
        if not self.lexical or not match:
            return []
        sql = sa.text(
            "SELECT evidence_fts.rowid FROM evidence_fts "
            "JOIN evidence_passages p ON p.id = evidence_fts.rowid "
            "WHERE evidence_fts MATCH :q AND p.collection IN :cols "
            "ORDER BY bm25(evidence_fts) LIMIT :n"
        ).bindparams(sa.bindparam("cols", expanding=True))
        try:
            with self.engine.connect() as conn:
                return [
                    int(r[0])
                    for r in conn.execute(sql, {"q": match, "cols": list(collections), "n": n})
                ]
        except SQLAlchemyError as exc:
            raise self._fail("search evidence", exc) from None

    def search(
        self,
        query: str,
        collections: Sequence[str],
        k: int = 5,
        query_vector: np.ndarray | None = None,
    ) -> list[Hit]:
        """The ``k`` best passages for ``query`` in ``collections`` (hybrid, fused)."""
        cols = tuple(sorted({check_collection(c) for c in collections}))
        if not cols or not query.strip():
            return []
        ids, mat = self._matrix(cols)
        if len(ids) == 0:
            return []
        vec = query_vector if query_vector is not None else self._encode([query])[0]
        sims = mat @ np.asarray(vec, dtype=np.float32)
        top = np.argsort(-sims)[:CANDIDATES]
        vector_ranking = [int(ids[i]) for i in top]
        bm25_ranking = self._bm25(query, cols, CANDIDATES)
        rankings = [r for r in (bm25_ranking, vector_ranking) if r]
        fused = rrf(rankings)
        # Scaled so that a passage first in every ranking scores 1.
        best = sum(1.0 / (RRF_K + 1) for _ in rankings)
        chosen = sorted(fused, key=lambda i: -fused[i])[:k]
        cosine = {int(ids[i]): float(sims[i]) for i in top}
        p, d = evidence_passages.c, evidence_documents.c
        query_rows = (
            sa.select(p.id, p.collection, p.doc_id, p.start_char, p.end_char, p.text, d.name)
            .join(
                evidence_documents,
                sa.and_(d.id == p.doc_id, d.collection == p.collection),
            )
            .where(p.id.in_(chosen))
        )
        try:
            with self.engine.connect() as conn:
                rows = {r.id: r for r in conn.execute(query_rows)}
        except SQLAlchemyError as exc:
            raise self._fail("search evidence", exc) from None
        hits = []
        for pid in chosen:
            r = rows[pid]
            if pid not in cosine:
                cosine[pid] = float(sims[int(np.flatnonzero(ids == pid)[0])])
            hits.append(
                Hit(
                    collection=r.collection,
                    doc_id=r.doc_id,
                    doc_name=r.name or r.doc_id,
                    passage_id=pid,
                    start=r.start_char,
                    end=r.end_char,
                    text=r.text,
                    score=min(1.0, fused[pid] / best),
                    bm25_rank=bm25_ranking.index(pid) + 1 if pid in bm25_ranking else None,
                    vector_rank=vector_ranking.index(pid) + 1 if pid in vector_ranking else None,
                    cosine=cosine[pid],
                )
            )
        return hits
