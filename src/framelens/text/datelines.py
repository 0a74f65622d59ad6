"""Wire datelines: "MANCHESTER, N.H. (Wire) - ", "SARVAN, Marnia, March 18 - ".

A dateline opens a paragraph (usually the first of the body) with the place the story was
filed from in capitals, then perhaps a region, a date and the agency in parentheses, then
a dash. It is furniture, not the story: nothing in it is reported speech, its places are
places whatever the recogniser says, and its agency is who filed it.
"""

from __future__ import annotations

import re

#: A dateline with its closing dash: "SARVAN, Marnia, March 18 (Agency) - ".
DATELINE = re.compile(r"[A-Z][A-Z .'\-]+,[^\n]{0,80}?\s[-—–]\s")
#: A dateline that names its agency: "MOSCOW, Dec 7 (TASS) -" (group 1: the agency).
DATELINE_AGENCY = re.compile(
    r"[A-Z][A-Z .'\-]+,[^\n()]{0,60}?\(([A-Z][\w .&'\-]{0,40}?)\)\s*[-—–:]"
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
