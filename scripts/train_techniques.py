"""Train the `techniques` analyzer (span finder + span labeller) on PTC train.

    python scripts/train_techniques.py --data ../shared/datasets [--cache DIR] [--out DIR]
        [--tc-prior-only]

Steps: (1) parse every PTC train article with the shipped spaCy pipeline and run the
shipped MiniLM once per sentence (``nlp.features.sentence_features``, exactly what the
analyzer sees), cached under ``--cache``; (2) choose the labeller's class-prior adjustment
(``tc_prior_tau``) on out-of-fold predictions over train; (3) cross-fit both heads over
``--folds`` folds of train to choose the span decoding; (4) train on all of train and write
float16 weights + ``model.json`` to ``--out``. ``--tc-prior-only`` stops after (2) and
updates the ``model.json`` already in ``--out``. The dev split is the test set: it is never
used here (``framelens eval techniques --split dev`` reports on it).

Torch is needed for training only (``pip install torch==2.13.0``); the shipped analyzer
runs the weights in numpy.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from _training import cache_dir, torch_mod

from framelens import load_settings
from framelens.analyzers import techniques as T
from framelens.context import Context
from framelens.eval.ptc import load_split, merge_overlapping, si_score, tc_score
from framelens.model import Analysis, Article
from framelens.nlp import load_nlp
from framelens.nlp.features import sentence_features
from framelens.nlp.heads import dequantize, quantize

LABELS = list(T.TECHNIQUES)


# ---- step 1: features (cached) ----------------------------------------------------------


@dataclass
class CachedSentence:
    start: int
    end: int
    hidden: np.ndarray
    offsets: np.ndarray
    pooled: np.ndarray


def extract(data: Path, split: str, cache: Path) -> list[dict[str, Any]]:
    """Parsed tokens + MiniLM wordpiece vectors of every article of ``split`` (cached)."""
    path = cache / f"{split}.pkl"
    if path.is_file():
        with open(path, "rb") as fh:
            return pickle.load(fh)  # type: ignore[no-any-return]
    settings = load_settings(config_file=None)
    arts = load_split(data / "ptc2020", split)
    nlp = load_nlp(settings.spacy_model, settings.max_chars)
    out = []
    t0 = time.time()
    docs = nlp.pipe([a.text for a in arts], batch_size=16)
    for i, (a, doc) in enumerate(zip(arts, docs, strict=True)):
        art = Article(id=a.id, text=a.text)
        ctx = Context(article=art, doc=doc, analysis=Analysis(article=art), settings=settings)
        feats = sentence_features(ctx)
        out.append(
            dict(
                id=a.id,
                text=a.text,
                techniques=a.techniques,
                spans=a.spans,
                sents=np.array([(f.start, f.end) for f in feats], dtype=np.int64).reshape(-1, 2),
                hidden=[f.hidden.astype(np.float16) for f in feats],
                offsets=[f.offsets for f in feats],
                pooled=np.stack([f.pooled for f in feats]).astype(np.float32),
                tokens=[
                    (t.idx, t.idx + len(t.text), t.lower_, t.lemma_.lower(), bool(t.is_stop))
                    for t in doc
                    if not t.is_space
                ],
            )
        )
        if i % 25 == 0:
            print(f"  {split}: {i}/{len(arts)} articles, {time.time() - t0:.0f}s", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        pickle.dump(out, fh, protocol=5)
    return out


def inputs_of(rec: dict[str, Any], lexicon: T.Lexicon) -> T.ArticleInputs:
    toks = [T.Tok(*t) for t in rec["tokens"]]
    sents = [
        CachedSentence(int(a), int(b), h, o, p)
        for (a, b), h, o, p in zip(
            rec["sents"], rec["hidden"], rec["offsets"], rec["pooled"], strict=True
        )
    ]
    return T.build_inputs(rec["text"], toks, sents, lexicon)


@dataclass
class Example:
    id: str
    inp: T.ArticleInputs
    bio: np.ndarray  # (n,) 0=O 1=B 2=I per wordpiece row
    spans: list[tuple[int, int]]  # unique gold TC spans
    span_labels: list[list[int]]  # label indices per unique span
    si_gold: list[tuple[int, int]]


def make_example(rec: dict[str, Any], lexicon: T.Lexicon) -> Example:
    inp = inputs_of(rec, lexicon)
    n = len(inp.offsets)
    bio = np.zeros(n, dtype=np.int64)
    mid = (inp.offsets[:, 0] + inp.offsets[:, 1]) / 2.0 if n else np.zeros(0)
    # The SI gold merged as the scorer merges it; a wordpiece is inside when its middle is.
    for s, e in merge_overlapping(rec["spans"]):
        rows = np.flatnonzero((mid >= s) & (mid < e))
        if len(rows):
            bio[rows] = 2
            bio[rows[0]] = 1
    labels: dict[tuple[int, int], list[int]] = {}
    for t, s, e in rec["techniques"]:
        labels.setdefault((s, e), []).append(LABELS.index(t))
    spans = list(labels)
    return Example(rec["id"], inp, bio, spans, [labels[s] for s in spans], list(rec["spans"]))


# ---- step 2: training (torch) -------------------------------------------------------------


@dataclass
class Hyper:
    si_neighbours: int = 1
    si_hidden: int = 256
    si_epochs: int = 6
    tc_hidden: int = 256
    tc_epochs: int = 15
    members: int = 3  # ensemble size of each network
    drop_in: float = 0.2
    drop: float = 0.3
    tc_drop: float = 0.5
    lr: float = 1e-3
    batch_si: int = 256
    batch_tc: int = 64
    seed: int = 13


def standardise(x: np.ndarray, chunk: int = 65536) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """In place, chunk by chunk (the SI matrix is large): float16 ``(x - mu) / sd``."""
    total = np.zeros(x.shape[1], dtype=np.float64)
    sq = np.zeros(x.shape[1], dtype=np.float64)
    for i in range(0, len(x), chunk):
        c = x[i : i + chunk].astype(np.float64)
        total += c.sum(axis=0)
        sq += (c * c).sum(axis=0)
    mu = total / len(x)
    sd = np.sqrt(np.maximum(sq / len(x) - mu * mu, 0.0)) + 1e-3
    out = x.astype(np.float16, copy=False)
    for i in range(0, len(x), chunk):
        out[i : i + chunk] = ((x[i : i + chunk].astype(np.float32) - mu) / sd).astype(np.float16)
    return out, mu.astype(np.float32), sd.astype(np.float32)


def train_mlp(
    z: np.ndarray,
    y: np.ndarray,
    n_out: int,
    hidden: int,
    epochs: int,
    batch: int,
    drop_in: float,
    drop: float,
    lr: float,
    seed: int,
    log: Any = print,
    tag: str = "",
) -> dict[str, np.ndarray]:
    """One member: dropout -> Linear -> GELU(tanh) -> dropout -> Linear, AdamW + one-cycle."""
    torch = torch_mod()
    from torch import nn

    torch.manual_seed(seed)
    net = nn.Sequential(
        nn.Dropout(drop_in),
        nn.Linear(z.shape[1], hidden),
        nn.GELU(approximate="tanh"),
        nn.Dropout(drop),
        nn.Linear(hidden, n_out),
    )
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.01)
    steps = epochs * math.ceil(len(z) / batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    zt, yt = torch.from_numpy(z), torch.from_numpy(y)
    for ep in range(epochs):
        net.train()
        t0, tot = time.time(), 0.0
        perm = torch.randperm(len(zt))
        for i in range(0, len(perm), batch):
            b = perm[i : i + batch]
            loss = nn.functional.cross_entropy(net(zt[b].float()), yt[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss.detach()) * len(b)
        log(
            f"  {tag} seed {seed} epoch {ep + 1}/{epochs}: loss {tot / len(zt):.4f} "
            f"({time.time() - t0:.0f}s)"
        )
    lin1, lin2 = net[1], net[4]
    return {
        "w1": lin1.weight.detach().numpy().T.copy(),
        "b1": lin1.bias.detach().numpy().copy(),
        "w2": lin2.weight.detach().numpy().T.copy(),
        "b2": lin2.bias.detach().numpy().copy(),
    }


def si_data(exs: list[Example], k: int) -> tuple[np.ndarray, np.ndarray]:
    """float16 rows (half the memory: ~400k rows x 2,000 features for all of train)."""
    n = sum(len(ex.bio) for ex in exs)
    width = T.si_rows(exs[0].inp, k).shape[1]
    z = np.zeros((n, width), dtype=np.float16)
    row = 0
    for ex in exs:
        r = T.si_rows(ex.inp, k)
        z[row : row + len(r)] = r
        row += len(r)
    return z, np.concatenate([ex.bio for ex in exs])


def tc_data(exs: list[Example]) -> tuple[np.ndarray, np.ndarray]:
    """One row per gold TC line (a span with two techniques gives two rows)."""
    zs, ys = [], []
    for ex in exs:
        if not ex.spans:
            continue
        z = T.tc_rows(ex.inp, ex.spans)
        for i, labs in enumerate(ex.span_labels):
            for lab in labs:
                zs.append(z[i])
                ys.append(lab)
    return np.stack(zs), np.array(ys, dtype=np.int64)


def tc_texts(exs: list[Example]) -> list[str]:
    """The span text of every row of ``tc_data``, in the same order."""
    return [
        ex.inp.text[s:e]
        for ex in exs
        for (s, e), labs in zip(ex.spans, ex.span_labels, strict=True)
        for _ in labs
    ]


#: Span-text model: 20k char 2-5-grams + 10k word 1-2-grams, C=5, mixed in with weight 0.4
#: (chosen by 5-fold cross-validation on PTC train: 0.642 -> 0.660 TC micro-F1).
TEXT_MODEL = {"max_char": 20000, "max_word": 10000, "C": 5.0, "weight": 0.4}


def train_text_model(
    texts: list[str], y: np.ndarray, log: Any = print
) -> tuple[dict[str, list[str]], dict[str, np.ndarray]]:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vc = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        min_df=2,
        sublinear_tf=True,
        max_features=TEXT_MODEL["max_char"],
    )
    vw = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=TEXT_MODEL["max_word"]
    )
    x = hstack([vc.fit_transform(texts), vw.fit_transform(texts)]).tocsr()
    clf = LogisticRegression(C=TEXT_MODEL["C"], max_iter=3000).fit(x, y)
    log(f"TC span-text model: {x.shape[1]:,} n-grams")
    vocab = {
        "char": [g for g, _ in sorted(vc.vocabulary_.items(), key=lambda kv: kv[1])],
        "word": [g for g, _ in sorted(vw.vocabulary_.items(), key=lambda kv: kv[1])],
    }
    coef = np.zeros((x.shape[1], len(LABELS)), dtype=np.float32)
    bias = np.full(len(LABELS), -30.0, dtype=np.float32)  # a class absent from train: never
    for j, c in enumerate(clf.classes_):
        coef[:, c] = clf.coef_[j]
        bias[c] = clf.intercept_[j]
    w = {
        "tct.idf_char": vc.idf_.astype(np.float32),
        "tct.idf_word": vw.idf_.astype(np.float32),
        "tct.coef": coef,
        "tct.bias": bias,
    }
    # The numpy re-implementation must agree with sklearn.
    mine = T.SpanTextModel(vocab, w)(texts[:200])
    ref = np.zeros_like(mine)
    ref[:, clf.classes_] = clf.predict_proba(x[:200])
    assert np.abs(mine - ref).max() < 1e-3, np.abs(mine - ref).max()
    return vocab, w


def train_net(
    prefix: str, z: np.ndarray, y: np.ndarray, n_out: int, hp: Hyper, log: Any = print
) -> dict[str, np.ndarray]:
    zs, mu, sd = standardise(z)
    del z
    si = prefix == "si"
    w: dict[str, np.ndarray] = {f"{prefix}.mu": mu, f"{prefix}.sd": sd}
    for m in range(hp.members):
        member = train_mlp(
            zs,
            y,
            n_out,
            hidden=hp.si_hidden if si else hp.tc_hidden,
            epochs=hp.si_epochs if si else hp.tc_epochs,
            batch=hp.batch_si if si else hp.batch_tc,
            drop_in=hp.drop_in,
            drop=hp.drop if si else hp.tc_drop,
            lr=hp.lr,
            seed=hp.seed + 100 * m,
            log=log,
            tag=prefix.upper(),
        )
        w.update({f"{prefix}.{m}.{k}": v for k, v in member.items()})
    return w


# ---- held-out evaluation ----------------------------------------------------------------


def decode(ex: Example, probs: np.ndarray, **params: Any) -> list[tuple[int, int]]:
    p_in = 1.0 - probs[:, 0]
    out = []
    for a, b in T.decode_runs(p_in, ex.inp.sent_of, **params):
        s, e = T.snap_to_tokens(ex.inp, int(ex.inp.offsets[a, 0]), int(ex.inp.offsets[b - 1, 1]))
        if e > s:
            out.append((s, e))
    return out


#: Decoding settings tried on the held-out slice; the best is shipped.
DECODING_GRID = [
    {"high": h, "low": lo, "gap": g, "cross_sentences": True}
    for h in (0.35, 0.4, 0.45, 0.5, 0.55)
    for lo in (0.06, 0.1, 0.15)
    for g in (4, 8, 12, 16)
]


def tune_decoding(probs: list[np.ndarray], dev: list[Example]) -> dict[str, Any]:
    gold = {ex.id: ex.si_gold for ex in dev}
    best: dict[str, Any] = {"f1": -1.0}
    for params in DECODING_GRID:
        pred = {ex.id: decode(ex, p, **params) for ex, p in zip(dev, probs, strict=True)}
        s = si_score(pred, gold)
        if s["f1"] > best["f1"]:
            best = {
                "f1": s["f1"],
                "precision": s["precision"],
                "recall": s["recall"],
                "decoding": params,
            }
    return best


def tc_scores(exs: list[Example], probs: list[np.ndarray], scale: np.ndarray | None) -> dict:
    """Official TC micro- and macro-F1 of ``probs`` (one row per unique gold span)."""
    gold, pred = [], []
    for ex, p in zip(exs, probs, strict=True):
        if scale is not None and len(p):
            p = p * scale
        for (s, e), labs, row in zip(ex.spans, ex.span_labels, p, strict=True):
            gold += [(ex.id, LABELS[lab], s, e) for lab in labs]
            pred += [(ex.id, LABELS[r], s, e) for r in np.argsort(-row)[: len(labs)]]
    sc = tc_score(gold, pred)
    return {"micro_f1": sc["f1"], "macro_f1": sc["macro_f1"]}


def tc_accuracy(model: T.TechniqueModel, dev: list[Example]) -> float:
    """Official TC micro-F1 on held-out gold spans (k labels for a span with k techniques)."""
    dev = [ex for ex in dev if ex.spans]
    return tc_scores(dev, [model.classify(ex.inp, ex.spans) for ex in dev], None)["micro_f1"]


def build_model(
    w: dict[str, np.ndarray],
    vocab: dict[str, list[str]],
    hp: Hyper,
    decoding: dict[str, Any],
    adjust: dict[str, Any] | None = None,
) -> T.TechniqueModel:
    config = {
        "labels": LABELS,
        "si_neighbours": hp.si_neighbours,
        "decoding": decoding,
        "tc_text_weight": TEXT_MODEL["weight"],
        **(adjust or {}),
    }
    return T.TechniqueModel(w, config, vocab)


def fit(
    exs: list[Example], hp: Hyper, log: Any = print
) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    z, y = si_data(exs, hp.si_neighbours)
    log(f"SI: {len(y):,} wordpieces x {z.shape[1]} features")
    w = train_net("si", z, y, 3, hp, log)
    del z
    z, y = tc_data(exs)
    log(f"TC: {len(y):,} gold lines x {z.shape[1]} features")
    w.update(train_net("tc", z, y, len(LABELS), hp, log))
    vocab, tw = train_text_model(tc_texts(exs), y, log)
    w.update(tw)
    return w, vocab


# ---- the labeller's class prior ---------------------------------------------------------

#: Values of ``tau`` tried for the labeller's prior adjustment (``TechniqueModel.classify``).
TAU_GRID = [round(0.1 * i, 1) for i in range(11)]


def tc_prior(exs: list[Example]) -> list[float]:
    """Share of each technique among the gold TC lines."""
    counts = Counter(lab for ex in exs for labs in ex.span_labels for lab in labs)
    total = sum(counts.values())
    return [counts[i] / total for i in range(len(LABELS))]


def folds_of(exs: list[Example], folds: int) -> dict[str, int]:
    """Each train article's fold (the same split for every cross-fitting)."""
    ids = sorted(ex.id for ex in exs)
    random.Random(7).shuffle(ids)
    return {a: i % folds for i, a in enumerate(ids)}


