"""The CLI shell: one line per error, non-zero exits, and the documented commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from framelens.cli import app
from framelens.model import Analysis

from .conftest import EXAMPLES

runner = CliRunner()
GOOD = (
    "The city council voted on Tuesday to close the old bridge after engineers found "
    "cracks in two supports. Mayor Ana Lopez said repairs would take six months."
)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real entry point (so the error handler in main() is exercised)."""
    return subprocess.run(
        [sys.executable, "-m", "framelens.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_analyze_json_then_report_html(tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    res = runner.invoke(
        app,
        [
            "analyze",
            str(EXAMPLES / "sarvan-opinion.html"),
            "--format",
            "json",
            "-o",
            str(out),
            "--analyzers",
            "actors",
        ],
    )
    assert res.exit_code == 0, res.output
    analysis = Analysis.from_json(out.read_text())
    assert list(analysis.pipeline) == ["nlp", "actors"]
    page = tmp_path / "r.html"
    res = runner.invoke(app, ["report", str(out), "--format", "html", "-o", str(page)])
    assert res.exit_code == 0, res.output
    html = page.read_text()
    assert '<article class="text">' in html and "last working hospital" in html


def test_directory_with_bad_files_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(GOOD)
    (tmp_path / "in" / "empty.txt").write_text("")
    (tmp_path / "in" / "pic.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    proc = _cli("analyze", str(tmp_path / "in"), "--format", "json", "-a", "actors")
    assert proc.returncode == 1
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(lines) == 1 and "Lopez" in lines[0]["article"]["text"]
    err = proc.stderr.strip().splitlines()
    assert any("empty.txt" in e and "E101" in e for e in err)
    assert any("pic.html" in e and "E102" in e for e in err)
    assert err[-1] == "1 analysed, 2 failed"
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["analyze", "nope.txt"], "no such file"),
        (["analyze", "{good}", "--format", "pdf"], "unknown format 'pdf'"),
        (["analyze", "{good}", "--analyzers", "actorz"], "unknown analyzer 'actorz'"),
        (["analyze", "{good}", "--set", "max_chars=lots"], "not a valid int"),
        (["report", "{good}"], "is not a framelens analysis"),
        (["db", "show", "abc", "--db", "sqlite:///{tmp}/x.db"], "no stored analysis"),
        (["eval", "no-such-task"], "unknown eval task"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], needle: str) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    args = [a.replace("{good}", str(good)).replace("{tmp}", str(tmp_path)) for a in args]
    proc = _cli(*args)
    assert proc.returncode != 0
    assert needle in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_store_and_db_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    f = tmp_path / "good.txt"
    f.write_text(GOOD)
    for _ in range(2):
        res = runner.invoke(app, ["ingest", str(f), "--db", db, "-a", "actors"])
        assert res.exit_code == 0, res.output
    assert "0 stored, 1 already done" in res.output
    res = runner.invoke(app, ["db", "stats", "--db", db])
    assert "articles=1 analyses=1" in res.output
    res = runner.invoke(app, ["db", "list", "--db", db])
    assert "1 analyses" in res.output
    art_id = res.output.split()[0]
    res = runner.invoke(app, ["db", "show", art_id[:6], "--db", db, "--format", "md"])
    assert res.exit_code == 0 and "Ana Lopez" in res.output


def test_schema_and_config_commands(tmp_path: Path) -> None:
    res = runner.invoke(app, ["schema"])
    schema = json.loads(res.output)
    assert schema["$id"] == "framelens.analysis/1"
    assert {"quotes", "actors", "relations", "techniques", "claims", "contradictions"} <= set(
        schema["properties"]
    )
    (tmp_path / "framelens.toml").write_text("[framelens]\nmax_chars = 1234\n")
    res = runner.invoke(
        app, ["config", "--config", str(tmp_path / "framelens.toml"), "--set", "batch_size=3"]
    )
    assert res.exit_code == 0
    rows = {line.split()[0]: line for line in res.output.splitlines()}
    assert "1234" in rows["max_chars"] and "framelens.toml" in rows["max_chars"]
    assert "3" in rows["batch_size"] and "override" in rows["batch_size"]
    assert "[default]" in rows["min_chars"]
