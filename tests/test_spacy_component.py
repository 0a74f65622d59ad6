"""framelens as a spaCy component: a user's own pipeline built from en_core_web_sm, a blank
pipeline, nlp.pipe in batches, the extensions and their offsets, entry-point registration."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from framelens import ConfigError, FramelensError, ModelError, Pipeline
from framelens.model import Analysis, Quote
from framelens.nlp import DEFAULT_MODELS, load_nlp, model_id

from .ecosystem_data import FLOOD, REPORT, SCHOOLS, STRIKE

#: Everything an analysis holds but the article and the pipeline versions.
FINDINGS = (
    "quotes",
    "actors",
    "relations",
    "techniques",
    "technique_summary",
    "claims",
    "contradictions",
    "warnings",
)


def _findings(a: Analysis) -> dict[str, Any]:
    return {f: getattr(a, f) for f in FINDINGS}


@Language.component("newsdesk_dateline")
def newsdesk_dateline(doc: Doc) -> Doc:
    """A user's own component: marks the headline (the first line) of each article."""
    end = doc.text.find("\n")
    doc.user_data["newsdesk.headline_chars"] = end if end >= 0 else len(doc.text)
    return doc


@pytest.fixture(scope="module")
def sm_name() -> str:
    for name in DEFAULT_MODELS:
        try:
            spacy.load(name)
        except OSError:
            continue
        return name
    pytest.skip("en_core_web_sm is not installed")


@pytest.fixture(scope="module")
def newsdesk(sm_name: str, tmp_path_factory: pytest.TempPathFactory) -> Language:
    """A newsroom's own pipeline: en_core_web_sm with its own component and name, saved to
    disk and loaded back (as a trained pipeline is), then framelens added to it."""
    nlp = spacy.load(sm_name)
    nlp.add_pipe("newsdesk_dateline", first=True)
    # framelens's own parse starts a sentence at each paragraph break; with this component
    # the host's parse is the same one (registered by entry point: it loads from disk)
    nlp.add_pipe("framelens_paragraphs", before="parser")
    nlp.meta["name"] = "newsdesk"
    nlp.meta["version"] = "1.2.0"
    folder = tmp_path_factory.mktemp("newsdesk")
    nlp.to_disk(folder)
    own = spacy.load(folder)
    own.add_pipe("framelens")
    return own


@pytest.fixture(scope="module")
def blank() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("framelens")
    return nlp


def test_a_users_own_pipeline_reuses_its_parse_and_finds_what_analyze_finds(
    newsdesk: Language, pipeline: Pipeline
) -> None:
    assert newsdesk.pipe_names[0] == "newsdesk_dateline" and newsdesk.pipe_names[-1] == "framelens"
    texts = [STRIKE, SCHOOLS, REPORT]
    docs = list(newsdesk.pipe(texts, batch_size=2))
    assert [d.text for d in docs] == texts  # in order, every doc
    for text, doc in zip(texts, docs, strict=True):
        got = doc._.framelens
        assert isinstance(got, Analysis)
        # The host's parse was read, not a second one: the analysis names the host pipeline,
        # and that it starts sentences at paragraph breaks as framelens' own does.
        assert got.pipeline["nlp"] == "en_newsdesk-1.2.0+paragraphs"
        assert doc.user_data["newsdesk.headline_chars"] == text.index("\n")  # host ran too
        want = pipeline.analyze(text)
        assert want.pipeline["nlp"] == model_id(load_nlp()) != got.pipeline["nlp"]
        assert want.pipeline["nlp"].endswith("+paragraphs")
        assert got.article.text == want.article.text == text
        assert _findings(got) == _findings(want)
        assert {k: v for k, v in got.pipeline.items() if k != "nlp"} == {
            k: v for k, v in want.pipeline.items() if k != "nlp"
        }
    speakers = {q.speaker.name for q in docs[2]._.framelens.quotes if q.speaker}
    assert {"Anton Virel", "Hana Morrow", "Leo Brandt"} <= speakers


