"""Progress on long commands: plain lines without a terminal, a Rich bar on one."""

from __future__ import annotations

import io
import re
from pathlib import Path

from typer.testing import CliRunner

from framelens.batch.progress import Reporter, track
from framelens.cli import app

from .ecosystem_data import FLOOD, SCHOOLS, STRIKE

runner = CliRunner()
ANSI = re.compile(r"\x1b\[")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_track_yields_everything_and_ends_with_one_plain_line() -> None:
    lines: list[str] = []
    out = list(track(iter("abcde"), "eval quotes", 5, unit="documents", log=lines.append))
    assert out == list("abcde")
    assert len(lines) == 1  # short work: no periodic line, just the final one
    assert re.fullmatch(
        r"eval quotes: 5/5 documents, [\d.]+ documents/s, [\d.]+s in all", lines[0]
    ), lines


def test_periodic_lines_carry_rate_and_eta() -> None:
    lines: list[str] = []
    with Reporter("ingest", 4, stream=io.StringIO(), every=0.0, log=lines.append) as bar:
        bar.advance(1)
        bar.advance(1)
    assert lines[0].startswith("ingest: 1/4 articles, ") and "articles/s, ETA" in lines[0]
    assert lines[-1].startswith("ingest: 2/4 articles") and lines[-1].endswith("s in all")


def test_an_error_leaves_no_progress_line() -> None:
    lines: list[str] = []
    try:
        with Reporter("ingest", 3, stream=io.StringIO(), log=lines.append) as bar:
            bar.advance()
            raise RuntimeError("store went away")
    except RuntimeError:
        pass
    assert lines == []  # the error's own line says it, alone


def test_a_terminal_gets_a_rich_bar_with_rate_and_eta() -> None:
    stream = _Terminal()
    with Reporter("evidence add", 3, stream=stream, unit="documents") as bar:
        assert bar.rich
        for _ in range(3):
            bar.advance()
    shown = stream.getvalue()
    assert "evidence add" in shown and "3/3" in shown
    assert "documents/s" in shown and "ETA" in shown


def _articles(folder: Path) -> Path:
    folder.mkdir()
    for name, text in (("flood.txt", FLOOD), ("strike.txt", STRIKE), ("schools.txt", SCHOOLS)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_ingest_of_a_directory_reports_progress_in_plain_lines(tmp_path: Path) -> None:
    folder = _articles(tmp_path / "in")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    res = runner.invoke(app, ["ingest", str(folder), "--db", db, "-a", "actors"])
    assert res.exit_code == 0, res.output
    assert not ANSI.search(res.output)  # not a terminal: no bar, no escapes
    assert re.search(r"^ingest: 3/3 articles, [\d.]+ articles/s, [\d.]+s in all$", res.output, re.M)
    assert "3 stored, 0 already done, 0 failed" in res.output


def test_evidence_add_reports_progress_in_plain_lines(tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "authority.txt").write_text(
        "The regional water authority inspected the Vennmark dam on 14 March and found no "
        "structural faults. Its report notes that the spillway gates were tested at full load.",
        encoding="utf-8",
    )
    (folder / "council.txt").write_text(
        "Minutes of the Lindholm council, Sunday session: the mayor said the river level was "
        "within normal range and that no evacuation was planned for the lower districts.",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'e.db'}"
    res = runner.invoke(app, ["evidence", "add", "floods", str(folder), "--db", db])
    assert res.exit_code == 0, res.output
    assert not ANSI.search(res.output)
    assert re.search(r"^evidence add: 2/2 documents, [\d.]+ documents/s", res.output, re.M)
    assert "added authority.txt" in res.output and "2 added, 0 already there" in res.output


def _polnear(folder: Path) -> Path:
    """A two-article dataset in PolNeAR's layout (canonical table, text and brat files)."""
    folder.mkdir()
    rows = ["compartment\ttext_path\tcanonical_ann_path\tfilename"]
    for name, text in (("strike", STRIKE), ("schools", SCHOOLS)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        quote = text.index('"')
        end = text.index('"', quote + 1) + 1
        cue = text.index("said", end)
        source = cue + len("said ")
        source_end = text.index(",", source)
        ann = (
            f"T1\tSource {source} {source_end}\t{text[source:source_end]}\n"
            f"T2\tCue {cue} {cue + 4}\tsaid\n"
            f"T3\tContent {quote} {end}\t{text[quote:end]}\n"
            "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
        )
        (folder / f"{name}.ann").write_text(ann, encoding="utf-8")
        rows.append(f"dev\t{name}.txt\t{name}.ann\t{name}")
    (folder / "canonical_annotations.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_eval_reports_progress_in_plain_lines(tmp_path: Path) -> None:
    data = _polnear(tmp_path / "polnear")
    res = runner.invoke(app, ["eval", "quotes", "--data", str(data), "--split", "dev"])
    assert res.exit_code == 0, res.output
    assert not ANSI.search(res.output)
    assert re.search(r"^eval quotes: 2/2 documents, [\d.]+ documents/s", res.output, re.M)
    recall = re.search(r"^all\.content_overlap\.r\s+([\d.]+)$", res.output, re.M)
    assert recall is not None and float(recall.group(1)) == 1.0  # both quotes found
