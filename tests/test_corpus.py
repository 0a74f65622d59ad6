"""The corpus: paged listing, filters and full-text search, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from framelens.corpus import MIGRATIONS, Store
from framelens.corpus.store import migrations_table

from .story_data import BRIDGE, STRIKE, all_analyses, make_analysis


def _filled(url: str) -> Store:
    store = Store(url)
    for analysis in all_analyses():
        store.save_analysis(analysis)
    return store


def _titles(rows: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [r["title"] for r in rows]


def _check_search(store: Store) -> None:
    everything = store.search_articles(limit=100)
    assert len(everything) == 7 == store.count_articles()
    # newest first, ties by id (descending): a stable order to page through
    keys = [(r["published"], r["id"]) for r in everything]
    assert keys == sorted(keys, reverse=True)
    assert set(everything[0]) == {"id", "title", "author", "outlet", "url", "published", "source"}

    # paging: pages are disjoint and together give the whole list in order
    pages = [store.search_articles(limit=3, offset=o) for o in (0, 3, 6)]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [r["id"] for p in pages for r in p] == [r["id"] for r in everything]
    assert store.search_articles(limit=3, offset=100) == []

    # full text, stemmed ("strikes" finds "strike"), every word must occur
    hits = store.search_articles("teachers strikes")
    assert {r["title"] for r in hits} == {s[2] for s in STRIKE}
    assert store.count_articles("teachers strikes") == 3
    assert _titles(store.search_articles("bridge", outlet="Coastline Daily")) == [BRIDGE[2][2]]
    assert store.search_articles("bridge teachers") == []
    # search syntax characters are words, not operators; punctuation alone matches nothing
    assert len(store.search_articles('bridge AND ("cables')) == 3
    assert store.search_articles("((*))") == [] and store.count_articles("((*))") == 0

    # dates are inclusive days
    assert store.count_articles(since="2025-04-11", until="2025-04-11") == 3
    assert store.count_articles(since="2025-05-01") == 1
    assert store.count_articles(until="2025-04-10") == 3

    # actor by id or by name (any case); combined with the other filters
    assert store.count_articles(actor="pavel-orsic") == 3
    assert store.count_articles(actor="pavel orsic") == 3
    assert store.count_articles(actor="Velmora") == 4
    assert store.count_articles("harbour", actor="Velmora", since="2025-04-11") == 2
    assert store.count_articles(actor="nobody-at-all") == 0


def test_search_and_filters_on_sqlite(tmp_path: Path) -> None:
    _check_search(_filled(f"sqlite:///{tmp_path / 'c.db'}"))


def test_search_and_filters_on_postgresql(pg_url: str) -> None:
    _check_search(_filled(pg_url))


def test_search_without_fts5_falls_back_to_like(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _filled(f"sqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setattr(Store, "_has_fts", lambda self, conn: False)
    assert {r["title"] for r in store.search_articles("karsten strike")} == {s[2] for s in STRIKE}
    assert store.count_articles("harbour", outlet="Velmora Courier") == 1


def test_list_and_search_use_indexes(tmp_path: Path) -> None:
    store = _filled(f"sqlite:///{tmp_path / 'c.db'}")
    with store.engine.connect() as conn:
        plan = " ".join(
            str(r[-1])
            for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM articles ORDER BY published DESC, id DESC "
                "LIMIT 50 OFFSET 100"
            )
        )
        assert "ix_articles_published" in plan and "TEMP B-TREE" not in plan
        plan = " ".join(
            str(r[-1])
            for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT article_id FROM article_actors WHERE actor_id = 'x'"
            )
        )
        assert "INDEX" in plan


def test_newest_analysis_replaces_the_actor_rows(tmp_path: Path) -> None:
    store = _filled(f"sqlite:///{tmp_path / 'c.db'}")
    newer = make_analysis(BRIDGE[0])
    newer = newer.model_copy(update={"pipeline": {"nlp": "test", "actors": "4"}})
    newer.actors = newer.actors[:1]  # only Velmora now
    assert store.save_analysis(newer)
    assert store.count_articles(actor="ilse-brandt") == 2
    assert store.save_analysis(newer) is False  # idempotent
    newest = store.get_analyses([newer.article.id, "missing"])
    assert list(newest) == [newer.article.id]
    assert newest[newer.article.id].pipeline["actors"] == "4"
    assert store.count_articles(actor="velmora") == 4


def test_upgrade_backfills_actors_and_search(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url, migrate=False)
    with old.engine.begin() as conn:
        migrations_table.create(conn)
        for name, fn in MIGRATIONS[:3]:
            fn(conn)
            conn.execute(migrations_table.insert().values(name=name, applied_at="x"))
    for analysis in all_analyses():
        old.save_analysis(analysis)
    upgraded = Store(url)
    assert "004_corpus" in upgraded.applied_migrations()
    assert upgraded.count_articles(actor="Ilse Brandt") == 3
    assert upgraded.count_articles("corroded cables") == 2
    with upgraded.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM article_actors")).scalar_one() == 13
