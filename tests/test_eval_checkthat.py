"""CheckThat! 2024 eval: the reader (merged train line), the metric, and a small run."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from framelens import load_settings
from framelens.config import find_datasets_dir
from framelens.errors import InputError, NotFound
from framelens.eval import EvalRequest, run_eval
from framelens.eval.checkthat import SPLITS, prf, read_split


def _write(folder: Path, split: str, body: str) -> None:
    (folder / SPLITS[split]).write_text("Sentence_id\tText\tclass_label\n" + body, "utf-8")


def test_reader_splits_the_merged_line_and_honours_quotes(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "train",
        "1\tTaxes went up by 3%.\tYes\n"
        '2\t"He said ""no"", twice."\tNo\n'
        "3\tWe must win.\tNo44\tThe plant closed in 2019.\tYes\n",
    )
    rows = read_split(tmp_path, "train")
    assert [(r.id, r.label) for r in rows] == [
        ("1", True),
        ("2", False),
        ("3", False),
        ("44", True),
    ]
    assert rows[1].text == 'He said "no", twice.'
    assert rows[3].text == "The plant closed in 2019."


def test_reader_refuses_bad_labels_and_splits(tmp_path: Path) -> None:
    _write(tmp_path, "dev", "1\tSome text.\tMaybe\n")
    with pytest.raises(InputError, match="Maybe"):
        read_split(tmp_path, "dev")
    with pytest.raises(InputError, match="unknown CheckThat"):
        read_split(tmp_path, "validation")
    with pytest.raises(NotFound):
        read_split(tmp_path, "test")


def test_prf() -> None:
    r = prf([True, True, False, False], [True, False, True, False])
    assert (r["precision"], r["recall"], r["f1"], r["accuracy"]) == (0.5, 0.5, 0.5, 0.5)
    assert prf([True], [False])["f1"] == 0.0


def test_eval_on_a_handmade_split(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "dev",
        "1\tThe state cut school funding by $40 million in 2022.\tYes\n"
        "2\tThank you very much, it is great to be here.\tNo\n"
        "3\tUnemployment fell to 3.9 percent last month.\tYes\n"
        "4\tWhat do we want for our children?\tNo\n",
    )
    preds = tmp_path / "out" / "pred.tsv"
    req = EvalRequest(
        data=tmp_path, split="dev", settings=load_settings(config_file=None), predictions=preds
    )
    result = run_eval("claims", req)
    assert result["n"] == 4 and result["positives"] == 2
    assert result["f1"] == 1.0, result
    with preds.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    assert rows[0] == ["id", "class_label", "run_id"]
    assert [r[1] for r in rows[1:]] == ["Yes", "No", "Yes", "No"]


@pytest.mark.slow
def test_eval_on_the_real_dev_split() -> None:
    root = find_datasets_dir()
    if root is None or not (root / "checkthat2024").is_dir():
        pytest.skip("shared datasets not available")
    req = EvalRequest(
        data=root / "checkthat2024",
        split="dev",
        settings=load_settings(config_file=None),
        limit=120,
    )
    result = run_eval("claims", req)
    json.dumps(result)
    assert result["n"] == 120
    assert {"f1", "precision", "recall"} <= set(result)
    # The full dev split scores about 0.9; a floor well below that on 120 sentences.
    assert result["f1"] >= 0.7, result
