"""CLEF CheckThat! 2024 task 1 (English check-worthiness): the ``claims`` eval task.

``framelens eval claims --data ../shared/datasets/checkthat2024 --split test`` scores
every sentence of a split with the shipped claims model (the same ``ClaimModel.score``
the analyzer uses) and prints the official measure, F1 of the positive class, with
its precision and recall. A sentence is positive when its score reaches the
``claim_threshold`` setting.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, NotFound
from .base import EvalRequest, task

#: ``--split`` name -> file in the dataset folder.
SPLITS = {
    "train": "CT24_checkworthy_english_train.tsv",
    "dev": "CT24_checkworthy_english_dev.tsv",
    "dev-test": "CT24_checkworthy_english_dev-test.tsv",
    "test": "CT24_checkworthy_english_test_gold.tsv",
}
_ALIASES = {"devtest": "dev-test", "dev_test": "dev-test", "test_gold": "test", "test-gold": "test"}
# The train file has one line holding two records with no line break between them
# ("...\tNo29286\t...\tNo", see the dataset README): the label swallows the next id.
_MERGED_LABEL = re.compile(r"(Yes|No)(\d+)")


@dataclass(frozen=True)
class Sentence:
    id: str
    text: str
    label: bool  # True = check-worthy ("Yes")


def read_split(folder: Path, split: str) -> list[Sentence]:
    """All sentences of a CheckThat! 2024 English split (the merged train line split in two)."""
    name = _ALIASES.get(split, split)
    if name not in SPLITS:
        raise InputError(
            f"unknown CheckThat! split {split!r}",
            fix=f"use one of: {', '.join(SPLITS)}",
            value=split,
        )
    path = Path(folder) / SPLITS[name]
    if not path.is_file():
        raise NotFound(
            f"CheckThat! file {str(path)!r} does not exist",
            fix="pass --data with the checkthat2024 folder of the shared datasets",
            value=str(path),
        )
    out: list[Sentence] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            label = (row.get("class_label") or "").strip()
            extra = row.get(None)
            merged = _MERGED_LABEL.fullmatch(label)
            if merged and extra and len(extra) >= 2:
                out.append(Sentence(row["Sentence_id"], row["Text"], merged.group(1) == "Yes"))
                out.append(Sentence(merged.group(2), extra[0], extra[1].strip() == "Yes"))
                continue
            if label not in ("Yes", "No"):
                raise InputError(
                    f"{path.name}: sentence {row.get('Sentence_id')!r} has label {label!r}",
                    fix="the file should be the CheckThat! 2024 task 1 TSV (labels Yes/No)",
                    value=label,
                )
            out.append(Sentence(row["Sentence_id"], row["Text"], label == "Yes"))
    return out


def prf(gold: list[bool], pred: list[bool]) -> dict[str, float]:
    """Precision, recall and F1 of the positive class, and accuracy."""
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    return {
        "f1": f1,
        "precision": precision,
        "recall": recall,
        "accuracy": correct / len(gold) if gold else 0.0,
    }


@task("claims", dataset="checkthat2024")
def eval_claims(request: EvalRequest) -> dict[str, Any]:
    """F1/precision/recall of check-worthy sentences on a CheckThat! 2024 split."""
    from ..analyzers.claims import claim_threshold, load_model, score_texts

    sentences = read_split(request.data, request.split)
    if request.limit:
        sentences = sentences[: request.limit]
    scores = score_texts([s.text for s in sentences], request.settings)
    threshold = claim_threshold(request.settings, load_model(request.settings.encoder))
    pred = [bool(s >= threshold) for s in scores]
    result: dict[str, Any] = prf([s.label for s in sentences], pred)
    result.update(
        {
            "n": len(sentences),
            "positives": sum(s.label for s in sentences),
            "threshold": threshold,
            "split": _ALIASES.get(request.split, request.split),
        }
    )
    if request.predictions:
        # The official submission format of task 1: id, class_label, run_id.
        request.predictions.parent.mkdir(parents=True, exist_ok=True)
        with request.predictions.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
            writer.writerow(["id", "class_label", "run_id"])
            for s, p in zip(sentences, pred, strict=True):
                writer.writerow([s.id, "Yes" if p else "No", "framelens-claims.v1"])
    return result
