"""The store's schema: every table, and the named migrations that create and change them.

``Store`` (``store.py``) reads and writes through these tables; nothing else in framelens
names a table. Migrations are applied in order and recorded in ``framelens_migrations``;
append only: never edit or reorder one that has shipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

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


class _JSONText(sa.TypeDecorator[str]):
    """An analysis as JSON text on both backends: TEXT on SQLite, JSONB on PostgreSQL
    (migration 006), whose driver hands back parsed JSON; reads turn it back into text."""

    impl = sa.Text
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.JSONB())
        return dialect.type_descriptor(sa.Text())

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if dialect.name == "postgresql" and isinstance(value, str):
            return json.loads(value)  # JSONB's own bind writes it back as JSON
        return value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value)


analyses = sa.Table(
    "analyses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.String(64), sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("pipeline_key", sa.String(64), nullable=False),
    sa.Column("pipeline", sa.Text, nullable=False),
    sa.Column("schema", sa.String(64), nullable=False),
    sa.Column("data", _JSONText, nullable=False),
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


# Evidence collections (framelens.evidence): documents, their passages with sentence
# embeddings (and the embedder that made each), and (SQLite only) the FTS5 table
# ``evidence_fts`` (rowid = passage id).
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
    # The embedder_id of the model that made ``embedding`` (migration 008); NULL for a
    # passage stored before, all of which the one embedder of then made (``minilm-int8``).
    sa.Column("model", sa.String(200)),
)


# Stories (framelens.corpus.stories): one row per story, its members in story_articles.
stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("method", sa.String(16), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)


story_articles = sa.Table(
    "story_articles",
    metadata,
    sa.Column("story_id", sa.String(64), primary_key=True),
    sa.Column("article_id", sa.String(64), primary_key=True),
)


# The actors of each article's newest analysis, for filtering the corpus by actor and for
# story grouping without reading whole analyses. Filled by save_analysis.
article_actors = sa.Table(
    "article_actors",
    metadata,
    sa.Column("article_id", sa.String(64), primary_key=True),
    sa.Column("actor_id", sa.String(200), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.Column("prominence", sa.Float, nullable=False),
)


# Title + lead embeddings that story grouping computed, per embedder (framelens.corpus.stories):
# a re-run embeds only the articles added since.
article_vectors = sa.Table(
    "article_vectors",
    metadata,
    sa.Column("article_id", sa.String(64), primary_key=True),
    sa.Column("model", sa.String(200), primary_key=True),
    sa.Column("vector", sa.LargeBinary, nullable=False),
)


# Sentence vectors of short texts keyed by their SHA-256, per embedder: what `compare`
# embeds (the parties' masked contexts, the claims), so a stored story compares without
# running the model (framelens.nlp.embedder.CachedEmbedder).
text_vectors = sa.Table(
    "text_vectors",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("model", sa.String(200), primary_key=True),
    sa.Column("vector", sa.LargeBinary, nullable=False),
)


# Full-text search over title + text. SQLite: the FTS5 table ``articles_fts`` kept in step
# by triggers (a copy, not external content: articles has no integer key, and VACUUM may
# renumber implicit rowids). PostgreSQL: a stored generated column ``search_tsv`` of this
# expression with a GIN index. Stored, not an expression index: ranking and rechecking
# read the column instead of re-parsing every matching text (15 s against 0.12 s for a
# word in most of 100,000 articles, measured).
PG_TSVECTOR = "to_tsvector('english', coalesce(title, '') || ' ' || text)"


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


def _m004_corpus(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "stories",
        md,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "story_articles",
        md,
        sa.Column("story_id", sa.String(64), primary_key=True),
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Index("ix_story_articles_article", "article_id"),
    )
    actors_t = sa.Table(
        "article_actors",
        md,
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("actor_id", sa.String(200), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.Column("prominence", sa.Float, nullable=False),
        sa.Index("ix_article_actors_actor", "actor_id"),
    )
    md.create_all(conn)
    conn.execute(
        sa.text("CREATE INDEX IF NOT EXISTS ix_article_actors_name ON article_actors (lower(name))")
    )
    if conn.dialect.name == "postgresql":
        # DESC NULLS LAST is the order `corpus list` pages in; a plain index would only
        # serve it backwards with the NULLs first.
        conn.execute(
            sa.text(
                "CREATE INDEX IF NOT EXISTS ix_articles_published "
                "ON articles (published DESC NULLS LAST, id DESC)"
            )
        )
        conn.execute(
            sa.text(
                "ALTER TABLE articles ADD COLUMN IF NOT EXISTS search_tsv tsvector "
                f"GENERATED ALWAYS AS ({PG_TSVECTOR}) STORED"
            )
        )
        conn.execute(
            sa.text("CREATE INDEX IF NOT EXISTS ix_articles_fts ON articles USING gin (search_tsv)")
        )
    else:
        conn.execute(
            sa.text("CREATE INDEX IF NOT EXISTS ix_articles_published ON articles (published, id)")
        )
        if conn.dialect.name == "sqlite":
            _sqlite_articles_fts(conn)
    # Backfill the actor lookup from the newest analysis of every stored article.
    newest = sa.text(
        "SELECT a.article_id, a.data FROM analyses a JOIN (SELECT max(id) AS id FROM analyses "
        "GROUP BY article_id) n ON a.id = n.id"
    )
    rows: list[dict[str, Any]] = []
    for article_id, data in conn.execute(newest):
        rows.extend(actor_rows(article_id, json.loads(data).get("actors") or []))
        if len(rows) >= 1000:
            conn.execute(actors_t.insert(), rows)
            rows = []
    if rows:
        conn.execute(actors_t.insert(), rows)


def _m005_article_vectors(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "article_vectors",
        md,
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("model", sa.String(200), primary_key=True),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
    md.create_all(conn)


def _m007_text_vectors(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "text_vectors",
        md,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("model", sa.String(200), primary_key=True),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
    md.create_all(conn)


def _m006_analyses_jsonb(conn: Connection) -> None:
    # PostgreSQL stores each analysis as JSONB, queryable in SQL (a GIN index serves
    # containment: which analyses hold a technique or a label); SQLite keeps the JSON text.
    if conn.dialect.name != "postgresql":
        return
    conn.execute(sa.text("ALTER TABLE analyses ALTER COLUMN data TYPE JSONB USING data::jsonb"))
    conn.execute(
        sa.text(
            "CREATE INDEX IF NOT EXISTS ix_analyses_data ON analyses "
            "USING GIN (data jsonb_path_ops)"
        )
    )


def _m008_evidence_passage_model(conn: Connection) -> None:
    # Which embedder made each passage's vector: with a choice of encoders, a store built
    # with one must not be searched with another's query vectors (EvidenceIndex._matrix
    # re-embeds what differs). Existing rows keep NULL: the legacy embedder made them.
    # Nullable, so a plain ADD COLUMN on both back ends (no table rebuild on SQLite).
    columns = {c["name"] for c in sa.inspect(conn).get_columns("evidence_passages")}
    if "model" not in columns:
        kind = sa.String(200).compile(dialect=conn.dialect)
        conn.execute(sa.text(f"ALTER TABLE evidence_passages ADD COLUMN model {kind}"))


def _sqlite_articles_fts(conn: Connection) -> None:
    # An SQLite built without FTS5 keeps working: search then falls back to LIKE.
    try:
        with conn.begin_nested():
            conn.execute(
                sa.text(
                    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING "
                    "fts5(article_id UNINDEXED, title, text, tokenize='porter unicode61')"
                )
            )
    except SQLAlchemyError:
        return
    for stmt in (
        "CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN "
        "INSERT INTO articles_fts (article_id, title, text) "
        "VALUES (new.id, coalesce(new.title, ''), new.text); END",
        "CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN "
        "DELETE FROM articles_fts WHERE article_id = old.id; END",
        "CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, text "
        "ON articles BEGIN DELETE FROM articles_fts WHERE article_id = old.id; "
        "INSERT INTO articles_fts (article_id, title, text) "
        "VALUES (new.id, coalesce(new.title, ''), new.text); END",
        "INSERT INTO articles_fts (article_id, title, text) "
        "SELECT id, coalesce(title, ''), text FROM articles",
    ):
        conn.execute(sa.text(stmt))


def actor_rows(article_id: str, actors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of ``article_actors`` for an analysis' actors (JSON dicts), one per actor id."""
    seen: dict[str, dict[str, Any]] = {}
    for actor in actors:
        actor_id = str(actor.get("id") or "")[:200]
        if actor_id and actor_id not in seen:
            seen[actor_id] = {
                "article_id": article_id,
                "actor_id": actor_id,
                "name": str(actor.get("name") or actor_id),
                "mentions": int(actor.get("mention_count") or 0),
                "prominence": float(actor.get("prominence") or 0.0),
            }
    return list(seen.values())


#: Named migrations, applied in order and recorded in ``framelens_migrations``.
#: Append only: never edit or reorder one that has shipped.
MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("001_initial", _m001_initial),
    ("002_failures", _m002_failures),
    ("003_evidence", _m003_evidence),
    ("004_corpus", _m004_corpus),
    ("005_article_vectors", _m005_article_vectors),
    ("006_analyses_jsonb", _m006_analyses_jsonb),
    ("007_text_vectors", _m007_text_vectors),
    ("008_evidence_passage_model", _m008_evidence_passage_model),
]


def pipeline_key(pipeline: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(pipeline, sort_keys=True).encode()).hexdigest()[:16]
