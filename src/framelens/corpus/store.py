"""The store: articles and analyses in SQLite (default) or any SQLAlchemy URL.

All SQL of framelens lives in this package. Writes are idempotent: an article
is keyed by its content hash, an analysis by (article, pipeline versions), so
re-running a batch stores nothing twice and never overwrites a finished result
with a different pipeline's (both are kept).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError

from ..display import mask_url
from ..errors import Errors, NotFound, StoreError, os_reason
from ..model import Analysis, Article, Failure, Story
from ..text.lexicons import word_set
from .schema import (
    MIGRATIONS,
    actor_rows,
    analyses,
    article_actors,
    article_vectors,
    articles,
    evidence_documents,
    evidence_passages,
    failures,
    metadata,
    migrations_table,
    pipeline_key,
    stories,
    story_articles,
    text_vectors,
)

__all__ = [
    "MIGRATIONS",
    "Store",
    "evidence_documents",
    "evidence_passages",
    "metadata",
    "migrations_table",
    "pick_by_prefix",
    "pipeline_key",
]


def _finding_filters(conn: Connection, label: str | None, technique: str | None) -> list[Any]:
    """Articles with an analysis holding this label lemma or persuasion technique: JSONB
    containment on PostgreSQL (GIN-indexed), ``json_each`` over the JSON text on SQLite."""
    out: list[Any] = []
    pg = conn.dialect.name == "postgresql"
    if technique:
        if pg:
            cond = sa.text("analyses.data @> CAST(:f_tech AS jsonb)").bindparams(
                f_tech=json.dumps({"techniques": [{"technique": technique}]})
            )
        else:
            cond = sa.text(
                "EXISTS (SELECT 1 FROM json_each(analyses.data, '$.techniques') AS t "
                "WHERE json_extract(t.value, '$.technique') = :f_tech)"
            ).bindparams(f_tech=technique)
        out.append(articles.c.id.in_(sa.select(analyses.c.article_id).where(cond)))
    if label:
        lemma = label.strip().lower()
        if pg:
            cond = sa.text("analyses.data @> CAST(:f_label AS jsonb)").bindparams(
                f_label=json.dumps({"actors": [{"labels": [{"lemma": lemma}]}]})
            )
        else:
            cond = sa.text(
                "EXISTS (SELECT 1 FROM json_each(analyses.data, '$.actors') AS a, "
                "json_each(a.value, '$.labels') AS l "
                "WHERE json_extract(l.value, '$.lemma') = :f_label)"
            ).bindparams(f_label=lemma)
        out.append(articles.c.id.in_(sa.select(analyses.c.article_id).where(cond)))
    return out


def _index_actors(conn: Connection, analysis: Analysis) -> None:
    """Replace the article's rows in ``article_actors`` with this (newest) analysis' actors."""
    article_id = analysis.article.id
    conn.execute(article_actors.delete().where(article_actors.c.article_id == article_id))
    fields = {"id", "name", "mention_count", "prominence"}
    rows = actor_rows(article_id, [a.model_dump(include=fields) for a in analysis.actors])
    if rows:
        conn.execute(article_actors.insert(), rows)


def _slug(name: str) -> str:
    """The id form of an actor name ("Dario Kessel" -> "dario-kessel"), as the actors analyzer
    makes it."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _next_day(day: str) -> str:
    return (date.fromisoformat(day[:10]) + timedelta(days=1)).isoformat()


# PostgreSQL's english configuration drops stop words from a query; SQLite's FTS5 would
# require them. Dropping the common ones here keeps both back ends answering alike.
_STOP_WORDS = word_set("stop_words", "search")  # resources/lexicons/stop_words.toml


def _fts_tokens(query: str) -> list[str]:
    return [t for t in re.findall(r"\w+", query.lower()) if t not in _STOP_WORDS][:32]


#: Columns of an article that list and search rows carry (not the text).
_ROW_COLUMNS = ("id", "title", "author", "outlet", "url", "published", "source")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _safe_url(url: str) -> str:
    return mask_url(url)


