"""Evidence documents -> passages of a few sentences, with offsets into the document text.

A rule-based sentence splitter (no parse: evidence collections can hold long reports,
and the few passages a claim retrieves are parsed when it is checked). Passages never
cross a paragraph break (a blank line) and hold at most ``MAX_SENTENCES`` sentences and
about ``MAX_CHARS`` characters, so that the NLI model sees premises close to the
sentence pairs it was trained on.
"""

from __future__ import annotations

import re

MAX_SENTENCES = 3
MAX_CHARS = 600
#: A one-line paragraph up to this long without final punctuation is a heading.
HEADING_CHARS = 120
#: A sentence longer than this (a table flattened by a PDF reader) is cut at a space.
HARD_LIMIT = 1500

_ABBREV = {
    "mr", "mrs", "ms", "dr", "st", "prof", "gen", "sen", "rep", "gov", "lt", "col", "maj",
    "capt", "sgt", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp", "dept", "est",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "approx", "fig", "vol", "pp", "art", "para", "e.g", "i.e", "u.s", "u.k", "u.n",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"\n\s*\n")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text[start:end]``, trimmed of whitespace."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    for m in _BOUNDARY.finditer(text, start, end):
        word = re.search(r"([\w.]+)$", text[pos : m.start()])
        if word:
            w = word.group(1).lower().rstrip(".")
            # "Mr. Smith", "U.S. troops", "J. Smith": not the end of a sentence.
            if w in _ABBREV or re.fullmatch(r"[a-z]", w) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", w):
                continue
        cut = m.end()
        out.append((pos, cut))
        pos = cut
    out.append((pos, end))
    trimmed = []
    for a, b in out:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            trimmed.extend(_cut_long(text, a, b))
    return trimmed


def _cut_long(text: str, a: int, b: int) -> list[tuple[int, int]]:
    pieces = []
    while b - a > HARD_LIMIT:
        cut = text.rfind(" ", a, a + HARD_LIMIT)
        cut = cut if cut > a else a + HARD_LIMIT
        pieces.append((a, cut))
        a = cut
        while a < b and text[a].isspace():
            a += 1
    if b > a:
        pieces.append((a, b))
    return pieces


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph (text between blank lines)."""
    out = []
    pos = 0
    for m in _PARAGRAPH.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _is_heading(text: str) -> bool:
    line = text.strip()
    return "\n" not in line and len(line) <= HEADING_CHARS and line[-1:] not in '.!?:;"”'


def make_passages(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each passage of ``text``: consecutive sentences of one paragraph.

    A heading (a short paragraph of one line without final punctuation) opens the first
    passage of the paragraph after it: alone it is a poor passage, and it gives that
    passage's words their context ("Flood response in the Kestrel Valley").
    """
    passages: list[tuple[int, int]] = []
    heading: int | None = None
    for pa, pb in paragraphs(text):
        if _is_heading(text[pa:pb]):
            heading = pa if heading is None else heading
            continue
        group: list[tuple[int, int]] = []
        for s in split_sentences(text, pa, pb):
            if group and (len(group) >= MAX_SENTENCES or s[1] - group[0][0] > MAX_CHARS):
                passages.append((group[0][0], group[-1][1]))
                group = []
            group.append(s)
        if group:
            passages.append((group[0][0], group[-1][1]))
        if heading is not None and passages:
            first = len(passages) - len(_starts_in(passages, pa, pb))
            passages[first] = (heading, passages[first][1])
            heading = None
    if heading is not None:  # trailing headings: a passage of their own
        passages.append((heading, len(text.rstrip())))
    return passages


def _starts_in(passages: list[tuple[int, int]], a: int, b: int) -> list[tuple[int, int]]:
    return [p for p in passages if a <= p[0] < b]
