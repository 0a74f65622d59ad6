"""The README's screenshots of the web app (docs/web-article.png, docs/web-comparison.png).

Stores the demo article (examples/sarvan-opinion.html) and the Tarvik story
(tests/data/story/tarvik.jsonl) in a temporary SQLite store, serves the app on a free
port and photographs the article view (a quote clicked) and the story's comparison with
Debian's chromium (/usr/bin/chromium; Playwright never downloads a browser).

    .venv/bin/python scripts/web_screenshots.py [--out docs]
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn

from framelens import Pipeline, load_settings
from framelens.corpus import Store
from framelens.corpus.stories import define_story
from framelens.ingest import make_article, read_article
from framelens.web import create_app

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(db=f"sqlite:///{Path(tmp) / 'shots.db'}")
        pipeline = Pipeline(settings=settings)
        store = Store(settings.db_url)
        demo = pipeline.analyze(read_article(ROOT / "examples" / "sarvan-opinion.html", settings))
        store.save_analysis(demo)
        ids = []
        for line in (ROOT / "tests" / "data" / "story" / "tarvik.jsonl").read_text().splitlines():
            record = json.loads(line)
            text = record.pop("text")
            analysis = pipeline.analyze(make_article(text, settings, source="tarvik", **record))
            store.save_analysis(analysis)
            ids.append(analysis.article.id)
        rows = [store.get_article(i).model_dump(include={"id", "outlet", "published"}) for i in ids]
        story = define_story("Tarvik market shelling", ids, rows)
        store.save_story(story)

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings, pipeline=pipeline),
                host="127.0.0.1",
                port=port,
                log_level="warning",
            )
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"

        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{base}/articles/{demo.article.id}")
            quote = page.locator("article.text span.q").nth(1)
            quote.scroll_into_view_if_needed()
            quote.click()
            page.locator("#finding").wait_for(state="visible")
            page.evaluate("() => window.scrollTo(0, 0)")
            page.screenshot(path=str(out / "web-article.png"))
            page.goto(f"{base}/stories/{story.id}")
            page.screenshot(path=str(out / "web-comparison.png"))
            browser.close()
        server.should_exit = True
    print(f"wrote {out / 'web-article.png'} and {out / 'web-comparison.png'}")


if __name__ == "__main__":
    main()
