"""NLI accuracy: the ``nli`` eval task (SICK and the team's news NLI set).

    framelens eval nli --data ../shared/datasets/nli --split test      # SICK TEST
    framelens eval nli --split news                                    # tests/data/news_nli.jsonl

Splits: ``train``, ``trial`` (alias ``dev``), ``test`` of SICK (``sick/SICK.txt``, the
SemEval-2014 labels; ``--task corrected`` uses Kalouli et al.'s re-annotated labels from
``sick/SICK_whole_corpus_reannotated.csv``), and ``news`` / ``news-dev``: the hand-written
news pairs in ``tests/data/news_nli.jsonl`` / ``news_nli_dev.jsonl`` (looked up in the
``--data`` folder first, then in the repository's ``tests/data``).

The judged label is what verdicts and contradictions use: rules first, then the model
(``nli_model`` setting). The result also has the model alone (``model_only``) and how
often the rules fired and were right.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..errors import InputError, NotFound
from .base import EvalRequest, task

SICK_SPLITS = {"train": "TRAIN", "trial": "TRIAL", "dev": "TRIAL", "test": "TEST"}
NEWS_SPLITS = {"news": "news_nli.jsonl", "news-dev": "news_nli_dev.jsonl"}
_SICK_LABELS = {"ENTAILMENT": "entailment", "NEUTRAL": "neutral", "CONTRADICTION": "contradiction"}


def read_sick(folder: Path, split: str, corrected: bool = False) -> list[tuple[str, str, str]]:
    """(premise, hypothesis, label) of a SICK split (``TRAIN``, ``TRIAL`` or ``TEST``)."""
    path = folder / "sick" / "SICK.txt"
    if not path.is_file():
        raise NotFound(
            f"SICK file {str(path)!r} does not exist",
            fix="pass --data with the nli folder of the shared datasets",
            value=str(path),
        )
    fixed: dict[str, str] = {}
    if corrected:
        with (folder / "sick" / "SICK_whole_corpus_reannotated.csv").open(
            encoding="utf-8", newline=""
        ) as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                fixed[row["pair_ID"].strip()] = row["entailment_label"].strip()
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["SemEval_set"].strip() != split:
                continue
            label = fixed.get(row["pair_ID"].strip(), row["entailment_label"].strip())
            out.append((row["sentence_A"].strip(), row["sentence_B"].strip(), _SICK_LABELS[label]))
    return out


def news_file(folder: Path, name: str) -> Path:
    repo = Path(__file__).resolve().parents[3] / "tests" / "data"
    for candidate in (folder / name, repo / name, Path.cwd() / "tests" / "data" / name):
        if candidate.is_file():
            return candidate
    raise NotFound(
        f"news NLI file {name!r} not found (looked in {folder} and {repo})",
        fix="pass --data with the folder that holds it (the repository's tests/data)",
        value=name,
    )


def read_news(path: Path) -> list[tuple[str, str, str]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            out.append((rec["premise"], rec["hypothesis"], rec["label"]))
        except (json.JSONDecodeError, KeyError) as exc:
            raise InputError(
                f"{path}:{n} is not a news NLI record ({exc})",
                fix='each line: {"premise": ..., "hypothesis": ..., "label": ...}',
                value=str(path),
            ) from None
    return out


def scores(gold: list[str], pred: list[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-class F1 over entailment / neutral / contradiction."""
    from ..nlp.nli import LABELS

    per = {}
    for lab in LABELS:
        tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(p == lab != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab != p for g, p in zip(gold, pred, strict=True))
        per[lab] = round(2 * tp / max(2 * tp + fp + fn, 1), 4)
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(len(gold), 1)
    return {
        "accuracy": round(acc, 4),
        "f1m": round(sum(per.values()) / len(per), 4),
        "f1": per,
    }


@task("nli", dataset="nli")
def eval_nli(request: EvalRequest) -> dict[str, Any]:
    from ..nlp.nli import LABELS, judge, load_nli, statements

    split = request.split.lower()
    if split in NEWS_SPLITS:
        pairs = read_news(news_file(request.data, NEWS_SPLITS[split]))
        labels = "news"
    elif split in SICK_SPLITS:
        corrected = (request.task or "").lower() in ("corrected", "reannotated")
        pairs = read_sick(request.data, SICK_SPLITS[split], corrected)
        labels = "corrected" if corrected else "original"
    else:
        raise InputError(
            f"unknown NLI split {request.split!r}",
            fix=f"use one of: {', '.join([*SICK_SPLITS, *NEWS_SPLITS])}",
            value=request.split,
        )
    if request.limit:
        pairs = pairs[: request.limit]
    settings = request.settings
    texts = sorted({t for p, h, _ in pairs for t in (p, h)})
    by_text = dict(zip(texts, statements(texts, settings.spacy_model), strict=True))
    model = load_nli(settings.nli_model, settings.encoder)
    judged = judge(model, [(by_text[p], by_text[h]) for p, h, _ in pairs])
    gold = [lab for *_, lab in pairs]
    pred = [j.label for j in judged]
    model_pred = [LABELS[max(range(3), key=lambda k: j.probs[k])] for j in judged]
    fired = [(j, g) for j, g in zip(judged, gold, strict=True) if j.reason.startswith("rule:")]
    right = sum(g == "contradiction" for _, g in fired)
    result: dict[str, Any] = {
        "split": split,
        "labels": labels,
        "pairs": len(pairs),
        "model": model.name,
        **scores(gold, pred),
        "model_only": scores(gold, model_pred),
        "rules": {
            "fired": len(fired),
            "precision": round(right / len(fired), 4) if fired else None,
        },
    }
    if request.predictions:
        request.predictions.parent.mkdir(parents=True, exist_ok=True)
        with request.predictions.open("w", encoding="utf-8") as fh:
            for (p, h, g), j in zip(pairs, judged, strict=True):
                row: dict[str, Any] = {"premise": p, "hypothesis": h, "gold": g}
                row.update(pred=j.label, score=round(j.score, 4), reason=j.reason)
                row.update(detail=j.detail)
                fh.write(json.dumps(row) + "\n")
    return result
