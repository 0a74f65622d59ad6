"""Evidence collections: passages with honest offsets, idempotent adds, hybrid retrieval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from framelens import NotFound, Pipeline, load_settings
from framelens.analyzers import analyzers as registry
from framelens.cli import app
from framelens.corpus import MIGRATIONS, Store
from framelens.errors import ConfigError
from framelens.evidence.index import EvidenceIndex, fts_query, rrf
from framelens.evidence.passages import MAX_SENTENCES, make_passages, split_sentences
from framelens.ingest import make_article
from framelens.model import Analysis, Failure

from .claims_stub import EverySentenceClaims

runner = CliRunner()

REPORT = """Flood response in the Kestrel Valley

The regional emergency office said 14 people died when the Amsel river burst its banks on
Sunday night. Rescue teams from three neighbouring provinces reached the valley on Monday.
Mr. Halvard Tenn, the office's director, said 3,000 residents had been moved to schools.

The dam upstream of Brenna was inspected in 2021 and found to be sound. Engineers said the
flooding was caused by eleven days of rain, not by the dam.

A second report, due in May, will assess the damage to farms and roads."""

BUDGET = """Council budget

The city council of Dunmore approved a budget of $12 million for the new hospital wing. The
vote was nine to two. Construction is expected to begin in the spring.

