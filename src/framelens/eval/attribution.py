"""Speaker accuracy of the ``quotes`` analyzer on the team's attribution test set, with
the set's checks of labels, quantities and contradictions.

``framelens eval attribution --data tests/data/attribution``

The set (``articles.jsonl``) holds short news-style articles the team wrote, one JSON
object a line: ``id``, ``patterns`` (the issue-15 patterns it covers: 1-8 attribution --
role nouns, organisations as "it"/"the group", "told Reuters", places, middlemen, social
media, headline/dateline/byline/caption, name variants; 9 labels from apposition and
predication; 10 quantities with their hedges; 11 sources that disagree), ``text`` and
``quotes``: for each gold quote a piece of its ``content`` (a substring of the text), the
``speaker``'s name and, where there is one, the ``audience`` and ``via``; ``exact`` asks
for the speaker's name exactly (case-folded), for pattern 8: "Masri said" must give the
one actor's full name, not "Masri". Optional checks:

- ``labels``: ``{"actor", "label"}``, every word of ``label`` among the lemmas of the
  labels of the actor whose name holds ``actor`` ("puppet militia": the labels "puppet"
  and "militia"); ``not_labels``: words that no actor's label may hold (the words of a
  source's quotation are the source's, not the writer's);
- ``quantities``: ``{"text", "qualifier", "value"?, "high"?}``, a claim's quantity whose
  span holds ``text`` (or lies in it), with that qualifier and value;
- ``contradictions``: ``{"kind", "speakers"}``, a contradiction of that kind whose
  speakers hold each of those names (none for the writer's own claims); an empty list
  asks for no contradiction at all ("at least 40" and "52").

A gold quote is *found* when a predicted direct, mixed or indirect quote's content holds
its piece (or the piece holds the content); its speaker is *correct* when the predicted
``speaker.name`` and the gold name, case-folded, are equal or one holds the other. It is a
regression guard, not a tuning target. Scores: ``speaker_accuracy`` (correct / gold
quotes), ``found`` (found / gold quotes), and for the quotes with a gold audience or via,
``audience_accuracy`` and ``via_accuracy``; ``label_accuracy``, ``quantity_accuracy`` and
``contradiction_accuracy`` (checks passed / checks); ``by_pattern`` gives, per pattern,
the share of the speaker and other checks of its articles that pass.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import NotFound
from ..model import REPORT_KINDS, Analysis, Article, Quote
from .base import EvalRequest, task

#: What the set's checks read: quotes (and the actors they need), the claims' quantities
#: and the contradictions.
ANALYZERS = "quotes,claims,contradictions"


def read_set(folder: Path) -> list[dict[str, Any]]:
    path = folder / "articles.jsonl" if folder.is_dir() else folder
    if not path.is_file():
        raise NotFound(
            f"{str(path)!r} not found",
            fix="pass --data with the folder that holds articles.jsonl (tests/data/attribution)",
            value=str(path),
        )
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _same(a: str | None, b: str, exact: bool = False) -> bool:
    if not a:
        return False
    x, y = a.casefold().strip(), b.casefold().strip()
    return x == y or (not exact and (x in y or y in x))


def _find(quotes: list[Quote], text: str, piece: str) -> Quote | None:
    at = text.find(piece)
    if at < 0:
        return None
    lo, hi = at, at + len(piece)
    best: tuple[float, Quote] | None = None
    for q in quotes:
        c = q.content
        shared = min(hi, c.end) - max(lo, c.start)
        if q.kind in REPORT_KINDS and shared > 0:
            # Dice overlap: the quote whose content is closest to the gold piece.
            dice = 2 * shared / (hi - lo + c.end - c.start)
            if best is None or dice > best[0]:
                best = (dice, q)
    return best[1] if best else None


def _checks(art: dict[str, Any], analysis: Analysis) -> list[tuple[str, bool, str]]:
    """``(check, passed, what)`` for the article's label, quantity and contradiction
    checks (see the module docstring)."""
    out: list[tuple[str, bool, str]] = []
    for gold in art.get("labels", []):
        actors = [a for a in analysis.actors if _same(a.name, gold["actor"])]
        words = {w for a in actors for lab in a.labels for w in lab.lemma.casefold().split()}
        ok = bool(actors) and set(gold["label"].casefold().split()) <= words
        out.append(("label", ok, f"label {gold['label']!r} on {gold['actor']!r}"))
    for word in art.get("not_labels", []):
        pinned = [a.name for a in analysis.actors for lab in a.labels if word in lab.lemma]
        out.append(("label", not pinned, f"no label {word!r} (on {pinned})"))
    stated = [q for c in analysis.claims for q in c.quantities]
    for gold in art.get("quantities", []):
        piece = gold["text"].casefold()
        ok = any(
            (piece in q.span.text.casefold() or q.span.text.casefold() in piece)
            and q.qualifier == gold["qualifier"]
            and ("value" not in gold or q.value == gold["value"])
            and ("high" not in gold or q.high == gold["high"])
            for q in stated
        )
        out.append(("quantity", ok, f"quantity {gold['text']!r} {gold['qualifier']}"))
    if "contradictions" in art:
        found = analysis.contradictions
        if not art["contradictions"]:
            out.append(("contradiction", not found, f"no contradiction (got {len(found)})"))
        for gold in art["contradictions"]:
            ok = any(
                c.kind == gold["kind"]
                and (bool(c.speakers) == bool(gold["speakers"]))
                and all(any(_same(s.name, n) for s in c.speakers) for n in gold["speakers"])
                for c in found
            )
            out.append(("contradiction", ok, f"{gold['kind']} of {gold['speakers']}"))
    return out


def score(items: list[tuple[dict[str, Any], Analysis | None]]) -> dict[str, Any]:
    tally: Counter[str] = Counter()
    by_pattern: dict[str, Counter[str]] = {}
    misses: list[str] = []
    for art, analysis in items:
        quotes = list(analysis.quotes) if analysis is not None else []
        for gold in art["quotes"]:
            q = _find(quotes, art["text"], gold["content"])
            sp = q.speaker if q is not None else None
            ok = sp is not None and _same(sp.name, gold["speaker"], gold.get("exact", False))
            tally["gold"] += 1
            tally["found"] += q is not None
            tally["correct"] += ok
            if not ok:
                misses.append(f"{art['id']}: {gold['speaker']!r} <- {sp.name if sp else None!r}")
            for key in ("audience", "via"):
                if key in gold:
                    tally[f"{key}_gold"] += 1
                    got = getattr(sp, key, None) if sp is not None else None
                    tally[f"{key}_ok"] += bool(got is not None and _same(got.name, gold[key]))
            for p in art.get("patterns", []):
                c = by_pattern.setdefault(str(p), Counter())
                c["gold"] += 1
                c["correct"] += ok
        if analysis is None:
            continue
        for name, passed, what in _checks(art, analysis):
            tally[f"{name}_gold"] += 1
            tally[f"{name}_ok"] += passed
            if not passed:
                misses.append(f"{art['id']}: {what}")
            for p in art.get("patterns", []):
                c = by_pattern.setdefault(str(p), Counter())
                c["gold"] += 1
                c["correct"] += passed

    def ratio(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    return {
        "speaker_accuracy": ratio(tally["correct"], tally["gold"]),
        "found": ratio(tally["found"], tally["gold"]),
        "audience_accuracy": ratio(tally["audience_ok"], tally["audience_gold"]),
        "via_accuracy": ratio(tally["via_ok"], tally["via_gold"]),
        "label_accuracy": ratio(tally["label_ok"], tally["label_gold"]),
        "quantity_accuracy": ratio(tally["quantity_ok"], tally["quantity_gold"]),
        "contradiction_accuracy": ratio(tally["contradiction_ok"], tally["contradiction_gold"]),
        "quotes": tally["gold"],
        "articles": len(items),
        "by_pattern": {p: ratio(c["correct"], c["gold"]) for p, c in sorted(by_pattern.items())},
        "misses": "; ".join(misses) if misses else "none",
    }


@task("attribution", dataset="attribution")
def evaluate(req: EvalRequest) -> dict[str, Any]:
    """Speaker accuracy on the team's attribution set (see the module docstring)."""
    from ..pipeline import Pipeline

    arts = read_set(req.data)[: req.limit] if req.limit else read_set(req.data)
    pipe = Pipeline(ANALYZERS, req.settings)
    articles = [Article(text=a["text"], source=a["id"], lang="en") for a in arts]
    results = [r if isinstance(r, Analysis) else None for r in pipe.analyze_many(articles)]
    return score(list(zip(arts, results, strict=True)))
