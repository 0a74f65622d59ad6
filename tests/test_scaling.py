"""Cost grows linearly with article length (issue 18): each step that was quadratic
gives the same result as the scan it replaced, and an article k times longer does not
take much more than k times as long.

Time ratios use the best of a few runs and generous margins: a quadratic step makes
the ratio about k², a linear one about k.
"""

from __future__ import annotations

import gc
import itertools
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from framelens.analyzers.claims import lexical_features, reported_content, sentence_quantities
from framelens.analyzers.contradictions import (
    _BLOCK,
    MAX_PAIRS,
    SIM_ANY,
    SIM_SHARED_ACTOR,
    candidate_pairs,
)
from framelens.model import Claim, Span
from framelens.nlp import load_nlp
from framelens.nlp.features import SentenceFeatures
from framelens.nlp.sentiment import _sentence_index, _sorted_ends
from framelens.reports.html import Layer, segments
from framelens.text.intervals import Ranges
from framelens.text.syntax import span_ents

WIRE = (Path(__file__).parent.parent / "examples" / "sarvan-wire.txt").read_text(encoding="utf-8")


def _best_time(fn: Callable[[], object], runs: int = 3) -> float:
    # Without the garbage collector: its passes cost with everything the test session
    # holds (models, parses), not with the function measured.
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
    finally:
        gc.enable()
    return best


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


# ---- claims: per-sentence features read the sentence's entities, not the document's ----