# Key of the PostgreSQL advisory lock that serialises migrations ("framelns" in ASCII), and
# the class of the per-source locks that serialise failure records ("flfl").
_MIGRATION_LOCK = 0x6672616D656C6E73
_FAILURE_LOCK_CLASS = 0x666C666C
# Seconds an SQLite writer waits for another process's write lock before giving up. Writes
# are short (one article and its analysis); 30 s covers many processes ingesting at once.
_SQLITE_BUSY_TIMEOUT = 30


# How many matching ids an ambiguous-prefix error lists.
_CANDIDATES = 3


def pick_by_prefix(ids: Sequence[str], given: str, kind: str, kinds: str) -> str | None:
    """The one id of ``ids`` that is ``given`` or starts with it.

    An exact id always wins; ``None`` when nothing matches (or ``given`` is empty); a prefix
    that several ids share raises ``AmbiguousId`` (E409), naming a few of them.
    """
    if not given:
        return None
    if given in ids:
        return given
    found = sorted({i for i in ids if i.startswith(given)})
    if len(found) > 1:
        shown = ", ".join(found[:_CANDIDATES]) + (", ..." if len(found) > _CANDIDATES else "")
        raise Errors.E409(kind=kind, kinds=kinds, prefix=given, candidates=shown, value=given)
    return found[0] if found else None


def _by_prefix(
    conn: Connection, column: sa.ColumnElement[str], given: str, kind: str, kinds: str
) -> str | None:
    """``pick_by_prefix`` in SQL: the exact id, else the few ids that start with ``given``
    (LIKE wildcards in ``given`` are escaped)."""
    if not given:
        return None
    if conn.execute(sa.select(column).where(column == given).limit(1)).first() is not None:
        return given
    found = (
        conn.execute(
            sa.select(column)
            .distinct()
            .where(column.startswith(given, autoescape=True))
            .order_by(column)
            .limit(_CANDIDATES + 1)
        )
        .scalars()
        .all()
    )
    return pick_by_prefix(found, given, kind, kinds)


def _insert_new(conn: Connection, table: sa.Table, row: dict[str, Any]) -> bool:
    """Insert ``row`` unless its key is already there; return whether this call wrote it.

    An idempotent insert (``ON CONFLICT DO NOTHING``) rather than look-then-insert, so two
    processes saving the same row never fail: one writes it, the other is told it was there.
    """
    name = conn.dialect.name
    if name in ("sqlite", "postgresql"):
        insert = sqlite.insert if name == "sqlite" else postgresql.insert
        # RETURNING, not rowcount: PostgreSQL reports a skipped row with an implicit
        # RETURNING as one row "affected".
        key = next(iter(table.primary_key.columns))
        stmt = insert(table).values(**row).on_conflict_do_nothing().returning(key)
        return conn.execute(stmt).first() is not None
    try:
        with conn.begin_nested():
            conn.execute(table.insert().values(**row))
    except IntegrityError:
        return False
    return True


