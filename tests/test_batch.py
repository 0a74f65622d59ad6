"""framelens batch: mixed inputs -> Parquet, dedupe, failures, resume, Dask, stats.

Every article here is invented for these tests.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from typer.testing import CliRunner

from framelens.batch import TYPES, Output, run_batch
from framelens.batch.partitions import Partition
from framelens.batch.stats import QUESTIONS, bars, query
from framelens.batch.writer import write_partition
from framelens.cli import app
from framelens.config import load_settings
from framelens.errors import InputError
from framelens.model import Article

ANALYZERS = "quotes,actors"
PEOPLE = ["Mara Okonkwo", "Daniel Reyes", "Ilse Brandt", "Tomas Hale", "Priya Nair"]
ORGS = ["the Harbor Council", "the Ministry of Water", "Northgate Union", "the Civic League"]
OUTLETS = ["Daily Ledger", "Evening Post", "Coast Herald"]
SHARED_QUOTE = "We will not accept another year of delays on the river"


def article(i: int, outlet: str | None = None) -> dict[str, Any]:
    p, q = PEOPLE[i % 5], PEOPLE[(i + 2) % 5]
    org = ORGS[i % 4]
    quote = SHARED_QUOTE if i % 4 == 0 else f"The plan for district {i} is finally ready"
    text = (
        f"{p} said on Tuesday that {org} would review the river plan for district {i}. "
        f'"{quote}," said {q}, a spokesman for {org}. '
        f"Critics called the proposal number {i} a disaster for farmers, while supporters "
        f"praised the careful work of the engineers. The council meets again next month "
        f"to vote on a budget of {i * 3 + 7} million dollars for the district. "
        f"{p} backed the dredging contract for the district in March."
    )
    return {
        "text": text,
        "title": f"River plan for district {i}",
        "outlet": outlet or OUTLETS[i % 3],
        "published": f"2024-0{1 + i % 3}-1{i % 9}",
    }


def _warc(path: Path, pages: list[tuple[str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            rec = writer.create_warc_record(
                url, "response", payload=io.BytesIO(html.encode()), http_headers=headers
            )
            writer.write_record(rec)
        png = StatusAndHeaders("200 OK", [("Content-Type", "image/png")])
        writer.write_record(
            writer.create_warc_record(
                "https://news.example/logo.png",
                "response",
                payload=io.BytesIO(b"\x89PNG\r\n\x1a\nnot really"),
                http_headers=png,
            )
        )
        req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        writer.write_record(
            writer.create_warc_record("https://news.example/", "request", http_headers=req)
        )


def _html(i: int) -> str:
    a = article(i)
    paras = "".join(f"<p>{s.strip()}.</p>" for s in a["text"].split(". ") if s.strip())
    return (
        f"<html><head><title>{a['title']}</title></head><body><nav>Home | World</nav>"
        f"<article><h1>{a['title']}</h1>{paras}</article></body></html>"
    )


def make_inputs(root: Path) -> tuple[list[Path], int]:
    """Mixed inputs; returns them and the number of distinct good articles."""
    root.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(article(i)) for i in range(12)]
    lines.append(json.dumps(article(3)))  # a duplicate
    lines.append("{this line is broken")
    lines.append(json.dumps({"text": "too short"}))
    lines.append(json.dumps({"text": "A huge article. " * 3_300_000}))  # ~50 MB
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(root / "more.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i in range(12, 16):
            fh.write(json.dumps(article(i)) + "\n")
        fh.write(json.dumps(article(0)) + "\n")  # a duplicate across files
    with open(root / "sheet.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["body", "headline", "site", "date"])
        for i in range(16, 19):
            a = article(i)
            w.writerow([a["text"], a["title"], a["outlet"], a["published"]])
    pages = root / "pages"
    pages.mkdir()
    (pages / "one.txt").write_text(article(19)["text"], encoding="utf-8")
    (pages / "two.html").write_text(_html(20), encoding="utf-8")
    (pages / "bad.txt").write_bytes(b"\x00\x01binary")
    _warc(root / "crawl.warc.gz", [("https://news.example/a", _html(21))])
    paths = [root / "feed.jsonl", root / "more.jsonl.gz", root / "sheet.csv", pages]
    return [*paths, root / "crawl.warc.gz"], 22


CSV_COLUMNS = {"title": "headline", "outlet": "site", "published": "date"}


def _table(out: Path, kind: str) -> Any:
    return ds.dataset(out / kind, format="parquet").to_table()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path, Any]:
    root = tmp_path_factory.mktemp("batch")
    paths, _ = make_inputs(root / "in")
    out = root / "out"
    result = run_batch(
        paths,
        out,
        analyzers=ANALYZERS,
        settings=load_settings(config_file=None),
        partition_size=5,
        text_column="body",
        columns=CSV_COLUMNS,
    )
    return paths, out, result


def test_mixed_input_gives_complete_parquet_and_failures(mixed: Any) -> None:
    _, out, result = mixed
    articles = _table(out, "articles").to_pylist()
    ids = [a["id"] for a in articles]
    assert len(ids) == len(set(ids)) == 22 == result.analysed
    assert result.skipped["duplicate"] == 2
    by_source = {a["source"].rsplit("/", 1)[-1]: a for a in articles}
    assert any(s.startswith("sheet.csv:") for s in by_source)
    csv_row = next(a for s, a in by_source.items() if s.startswith("sheet.csv:"))
    assert csv_row["outlet"] in OUTLETS and csv_row["title"].startswith("River plan")
    warc_row = next(a for a in articles if "crawl.warc.gz" in a["source"])
    assert warc_row["url"] == "https://news.example/a"
    assert any(a["source"].endswith("two.html") for a in articles)
    # The full analysis is kept, so a reader can rebuild it.
    from framelens.model import Analysis

    rebuilt = Analysis.from_json(articles[0]["analysis"])
    assert rebuilt.article.id == articles[0]["id"] and rebuilt.actors

    failures = _table(out, "failures").to_pylist()
    codes = {f["code"] for f in failures}
    assert {"E101", "E102", "E104", "E106"} <= codes, failures
    assert len(failures) == result.failed == 5  # broken, short, huge, binary, PNG record
    assert all(f["source"] and f["stage"] and f["message"] for f in failures)
    huge = next(f for f in failures if f["code"] == "E104")
    assert "feed.jsonl:16" in huge["source"] and "max_bytes" in huge["message"]
    for kind in TYPES:
        assert list((out / kind).glob("part-*.parquet")), kind
    assert _table(out, "quotes").num_rows >= 20
    assert _table(out, "mentions").num_rows > _table(out, "actors").num_rows


def test_rerun_appends_nothing(mixed: Any) -> None:
    paths, out, _ = mixed
    before = sorted(p.name for p in (out / "articles").iterdir())
    result = run_batch(
        paths,
        out,
        analyzers=ANALYZERS,
        partition_size=5,
        text_column="body",
        columns=CSV_COLUMNS,
    )
    assert result.processed == 0
    assert result.skipped["already done"] == 27
    assert sorted(p.name for p in (out / "articles").iterdir()) == before


def test_later_run_appends_new_articles(tmp_path: Path) -> None:
    first = tmp_path / "a.jsonl"
    first.write_text("\n".join(json.dumps(article(i)) for i in range(4)) + "\n")
    second = tmp_path / "b.jsonl"
    second.write_text("\n".join(json.dumps(article(i)) for i in range(2, 7)) + "\n")
    out = tmp_path / "out"
    run_batch([first], out, analyzers="actors", partition_size=3)
    result = run_batch([first, second], out, analyzers="actors", partition_size=3)
    assert result.analysed == 3 and result.skipped["already done"] == 4
    ids = _table(out, "articles").column("id").to_pylist()
    assert len(ids) == len(set(ids)) == 7


def test_stats_answers_each_question(mixed: Any) -> None:
    _, out, _ = mixed
    answers = {q: query(out, q) for q in QUESTIONS}
    cols, rows = answers["labels"]
    assert cols[:5] == ["outlet", "month", "actor", "lemma", "class"] and rows
    assert any(r[3] == "spokesman" for r in rows)
    cols, rows = answers["techniques"]
    assert "per_1000_words" in cols and rows
    cols, rows = answers["sources"]
    assert cols[:3] == ["speaker", "type", "quotes"] and rows and rows[0][2] >= 2
    # a stance the writer attributes to a source ("X backed the dredging contract") is no
    # quote
    quotes = _table(out, "quotes").to_pylist()
    assert any(q["kind"] == "stance" for q in quotes)
    quoted = Counter(q["speaker"] for q in quotes if q["speaker"] and q["kind"] != "stance")
    assert {r[0]: r[2] for r in rows} == {
        s: n for s, n in quoted.items() if s in {r[0] for r in rows}
    }
    # a source's type is the one the articles state; "unknown" (an article that did not
    # introduce them) does not outvote it
    stated = {q["speaker"] for q in quotes if q["source_type"] == "official"}
    assert stated and all(r[1] == "official" for r in rows if r[0] in stated)
    cols, rows = answers["reuse"]
    shared = [r for r in rows if SHARED_QUOTE.lower() in r[0]]
    assert shared and shared[0][1] >= 3  # told by three outlets
    cols, rows = answers["actors"]
    assert "share" in cols and all(0 < r[3] <= 1 for r in rows)
    names = {r[0] for r in rows}
    assert "Mara Okonkwo" in names
    assert answers["failures"][1]
    only = query(out, "labels", outlet="Coast Herald")[1]
    assert only and all(r[0] == "Coast Herald" for r in only)
    assert bars(*answers["actors"])


def test_stats_refuses_a_folder_that_is_not_batch_output(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a framelens batch output"):
        query(tmp_path, "actors")


def test_cli_batch_and_stats(tmp_path: Path, mixed: Any) -> None:
    _, out, _ = mixed
    runner = CliRunner()
    res = runner.invoke(app, ["stats", str(out), "sources", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("speaker,type,quotes")
    res = runner.invoke(app, ["stats", str(out), "actors", "--format", "plot"])
    assert res.exit_code == 0 and "█" in res.output
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(article(1)) + "\n{oops\n")
    res = runner.invoke(
        app, ["batch", str(src), "--out", str(tmp_path / "o"), "--workers", "0", "-a", "actors"]
    )
    assert res.exit_code == 1  # one document failed
    assert "1 analysed, 1 failed" in res.output


def test_cli_one_line_errors(tmp_path: Path) -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "framelens.cli", "stats", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1, bad.stderr
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "framelens.cli",
            "batch",
            str(tmp_path),
            "--out",
            str(tmp_path / "o"),
            "-w",
            "0",
            "-a",
            "nope",
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "nope" in bad.stderr and bad.stderr.count("\n") == 1


def test_recover_removes_unrecorded_and_temp_files(tmp_path: Path) -> None:
    out = Output(tmp_path)
    art = Article(text="Some invented text about the harbor council and its plans.")
    write_partition(tmp_path, "aaaa", [(art.id, art_analysis(art))])
    (tmp_path / "articles" / "part-bbbb.parquet.tmp-123").write_bytes(b"partial")
    out.record("cccc", {}, [])
    assert out.recover() == len(TYPES) + 1
    assert not list((tmp_path / "articles").iterdir())


def art_analysis(art: Article) -> Any:
    from framelens.model import Analysis

    return Analysis(article=art)


def _manifest_lines(out: Path) -> int:
    path = out / "_manifest.jsonl"
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.mark.parametrize("workers", ["0", "2"])  # in process; a Dask LocalCluster
def test_kill_9_and_resume_gives_every_article_once(tmp_path: Path, workers: str) -> None:
    src = tmp_path / "in.jsonl"
    n = 150
    src.write_text("\n".join(json.dumps(article(i)) for i in range(n)) + "\n")
    out = tmp_path / "out"
    cmd = [
        sys.executable, "-m", "framelens.cli", "batch", str(src), "--out", str(out),
        "--workers", workers, "--partition-size", "5", "-a", "actors", "--quiet",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _manifest_lines(out) < 1 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = _manifest_lines(out)
    assert 1 <= killed_at < n // 5, "the run should be killed mid-way"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ids = _table(out, "articles").column("id").to_pylist()
    assert len(ids) == len(set(ids)) == n
    assert not list(out.glob("*/*.tmp*"))
    # and once more: nothing to do
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "0 processed" in again.stderr
    assert _table(out, "articles").num_rows == n


def test_dask_two_workers_matches_in_process(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(article(i)) for i in range(12)) + "\n{broken\n")
    local = run_batch([src], tmp_path / "local", analyzers="actors", partition_size=4)
    dist = run_batch(
        [src], tmp_path / "dask", analyzers="actors", partition_size=4, workers=2,
        memory_limit="1.5GB",
    )  # fmt: skip
    assert (dist.analysed, dist.failed) == (local.analysed, local.failed) == (12, 1)
    for kind in ("articles", "actors", "mentions", "failures"):
        a = _table(tmp_path / "local", kind).drop_columns(
            ["partition"] if kind == "articles" else []
        )
        b = _table(tmp_path / "dask", kind).drop_columns(
            ["partition"] if kind == "articles" else []
        )
        assert sorted(map(str, a.to_pylist())) == sorted(map(str, b.to_pylist())), kind


def test_partition_ids_are_deterministic() -> None:
    from framelens.batch.partitions import Skipped, partitions

    items = [Article(text=f"Invented article number {i} about the harbor.") for i in range(7)]
    one = [p.id for p in partitions(items, 3, set(), Skipped())]
    two = [p.id for p in partitions(list(items), 3, set(), Skipped())]
    assert one == two and len(set(one)) == 3
    assert isinstance(Partition(one[0], []), Partition)


def test_kill_9_of_one_dask_worker_still_gives_every_article_once(tmp_path: Path) -> None:
    psutil = pytest.importorskip("psutil")
    src = tmp_path / "in.jsonl"
    n = 40
    src.write_text("\n".join(json.dumps(article(i)) for i in range(n)) + "\n")
    killed: list[int] = []

    def kill_one_worker(_n: int, _result: Any) -> None:
        if killed:
            return
        # LocalCluster's nannies live in this process; its workers are spawned children.
        workers = [
            c
            for c in psutil.Process().children(recursive=True)
            if "spawn_main" in " ".join(c.cmdline())
        ]
        if workers:
            killed.append(workers[0].pid)
            os.kill(workers[0].pid, signal.SIGKILL)

    out = tmp_path / "out"
    result = run_batch(
        [src], out, analyzers="actors", partition_size=4, workers=2, progress=kill_one_worker
    )
    assert killed
    ids = _table(out, "articles").column("id").to_pylist()
    assert len(ids) == len(set(ids)) == n == result.analysed + result.failed


def test_store_option_and_reading_analyses_back(tmp_path: Path) -> None:
    from framelens.batch.stats import read_analyses
    from framelens.corpus import Store

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(article(i)) for i in range(3)) + "\n")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    out = tmp_path / "out"
    run_batch([src], out, analyzers="actors", settings=load_settings(db=url), store=True)
    analyses = read_analyses(out)
    assert len(analyses) == 3
    store = Store(url)
    assert all(store.has_analysis(a.article.id, a.pipeline) for a in analyses)
    one = read_analyses(out, [analyses[0].article.id])
    assert [a.article.id for a in one] == [analyses[0].article.id]


def test_progress_log_lines_without_a_terminal() -> None:
    from framelens.batch.progress import Reporter

    lines: list[str] = []
    with Reporter("batch", 10, stream=io.StringIO(), every=0.0, log=lines.append) as bar:
        bar.advance(4)
        bar.advance(6)
    assert lines and lines[-1].startswith("batch: 10/10 articles") and "articles/s" in lines[-1]
