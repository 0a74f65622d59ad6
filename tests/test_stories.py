"""Story grouping: recovers events, deterministic, stored; the CLI; the BASIL eval."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from framelens import NotFound
from framelens.cli import app
from framelens.corpus import Store
from framelens.corpus.stories import (
    StoryInput,
    define_story,
    group_stored,
    group_stories,
    lead_of,
    story_id,
)

from .conftest import ROOT
from .story_data import BRIDGE, LATER, STRIKE, all_analyses

runner = CliRunner()
BASIL = ROOT.parent / "shared" / "datasets" / "basil"


@pytest.fixture(scope="module")
def embedder() -> Any:
    from framelens.nlp.embedder import load_embedder

    return load_embedder("minilm-int8")


def _inputs(rows: list[tuple], dated: bool = True) -> list[StoryInput]:  # type: ignore[type-arg]
    out = []
    for n, (outlet, published, title, text, actors) in enumerate(rows):
        out.append(
            StoryInput(
                id=f"a{n:02d}",
                outlet=outlet,
                title=title,
                lead=lead_of(text),
                published=published if dated else None,
                actors=[a for a, _ in actors],
                actor_names=dict(actors),
            )
        )
    return out


def _partition(stories: list[Any]) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in stories}


EXPECTED = {
    frozenset({"a00", "a01", "a02"}),
    frozenset({"a03", "a04", "a05"}),
    frozenset({"a06"}),
}


def test_grouping_recovers_two_events_on_the_same_days(embedder: Any) -> None:
    records = _inputs(BRIDGE + STRIKE + LATER)
    stories = group_stories(records, embedder=embedder)
    assert _partition(stories) == EXPECTED
    bridge = next(s for s in stories if "a00" in s.articles)
    assert bridge.outlets == ["Coastline Daily", "The Northern Ledger", "Velmora Courier"]
    assert (bridge.since, bridge.until) == ("2025-04-10", "2025-04-11")
    assert bridge.method == "auto" and bridge.id == story_id(["a00", "a01", "a02"])
    assert "Ilse Brandt" in bridge.actors and "Ilse Brandt" in bridge.title
    assert bridge.terms and all(t == t.lower() for t in bridge.terms)
    # a one-article story keeps its article's headline
    assert next(s for s in stories if s.articles == ["a06"]).title == LATER[0][2]


def test_grouping_is_deterministic_and_order_free(embedder: Any) -> None:
    records = _inputs(BRIDGE + STRIKE + LATER)
    first = group_stories(records, embedder=embedder)
    again = group_stories(list(reversed(records)), embedder=embedder)
    assert [s.model_dump() for s in first] == [s.model_dump() for s in again]


def test_undated_articles_group_by_text(embedder: Any) -> None:
    stories = group_stories(_inputs(BRIDGE + STRIKE + LATER, dated=False), embedder=embedder)
    assert _partition(stories) == EXPECTED
    assert all(s.since is None for s in stories)


def test_date_window_keeps_far_apart_articles_apart(embedder: Any) -> None:
    late = [(o, "2025-06-30", t, x, a) for o, _, t, x, a in BRIDGE[2:]]
    stories = group_stories(_inputs(BRIDGE[:2] + late), embedder=embedder, window_days=3)
    assert _partition(stories) == {frozenset({"a00", "a01"}), frozenset({"a02"})}
    wide = group_stories(_inputs(BRIDGE[:2] + late), embedder=embedder, window_days=90)
    assert _partition(wide) == {frozenset({"a00", "a01", "a02"})}


def test_lead_and_ids() -> None:
    text = "First sentence here. Second one follows! A third is left out."
    assert lead_of(text) == "First sentence here. Second one follows!"
    assert len(lead_of("word " * 200, max_chars=50)) == 50
    assert story_id(["b", "a"]) == story_id(["a", "b", "a"]) != story_id(["a", "b"], "manual")
    assert group_stories([], embedder=None) == []


def _store(tmp_path: Path) -> tuple[Store, str]:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    store = Store(url)
    for analysis in all_analyses():
        store.save_analysis(analysis)
    return store, url


def test_stored_grouping_define_and_replace(tmp_path: Path, embedder: Any) -> None:
    store, _ = _store(tmp_path)
    stories = group_stored(store, embedder=embedder)
    assert len(stories) == 3 and sum(len(s.articles) for s in stories) == 7

    # the embeddings were stored: a re-run embeds nothing and gives the same stories
    class CachedOnly:
        name = embedder.name

        def encode(self, texts: list[str]) -> Any:
            raise AssertionError(f"embedded {len(texts)} texts again")

    assert group_stored(store, embedder=CachedOnly()) == stories
    store.replace_auto_stories(stories, [a for s in stories for a in s.articles])
    assert {s.id for s in store.list_stories()} == {s.id for s in stories}
    # the same grouping again replaces, never duplicates
    assert store.replace_auto_stories(stories, [a for s in stories for a in s.articles]) == 0
    assert len(store.list_stories()) == 3
    big = max(stories, key=lambda s: (len(s.articles), s.id))
    assert store.get_story(big.id[:6]) == big
    assert big.id in store.stories_of_article(big.articles[0])
    # a range: only the articles published in it
    april = group_stored(store, embedder=embedder, since="2025-04-01", until="2025-04-30")
    assert sum(len(s.articles) for s in april) == 6

    rows = store.search_articles("Velmora")
    manual = define_story("Velmora this spring", [r["id"] for r in rows], rows)
    store.save_story(manual)
    assert store.get_story(manual.id).method == "manual"
    assert len(store.list_stories(method="manual")) == 1
    with pytest.raises(NotFound, match="no stored story"):
        store.get_story("s-nope")


def test_stories_on_postgresql(pg_url: str, embedder: Any) -> None:
    store = Store(pg_url)
    for analysis in all_analyses():
        store.save_analysis(analysis)
    stories = group_stored(store, embedder=embedder)
    store.replace_auto_stories(stories, [a for s in stories for a in s.articles])
    assert {frozenset(s.articles) for s in store.list_stories()} == {
        frozenset(s.articles) for s in stories
    }
    assert len(stories) == 3


def test_cli_stories_corpus_define_show(tmp_path: Path) -> None:
    store, url = _store(tmp_path)
    res = runner.invoke(app, ["stories", "--db", url, "--format", "json"])
    assert res.exit_code == 0, res.output
    found = json.loads(res.stdout)
    assert sorted(len(s["articles"]) for s in found) == [1, 3, 3]
    res = runner.invoke(app, ["stories", "--db", url])
    assert res.exit_code == 0 and res.stdout.count("\n") == 3
    res = runner.invoke(app, ["stories", "list", "--db", url])
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 3
    big = max(found, key=lambda s: (len(s["articles"]), s["id"]))
    res = runner.invoke(app, ["stories", "show", big["id"][:8], "--db", url])
    assert res.exit_code == 0 and all(a in res.stdout for a in big["articles"])
    res = runner.invoke(app, ["stories", "--db", url, "show", big["id"], "-f", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["articles"] == big["articles"]

    ids = [r["id"] for r in store.search_articles("Karsten")]
    res = runner.invoke(
        app, ["stories", "define", "Karsten strike", ids[0][:8], ids[1], "--db", url]
    )
    assert res.exit_code == 0, res.output
    assert "Karsten strike" in res.stdout and "2 articles" in res.stdout

    res = runner.invoke(app, ["corpus", "list", "--db", url, "--limit", "2", "--offset", "1"])
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 2
    res = runner.invoke(
        app, ["corpus", "search", "bridge", "--db", url, "--since", "2025-04-11", "-f", "json"]
    )
    assert res.exit_code == 0 and json.loads(res.stdout)["total"] == 1
    res = runner.invoke(app, ["corpus", "show", ids[0][:10], "--db", url])
    assert res.exit_code == 0 and "Karsten" in res.stdout


def test_terminal_output_strips_controls(tmp_path: Path) -> None:
    from .story_data import make_analysis

    store, url = _store(tmp_path)
    store.save_analysis(
        make_analysis(
            (
                "Evil\x1b[2J",
                "2025-04-10",
                "Bad\x07 title\nhere",
                "A text long enough to be stored as an article.",
                [],
            )
        )
    )
    res = runner.invoke(app, ["corpus", "list", "--db", url])
    assert res.exit_code == 0 and "\x1b" not in res.stdout and "\x07" not in res.stdout


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "framelens.cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    "args",
    [
        ["stories", "show", "sdeadbeef"],
        ["stories", "define", "X", "nosuchid"],
        ["stories", "--since", "2025-02-30"],
        ["stories", "--until", "yesterday"],
        ["corpus", "list", "--since", "10/04/2025"],
        ["corpus", "list", "--limit", "0"],
        ["corpus", "show", "nosuchid"],
        ["corpus", "search", "x", "--format", "xml"],
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, args: list[str]) -> None:
    _, url = _store(tmp_path)
    res = _cli(*args, "--db", url)
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith("error: E") and res.stderr.count("\n") == 1, res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.skipif(not (BASIL / "articles").is_dir(), reason="BASIL dataset not present")
def test_basil_eval_small(settings: Any) -> None:
    from framelens.eval import EvalRequest, run_eval
    from framelens.eval.basil import read_basil

    items = read_basil(BASIL)
    assert len(items) == 300 and {a.outlet for a in items} == {"fox", "nyt", "hpo"}
    for item in items[:30]:
        assert all(item.text[s.start : s.end] == s.text for s in item.spans if not s.in_title)
    result = run_eval(
        "stories", EvalRequest(data=BASIL, split="held-out", settings=settings, limit=4)
    )
    assert result["articles"] == 12 and result["events"] == 4
    assert -1.0 <= result["ari"] <= 1.0 and result["purity"] >= 0.8
    assert -1.0 <= result["without_dates"]["ari"] <= 1.0
