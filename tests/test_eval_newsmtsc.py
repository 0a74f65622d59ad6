"""NewsMTSC sentiment eval: metrics on hand-made labels, split reading errors, and a small
run on the dataset when it is there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framelens import load_settings
from framelens.config import find_datasets_dir
from framelens.errors import ConfigError, InputError, NotFound
from framelens.eval import EvalRequest, run_eval
from framelens.eval.newsmtsc import read_split, scores


def test_scores_macro_f1_and_accuracy() -> None:
    gold = [0, 0, 1, 1, 2, 2]
    pred = [0, 1, 1, 1, 2, 0]
    r = scores(gold, pred)
    # F1 negative 2*1/(2+2)=0.5, neutral 2*2/(3+2)=0.8, positive 2*1/(1+2)=2/3
    assert r["f1"] == {"negative": 0.5, "neutral": 0.8, "positive": 0.6667}
    assert r["f1m"] == pytest.approx((0.5 + 0.8 + 2 / 3) / 3, abs=1e-4)
    assert r["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    assert r["n"] == 6
    assert scores([1, 1], [1, 1])["f1m"] == pytest.approx(1 / 3, abs=1e-4)


def _write(folder: Path, name: str, lines: list[str]) -> None:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_read_split_and_errors(tmp_path: Path) -> None:
    row = {
        "primary_gid": "x1",
        "sentence_normalized": "Ana Pell thanked the nurses for their courage.",
        "targets": [{"from": 0, "to": 8, "mention": "Ana Pell", "polarity": 6.0}],
    }
    _write(tmp_path, "newsmtsc-rw/dev.jsonl", [json.dumps(row)] * 3)
    items = read_split(tmp_path, "rw-dev", limit=2)
    assert len(items) == 2
    assert items[0].targets == [(0, 8)] and items[0].labels == [2]
    with pytest.raises(ConfigError):
        read_split(tmp_path, "rw-train")
    with pytest.raises(NotFound):
        read_split(tmp_path, "mt-test")
    _write(tmp_path, "newsmtsc-mt/dev.jsonl", ['{"sentence_normalized": "x"}'])
    with pytest.raises(InputError):
        read_split(tmp_path, "mt-dev")


DATA = find_datasets_dir()
needs_data = pytest.mark.skipif(
    DATA is None or not (DATA / "newsmtsc").is_dir(), reason="NewsMTSC dataset not present"
)


@needs_data
@pytest.mark.slow
@pytest.mark.parametrize(
    ("split", "model"), [("rw-dev", "minilm"), ("mt-dev", "minilm"), ("rw-dev", "fast")]
)
def test_eval_on_a_few_sentences(split: str, model: str, tmp_path: Path) -> None:
    assert DATA is not None
    preds = tmp_path / "preds.jsonl"
    r = run_eval(
        "sentiment",
        EvalRequest(
            data=DATA / "newsmtsc",
            split=split,
            settings=load_settings(config_file=None, portrayal_model=model),
            limit=40,
            predictions=preds,
        ),
    )
    assert {"f1m", "accuracy", "n", "f1"} <= set(r)
    assert r["n"] >= 40
    assert 0.0 <= r["f1m"] <= 1.0 and 0.0 <= r["accuracy"] <= 1.0
    # A floor well below the measured dev scores (about 0.76, fast 0.66): a broken model.
    assert r["accuracy"] >= 0.5
    assert len(preds.read_text(encoding="utf-8").splitlines()) == r["n"]
