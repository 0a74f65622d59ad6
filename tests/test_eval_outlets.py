"""`framelens eval outlets`: the pieces that can be checked without the dataset."""

from __future__ import annotations

import numpy as np
import pytest

from framelens import load_settings
from framelens.errors import ModelError
from framelens.eval.basil import BasilArticle, BasilSpan
from framelens.eval.outlets import (
    _cache_path,
    _lexical_recall,
    _loeo,
    _nested_loeo,
    article_features,
    blank_outlet_marks,
    event_bootstrap,
)
from framelens.model import (
    Actor,
    Analysis,
    Article,
    FirstMention,
    Label,
    Quote,
    Span,
    Speaker,
    Technique,
)


def test_site_names_and_bylines_are_blanked_in_place() -> None:
    text = "By Jane Roe\nWASHINGTON (Fox News) - The senator told The New York Times on Monday."
    out = blank_outlet_marks(text)
    assert len(out) == len(text)
    assert "Fox" not in out and "New York Times" not in out and "Jane Roe" not in out
    assert "The senator told" in out and out.index("senator") == text.index("senator")


def test_leave_one_event_out_learns_a_real_signal_and_not_noise() -> None:
    rng = np.random.default_rng(7)
    outlets = np.array(["a", "b", "c"] * 30)
    groups = np.repeat(np.arange(30), 3)
    signal = np.stack([(outlets == o).astype(float) for o in "abc"], axis=1)
    x = signal * 2.0 + rng.normal(size=(90, 3))
    hits, assigned = _loeo(x, outlets, groups, 1.0)
    assert hits.mean() > 0.8 and assigned.mean() >= hits.mean() - 0.05
    noise = rng.normal(size=(90, 3))
    hits, _ = _loeo(noise, outlets, groups, 1.0)
    assert hits.mean() < 0.6


def test_nested_selection_chooses_c_per_event_and_learns_only_a_real_signal() -> None:
    rng = np.random.default_rng(11)
    outlets = np.array(["a", "b", "c"] * 20)
    groups = np.repeat(np.arange(20), 3)
    signal = np.stack([(outlets == o).astype(float) for o in "abc"], axis=1)
    hits, chosen = _nested_loeo(signal * 2.0 + rng.normal(size=(60, 3)), outlets, groups)
    assert hits.mean() > 0.8 and len(chosen) == 20
    hits, _ = _nested_loeo(rng.normal(size=(60, 3)), outlets, groups)
    assert hits.mean() < 0.6


def test_the_event_bootstrap_brackets_the_accuracy_and_narrows_with_more_events() -> None:
    rng = np.random.default_rng(3)
    widths = []
    for events in (20, 200):
        groups = np.repeat(np.arange(events), 3)
        hits = rng.random(events * 3) < 0.7
        lo, hi = event_bootstrap(hits, groups)
        assert lo <= hits.mean() <= hi
        widths.append(hi - lo)
    assert widths[1] < widths[0] / 2
    # every article right: no doubt left; resampling is by event, not by article
    assert event_bootstrap(np.ones(9, dtype=bool), np.repeat(np.arange(3), 3)) == [1.0, 1.0]
    one_event_wrong = np.array([True] * 6 + [False] * 3)
    # three events, one of them all wrong: a draw of only it (1/27) or of none (8/27)
    # is common enough to reach both ends
    assert event_bootstrap(one_event_wrong, np.repeat(np.arange(3), 3)) == [0.0, 1.0]


def test_lexical_recall_counts_spans_overlapped_by_labels_or_techniques() -> None:
    text = "The brutal regime shelled the town. Officials said the vote was fair."
    item = BasilArticle(
        event="e1",
        outlet="nyt",
        title="t",
        date=None,
        url=None,
        text=text,
        spans=[
            BasilSpan(start=4, end=10, text="brutal", bias="lex"),
            BasilSpan(start=59, end=63, text="fair", bias="lex"),
            BasilSpan(start=0, end=3, text="The", bias="inf"),
        ],
    )
    actor = Actor(
        id="regime",
        name="regime",
        type="organisation",
        first_mention=FirstMention(start=11, relative=0.15),
        mention_count=1,
        labels=[Label(span=Span.of(text, 4, 10), lemma="brutal", **{"class": "delegitimizing"})],
    )
    analysis = Analysis(
        article=Article(text=text, source="basil/e1/nyt"),
        actors=[actor],
        techniques=[Technique(span=Span.of(text, 36, 45), technique="Loaded_Language", score=0.5)],
    )
    out = _lexical_recall([item], {"basil/e1/nyt": analysis})
    assert out["nyt"]["spans"] == 2 and out["nyt"]["recall"] == 0.5
    assert out["nyt"]["by_labels"] == 0.5 and out["nyt"]["by_techniques"] == 0.0