def test_span_ents_is_span_ents(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(WIRE * 2)
    rng = random.Random(0)
    spans = list(doc.sents) + [
        doc[a : a + rng.randint(0, 40)] for a in rng.sample(range(len(doc)), 200)
    ]
    for span in spans:
        assert [(e.start, e.end, e.label_) for e in span_ents(span)] == [
            (e.start, e.end, e.label_) for e in span.ents
        ]


def test_claim_features_cost_grows_linearly(nlp) -> None:  # type: ignore[no-untyped-def]
    k = 4
    short, long = nlp(WIRE * 3), nlp(WIRE * 3 * k)

    def features(doc):  # type: ignore[no-untyped-def]
        text = doc.text
        sents = list(doc.sents)

        def run() -> None:
            for sent in sents:
                lexical_features(sent)
                sentence_quantities(text, sent)
                reported_content(doc, sent.start_char, sent.end_char, [], text)

        return run

    ratio = _best_time(features(long), 5) / _best_time(features(short), 5)
    # Quadratic (Span.ents per sentence, doc.text per claim): about k² = 16x.
    assert ratio < 2 * k, f"{k}x the text took {ratio:.1f}x the time"


# ---- portrayal: a mention's sentence by bisection -----------------------------------------


def _sentences(n: int) -> list[SentenceFeatures]:
    empty = np.zeros((0, 4), np.float32)
    return [
        SentenceFeatures(10 * i, 10 * i + 8, empty, np.zeros((0, 2), np.int64), empty[0:0])
        for i in range(n)
    ]


class _Counting(list):  # type: ignore[type-arg]
    reads = 0

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        _Counting.reads += 1
        return super().__getitem__(i)


def _scan(sents: list[SentenceFeatures], start: int, end: int) -> int:
    best, overlap = 0, -1
    for i, s in enumerate(sents):
        o = min(end, s.end) - max(start, s.start)
        if o > overlap:
            best, overlap = i, o
        if s.start >= end:
            break
    return best


def test_sentence_index_matches_the_scan_and_reads_few_sentences() -> None:
    sents = _sentences(2000)
    ends = _sorted_ends(sents)
    rng = random.Random(1)
    queries = [(a, a + rng.randint(0, 25)) for a in (rng.randint(-5, 20_010) for _ in range(2000))]
    for a, b in queries:
        assert _sentence_index(sents, a, b, ends) == _scan(sents, a, b)
    counting = _Counting(sents)
    _Counting.reads = 0
    for a, b in queries:
        _sentence_index(counting, a, b, ends)
    assert _Counting.reads < 6 * len(queries)  # a scan from the start reads ~1000 each


# ---- quote ranges ------------------------------------------------------------------------


def test_ranges_answer_what_the_scans_did() -> None:
    rng = random.Random(2)
    for _ in range(50):
        ranges = [(a, a + rng.randint(0, 30)) for a in (rng.randint(0, 300) for _ in range(20))]
        idx = Ranges(ranges)
        for _ in range(50):
            s = rng.randint(-5, 340)
            e = s + rng.randint(0, 20)
            assert idx.holds_point(s) == any(a <= s < b for a, b in ranges)
            assert idx.holds_span(s, e) == any(a <= s and e <= b for a, b in ranges)
            assert idx.overlaps(s, e) == any(a < e and s < b for a, b in ranges)
    assert not Ranges([]).holds_point(0) and not Ranges([]).overlaps(0, 5)


# ---- contradictions: candidate pairs ---------------------------------------------------


def _all_pairs(claims: list[Claim], sims: np.ndarray) -> list[tuple[int, int, float, tuple]]:  # type: ignore[type-arg]
    out = []
    for i in range(len(claims)):
        for j in range(i + 1, len(claims)):
            a, b = claims[i].span, claims[j].span
            if a.start < b.end and b.start < a.end:
                continue
            shared = tuple(x for x in claims[i].actors if x in claims[j].actors)
            sim = float(sims[i, j])
            if (shared and sim >= SIM_SHARED_ACTOR) or sim >= SIM_ANY:
                out.append((i, j, sim, shared))
    out.sort(key=lambda c: -c[2])
    return out[:MAX_PAIRS]


@pytest.mark.parametrize("n", [40, 700, 1300])
def test_candidate_pairs_equal_the_all_pairs_loop(n: int) -> None:
    rng = np.random.default_rng(n)
    text = "x" * (20 * n + 100)
    actors = ["army", "rebels", "un", "ministry"]
    claims = []
    for i in range(n):
        start = 15 * i + int(rng.integers(0, 10))
        picked = [a for a in actors if rng.random() < 0.3]
        claims.append(
            Claim(id=f"c{i}", span=Span.of(text, start, start + 20), score=0.9, actors=picked)
        )
    # Clustered vectors, some duplicated: many pairs above the thresholds, ties included.
    centres = rng.standard_normal((8, 32)).astype(np.float32)
    vecs = centres[rng.integers(0, 8, n)] + 0.9 * rng.standard_normal((n, 32)).astype(np.float32)
    vecs[::7] = vecs[0]
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    # The loop reads the similarities the function computes, a block of rows at a time: a
    # whole-matrix product may round the last bit of a tie differently (BLAS picks its
    # kernel by CPU and shape; the duplicated rows' 1.0 read 0.99999994 in one and 1.0 in
    # the other on an AVX2-only CPU), and the test is of the selection, not of BLAS.
    sims = np.vstack([vecs[r : r + _BLOCK] @ vecs.T for r in range(0, n, _BLOCK)])
    expected = _all_pairs(claims, sims)
    got = candidate_pairs(claims, vectors=vecs)
    assert [(c.i, c.j, c.similarity, c.shared_actors) for c in got] == expected
    assert len(expected) == min(MAX_PAIRS, len(expected))


# ---- HTML report: highlighted spans by a sweep -------------------------------------------


def _layers(text: str, n: int, seed: int) -> list[Layer]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        a = rng.randint(0, len(text) - 40)
        out.append(Layer(a, a + rng.randint(1, 40), f"c{k % 7}", f"t{k}", {"data-k": str(k)}))
    return out


def _segments_by_scan(text: str, layers: list[Layer]) -> list[tuple[str, list[str], list[str]]]:
    bounds = {0, len(text)}
    for layer in layers:
        if 0 <= layer.start < layer.end <= len(text):
            bounds.update((layer.start, layer.end))
    cuts = sorted(bounds)
    out = []
    for a, b in itertools.pairwise(cuts):
        cover = [la for la in layers if la.start <= a and b <= la.end]
        out.append(
            (text[a:b], [c for la in cover for c in la.css.split()], [la.title for la in cover])
        )
    return out


def test_segments_equal_the_scan() -> None:
    text = "word " * 400
    layers = [*_layers(text, 300, 3), Layer(5, 5, "empty", "e"), Layer(-3, 2, "out", "o")]
    layers.append(Layer(1990, 2500, "past-end", "p"))
    got = [(s.text, s.classes, s.titles) for s in segments(text, layers)]
    assert got == _segments_by_scan(text, layers)


def test_html_segments_of_20k_spans_take_linear_time() -> None:
    # An article 4x longer with 4x the highlighted spans (as many per word).
    short, long = "word " * 10_000, "word " * 40_000
    small, big = _layers(short, 5_000, 4), _layers(long, 20_000, 5)
    ratio = _best_time(lambda: segments(long, big), 3) / _best_time(
        lambda: segments(short, small), 2
    )
    # Every layer for every piece: 16x (and 16 s for the 20k spans); a sweep: about 4x.
    assert ratio < 8, f"4x the spans took {ratio:.1f}x the time"


# ---- the parse: tok2vec in pieces gives the same vectors ---------------------------------


def test_tok2vec_in_pieces_gives_the_same_parse(nlp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import framelens.nlp as nlp_module

    text = WIRE * 3
    whole = nlp(text)
    monkeypatch.setattr(nlp_module, "TOK2VEC_CHUNK", 300)
    pieces = nlp(text)
    assert len(whole) > 3 * 300
    assert np.array_equal(whole.tensor, pieces.tensor)
    assert [(t.dep_, t.head.i, t.tag_, t.ent_type_) for t in whole] == [
        (t.dep_, t.head.i, t.tag_, t.ent_type_) for t in pieces
    ]
