"""nlp.heads: the one runtime of the trained heads (weights, activations, forward passes).

Each head's forward is checked bit for bit against the implementation it replaced (the
private ``_gelu``/``_softmax`` copies of claims, techniques, sentiment and NLI, written
out again below), on the shipped weights and fixed random inputs: scores feed thresholds,
so the refactor must not move a single bit.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from framelens.analyzers import claims, techniques
from framelens.errors import ModelError
from framelens.nlp import heads, nli, sentiment
from framelens.nlp.features import SentenceFeatures

RNG_SEED = 16


def rng() -> np.random.Generator:
    return np.random.default_rng(RNG_SEED)


# ---- the implementations the module replaced (pre-refactor copies) ----------------------


def old_gelu(x: np.ndarray, c: float = 0.7978845608028654) -> np.ndarray:
    # The old copies, with the cube written as a product as nlp.heads.gelu now does (numpy's
    # float32 power was slow); test_gelu_cube_as_a_product bounds what that changed.
    out: np.ndarray = 0.5 * x * (1.0 + np.tanh(c * (x + 0.044715 * (x * x * x))))
    return out


def old_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    x = x - x.max(axis=axis, keepdims=True)
    e = np.exp(x)
    out: np.ndarray = e / e.sum(axis=axis, keepdims=True)
    return out


def same(a: np.ndarray, b: np.ndarray) -> bool:
    """Same dtype, shape and bytes."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def close(a: np.ndarray, b: np.ndarray) -> bool:
    """Same dtype and shape, values within float32 rounding: for a batched product against
    one made row by row, where the BLAS kernel (chosen by CPU and shape) may round the last
    bit differently (3e-8 apart on an AVX2-only AMD EPYC, the same bytes elsewhere)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-6)


# ---- weights ------------------------------------------------------------------------------


def write_npz(path: Path, **arrays: np.ndarray) -> Path:
    np.savez(path, **arrays)  # type: ignore[arg-type]
    return path


def test_weights_load_once_read_only_float32(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_npz(
        tmp_path / "w.npz", a=np.arange(6, dtype=np.float16).reshape(2, 3), n=np.array(2)
    )
    calls = []
    real_load = np.load

    def counting_load(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return real_load(*args, **kwargs)

    monkeypatch.setattr(np, "load", counting_load)
    first = heads.load_weights(path, model="test", fix="-")
    second = heads.load_weights(str(path), model="test", fix="-")
    assert len(calls) == 1
    assert first["a"] is second["a"] and first is not second  # shared arrays, own dicts
    assert first["a"].dtype == np.float32 and first["n"].dtype == np.float32
    assert int(first["n"]) == 2
    with pytest.raises(ValueError):
        first["a"][0, 0] = 1.0  # shared by every caller: read-only


def test_shipped_models_load_once() -> None:
    assert techniques.load_model() is techniques.load_model()
    assert claims.load_model() is claims.load_model()
    assert sentiment.load_model("minilm") is sentiment.load_model("minilm")
    assert nli.load_nli("") is nli.load_nli("")
    # The techniques weights are read through the shared cache, not a second time.
    path = heads.resource_file("techniques", "weights.npz")
    w = heads.load_weights(path, model="techniques", fix="-")
    assert w["si.mu"] is techniques.load_model().si.mu


def test_missing_weights_are_a_coded_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        heads.load_weights(tmp_path / "nope.npz", model="claims", fix="reinstall framelens")
    assert err.value.code == "E300"
    assert "claims" in err.value.message and "nope.npz" in err.value.message
    assert err.value.fix == "reinstall framelens"
    assert str(err.value).startswith("E300 ")


@pytest.mark.parametrize(
    "content",
    [b"not an npz file at all", b"PK\x03\x04 truncated zip", b""],
    ids=["garbage", "truncated-zip", "empty"],
)
def test_corrupt_weights_are_a_coded_model_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.npz"
    path.write_bytes(content)
    with pytest.raises(ModelError) as err:
        heads.load_weights(path, model="techniques", fix="retrain it")
    assert err.value.code == "E300" and err.value.fix == "retrain it"


def test_truncated_npz_is_a_coded_model_error(tmp_path: Path) -> None:
    good = write_npz(tmp_path / "good.npz", a=np.ones((50, 50), np.float32))
    bad = tmp_path / "bad.npz"
    bad.write_bytes(good.read_bytes()[:-200])
    with pytest.raises(ModelError) as err:
        heads.load_weights(bad, model="NLI", fix="-")
    assert err.value.code == "E300"


def test_corrupt_nli_folder_is_a_coded_model_error(tmp_path: Path) -> None:
    src = Path(str(heads.resource_file("nli", "model.json")))
    (tmp_path / "model.json").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "model.npz", "w") as zf:
        zf.writestr("mean.npy", b"not an array")
    with pytest.raises(ModelError) as err:
        nli.BundledNLI(tmp_path)
    assert err.value.code == "E300"
    write_npz(tmp_path / "model.npz", mean=np.zeros(3, np.float32))  # arrays missing
    heads._read_weights.cache_clear()
    with pytest.raises(ModelError, match="lacks the array"):
        nli.BundledNLI(tmp_path)


def test_dequantize_and_quantize() -> None:
    r = rng()
    w = r.standard_normal((128, 64)).astype(np.float32)
    stored = heads.quantize({"m": w, "v": w[0], "x.mu": w[1]})
    assert stored["m.q"].dtype == np.int8 and stored["m.scale"].shape == (1, 64)
    assert stored["v"].dtype == np.float16 and stored["x.mu"].dtype == np.float32
    back = heads.dequantize(stored)
    assert set(back) == {"m", "v", "x.mu"}
    assert all(a.dtype == np.float32 for a in back.values())
    assert np.abs(back["m"] - w).max() <= stored["m.scale"].max() / 2 + 1e-7
    assert same(back["m"], stored["m.q"].astype(np.float32) * stored["m.scale"])
    # A ".scale" array with no ".q" partner is an ordinary array.
    assert "lex.scale" in heads.dequantize({"lex.scale": np.ones(2)})


# ---- activations ----------------------------------------------------------------------------


def test_gelu_matches_the_formula() -> None:
    x = np.linspace(-6, 6, 97, dtype=np.float32)
    ref = [
        0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v**3)))
        for v in x.astype(float)
    ]
    out = heads.gelu(x)
    assert out.dtype == np.float32 and out.shape == x.shape
    assert np.allclose(out, ref, rtol=1e-5, atol=1e-6)
    assert heads.gelu(np.float64(1.0)).dtype == np.float64
    assert math.isclose(heads.GELU_C, math.sqrt(2 / math.pi), rel_tol=1e-15)


def test_gelu_cube_as_a_product() -> None:
    # x * x * x instead of x**3: the last bit moves for some inputs, never more than that.
    x = (rng().standard_normal((64, 33)) * 4).astype(np.float32)
    power = 0.5 * x * (1.0 + np.tanh(heads.GELU_C * (x + 0.044715 * x**3)))
    diff = np.abs(heads.gelu(x) - power)
    assert diff.max() <= 4 * np.spacing(np.abs(power).max())


def test_gelu_is_bitwise_the_old_copies() -> None:
    x = (rng().standard_normal((64, 33)) * 4).astype(np.float32)
    x[0, :5] = [0.0, -0.0, 1e-30, -1e12, 3e4]
    assert same(heads.gelu(x), old_gelu(x))
    # The sentiment copy used a shorter constant; on float32 it is the same number.
    assert np.float32(0.7978845608) == np.float32(heads.GELU_C)
    assert same(heads.gelu(x), old_gelu(x, 0.7978845608))
    x64 = x.astype(np.float64)
    assert same(heads.gelu(x64), old_gelu(x64))


def test_softmax_sigmoid_relu_match_their_formulas() -> None:
    x = rng().standard_normal((7, 5)).astype(np.float32) * 10
    p = heads.softmax(x)
    ref = np.exp(x.astype(float)) / np.exp(x.astype(float)).sum(axis=1, keepdims=True)
    assert p.dtype == np.float32 and np.allclose(p, ref, atol=1e-6)
    assert np.allclose(p.sum(axis=-1), 1.0, atol=1e-6)
    assert same(heads.softmax(x), old_softmax(x))
    assert same(heads.softmax(x, axis=0), old_softmax(x, axis=0))
    # Large logits do not overflow: the maximum is subtracted first.
    assert np.allclose(heads.softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])
    s = heads.sigmoid(x)
    assert s.dtype == np.float32
    assert np.allclose(s, 1 / (1 + np.exp(-x.astype(float))), atol=1e-6)
    assert heads.sigmoid(np.array([1e4]))[0] == heads.sigmoid(np.array([30.0]))[0] < 1.0
    assert heads.sigmoid(np.array([-1e4]))[0] > 0.0
    assert same(heads.relu(x), np.maximum(x, np.float32(0)))
    h = rng().standard_normal((6, 4)).astype(np.float32)
    w, b = h[0] * 0.5, np.float32(0.1)
    a = heads.attention_pool(h, w, np.array([b]))
    assert a.shape == (4,) and a.dtype == np.float32
    weights = old_softmax(h @ w + b)
    assert same(a, weights @ h)


# ---- the heads' forward passes, bit for bit against the old code ------------------------------


def test_techniques_heads_match_the_old_implementation() -> None:
    model = techniques.load_model()
    for ens in (model.si, model.labeller.tc):
        z = rng().standard_normal((37, len(ens.mu))).astype(np.float32)
        z = z * ens.sd + ens.mu
        # The old MLPEnsemble.__call__.
        zz = (z - ens.mu) / ens.sd
        p = np.zeros((len(z), ens.n_out), dtype=np.float32)
        for w1, b1, w2, b2 in ens.members:
            p += old_softmax(old_gelu(zz @ w1 + b1) @ w2 + b2)
        old = p / len(ens.members)
        new = ens(z)
        assert new.dtype == np.float32 and new.shape == (37, ens.n_out)
        assert same(new, old)
        assert np.allclose(new.sum(axis=1), 1.0, atol=1e-5)
        assert ens(z[:0]).shape == (0, ens.n_out) and ens(z[:0]).dtype == np.float32
    assert len(model.si.members) >= 1 and model.si.n_out == 3
    assert model.labeller.tc.n_out == len(techniques.TECHNIQUES)
    text_model = model.labeller.tc_text
    assert text_model is not None
    texts = ["a corrupt, lying crook", "Make the nation great again!", ""]
    old_text = old_softmax(text_model.features(texts) @ text_model.coef + text_model.bias)
    assert same(text_model(texts), old_text)


def test_mlp_ensemble_without_members_is_a_coded_error() -> None:
    with pytest.raises(ModelError) as err:
        heads.MLPEnsemble(
            {"si.mu": np.zeros(2), "si.sd": np.ones(2)}, "si", model="techniques", fix="retrain"
        )
    assert err.value.code == "E300" and "'si'" in err.value.message


def test_claims_head_matches_the_old_implementation() -> None:
    model = claims.load_model()
    p = model.params
    x = rng().standard_normal((23, p["mlp1_w"].shape[1])).astype(np.float32)

    # The old head_scores after head_input (float32 casts included).
    def old_gelu32(v: np.ndarray) -> np.ndarray:
        return np.asarray(old_gelu(v), dtype=np.float32)

    hid = old_gelu32(x @ p["mlp1_w"].T + p["mlp1_b"])
    z = hid @ p["mlp2_w"] + float(np.asarray(p["mlp2_b"]).reshape(-1)[0])
    old = np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))), dtype=np.float64)
    new_hid = heads.gelu(heads.dense(x, p["mlp1_w"].T, p["mlp1_b"]))
    new = np.asarray(
        heads.sigmoid(heads.dense(new_hid, p["mlp2_w"], claims._scalar(p["mlp2_b"]))),
        dtype=np.float64,
    )
    assert same(new, old) and new.shape == (23,)
    # The attention pool of head_input.
    hidden = rng().standard_normal((11, len(p["att_w"]))).astype(np.float32)
    weights = np.asarray(old_softmax(hidden @ p["att_w"] + p["att_b"]), dtype=np.float32)
    assert same(heads.attention_pool(hidden, p["att_w"], p["att_b"]), weights @ hidden)


def test_claims_scores_match_the_old_implementation_on_sentences() -> None:
    from framelens import load_settings
    from framelens.nlp import load_nlp

    settings = load_settings(config_file=None)
    texts = [
        "Unemployment fell to 4.1 percent in March, the lowest level in a decade.",
        "I think the new stadium is a terrible idea.",
        "The minister said 3,000 troops had been sent to the border on Monday.",
    ]
    model = claims.load_model()
    nlp = load_nlp(settings.spacy_model, settings.max_chars)
    docs = [nlp(t) for t in texts]
    sents = [d[:] for d in docs]
    feats = claims.standalone_features(texts, settings)
    p = model.params
    x = np.vstack([model.head_input(s, f) for s, f in zip(sents, feats, strict=True)])
    hid = np.asarray(old_gelu(x @ p["mlp1_w"].T + p["mlp1_b"]), dtype=np.float32)
    z = hid @ p["mlp2_w"] + claims._scalar(p["mlp2_b"])
    head = np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))), dtype=np.float64)
    assert same(model.head_scores(sents, feats), head)
    z2 = np.zeros(len(texts), dtype=np.float64)
    for i, text in enumerate(texts):
        idx, weights = claims.tfidf_vector(text, model.vocab, p["tfidf_idf"])
        z2[i] = float(weights @ p["tfidf_coef"][idx])
    z2 += claims._scalar(p["tfidf_intercept"])
    tfidf = np.asarray(1.0 / (1.0 + np.exp(-np.clip(z2, -30, 30))), dtype=np.float64)
    assert same(model.tfidf_scores(texts), tfidf)


def test_nli_head_matches_the_old_implementation() -> None:
    model = nli.load_nli("")
    assert isinstance(model, nli.BundledNLI)
    mlp = model.mlp
    x = rng().standard_normal((19, len(mlp.mean))).astype(np.float32) * mlp.scale + mlp.mean

    def old(x: np.ndarray) -> np.ndarray:  # the old BundledNLI.predict_features
        h = (np.atleast_2d(x).astype(np.float32) - mlp.mean) / mlp.scale
        for i, (w, b) in enumerate(mlp.layers):
            h = h @ w + b
            if i < len(mlp.layers) - 1:
                h = np.maximum(h, 0.0)
        h = h / mlp.temperature
        h = h - h.max(axis=1, keepdims=True)
        e = np.exp(h)
        return np.asarray((e / e.sum(axis=1, keepdims=True))[:, model.order], dtype=np.float64)

    new = model.predict_features(x)
    assert same(new, old(x)) and new.shape == (19, 3)
    assert mlp(x).dtype == np.float32
    assert same(model.predict_features(x[0]), old(x[0]))  # one row, as a vector


def _old_sentiment_proba(
    m: sentiment.SentimentModel,
    features: np.ndarray,
    windows: list[sentiment.Window],
    sents: list[SentenceFeatures],
    bags: list[set[str]],
) -> np.ndarray:
    """The old SentimentModel.predict_proba, with its own _gelu and _softmax."""

    def gelu(x: np.ndarray) -> np.ndarray:
        return np.asarray(0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * (x * x * x)))))

    def softmax(z: np.ndarray) -> np.ndarray:
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=-1, keepdims=True))

    w, n = m.w, len(windows)
    proj: dict[int, np.ndarray] = {}
    for win in windows:
        if win.sentence not in proj:
            h = np.asarray(sents[win.sentence].hidden, dtype=np.float32)
            proj[win.sentence] = np.matmul(h[None], w["proj_w"]) + w["proj_b"][:, None, :]
    std = sentiment.standardise
    xp = gelu(np.matmul(std(features, w)[None], w["xproj_w"]) + w["xproj_b"][:, None, :])
    k, d = w["proj_w"].shape[0], w["proj_w"].shape[2]
    att_w = w["att_w"][:, :, None]
    pooled = np.zeros((k, n, 3 * d), dtype=np.float32)
    for i, win in enumerate(windows):
        p = proj[win.sentence][:, win.lo : win.hi]
        if p.shape[1] == 0:
            continue
        tgt = win.target
        z = p + w["tgt"][:, tgt.astype(np.int64)] + w["pos"][:, sentiment.distance_buckets(tgt)]
        s = np.matmul(z, att_w)[:, :, 0] + w["att_b"][:, None]
        a = softmax(s)
        pooled[:, i, d : 2 * d] = np.matmul(a[:, None, :], z)[:, 0]
        if tgt.any():
            pooled[:, i, :d] = z[:, tgt].mean(axis=1)
        pooled[:, i, 2 * d :] = z.max(axis=1)
    hid = gelu(
        np.matmul(np.concatenate([pooled, xp], axis=2), w["out1_w"]) + w["out1_b"][:, None, :]
    )
    logits = np.matmul(hid, w["out2_w"]) + w["out2_b"][:, None, :]
    heads_p = softmax(logits).mean(axis=0)
    lr = softmax(std(features, w, clip=False) @ w["lr_coef"].T + w["lr_intercept"])
    dense = (1.0 - sentiment.LR_WEIGHT) * heads_p + sentiment.LR_WEIGHT * lr
    assert m.bow is not None
    bow = m.bow
    logits_b = np.tile(bow.intercept, (len(bags), 1)).astype(np.float32)
    for i, bag in enumerate(bags):
        cols = sorted(bow.vocab[t] for t in bag if t in bow.vocab)
        if cols:
            logits_b[i] += bow.coef[:, cols].sum(axis=1)
    dense = (1.0 - m.bow_weight) * dense + m.bow_weight * softmax(logits_b)
    return np.asarray(dense, dtype=np.float32)


@pytest.mark.parametrize("variant", ["minilm", "fast"])
def test_sentiment_heads_match_the_old_implementation(variant: str) -> None:
    m = sentiment.load_model(variant)
    r = rng()
    dim = m.w["proj_w"].shape[1]
    sents = []
    for j, length in enumerate((12, 40, 130)):
        hidden = r.standard_normal((length, dim)).astype(np.float32)
        offsets = np.stack([np.arange(length) * 5, np.arange(length) * 5 + 4], axis=1)
        sents.append(SentenceFeatures(j * 1000, j * 1000 + 5 * length, hidden, offsets, hidden[0]))
    spans = [(10, 19), (1000 + 50, 1000 + 64), (2000 + 400, 2000 + 409), (2000, 2004), (15, 24)]
    windows = sentiment.mention_windows(sents, spans)
    assert any(w.hi - w.lo == sentiment.MAX_PIECES for w in windows)  # a centred window
    features = r.standard_normal((len(windows), len(m.w["mu"]))).astype(np.float32)
    features = features * m.w["sd"] + m.w["mu"]
    assert m.bow is not None
    vocab = sorted(m.bow.vocab)[:400]
    bags = [set(vocab[i * 37 : i * 37 + 60]) | {"not-in-the-vocabulary"} for i in range(5)]
    new = m.predict_proba(features, windows, sents, bags)
    assert new.dtype == np.float32 and new.shape == (len(windows), 3)
    assert np.allclose(new.sum(axis=1), 1.0, atol=1e-5)
    assert close(new, _old_sentiment_proba(m, features, windows, sents, bags))
    assert m.predict_proba(features[:0], [], sents, []).shape == (0, 3)


def test_bow_regression_does_not_depend_on_set_order() -> None:
    m = sentiment.load_model("fast")
    assert m.bow is not None
    words = sorted(m.bow.vocab)[:300]
    # Any iteration order (a set's changes with the hash seed) gives the same bits.
    one = m.bow.predict_proba([cast(Any, words)])
    other = m.bow.predict_proba([cast(Any, words[::-1])])
    assert same(one, other)


def test_the_private_copies_are_gone() -> None:
    for module in (claims, techniques, sentiment, nli):
        assert not hasattr(module, "_gelu") and not hasattr(module, "_softmax")
