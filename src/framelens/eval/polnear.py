"""PolNeAR attribution eval of the ``quotes`` analyzer.

``framelens eval quotes --data ../shared/datasets/polnear --split dev|test [--limit N]``

**Gold.** For each article of the split, the annotation file named by
``canonical_annotations.tsv`` (the dataset README's deterministic choice of one annotator).
Each brat ``E`` relation is one attribution: Content, Cue and (unless it is an
``Attribution-no-source``) Source spans, each possibly discontinuous. ``Discuss`` and
``Discard`` spans are annotator flags and are dropped.

**Kinds.** Gold content is classified by its quotation marks: ``direct`` when its text,
stripped of outer spaces and punctuation, opens and closes with a quotation mark (all
pieces of a discontinuous content joined); ``mixed`` when it holds a double quotation mark
anywhere else; ``indirect`` otherwise. A predicted attribution has the kind the analyzer
gave it (``scare`` and ``title`` records are not attributions and are not scored; a
``stance`` — a position or act attributed to a source — scores as ``indirect``: PolNeAR
classifies its gold by quotation marks alone, and a stance has none).

**Predicted attributions.** Records that share a cue span form one attribution (an
interrupted quote, a parenthetical cue); a direct quote with no cue that continues the
previous speaker joins that speaker's preceding direct attribution, and a mixed one (a
quotation in the writer's sentence) that speaker's preceding attribution of any kind,
unless a paragraph of other text lies between them, as PolNeAR joins the paragraphs of one
quotation and the pieces of one report (a quote after a paragraph of narrative is an
attribution of its own); a direct quote with no cue right after its speaker's report of
any kind in the same paragraph ('Kell said the depot will close. "It is a sad day."') joins
that report, as PolNeAR marks the report and the quotation as one content (on PolNeAR
train, speaker overlap F1 0.7300 without this and 0.7317 with it). The predicted source is the
speaker's surface mention in the attribution: ``resolved_from`` (the pronoun or
description) when the name was resolved, else ``speaker.span`` extended over descriptions
right next to it ("Samuel Ortiz, the group's director") and over the co-speakers coordinated
with it ("Ostrow, Halvik and Brandt said": on PolNeAR train, speaker exact F1 0.6621 without
this and 0.6637 with it, quotes v11).

**Tokens** are word tokens (``\\w+`` with inner apostrophes), so quotation marks and
punctuation do not count; a span with no word (a cue that is a colon) is scored on its
non-space characters.

**Matching.** Predicted and gold attributions are paired one-to-one by content: pairs are
taken greedily by the number of content tokens they share (largest first); pairs sharing
no token are not matched. Then, for each of ``all``/``direct``/``mixed``/``indirect``
(precision over the predictions of that kind, recall over the gold of that kind):

- ``content_overlap``: token-overlap credit: P = shared tokens / predicted tokens,
  R = shared tokens / gold tokens (each attribution with its matched partner);
- ``content_exact``: an attribution counts when its content tokens equal its partner's;
- ``speaker_overlap`` / ``speaker_exact``: a matched attribution's source counts when it
  shares at least one token with / has the same tokens as the partner's source;
  P over predictions with a source, R over gold with a source;
- ``cue``: a matched attribution's cue counts when it shares a token with the partner's.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, NotFound
from ..model import Analysis, Article, Quote
from .base import EvalRequest, task

Segments = tuple[tuple[int, int], ...]
KINDS = ("direct", "mixed", "indirect")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_EDGE = " \t\n.,;:!?—–-()[]"
_OPENERS = "\"“‘'«„`"
_CLOSERS = "\"”’'»`"


@dataclass(frozen=True)
class Attribution:
    content: Segments
    source: Segments
    cue: Segments
    kind: str


@dataclass
class GoldDoc:
    name: str
    text: str
    attributions: list[Attribution]


# ---- reading the dataset -------------------------------------------------------------------


def classify_content(text: str) -> str:
    """``direct`` | ``mixed`` | ``indirect`` by the quotation marks of a content span."""
    core = text.strip(_EDGE)
    if len(core) >= 2 and core[0] in _OPENERS and core[-1] in _CLOSERS:
        return "direct"
    if re.search(r"[\"“”«»]|''|``", core):
        return "mixed"
    return "indirect"


def _segments(spec: str) -> Segments:
    return tuple(tuple(int(x) for x in part.split()) for part in spec.split(";"))  # type: ignore[misc]


def parse_ann(ann: str, text: str) -> list[Attribution]:
    """Attributions of one brat ``.ann`` file (parsed by ID prefix, flags dropped)."""
    spans: dict[str, tuple[str, Segments]] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if line.startswith("T"):
            label, _, offsets = parts[1].partition(" ")
            if label not in ("Discuss", "Discard"):
                spans[parts[0]] = (label, _segments(offsets))
        elif line.startswith("E"):
            roles = dict(p.split(":", 1) for p in parts[1].split() if ":" in p)
            events.append(roles)
    out = []
    for roles in events:
        content = spans.get(roles.get("Content", ""), ("", ()))[1]
        if not content:
            continue
        joined = " ".join(text[s:e] for s, e in content)
        out.append(
            Attribution(
                content=content,
                source=spans.get(roles.get("Source", ""), ("", ()))[1],
                cue=spans.get(roles.get("Cue", ""), ("", ()))[1],
                kind=classify_content(joined),
            )
        )
    return out


def read_split(folder: Path, split: str, limit: int | None = None) -> list[GoldDoc]:
    """The articles of ``split`` with their canonical annotations, in file order."""
    table = folder / "canonical_annotations.tsv"
    if not table.is_file():
        raise NotFound(
            f"{str(table)!r} not found",
            fix="pass --data with the PolNeAR folder that holds canonical_annotations.tsv",
            value=str(table),
        )
    with table.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["compartment"] == split]
    if not rows:
        raise InputError(
            f"no PolNeAR articles in split {split!r}",
            fix="use --split train, dev or test",
            value=split,
        )
    docs = []
    for row in rows[:limit] if limit else rows:
        text = (folder / row["text_path"]).read_text(encoding="utf-8")
        ann = (folder / row["canonical_ann_path"]).read_text(encoding="utf-8")
        docs.append(GoldDoc(row["filename"], text, parse_ann(ann, text)))
    return docs


# ---- predictions -> attributions ----------------------------------------------------------


def _source(text: str, quote: Quote) -> Segments:
    sp = quote.speaker
    if sp is None:
        return ()
    if sp.mention is not None:  # the whole phrase, as PolNeAR marks a source
        return (_surface(text, sp.mention.start, sp.mention.end),)
    if sp.resolved_from is not None:
        return ((sp.resolved_from.start, sp.resolved_from.end),)
    if sp.span is None:
        return ()
    start, end = sp.span.start, sp.span.end
    for d in sorted(sp.descriptions, key=lambda d: d.start):
        if 0 <= d.start - end <= 3 and not text[end : d.start].strip(" ,"):
            end = d.end
        elif 0 <= start - d.end <= 3 and not text[d.end : start].strip(" ,"):
            start = d.start
    # a joint statement's source is the whole coordination ("Carson, Fiorina and Huckabee")
    for co in sorted((c.span for c in quote.co_speakers if c.span), key=lambda c: c.start):
        if 0 <= co.start - end <= 6 and text[end : co.start].strip(" ,") in ("", "and", "or"):
            end = co.end
    return (_surface(text, start, end),)


#: What a name's mention holds around it in PolNeAR's source spans: an honorific or "the"
#: before it ("Mr. Obama", "the IMF"), a party tag after it ("Gov. Pat McCrory (R)").
_BEFORE_NAME = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Messrs)\.?|\b[Tt]he)\s+$")
_PARTY_TAG = re.compile(r"\s*\([RDI](?:-[A-Z][\w.]*)?\)")


def _surface(text: str, start: int, end: int) -> tuple[int, int]:
    """A name's span widened to the mention PolNeAR marks: its honorific or article
    before it, its party tag after it."""
    m = _BEFORE_NAME.search(text, max(0, start - 12), start)
    if m is not None and text[start : start + 1].isupper():
        start = m.start()
    m = _PARTY_TAG.match(text, end)
    if m is not None:
        end = m.end()
    return start, end


def _narrative_between(gap: str) -> bool:
    """Whether a whole paragraph of text lies in ``gap`` (the text between two quotes)."""
    return any(line.strip() for line in gap.split("\n")[1:-1])


def predicted(analysis: Analysis) -> list[Attribution]:
    """The analyzer's quotes as PolNeAR-style attributions (see the module docstring)."""
    text = analysis.article.text
    groups: list[list[Quote]] = []
    by_cue: dict[tuple[int, int], list[Quote]] = {}
    quotes = sorted(
        (q for q in analysis.quotes if q.kind in KINDS or q.kind == "stance"),
        key=lambda q: q.content.start,
    )
    for q in quotes:
        if q.cue is not None:
            key = (q.cue.start, q.cue.end)
            if key in by_cue:
                by_cue[key].append(q)
                continue
            by_cue[key] = [q]
            groups.append(by_cue[key])
            continue
        if q.speaker is not None and q.kind in ("direct", "mixed"):
            # a cue-less quotation continues its speaker's last attribution: a direct
            # quote's, or for a quotation in the writer's sentence any report's ('Mills
            # "got an immunity agreement," Jordan said, and still "got to sit in ..."')
            kinds = ("direct",) if q.kind == "direct" else (*KINDS, "stance")
            prev = next((g for g in reversed(groups) if g[0].kind in kinds and g[0].speaker), None)
            if (
                prev is not None
                and prev[0].speaker.name == q.speaker.name  # type: ignore[union-attr]
                and not _narrative_between(text[prev[-1].span.end : q.span.start])
            ):
                prev.append(q)
                continue
            # a direct quote right after its speaker's report in the same paragraph ('Kell
            # said the depot will close. "It is a sad day."') continues that report
            prev = groups[-1] if groups and q.kind == "direct" else None
            if (
                prev is not None
                and prev[0].speaker is not None
                and prev[0].speaker.name == q.speaker.name
                and "\n" not in text[prev[-1].span.end : q.span.start]
            ):
                prev.append(q)
                continue
        groups.append([q])
    out = []
    for g in groups:
        first = g[0]
        out.append(
            Attribution(
                content=tuple((q.content.start, q.content.end) for q in g),
                source=_source(text, first) if first.cue is not None else (),
                cue=((first.cue.start, first.cue.end),) if first.cue else (),
                kind="indirect" if first.kind == "stance" else first.kind,
            )
        )
    return out


