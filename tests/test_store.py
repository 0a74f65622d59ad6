"""The store: idempotent writes, recorded migrations, nothing lost on re-runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from framelens import NotFound, StoreError
from framelens.corpus import MIGRATIONS, Store
from framelens.corpus.store import pick_by_prefix
from framelens.errors import AmbiguousId
from framelens.model import Analysis, Article, Failure, Story


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


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'prefix.db'}"
    return str(request.getfixturevalue("pg_url"))


def _shortest_unique_prefix(full: str, ids: list[str]) -> str:
    return next(
        full[:k] for k in range(1, len(full) + 1) if sum(i.startswith(full[:k]) for i in ids) == 1
    )


def test_id_prefix_lookups_refuse_an_ambiguous_prefix(any_url: str) -> None:
    store = Store(any_url)
    saved = [
        _analysis(f"Report {i}: the port council met on Tuesday to discuss the ferry.")
        for i in range(40)
    ]
    for a in saved:
        store.save_analysis(a)
    ids = sorted(a.article.id for a in saved)
    shared = max("0123456789abcdef", key=lambda c: sum(i.startswith(c) for i in ids))
    sharing = [i for i in ids if i.startswith(shared)]
    assert len(sharing) >= 3  # 40 ids over 16 first digits
    lookups = {
        "article": store.get_article,
        "analysis": store.get_analysis,
        "resolve": lambda p: store.resolve_article_ids([ids[0], p]),
    }
    for name, lookup in lookups.items():
        with pytest.raises(AmbiguousId) as info:
            lookup(shared)
        err = info.value
        assert isinstance(err, NotFound) and err.code == "E409" and err.status == 409, name
        assert f"article id prefix {shared!r} matches several" in err.message
        assert ", ".join(sharing[:3]) in err.message  # a few candidates, sorted
        assert err.message.endswith(", ...") == (len(sharing) > 3)
        assert err.fix == "give more characters of the id"
    # A unique prefix still works; a full id always does.
    for full in (sharing[0], ids[-1]):
        prefix = _shortest_unique_prefix(full, ids)
        assert store.get_article(prefix).id == full
        assert store.get_analysis(prefix).article.id == full
        assert store.resolve_article_ids([prefix, full]) == [full, full]
    # LIKE wildcards are characters, not patterns; an empty prefix names nothing.
    for bad in ("%", "_", ""):
        with pytest.raises(NotFound) as missing:
            store.get_article(bad)
        assert not isinstance(missing.value, AmbiguousId)
        with pytest.raises(NotFound):
            store.get_analysis(bad)


def test_story_prefix_exact_id_wins(any_url: str) -> None:
    store = Store(any_url)
    a = _analysis("The port council met on Tuesday to discuss the ferry timetable.")
    store.save_analysis(a)
    for sid in ("st-abc", "st-abcd", "st-abce"):
        store.save_story(Story(id=sid, title=sid, articles=[a.article.id], method="manual"))
    assert store.get_story("st-abc").id == "st-abc"  # a full id that prefixes others
    assert store.get_story("st-abcd").id == "st-abcd"
    with pytest.raises(
        AmbiguousId,
        match=r"story id prefix 'st-ab' matches several stories: "
        r"st-abc, st-abcd, st-abce —",
    ):
        store.get_story("st-ab")
    with pytest.raises(NotFound, match="no stored story"):
        store.get_story("st-_")


def test_pick_by_prefix() -> None:
    ids = ["a1", "a12", "b7", "b8"]
    assert pick_by_prefix(ids, "a1", "doc", "docs") == "a1"  # exact wins over "a12"
    assert pick_by_prefix(ids, "a12", "doc", "docs") == "a12"
    assert pick_by_prefix(ids, "b7", "doc", "docs") == "b7"
    assert pick_by_prefix(ids, "c", "doc", "docs") is None
    assert pick_by_prefix(ids, "", "doc", "docs") is None
    with pytest.raises(AmbiguousId, match=r"doc id prefix 'b' matches several docs: b7, b8 —"):
        pick_by_prefix(ids, "b", "doc", "docs")
    many = [f"c{i}" for i in range(6)]
    with pytest.raises(AmbiguousId, match=r": c0, c1, c2, \.\.\. —"):
        pick_by_prefix(many, "c", "doc", "docs")
