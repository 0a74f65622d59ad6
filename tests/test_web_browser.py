"""End to end in a real browser: Playwright for Python driving Debian's Chromium.

The server runs in a thread (uvicorn on 127.0.0.1 and a free port). Skipped, with the
reason, when /usr/bin/chromium is absent, except in CI (CI=true), where that fails: CI must
not pass by skipping the browser. Screenshots go under the test's tmp dir.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from framelens import Pipeline
from framelens.config import load_settings
from framelens.corpus import Store
from framelens.corpus.stories import define_story
from framelens.ingest import make_article
from framelens.web import create_app

from .web_data import FERRY, IMG, SCRIPT, hostile_article, make_hostile

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TARVIK = Path(__file__).resolve().parent / "data" / "story" / "tarvik.jsonl"

pytestmark = pytest.mark.slow


def _require_browser() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                f"{CHROMIUM} is missing in CI; .ci/run installs it (apt-get install chromium)"
            )
        pytest.skip(f"no browser: {CHROMIUM} is absent (apt-get install -y chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A live server over a store holding the Tarvik story and a hostile article."""
    _require_browser()
    import uvicorn

    settings = load_settings(
        config_file=None, db=f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}"
    )
    pipeline = Pipeline(settings=settings)
    store = Store(settings.db_url)
    ids = []
    for line in TARVIK.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = record.pop("text")
        analysis = pipeline.analyze(make_article(text, settings, source="tarvik", **record))
        store.save_analysis(analysis)
        ids.append(analysis.article.id)
    rows = [store.get_article(i).model_dump(include={"id", "outlet", "published"}) for i in ids]
    story = define_story("Tarvik market shelling", ids, rows)
    store.save_story(story)
    fields = hostile_article()
    hostile = make_hostile(pipeline.analyze(make_article(fields.pop("text"), settings, **fields)))
    store.save_analysis(hostile)
    hostile_story = define_story(
        "<script>window.__xss=5</script>",
        [hostile.article.id, ids[0]],
        [
            store.get_article(i).model_dump(include={"id", "outlet", "published"})
            for i in (hostile.article.id, ids[0])
        ],
    )
    store.save_story(hostile_story)
    from framelens.evidence.index import EvidenceIndex

    EvidenceIndex(store, settings).add_text(
        "hostile",
        f"{SCRIPT} Repairs to the ferry terminal would cost 2 million euros.",
        name=IMG,
        title=SCRIPT,
    )

    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, pipeline=pipeline), host="127.0.0.1", port=port, log_level="warning"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield {
        "url": f"http://127.0.0.1:{port}",
        "story": story.id,
        "hostile": hostile.article.id,
        "hostile_story": hostile_story.id,
    }
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(server: dict[str, Any]) -> Iterator[Any]:
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    p.set_default_timeout(60_000)
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    p.dialogs = dialogs  # type: ignore[attr-defined]
    yield p
    context.close()


def test_paste_an_article_and_read_it(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["url"] + "/")
    page.fill("#text", FERRY["text"])
    page.fill("#title", FERRY["title"])
    page.fill("#outlet", FERRY["outlet"])
    page.click("#analyze-btn")
    page.wait_for_url("**/articles/*")
    page.wait_for_selector("article.text span.q")
    assert page.inner_text("header h1") == FERRY["title"]

    # A layer off and on again: the quote highlight's background follows the toggle.
    quote = page.locator("article.text span.q.spk-0, article.text span.q").first
    on = quote.evaluate("e => getComputedStyle(e).backgroundColor")
    page.click("label[for=t-quotes]")
    assert not page.is_checked("#t-quotes")
    off = quote.evaluate("e => getComputedStyle(e).backgroundColor")
    assert on != off
    page.click("label[for=t-quotes]")
    assert page.is_checked("#t-quotes")
    assert quote.evaluate("e => getComputedStyle(e).backgroundColor") == on

    # Click a quote: the finding panel names its speaker.
    spoken = page.locator("article.text span.q", has_text="pouring money").first
    spoken.click()
    panel = page.locator("#finding")
    panel.wait_for(state="visible")
    assert "Lorne" in panel.inner_text()
    assert "speaker" in panel.inner_text()
    page.screenshot(path=str(tmp_path / "article.png"), full_page=False)
    assert not page.dialogs  # type: ignore[attr-defined]


def test_story_comparison_links_back(page: Any, server: dict[str, Any], tmp_path: Path) -> None:
    page.goto(server["url"] + "/stories")
    page.click(f"a[href='/stories/{server['story']}']")
    page.wait_for_selector("text=What each outlet calls each party")
    assert page.locator("svg").count() >= 1
    page.screenshot(path=str(tmp_path / "comparison.png"), full_page=False)
    link = page.locator("a.span-link").first
    if link.count():
        link.click()
        page.wait_for_selector("article.text")
        assert page.evaluate("() => String(window.getSelection())")  # the cited span selected


def test_hostile_article_never_executes(page: Any, server: dict[str, Any]) -> None:
    paths = [
        "/",
        "/articles",
        f"/articles/{server['hostile']}",
        "/stories",
        f"/stories/{server['hostile_story']}",
        "/evidence",
    ]
    for path in paths:
        page.goto(server["url"] + path)
        page.wait_for_load_state("load")
        # Click every highlight of the article view: the panel shows speakers and names.
        if path.startswith("/articles/"):
            spans = page.locator("article.text span[title]")
            for i in range(min(spans.count(), 40)):
                spans.nth(i).click()
            page.wait_for_timeout(300)
            assert "<script>" in page.inner_text("header h1")  # shown as text
        assert page.evaluate("() => typeof window.__xss") == "undefined", path
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_upload_job_progress_survives_reload(page: Any, server: dict[str, Any]) -> None:
    page.goto(server["url"] + "/")
    good = {"name": "ferry.txt", "mimeType": "text/plain", "buffer": FERRY["text"].encode()}
    bad = {"name": "photo.txt", "mimeType": "text/plain", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00"}
    page.set_input_files("#files", [good, bad])
    page.click("#analyze-btn")
    page.wait_for_url("**/?job=*")
    page.wait_for_selector("#job-text:has-text('finished')")
    page.reload()
    page.wait_for_selector("#job-text:has-text('finished')")
    assert "1 of 2 analysed, 1 failed" in page.inner_text("#job-text")
    assert "photo.txt" in page.inner_text("#job-failed")
    assert page.locator("#job-articles a").count() == 1
