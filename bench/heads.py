"""The trained heads in numpy (``framelens.nlp.heads``) vs the same graphs in ONNX Runtime.

Runs the pipeline on PTC train articles to record each head's real inputs (one call per
article, or per sentence, as the pipeline makes them), exports each head's dense part as
an ONNX graph of the same operations (opset 20: MatMul, Add, Gelu tanh, Softmax, ...)
and times both on those inputs, interleaved, the median of ``--repeat`` rounds. Prints
ms per article (wall and CPU) and the largest difference between the two outputs.

    python bench/heads.py --data ../shared/datasets [--n 30] [--repeat 3]

Needs the ``onnx`` package to build the graphs (not a framelens dependency: this
measurement is the only user); ``onnxruntime`` is one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from run import load_articles  # bench/run.py
from threadpoolctl import threadpool_limits

from framelens import Pipeline, load_settings
from framelens.analyzers import claims as C
from framelens.analyzers import techniques as T
from framelens.config import find_datasets_dir
from framelens.nlp import heads
from framelens.nlp import nli as N
from framelens.nlp import sentiment as S

OPSET = 20


def record_inputs(data: Path, n: int) -> dict[str, list[Any]]:
    """Each head's inputs over ``n`` articles, as the pipeline passes them."""
    rec: dict[str, list[Any]] = {k: [] for k in ("si", "tc", "claims", "nli", "sent")}
    o_mlp, o_hs = T.MLPEnsemble.__call__, C.ClaimModel.head_scores
    o_pf, o_pp = N.BundledNLI.predict_features, S.SentimentModel.predict_proba
    si = T.load_model().si

    def mlp(self: Any, z: np.ndarray) -> np.ndarray:
        rec["si" if self is si else "tc"].append(np.array(z))
        return o_mlp(self, z)

    def hs(self: Any, sents: Any, feats: Any) -> np.ndarray:
        rows = [self.head_input(s, f) for s, f in zip(sents, feats, strict=True)]
        rec["claims"].append(np.vstack(rows))
        return o_hs(self, sents, feats)

    def pf(self: Any, x: np.ndarray) -> np.ndarray:
        rec["nli"].append(np.array(x))
        return o_pf(self, x)

    def pp(self: Any, features: Any, windows: Any, sents: Any, bags: Any = None) -> np.ndarray:
        used = sorted({w.sentence for w in windows})
        hidden = [np.asarray(sents[i].hidden, dtype=np.float32) for i in used]
        rec["sent"].append((np.array(features), hidden))
        return o_pp(self, features, windows, sents, bags)

    T.MLPEnsemble.__call__ = mlp  # type: ignore[method-assign]
    C.ClaimModel.head_scores = hs  # type: ignore[method-assign]
    N.BundledNLI.predict_features = pf  # type: ignore[method-assign]
    S.SentimentModel.predict_proba = pp  # type: ignore[method-assign]
    try:
        settings = load_settings(lang_check=False)
        list(Pipeline(None, settings).analyze_many(load_articles(data, n)))
    finally:
        T.MLPEnsemble.__call__ = o_mlp  # type: ignore[method-assign]
        C.ClaimModel.head_scores = o_hs  # type: ignore[method-assign]
        N.BundledNLI.predict_features = o_pf  # type: ignore[method-assign]
        S.SentimentModel.predict_proba = o_pp  # type: ignore[method-assign]
    return rec


# ---- the ONNX graphs --------------------------------------------------------------------


class Graph:
    """A small builder: constants become initializers, ``op`` appends a node."""

    def __init__(self) -> None:
        import onnx

        self.onnx = onnx
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self.k = 0

    def const(self, a: np.ndarray | float) -> str:
        self.k += 1
        name = f"c{self.k}"
        arr = np.asarray(a, dtype=np.float32)
        self.inits.append(self.onnx.numpy_helper.from_array(arr, name))
        return name

    def const_int(self, values: list[int]) -> str:
        self.k += 1
        name = f"c{self.k}"
        self.inits.append(self.onnx.numpy_helper.from_array(np.asarray(values, np.int64), name))
        return name

    def op(self, kind: str, *inputs: str, **attrs: Any) -> str:
        self.k += 1
        out = f"t{self.k}"
        self.nodes.append(self.onnx.helper.make_node(kind, list(inputs), [out], **attrs))
        return out

    def session(self, x_shape: Sequence[int | str], out: str, threads: int) -> Any:
        import onnxruntime as ort

        h = self.onnx.helper
        tf = self.onnx.TensorProto.FLOAT
        graph = h.make_graph(
            self.nodes,
            "head",
            [h.make_tensor_value_info("x", tf, list(x_shape))],
            [h.make_tensor_value_info(out, tf, None)],
            self.inits,
        )
        model = h.make_model(graph, opset_imports=[h.make_opsetid("", OPSET)])
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        return ort.InferenceSession(
            model.SerializeToString(), opts, providers=["CPUExecutionProvider"]
        )