# ---- scoring -----------------------------------------------------------------------------


class Tokens:
    """Word-token ids (start offsets) of one text, looked up by spans."""

    def __init__(self, text: str):
        self.text = text
        self.words = [(m.start(), m.end()) for m in _WORD.finditer(text)]

    def of(self, segments: Segments) -> frozenset[int]:
        ids = {s for a, b in segments for s, e in self._between(a, b) if a <= (s + e) / 2 < b}
        if ids or not segments:
            return frozenset(ids)
        # No word at all (a colon cue): score on the non-space characters, as negative ids.
        return frozenset(
            -(i + 1) for a, b in segments for i in range(a, b) if not self.text[i].isspace()
        )

    def _between(self, a: int, b: int) -> Iterable[tuple[int, int]]:
        from bisect import bisect_left

        i = bisect_left(self.words, (a - 64, 0))
        while i < len(self.words) and self.words[i][0] < b:
            yield self.words[i]
            i += 1


@dataclass
class _Tally:
    """Numerators and denominators of one (subset, metric)."""

    p_num: float = 0.0
    p_den: float = 0.0
    r_num: float = 0.0
    r_den: float = 0.0

    def prf(self) -> dict[str, float]:
        p = self.p_num / self.p_den if self.p_den else 0.0
        r = self.r_num / self.r_den if self.r_den else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}


