"""Article furniture: the headline, wire datelines ("MANCHESTER, N.H. (Wire) - "), bylines
("By Ana Ferreira") and captions, which say who filed the story and from where, not what
it reports.

A dateline opens a paragraph (usually the first of the body) with the place the story was
filed from in capitals, then perhaps a region, a date and the agency in parentheses, then
a dash. It is furniture, not the story: nothing in it is reported speech, its places are
places whatever the recogniser says, and its agency is who filed it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: A dateline with its closing dash: "SARVAN, Marnia, March 18 (Agency) - ", or a place
#: alone in capitals and a long dash: "SARVAN -- ", "NEW HALDEN — " (not "US - China").
DATELINE = re.compile(
    r"[A-Z][A-Z .'\-]+,[^\n]{0,80}?\s(?:--|[-—–])\s"
    r"|[A-Z]{3}[A-Z.'\-]*(?: [A-Z][A-Z.'\-]*){0,3} (?:--|[—–]) "
)
#: A dateline that names its agency: "MOSCOW, Dec 7 (TASS) -" (group 1: the agency).
DATELINE_AGENCY = re.compile(
    r"[A-Z][A-Z .'\-]+,[^\n()]{0,60}?\(([A-Z][\w .&'\-]{0,40}?)\)\s*[-—–:]"
)


#: A byline: "By Ana Ferreira", "Reporting by ..." (a short line; see ``in_byline``).
BYLINE = re.compile(r"(?:By|BY|Written by|Reporting by)\s+[A-Z]")
#: Longest byline, in words.
BYLINE_MAX_WORDS = 12
#: An image caption or credit line.
CAPTION = re.compile(
    r"(?:Photo|PHOTO|Image|IMAGE|Picture|Caption|Video|VIDEO|File photo)\b[^\n]{0,20}[:|]"
    r"|[^\n]*\((?:Photo|Image|Picture|Credit)[^\n)]*\)\s*$"
)


def line_start(text: str, pos: int) -> int:
    """Offset of the start of the line holding ``pos``."""
    return text.rfind("\n", 0, pos) + 1


def dateline_end(text: str, start: int, end: int | None = None) -> int | None:
    """End of the dateline opening the line at ``start`` (before ``end``), or None."""
    stop = len(text) if end is None else end
    m = DATELINE.match(text, start, stop) or DATELINE_AGENCY.match(text, start, stop)
    return m.end() if m else None


def dateline_places_end(text: str, pos: int) -> int | None:
    """Where the place names of the dateline around ``pos`` end (the agency's parenthesis
    or the dash), when ``pos`` lies in a dateline; else None."""
    start = line_start(text, pos)
    end = dateline_end(text, start)
    if end is None or pos >= end:
        return None
    paren = text.find("(", start, end)
    return paren if paren >= 0 else end


def in_dateline_agency(text: str, pos: int) -> bool:
    """Whether ``pos`` lies in the parenthesised agency of a dateline ("(TASS)" of
    "MOSCOW, Dec 7 (TASS) -"): who filed the story, not a party to it."""
    start = line_start(text, pos)
    m = DATELINE_AGENCY.match(text, start)
    return m is not None and m.start(1) <= pos < m.end(1)


def is_byline(line: str) -> bool:
    """Whether a line is a byline: a short line opening with "By" and a name."""
    return bool(BYLINE.match(line)) and len(line.split()) <= BYLINE_MAX_WORDS


def in_byline(text: str, pos: int) -> bool:
    """Whether ``pos`` lies on a byline."""
    start = line_start(text, pos)
    end = text.find("\n", start)
    return is_byline(text[start : end if end >= 0 else len(text)])


def article_furniture(
    text: str, paras: Sequence[tuple[int, int]]
) -> tuple[tuple[int, int] | None, list[tuple[int, int]], str | None]:
    """The headline paragraph, the article's non-body lines (headline, dateline, byline,
    captions) and the dateline's agency ("MOSCOW, Dec 7 (TASS) -" -> TASS), given the
    article's paragraphs as character ranges."""
    out: list[tuple[int, int]] = []
    headline = None
    agency = None
    if len(paras) > 1:
        s, e = paras[0]
        first = text[s:e].strip()
        words = first.split()
        caps = [w for w in words if len(w) > 3 and w[:1].isalpha()]
        titled = caps and sum(w[:1].isupper() for w in caps) >= 0.75 * len(caps)
        if "\n" not in first and len(words) <= 25 and (titled or first[-1:] not in '.!?”"'):
            headline = (s, e)
            out.append(headline)
    for k, (s, e) in enumerate(paras[:6]):
        line = text[s:e]
        if is_byline(line) or CAPTION.match(line):
            out.append((s, e))
        elif k <= 3 and (m := DATELINE_AGENCY.match(line)):
            out.append((s, s + m.end()))
            agency = agency or m.group(1).strip()
    return headline, out, agency
