"""Quotation-mark pairing on raw text, for the ``quotes`` analyzer (no parse needed).

- **Marks.** Double: ``"`` ``“`` ``”`` ``„`` ``«`` ``»`` and the typewriter pairs ``''`` and
  ````` (some newspapers print every quote that way). Single: ``‘`` ``’`` ``'``. A curly
  mark says which side it is on, unless its surroundings clearly say the opposite (a
  misprinted ``“`` after a word and before a space closes). A straight mark opens when it
  follows a space, the start of the text or opening punctuation and precedes a non-space;
  it closes when it follows a non-space and precedes a space, the end or punctuation.
- **Double quotes pair paragraph by paragraph** (a paragraph ends at a newline). A quote
  left open at the end of a paragraph continues into the next one when that paragraph
  opens with a quote mark of the same kind (straight ``"``, typewriter ``''`` or
  typographic ``“``): the newspaper convention for a quotation of several paragraphs. A
  straight mark before a paragraph of curly quotes is a copy slip, not a continuation.
  Otherwise the quote is *unclosed*: if it opened its paragraph (or followed
  an introduction ending in ``:`` or ``,``) it runs to the end of that paragraph, or of
  its sentence when the paragraph is long; any other unclosed mark is a stray and is
  dropped, as is an unclosed mark of a kind no other mark of the article uses when its
  other marks are of another kind. So a missing closing mark never swallows the rest of the article.
- **Single quotes pair only outside double quotes** (headlines, British style), within one
  paragraph and 300 characters. Apostrophes are skipped: a mark between letters
  (``don’t``), before a digit (``’90s``) or in common elisions (``'em``, ``rock 'n' roll``).
- **Nesting.** A region inside another (``“He called it ‘a trap’,” she said``) belongs to
  the outer one: only outermost regions are returned.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ..context import Context

Role = Literal["open", "close", "either"]

_MARK_RE = re.compile(r"''|``|[\"“”„«»‘’']")
_DOUBLE = {'"', "''", "``", "“", "”", "„", "«", "»"}
_QUOTE_CHARS = "\"“”„«»‘’'`"
#: One-character double quotation marks, for ``balance_quotes``.
DOUBLE_MARKS = '"“”„«»'
_OPEN_BEFORE = "([{<—–-/:;" + _QUOTE_CHARS
_CLOSE_AFTER = ".,;:!?)]}>—–-…" + _QUOTE_CHARS
_ELISIONS = ("em", "til", "cause", "n", "bout", "tis", "twas", "round", "s")
_SENTENCE_END = re.compile(r"[.!?…](?=[\s\"”’']|$)")
#: An unclosed quote that opened its paragraph runs to the paragraph's end only when the
#: paragraph is shorter than this (characters); beyond it, to the end of its sentence.
MAX_UNCLOSED_PARAGRAPH = 1200
#: Single quotes pair only within this many characters (they double as apostrophes).
MAX_SINGLE_QUOTE = 300


@dataclass(frozen=True)
class Mark:
    pos: int
    end: int
    double: bool
    role: Role | None


@dataclass(frozen=True)
class Region:
    """One quotation: ``text[start:end]`` with its marks, ``text[inner_start:inner_end]`` inside."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool = True
    double: bool = True
    paragraphs: int = 1


def _role(text: str, m: re.Match[str]) -> Role | None:
    pos, end, glyph = m.start(), m.end(), m.group()
    prev = text[pos - 1] if pos > 0 else "\n"
    nxt = text[end] if end < len(text) else "\n"
    can_open = (prev.isspace() or prev in _OPEN_BEFORE) and not nxt.isspace()
    can_close = (nxt.isspace() or nxt in _CLOSE_AFTER) and not prev.isspace()
    if glyph in ("“", "„", "«", "``"):
        return "close" if can_close and not can_open else "open"
    if glyph in ("”", "»"):
        return "open" if can_open and not can_close else "close"
    if glyph in ('"', "''"):
        if can_open and not can_close:
            return "open"
        if can_close and not can_open:
            return "close"
        return "either"
    return _single_role(text, pos, end, prev, nxt, can_open, can_close)


