"""PTC (SemEval-2020 Task 11): the ``techniques`` analyzer on span identification and labelling.

Two sub-tasks, scored exactly as the organisers' scorers do:

- **SI** (``--task si``): the analyzer finds propaganda spans in each article. Span
  precision/recall with partial credit (``task-SI_scorer.py``): gold spans that overlap
  are merged per article (so are the system's, the scorer's ``-m``), then every
  (predicted, gold) pair contributes ``|p ∩ g| / |p|`` to precision and ``|p ∩ g| / |g|``
  to recall; precision divides by the number of predicted spans, recall by the number
  of gold spans. Spans are sets of character positions ``[start, end)``: spans that
  only touch do not overlap.
- **TC** (``--task tc``): the analyzer labels the GOLD spans
  (``techniques.classify_spans``). Micro-F1 over the gold spans (``task-TC_scorer.py``),
  which equals accuracy; when one span carries several gold techniques the system
  gives as many labels and the best alignment counts.

Predictions can be written in the official submission formats with ``--predictions``:
SI ``article_id<TAB>start<TAB>end``; TC ``article_id<TAB>technique<TAB>start<TAB>end`` in
the order of the gold TC label file.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The 14 classes of SemEval-2020 Task 11: one list, kept with the analyzer that predicts them.
from ..analyzers.techniques import TECHNIQUES
from ..errors import ConfigError, NotFound
from .base import EvalRequest, task

_ARTICLE_ID = re.compile(r"article(\d+)\.txt$")


@dataclass
class PtcArticle:
    """One PTC article: its id, raw text and gold labels (character offsets into ``text``)."""

    id: str
    text: str
    #: TC/FLC gold, in file order: (technique, start, end)
    techniques: list[tuple[str, int, int]] = field(default_factory=list)
    #: SI gold, in file order: (start, end)
    spans: list[tuple[int, int]] = field(default_factory=list)


def load_split(folder: Path, split: str, limit: int | None = None) -> list[PtcArticle]:
    """Articles of ``split`` (train | dev) with their SI and TC gold, sorted by id."""
    art_dir = folder / f"{split}-articles"
    if not art_dir.is_dir():
        raise NotFound(
            f"PTC split {split!r} not found ({str(art_dir)!r} does not exist)",
            fix="use --split train or --split dev (the test gold is not public), and --data "
            "with the ptc2020 folder",
            value=split,
        )
    files = sorted(art_dir.glob("article*.txt"), key=lambda p: p.name)
    if limit is not None:
        files = files[:limit]
    articles: dict[str, PtcArticle] = {}
    for f in files:
        m = _ARTICLE_ID.search(f.name)
        if m is None:
            continue
        # Offsets count code points in the file; newline="" keeps every character as it is.
        with open(f, encoding="utf-8", newline="") as fh:
            articles[m.group(1)] = PtcArticle(id=m.group(1), text=fh.read())
    for row in _read_rows(folder / f"{split}-task-flc-tc.labels", 4):
        if row[0] in articles:
            articles[row[0]].techniques.append((row[1], int(row[2]), int(row[3])))
    for row in _read_rows(folder / f"{split}-task-si.labels", 3):
        if row[0] in articles:
            articles[row[0]].spans.append((int(row[1]), int(row[2])))
    return list(articles.values())


def _read_rows(path: Path, cols: int) -> list[list[str]]:
    if not path.is_file():
        raise NotFound(
            f"PTC label file {str(path)!r} does not exist",
            fix="pass --data with the ptc2020 folder of the shared datasets",
            value=str(path),
        )
    rows = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = line.split("\t")
        if len(row) != cols:
            raise NotFound(
                f"{path.name} line {i} has {len(row)} columns, expected {cols}",
                fix="use the unmodified PTC v2 label files",
                value=line[:80],
            )
        rows.append(row)
    return rows


# ---- SI scorer ------------------------------------------------------------------


def merge_overlapping(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge spans that share at least one character (as the official scorer does).

    Spans are ``[start, end)``; ``(0, 5)`` and ``(5, 9)`` share no character and stay
    apart. Empty spans are dropped (the official format checker rejects them).
    """
    out: list[list[int]] = []
    for s, e in sorted((int(s), int(e)) for s, e in spans if e > s):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _prf(p_num: float, p_den: int, r_num: float, r_den: int) -> tuple[float, float, float]:
    # compute_prec_rec_f1 of the official scorers, including its edge cases.
    p = p_num / p_den if p_den > 0 else 0.0
    r = r_num / r_den if r_den > 0 else 0.0
    f1 = 0.0
    if p_den == 0 and r_den == 0:
        f1 = 1.0
    if p > 0 and r > 0:
        f1 = 2 * p * r / (p + r)
    return p, r, f1


