"""Cross-outlet comparison on a hand-written story (tests/data/story/tarvik.jsonl).

Five invented outlets report one invented event, the shelling of a market in Tarvik:
a wire service (Continental Press Agency), a paper that follows the wire (The Harbour
Times), a state paper (Corvenia State Herald) and a paper written to frame it the same
way (The Daily Courier), and an opposition site (Free Voice Corvenia). They name the
armed opposition "rebels", "revolutionaries" or "terrorists", quote different sources,
share two wire quotations and leave out different facts.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from framelens import Pipeline
from framelens.compare import compare_analyses, compare_paths
from framelens.compare.context import build_context, outlet_of
from framelens.compare.dimensions import dimensions
from framelens.errors import InputError
from framelens.model import Analysis, Article, Comparison, comparison_schema
from framelens.reports.comparison import render_comparison

STORY = Path(__file__).resolve().parent / "data" / "story" / "tarvik.jsonl"
WIRE = "Continental Press Agency"
HARBOUR = "The Harbour Times"
HERALD = "Corvenia State Herald"
FREE = "Free Voice Corvenia"
COURIER = "The Daily Courier"


@pytest.fixture(scope="module")
def analyses(pipeline: Pipeline) -> list[Analysis]:
    from framelens.ingest import iter_articles

    found = [a for a in pipeline.analyze_many(iter_articles([STORY], pipeline.settings))]
    assert all(isinstance(a, Analysis) for a in found)
    return found  # type: ignore[return-value]


@pytest.fixture(scope="module")
def comparison(analyses: list[Analysis]) -> Comparison:
    return compare_analyses(analyses)


def _referent_of(c: Comparison, outlet: str, actor_id: str) -> str | None:
    for r in c.referents:
        if any(m.actor_id == actor_id for m in r.members.get(outlet, [])):
            return r.id
    return None


def test_opposition_is_one_referent_under_three_names(comparison: Comparison) -> None:
    ref_id = _referent_of(comparison, WIRE, "rebels")
    assert ref_id is not None
    ref = next(r for r in comparison.referents if r.id == ref_id)
    names = {o: {m.name.lower() for m in ms} for o, ms in ref.members.items()}
    assert names[WIRE] == {"rebels"} and names[HARBOUR] == {"rebels"}
    assert names[FREE] == {"revolutionaries"}
    assert "terrorists" in names[HERALD] and "terrorists" in names[COURIER]
    # every member carries a score and what aligned it
    for ms in ref.members.values():
        for m in ms:
            assert 0.0 < m.score <= 1.0 and m.evidence
    # named by the neutral word in use, never by one side's loaded word
    assert ref.name.lower() == "rebels"


def test_label_table_measures_both_sides_alike(comparison: Comparison) -> None:
    rebels = next(
        r for r in comparison.referents if r.id == _referent_of(comparison, WIRE, "rebels")
    )
    classes = {o: {lc.lemma: lc.class_ for lc in ls} for o, ls in rebels.labels.items()}
    assert classes[HERALD]["terrorist"] == "delegitimizing"
    assert classes[FREE]["revolutionary"] == "legitimizing"
    assert classes[WIRE]["rebel"] == "neutral"
    assert rebels.balance[HERALD] == -1.0 and rebels.balance[FREE] == 1.0
    assert rebels.balance[WIRE] == 0.0
    # the other side's loaded word is caught the same way: "the regime" in Free Voice
    regime = next(
        r for r in comparison.referents if r.id == _referent_of(comparison, FREE, "regime")
    )
    assert {lc.lemma: lc.class_ for lc in regime.labels[FREE]}["regime"] == "delegitimizing"
    assert regime.balance[FREE] < 0
    # a party is never merged with the party it is accused of fighting
    assert regime.id != rebels.id
    assert FREE not in rebels.members or all(m.actor_id != "regime" for m in rebels.members[FREE])


def test_shared_wire_quotation_and_its_first_publisher(comparison: Comparison) -> None:
    by_text = {r.text.rstrip("."): r for r in comparison.quote_reuse}
    units = by_text["Our units did not fire a single round into the city"]
    assert {o.outlet for o in units.outlets} == {WIRE, HERALD, COURIER}
    assert units.first == WIRE
    envoy = by_text["Those who fire on a market full of families must answer for it"]
    assert {o.outlet for o in envoy.outlets} == {WIRE, HARBOUR, FREE}
    assert envoy.first == WIRE
    for occ in envoy.outlets:
        assert occ.speaker == "Paolo Serrat"
        assert occ.span.end > occ.span.start
    # how each outlet introduces the speaker is kept
    assert any("UN envoy" in (o.introduced_as or "") for o in envoy.outlets)


def test_omissions(comparison: Comparison) -> None:
    herald = comparison.omissions[HERALD]
    quotes = [o for o in herald if o.kind == "quote"]
    assert any("market full of families" in o.text for o in quotes)
    assert all(HERALD not in o.reported_by for o in herald)
    # the opposition site leaves out the army's spokesman, whom four outlets quote
    free = comparison.omissions[FREE]
    assert any(o.kind == "source" and o.text == "Ivo Marek" for o in free)
    # the wire reports everything the others share
    assert not [o for o in comparison.omissions[WIRE] if o.kind in ("quote", "source")]


def test_claims_matched_across_outlets_by_meaning(comparison: Comparison) -> None:
    herald_claims = [o for o in comparison.omissions[HERALD] if o.kind == "claim"]
    assert any("women and children" in o.text for o in herald_claims)


def test_nearest_outlet_is_the_one_written_to_match(comparison: Comparison) -> None:
    assert comparison.nearest[HERALD][0].outlet == COURIER
    assert comparison.nearest[COURIER][0].outlet == HERALD
    top = comparison.nearest[HERALD][0]
    assert 0 < top.similarity <= 1 and 1 <= len(top.drivers) <= 3
    # similarities are ranked
    sims = [n.similarity for n in comparison.nearest[FREE]]
    assert sims == sorted(sims, reverse=True)


def test_sources_typed_and_shared_by_referent(comparison: Comparison) -> None:
    herald = comparison.sources[HERALD]
    assert set(herald.types) <= {"official", "military", "unknown"}
    assert herald.types.get("official", 0) > 0.4
    free = comparison.sources[FREE]
    assert free.types.get("civilian", 0) > 0
    wire = {e.speaker: e.type for e in comparison.sources[WIRE].sources}
    assert wire["Ivo Marek"] == "military"
    assert wire["Lena Vasko"] == "armed_group"
    assert wire["Paolo Serrat"] == "un_ngo"
    assert abs(sum(herald.types.values()) - 1.0) < 0.01


def test_first_mention_and_portrayal_cells(comparison: Comparison) -> None:
    rebels = next(
        r for r in comparison.referents if r.id == _referent_of(comparison, WIRE, "rebels")
    )
    assert rebels.first_mention[HERALD] < rebels.first_mention[WIRE]  # headline vs 2nd paragraph
    assert all(-1.0 <= v <= 1.0 for v in rebels.sentiment.values())
    assert rebels.sentiment[HERALD] < 0


def test_json_matches_schema_and_round_trips(comparison: Comparison) -> None:
    import jsonschema

    data = json.loads(comparison.to_json())
    assert data["schema"] == "framelens.comparison/1"
    jsonschema.validate(data, comparison_schema())
    assert Comparison.from_json(comparison.to_json()) == comparison
    for key in ("story", "outlets", "referents", "sources", "quote_reuse", "techniques",
                "omissions", "nearest"):  # fmt: skip
        assert key in data
    assert set(data["dimensions"]) >= {"referents", "labels", "sources", "quote_reuse"}


def test_dimensions_are_registered_units(analyses: list[Analysis]) -> None:
    from framelens.compare.dimensions import Dimension

    names = dimensions.names()
    for n in ("referents", "labels", "portrayal", "sources", "quote_reuse", "techniques",
              "omissions", "first_mention"):  # fmt: skip
        assert n in names

    @dimensions.register("quote_count")
    class QuoteCount(Dimension):
        name = "quote_count"
        order = 80

        def fill(self, ctx, out):  # type: ignore[no-untyped-def]
            out.warnings.append(f"quotes:{sum(len(a.quotes) for a in ctx.analyses)}")

    try:
        c = compare_analyses(analyses, dimensions=["quote_count"])
        assert any(w.startswith("quotes:") for w in c.warnings)
        assert c.dimensions.keys() == {"referents", "quote_count", "nearest"}
        assert not c.quote_reuse  # only the dimensions asked for ran
    finally:
        dimensions._items.pop("quote_count")


def test_outlet_names_fall_back_to_site_then_file() -> None:
    def a(**kw: object) -> Analysis:
        return Analysis(article=Article(text="Some text of an article.", **kw))  # type: ignore[arg-type]

    assert outlet_of(a(outlet=" The  Ledger ")) == "The Ledger"
    assert outlet_of(a(url="https://www.ledger.example/a/b?token=x")) == "ledger.example"
    assert outlet_of(a(source="/tmp/news/ledger-post.txt")) == "ledger-post"
    assert outlet_of(a(source="feed.jsonl:3")) == "feed"


def test_bad_inputs_are_refused_with_a_reason(analyses: list[Analysis]) -> None:
    with pytest.raises(InputError, match="only one article"):
        build_context(analyses[:1])
    same = [a.model_copy(deep=True) for a in analyses[:2]]
    for a in same:
        a.article.outlet = "One Outlet"
    with pytest.raises(InputError, match="from one outlet"):
        build_context(same)
    langs = [a.model_copy(deep=True) for a in analyses[:2]]
    langs[0].article.lang, langs[1].article.lang = "en", "de"
    with pytest.raises(InputError, match="several languages"):
        build_context(langs)
    nameless = [a.model_copy(deep=True) for a in analyses[:2]]
    for a in nameless:
        a.article.outlet = a.article.url = a.article.source = None
    with pytest.raises(InputError, match="no outlet"):
        build_context(nameless)


def test_reports_escape_hostile_outlets_and_quotes(analyses: list[Analysis]) -> None:
    hostile = [a.model_copy(deep=True) for a in analyses]
    hostile[0].article.outlet = "<script>alert(1)</script>\x1b[31mWire"
    c = compare_analyses(hostile)
    html = render_comparison(c, "html")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<svg" in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    md = render_comparison(c, "md")
    assert "<script>" not in md
    text = render_comparison(c, "text")
    assert "\x1b" not in text and "Wire" in text


def test_compare_paths_pools_outlets_and_reads_analysis_json(
    tmp_path: Path, pipeline: Pipeline, analyses: list[Analysis]
) -> None:
    # analysis JSON written by `framelens analyze --format json` is read, not re-analysed
    saved = tmp_path / "analyses.jsonl"
    saved.write_text("".join(a.to_json(indent=None) + "\n" for a in analyses), encoding="utf-8")

    class NoNLP:
        def analyze_many(self, items):  # type: ignore[no-untyped-def]
            raise AssertionError("analysis JSON must not be analysed again")

    c, failures = compare_paths([saved], pipeline=NoNLP())
    assert not failures and len(c.outlets) == 5
    # two articles of one outlet are pooled
    extra = analyses[1].model_copy(deep=True)
    extra.article.id = "extra-article"
    extra.article.outlet = WIRE
    pooled = compare_analyses([*analyses, extra])
    wire = next(o for o in pooled.outlets if o.outlet == WIRE)
    assert len(wire.articles) == 2 and len(pooled.outlets) == 5


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "framelens.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.mark.slow
def test_cli_compare_files_story_and_errors(tmp_path: Path, analyses: list[Analysis]) -> None:
    out = tmp_path / "cmp.html"
    r = _cli("compare", str(STORY), "--format", "html", "-o", str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "<svg" in out.read_text(encoding="utf-8")
    # bad input: one line, exit 2
    single = tmp_path / "one.txt"
    single.write_text("A headline\n\nOne article alone cannot be compared with anything else.")
    r = _cli("compare", str(single), cwd=tmp_path)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr
    db = f"sqlite:///{tmp_path / 'c.db'}"
    r = _cli("compare", "no-such-story", "--db", db, cwd=tmp_path)
    assert r.returncode == 2 and "no-such-story" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    # a stored story compares from the store, without NLP
    from framelens.corpus import Store
    from framelens.model import Story

    store = Store(db)
    for a in analyses:
        store.save_analysis(a)
    ids = sorted(a.article.id for a in analyses)
    store.save_story(Story(id="tarvik", title="Tarvik market", articles=ids, method="manual"))
    store.engine.dispose()
    r = _cli("compare", "tarvik", "--db", db, "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["story"]["id"] == "tarvik" and len(data["outlets"]) == 5
    r = _cli("schema", "--comparison", cwd=tmp_path)
    assert json.loads(r.stdout)["$id"] == "framelens.comparison/1"


def test_a_dimension_brings_the_dimensions_it_reads(analyses: list[Analysis]) -> None:
    c = compare_analyses(analyses, dimensions=["omissions"])
    assert {"referents", "sources", "quote_reuse", "omissions"} <= set(c.dimensions)
    assert "labels" not in c.dimensions
    assert any(o.kind == "quote" for o in c.omissions[HERALD])


def test_markdown_report_escapes_links_from_outlet_names(analyses: list[Analysis]) -> None:
    hostile = [a.model_copy(deep=True) for a in analyses]
    hostile[0].article.outlet = "[Wire](javascript:alert(1))"
    md = render_comparison(compare_analyses(hostile), "md")
    # every bracket is escaped, so no Markdown link can form
    assert not re.search(r"(?<!\\)\]\(", md) and "\\[Wire\\]" in md


@pytest.mark.slow
def test_cli_compare_reads_a_batch_output_narrowed_to_a_story(
    tmp_path: Path, analyses: list[Analysis], comparison: Comparison
) -> None:
    from framelens.batch.writer import Output, write_partition
    from framelens.corpus import Store
    from framelens.model import Story

    out = tmp_path / "batch-out"
    # a corpus: the Tarvik story plus an unrelated article of another outlet and date
    other = analyses[0].model_copy(deep=True)
    other.article.id = "zz-unrelated"
    other.article.outlet = "Elsewhere Daily"
    other.article.published = "2019-01-01"
    parts = [("p1", analyses[:3]), ("p2", [*analyses[3:], other])]
    for pid, items in parts:
        counts = write_partition(out, pid, [(a.article.id, a) for a in items])
        Output(out).record(pid, counts, [a.article.id for a in items])
    db = f"sqlite:///{tmp_path / 's.db'}"
    store = Store(db)
    ids = sorted(a.article.id for a in analyses)
    store.save_story(Story(id="tarvik-story", title="Tarvik", articles=ids, method="manual"))
    store.engine.dispose()

    r = _cli("compare", str(out), "--story", "tarvik", "--db", db, "-f", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["story"]["id"] == "tarvik-story"
    assert sorted(o["outlet"] for o in data["outlets"]) == sorted(
        o.outlet for o in comparison.outlets
    )
    # the same referents as comparing the analyses directly: Parquet keeps them whole
    assert sorted(r["name"] for r in data["referents"]) == sorted(
        r.name for r in comparison.referents
    )
    # narrowed by outlet instead: only those two outlets are compared
    two = sorted(o.outlet for o in comparison.outlets)[:2]
    args = [x for o in two for x in ("--outlet", o)]
    r = _cli("compare", str(out), *args, "-f", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(o["outlet"] for o in json.loads(r.stdout)["outlets"]) == two
    # a date filter that leaves one outlet is refused in one line
    r = _cli("compare", str(out), "--until", "2019-12-31", cwd=tmp_path)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = _cli("compare", str(out), "--since", "last week", cwd=tmp_path)
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr
    # filters without a batch output are refused too
    r = _cli("compare", str(STORY), "--outlet", "x", cwd=tmp_path)
    assert r.returncode == 2 and "batch" in r.stderr


def test_stored_vectors_let_a_stored_story_compare_without_the_model(
    tmp_path: Path, analyses: list[Analysis], comparison: Comparison
) -> None:
    from framelens.compare import cached_embedder, embed_ahead, texts_to_embed
    from framelens.corpus import Store
    from framelens.nlp.embedder import CachedEmbedder, embedder_id, load_embedder

    store = Store(f"sqlite:///{tmp_path / 'v.db'}")
    ahead = cached_embedder(store, "minilm-int8")
    n = embed_ahead(analyses, ahead)
    assert n == len({t for a in analyses for t in texts_to_embed(a)}) > 10
    assert ahead.misses == n and ahead.hits == 0
    # masked contexts: the party's own name is never in them
    assert any(" X " in f" {t} " for t in texts_to_embed(analyses[0]))

    def no_model() -> object:
        raise AssertionError("the model was loaded although every vector was stored")

    cached = CachedEmbedder(
        no_model,  # type: ignore[arg-type]
        embedder_id("minilm-int8"),
        store.get_text_vectors,
        store.save_text_vectors,
    )
    again = compare_analyses(analyses, embedder=cached)
    assert cached.hits > 0 and cached.misses == 0
    assert [(r.name, sorted(r.members)) for r in again.referents] == [
        (r.name, sorted(r.members)) for r in comparison.referents
    ]
    assert [r.text for r in again.quote_reuse] == [r.text for r in comparison.quote_reuse]
    # stored vectors are the model's own, and a second save keeps one row per text
    texts = sorted(texts_to_embed(analyses[1]))[:4]
    direct = load_embedder("minilm-int8").encode(texts)
    assert (cached.encode(texts) @ direct.T).diagonal().min() > 0.99
    store.save_text_vectors(cached.name, {"k": direct[0].tobytes()})
    store.save_text_vectors(cached.name, {"k": direct[1].tobytes()})
    assert store.get_text_vectors(["k"], cached.name)["k"] == direct[0].tobytes()
    store.engine.dispose()


def test_ingest_stores_the_vectors_compare_reads_unless_told_not_to(tmp_path: Path) -> None:
    import sqlalchemy as sa
    from typer.testing import CliRunner

    from framelens.cli import app

    art = tmp_path / "a.txt"
    art.write_text(
        "Port strike enters third day\n\n"
        "The Harbour Workers Union kept the container terminal closed on Tuesday, and the "
        "Transport Ministry said talks would resume. The Harbour Workers Union wants a new "
        "shift pattern; the Transport Ministry has offered a review by the spring.",
        encoding="utf-8",
    )

    def rows(db: Path) -> int:
        engine = sa.create_engine(f"sqlite:///{db}")
        with engine.connect() as conn:
            n = conn.execute(sa.text("SELECT count(*) FROM text_vectors")).scalar_one()
        engine.dispose()
        return int(n)

    runner = CliRunner()
    with_vectors, without = tmp_path / "with.db", tmp_path / "without.db"
    res = runner.invoke(
        app, ["ingest", str(art), "--db", f"sqlite:///{with_vectors}", "-a", "actors"]
    )
    assert res.exit_code == 0, res.output
    assert rows(with_vectors) > 0
    res = runner.invoke(
        app,
        [
            "ingest",
            str(art),
            "--db",
            f"sqlite:///{without}",
            "-a",
            "actors",
            "--no-compare-vectors",
        ],
    )
    assert res.exit_code == 0, res.output
    assert rows(without) == 0


def test_a_stance_is_not_counted_among_the_outlets_quotes(pipeline: Pipeline) -> None:
    texts = {
        "North Post": "The Harbour Workers Union backed the port blockade on Monday. Union leader "
        "Maria Ostrow said the strike would go on until the wage talks resume.",
        "South Ledger": "The Harbour Workers Union backed the port blockade on Monday. Governor "
        "Tomas Halvik said the blockade of the port was illegal and would be lifted.",
    }
    analyses = [
        pipeline.analyze(Article(text=t, outlet=o, title="Port blockade", lang="en"))
        for o, t in texts.items()
    ]
    stances = [q for a in analyses for q in a.quotes if q.kind == "stance"]
    assert stances, "the union's stance is read in both articles"
    c = compare_analyses(analyses)
    for outlet, src in c.sources.items():
        assert src.quotes == 1, (outlet, src)  # the one source each outlet quotes
        assert [e.speaker for e in src.sources] != ["Harbour Workers Union"]