def tc_out_of_fold(exs: list[Example], folds: int, hp: Hyper, log: Any = print) -> list[np.ndarray]:
    """Out-of-fold labeller probabilities of every train gold span (the SI net is not
    trained: the labeller reads gold spans)."""
    fold_of = folds_of(exs, folds)
    probs: dict[str, np.ndarray] = {}
    for f in range(folds):
        tr = [ex for ex in exs if fold_of[ex.id] != f]
        te = [ex for ex in exs if fold_of[ex.id] == f]
        log(f"fold {f + 1}/{folds}: labeller on {len(tr)} articles, predict {len(te)}")
        z, y = tc_data(tr)
        w = train_net("tc", z, y, len(LABELS), hp, log=lambda *a: None)
        vocab, tw = train_text_model(tc_texts(tr), y, log=lambda *a: None)
        w.update(tw)
        labeller = T.SpanLabeller(w, {"tc_text_weight": TEXT_MODEL["weight"]}, vocab)
        for ex in te:
            probs[ex.id] = labeller(ex.inp, ex.spans)
    return [probs[ex.id] for ex in exs]


def choose_tau(
    exs: list[Example], probs: list[np.ndarray], prior: list[float], log: Any = print
) -> dict[str, Any]:
    """The ``tau`` with the best out-of-fold macro-F1 among those that keep micro-F1 within
    0.005 of no adjustment (micro-F1 is the official TC metric; macro-F1 is what the rare
    techniques lose)."""
    rows = []
    for tau in TAU_GRID:
        sc = tc_scores(exs, probs, T.prior_scale(prior, tau))
        rows.append({"tau": tau, **sc})
        log(f"  tau {tau:.1f}: TC micro-F1 {sc['micro_f1']:.4f}, macro-F1 {sc['macro_f1']:.4f}")
    floor = rows[0]["micro_f1"] - 0.005
    best = max((r for r in rows if r["micro_f1"] >= floor), key=lambda r: r["macro_f1"])
    return {"tau": best["tau"], "grid": rows}


