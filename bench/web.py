"""Web latency: the article page and ``POST /api/analyze`` for the demo article.

Starts the app with uvicorn on 127.0.0.1 and a free port (a temporary SQLite store), warms
it up (models load on the first analysis), then times ``--n`` requests of each over real
HTTP and prints the median and p95 in milliseconds.

    python bench/web.py [--n 50] [--article examples/sarvan-opinion.html]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from framelens import load_settings
from framelens.ingest import read_article
from framelens.web import create_app

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50, help="requests per endpoint")
    ap.add_argument("--article", default=str(ROOT / "examples" / "sarvan-opinion.html"))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.pop("FRAMELENS_DB", None)
        settings = load_settings(db=f"sqlite:///{Path(tmp) / 'bench.db'}")
        article = read_article(args.article, settings)
        payload = {
            k: v
            for k, v in article.model_dump(
                include={"text", "title", "author", "outlet", "published", "url"}
            ).items()
            if v
        }
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=120) as client:
            first = client.post("/api/analyze", json=payload)  # loads the models
            first.raise_for_status()
            article_id = first.json()["article"]["id"]
            client.get(f"/articles/{article_id}").raise_for_status()
            rows = []
            for name, call in (
                ("GET /articles/{id}", lambda: client.get(f"/articles/{article_id}")),
                ("POST /api/analyze", lambda: client.post("/api/analyze", json=payload)),
            ):
                times = []
                for _ in range(args.n):
                    start = time.perf_counter()
                    call().raise_for_status()
                    times.append((time.perf_counter() - start) * 1000)
                rows.append((name, statistics.median(times), _p95(times)))
        server.should_exit = True
        thread.join(timeout=10)
    words = len(article.text.split())
    print(f"web latency, demo article ({words} words), {args.n} requests each, one client")
    print(f"{'endpoint':<22} {'median ms':>10} {'p95 ms':>10}")
    for name, med, p95 in rows:
        print(f"{name:<22} {med:>10.1f} {p95:>10.1f}")


if __name__ == "__main__":
    main()
