"""The Python API: framelens.analyze(text), JSON round trips, Analysis.to_pandas()."""

from __future__ import annotations

import json
import sys

import pytest

import framelens
from framelens import Analysis, ModelError
from framelens.model import TABLE_COLUMNS, iter_spans

from .ecosystem_data import REPORT, STRIKE


@pytest.fixture(scope="module")
def report() -> Analysis:
    return framelens.analyze(REPORT)


def test_analyze_takes_plain_text_and_returns_the_analysis(report: Analysis) -> None:
    assert isinstance(report, Analysis)
    assert report.article.text == REPORT and report.article.lang == "en"
    assert set(report.pipeline) >= {"nlp", "quotes", "actors", "claims", "techniques"}
    for span in iter_spans(report):
        assert REPORT[span.start : span.end] == span.text
    speakers = {q.speaker.name for q in report.quotes if q.speaker}
    assert {"Anton Virel", "Hana Morrow", "Leo Brandt"} <= speakers
    names = {a.name for a in report.actors}
    assert {"Karsa Liberation Army", "United Nations", "Ministry of Interior"} <= names
    assert any("60,000" in c.span.text for c in report.claims)


def test_analyze_with_chosen_analyzers() -> None:
    a = framelens.analyze(STRIKE, analyzers="quotes")
    assert set(a.pipeline) == {"nlp", "actors", "quotes"}  # quotes needs actors
    assert a.claims == [] and a.techniques == []
    assert [q.speaker.name for q in a.quotes if q.kind == "direct" and q.speaker] == [
        "Mara Ilves",
        "Mara Ilves",
    ]


def test_an_analysis_round_trips_through_json(report: Analysis) -> None:
    assert Analysis.model_validate_json(report.model_dump_json()) == report
    assert Analysis.from_json(report.to_json()) == report
    again = Analysis.model_validate(json.loads(report.to_json(indent=None)))
    assert again == report and again.to_json() == report.to_json()
    data = json.loads(report.to_json())
    assert data["schema"] == "framelens.analysis/1"
    labels = [lab for actor in data["actors"] for lab in actor["labels"]]
    assert labels and all("class" in lab for lab in labels)  # by alias, as documented


def test_to_pandas_gives_one_frame_per_record_type(report: Analysis) -> None:
    pd = pytest.importorskip("pandas")
    frames = report.to_pandas()
    assert list(frames) == list(TABLE_COLUMNS)
    for name, frame in frames.items():
        assert isinstance(frame, pd.DataFrame)
        assert tuple(frame.columns) == TABLE_COLUMNS[name], name
        assert (frame["article_id"] == report.article.id).all()
        if {"start", "end", "text"} <= set(frame.columns):
            for row in frame.itertuples():
                assert REPORT[row.start : row.end] == row.text, (name, row)
    assert len(frames["articles"]) == 1 and frames["articles"].loc[0, "chars"] == len(REPORT)
    quotes = frames["quotes"]
    assert len(quotes) == len(report.quotes)
    assert "Hana Morrow" in set(quotes["speaker"])
    assert len(frames["actors"]) == len(report.actors)
    assert len(frames["mentions"]) == sum(len(a.mentions) for a in report.actors)
    assert len(frames["claims"]) == len(report.claims)
    by_claim = frames["quantities"].groupby("claim_id").size().to_dict()
    assert by_claim == {c.id: len(c.quantities) for c in report.claims if c.quantities}
    portrayals = frames["portrayals"]
    assert set(portrayals["label"]) <= {"negative", "neutral", "positive"}
    assert frames["verdicts"].empty  # no evidence collections: the columns, no rows


def test_frames_of_many_analyses_concatenate(report: Analysis) -> None:
    pd = pytest.importorskip("pandas")
    other = framelens.analyze(STRIKE, analyzers="quotes")
    quotes = pd.concat([report.to_pandas()["quotes"], other.to_pandas()["quotes"]])
    counts = quotes.groupby("article_id").size().to_dict()
    assert counts == {report.article.id: len(report.quotes), other.article.id: len(other.quotes)}


def test_to_pandas_without_pandas_says_how_to_install_it(
    report: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    with pytest.raises(ModelError, match="needs pandas") as err:
        report.to_pandas()
    assert "framelens[pandas]" in err.value.fix
    assert report.to_rows()["quotes"]  # the plain rows need nothing
