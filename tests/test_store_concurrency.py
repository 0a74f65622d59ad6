"""Concurrent writers never fail: migrations take a lock, saves are idempotent inserts.

Each test runs against SQLite and against a real PostgreSQL (the ``pg_url`` fixture; .ci/run
starts a throwaway cluster).
"""

from __future__ import annotations

import multiprocessing as mp
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from framelens.corpus import Store
from framelens.model import Analysis, Article, Failure

# Short invented news items: each one English, long enough to analyse, all different.
ARTICLES = [
    "Harbour officials in Velmont closed the north pier on Monday after divers found a crack "
    "in its main pillar. Port director Ines Corbaz said repairs would take three weeks.",
    "The Karst Valley school board voted five to two on Tuesday to keep the old timetable. "
    "Board chair Milan Hrdy said parents had asked for more time to plan.",
    "A regional court in Ostrava fined the bus operator Lintrans for cancelling night routes "
    "without notice. The company said it would appeal the ruling next month.",
    "Farmers near Dellmoor blocked a motorway junction for four hours on Wednesday to protest "
    "against new water charges. Police said no one was arrested.",
    "The city library of Rensfield will open on Sundays from March, its director Aino Salo "
    "announced. The council agreed to pay for two extra librarians.",
    "Storms cut power to eleven thousand homes along the Marrow coast overnight. The grid "
    "operator Nordline said most would be reconnected by Thursday evening.",
]


def _analysis(text: str) -> Analysis:
    return Analysis(
        article=Article(
            text=text, title=text.split(".")[0][:40], source=f"item{ARTICLES.index(text)}.txt"
        ),
        pipeline={"nlp": "en_core_web_sm-3.8.0", "actors": "3"},
    )


def _urls(tmp_path: Path, request: pytest.FixtureRequest, backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'race.db'}"
    return str(request.getfixturevalue("pg_url"))


def _race(url: str, texts: list[str], barrier: Any, results: Any) -> None:
    try:
        barrier.wait(timeout=60)
        store = Store(url)  # every process migrates the fresh database at the same moment
        wrote = sum(store.save_analysis(_analysis(t)) for t in texts)
        store.save_failure(Failure(source="bad.txt", stage="ingest", code="E101", message="x"))
        store.engine.dispose()
        results.put(wrote)
    except BaseException as exc:
        results.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@pytest.mark.parametrize("workers", [2, 4])
def test_processes_migrating_and_saving_at_once_never_fail(
    tmp_path: Path, request: pytest.FixtureRequest, backend: str, workers: int
) -> None:
    url = _urls(tmp_path, request, backend)
    # spawn, not fork: the test process may already run threads (ONNX Runtime, spaCy).
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    # Every process saves every article, each in its own order: each save races.
    orders = [ARTICLES[i:] + ARTICLES[:i] for i in range(workers)]
    procs = [ctx.Process(target=_race, args=(url, order, barrier, results)) for order in orders]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    # What the processes say they wrote adds up to what is stored: each article once.
    assert sum(outcomes) == len(ARTICLES)
    stats = Store(url).stats()
    assert stats["articles"] == stats["analyses"] == len(ARTICLES)
    assert stats["failures"] == 1  # one document's failure, recorded by every process


def _ingest(paths: list[Path], url: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "framelens.cli", "ingest", *map(str, paths), "--db", url]
    return subprocess.Popen(
        [*cmd, "--analyzers", "actors"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


_SUMMARY = re.compile(r"^(\d+) stored, (\d+) already done, (\d+) failed", re.M)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@pytest.mark.parametrize("workers", [2, 4])
def test_concurrent_ingests_of_overlapping_inputs(
    tmp_path: Path, request: pytest.FixtureRequest, backend: str, workers: int
) -> None:
    url = _urls(tmp_path, request, backend)
    files = []
    for n, text in enumerate(ARTICLES):
        files.append(tmp_path / f"item{n}.txt")
        files[-1].write_text(text, encoding="utf-8")
    # Process i ingests four articles starting at i: neighbours share three of them.
    inputs = [[files[(i + k) % len(files)] for k in range(4)] for i in range(workers)]
    procs = [_ingest(paths, url) for paths in inputs]
    outputs = [p.communicate(timeout=300) for p in procs]
    summaries = []
    for proc, (_, err), paths in zip(procs, outputs, inputs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        found = _SUMMARY.search(err)
        assert found, err
        stored, done, failed = map(int, found.groups())
        assert failed == 0 and stored + done == len(paths), err
        summaries.append(stored)
    distinct = {p for paths in inputs for p in paths}
    assert sum(summaries) == len(distinct)
    stats = Store(url).stats()
    assert stats["articles"] == stats["analyses"] == len(distinct)