METRICS = ("content_overlap", "content_exact", "speaker_overlap", "speaker_exact", "cue")


def match(
    gold: Sequence[Attribution], pred: Sequence[Attribution], tokens: Tokens
) -> dict[int, int]:
    """One-to-one pairs ``{pred index: gold index}`` by shared content tokens, greedily."""
    g_tok = [tokens.of(g.content) for g in gold]
    p_tok = [tokens.of(p.content) for p in pred]
    pairs = []
    for pi, pt in enumerate(p_tok):
        for gi, gt in enumerate(g_tok):
            shared = len(pt & gt)
            if shared:
                pairs.append((shared, -pi, -gi))
    pairs.sort(reverse=True)
    used_g: set[int] = set()
    out: dict[int, int] = {}
    for _, npi, ngi in pairs:
        pi, gi = -npi, -ngi
        if pi not in out and gi not in used_g:
            out[pi] = gi
            used_g.add(gi)
    return out


def score_document(
    gold: Sequence[Attribution],
    pred: Sequence[Attribution],
    tokens: Tokens,
    tallies: dict[str, dict[str, _Tally]],
) -> None:
    """Add one document's counts to ``tallies[subset][metric]``."""
    pairs = match(gold, pred, tokens)
    back = {gi: pi for pi, gi in pairs.items()}
    for side, items, partner in (("p", pred, pairs), ("r", gold, back)):
        others = gold if side == "p" else pred
        for i, att in enumerate(items):
            other = others[partner[i]] if i in partner else None
            for subset in ("all", att.kind):
                if subset in tallies:
                    _count(tallies[subset], side, att, other, tokens)