Councillor Ada Brook said the wing would add sixty beds."""


@pytest.fixture()
def index(tmp_path: Path) -> EvidenceIndex:
    return EvidenceIndex(f"sqlite:///{tmp_path / 'ev.db'}", load_settings(config_file=None))


# ---- passages -------------------------------------------------------------------------


def test_sentences_respect_abbreviations_and_offsets() -> None:
    text = "Mr. Tenn met Dr. Ruiz in the U.S. capital on Monday. They spoke for an hour! Then?"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "Mr. Tenn met Dr. Ruiz in the U.S. capital on Monday.",
        "They spoke for an hour!",
        "Then?",
    ]


def test_passages_stay_inside_paragraphs_with_exact_offsets() -> None:
    spans = make_passages(REPORT)
    texts = [REPORT[a:b] for a, b in spans]
    for (a, b), piece in zip(spans, texts, strict=True):
        assert piece == piece.strip()
        assert len(split_sentences(REPORT, a, b)) <= MAX_SENTENCES
    # The heading opens the first passage; no other passage crosses a paragraph break.
    assert texts[0].startswith("Flood response in the Kestrel Valley\n\nThe regional")
    assert all("\n\n" not in t for t in texts[1:])
    assert texts[1].startswith("The dam upstream") and texts[1].endswith("not by the dam.")
    assert texts[2] == "A second report, due in May, will assess the damage to farms and roads."


# ---- fusion and query syntax --------------------------------------------------------------


def test_rrf_rewards_agreement_between_rankings() -> None:
    scores = rrf([[1, 2, 3], [3, 1, 4]])
    assert max(scores, key=lambda i: scores[i]) == 1  # first and second beats third and first
    assert scores[1] == pytest.approx(1 / 61 + 1 / 62)
    assert scores[4] == pytest.approx(1 / 63) and scores[2] == pytest.approx(1 / 62)
    assert rrf([]) == {}


def test_fts_query_quotes_words_and_drops_stopwords() -> None:
    q = fts_query('The "dam" AND NEAR(x) of Brenna\'s -- OR *')
    assert q == '"dam" OR "near" OR "brenna"'
    assert fts_query("the of and") == ""


# ---- the index ---------------------------------------------------------------------------


def test_same_document_twice_is_stored_once(index: EvidenceIndex) -> None:
    first = index.add_text("floods", REPORT, name="report.txt")
    again = index.add_text("floods", REPORT, name="copy.txt")
    assert first.new and not again.new and first.doc_id == again.doc_id
    assert first.passages == again.passages == len(make_passages(REPORT))
    other = index.add_text("budget", REPORT, name="report.txt")  # another collection
    assert other.new
    rows = {r["collection"]: r for r in index.collections()}
    assert rows["floods"]["documents"] == 1 and rows["floods"]["passages"] == first.passages
    assert [d["name"] for d in index.documents("floods")] == ["report.txt"]


def test_migration_creates_fts_table_and_is_recorded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ev.db'}"
    store = Store(url)
    assert "003_evidence" in store.applied_migrations()
    assert [n for n, _ in MIGRATIONS][-1] == "003_evidence" or "003_evidence" in dict(MIGRATIONS)
    with store.engine.connect() as conn:
        assert sa.inspect(conn).has_table("evidence_fts")
    index = EvidenceIndex(store)
    assert index.lexical
    index.add_text("floods", REPORT)
    assert EvidenceIndex(url).collections()[0]["collection"] == "floods"  # reopened


def test_search_finds_rare_words_and_paraphrases(index: EvidenceIndex) -> None:
    index.add_text("floods", REPORT, name="report.txt")
    index.add_text("floods", BUDGET, name="budget.txt")
    # A rare word: BM25 and the embeddings agree.
    hits = index.search("How much money did Dunmore give the hospital wing?", ["floods"], k=3)
    assert hits[0].doc_name == "budget.txt" and "$12 million" in hits[0].text
    assert hits[0].bm25_rank == 1 and 0 < hits[0].score <= 1
    # No word in common with the passage: only the embeddings can find it.
    hits = index.search("deaths after the river overflowed", ["floods"], k=2)
    assert "14 people died" in hits[0].text and hits[0].vector_rank == 1
    text = index.document_text("floods", hits[0].doc_id)
    for hit in hits:  # offsets point into the evidence document
        assert index.document_text("floods", hit.doc_id)[hit.start : hit.end] == hit.text
    assert text[hits[0].start : hits[0].end] == hits[0].text
    assert hits[0].score >= hits[-1].score


def test_search_without_fts_uses_embeddings_only(index: EvidenceIndex) -> None:
    index.add_text("floods", REPORT)
    index.lexical = False  # what PostgreSQL or an SQLite without FTS5 gets
    hits = index.search("how many residents died when the river burst", ["floods"], k=2)
    assert any("14 people died" in h.text for h in hits)
    assert all(h.bm25_rank is None for h in hits) and hits[0].score == pytest.approx(1.0)


def test_search_stays_inside_the_collections_asked(index: EvidenceIndex) -> None:
    index.add_text("floods", REPORT)
    index.add_text("budget", BUDGET)
    assert all(h.collection == "budget" for h in index.search("river flood", ["budget"], k=5))
    assert index.search("anything", ["nowhere"]) == []


def test_remove_document_then_collection(index: EvidenceIndex) -> None:
    a = index.add_text("floods", REPORT)
    index.add_text("floods", BUDGET)
    assert index.remove("floods", a.doc_id[:8]) == 1
    assert all("Kestrel" not in h.text for h in index.search("Kestrel Valley river", ["floods"]))
    with index.engine.connect() as conn:  # no orphan rows in the FTS table
        n = conn.execute(sa.text("SELECT count(*) FROM evidence_fts")).scalar_one()
    assert n == len(make_passages(BUDGET))
    assert index.remove("floods") == 1
    assert index.collections() == []
    with pytest.raises(NotFound):
        index.remove("floods")
    with pytest.raises(NotFound):
        index.require(["floods"])


def test_bad_collection_names_are_refused(index: EvidenceIndex) -> None:
    for bad in ("", "a b", "-x", "x;drop"):
        with pytest.raises(ConfigError):
            index.add_text(bad, REPORT)


def test_add_paths_reads_text_html_pdf_and_reports_bad_files(
    index: EvidenceIndex, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "report.txt").write_text(REPORT)
    (folder / "budget.html").write_text(
        "<html><head><title>Council budget</title></head><body><article><h1>Council budget</h1>"
        + "".join(f"<p>{p}</p>" for p in BUDGET.split("\n\n")[1:])
        + "</article></body></html>"
    )
    (folder / "empty.txt").write_text("")
    (folder / "data.xls").write_bytes(b"\x00\x01")
    results = index.add_paths("mixed", [folder])
    done = {r.name: r for r in results if not isinstance(r, Failure)}
    failed = {Path(r.source).name: r for r in results if isinstance(r, Failure)}
    assert set(done) == {"report.txt", "budget.html"}
    assert set(failed) == {"empty.txt", "data.xls"}
    assert failed["data.xls"].code == "E107"
    html_hits = index.search("hospital wing budget", ["mixed"], k=1)
    assert "$12 million" in html_hits[0].text


def _pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with text (built here, so the test needs no fixture file)."""
    body = " ".join(f"({line}) Tj T*" for line in lines)
    content = f"BT /F1 11 Tf 72 720 Td 14 TL {body} ET"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_documents(index: EvidenceIndex, tmp_path: Path) -> None:
    path = tmp_path / "annex.pdf"
    path.write_bytes(
        _pdf(["The ferry to Port Aster sank on 4 June.", "Nine passengers were rescued."])
    )
    (result,) = index.add_paths("pdfs", [path])
    assert not isinstance(result, Failure), result
    hits = index.search("ferry sinking passengers rescued", ["pdfs"], k=1)
    assert "Nine passengers were rescued." in hits[0].text
    # A broken PDF is one failure with its reason; the good document beside it is added.
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n this is not a PDF body")
    (tmp_path / "note.txt").write_text(REPORT)
    results = index.add_paths("pdfs2", [tmp_path / "broken.pdf", tmp_path / "note.txt"])
    failed = [r for r in results if isinstance(r, Failure)]
    assert [Path(f.source).name for f in failed] == ["broken.pdf"]
    assert failed[0].code in ("E102", "E105") and failed[0].fix
    assert any(not isinstance(r, Failure) and r.name == "note.txt" for r in results)