class Store:
    """A corpus of articles and analyses behind one SQLAlchemy engine."""

    def __init__(self, url: str, *, migrate: bool = True):
        self.url = url
        try:
            parsed = sa.make_url(url)
        except ArgumentError:
            raise StoreError(
                f"{mask_url(url)!r} is not a database URL",
                fix="use sqlite:///path/to/file.db or postgresql://user@host/db",
                value=url,
            ) from None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            folder = Path(parsed.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the database folder {str(folder)!r}: {os_reason(exc)}",
                    fix="give --db (or the db setting) a path in a folder you can write to",
                    value=mask_url(url),
                ) from None
        # SQLite: concurrent writers wait for each other's (short) write lock.
        connect_args = (
            {"timeout": _SQLITE_BUSY_TIMEOUT} if parsed.get_backend_name() == "sqlite" else {}
        )
        try:
            self.engine: Engine = sa.create_engine(parsed, connect_args=connect_args)
        except (ArgumentError, ImportError, SQLAlchemyError) as exc:
            raise StoreError(
                f"cannot open database {_safe_url(url)} ({type(exc).__name__}: {exc})",
                fix="check the URL; PostgreSQL needs `pip install 'framelens[postgres]'`",
                value=url,
            ) from None
        if migrate:
            self.migrate()

    def _fail(self, action: str, exc: Exception) -> StoreError:
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        return StoreError(
            f"could not {action} in {_safe_url(self.url)} ({mask_url(first)})",
            fix="check that the database is reachable and writable, then retry",
            value=_safe_url(self.url),
        )

    @contextmanager
    def _writing(self, *, migrations: bool = False) -> Iterator[Connection]:
        """A write transaction that holds the write lock from its first statement.

        SQLite: ``BEGIN IMMEDIATE``, so a transaction never starts with a read lock it must
        upgrade (two upgraders deadlock, and SQLite answers one of them "database is
        locked" at once); writers queue on the busy timeout instead. PostgreSQL, for
        migrations: a transaction-scoped advisory lock, so two processes never create the
        same tables at once (``pg_type`` unique violations).
        """
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif migrations and conn.dialect.name == "postgresql":
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    # -- migrations -------------------------------------------------------------

    def applied_migrations(self) -> list[str]:
        try:
            with self.engine.connect() as conn:
                if not sa.inspect(conn).has_table("framelens_migrations"):
                    return []
                rows = conn.execute(sa.select(migrations_table.c.name)).scalars()
                return sorted(rows)
        except SQLAlchemyError as exc:
            raise self._fail("read migrations", exc) from None

    def migrate(self) -> list[str]:
        """Apply every migration not yet recorded; return the names applied now.

        Holds the migration lock throughout, and reads what is applied only once it holds
        it: of two processes migrating one database, the second waits, then finds nothing
        left to do.
        """
        applied: list[str] = []
        try:
            with self._writing(migrations=True) as conn:
                migrations_table.create(conn, checkfirst=True)
                done = set(conn.execute(sa.select(migrations_table.c.name)).scalars())
                for name, fn in MIGRATIONS:
                    if name in done:
                        continue
                    fn(conn)
                    conn.execute(migrations_table.insert().values(name=name, applied_at=_now()))
                    applied.append(name)
        except SQLAlchemyError as exc:
            raise self._fail("apply migrations", exc) from None
        return applied

    # -- writes -----------------------------------------------------------------

    def save_article(self, article: Article) -> bool:
        """Store ``article`` unless its id is already there; return whether this call wrote it."""
        try:
            with self._writing() as conn:
                return self._insert_article(conn, article)
        except SQLAlchemyError as exc:
            raise self._fail("save article", exc) from None

    def _insert_article(self, conn: Connection, article: Article) -> bool:
        row = article.model_dump(
            include={
                "id",
                "title",
                "author",
                "outlet",
                "url",
                "published",
                "lang",
                "source",
                "text",
            }
        )
        return _insert_new(conn, articles, {**row, "created_at": _now()})

    def save_analysis(self, analysis: Analysis) -> bool:
        """Store the article and its analysis once per pipeline.

        Returns whether this call wrote the analysis: ``False`` when it was already stored,
        by an earlier run or by another process at the same moment. A stored analysis also
        clears the failure records of its source (an earlier run's failure, now retried).
        """
        key = pipeline_key(analysis.pipeline)
        try:
            with self._writing() as conn:
                self._insert_article(conn, analysis.article)
                new = _insert_new(
                    conn,
                    analyses,
                    {
                        "article_id": analysis.article.id,
                        "pipeline_key": key,
                        "pipeline": json.dumps(analysis.pipeline, sort_keys=True),
                        "schema": analysis.schema_,
                        "data": analysis.to_json(indent=None),
                        "created_at": _now(),
                    },
                )
                if new and self._has_corpus_tables(conn):
                    _index_actors(conn, analysis)  # corpus: the newest analysis' actors
                if analysis.article.source:
                    conn.execute(
                        failures.delete().where(failures.c.source == analysis.article.source)
                    )
                return new
        except SQLAlchemyError as exc:
            raise self._fail("save analysis", exc) from None

    def save_failure(self, failure: Failure) -> None:
        """Record a failure, replacing earlier failure records of the same source.

        A re-run retries the documents that failed; their old records are replaced, so the
        failures table says what is failing now, not how often it was retried.
        """
        try:
            with self._writing() as conn:
                if conn.dialect.name == "postgresql":
                    # Two runs failing on one document: the second waits, then replaces the
                    # first's record (SQLite's BEGIN IMMEDIATE serialises this already).
                    conn.execute(
                        sa.text("SELECT pg_advisory_xact_lock(:cls, hashtext(:source))"),
                        {"cls": _FAILURE_LOCK_CLASS, "source": failure.source},
                    )
                conn.execute(failures.delete().where(failures.c.source == failure.source))
                conn.execute(
                    failures.insert().values(
                        **failure.model_dump(
                            include={"source", "stage", "code", "message", "article_id"}
                        ),
                        created_at=_now(),
                    )
                )
        except SQLAlchemyError as exc:
            raise self._fail("save failure record", exc) from None

    # -- reads ------------------------------------------------------------------

    def has_analysis(self, article_id: str, pipeline: dict[str, str]) -> bool:
        try:
            with self.engine.connect() as conn:
                return (
                    conn.execute(
                        sa.select(analyses.c.id).where(
                            analyses.c.article_id == article_id,
                            analyses.c.pipeline_key == pipeline_key(pipeline),
                        )
                    ).first()
                    is not None
                )
        except SQLAlchemyError as exc:
            raise self._fail("read analyses", exc) from None

    def get_article(self, article_id: str) -> Article:
        """A stored article by id or unique id prefix (``AmbiguousId`` if several match)."""
        try:
            with self.engine.connect() as conn:
                full = _by_prefix(conn, articles.c.id, article_id, "article", "articles")
                row = (
                    conn.execute(sa.select(articles).where(articles.c.id == full))
                    .mappings()
                    .first()
                    if full is not None
                    else None
                )
        except SQLAlchemyError as exc:
            raise self._fail("read article", exc) from None
        if row is None:
            raise NotFound(
                f"no stored article with id {article_id!r}",
                fix="list stored articles with `framelens db list`",
                value=article_id,
            )
        data = {k: v for k, v in row.items() if k != "created_at"}
        return Article(**data)

    def get_analysis(self, article_id: str) -> Analysis:
        """The newest stored analysis of an article (id or unique id prefix; ``AmbiguousId``
        if the prefix fits several analysed articles)."""
        try:
            with self.engine.connect() as conn:
                full = _by_prefix(
                    conn, analyses.c.article_id, article_id, "article", "analysed articles"
                )
                row = (
                    conn.execute(
                        sa.select(analyses.c.data)
                        .where(analyses.c.article_id == full)
                        .order_by(analyses.c.id.desc())
                    ).first()
                    if full is not None
                    else None
                )
        except SQLAlchemyError as exc:
            raise self._fail("read analysis", exc) from None
        if row is None:
            raise NotFound(
                f"no stored analysis for article {article_id!r}",
                fix="store it with `framelens analyze FILE --store`; list with `framelens db list`",
                value=article_id,
            )
        return Analysis.from_json(row[0])

    def iter_analyses(self) -> Iterator[Analysis]:
        """The newest analysis of every stored article."""
        newest = (
            sa.select(sa.func.max(analyses.c.id).label("id"))
            .group_by(analyses.c.article_id)
            .subquery()
        )
        query = sa.select(analyses.c.data).join(newest, analyses.c.id == newest.c.id)
        try:
            with self.engine.connect() as conn:
                for (data,) in conn.execute(query):
                    yield Analysis.from_json(data)
        except SQLAlchemyError as exc:
            raise self._fail("read analyses", exc) from None

    def list_articles(self, limit: int = 50, outlet: str | None = None) -> list[dict[str, Any]]:
        counts = (
            sa.select(analyses.c.article_id, sa.func.count().label("n"))
            .group_by(analyses.c.article_id)
            .subquery()
        )
        query = (
            sa.select(
                articles.c.id,
                articles.c.title,
                articles.c.outlet,
                articles.c.published,
                articles.c.source,
                sa.func.coalesce(counts.c.n, 0).label("analyses"),
            )
            .join(counts, counts.c.article_id == articles.c.id, isouter=True)
            .order_by(articles.c.created_at, articles.c.id)
            .limit(limit)
        )
        if outlet:
            query = query.where(articles.c.outlet == outlet)
        try:
            with self.engine.connect() as conn:
                return [dict(r) for r in conn.execute(query).mappings()]
        except SQLAlchemyError as exc:
            raise self._fail("list articles", exc) from None

    def stats(self) -> dict[str, int]:
        try:
            with self.engine.connect() as conn:
                return {
                    "articles": conn.execute(
                        sa.select(sa.func.count()).select_from(articles)
                    ).scalar_one(),
                    "analyses": conn.execute(
                        sa.select(sa.func.count()).select_from(analyses)
                    ).scalar_one(),
                    "failures": conn.execute(
                        sa.select(sa.func.count()).select_from(failures)
                    ).scalar_one(),
                }
        except SQLAlchemyError as exc:
            raise self._fail("count rows", exc) from None

    # -- corpus: browse and search -----------------------------------------------

    def _has_corpus_tables(self, conn: Connection) -> bool:
        """Whether migration 004 made ``article_actors`` (a store opened with
        ``migrate=False`` on an old database has not); cached once true."""
        if not getattr(self, "_corpus_ready", False):
            self._corpus_ready = sa.inspect(conn).has_table("article_actors")
        return self._corpus_ready

    def _has_fts(self, conn: Connection) -> bool:
        if conn.dialect.name == "postgresql":
            return True
        if conn.dialect.name != "sqlite":
            return False
        row = conn.execute(
            sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles_fts'")
        ).first()
        return row is not None

    def _article_filters(
        self,
        conn: Connection,
        query: str | None,
        outlet: str | None,
        since: str | None,
        until: str | None,
        actor: str | None,
        label: str | None = None,
        technique: str | None = None,
    ) -> tuple[list[Any], Any]:
        """WHERE clauses for the corpus filters, and the rank expression of a search."""
        where: list[Any] = []
        rank: Any = None
        if outlet:
            where.append(articles.c.outlet == outlet)
        if since:
            where.append(articles.c.published >= since[:10])
        if until:
            # published may carry a time ("2024-03-18T10:00"): compare with the next day
            where.append(articles.c.published < _next_day(until))
        if actor:
            slug = _slug(actor)
            matching = sa.select(article_actors.c.article_id).where(
                sa.or_(
                    article_actors.c.actor_id == (slug or actor),
                    sa.func.lower(article_actors.c.name) == actor.strip().lower(),
                )
            )
            where.append(articles.c.id.in_(matching))
        where.extend(_finding_filters(conn, label, technique))
        tokens = _fts_tokens(query or "")
        if query is not None and query.strip() and not tokens:
            where.append(sa.false())  # punctuation only: nothing can match
        elif tokens and conn.dialect.name == "postgresql":
            tsquery = sa.func.plainto_tsquery(sa.literal_column("'english'"), " ".join(tokens))
            tsv: Any = sa.literal_column("articles.search_tsv")
            where.append(tsv.op("@@")(tsquery))
            rank = sa.func.ts_rank(tsv, tsquery).desc()
        elif tokens and self._has_fts(conn):
            match = " ".join(f'"{t}"' for t in tokens)  # every word, quoted: no FTS5 syntax
            fts = sa.table("articles_fts", sa.column("article_id"), sa.column("rank"))
            hits = (
                sa.select(fts.c.article_id, fts.c.rank)
                .where(sa.text("articles_fts MATCH :match").bindparams(match=match))
                .subquery("hits")
            )
            where.append(articles.c.id == hits.c.article_id)
            rank = (hits, hits.c.rank)
        elif tokens:
            for token in tokens:
                pattern = f"%{token}%"
                where.append(
                    sa.or_(
                        sa.func.lower(articles.c.title).like(pattern),
                        sa.func.lower(articles.c.text).like(pattern),
                    )
                )
        return where, rank

    def search_articles(
        self,
        query: str | None = None,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        actor: str | None = None,
        label: str | None = None,
        technique: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """One page of stored articles, newest first, or best match first for a ``query``.

        ``query``: every word must occur in the title or text (FTS5 on SQLite, an indexed
        ``to_tsvector`` on PostgreSQL, both with English stemming). ``outlet`` is exact;
        ``since``/``until`` are inclusive ``YYYY-MM-DD`` bounds on ``published`` (articles
        without a date are left out when either is given); ``actor`` is an actor id or
        name of the article's newest analysis; ``label`` (a label lemma) and ``technique``
        (a persuasion technique) match any stored analysis of it. Rows: id, title, author,
        outlet, url, published, source.
        """
        cols = [articles.c[name] for name in _ROW_COLUMNS]
        try:
            with self.engine.connect() as conn:
                where, rank = self._article_filters(
                    conn, query, outlet, since, until, actor, label, technique
                )
                stmt = sa.select(*cols)
                order: list[Any] = []
                if isinstance(rank, tuple):  # SQLite FTS5: join the hits for their bm25
                    hits, bm25 = rank
                    stmt = stmt.select_from(articles.join(hits, articles.c.id == hits.c.article_id))
                    order.append(bm25)
                elif rank is not None:
                    order.append(rank)
                if conn.dialect.name == "postgresql":
                    order += [articles.c.published.desc().nulls_last(), articles.c.id.desc()]
                else:  # SQLite sorts NULLs lowest, so DESC puts them last (and uses the index)
                    order += [articles.c.published.desc(), articles.c.id.desc()]
                stmt = (
                    stmt.where(*where)
                    .order_by(*order)
                    .limit(max(0, int(limit)))
                    .offset(max(0, int(offset)))
                )
                return [dict(r) for r in conn.execute(stmt).mappings()]
        except SQLAlchemyError as exc:
            raise self._fail("search articles", exc) from None

    def count_articles(
        self,
        query: str | None = None,
        *,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        actor: str | None = None,
        label: str | None = None,
        technique: str | None = None,
    ) -> int:
        """How many stored articles ``search_articles`` with these filters pages through."""
        try:
            with self.engine.connect() as conn:
                where, rank = self._article_filters(
                    conn, query, outlet, since, until, actor, label, technique
                )
                source: Any = articles
                if isinstance(rank, tuple):
                    hits, _ = rank
                    source = articles.join(hits, articles.c.id == hits.c.article_id)
                stmt = sa.select(sa.func.count()).select_from(source).where(*where)
                return int(conn.execute(stmt).scalar_one())
        except SQLAlchemyError as exc:
            raise self._fail("count articles", exc) from None

    def resolve_article_ids(self, ids: list[str]) -> list[str]:
        """Full ids for article ids or unique prefixes; ``NotFound`` names the first unknown."""
        out: list[str] = []
        try:
            with self.engine.connect() as conn:
                for given in ids:
                    full = _by_prefix(conn, articles.c.id, given, "article", "articles")
                    if full is None:
                        raise NotFound(
                            f"no stored article with id {given!r}",
                            fix="find ids with `framelens corpus list` or `corpus search`",
                            value=given,
                        )
                    out.append(full)
        except SQLAlchemyError as exc:
            raise self._fail("read articles", exc) from None
        return out

    def get_analyses(self, ids: list[str]) -> dict[str, Analysis]:
        """The newest stored analysis of each of these article ids (full ids; missing ones
        are left out)."""
        out: dict[str, Analysis] = {}
        wanted = sorted(set(ids))
        try:
            with self.engine.connect() as conn:
                for i in range(0, len(wanted), 500):
                    chunk = wanted[i : i + 500]
                    newest = (
                        sa.select(sa.func.max(analyses.c.id).label("id"))
                        .where(analyses.c.article_id.in_(chunk))
                        .group_by(analyses.c.article_id)
                        .subquery()
                    )
                    rows = conn.execute(
                        sa.select(analyses.c.article_id, analyses.c.data).join(
                            newest, analyses.c.id == newest.c.id
                        )
                    )
                    for article_id, data in rows:
                        out[article_id] = Analysis.from_json(data)
        except SQLAlchemyError as exc:
            raise self._fail("read analyses", exc) from None
        return out

    def story_inputs(
        self, since: str | None = None, until: str | None = None, lead_chars: int = 600
    ) -> list[dict[str, Any]]:
        """What story grouping reads of each stored article (published in the range):
        id, outlet, title, the start of the text (``lead``), published, and ``actors``:
        ``(actor_id, name, mentions, prominence)`` of its newest analysis."""
        where: list[Any] = []
        if since:
            where.append(articles.c.published >= since[:10])
        if until:
            where.append(articles.c.published < _next_day(until))
        stmt = (
            sa.select(
                articles.c.id,
                articles.c.outlet,
                articles.c.title,
                sa.func.substr(articles.c.text, 1, lead_chars).label("lead"),
                articles.c.published,
            )
            .where(*where)
            .order_by(articles.c.id)
        )
        try:
            with self.engine.connect() as conn:
                rows = {r["id"]: dict(r, actors=[]) for r in conn.execute(stmt).mappings()}
                acts = sa.select(
                    article_actors.c.article_id,
                    article_actors.c.actor_id,
                    article_actors.c.name,
                    article_actors.c.mentions,
                    article_actors.c.prominence,
                ).order_by(article_actors.c.article_id, article_actors.c.actor_id)
                if where:
                    acts = acts.where(
                        article_actors.c.article_id.in_(sa.select(articles.c.id).where(*where))
                    )
                for article_id, actor_id, name, mentions, prominence in conn.execute(acts):
                    if article_id in rows:
                        rows[article_id]["actors"].append((actor_id, name, mentions, prominence))
        except SQLAlchemyError as exc:
            raise self._fail("read articles", exc) from None
        return list(rows.values())

    def _read_blobs(
        self, table: sa.Table, key: str, keys: list[str], model: str
    ) -> dict[str, bytes]:
        """Vectors of ``table`` (raw bytes) for ``model``, by the values of column ``key``."""
        out: dict[str, bytes] = {}
        wanted = sorted(set(keys))
        col = table.c[key]
        try:
            with self.engine.connect() as conn:
                for i in range(0, len(wanted), 500):
                    rows = conn.execute(
                        sa.select(col, table.c.vector).where(
                            table.c.model == model, col.in_(wanted[i : i + 500])
                        )
                    )
                    out.update({k: bytes(v) for k, v in rows})
        except SQLAlchemyError as exc:
            raise self._fail("read vectors", exc) from None
        return out

    def _write_blobs(
        self, table: sa.Table, key: str, model: str, vectors: dict[str, bytes]
    ) -> None:
        """Store vectors (idempotent: a vector already there is kept)."""
        if not vectors:
            return
        try:
            with self._writing() as conn:
                for k in sorted(vectors):
                    _insert_new(conn, table, {key: k, "model": model, "vector": vectors[k]})
        except SQLAlchemyError as exc:
            raise self._fail("save vectors", exc) from None

    def get_vectors(self, ids: list[str], model: str) -> dict[str, bytes]:
        """Stored grouping embeddings (raw float32 bytes) of these articles for ``model``."""
        return self._read_blobs(article_vectors, "article_id", ids, model)

    def save_vectors(self, model: str, vectors: dict[str, bytes]) -> None:
        """Store grouping embeddings (idempotent: a vector already there is kept)."""
        self._write_blobs(article_vectors, "article_id", model, vectors)

    def get_text_vectors(self, keys: list[str], model: str) -> dict[str, bytes]:
        """Stored sentence vectors (raw float32 bytes) by text key, for ``model``."""
        return self._read_blobs(text_vectors, "key", keys, model)

    def save_text_vectors(self, model: str, vectors: dict[str, bytes]) -> None:
        """Store sentence vectors by text key (idempotent: one already there is kept)."""
        self._write_blobs(text_vectors, "key", model, vectors)

    # -- stories ----------------------------------------------------------------

    def _write_story(self, conn: Connection, story: Story) -> None:
        data = story.model_dump_json()
        if not _insert_new(
            conn,
            stories,
            {
                "id": story.id,
                "title": story.title,
                "method": story.method,
                "data": data,
                "created_at": _now(),
            },
        ):
            conn.execute(
                stories.update()
                .where(stories.c.id == story.id)
                .values(title=story.title, method=story.method, data=data)
            )
            conn.execute(story_articles.delete().where(story_articles.c.story_id == story.id))
        if story.articles:
            conn.execute(
                story_articles.insert(),
                [{"story_id": story.id, "article_id": a} for a in sorted(set(story.articles))],
            )

    def save_story(self, story: Story) -> None:
        """Store a story (a story with the same id is replaced: same members, new title)."""
        try:
            with self._writing() as conn:
                self._write_story(conn, story)
        except SQLAlchemyError as exc:
            raise self._fail("save story", exc) from None

    def replace_auto_stories(self, new: list[Story], article_ids: list[str]) -> int:
        """Store a fresh automatic grouping of ``article_ids``: earlier automatic stories
        holding any of them are removed first (manual stories are kept). Returns how many
        earlier stories were removed."""
        try:
            with self._writing() as conn:
                old: set[str] = set()
                ids = sorted(set(article_ids))
                for i in range(0, len(ids), 500):
                    old.update(
                        conn.execute(
                            sa.select(story_articles.c.story_id)
                            .join(stories, stories.c.id == story_articles.c.story_id)
                            .where(
                                stories.c.method == "auto",
                                story_articles.c.article_id.in_(ids[i : i + 500]),
                            )
                        ).scalars()
                    )
                keep = {s.id for s in new}
                gone = sorted(old - keep)
                for i in range(0, len(gone), 500):
                    chunk = gone[i : i + 500]
                    members = story_articles.c.story_id.in_(chunk)
                    conn.execute(story_articles.delete().where(members))
                    conn.execute(stories.delete().where(stories.c.id.in_(chunk)))
                for story in new:
                    self._write_story(conn, story)
                return len(gone)
        except SQLAlchemyError as exc:
            raise self._fail("save stories", exc) from None

    def get_story(self, story_id: str) -> Story:
        """A stored story by id or unique id prefix; ``NotFound`` with a fix otherwise
        (``AmbiguousId`` when the prefix fits several stories)."""
        try:
            with self.engine.connect() as conn:
                full = _by_prefix(conn, stories.c.id, story_id, "story", "stories")
                data = (
                    conn.execute(sa.select(stories.c.data).where(stories.c.id == full)).scalar()
                    if full is not None
                    else None
                )
        except SQLAlchemyError as exc:
            raise self._fail("read story", exc) from None
        if data is None:
            raise NotFound(
                f"no stored story with id {story_id!r}",
                fix="list stories with `framelens stories list`, or group them with "
                "`framelens stories`",
                value=story_id,
            )
        return Story.model_validate_json(data)

    def list_stories(
        self, *, method: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[Story]:
        """Stored stories, newest events first (by their latest publication date)."""
        try:
            with self.engine.connect() as conn:
                stmt = sa.select(stories.c.data).order_by(stories.c.id)
                if method:
                    stmt = stmt.where(stories.c.method == method)
                found = [Story.model_validate_json(d) for (d,) in conn.execute(stmt)]
        except SQLAlchemyError as exc:
            raise self._fail("list stories", exc) from None
        found.sort(key=lambda s: (s.until or "", s.id), reverse=True)
        return found[max(0, offset) : max(0, offset) + max(0, limit)]

    def stories_of_article(self, article_id: str) -> list[str]:
        """Ids of the stored stories an article belongs to."""
        try:
            with self.engine.connect() as conn:
                return list(
                    conn.execute(
                        sa.select(story_articles.c.story_id)
                        .where(story_articles.c.article_id == article_id)
                        .order_by(story_articles.c.story_id)
                    ).scalars()
                )
        except SQLAlchemyError as exc:
            raise self._fail("read stories", exc) from None