def si_score(
    predicted: Mapping[str, Sequence[tuple[int, int]]],
    gold: Mapping[str, Sequence[tuple[int, int]]],
) -> dict[str, float]:
    """Official SI precision, recall and F1 (both sides merged per article).

    ``predicted`` and ``gold`` map article ids to ``(start, end)`` spans. An article the
    system has spans for but gold has none contributes its spans to the precision
    denominator only (the official script would stop with a KeyError there).
    """
    pred_m = {a: merge_overlapping(s) for a, s in predicted.items()}
    gold_m = {a: merge_overlapping(s) for a, s in gold.items()}
    p_den = sum(len(s) for s in pred_m.values())
    r_den = sum(len(s) for s in gold_m.values())
    p_num = r_num = 0.0
    for art, spans in pred_m.items():
        golds = gold_m.get(art, [])
        for ps, pe in spans:
            for gs, ge in golds:
                inter = min(pe, ge) - max(ps, gs)
                if inter > 0:
                    p_num += inter / (pe - ps)
                    r_num += inter / (ge - gs)
    p, r, f1 = _prf(p_num, p_den, r_num, r_den)
    return {
        "precision": p,
        "recall": r,
        "f1": f1,
        "predicted_spans": p_den,
        "gold_spans": r_den,
    }


# ---- TC scorer ------------------------------------------------------------------


def align_labels(
    gold: Sequence[tuple[str, str, int, int]], predicted: Sequence[tuple[str, str, int, int]]
) -> list[tuple[str, str]]:
    """(gold, predicted) label pairs, one per gold span, with the best label alignment.

    Rows are ``(article_id, technique, start, end)``. Both lists must hold the same spans
    with the same multiplicity (the official format check); where one span appears k
    times, matching labels are paired first, as the official ``align_annotations`` does.
    """
    by_span_g: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    by_span_p: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    order: list[tuple[str, int, int]] = []
    for a, t, s, e in gold:
        key = (a, int(s), int(e))
        if key not in by_span_g:
            order.append(key)
        by_span_g[key].append(t)
    for a, t, s, e in predicted:
        by_span_p[(a, int(s), int(e))].append(t)
    pairs: list[tuple[str, str]] = []
    for key in order:
        g = list(by_span_g[key])
        p = list(by_span_p.get(key, []))
        if len(p) != len(g):
            raise ConfigError(
                f"TC predictions for article {key[0]} span {key[1]}-{key[2]} have {len(p)} "
                f"labels, gold has {len(g)}",
                fix="give one predicted technique per gold line (see the gold TC label file)",
                value=key,
            )
        rest_g: list[str] = []
        for t in g:
            if t in p:
                p.remove(t)
                pairs.append((t, t))
            else:
                rest_g.append(t)
        pairs.extend(zip(rest_g, p, strict=True))
    return pairs


def tc_score(
    gold: Sequence[tuple[str, str, int, int]],
    predicted: Sequence[tuple[str, str, int, int]],
    labels: Sequence[str] = TECHNIQUES,
) -> dict[str, Any]:
    """Official TC micro precision/recall/F1 (= accuracy) and F1 per technique."""
    pairs = align_labels(gold, predicted)
    n = len(pairs)
    correct = sum(1 for g, p in pairs if g == p)
    micro = correct / n if n else 0.0
    per: dict[str, dict[str, float]] = {}
    g_count = Counter(g for g, _ in pairs)
    p_count = Counter(p for _, p in pairs)
    hits = Counter(g for g, p in pairs if g == p)
    f1s = []
    for lab in labels:
        # sklearn's f1_score(average=None): 0 where precision or recall is undefined.
        prec = hits[lab] / p_count[lab] if p_count[lab] else 0.0
        rec = hits[lab] / g_count[lab] if g_count[lab] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec > 0 else 0.0
        f1s.append(f1)
        per[lab] = {
            "precision": prec,
            "recall": rec,
            "f1": f1,
            "gold": g_count[lab],
            "predicted": p_count[lab],
        }
    return {
        "precision": micro,
        "recall": micro,
        "f1": micro,
        "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "spans": n,
        "per_technique": per,
    }


