"""The one runtime of the trained heads: their weights, activations and forward passes.

The claims, techniques, sentiment (portrayal) and NLI heads are small networks trained
with torch or scikit-learn (``scripts/train_*.py``) and run here in numpy on the CPU.
This module is all they share:

- ``load_weights``: a head's ``.npz`` file as float32 arrays (int8 matrices stored with a
  per-column scale are dequantized), read once per process and read-only; a missing or
  unreadable file is a coded ``ModelError`` (E300) that names the file and how to fix it.
- activations: ``gelu`` (the tanh form every head was trained with), ``softmax``,
  ``sigmoid``, ``relu``; ``dense`` layers and ``attention_pool``.
- the two forward passes more than one head shape uses: ``MLPEnsemble`` (standardised
  input, GELU hidden layer, softmax, averaged over members: the techniques span finder and
  span labeller) and ``ReluMLP`` (standardised input, ReLU layers, softmax with a
  temperature: the NLI head). The claims head (attention pool + GELU MLP + sigmoid) and
  the sentiment heads (target-aware attention ensemble) compose these pieces in their own
  modules.

Every function keeps its input's dtype (float32 in, float32 out) and the exact order of
operations of the copies it replaced, so the heads' outputs are bit for bit what they
were; scores feed thresholds.

numpy or ONNX Runtime? Measured with ``bench/heads.py`` (2 shared cores, numpy 2.4 with
OpenBLAS, ONNX Runtime 1.32): each head's dense part exported as an ONNX graph of the same
operations (opset 20: MatMul, Add, Gelu tanh, Softmax, ...), both run on the inputs the
pipeline gave the heads on 30 PTC train articles, one call per article (per sentence for
the sentiment projection), wall ms per article, median of 5 rounds:

    head (rows per call)             numpy   numpy, 1 BLAS thread   ORT, 1 thread   max |diff|
    techniques span finder (1088)    152.9          92.9               30.6          4.8e-07
    techniques span labeller (6)       1.7           1.1                0.5          3.0e-07
    claims MLP (40)                    1.0           0.7                0.1          2.1e-07
    NLI MLP (114)                      1.8           1.2                0.9          6.0e-07
    sentiment projection (34)          6.6           6.1                5.5          3.6e-06
    sentiment mention MLP (62)         5.2           5.2                2.2          7.6e-06

ONNX Runtime is faster, mostly on the span finder, and for two reasons that are not ONNX:
numpy's float32 ``x**3`` inside ``gelu`` costs ~50 ns an element (~14 ms per member and
article in the span finder, 3 members; ``x * x * x`` would take 0.1 ms and bring the span
finder from 87 to 38 ms CPU per article on one BLAS thread, against ONNX Runtime's 29),
and two BLAS threads on two busy cores wait on each other.
numpy stays, for now, because every alternative moves the outputs in their last bits
(ONNX Runtime's own GELU and kernels; ``x * x * x`` differs from numpy's ``x**3`` for ~20%
of float32 inputs; the BLAS thread count changes the sums' order), and this module's
contract is bit-identical scores; shipping the graphs would also add ~14 MB of float32
weights for the techniques heads alone (their ``.npz`` is int8).
"""

from __future__ import annotations

import functools
import zipfile
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import Errors

#: sqrt(2 / pi), the constant of the tanh form of GELU.
GELU_C = 0.7978845608028654


# ---- weights ------------------------------------------------------------------------------


def resource_file(folder: str, name: str) -> Path:
    """The path of a file shipped in ``framelens/resources/<folder>/``."""
    return Path(str(resources.files("framelens.resources").joinpath(folder).joinpath(name)))


def load_weights(path: str | Path, *, model: str, fix: str) -> dict[str, np.ndarray]:
    """The arrays of the ``.npz`` file at ``path`` as read-only float32 arrays, read once.

    ``NAME.q`` (int8) times ``NAME.scale`` is stored as ``NAME`` (``dequantize``).
    ``model`` names the head in the error a missing or broken file raises, ``fix`` says
    how to get a good one.
    """
    try:
        return dict(_read_weights(str(path)))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise Errors.E300(
            f"the {model} weights {str(path)!r} could not be read ({type(exc).__name__}: {exc})",
            fix=fix,
            value=str(path),
        ) from None