def gelu_mlp_ensemble(ens: heads.MLPEnsemble, threads: int) -> Any:
    g = Graph()
    z = g.op("Div", g.op("Sub", "x", g.const(ens.mu)), g.const(ens.sd))
    outs = []
    for w1, b1, w2, b2 in ens.members:
        hid = g.op(
            "Gelu", g.op("Add", g.op("MatMul", z, g.const(w1)), g.const(b1)), approximate="tanh"
        )
        logits = g.op("Add", g.op("MatMul", hid, g.const(w2)), g.const(b2))
        outs.append(g.op("Softmax", logits, axis=-1))
    p = g.op("Div", g.op("Sum", *outs), g.const(float(len(ens.members))))
    return g.session(["n", len(ens.mu)], p, threads)


def claims_mlp(p: dict[str, np.ndarray], threads: int) -> Any:
    g = Graph()
    hid = g.op(
        "Gelu",
        g.op("Add", g.op("MatMul", "x", g.const(p["mlp1_w"].T)), g.const(p["mlp1_b"])),
        approximate="tanh",
    )
    z = g.op("Add", g.op("MatMul", hid, g.const(p["mlp2_w"])), g.const(p["mlp2_b"]))
    return g.session(["n", p["mlp1_w"].shape[1]], g.op("Sigmoid", z), threads)


def nli_mlp(mlp: heads.ReluMLP, threads: int) -> Any:
    g = Graph()
    h = g.op("Div", g.op("Sub", "x", g.const(mlp.mean)), g.const(mlp.scale))
    for i, (w, b) in enumerate(mlp.layers):
        h = g.op("Add", g.op("MatMul", h, g.const(w)), g.const(b))
        if i < len(mlp.layers) - 1:
            h = g.op("Relu", h)
    h = g.op("Div", h, g.const(mlp.temperature))
    return g.session(["n", len(mlp.mean)], g.op("Softmax", h, axis=1), threads)


def sentiment_proj(w: dict[str, np.ndarray], threads: int) -> Any:
    """The per-sentence wordpiece projection of every member: (L, 384) -> (K, L, d)."""
    g = Graph()
    x = g.op("Unsqueeze", "x", g.const_int([0]))
    out = g.op("Add", g.op("MatMul", x, g.const(w["proj_w"])), g.const(w["proj_b"][:, None, :]))
    return g.session(["L", w["proj_w"].shape[1]], out, threads)


def sentiment_xproj(w: dict[str, np.ndarray], threads: int) -> Any:
    """The mention-feature projection of every member: (n, F) -> (K, n, d)."""
    g = Graph()
    z = g.op(
        "Mul", g.op("Div", g.op("Sub", "x", g.const(w["mu"])), g.const(w["sd"])), g.const(w["keep"])
    )
    z = g.op("Unsqueeze", g.op("Clip", z, g.const(-8.0), g.const(8.0)), g.const_int([0]))
    out = g.op("Add", g.op("MatMul", z, g.const(w["xproj_w"])), g.const(w["xproj_b"][:, None, :]))
    return g.session(["n", len(w["mu"])], g.op("Gelu", out, approximate="tanh"), threads)


# ---- timing -----------------------------------------------------------------------------


def timed(fn: Callable[[Any], Any], calls: Sequence[Any]) -> tuple[float, float, list[Any]]:
    t, c = time.perf_counter(), time.process_time()
    outs = [fn(x) for x in calls]
    return time.perf_counter() - t, time.process_time() - c, outs


