"""Train the claims model (check-worthiness) on CLEF CheckThat! 2024 task 1, English.

    python scripts/train_claims.py --data ../shared/datasets [--out src/framelens/resources/claims]

Steps: read the four splits (the merged train line split in two); parse each
sentence with the shared spaCy pipeline and encode it with the shared MiniLM
(``encode_tokens``, exactly what ``sentence_features`` gives the analyzer), cached
under ``--cache``; fit a tf-idf n-gram logistic regression (scikit-learn) and a
small attention head over the wordpiece vectors (torch, training only); export
both as plain arrays; pick the blend weight and the threshold that maximise the
mean F1 of dev and dev-test; check that the numpy model reproduces the torch
head; print F1/precision/recall on every split (test is only reported).

Needs torch (``pip install torch==2.13.0``) for training; the shipped model does not.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from _training import cache_dir

from framelens.analyzers.claims import (
    LEXICAL_FEATURES,
    ClaimModel,
    lexical_features,
    ngrams,
)
from framelens.config import load_settings
from framelens.eval.checkthat import SPLITS, Sentence, prf, read_split
from framelens.nlp import get_embedder, load_nlp
from framelens.nlp.features import SentenceFeatures

MAX_PIECES = 96  # wordpieces per training sentence (99th percentile of dev is 69)
TUNE = ("dev", "dev-test")


def load_split(folder: Path, split: str, cache: Path) -> tuple[list[Sentence], list[Any], list]:
    """Sentences, spaCy docs and MiniLM token features of a split (cached)."""
    from spacy.tokens import DocBin

    settings = load_settings(lang_check=False)
    nlp = load_nlp(settings.spacy_model, settings.max_chars)
    rows = read_split(folder, split)
    texts = [r.text for r in rows]
    doc_file, tok_file = cache / f"{split}.spacy", cache / f"{split}.tok.pkl"
    if doc_file.is_file() and tok_file.is_file():
        docs = list(DocBin().from_disk(doc_file).get_docs(nlp.vocab))
        tok = pickle.loads(tok_file.read_bytes())
    else:
        t0 = time.time()
        docs = list(nlp.pipe(texts, batch_size=256))
        DocBin(store_user_data=False, docs=docs).to_disk(doc_file)
        feats = get_embedder(settings.encoder_spec).encode_tokens(texts)
        tok = [(f.hidden.astype(np.float16), np.asarray(f.offsets), f.pooled) for f in feats]
        tok_file.write_bytes(pickle.dumps(tok))
        print(f"{split}: parsed and encoded {len(texts)} sentences in {time.time() - t0:.0f}s")
    if len(docs) != len(rows) or len(tok) != len(rows):
        sys.exit(f"cache for {split} does not match the data: delete {cache} and rerun")
    feats_out = [
        SentenceFeatures(0, len(t), h.astype(np.float32), np.asarray(o).reshape(-1, 2), p)
        for t, (h, o, p) in zip(texts, tok, strict=True)
    ]
    return rows, docs, feats_out


def best_threshold(
    scores: dict[str, np.ndarray], gold: dict[str, np.ndarray]
) -> tuple[float, float]:
    """The threshold (0.05..0.95) with the highest mean F1 over the tuning splits."""
    best = (0.0, 0.5)
    for th in np.round(np.arange(0.05, 0.951, 0.01), 2):
        f1 = np.mean([prf(list(gold[s]), list(scores[s] >= th))["f1"] for s in TUNE])
        if f1 > best[0]:
            best = (float(f1), float(th))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="shared datasets folder")
    ap.add_argument("--out", type=Path, default=Path("src/framelens/resources/claims"))
    ap.add_argument("--cache", type=Path, default=cache_dir("claims"))
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2, help="torch threads")
    args = ap.parse_args()

    import torch
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    folder = args.data / "checkthat2024" if (args.data / "checkthat2024").is_dir() else args.data
    args.cache.mkdir(parents=True, exist_ok=True)
    data = {s: load_split(folder, s, args.cache) for s in SPLITS}
    gold = {s: np.array([r.label for r in data[s][0]]) for s in SPLITS}
    texts = {s: [r.text for r in data[s][0]] for s in SPLITS}

    # -- tf-idf n-grams: the same analyzer and weighting as claims.tfidf_row.
    vec = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True, min_df=2, dtype=np.float32)
    x_train = vec.fit_transform(texts["train"])
    lr = LogisticRegression(C=4.0, max_iter=5000).fit(x_train, gold["train"])  # C tuned on dev
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)

    # -- the head over wordpiece vectors.
    lex = {s: np.vstack([lexical_features(d[:]) for d in data[s][1]]) for s in SPLITS}
    lex_mean = lex["train"].mean(axis=0)
    lex_scale = lex["train"].std(axis=0) + 1e-6
    pooled_scale = 10.0  # unit-norm embedding -> roughly unit-variance inputs

    class Head(torch.nn.Module):
        def __init__(self, d: int = 384, hid: int = 128, drop: float = 0.2):
            super().__init__()
            self.att = torch.nn.Linear(d, 1)
            self.mlp1 = torch.nn.Linear(3 * d + len(LEXICAL_FEATURES), hid)
            self.mlp2 = torch.nn.Linear(hid, 1)
            self.drop = torch.nn.Dropout(drop)

        def forward(self, h: Any, m: Any, lx: Any, pooled: Any) -> Any:
            a = self.att(h).squeeze(-1).masked_fill(~m, -1e4).softmax(-1)
            att = (a.unsqueeze(-1) * h).sum(1)
            mx = h.masked_fill(~m.unsqueeze(-1), -1e4).max(1).values
            z = torch.cat([pooled * pooled_scale, att, mx, lx], -1)
            hid = torch.nn.functional.gelu(self.mlp1(self.drop(z)), approximate="tanh")
            return self.mlp2(self.drop(hid)).squeeze(-1)

    def batch(split: str, idx: np.ndarray) -> tuple[Any, ...]:
        feats = data[split][2]
        width = max(1, max(min(len(feats[i].hidden), MAX_PIECES) for i in idx))
        h = np.zeros((len(idx), width, 384), dtype=np.float32)
        m = np.zeros((len(idx), width), dtype=bool)
        for j, i in enumerate(idx):
            k = min(len(feats[i].hidden), MAX_PIECES)
            h[j, :k] = feats[i].hidden[:k]
            m[j, : max(k, 1)] = True
        lx = (lex[split][idx] - lex_mean) / lex_scale
        pooled = np.vstack([feats[i].pooled for i in idx])
        return tuple(torch.tensor(a) for a in (h, m, lx.astype(np.float32), pooled))

    head = Head()
    n = len(gold["train"])
    lengths = np.array([len(f.hidden) for f in data["train"][2]])
    steps = args.epochs * ((n + 63) // 64)
    opt = torch.optim.AdamW(head.parameters(), lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps)
    y_train = torch.tensor(gold["train"].astype(np.float32))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    for epoch in range(args.epochs):
        t0 = time.time()
        head.train()
        # Batches of similar length (shuffled within chunks) keep padding small.
        order = np.argsort(lengths + np.random.rand(n) * 8)
        batches = [order[i : i + 64] for i in range(0, n, 64)]
        np.random.shuffle(batches)
        total = 0.0
        for idx in batches:
            loss = loss_fn(head(*batch("train", idx)), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(idx)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / n:.4f} ({time.time() - t0:.0f}s)")
    head.eval()

    # -- export as plain arrays and check the numpy model against torch.
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in head.state_dict().items()}
    params = {
        "att_w": sd["att.weight"][0],
        "att_b": sd["att.bias"],
        "mlp1_w": sd["mlp1.weight"],
        "mlp1_b": sd["mlp1.bias"],
        "mlp2_w": sd["mlp2.weight"][0],
        "mlp2_b": sd["mlp2.bias"][0],
        "lex_mean": lex_mean.astype(np.float32),
        "lex_scale": lex_scale.astype(np.float32),
        "pooled_scale": np.float32(pooled_scale),
        "tfidf_idf": vec.idf_.astype(np.float32),
        "tfidf_coef": lr.coef_[0].astype(np.float32),
        "tfidf_intercept": np.float32(lr.intercept_[0]),
    }
    model = ClaimModel(
        params={k: np.asarray(v, dtype=np.float32) for k, v in params.items()},
        vocab={g: i for i, g in enumerate(vocab)},
        blend=1.0,
        threshold=0.5,
        meta={},
    )
    head_scores: dict[str, np.ndarray] = {}
    tfidf_scores: dict[str, np.ndarray] = {}
    for s in SPLITS:
        if s == "train":
            continue
        _, docs, feats = data[s]
        head_scores[s] = model.head_scores([d[:] for d in docs], feats)
        tfidf_scores[s] = model.tfidf_scores(texts[s])
    with torch.no_grad():
        idx = np.arange(min(200, len(gold["dev"])))
        ref = torch.sigmoid(head(*batch("dev", idx))).numpy()
    # The numpy head sees all wordpieces, torch at most MAX_PIECES: compare short ones.
    short = [i for i in idx if len(data["dev"][2][i].hidden) <= MAX_PIECES]
    diff = float(np.abs(ref[short] - head_scores["dev"][short]).max())
    print(f"numpy vs torch head, max |diff| on {len(short)} dev sentences: {diff:.2e}")
    if diff > 1e-3:
        sys.exit("the numpy head does not reproduce the torch head")
    sk = lr.predict_proba(vec.transform(texts["dev"]))[:, 1]
    diff_tf = float(np.abs(sk - tfidf_scores["dev"]).max())
    print(f"numpy vs scikit-learn tf-idf model, max |diff| on dev: {diff_tf:.2e}")
    if diff_tf > 1e-3:
        sys.exit("the numpy tf-idf model does not reproduce scikit-learn")

    # -- blend weight and threshold: highest mean F1 over dev and dev-test.
    choice = (0.0, 1.0, 0.5)
    for blend in (1.0, 0.9, 0.8, 0.7, 0.6, 0.5):
        scores = {s: blend * head_scores[s] + (1 - blend) * tfidf_scores[s] for s in TUNE}
        f1, th = best_threshold(scores, gold)
        print(f"blend {blend:.1f}: mean dev/dev-test F1 {f1:.4f} at threshold {th:.2f}")
        if f1 > choice[0] + 1e-9:
            choice = (f1, blend, th)
    _, blend, threshold = choice
    metrics: dict[str, dict[str, float]] = {}
    for s in ("dev", "dev-test", "test"):
        scores_s = blend * head_scores[s] + (1 - blend) * tfidf_scores[s]
        metrics[s] = {
            k: round(v, 4) for k, v in prf(list(gold[s]), list(scores_s >= threshold)).items()
        }
        print(f"{s:<9} " + "  ".join(f"{k} {v:.4f}" for k, v in metrics[s].items()))

    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "model.npz", **params)
    meta = {
        "name": "claims.v2",  # v2: the tuned encoder's vectors (v1: frozen MiniLM)
        "trained": time.strftime("%Y-%m-%d"),
        "data": "CLEF CheckThat! 2024 task 1 English (train; tuned on dev + dev-test)",
        "blend": blend,
        "threshold": threshold,
        "lexical_features": list(LEXICAL_FEATURES),
        "metrics": metrics,
        "hyperparameters": {
            "epochs": args.epochs,
            "lr": args.lr,
            "seed": args.seed,
            "tfidf_C": 4.0,
            "min_df": 2,
            "hidden": 128,
            "max_pieces": MAX_PIECES,
        },
        "vocab": vocab,
    }
    (args.out / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    size = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"wrote {args.out} ({size / 1e6:.2f} MB), blend {blend}, threshold {threshold}")


if __name__ == "__main__":
    main()
