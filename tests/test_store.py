"""The store: idempotent writes, recorded migrations, nothing lost on re-runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from framelens import NotFound, StoreError
from framelens.corpus import MIGRATIONS, Store
from framelens.model import Analysis, Article, Failure


def _analysis(text: str, version: str = "1", outlet: str | None = None) -> Analysis:
    return Analysis(
        article=Article(text=text, outlet=outlet, title="T"),
        pipeline={"nlp": "en_core_web_sm-3.8.0", "actors": version},
    )


def test_same_article_twice_is_stored_once(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    a = _analysis("The mayor resigned on Friday after a vote of no confidence.")
    assert store.save_analysis(a) is True
    assert store.save_analysis(a) is False
    assert store.save_article(a.article) is False
    assert store.stats() == {"articles": 1, "analyses": 1, "failures": 0}
    assert store.get_analysis(a.article.id[:8]) == a
    assert store.get_article(a.article.id).text == a.article.text


def test_new_pipeline_version_keeps_the_old_analysis(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    old = _analysis("The mayor resigned on Friday after a vote of no confidence.", "1")
    new = _analysis("The mayor resigned on Friday after a vote of no confidence.", "2")
    store.save_analysis(old)
    store.save_analysis(new)
    assert store.stats()["analyses"] == 2 and store.stats()["articles"] == 1
    assert store.get_analysis(old.article.id).pipeline["actors"] == "2"
    assert store.has_analysis(old.article.id, old.pipeline)
    assert [x.pipeline["actors"] for x in store.iter_analyses()] == ["2"]


def test_migrations_are_recorded_and_reopening_keeps_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    store = Store(url)
    assert store.applied_migrations() == sorted(name for name, _ in MIGRATIONS)
    store.save_analysis(_analysis("A council member said the budget would be cut by a third."))
    again = Store(url)
    assert again.migrate() == []
    assert again.stats()["analyses"] == 1


def test_upgrade_from_first_migration_keeps_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url, migrate=False)
    first_name, first = MIGRATIONS[0]
    from framelens.corpus.store import migrations_table

    with old.engine.begin() as conn:
        migrations_table.create(conn)
        first(conn)
        conn.execute(migrations_table.insert().values(name=first_name, applied_at="x"))
    old.save_analysis(_analysis("The union said the strike would continue into next week."))
    upgraded = Store(url)
    assert upgraded.applied_migrations() == sorted(n for n, _ in MIGRATIONS)
    assert upgraded.stats()["analyses"] == 1
    upgraded.save_failure(Failure(source="x.txt", stage="ingest", code="E101", message="empty"))
    assert upgraded.stats()["failures"] == 1


def test_missing_records_and_bad_urls(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    with pytest.raises(NotFound, match="no stored analysis"):
        store.get_analysis("deadbeef")
    with pytest.raises(StoreError, match="not a database URL"):
        Store("definitely not a url")
    with pytest.raises(StoreError) as err:
        Store("nosuchdialect://user:secret@host/db")
    assert "secret" not in str(err.value)


def test_list_articles_by_outlet(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    store.save_analysis(_analysis("The minister resigned on Friday after the vote.", outlet="A"))
    store.save_analysis(_analysis("The minister quit on Friday, days after the vote.", outlet="B"))
    assert [r["outlet"] for r in store.list_articles(outlet="B")] == ["B"]
    assert len(store.list_articles()) == 2
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from articles")).scalar_one() == 2
