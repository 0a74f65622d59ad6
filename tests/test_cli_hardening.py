"""Hostile settings, paths, records and terminals: one line and exit 2, never a crash or a leak.

Issue 18, items 3 to 6. Items that need a database password run on PostgreSQL (the
``pg_url`` fixture): SQLite URLs cannot carry one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from framelens import load_settings
from framelens.cli import app
from framelens.config import ConfigError
from framelens.corpus import Store
from framelens.errors import InputError
from framelens.ingest import article_from_html, iter_articles, iter_file
from framelens.model import Analysis, Article, Failure, Span, Technique

runner = CliRunner()

GOOD = (
    "The city council of Brennick voted on Tuesday to close the old river bridge after "
    "engineers found cracks in two supports. Mayor Ana Lopez said repairs would take six months."
)
OTHER = (
    "Nurses at the Halden general hospital began a two-day strike on Wednesday over unpaid "
    "overtime. The health board said emergency care would continue as normal."
)
SECRET = "hunter2-secret"


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real entry point, so that main()'s error handling and exit codes are exercised."""
    return subprocess.run(
        [sys.executable, "-m", "framelens.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def _one_line_exit_2(proc: subprocess.CompletedProcess[str], needle: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert needle in proc.stderr, proc.stderr


def _good_file(tmp_path: Path, name: str = "good.txt", text: str = GOOD) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _analysis_json(tmp_path: Path, **changes: object) -> Path:
    analysis = Analysis(
        article=Article(text=GOOD, title="Bridge closes"),
        pipeline={"nlp": "en_core_web_sm-3.8.0", "techniques": "2"},
        techniques=[Technique(span=Span.of(GOOD, 0, 14), technique="Loaded_Language", score=0.5)],
    )
    data = analysis.to_dict()
    data.update(changes)
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# -- 3. no secrets on screen ---------------------------------------------------------


def test_config_masks_the_database_password() -> None:
    url = f"postgresql+psycopg://ana:{SECRET}@db.example.org/news"
    res = runner.invoke(app, ["config", "--set", f"db={url}"])
    assert res.exit_code == 0, res.output
    assert SECRET not in res.output
    assert "postgresql+psycopg://ana:***@db.example.org/news" in res.output


def test_store_commands_mask_the_database_password(tmp_path: Path, pg_url: str) -> None:
    # The test cluster trusts local users, so any password connects; it must never show.
    url = sa.make_url(pg_url).set(password=SECRET).render_as_string(hide_password=False)
    good = _good_file(tmp_path)
    for args in (
        ["ingest", str(good), "--db", url, "-a", "actors"],
        ["db", "stats", "--db", url],
        ["evidence", "list", "--db", url],
        ["evidence", "add", "wire", str(_good_file(tmp_path, "wire.txt", OTHER)), "--db", url],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, (args, res.output, res.exception)
        assert SECRET not in res.output, args
        assert ":***@" in res.output, (args, res.output)


# -- 4. every bad setting and path: one line, exit 2 ------------------------------------


@pytest.mark.parametrize(
    "setting",
    ["batch_size=0", "batch_size=-3", "max_chars=-5", "min_chars=-1", "claim_threshold=nan"],
)
def test_out_of_range_settings_exit_2(tmp_path: Path, setting: str) -> None:
    proc = _cli("analyze", str(_good_file(tmp_path)), "-a", "actors", "--set", setting)
    _one_line_exit_2(proc, "out of range")
    assert "E200" in proc.stderr and setting.split("=")[0] in proc.stderr


def test_ranges_are_checked_wherever_settings_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "ranges.toml"
    cfg.write_text("[framelens]\nclaim_threshold = 1.5\n")
    with pytest.raises(ConfigError, match=r"claim_threshold.*between 0\.0 and 1\.0"):
        load_settings(cfg)
    monkeypatch.setenv("FRAMELENS_BATCH_SIZE", "0")
    with pytest.raises(ConfigError, match=r"batch_size.*FRAMELENS_BATCH_SIZE"):
        load_settings(None)
    monkeypatch.delenv("FRAMELENS_BATCH_SIZE")
    assert load_settings(None, min_chars="0", claim_threshold="1").claim_threshold == 1.0


def test_paths_that_cannot_be_written_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    folder = tmp_path / "blocker-folder"
    folder.mkdir()
    good = str(_good_file(tmp_path))
    analysis = str(_analysis_json(tmp_path))
    cases = [
        (["analyze", good, "-a", "actors", "-o", f"{blocker}/sub/out.json"], "E109"),
        (["analyze", good, "-a", "actors", "-o", f"{blocker}/sub/"], "E109"),
        (["report", analysis, "-o", f"{blocker}/report.html"], "E109"),
        (["report", analysis, "-o", str(folder)], "E109"),  # a folder, not a file
        (["evidence", "add", "wire", good, "--db", f"sqlite:///{blocker}/sub/e.db"], "E400"),
        (["db", "stats", "--db", f"sqlite:///{blocker}/x.db"], "E400"),
        (["ingest", good, "--db", f"sqlite:///{blocker}/x.db"], "E400"),
    ]
    for args, code in cases:
        proc = _cli(*args)
        _one_line_exit_2(proc, code)
        assert "blocker" in proc.stderr


def test_output_folder_with_trailing_slash_is_created(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _good_file(src, "a.txt")
    _good_file(src, "b.txt", OTHER)
    out = tmp_path / "new" / "pages"
    res = runner.invoke(app, ["analyze", str(src), "-a", "actors", "-f", "html", "-o", f"{out}/"])
    assert res.exit_code == 0, (res.output, res.exception)
    assert out.is_dir() and len(list(out.glob("*.html"))) == 2
    # One article, -o DIR/: one file inside the new folder, not a file named DIR.
    one = tmp_path / "single"
    res = runner.invoke(app, ["analyze", str(src / "a.txt"), "-a", "actors", "-o", f"{one}/"])
    assert res.exit_code == 0, (res.output, res.exception)
    assert one.is_dir() and len(list(one.glob("*.txt"))) == 1


def test_bad_embedder_path_exits_2(tmp_path: Path) -> None:
    proc = _cli("analyze", str(_good_file(tmp_path)), "--set", f"embedder={tmp_path}/no/such/model")
    _one_line_exit_2(proc, "E300")
    assert "does not exist" in proc.stderr


# -- 5. output channels are hostile too ------------------------------------------------


def test_markdown_escapes_technique_names_and_pipeline(tmp_path: Path) -> None:
    src = _analysis_json(
        tmp_path,
        pipeline={"<script>k()</script>": "<img src=x onerror=alert(1)>", "nlp": "x"},
        techniques=[
            {
                "span": {"start": 0, "end": 14, "text": GOOD[:14]},
                "technique": "<script>alert(1)</script>",
                "score": 0.5,
                "analyzer": "techniques.v2",
            }
        ],
    )
    res = runner.invoke(app, ["report", str(src), "-f", "md"])
    assert res.exit_code == 0, (res.output, res.exception)
    assert "<script" not in res.output and "<img" not in res.output
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in res.output
    assert "&lt;img src=x onerror=alert(1)&gt;" in res.output


def _hostile_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps(
            {
                "text": GOOD,
                "title": "Bridge\x1b[2J\x1b]0;owned\x07 closes\rFAKE",
                "author": "Ana\x1b[31m Reporter",
                "outlet": "Brennick\x07 Herald\x9b",
            }
        )
        + "\n"
        + json.dumps({"text": OTHER, "title": "Strike\x08\x08\x08 begins"})
        + "\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("control", ["\x1b", "\x07", "\r", "\x08", "\x9b"])
def test_terminal_output_has_no_control_characters(tmp_path: Path, control: str) -> None:
    feed = _hostile_jsonl(tmp_path)
    db = f"sqlite:///{tmp_path / 'c.db'}"
    res = runner.invoke(app, ["analyze", str(feed), "-a", "actors", "-f", "text"])
    assert res.exit_code == 0, (res.output, res.exception)
    assert "Bridge" in res.output and "Brennick" in res.output
    assert control not in res.output
    res = runner.invoke(app, ["ingest", str(feed), "--db", db, "-a", "actors"])
    assert res.exit_code == 0, (res.output, res.exception)
    res = runner.invoke(app, ["db", "list", "--db", db])
    assert res.exit_code == 0 and "Bridge" in res.output
    assert control not in res.output


def test_report_refuses_unknown_schema_and_stray_spans(tmp_path: Path) -> None:
    proc = _cli("report", str(_analysis_json(tmp_path, schema="framelens.analysis/999")))
    _one_line_exit_2(proc, "framelens.analysis/999")
    assert "E108" in proc.stderr
    stray = {"start": 5000, "end": 5010, "text": "0123456789"}
    bad = [{"span": stray, "technique": "Doubt", "score": 0.5, "analyzer": "techniques.v2"}]
    proc = _cli("report", str(_analysis_json(tmp_path, techniques=bad)), "-f", "md")
    _one_line_exit_2(proc, "outside the article text")
    moved = [
        {
            "span": {"start": 0, "end": 6, "text": "Hello!"},
            "technique": "Doubt",
            "score": 0.5,
            "analyzer": "techniques.v2",
        }
    ]
    proc = _cli("report", str(_analysis_json(tmp_path, techniques=moved)))
    _one_line_exit_2(proc, "does not match the article text")


# -- 6. honest messages ------------------------------------------------------------------

BODY = (
    "Harbour officials in Velmont closed the north pier on Monday after divers found a crack "
    "in its main pillar. Port director Ines Corbaz said repairs would take three weeks, and "
    "ferries would use the south quay until then."
)


def _nested(depth: int, tag: str = "div") -> str:
    return (
        "<html><head><title>Pier closes</title></head><body><article>"
        + f"<{tag}>" * depth
        + f"<p>{BODY}</p>"
        + f"</{tag}>" * depth
        + "</article></body></html>"
    )


@pytest.mark.parametrize(
    ("depth", "tag"),
    # 300: past libxml2's default limit; 1500: within its huge-tree limit; 4000: past that
    # too; lists 900 deep: trafilatura recurses per list level and hits Python's limit.
    [(300, "div"), (1500, "div"), (4000, "span"), (900, "ul><li")],
)
def test_deeply_nested_html_keeps_its_text(depth: int, tag: str) -> None:
    article = article_from_html(_nested(depth, tag), load_settings(None), source="deep.html")
    assert "Port director Ines Corbaz" in article.text


def test_html_text_out_of_reach_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    from framelens.ingest import htmltree

    monkeypatch.setattr(htmltree, "_flatten", lambda html: html)  # as if flattening failed
    with pytest.raises(InputError, match="more than 2048 deep"):
        article_from_html(_nested(4000), load_settings(None), source="deep.html")


def test_jsonl_field_of_wrong_type_is_named(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": 5}\n{"html": ["<p>x</p>"]}\n{"title": "no body"}\n')
    failures = [f for f in iter_file(feed, load_settings(None)) if isinstance(f, Failure)]
    assert len(failures) == 3
    assert "'text' field of the wrong type: a JSON number" in failures[0].message
    assert "'html' field of the wrong type: a JSON array" in failures[1].message
    assert "has no 'text' or 'html' field" in failures[2].message


def test_json_nested_too_deep_is_one_failure(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "deep.json").write_text(deep)
    (tmp_path / "deep.jsonl").write_text(f'{{"text": {deep}}}\n')
    for name in ("deep.json", "deep.jsonl"):
        (failure,) = iter_file(tmp_path / name, load_settings(None))
        assert isinstance(failure, Failure) and "too deep" in failure.message


def test_skipped_files_are_listed_with_the_reason(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    _good_file(src / "sub", "a.txt")
    _good_file(src, "..txt", OTHER)
    (src / "x.txt").symlink_to("y.txt")
    (src / "y.txt").symlink_to("x.txt")
    (src / "sub" / "up").symlink_to("..")  # a folder link back to where it lives
    (src / ".DS_Store").write_bytes(b"\x00\x01")  # hidden, never an article: quiet
    items = list(iter_articles([src], load_settings(None)))
    articles = [i for i in items if isinstance(i, Article)]
    skipped = {Path(i.source).name: i.message for i in items if isinstance(i, Failure)}
    assert len(articles) == 1
    assert set(skipped) == {"..txt", "x.txt", "y.txt", "up"}
    assert "hidden file" in skipped["..txt"]
    assert "loop" in skipped["x.txt"] and "loop" in skipped["up"]


def test_rerun_replaces_failure_records(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _good_file(src, "good.txt")
    (src / "empty.txt").write_text("")
    (src / "short.txt").write_text("Too short.")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    for _ in range(3):
        runner.invoke(app, ["ingest", str(src), "--db", db, "-a", "actors"])
        assert Store(db).stats()["failures"] == 2
    # Fixed and retried: its failure record goes.
    _good_file(src, "short.txt", OTHER)
    res = runner.invoke(app, ["ingest", str(src), "--db", db, "-a", "actors"])
    assert "1 stored, 1 already done, 1 failed" in res.output
    assert Store(db).stats()["failures"] == 1


def test_a_full_output_device_is_one_line_and_exit_2(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        r = subprocess.run(
            [sys.executable, "-m", "framelens.cli", "config"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
    assert r.returncode == 2, r.stderr
    assert "No space left" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