def _single_role(
    text: str, pos: int, end: int, prev: str, nxt: str, can_open: bool, can_close: bool
) -> Role | None:
    if prev.isalnum() and nxt.isalnum():  # don't, rock'n'roll
        return None
    glyph = text[pos]
    if can_open and glyph in "‘'":
        word = re.match(r"[A-Za-z]+", text[end : end + 8])
        if nxt.isdigit() or (word and word.group().lower() in _ELISIONS and glyph == "'"):
            return None
        return "open" if nxt.isalnum() or nxt in _QUOTE_CHARS else None
    if can_close and glyph in "’'":
        return "close"
    return None


def find_marks(text: str) -> list[Mark]:
    """Every quotation mark in ``text`` with the side its surroundings put it on."""
    marks = []
    for m in _MARK_RE.finditer(text):
        role = _role(text, m)
        if role is not None:
            marks.append(Mark(m.start(), m.end(), m.group() in _DOUBLE, role))
    return marks


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph: a stretch of text between newlines."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            out.append((m.start(), m.end()))
    return out or [(0, len(text))]


def _unclosed(
    text: str, mark: Mark, para: tuple[int, int], opened_paragraph: bool, limit: int
) -> Region | None:
    """Where an opening mark that never closes plausibly ends; None for a stray mark."""
    start, end = para
    before = text[start : mark.pos].rstrip()
    if not (opened_paragraph or before.endswith((":", ","))):
        return None
    stop = min(end, limit)
    if not opened_paragraph or stop - start > MAX_UNCLOSED_PARAGRAPH:
        found = _SENTENCE_END.search(text, mark.end, stop)
        stop = found.end() if found else stop
    while stop > mark.end and text[stop - 1].isspace():
        stop -= 1
    return Region(mark.pos, stop, mark.end, stop, closed=False)


def _pair_double(text: str, marks: list[Mark], paras: list[tuple[int, int]]) -> list[Region]:
    starts = [p[0] for p in paras]
    by_para: list[list[Mark]] = [[] for _ in paras]
    for mark in marks:
        by_para[max(0, bisect_right(starts, mark.pos) - 1)].append(mark)
    regions: list[Region] = []
    pending: Mark | None = None
    n_paras, opened_paragraph = 1, False
    kinds = Counter(_style(text, mark) for mark in marks)
    # "He left. \"She stayed. “Go,” he said": a mark unlike all the others is a slip
    slips = {k for k, n in kinds.items() if n == 1} if len(kinds) > 1 else set()

    def unclosed(mark: Mark, para: tuple[int, int], opened: bool, limit: int) -> Region | None:
        if _style(text, mark) in slips:
            return None
        return _unclosed(text, mark, para, opened, limit)

    for pi, para in enumerate(paras):
        todo = by_para[pi]
        if pending is not None:  # carried over: this paragraph opens with a continuation mark
            todo, n_paras, opened_paragraph = todo[1:], n_paras + 1, True
        for mark in todo:
            if pending is None:
                if mark.role != "close":  # a closing mark with nothing open is a stray
                    pending, n_paras = mark, 1
                    opened_paragraph = not text[para[0] : mark.pos].strip()
            elif mark.role != "open":
                regions.append(
                    Region(pending.pos, mark.end, pending.end, mark.pos, paragraphs=n_paras)
                )
                pending = None
            else:  # a second opening mark: the pending one was never closed
                region = unclosed(pending, para, opened_paragraph, mark.pos)
                regions += [region] if region else []
                pending, n_paras = mark, 1
                opened_paragraph = not text[para[0] : mark.pos].strip()
        if pending is not None and not _continues(text, by_para, paras, pi, pending):
            region = unclosed(pending, para, opened_paragraph, para[1])
            if region is not None and n_paras > 1:
                region = replace(region, paragraphs=n_paras)
            regions += [region] if region else []
            pending = None
    return regions


