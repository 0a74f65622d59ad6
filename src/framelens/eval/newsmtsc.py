"""NewsMTSC targeted-sentiment eval of the ``portrayal`` model.

``framelens eval sentiment --data ../shared/datasets/newsmtsc --split rw-test|mt-test``
(also ``rw-dev``, ``mt-dev``, ``train``) [``--limit N`` sentences] [``--format json``]

Each target of each sentence is one item; the prediction is the model the ``portrayal``
analyzer runs (``framelens.nlp.sentiment.predict``: the same features, the same weights)
on the sentence parsed by the configured spaCy pipeline and encoded by the configured
embedder. Metrics are the dataset's standard ones: ``f1m``, the macro-F1 over negative,
neutral and positive, and ``accuracy``; ``f1`` per class and ``n`` (targets) come along.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError, InputError, NotFound
from .base import EvalRequest, task, untracked

#: split name -> file inside the dataset folder (see the dataset README).
SPLITS = {
    "train": "train.jsonl",
    "rw-dev": "newsmtsc-rw/dev.jsonl",
    "rw-test": "newsmtsc-rw/test.jsonl",
    "mt-dev": "newsmtsc-mt/dev.jsonl",
    "mt-test": "newsmtsc-mt/test.jsonl",
}
#: NewsMTSC polarity codes -> index into ``framelens.nlp.sentiment.LABELS``.
POLARITY = {2.0: 0, 4.0: 1, 6.0: 2}


@dataclass
class Item:
    sentence: str
    targets: list[tuple[int, int]]  # character offsets, end exclusive
    labels: list[int]  # index into LABELS


def read_split(folder: Path, split: str, limit: int | None = None) -> list[Item]:
    """Sentences of one split with their targets (``limit``: first N sentences)."""
    if split not in SPLITS:
        raise ConfigError(
            f"unknown NewsMTSC split {split!r}",
            fix=f"use one of: {', '.join(SPLITS)}",
            value=split,
        )
    path = folder / SPLITS[split]
    if not path.is_file():
        raise NotFound(
            f"NewsMTSC file {str(path)!r} does not exist",
            fix="pass --data with the newsmtsc folder (it holds train.jsonl and newsmtsc-rw/)",
            value=str(path),
        )
    items: list[Item] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if limit is not None and len(items) >= limit:
                break
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                sentence = row["sentence_normalized"]
                targets = [(int(t["from"]), int(t["to"])) for t in row["targets"]]
                labels = [POLARITY[float(t["polarity"])] for t in row["targets"]]
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(
                    f"{path.name} line {lineno} is not a NewsMTSC record ({exc})",
                    fix="point --data at an unmodified copy of the dataset",
                    value=str(path),
                ) from None
            items.append(Item(sentence, targets, labels))
    return items


def predict_items(
    items: Sequence[Item],
    spacy_model: str = "",
    embedder: str = "tuned",
    variant: str = "minilm",
    track: Callable[..., Iterable[Any]] = untracked,
    encoder: str = "tuned",
) -> np.ndarray:
    """Class probabilities of every target of ``items`` (in order), computed as the analyzer
    computes them: each sentence parsed and encoded as one sentence, then ``predict`` with
    the ``variant`` model (``portrayal_model``). ``track`` (``EvalRequest.track``) wraps
    the parse."""
    from ..nlp import load_nlp
    from ..nlp.sentiment import check_variant, encode_texts, parse_texts, predict

    check_variant(variant)
    texts = [it.sentence for it in items]
    nlp = load_nlp(spacy_model)
    docs = list(track(nlp.pipe(texts, batch_size=64), len(texts), "sentences"))
    sents = encode_texts(texts, embedder) if variant == "minilm" else parse_texts(docs)
    rows = [
        predict(it.sentence, doc, sf, it.targets, variant, encoder)
        for it, doc, sf in zip(items, docs, sents, strict=True)
    ]
    return np.concatenate(rows) if rows else np.zeros((0, 3), dtype=np.float32)


def scores(gold: Sequence[int], pred: Sequence[int]) -> dict[str, Any]:
    """``f1m`` (macro-F1 over the three classes), ``accuracy``, ``n`` and F1 per class."""
    from ..nlp.sentiment import LABELS

    g, p = np.asarray(gold), np.asarray(pred)
    per: dict[str, float] = {}
    for c, name in enumerate(LABELS):
        tp = int(((p == c) & (g == c)).sum())
        denom = int((p == c).sum() + (g == c).sum())
        per[name] = 2 * tp / denom if denom else 0.0
    n = len(g)
    return {
        "f1m": round(float(np.mean(list(per.values()))), 4),
        "accuracy": round(float((g == p).mean()) if n else 0.0, 4),
        "n": n,
        "f1": {k: round(v, 4) for k, v in per.items()},
    }


@task("sentiment", dataset="newsmtsc")
def eval_sentiment(req: EvalRequest) -> dict[str, Any]:
    """Macro-F1 and accuracy of the portrayal model on one NewsMTSC split."""
    from ..nlp.sentiment import LABELS

    items = read_split(req.data, req.split, req.limit)
    s = req.settings
    probs = predict_items(
        items, s.spacy_model, s.encoder_spec, s.portrayal_model, req.track, s.encoder
    )
    pred = probs.argmax(axis=1).tolist()
    gold = [label for it in items for label in it.labels]
    if req.predictions:
        req.predictions.parent.mkdir(parents=True, exist_ok=True)
        with req.predictions.open("w", encoding="utf-8") as fh:
            k = 0
            for it in items:
                for (start, end), label in zip(it.targets, it.labels, strict=True):
                    fh.write(
                        json.dumps(
                            {
                                "sentence": it.sentence,
                                "from": start,
                                "to": end,
                                "gold": LABELS[label],
                                "pred": LABELS[pred[k]],
                                "score": round(float(probs[k, pred[k]]), 4),
                            }
                        )
                        + "\n"
                    )
                    k += 1
    result = scores(gold, pred)
    result["split"] = req.split
    return result