def test_the_hosts_own_entities_are_what_framelens_reads(sm_name: str) -> None:
    # The small model reads "Vennmark" (a dam operator's site) as a place; this newsroom's
    # entity ruler says it is an organisation, and framelens follows the host.
    nlp = spacy.load(sm_name)
    ruler = nlp.add_pipe("entity_ruler", after="ner", config={"overwrite_ents": True})
    ruler.add_patterns([{"label": "ORG", "pattern": "Vennmark"}])  # type: ignore[attr-defined]
    nlp.add_pipe("framelens", config={"analyzers": ["actors"]})
    doc = nlp(FLOOD)
    actors = {a.name: a.type for a in doc._.framelens.actors}
    assert actors.get("Vennmark") == "organisation"
    plain = Pipeline(["actors"]).analyze(FLOOD)
    assert "Vennmark" not in {a.name for a in plain.actors}


def test_a_pipeline_assembled_from_en_core_web_sm_components(sm_name: str) -> None:
    source = spacy.load(sm_name)
    nlp = spacy.blank("en")
    for name in source.pipe_names:
        nlp.add_pipe(name, source=source)
    nlp.add_pipe("framelens", config={"analyzers": ["quotes"]})
    doc = nlp(FLOOD)
    analysis = doc._.framelens
    assert analysis.pipeline == {"nlp": "en_pipeline-0.0.0", "actors": "8", "quotes": "14"}
    speakers = [q.speaker.name for q in analysis.quotes if q.speaker and q.kind == "direct"]
    assert "Ruth Okoro" in speakers and "Pavel Drum" in speakers


def test_a_blank_pipeline_carries_it_with_framelens_parsing(
    blank: Language, pipeline: Pipeline
) -> None:
    docs = list(blank.pipe([FLOOD, STRIKE, SCHOOLS], batch_size=2))
    for doc in docs:
        assert not doc.has_annotation("DEP")  # the host doc keeps its own (no) annotations
        got, want = doc._.framelens, pipeline.analyze(doc.text)
        assert got.pipeline == want.pipeline  # framelens's own spaCy pipeline parsed it
        assert got.pipeline["nlp"] == model_id(load_nlp())
        assert _findings(got) == _findings(want)


def test_extensions_point_at_the_right_text(blank: Language, newsdesk: Language) -> None:
    for nlp in (blank, newsdesk):
        doc = nlp(STRIKE)
        analysis = doc._.framelens
        assert doc._.framelens is analysis  # one object per doc, not a copy per access
        spans = doc._.quotes
        assert len(spans) == len(analysis.quotes) >= 4
        for span, quote in zip(spans, analysis.quotes, strict=True):
            assert isinstance(span._.quote, Quote) and span._.quote == quote
            assert span.text == quote.span.text == STRIKE[quote.span.start : quote.span.end]
        reckless = next(s for s in spans if "reckless" in s.text)
        assert reckless._.quote.kind == "mixed"
        assert reckless._.quote.speaker is not None
        assert reckless._.quote.speaker.name == "Jonas Reed"
        assert doc[0:3]._.quote is None  # a span that is no quote
        actors = {t.text: t._.actor for t in doc if t._.actor}
        assert actors["Ilves"] == actors["Mara"] == "mara-ilves"
        assert actors["Reed"] == "jonas-reed"
        assert next(t for t in doc if t.text == "strike")._.actor is None
        by_id = {a.id: a for a in analysis.actors}
        for token in doc:
            if token._.actor:  # inside one of that actor's mentions
                mentions = by_id[token._.actor].mentions
                assert any(m.start <= token.idx < m.end for m in mentions), token


def test_annotated_docs_still_serialise(newsdesk: Language) -> None:
    doc = newsdesk(SCHOOLS)
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    (back,) = DocBin().from_bytes(data).get_docs(newsdesk.vocab)
    assert back._.framelens == doc._.framelens
    assert [s.text for s in back._.quotes] == [s.text for s in doc._.quotes]
    assert [t._.actor for t in back] == [t._.actor for t in doc]
    # The stored analysis is the plain JSON record.
    assert json.loads(doc._.framelens.to_json())["schema"] == "framelens.analysis/1"


def test_a_saved_pipeline_loads_with_the_component_and_its_config(
    sm_name: str, tmp_path: Path
) -> None:
    nlp = spacy.load(sm_name)
    nlp.add_pipe("framelens", config={"analyzers": ["quotes"], "parse": "host"})
    nlp.to_disk(tmp_path / "pipe")
    again = spacy.load(tmp_path / "pipe")
    assert again.pipe_names[-1] == "framelens"
    assert again.get_pipe_config("framelens")["analyzers"] == ["quotes"]
    assert set(again(STRIKE)._.framelens.pipeline) == {"nlp", "actors", "quotes"}