def _style(text: str, mark: Mark) -> str:
    """A double mark's kind: straight, typewriter or typographic (one quotation, one kind)."""
    glyph = text[mark.pos : mark.end]
    return "straight" if glyph == '"' else "typewriter" if len(glyph) == 2 else "typographic"


def _continues(
    text: str, by_para: list[list[Mark]], paras: list[tuple[int, int]], pi: int, open_mark: Mark
) -> bool:
    """Whether the next paragraph opens with a double mark of ``open_mark``'s kind (a
    quote of several paragraphs)."""
    if pi + 1 >= len(paras) or not by_para[pi + 1]:
        return False
    first = by_para[pi + 1][0]
    return (
        first.role != "close"
        and not text[paras[pi + 1][0] : first.pos].strip()
        and _style(text, first) == _style(text, open_mark)
    )


def _pair_single(text: str, marks: list[Mark], paras: list[tuple[int, int]]) -> list[Region]:
    starts = [p[0] for p in paras]
    regions: list[Region] = []
    pending: Mark | None = None
    for mark in marks:
        if pending is not None and (
            bisect_right(starts, mark.pos) != bisect_right(starts, pending.pos)
            or mark.pos - pending.end > MAX_SINGLE_QUOTE
        ):
            pending = None
        if mark.role == "open" or (mark.role == "either" and pending is None):
            pending = mark
        elif pending is not None and mark.pos > pending.end:
            regions.append(Region(pending.pos, mark.end, pending.end, mark.pos, double=False))
            pending = None
    return regions


def _outermost(regions: list[Region]) -> list[Region]:
    regions = sorted(regions, key=lambda r: (r.start, -r.end))
    out: list[Region] = []
    for region in regions:
        if out and region.start < out[-1].end:
            continue  # nested (or, rarely, overlapping): the outer, earlier region wins
        out.append(region)
    return out


def pair_quotes(text: str) -> list[Region]:
    """The outermost quotation regions of ``text``, in order (see the module docstring)."""
    marks = find_marks(text)
    paras = paragraphs(text)
    doubles = _pair_double(text, [m for m in marks if m.double], paras)
    starts = [r.start for r in doubles]

    def inside(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < doubles[i].end

    singles = _pair_single(text, [m for m in marks if not m.double and not inside(m.pos)], paras)
    # British style (single outside, double inside): the single pair encloses the double one.
    return _outermost(doubles + singles)


def article_quotes(ctx: Context) -> list[Region]:
    """``pair_quotes`` of the article, paired once per article (``ctx.cache``) for the
    actors, quotes and relations analyzers alike. The list is shared: do not modify it."""
    cached: list[Region] | None = ctx.cache.get("quote_marks.regions")
    if cached is None:
        cached = ctx.cache["quote_marks.regions"] = pair_quotes(ctx.text)
    return cached


def balance_quotes(text: str, start: int, end: int, reach: int = 40) -> tuple[int, int]:
    """A span holding an odd number of quotation marks is widened to the nearest mark
    outside it (within ``reach`` characters of the same line), or else drops the one at
    its edge: ``moderate"`` becomes ``"moderate"``, never half a quotation."""
    if start >= end or sum(text.count(q, start, end) for q in DOUBLE_MARKS) % 2 == 0:
        return start, end
    before = _first_mark(text, range(start - 1, max(start - reach, 0) - 1, -1))
    after = _first_mark(text, range(end, min(end + reach, len(text))))
    if before is not None and (after is None or start - before <= after - end + 1):
        return before, end
    if after is not None:
        return start, after + 1
    if text[end - 1] in DOUBLE_MARKS:
        return start, end - 1
    if text[start] in DOUBLE_MARKS:
        return start + 1, end
    return start, end


def _first_mark(text: str, positions: range) -> int | None:
    """The first double quotation mark at ``positions``, stopping at a line break."""
    for i in positions:
        if text[i] == "\n":
            return None
        if text[i] in DOUBLE_MARKS:
            return i
    return None
