"""Shared fixtures: one pipeline per test session (models load once), temp stores, examples."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from framelens import Pipeline, load_settings
from framelens.config import Settings
from framelens.model import Analysis, Article, iter_spans

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"

# Read before `_isolated_env` clears every FRAMELENS_* variable: the URL of a PostgreSQL
# server the tests may create databases on (.ci/run starts one: scripts/pg_test_cluster.sh).
PG_URL = os.environ.get("FRAMELENS_TEST_PG_URL", "")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's framelens.toml, env settings or default database."""
    import os

    for key in list(os.environ):
        if key.startswith("FRAMELENS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(config_file=None)


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """Every registered analyzer, built once for the whole session."""
    return Pipeline(settings=load_settings(config_file=None))


@pytest.fixture(scope="session")
def quotes_run() -> Callable[[str], Analysis]:
    """Text -> its analysis by actors and quotes (built once), every span checked to be
    the text at its offsets."""
    pipe = Pipeline("quotes", load_settings(config_file=None))

    def analyze(text: str) -> Analysis:
        analysis = pipe.analyze(Article(text=text, lang="en"))
        for span in iter_spans(analysis):
            assert text[span.start : span.end] == span.text
        return analysis

    return analyze


@pytest.fixture(scope="session")
def example_paths() -> list[Path]:
    paths = sorted(p for p in EXAMPLES.iterdir() if p.is_file())
    assert len(paths) >= 2
    return paths


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped after the test.

    Skips when FRAMELENS_TEST_PG_URL is unset, except in CI (CI=true), where it fails:
    CI must never pass by silently skipping the PostgreSQL tests.
    """
    if not PG_URL:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("FRAMELENS_TEST_PG_URL is unset in CI; .ci/run starts a cluster")
        pytest.skip("no PostgreSQL: set FRAMELENS_TEST_PG_URL (scripts/pg_test_cluster.sh)")
    import sqlalchemy as sa

    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = sa.make_url(PG_URL).set(database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