def _count(
    t: dict[str, _Tally], side: str, att: Attribution, other: Attribution | None, tokens: Tokens
) -> None:
    mine = tokens.of(att.content)
    theirs = tokens.of(other.content) if other else frozenset()
    _add(t["content_overlap"], side, len(mine & theirs), len(mine))
    _add(t["content_exact"], side, float(bool(mine) and mine == theirs), 1)
    if att.source:
        src = tokens.of(att.source)
        o_src = tokens.of(other.source) if other and other.source else frozenset()
        _add(t["speaker_overlap"], side, float(bool(src & o_src)), 1)
        _add(t["speaker_exact"], side, float(bool(src) and src == o_src), 1)
    if att.cue:
        cue = tokens.of(att.cue)
        o_cue = tokens.of(other.cue) if other and other.cue else frozenset()
        _add(t["cue"], side, float(bool(cue & o_cue)), 1)


def _add(tally: _Tally, side: str, num: float, den: float) -> None:
    if side == "p":
        tally.p_num += num
        tally.p_den += den
    else:
        tally.r_num += num
        tally.r_den += den


def new_tallies() -> dict[str, dict[str, _Tally]]:
    return {s: {m: _Tally() for m in METRICS} for s in ("all", *KINDS)}


def results(tallies: dict[str, dict[str, _Tally]]) -> dict[str, Any]:
    return {s: {m: t.prf() for m, t in metrics.items()} for s, metrics in tallies.items()}


# ---- the task ------------------------------------------------------------------------------


@task("quotes", dataset="polnear")
def evaluate(req: EvalRequest) -> dict[str, Any]:
    """Attribution P/R/F1 of the quotes analyzer on PolNeAR (see the module docstring)."""
    from ..pipeline import Pipeline

    docs = read_split(req.data, req.split, req.limit)
    pipe = Pipeline("quotes", req.settings)
    articles = [Article(text=d.text, source=d.name, lang="en") for d in docs]
    tallies = new_tallies()
    analysed = req.track(pipe.analyze_many(articles), len(articles), "documents")
    for doc, result in zip(docs, analysed, strict=True):
        # A failed article counts as no predictions: its gold still counts against recall.
        pred = predicted(result) if isinstance(result, Analysis) else []
        score_document(doc.attributions, pred, Tokens(doc.text), tallies)
        if req.predictions is not None:
            _write_brat(req.predictions, doc.name, doc.text, pred)
    return results(tallies)


def _write_brat(folder: Path, name: str, text: str, pred: Sequence[Attribution]) -> None:
    """Predictions as brat standoff (same labels as the gold) for the official tools."""
    folder.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    n = 0
    for k, att in enumerate(pred, start=1):
        roles = []
        anchor = "Attribution" if att.source else "Attribution-no-source"
        parts = (("Source", att.source), ("Cue", att.cue), ("Content", att.content))
        for label, segs in (*parts, (anchor, att.cue or att.content[:1])):
            if not segs:
                continue
            n += 1
            offsets = ";".join(f"{s} {e}" for s, e in segs)
            surface = " ".join(text[s:e] for s, e in segs).replace("\n", " ")
            lines.append(f"T{n}\t{label} {offsets}\t{surface}")
            roles.append(f"{label}:T{n}")
        lines.append(f"E{k}\t" + " ".join([roles[-1], *roles[:-1]]))
    (folder / f"{name}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