# ---- step 3: main -----------------------------------------------------------------------


def cross_fit(
    exs: list[Example], folds: int, hp: Hyper, log: Any = print
) -> tuple[dict[str, Any], dict[str, float]]:
    """Out-of-fold SI probabilities and TC accuracy over all of train (one member per net).

    The decoding settings are tuned on the out-of-fold probabilities of all train
    articles: steadier than one small held-out slice.
    """
    fold_of = folds_of(exs, folds)
    one = Hyper(**{**hp.__dict__, "members": 1})
    probs: dict[str, np.ndarray] = {}
    hits = 0.0
    lines = 0
    for f in range(folds):
        tr = [ex for ex in exs if fold_of[ex.id] != f]
        te = [ex for ex in exs if fold_of[ex.id] == f]
        log(f"fold {f + 1}/{folds}: train {len(tr)} articles, predict {len(te)}")
        w, vocab = fit(tr, one, log=lambda *a: None)
        model = build_model(w, vocab, one, {})
        for ex in te:
            probs[ex.id] = model.piece_probs(ex.inp)
        n = sum(len(labs) for ex in te for labs in ex.span_labels)
        acc = tc_accuracy(model, te)
        hits += acc * n
        lines += n
        log(f"  fold {f + 1}: TC micro-F1 {acc:.4f}")
    best = tune_decoding([probs[ex.id] for ex in exs], exs)
    return best, {"tc_micro_f1": hits / max(lines, 1), "folds": folds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--cache", type=Path, default=cache_dir("techniques"))
    ap.add_argument("--out", type=Path, default=Path("src/framelens/resources/techniques"))
    ap.add_argument("--folds", type=int, default=5, help="cross-fitting folds over train")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--members", type=int, default=Hyper.members, help="ensemble size")
    ap.add_argument(
        "--tc-prior-only",
        action="store_true",
        help="keep the shipped weights in --out; only choose the labeller's prior adjustment",
    )
    args = ap.parse_args()
    torch = torch_mod()
    torch.set_num_threads(args.threads)
    hp = Hyper(members=args.members)
    print("features (parse + MiniLM, cached) ...", flush=True)
    recs = extract(args.data, "train", args.cache)
    lex = T.load_lexicon()
    exs = [make_example(r, lex) for r in recs]
    del recs
    print(f"labeller prior: out-of-fold over {len(exs)} train articles ...", flush=True)
    prior = tc_prior(exs)
    tau = choose_tau(exs, tc_out_of_fold(exs, args.folds, hp), prior)
    print(f"labeller prior: tau {tau['tau']}", flush=True)
    adjust = {"tc_prior": [round(x, 6) for x in prior], "tc_prior_tau": tau["tau"]}
    if args.tc_prior_only:
        path = args.out / "model.json"
        config = json.loads(path.read_text(encoding="utf-8"))
        config.update(adjust, tc_prior_search=tau["grid"])
        path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}", flush=True)
        return
    print(f"cross-fitting on {len(exs)} train articles ...", flush=True)
    best, cv = cross_fit(exs, args.folds, hp)
    print(f"out-of-fold: SI {json.dumps(best)}; TC {json.dumps(cv)}", flush=True)
    print(f"final: {hp.members} members per network on all train articles", flush=True)
    w, vocab = fit(exs, hp)
    stored = quantize(w)
    # What ships is int8/float16: check it still behaves like the float32 model.
    model_f = build_model(w, vocab, hp, best["decoding"], adjust)
    model_q = build_model(dequantize(stored), vocab, hp, best["decoding"], adjust)
    for ex in exs[:5]:
        d_si = np.abs(model_f.piece_probs(ex.inp) - model_q.piece_probs(ex.inp)).max()
        d_tc = np.abs(model_f.classify(ex.inp, ex.spans) - model_q.classify(ex.inp, ex.spans))
        print(f"  quantisation: max |dp| SI {d_si:.4f}, TC {d_tc.max(initial=0):.4f}")
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "weights.npz", **stored)
    (args.out / "tc_text.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    config = {
        "labels": LABELS,
        "si_neighbours": hp.si_neighbours,
        "decoding": best["decoding"],
        "tc_text_weight": TEXT_MODEL["weight"],
        "second_label_min": 0.4,
        **adjust,
        "tc_prior_search": tau["grid"],
        "hyper": {**hp.__dict__, "text_model": TEXT_MODEL},
        "cross_fit": {"articles": len(exs), "si": best, **cv},
        "trained_on": f"PTC v2 train, {len(exs)} articles",
    }
    (args.out / "model.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    size = sum(f.stat().st_size for f in args.out.iterdir() if f.is_file())
    print(f"wrote {args.out} ({size / 1e6:.1f} MB)", flush=True)


if __name__ == "__main__":
    main()