def test_pdf_without_pypdf_says_how_to_fix(
    index: EvidenceIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pypdf(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "pypdf":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pypdf)
    path = tmp_path / "annex.pdf"
    path.write_bytes(_pdf(["Some text about a ferry."]))
    (result,) = index.add_paths("pdfs", [path])
    assert isinstance(result, Failure) and "pip install pypdf" in result.fix


# ---- the CLI shell -----------------------------------------------------------------------


def test_cli_evidence_add_list_remove(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    doc = tmp_path / "report.txt"
    doc.write_text(REPORT)
    res = runner.invoke(app, ["evidence", "add", "floods", str(doc), "--db", db])
    assert res.exit_code == 0, res.output
    assert "added report.txt" in res.output and "BM25 + embeddings" in res.output
    res = runner.invoke(app, ["evidence", "add", "floods", str(doc), "--db", db])
    assert "already in floods" in res.output and "0 added, 1 already there" in res.output
    res = runner.invoke(app, ["evidence", "list", "--db", db])
    assert res.exit_code == 0 and res.output.startswith("floods") and "1 documents" in res.output
    res = runner.invoke(app, ["evidence", "list", "floods", "--db", db])
    assert "report.txt" in res.output
    doc_id = res.output.split()[0]
    res = runner.invoke(app, ["evidence", "remove", "floods", doc_id[:6], "--db", db])
    assert res.exit_code == 0 and "removed 1 document from floods" in res.output
    res = runner.invoke(app, ["evidence", "list", "floods", "--db", db])
    assert res.exit_code != 0 and isinstance(res.exception, NotFound)


def test_cli_evidence_add_bad_file_exits_non_zero(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    (tmp_path / "empty.txt").write_text("")
    res = runner.invoke(app, ["evidence", "add", "floods", str(tmp_path / "empty.txt"), "--db", db])
    assert res.exit_code == 1 and "skipped" in res.output


# ---- verdicts: claims checked against a collection ------------------------------------------

ARTICLE = (
    "Valley floods\n\n"
    "Officials confirmed that the Amsel river burst its banks on Sunday night. "
    "The regional emergency office said 41 people died when the river burst its banks. "
    "Rescue teams from three neighbouring provinces reached the valley on Monday. "
    "The town of Brenna will host a music festival in August."
)


@pytest.fixture()
def checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Analysis, EvidenceIndex]:
    db = f"sqlite:///{tmp_path / 'v.db'}"
    settings = load_settings(config_file=None, db=db, evidence="floods", lang_check=False)
    index = EvidenceIndex(db, settings)
    index.add_text("floods", REPORT, name="report.txt")
    monkeypatch.setitem(registry._items, "claims", EverySentenceClaims)
    pipe = Pipeline(["verdicts"], settings)
    return pipe.analyze(make_article(ARTICLE, settings)), index


def test_verdicts_cite_passages_of_the_evidence(checked: tuple[Analysis, EvidenceIndex]) -> None:
    analysis, index = checked
    by_text = {c.span.text: c for c in analysis.claims}
    toll = next(c for t, c in by_text.items() if "41 people" in t)
    rescue = next(c for t, c in by_text.items() if "Rescue teams" in t)
    assert toll.verdicts and rescue.verdicts
    assert (
        toll.verdicts[0].label == "refutes"
        and "14 people died" in toll.verdicts[0].passage.span.text
    )
    assert any(v.label == "supports" for v in rescue.verdicts)
    for claim in analysis.claims:
        assert len(claim.verdicts) <= 3
        for v in claim.verdicts:
            doc_text = index.document_text(v.collection, v.passage.doc)
            span = v.passage.span
            assert doc_text[span.start : span.end] == span.text  # offsets into the evidence
            assert span.text in v.passage.text and v.passage.text in doc_text
            assert 0 <= v.score <= 1 and v.retrieval_score is not None
            assert v.analyzer == "verdicts.v3" and v.collection == "floods"
    # The claim offsets still point into the article.
    for claim in analysis.claims:
        assert analysis.article.text[claim.span.start : claim.span.end] == claim.span.text


def test_verdicts_in_the_html_report_link_to_the_passage(
    checked: tuple[Analysis, EvidenceIndex],
) -> None:
    from framelens.reports import render

    analysis, _ = checked
    page = render(analysis, "html")
    claim = next(c for c in analysis.claims if c.verdicts)
    assert f'href="#evidence-{claim.id}-1"' in page and f'id="evidence-{claim.id}-1"' in page
    assert "<mark>" in page and "refutes" in page


REPORTED = (
    "Valley floods\n\n"
    "The Kestrel health ministry said on Monday that 41 people died when the Amsel river "
    "burst its banks. "
    "Residents told reporters that rescue teams from three neighbouring provinces reached "
    "the valley on Monday. "
    '"The dam was never inspected," said Orla Vance, a farmer near Brenna.'
)


def test_reported_claims_are_judged_on_what_they_report(tmp_path: Path) -> None:
    """The evidence bears on what a source said, not on the saying: "the ministry said 41
    died" is refuted by a report of 14 deaths, a resident's account of the rescue is
    supported, a farmer's quoted "never inspected" is refuted by the inspection."""
    db = f"sqlite:///{tmp_path / 'r.db'}"
    settings = load_settings(
        config_file=None, db=db, evidence="floods", lang_check=False, claim_threshold=0.0
    )
    EvidenceIndex(db, settings).add_text("floods", REPORT, name="report.txt")
    analysis = Pipeline(["verdicts"], settings).analyze(make_article(REPORTED, settings))
    claims = {c.span.text.split()[1]: c for c in analysis.claims if c.content is not None}
    expected = {
        "Kestrel": ("refutes", "14 people died"),
        "told": ("supports", "reached the valley on Monday"),
        "dam": ("refutes", "was inspected in 2021"),
    }
    assert set(expected) <= set(claims), [c.span.text for c in analysis.claims]
    for word, (label, cited) in expected.items():
        top = claims[word].verdicts[0]
        assert top.label == label and cited in top.passage.span.text, (word, top)
    # `check` names whose words it checked.
    (tmp_path / "article.txt").write_text(REPORTED)
    args = ["check", str(tmp_path / "article.txt"), "--evidence", "floods", "--db", db]
    res = runner.invoke(app, [*args, "--set", "claim_threshold=0.0"])
    assert res.exit_code == 0, res.output
    assert "source: Orla Vance · checked: “The dam was never inspected”" in res.output


def test_verdicts_without_evidence_do_nothing_and_unknown_collections_fail_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry._items, "claims", EverySentenceClaims)
    plain = load_settings(config_file=None, db=f"sqlite:///{tmp_path / 'v.db'}")
    analysis = Pipeline(["verdicts"], plain).analyze(make_article(ARTICLE, plain, force=True))
    assert analysis.claims and all(not c.verdicts for c in analysis.claims)
    with pytest.raises(NotFound) as err:
        Pipeline(["verdicts"], plain.with_overrides(evidence="nowhere"))
    assert "evidence add" in err.value.fix


def test_cli_check_prints_verdicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    (tmp_path / "report.txt").write_text(REPORT)
    (tmp_path / "article.txt").write_text(ARTICLE)
    assert (
        runner.invoke(
            app, ["evidence", "add", "floods", str(tmp_path / "report.txt"), "--db", db]
        ).exit_code
        == 0
    )
    monkeypatch.setitem(registry._items, "claims", EverySentenceClaims)
    res = runner.invoke(
        app, ["check", str(tmp_path / "article.txt"), "--evidence", "floods", "--db", db]
    )
    assert res.exit_code == 0, res.output
    assert "refutes" in res.output and "floods/" in res.output
    res = runner.invoke(
        app,
        ["check", str(tmp_path / "article.txt"), "--evidence", "floods", "--db", db, "-f", "json"],
    )
    data = json.loads(res.output)
    assert data["evidence"] == "floods" and any(c["verdicts"] for c in data["claims"])
    res = runner.invoke(
        app, ["check", str(tmp_path / "article.txt"), "--evidence", "nope", "--db", db]
    )
    assert res.exit_code != 0 and isinstance(res.exception, NotFound)


def test_cli_analyze_with_evidence_adds_verdicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    (tmp_path / "report.txt").write_text(REPORT)
    (tmp_path / "article.txt").write_text(ARTICLE)
    runner.invoke(app, ["evidence", "add", "floods", str(tmp_path / "report.txt"), "--db", db])
    monkeypatch.setitem(registry._items, "claims", EverySentenceClaims)
    args = ["analyze", str(tmp_path / "article.txt"), "-a", "claims", "-f", "json", "--db", db]
    res = runner.invoke(app, [*args, "--evidence", "floods"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert "verdicts" in data["pipeline"] and any(c["verdicts"] for c in data["claims"])
    res = runner.invoke(app, args)  # no evidence: no verdicts analyzer in the pipeline
    assert "verdicts" not in json.loads(res.output)["pipeline"]
