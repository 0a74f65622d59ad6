"""Shared fixtures: one pipeline per test session (models load once), temp stores, examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from framelens import Pipeline, load_settings
from framelens.config import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"


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
def example_paths() -> list[Path]:
    paths = sorted(p for p in EXAMPLES.iterdir() if p.is_file())
    assert len(paths) >= 2
    return paths
