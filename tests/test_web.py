"""The web app in-process (FastAPI TestClient): every route, every error, the security
headers, hostile articles escaped on every page, and the store on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from framelens import Pipeline
from framelens.config import load_settings
from framelens.corpus import Store
from framelens.corpus.stories import define_story
from framelens.errors import ConfigError, InputError
from framelens.model import Analysis
from framelens.web import create_app
from framelens.web.fetch import check_public, fetch_url
from framelens.web.uploads import sniff

from .web_data import ATTACKS, FERRY, hostile_article, make_hostile

HTML_ACCEPT = {"accept": "text/html"}

SECOND = {
    "title": "Elm Island ferry to stop as Darnby shuts terminal",
    "outlet": "Island Voice",
    "published": "2025-03-05",
    "text": (
        "Elm Island will lose its ferry in September after the Darnby council voted to shut "
        "the old terminal. Councillor Piet Varga said the council had ignored an engineering "
        'report on the repairs. "This council has sold out the island to save a few euros," '
        "Varga said. Mayor Edda Lorne said the dock floods every winter and the town cannot "
        "pay for it. Elm Crossings will lay off 40 staff."
    ),
}

EVIDENCE = (
    "Darnby harbour engineering report, January 2025.\n\n"
    "The survey of the ferry terminal found that the north dock floods in most winters. "
    "The engineers estimated the cost of repairs to the terminal at 2 million euros. "
    "A full rebuild of the dock would cost 9 million euros.\n\n"
    "The report recommends repairs over the next two summers."
)


@pytest.fixture(scope="module")
def shared_pipeline() -> Pipeline:
    return Pipeline(settings=load_settings(config_file=None))


def make_client(url: str, pipeline: Pipeline, **kwargs: Any) -> TestClient:
    settings = load_settings(config_file=None, db=url, **kwargs.pop("settings", {}))
    return TestClient(create_app(settings, pipeline=pipeline, **kwargs))


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"


@pytest.fixture(scope="module")
def client(db_url: str, shared_pipeline: Pipeline) -> Iterator[TestClient]:
    with make_client(db_url, shared_pipeline) as c:
        yield c


@pytest.fixture(scope="module")
def ferry(client: TestClient) -> dict[str, Any]:
    r = client.post("/api/analyze", json=FERRY)
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.fixture(scope="module")
def hostile_id(client: TestClient, db_url: str, shared_pipeline: Pipeline) -> str:
    fields = hostile_article()
    from framelens.ingest import make_article

    text = fields.pop("text")
    article = make_article(text, shared_pipeline.settings, source="<test>", **fields)
    analysis = make_hostile(shared_pipeline.analyze(article))
    assert any(q.speaker for q in analysis.quotes), "the hostile article needs a quote speaker"
    Store(db_url).save_analysis(analysis)
    return analysis.article.id


@pytest.fixture(scope="module")
def story_id(client: TestClient, ferry: dict[str, Any], hostile_id: str, db_url: str) -> str:
    second = client.post("/api/analyze", json=SECOND)
    assert second.status_code == 201, second.text
    store = Store(db_url)
    ids = [ferry["article"]["id"], second.json()["article"]["id"], hostile_id]
    rows = [store.get_article(i).model_dump(include={"id", "outlet", "published"}) for i in ids]
    story = define_story(f"Darnby ferry {ATTACKS[0]}", ids, rows)
    store.save_story(story)
    return story.id


def error_of(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["ok"] is False
    assert set(body["error"]) == {"code", "message", "fix"}
    if code:
        assert body["error"]["code"] == code, body
    return dict(body["error"])


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_escaped(html: str) -> None:
    """No attack survives as markup: no inline script, no event handler, no img or iframe from
    the data, no javascript: link."""
    for attack in ATTACKS[:3]:
        assert attack not in html
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        if tag == "script":
            assert attrs == {"src": "/static/app.js", "defer": None}, attrs
        assert tag not in ("img", "iframe", "object", "embed"), (tag, attrs)
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:")


# ---- analyze, article view, permalink --------------------------------------------


def test_analyze_stores_and_returns_the_analysis(client: TestClient, ferry: dict[str, Any]) -> None:
    assert ferry["schema"] == "framelens.analysis/1"
    art = ferry["article"]
    assert art["title"] == FERRY["title"] and art["outlet"] == FERRY["outlet"]
    assert ferry["quotes"] and ferry["actors"]
    got = client.get(f"/api/articles/{art['id']}")
    assert got.status_code == 200
    assert got.json()["article"]["id"] == art["id"]
    dl = client.get(f"/api/articles/{art['id']}?download=1")
    assert "attachment" in dl.headers["content-disposition"]
    assert json.loads(dl.content)["schema"] == "framelens.analysis/1"


def test_article_view_reuses_the_report_templates(
    client: TestClient, ferry: dict[str, Any]
) -> None:
    aid = ferry["article"]["id"]
    r = client.get(f"/articles/{aid}")
    assert r.status_code == 200
    html = r.text
    for layer in (
        "t-actors",
        "t-labels",
        "t-quotes",
        "t-scare",
        "t-techniques",
        "t-claims",
        "t-contra",
    ):
        assert f'id="{layer}"' in html
    assert 'data-quote="' in html and 'id="finding"' in html
    assert 'id="actors"' in html and 'id="quotes"' in html  # side panels of the report
    assert f'href="/api/articles/{aid}?download=1"' in html and f'href="/articles/{aid}"' in html
    assert client.get(f"/articles/{aid[:8]}").status_code == 200  # a unique prefix works
    assert_escaped(html)


def test_pages_and_security_headers(client: TestClient, ferry: dict[str, Any]) -> None:
    for path in ("/", "/articles", "/stories", "/evidence", f"/articles/{ferry['article']['id']}"):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert (
            "script-src 'self'" in csp
            and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        )
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")
    home = client.get("/").text
    assert f"/articles/{ferry['article']['id']}" in home  # recently stored


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for p in (
        "/api/analyze",
        "/api/analyze/files",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/stories",
        "/api/compare/{story_id}",
        "/api/jobs/{job_id}",
        "/api/evidence",
        "/api/evidence/{collection}/documents",
        "/api/evidence/{collection}/check",
    ):
        assert p in paths, p
    assert client.get("/api/docs").status_code == 200


def test_form_post_without_javascript(client: TestClient, ferry: dict[str, Any]) -> None:
    r = client.post(
        "/analyze", data={"text": FERRY["text"], "outlet": FERRY["outlet"]}, follow_redirects=False
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/articles/{ferry['article']['id']}"


# ---- corpus -----------------------------------------------------------------------


def test_corpus_search_filter_and_paging(
    client: TestClient, ferry: dict[str, Any], story_id: str
) -> None:
    aid = ferry["article"]["id"]
    found = client.get("/api/articles", params={"q": "ferry terminal"}).json()
    assert aid in [a["id"] for a in found["articles"]]
    assert client.get("/api/articles", params={"q": "zeppelin"}).json()["articles"] == []
    by_outlet = client.get("/api/articles", params={"outlet": FERRY["outlet"]}).json()
    assert [a["id"] for a in by_outlet["articles"]] == [aid]
    dated = client.get("/api/articles", params={"since": "2025-03-04", "until": "2025-03-04"})
    assert aid in [a["id"] for a in dated.json()["articles"]]
    assert client.get("/api/articles", params={"actor": "Edda Lorne"}).json()["articles"]
    one = client.get("/api/articles", params={"limit": 1}).json()
    assert len(one["articles"]) == 1 and one["next_offset"] == 1
    page = client.get("/articles", params={"q": "ferry"})
    assert page.status_code == 200 and f"/articles/{aid}" in page.text
    error_of(client.get("/api/articles", params={"since": "March"}), 400, "E107")
    error_of(client.get("/api/articles", params={"limit": 0}), 422, "E422")


# ---- errors -----------------------------------------------------------------------


def test_errors_have_one_shape(client: TestClient) -> None:
    error_of(client.get("/api/articles/0000000000"), 404, "E404")
    error_of(client.get("/api/articles/not-an-id"), 404, "E404")
    error_of(client.get("/api/nope"), 404, "E404")
    error_of(client.post("/api/analyze", json={"title": "no text"}), 422, "E422")
    error_of(
        client.post(
            "/api/analyze", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
    )
    error_of(client.post("/api/analyze", json={"text": "   "}), 400, "E101")
    error_of(client.post("/api/analyze", json={"text": "Too short."}), 400, "E101")
    german = (
        "Der Gemeinderat hat am Dienstag beschlossen, das alte Fährterminal zu schließen, "
        "und die Bürgermeisterin sagte, es sei notwendig."
    )
    error_of(client.post("/api/analyze", json={"text": german}), 400, "E110")
    error_of(client.delete("/api/analyze"), 405, "E405")
    error_of(client.get("/api/jobs/nope"), 404, "E404")
    error_of(client.get("/api/compare/nope"), 404, "E404")
    error_of(client.post("/api/analyze/url", json={"url": "https://example.org/"}), 400, "E210")
    # Pages answer the same error as an HTML page with the same status.
    page = client.get("/articles/0000000000", headers=HTML_ACCEPT)
    assert (
        page.status_code == 404
        and "E404" in page.text
        and page.headers["content-type"].startswith("text/html")
    )
    assert client.get("/no/such/page", headers=HTML_ACCEPT).status_code == 404


def test_request_size_limit_is_a_clear_413(db_url: str, shared_pipeline: Pipeline) -> None:
    with make_client(db_url, shared_pipeline, max_request_bytes=2000) as small:
        err = error_of(small.post("/api/analyze", json={"text": "x" * 5000}), 413, "E413")
        assert "limit" in err["message"]
        files = {"files": ("big.txt", b"y" * 5000, "text/plain")}
        error_of(small.post("/api/analyze/files", files=files), 413, "E413")


def test_token_and_origin_guard_writes(db_url: str, shared_pipeline: Pipeline) -> None:
    with make_client(db_url, shared_pipeline, token="s3cret") as guarded:
        error_of(guarded.post("/api/analyze", json={"text": FERRY["text"]}), 401, "E401")
        bad = {"authorization": "Bearer nope"}
        error_of(guarded.post("/api/analyze", json={}, headers=bad), 401, "E401")
        ok = {"authorization": "Bearer s3cret"}
        error_of(guarded.post("/api/analyze", json={}, headers=ok), 422)  # past the token
        assert guarded.get("/api/articles").status_code == 200  # reads need no token
        assert 'id="token"' in guarded.get("/").text
    foreign = {"origin": "https://evil.example"}
    with make_client(db_url, shared_pipeline) as local:
        error_of(local.post("/api/analyze", json={}, headers=foreign), 403, "E403")


def test_serve_refuses_a_public_host_without_token() -> None:
    from typer.testing import CliRunner

    from framelens.cli import app

    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert isinstance(result.exception, ConfigError)
    assert "FRAMELENS_TOKEN" in str(result.exception)


# ---- uploads and jobs ---------------------------------------------------------------


def wait_job(client: TestClient, job_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()["job"]
        if job["state"] == "finished":
            return dict(job)
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def test_upload_many_files_as_a_job(client: TestClient) -> None:
    html = (
        "<!doctype html><html><head><title>Ferry workers protest in Darnby</title></head><body>"
        "<article><h1>Ferry workers protest in Darnby</h1><p>About two hundred ferry workers "
        "marched through Darnby on Saturday against the closure of the old terminal. Union "
        'leader Tomas Brek said the council had given them no warning.</p><p>"We learned '
        'about it from the radio," Brek said.</p></article></body></html>'
    )
    jsonl = "\n".join(
        [
            json.dumps({"text": SECOND["text"], "outlet": "Wire Copy", "title": "Ferry to stop"}),
            "{broken json",
        ]
    )
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    files = [
        ("files", ("page.txt", html.encode(), "text/plain")),  # HTML, whatever the name says
        ("files", ("batch.dat", jsonl.encode(), "application/octet-stream")),
        ("files", ("photo.txt", png, "text/plain")),  # binary named .txt: refused by content
        ("files", ("empty.txt", b"", "text/plain")),
    ]
    r = client.post("/api/analyze/files", files=files)
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["job"]["id"])
    assert job["done"] == 2, job
    titles = {a["title"] for a in job["articles"]}
    assert "Ferry workers protest in Darnby" in titles
    failed = {f["source"]: f for f in job["failed"]}
    assert set(failed) == {"batch.dat:2", "photo.txt", "empty.txt"}, failed
    assert all(f["message"] and f["code"] for f in failed.values())
    assert "/tmp" not in json.dumps(job["failed"])  # temporary paths never leak
    assert client.get(f"/?job={job['id']}").status_code == 200


def test_upload_over_max_bytes_is_listed_as_failed(db_url: str, shared_pipeline: Pipeline) -> None:
    with make_client(db_url, shared_pipeline, settings={"max_bytes": 200}) as small:
        files = {"files": ("long.txt", ("word " * 100).encode(), "text/plain")}
        job = wait_job(small, small.post("/api/analyze/files", files=files).json()["job"]["id"])
        assert job["failed"][0]["code"] == "E104"


def test_sniff_reads_content_not_names() -> None:
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(b"  <!DOCTYPE html><html>") == "html"
    assert sniff(b'{"text": "x"}\n') == "jsonl"
    assert sniff(b"Plain words about <b>things</b>.") == "text"


# ---- stories and comparison -------------------------------------------------------


def test_stories_and_comparison(client: TestClient, story_id: str, ferry: dict[str, Any]) -> None:
    listed = client.get("/api/stories").json()["stories"]
    assert story_id in [s["id"] for s in listed]
    page = client.get("/stories")
    assert page.status_code == 200 and f"/stories/{story_id}" in page.text
    assert_escaped(page.text)
    comp = client.get(f"/api/compare/{story_id}").json()
    assert comp["schema"].startswith("framelens.comparison/")
    assert len(comp["outlets"]) == 3
    view = client.get(f"/stories/{story_id}")
    assert view.status_code == 200
    assert f'href="/articles/{ferry["article"]["id"]}' in view.text
    if comp["quote_reuse"]:
        assert re.search(r'href="/articles/[0-9a-f]+#at=\d+-\d+"', view.text)
    assert_escaped(view.text)
    error_of(client.get("/stories/nope", headers={"accept": "application/json"}), 404, "E404")


# ---- evidence ---------------------------------------------------------------------


def test_evidence_collection_upload_and_check(client: TestClient, ferry: dict[str, Any]) -> None:
    files = [
        ("files", ("report.txt", EVIDENCE.encode(), "text/plain")),
        ("files", ("scan.pdf", b"%PDF-1.4 broken", "application/pdf")),
    ]
    r = client.post("/api/evidence/darnby/documents", files=files)
    assert r.status_code == 201, r.text
    body = r.json()
    assert [a["name"] for a in body["added"]] == ["report.txt"]
    assert body["failed"][0]["source"] == "scan.pdf"
    assert client.get("/api/evidence").json()["collections"][0]["collection"] == "darnby"
    assert client.get("/api/evidence/darnby").json()["documents"][0]["name"] == "report.txt"
    checked = client.post("/api/evidence/darnby/check", json={"article_id": ferry["article"]["id"]})
    assert checked.status_code == 201, checked.text
    claims = checked.json()["claims"]
    assert any(c["verdicts"] for c in claims)
    verdict = next(v for c in claims for v in c["verdicts"])
    assert verdict["collection"] == "darnby" and verdict["passage"]["span"]["text"]
    page = client.get(f"/articles/{ferry['article']['id']}").text
    assert 'id="evidence"' in page  # the cited passages beside the claims
    assert "darnby" in client.get("/evidence").text
    error_of(client.post("/api/evidence/no%20way/documents", files=files[:1]), 400, "E200")
    error_of(client.post("/api/evidence/missing/check", json={"text": FERRY["text"]}), 404)
    error_of(client.post("/api/evidence/darnby/check", json={}), 400, "E101")


# ---- hostile input ----------------------------------------------------------------


def test_hostile_article_is_escaped_everywhere(
    client: TestClient, hostile_id: str, story_id: str
) -> None:
    doc = f"{ATTACKS[0]} The council report on the ferry terminal said repairs cost 2 million."
    files = {"files": (f"{ATTACKS[1]}.txt", doc.encode(), "text/plain")}
    assert client.post("/api/evidence/hostile/documents", files=files).status_code == 201
    paths = ("/", "/articles", f"/articles/{hostile_id}", f"/stories/{story_id}", "/stories")
    for path in (*paths, "/evidence"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert_escaped(r.text)
    view = client.get(f"/articles/{hostile_id}").text
    assert "&lt;script&gt;window.__xss=1" in view  # shown as text, not dropped
    data = client.get(f"/api/articles/{hostile_id}").json()
    assert data["article"]["title"].startswith("<script>")  # JSON carries the data as it is


# ---- URL fetching (off by default) ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "ftp://example.org/",
        "file:///etc/passwd",
    ],
)
def test_fetch_refuses_non_public_addresses(url: str) -> None:
    with pytest.raises(InputError):
        check_public(url)


def test_fetch_is_off_unless_configured(db_url: str, shared_pipeline: Pipeline) -> None:
    with pytest.raises(ConfigError):
        fetch_url("https://example.org/", load_settings(config_file=None))
    with make_client(db_url, shared_pipeline, settings={"fetch_urls": True}) as on:
        assert 'id="fetch-form"' in on.get("/").text
        err = error_of(
            on.post("/api/analyze/url", json={"url": "http://127.0.0.1:9/"}), 400, "E111"
        )
        assert "non-public" in err["message"]


# ---- both stores --------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_api_round_trip_on_each_store(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, shared_pipeline: Pipeline
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'rt.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    with make_client(url, shared_pipeline) as c:
        made = c.post("/api/analyze", json=SECOND)
        assert made.status_code == 201, made.text
        aid = made.json()["article"]["id"]
        again = c.post("/api/analyze", json=SECOND)  # idempotent: stored once
        assert again.json()["article"]["id"] == aid
        listed = c.get("/api/articles").json()["articles"]
        assert [a["id"] for a in listed] == [aid]
        assert [
            a["id"] for a in c.get("/api/articles", params={"q": "ferry"}).json()["articles"]
        ] == [aid]
        assert Analysis.model_validate(c.get(f"/api/articles/{aid}").json()).article.id == aid
        # Label and technique filters read the stored JSON (JSONB containment on PostgreSQL).
        made_json = made.json()
        lemmas = [lb["lemma"] for act in made_json["actors"] for lb in act["labels"]]
        assert lemmas, "the test article needs a label"
        by_label = c.get("/api/articles", params={"label": lemmas[0].upper()}).json()
        assert [a["id"] for a in by_label["articles"]] == [aid]
        assert c.get("/api/articles", params={"label": "zeppelin"}).json()["articles"] == []
        for tech in {t["technique"] for t in made_json["techniques"]}:
            found = c.get("/api/articles", params={"technique": tech}).json()["articles"]
            assert [a["id"] for a in found] == [aid]
        assert c.get("/api/articles", params={"technique": "Nope"}).json()["articles"] == []
        assert c.get(f"/articles/{aid}").status_code == 200
        files = {"files": ("a.txt", FERRY["text"].encode(), "text/plain")}
        job = wait_job(c, c.post("/api/analyze/files", files=files).json()["job"]["id"])
        assert job["done"] == 1
        assert len(c.get("/api/articles").json()["articles"]) == 2
