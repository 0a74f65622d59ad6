"""The store: articles and analyses in SQLite (default) or any SQLAlchemy URL.

All SQL of framelens lives in this package. Writes are idempotent: an article
is keyed by its content hash, an analysis by (article, pipeline versions), so
re-running a batch stores nothing twice and never overwrites a finished result
with a different pipeline's (both are kept).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..errors import NotFound, StoreError
from ..model import Analysis, Article, Failure

metadata = sa.MetaData()

migrations_table = sa.Table(
    "framelens_migrations",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("author", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.String(64)),
    sa.Column("lang", sa.String(16)),
    sa.Column("source", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)

analyses = sa.Table(
    "analyses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(64), sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("pipeline_key", sa.String(64), nullable=False),
    sa.Column("pipeline", sa.Text, nullable=False),
    sa.Column("schema", sa.String(64), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.UniqueConstraint("article_id", "pipeline_key", name="uq_analysis_article_pipeline"),
)

failures = sa.Table(
    "failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("stage", sa.String(64), nullable=False),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("article_id", sa.String(64)),
    sa.Column("created_at", sa.String(40), nullable=False),
)

# Evidence collections (framelens.evidence): documents, their passages with MiniLM
# embeddings, and (SQLite only) the FTS5 table ``evidence_fts`` (rowid = passage id).
evidence_documents = sa.Table(
    "evidence_documents",
    metadata,
    sa.Column("collection", sa.String(200), primary_key=True),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("source", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)

evidence_passages = sa.Table(
    "evidence_passages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("collection", sa.String(200), nullable=False),
    sa.Column("doc_id", sa.String(64), nullable=False),
    sa.Column("start_char", sa.Integer, nullable=False),
    sa.Column("end_char", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("embedding", sa.LargeBinary, nullable=False),
)


# Migrations declare their own tables (a snapshot of the schema at that step) so that a
# later change to the module-level tables above never changes what an old step does.


def _m001_initial(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "articles",
        md,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.String(64)),
        sa.Column("lang", sa.String(16)),
        sa.Column("source", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "analyses",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(64), sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("pipeline_key", sa.String(64), nullable=False),
        sa.Column("pipeline", sa.Text, nullable=False),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("article_id", "pipeline_key", name="uq_analysis_article_pipeline"),
        sa.Index("ix_analyses_article", "article_id"),
    )
    md.create_all(conn)


def _m002_failures(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "failures",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("stage", sa.String(64), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("article_id", sa.String(64)),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    md.create_all(conn)
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_articles_outlet ON articles (outlet)"))


def _m003_evidence(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "evidence_documents",
        md,
        sa.Column("collection", sa.String(200), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "evidence_passages",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("collection", sa.String(200), nullable=False),
        sa.Column("doc_id", sa.String(64), nullable=False),
        sa.Column("start_char", sa.Integer, nullable=False),
        sa.Column("end_char", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("embedding", sa.LargeBinary, nullable=False),
        sa.Index("ix_evidence_passages_doc", "collection", "doc_id"),
    )
    md.create_all(conn)
    if conn.dialect.name == "sqlite":
        # BM25 ranking for evidence search. An SQLite built without FTS5 keeps working:
        # evidence search then ranks by embeddings only (framelens.evidence.index).
        try:
            with conn.begin_nested():
                conn.execute(
                    sa.text(
                        "CREATE VIRTUAL TABLE IF NOT EXISTS evidence_fts "
                        "USING fts5(text, tokenize='porter unicode61')"
                    )
                )
        except SQLAlchemyError:
            pass


#: Named migrations, applied in order and recorded in ``framelens_migrations``.
#: Append only: never edit or reorder one that has shipped.
MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("001_initial", _m001_initial),
    ("002_failures", _m002_failures),
    ("003_evidence", _m003_evidence),
]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def pipeline_key(pipeline: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(pipeline, sort_keys=True).encode()).hexdigest()[:16]


def _safe_url(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


class Store:
    """A corpus of articles and analyses behind one SQLAlchemy engine."""

    def __init__(self, url: str, *, migrate: bool = True):
        self.url = url
        try:
            parsed = sa.make_url(url)
        except ArgumentError:
            raise StoreError(
                f"{url!r} is not a database URL",
                fix="use sqlite:///path/to/file.db or postgresql://user@host/db",
                value=url,
            ) from None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = sa.create_engine(parsed)
        except (ArgumentError, ImportError, SQLAlchemyError) as exc:
            raise StoreError(
                f"cannot open database {_safe_url(url)} ({type(exc).__name__}: {exc})",
                fix="check the URL; PostgreSQL needs `pip install 'framelens[postgres]'`",
                value=url,
            ) from None
        if migrate:
            self.migrate()

    def _fail(self, action: str, exc: Exception) -> StoreError:
        first = str(exc).splitlines()[0][:200]
        return StoreError(
            f"could not {action} in {_safe_url(self.url)} ({first})",
            fix="check that the database is reachable and writable, then retry",
            value=self.url,
        )

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
        """Apply every migration not yet recorded; return the names applied now."""
        done = set(self.applied_migrations())
        applied: list[str] = []
        try:
            with self.engine.begin() as conn:
                migrations_table.create(conn, checkfirst=True)
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
        """Store ``article`` unless its id is already there; return whether it was new."""
        try:
            with self.engine.begin() as conn:
                return self._insert_article(conn, article)
        except SQLAlchemyError as exc:
            raise self._fail("save article", exc) from None

    def _insert_article(self, conn: Connection, article: Article) -> bool:
        exists = conn.execute(sa.select(articles.c.id).where(articles.c.id == article.id)).first()
        if exists:
            return False
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
        conn.execute(articles.insert().values(**row, created_at=_now()))
        return True

    def save_analysis(self, analysis: Analysis) -> bool:
        """Store the article and its analysis once per pipeline; return whether it was new."""
        key = pipeline_key(analysis.pipeline)
        try:
            with self.engine.begin() as conn:
                self._insert_article(conn, analysis.article)
                exists = conn.execute(
                    sa.select(analyses.c.id).where(
                        analyses.c.article_id == analysis.article.id,
                        analyses.c.pipeline_key == key,
                    )
                ).first()
                if exists:
                    return False
                conn.execute(
                    analyses.insert().values(
                        article_id=analysis.article.id,
                        pipeline_key=key,
                        pipeline=json.dumps(analysis.pipeline, sort_keys=True),
                        schema=analysis.schema_,
                        data=analysis.to_json(indent=None),
                        created_at=_now(),
                    )
                )
                return True
        except SQLAlchemyError as exc:
            raise self._fail("save analysis", exc) from None

    def save_failure(self, failure: Failure) -> None:
        try:
            with self.engine.begin() as conn:
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
        try:
            with self.engine.connect() as conn:
                row = (
                    conn.execute(sa.select(articles).where(articles.c.id.startswith(article_id)))
                    .mappings()
                    .first()
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
        """The newest stored analysis of an article (id or unique id prefix)."""
        try:
            with self.engine.connect() as conn:
                row = conn.execute(
                    sa.select(analyses.c.data)
                    .where(analyses.c.article_id.startswith(article_id))
                    .order_by(analyses.c.id.desc())
                ).first()
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