def test_parse_modes(sm_name: str, newsdesk: Language) -> None:
    host = spacy.blank("en")
    host.add_pipe("framelens", config={"analyzers": ["quotes"], "parse": "host"})
    with pytest.raises(ModelError, match="parser") as err:
        host(FLOOD)
    assert "DEP" in err.value.message and "parse to 'auto'" in err.value.fix
    own = spacy.load(sm_name)
    own.meta["name"] = "other"
    own.add_pipe("framelens", config={"analyzers": ["quotes"], "parse": "own"})
    assert own(FLOOD)._.framelens.pipeline["nlp"] == model_id(load_nlp())
    with pytest.raises(ConfigError, match="parse must be one of"):
        spacy.blank("en").add_pipe("framelens", config={"parse": "sometimes"})


def test_a_fast_portrayal_model_never_reads_another_pipelines_vectors(sm_name: str) -> None:
    # The fast portrayal head reads en_core_web_sm's token vectors: on any other pipeline
    # ("auto") framelens parses itself; "host" refuses at once.
    settings = {"portrayal_model": "fast"}
    nlp = spacy.load(sm_name)
    nlp.meta["name"] = "retrained_sm"
    nlp.add_pipe("framelens", config={"analyzers": ["portrayal"], "settings": settings})
    analysis = nlp(STRIKE)._.framelens
    assert analysis.pipeline["nlp"] == model_id(load_nlp())
    assert analysis.pipeline["portrayal"].endswith("fast")
    assert any(a.sentiment is not None for a in analysis.actors)
    with pytest.raises(ModelError, match="token vectors"):
        spacy.blank("en").add_pipe(
            "framelens",
            config={"analyzers": ["portrayal"], "settings": settings, "parse": "host"},
        )


def test_a_failing_doc_goes_to_the_error_handler(
    sm_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    nlp = spacy.load(sm_name)
    component = nlp.add_pipe("framelens", config={"analyzers": ["quotes"]})
    quotes = next(a for a in component.pipeline.analyzers if a.name == "quotes")  # type: ignore[attr-defined]
    real: Callable[..., None] = quotes.run

    def run(ctx: Any) -> None:
        if "Portvale" in ctx.text:
            raise ModelError("the quote model broke on this one", fix="report it")
        real(ctx)

    monkeypatch.setattr(quotes, "run", run)
    with pytest.raises(FramelensError, match="broke on this one") as err:
        nlp(STRIKE)
    assert err.value.code == "E300"
    seen: list[str] = []
    # On the component (spaCy's own nlp.set_error_handler trips over its parser).
    component.set_error_handler(lambda name, proc, docs, exc: seen.append(f"{name}: {exc}"))
    docs = list(nlp.pipe([FLOOD, STRIKE, SCHOOLS], batch_size=3))
    assert [d.text for d in docs] == [FLOOD, SCHOOLS]
    assert seen == ["framelens: E300 the quote model broke on this one — report it"]


def test_an_empty_doc_gets_an_empty_analysis(blank: Language) -> None:
    doc = blank("")
    assert doc._.framelens.quotes == [] and doc._.framelens.actors == []
    assert doc._.quotes == []


def test_spacy_finds_the_factory_through_its_entry_point(tmp_path: Path) -> None:
    # A fresh interpreter that never imports framelens: spaCy loads it from the entry point.
    script = (
        "import importlib.metadata as md, spacy\n"
        "eps = {e.name: e.value for e in md.entry_points(group='spacy_factories')}\n"
        "nlp = spacy.blank('en')\n"
        "nlp.add_pipe('framelens', config={'analyzers': ['quotes']})\n"
        'doc = nlp(\'"The bridge will reopen in May," said Anna Berg, a spokeswoman for the '
        "city council.')\n"
        "print(eps['framelens'])\n"
        "print([(s.text, s._.quote.speaker.name) for s in doc._.quotes])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "framelens.spacy_component:make_framelens"
    assert lines[1] == "[('\"The bridge will reopen in May,\" said Anna Berg', 'Anna Berg')]"