def write_si(path: Path, predicted: Mapping[str, Sequence[tuple[int, int]]]) -> None:
    """SI submission: ``article_id<TAB>start<TAB>end``, overlapping spans merged."""
    lines = [f"{art}\t{s}\t{e}" for art in predicted for s, e in merge_overlapping(predicted[art])]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def write_tc(path: Path, rows: Sequence[tuple[str, str, int, int]]) -> None:
    """TC submission: ``article_id<TAB>technique<TAB>start<TAB>end`` in gold order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{a}\t{t}\t{s}\t{e}\n" for a, t, s, e in rows), encoding="utf-8")


# ---- the eval task ----------------------------------------------------------------


def predict_tc_rows(classify: Any, article: PtcArticle) -> list[tuple[str, str, int, int]]:
    """System rows for the gold spans of one article, in gold order.

    ``classify(spans)`` returns, per span, techniques ranked best first. A span that
    carries k gold lines gets the k best distinct techniques, in ranked order.
    """
    mult = Counter((s, e) for _, s, e in article.techniques)
    uniq = list(dict.fromkeys((s, e) for _, s, e in article.techniques))
    ranked = classify(uniq)
    given: dict[tuple[int, int], list[str]] = {
        span: list(r[: mult[span]]) for span, r in zip(uniq, ranked, strict=True)
    }
    rows = []
    for _, s, e in article.techniques:
        rows.append((article.id, given[(s, e)].pop(0), s, e))
    return rows


@task("techniques", dataset="ptc2020")
def eval_techniques(req: EvalRequest) -> dict[str, Any]:
    """``--task si``: find the spans; ``--task tc``: label the gold spans."""
    from ..analyzers.techniques import TechniquesAnalyzer
    from ..context import Context
    from ..model import Analysis, Article
    from ..nlp import load_nlp

    sub = (req.task or "si").lower()
    if sub not in ("si", "tc"):
        raise ConfigError(
            f"unknown PTC sub-task {req.task!r}",
            fix="use --task si (span identification) or --task tc (technique classification)",
            value=req.task,
        )
    articles = load_split(req.data, req.split, req.limit)
    nlp = load_nlp(req.settings.spacy_model, req.settings.max_chars)
    analyzer = TechniquesAnalyzer(req.settings)
    docs = req.track(
        nlp.pipe([a.text for a in articles], batch_size=req.settings.batch_size),
        len(articles),
        "articles",
    )
    si_pred: dict[str, list[tuple[int, int]]] = {}
    tc_rows: list[tuple[str, str, int, int]] = []
    for art, doc in zip(articles, docs, strict=True):
        # The raw file text, not normalised: gold offsets point into it.
        article = Article(id=art.id, text=art.text)
        ctx = Context(
            article=article, doc=doc, analysis=Analysis(article=article), settings=req.settings
        )
        if sub == "si":
            analyzer.run(ctx)
            si_pred[art.id] = [(t.span.start, t.span.end) for t in ctx.analysis.techniques]
        else:

            def classify(spans: list[tuple[int, int]], ctx: Context = ctx) -> list[list[str]]:
                return [[t for t, _ in r] for r in analyzer.classify_spans(ctx, spans)]

            tc_rows.extend(predict_tc_rows(classify, art))
    result: dict[str, Any] = {
        "task": sub,
        "split": req.split,
        "articles": len(articles),
        "model": analyzer.key(),
    }
    if sub == "si":
        gold = {a.id: a.spans for a in articles}
        result.update(si_score(si_pred, gold))
        result["per_technique"] = si_recall_by_technique(si_pred, articles)
        if req.predictions:
            write_si(req.predictions, si_pred)
    else:
        gold_rows = [(a.id, t, s, e) for a in articles for t, s, e in a.techniques]
        result.update(tc_score(gold_rows, tc_rows))
        if req.predictions:
            write_tc(req.predictions, tc_rows)
    return result


def si_recall_by_technique(
    predicted: Mapping[str, Sequence[tuple[int, int]]], articles: Sequence[PtcArticle]
) -> dict[str, dict[str, float]]:
    """SI recall of the gold spans of each technique (partial credit, TC gold spans unmerged).

    Not part of the official SI score (which is technique-blind); it shows which
    techniques the span finder misses.
    """
    num: dict[str, float] = defaultdict(float)
    den: Counter[str] = Counter()
    for art in articles:
        preds = merge_overlapping(predicted.get(art.id, []))
        for tech, gs, ge in art.techniques:
            den[tech] += 1
            for ps, pe in preds:
                inter = min(pe, ge) - max(ps, gs)
                if inter > 0:
                    num[tech] += inter / (ge - gs)
    return {t: {"recall": num[t] / den[t], "gold": den[t]} for t in TECHNIQUES if den[t]}