def ort_fn(sess: Any) -> Callable[[np.ndarray], np.ndarray]:
    def run(x: np.ndarray) -> np.ndarray:
        out: np.ndarray = sess.run(None, {"x": np.ascontiguousarray(x, np.float32)})[0]
        return out

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="shared datasets folder")
    ap.add_argument("--n", type=int, default=30, help="number of articles")
    ap.add_argument("--repeat", type=int, default=3, help="timing rounds (median reported)")
    args = ap.parse_args()
    try:
        import onnx  # noqa: F401
    except ImportError:
        sys.exit("bench/heads.py needs the onnx package to build the graphs: pip install onnx")
    data = args.data if args.data and args.data.is_dir() else find_datasets_dir()
    if data is None:
        sys.exit("bench: no datasets folder found — pass --data ../shared/datasets")
    rec = record_inputs(data, args.n)
    tm, cm, sm, nm = T.load_model(), C.load_model(), S.load_model("minilm"), N.BundledNLI()
    w = sm.w

    def np_proj(h: np.ndarray) -> np.ndarray:
        return np.matmul(h[None], w["proj_w"]) + w["proj_b"][:, None, :]

    def np_xproj(f: np.ndarray) -> np.ndarray:
        z = S.standardise(f, w)[None]
        return heads.gelu(np.matmul(z, w["xproj_w"]) + w["xproj_b"][:, None, :])

    def np_claims(x: np.ndarray) -> np.ndarray:
        p = cm.params
        hid = heads.gelu(heads.dense(x, p["mlp1_w"].T, p["mlp1_b"]))
        return heads.sigmoid(heads.dense(hid, p["mlp2_w"], float(p["mlp2_b"])))

    sent_h = [h for _, hs in rec["sent"] for h in hs]
    sent_f = [f for f, _ in rec["sent"]]
    cases: list[tuple[str, Callable[[Any], Any], Callable[[int], Any], list[Any]]] = [
        (
            "techniques span finder",
            tm.si,
            lambda t: gelu_mlp_ensemble(tm.si, t),
            rec["si"],
        ),
        (
            "techniques span labeller",
            tm.tc,
            lambda t: gelu_mlp_ensemble(tm.tc, t),
            rec["tc"],
        ),
        ("claims MLP", np_claims, lambda t: claims_mlp(cm.params, t), rec["claims"]),
        ("NLI MLP", nm.mlp, lambda t: nli_mlp(nm.mlp, t), rec["nli"]),
        ("sentiment projection", np_proj, lambda t: sentiment_proj(w, t), sent_h),
        ("sentiment mention MLP", np_xproj, lambda t: sentiment_xproj(w, t), sent_f),
    ]
    n = args.n
    print(f"{n} PTC train articles; ms per article, median of {args.repeat} rounds (wall / CPU)")
    print(
        f"{'head':<26}{'rows/call':>10}{'calls':>7}{'numpy':>16}{'numpy 1 thread':>16}"
        f"{'ORT 1 thread':>16}"
        f"{'ORT 2 threads':>16}{'max |diff|':>12}"
    )
    for name, np_fn, make, calls in cases:
        sessions = {t: make(t) for t in (1, 2)}

        fns = {
            "numpy": np_fn,
            "numpy1": np_fn,  # timed under one BLAS thread, below
            "ort1": ort_fn(sessions[1]),
            "ort2": ort_fn(sessions[2]),
        }
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in fns}
        outs: dict[str, list[Any]] = {}
        for _ in range(args.repeat):
            for k, fn in fns.items():
                with threadpool_limits(1 if k == "numpy1" else None, user_api="blas"):
                    wall, cpu, outs[k] = timed(fn, calls)
                runs[k].append((wall, cpu))
        diff = max(
            (
                float(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)).max(initial=0))
                for a, b in zip(outs["numpy"], outs["ort1"], strict=True)
            ),
            default=0.0,
        )
        cells = []
        for k in fns:
            wall = statistics.median(r[0] for r in runs[k])
            cpu = statistics.median(r[1] for r in runs[k])
            cells.append(f"{1000 * wall / n:7.2f} / {1000 * cpu / n:6.2f}")
        rows = statistics.mean(len(x) for x in calls) if calls else 0
        print(
            f"{name:<26}{rows:>10.0f}{len(calls):>7}"
            + "".join(f"{c:>16}" for c in cells)
            + f"{diff:>12.1e}"
        )


if __name__ == "__main__":
    main()