def test_adjusted_rand_index_without_scikit_learn() -> None:
    from framelens.eval.basil import adjusted_rand_score

    # scikit-learn's documented values (its adjusted_rand_score), and its degenerate cases.
    assert adjusted_rand_score(list("aabb"), list("aabb")) == 1.0
    assert adjusted_rand_score(list("aabb"), list("bbaa")) == 1.0  # names do not matter
    assert adjusted_rand_score(list("aabb"), list("aabc")) == 0.5714285714285714
    assert adjusted_rand_score(list("aaaa"), list("abcd")) == 0.0
    assert adjusted_rand_score(list("aabb"), list("abab")) == -0.5
    assert adjusted_rand_score([], []) == 1.0


def test_outlet_classifier_needs_the_train_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "sklearn.linear_model", None)  # as if not installed
    x = np.zeros((6, 2))
    with pytest.raises(ModelError, match="needs scikit-learn") as info:
        _loeo(x, np.array(list("abcabc")), np.array([0, 0, 0, 1, 1, 1]), 1.0)
    assert info.value.code == "E300" and "framelens[train]" in info.value.fix


def _compare_script():  # type: ignore[no-untyped-def]
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "compare_outlet_runs.py"
    spec = importlib.util.spec_from_file_location("compare_outlet_runs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_paired_comparison_of_two_outlet_runs() -> None:
    m = _compare_script()
    # McNemar: 13 articles only one run gets, 5 only the other (BASIL, 2026-12-06)
    assert round(m.mcnemar_exact(13, 5), 3) == 0.096
    assert m.mcnemar_exact(0, 0) == 1.0 and m.mcnemar_exact(10, 10) == 1.0
    assert m.mcnemar_exact(20, 0) < 1e-5
    rng = np.random.default_rng(5)
    events = np.repeat(np.arange(100), 3)
    a = rng.random(300) < 0.75
    lo, hi = m.paired_interval(a, a.copy(), events)
    assert lo == hi == 0.0  # the same run: no difference at all
    b = a & (rng.random(300) < 0.8)  # b loses about a fifth of a's hits
    lo, hi = m.paired_interval(a, b, events)
    assert 0 < lo < a.mean() - b.mean() < hi


def test_the_analyses_cache_is_keyed_by_versions_and_settings(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A setting that changes the analyses (a user word list, a threshold) must not read
    analyses made under another value."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    base = _cache_path(load_settings(), {"quotes": "5"}, 300)
    assert base == _cache_path(load_settings(), {"quotes": "5"}, 300)
    assert base.parent == tmp_path / "framelens"
    assert base != _cache_path(load_settings(), {"quotes": "6"}, 300)
    assert base != _cache_path(load_settings(claim_threshold=0.5), {"quotes": "5"}, 300)


def _reported(text: str, outlet: str, acts: list[tuple[str, str, str, str]]) -> Analysis:
    """An article whose quotes are (kind, speaker, cue, content), found in ``text``."""
    quotes = []
    for n, (kind, who, cue, content) in enumerate(acts):
        c, w, v = text.index(content), text.index(who), text.index(cue)
        span = Span.of(text, min(w, v, c), max(c + len(content), v + len(cue)))
        speaker = Speaker(
            name=who,
            span=Span.of(text, w, w + len(who)),
            descriptions=[Span.of(text, w, w + len(who))],
        )
        quotes.append(
            Quote(
                id=f"q{n}",
                kind=kind,  # type: ignore[arg-type]
                span=span,
                content=Span.of(text, c, c + len(content)),
                cue=Span.of(text, v, v + len(cue)),
                speaker=speaker,
            )
        )
    return Analysis(article=Article(text=text, outlet=outlet), pipeline={}, quotes=quotes)


def test_outlet_features_read_how_sources_are_introduced_from_reports_not_stances() -> None:
    # The same two acts in each outlet; only what the writer reports as words may count as
    # how it introduces a source, as in the `sources` dimension of `framelens compare`.
    text = (
        "The dockworkers union backed the strike at the northern terminal on Monday. "
        "Union steward Hana Petrov insisted the pay offer was far below inflation."
    )
    stance = ("stance", "The dockworkers union", "backed", "the strike at the northern terminal")
    report = ("indirect", "Union steward Hana Petrov", "insisted", "the pay offer was far below")
    event = [_reported(text, o, [stance, report]) for o in ("North Post", "Bay Times", "Ledger")]
    feats = article_features(event, embedder=None)
    assert set(feats) == {"North Post", "Bay Times", "Ledger"}
    for f in feats.values():
        assert f["verb:insisted"] == 1.0 and "verb:backed" not in f
        assert "intro:steward" in f and "intro:dockworkers" not in f
        assert f["quotes:indirect"] > 0