@functools.lru_cache(maxsize=16)
def _read_weights(path: str) -> Mapping[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as npz:
        stored = {k: npz[k] for k in npz.files}
    for k, v in stored.items():
        if not isinstance(v, np.ndarray):  # a member that is not a .npy comes back as bytes
            raise ValueError(f"{k!r} is not an array")
    arrays = dequantize(stored)
    for a in arrays.values():
        a.flags.writeable = False  # shared by every caller in the process
    return arrays


def dequantize(arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """float32 arrays from stored ones: ``NAME.q`` (int8) times ``NAME.scale`` per column."""
    out: dict[str, np.ndarray] = {}
    for k, v in arrays.items():
        if k.endswith(".scale") and f"{k[:-6]}.q" in arrays:
            continue
        if k.endswith(".q"):
            name = k[:-2]
            out[name] = v.astype(np.float32) * arrays[f"{name}.scale"].astype(np.float32)
        else:
            out[k] = v.astype(np.float32)
    return out


def quantize(arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Matrices to int8 with a float32 scale per output column; vectors to float16
    (``.mu``/``.sd`` stay float32). ``dequantize`` reads them back."""
    out: dict[str, np.ndarray] = {}
    for k, v in arrays.items():
        if v.ndim == 2 and v.size >= 4096:
            scale = np.abs(v).max(axis=0, keepdims=True) / 127.0
            scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
            out[f"{k}.q"] = np.clip(np.round(v / scale), -127, 127).astype(np.int8)
            out[f"{k}.scale"] = scale
        else:
            out[k] = v.astype(np.float32 if k.endswith((".mu", ".sd")) else np.float16)
    return out


# ---- activations and layers ---------------------------------------------------------------


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh approximation (torch ``gelu(approximate="tanh")``), as the heads were trained.

    ``x * x * x``, not ``x**3``: numpy's float32 power cost ~14 ms per ensemble member per
    article (span finder 87 -> 38 ms of CPU). It rounds differently in the last bit for ~20%
    of inputs (largest probability change 1.2e-7); no finding of the examples changed.
    """
    out: np.ndarray = 0.5 * x * (1.0 + np.tanh(GELU_C * (x + 0.044715 * (x * x * x))))
    return out


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis`` (the maximum subtracted first)."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    out: np.ndarray = e / e.sum(axis=axis, keepdims=True)
    return out


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, its argument clipped to +-30."""
    out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))
    return out


def relu(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.maximum(x, 0.0)
    return out


def dense(x: np.ndarray, w: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    """``x @ w + b``: a linear layer with ``w`` of shape (in, out)."""
    out: np.ndarray = x @ w + b
    return out


def attention_pool(h: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rows of ``h`` (n, d) averaged with the weights ``softmax(h @ w + b)``: shape (d,)."""
    out: np.ndarray = softmax(h @ w + b) @ h
    return out


# ---- forward passes -----------------------------------------------------------------------


class MLPEnsemble:
    """Standardised input -> GELU hidden layer -> softmax, probabilities averaged over members.

    Arrays ``{prefix}.mu``/``.sd`` and ``{prefix}.{i}.w1/b1/w2/b2`` for members i = 0, 1, ...
    """

    def __init__(self, w: Mapping[str, np.ndarray], prefix: str, *, model: str, fix: str):
        self.mu = w[f"{prefix}.mu"]
        self.sd = w[f"{prefix}.sd"]
        self.members: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        i = 0
        while f"{prefix}.{i}.w1" in w:
            q = f"{prefix}.{i}"
            self.members.append((w[f"{q}.w1"], w[f"{q}.b1"], w[f"{q}.w2"], w[f"{q}.b2"]))
            i += 1
        if not self.members:
            raise Errors.E300(f"the {model} weights have no {prefix!r} network", fix=fix)
        self.n_out = self.members[0][3].shape[0]

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """(n, n_out) float32 probabilities of input rows ``z`` (n, n_in)."""
        if len(z) == 0:
            return np.zeros((0, self.n_out), dtype=np.float32)
        z = (z - self.mu) / self.sd
        p = np.zeros((len(z), self.n_out), dtype=np.float32)
        for w1, b1, w2, b2 in self.members:
            p += softmax(dense(gelu(dense(z, w1, b1)), w2, b2))
        out: np.ndarray = p / len(self.members)
        return out


class ReluMLP:
    """Standardised input -> ReLU hidden layers -> linear -> softmax of logits / temperature."""

    def __init__(
        self,
        mean: np.ndarray,
        scale: np.ndarray,
        layers: Sequence[tuple[np.ndarray, np.ndarray]],
        temperature: float = 1.0,
    ):
        self.mean = mean
        self.scale = scale
        self.layers = list(layers)
        self.temperature = temperature

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """(n, n_out) float32 probabilities of input rows ``x``."""
        h = (np.atleast_2d(x).astype(np.float32) - self.mean) / self.scale
        last = len(self.layers) - 1
        for i, (w, b) in enumerate(self.layers):
            h = dense(h, w, b)
            if i < last:
                h = relu(h)
        return softmax(h / self.temperature, axis=1)


@functools.lru_cache(maxsize=1)
def _blas_controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # comes with scikit-learn; without it, BLAS keeps its threads
        return None
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[Any]:
    """Small matrix products on one BLAS thread (the pipeline runs its analyzers so).

    Measured on 2 shared cores: BLAS threads waiting on each other (and on ONNX Runtime's)
    made the contradictions analyzer 3.5x slower (324 vs 93 ms/article, PTC articles), and
    the sentiment head used 180-240 ms of CPU per article with two threads, 24 with one.
    """
    controller = _blas_controller()
    return controller.limit(limits=1, user_api="blas") if controller else nullcontext()
