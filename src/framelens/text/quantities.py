"""Numbers, percentages, money, dates, times and measures as structured values.

Pure functions on strings (no spaCy, no models), shared by the ``claims`` analyzer,
which finds the expressions with spaCy's entities, and by ``contradictions``, which
compares them. The public API is small:

- ``parse_number(text)``: the value of a number written in digits, words or both
  ("300,000", "three hundred thousand", "1.5m", "two-thirds", "half"), else ``None``.
- ``parse_quantity(text, kind, ref=None)``: a ``Parsed`` value for an expression of one
  kind (``number | percent | money | date | time | quantity | ordinal``, or a spaCy
  entity label such as ``CARDINAL``), with its unit, a canonical ``normalized`` string,
  and a ``qualifier`` ("about 300", "more than 300", "300 to 400").
- ``parse_date(text, ref=None)``: ISO 8601 for a date expression ("March 5, 2024" ->
  "2024-03-05", "last year" -> "2023" given ``ref``), else ``None``.
- ``conflict(a, b)``: whether two parsed values of the same kind and unit cannot both be
  true (``None`` when they are not comparable). This is what the contradiction rules use.

``normalized`` conventions: numbers in plain decimal ("300000", "0.5"); percentages
"12%" (or "3 percentage points"); money "USD 4000000000" (ISO 4217 code, or the
currency word when the code is ambiguous); dates ISO 8601 calendar dates at the
precision the text gives ("2024-03-05", "2024-03", "2024"), with ``X`` for digits the
text leaves open ("XXXX-03-05" for "March 5" without a year or a reference date,
"199X" for "the 1990s"), ISO weeks for "last week" ("2024-W10"), and ISO durations for
lengths of time ("three years" -> "P3Y"); times "T15:00" or durations "PT2H";
measures "5 km"; ordinals "3".
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["number", "percent", "money", "date", "time", "quantity", "ordinal"]
#: How a figure is hedged: "just 15" exactly, "nearly 40" about, "at least 20" / "more than
#: 300" at_least, "up to 5,000" at_most, "between 30 and 40" or "hundreds of" range.
Qualifier = Literal["exactly", "about", "at_least", "at_most", "range"]
QUALIFIERS: tuple[Qualifier, ...] = ("exactly", "about", "at_least", "at_most", "range")
#: "about 40" stands for 40 give or take this share (10 %: 36-44).
ABOUT_TOLERANCE = 0.1
#: Slack for rounding on every figure ("300,000" vs "301,000"): 2 % of the value.
ROUNDING_TOLERANCE = 0.02

#: spaCy entity label -> quantity kind.
ENTITY_KINDS: dict[str, Kind] = {
    "CARDINAL": "number",
    "PERCENT": "percent",
    "MONEY": "money",
    "DATE": "date",
    "TIME": "time",
    "QUANTITY": "quantity",
    "ORDINAL": "ordinal",
}


@dataclass(frozen=True)
class Parsed:
    """One parsed expression. ``value`` is the lower end of a range (``high`` the upper)."""

    kind: Kind
    value: float | None = None
    unit: str | None = None
    normalized: str | None = None
    qualifier: Qualifier = "exactly"
    high: float | None = None


# ---- numbers -------------------------------------------------------------------

_UNITS = {
    "zero": 0, "oh": 0, "nil": 0, "none": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {
    "hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "lakh": 1e5, "crore": 1e7,
}  # fmt: skip
# Suffixes written straight after digits ("4bn", "10k", "$3.2m").
_SUFFIX_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
_FRACTIONS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
    "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
    "tenth": 10, "tenths": 10,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
    "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
    "hundredth": 100, "thousandth": 1000, "millionth": 1e6,
}  # fmt: skip
_COUNT_WORDS = {"dozen": 12.0, "score": 20.0, "couple": 2.0, "pair": 2.0}
# Words that make an amount vague ("hundreds of", "dozens"): no single value.
_VAGUE = re.compile(
    r"\b(?:hundreds|thousands|millions|billions|trillions|dozens|scores|tens|several|"
    r"many|few|some|numerous|countless)\b",
    re.I,
)
_APPROX = re.compile(
    r"\b(?:about|around|approximately|roughly|nearly|almost|some|an estimated|estimated|"
    r"close to|just over|just under|circa|ca\.|more or less|upwards of)\b|~|≈",
    re.I,
)
_MIN = re.compile(
    r"\b(?:more than|over|above|at least|no fewer than|no less than|upwards of|exceeding|"
    r"in excess of|a minimum of)\b|>=?|≥",
    re.I,
)
_MAX = re.compile(
    r"\b(?:less than|fewer than|under|below|at most|up to|no more than|a maximum of|"
    r"as many as|as much as)\b|<=?|≤",
    re.I,
)
# "just 15", "only 80": the writer insists on the figure (``exactly``).
_EXACT = re.compile(r"\b(?:just|only|exactly|precisely|merely|a mere|a total of|a full)\b", re.I)
# Any of the hedges above, ending a stretch of text ("... said some " -> "some"): what a
# caller adds to an entity that the entity recogniser cut after its hedge.
_HEDGE_BEFORE = re.compile(
    r"(?:^|(?<=[\s(\[\"“']))(?P<hedge>about|around|approximately|roughly|nearly|almost|some|"
    r"an estimated|estimated|close to|just over|just under|more or less|upwards of|"
    r"more than|over|above|at least|no fewer than|no less than|exceeding|in excess of|"
    r"a minimum of|less than|fewer than|under|below|at most|up to|no more than|"
    r"a maximum of|as many as|as much as|just|only|exactly|precisely|merely|a mere|"
    r"a total of|a full)\s+$",
    re.I,
)
_HEDGE_AFTER = re.compile(r"^\s+or\s+(?:more|over|above|less|fewer|under)\b", re.I)
_DIGITS = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:\s*/\s*(?P<den>\d+))?"
    r"(?P<suffix>k|mn|mln|bn|tn|m|b)?(?![\w])",
    re.I,
)
# "between 10 and 15", "10 to 15", "two or three", "10-15" (a dash only between digits:
# "twenty-one" and "two-thirds" are single numbers).
_RANGE = re.compile(
    r"between\s+(?P<a>.+?)\s+and\s+(?P<b>.+)|(?P<c>.+?)\s+(?:to|or)\s+(?P<d>.+)|"
    r"(?P<e>[^-–—]*\d[^-–—]*?)\s*[-–—]\s*(?P<f>[^-–—]*\d.*)",
    re.I,
)
_WORD = re.compile(r"[a-z]+", re.I)


def _digits_value(m: re.Match[str], rest: str) -> tuple[float, str]:
    """Value of a digit match, with any scale word right after it; and the text left."""
    num = float(m.group("num").replace(",", ""))
    if m.group("den"):
        den = float(m.group("den"))
        num = num / den if den else math.nan
    suffix = (m.group("suffix") or "").lower()
    if suffix:
        num *= _SUFFIX_SCALES[suffix]
    scale = re.match(r"\s*(hundred|thousand|million|billion|trillion|lakh|crore)s?\b", rest, re.I)
    while scale:
        num *= _SCALES[scale.group(1).lower()]
        rest = rest[scale.end() :]
        scale = re.match(r"\s*(thousand|million|billion|trillion)\b", rest, re.I)
    # "1 1/2": a whole number followed by a fraction.
    frac = re.match(r"\s+(\d+)\s*/\s*(\d+)\b", rest)
    if frac and float(frac.group(2)) and "." not in m.group("num"):
        num += float(frac.group(1)) / float(frac.group(2))
        rest = rest[frac.end() :]
    return num, rest


def _words_value(words: list[str]) -> float | None:
    """Value of a run of number words ("three hundred and twelve thousand", "two-thirds")."""
    total, current, seen = 0.0, 0.0, False
    i = 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w == "and" and nxt in ("a", "one") and i + 2 < len(words):
            den = _FRACTIONS.get(words[i + 2])
            if den:  # "one and a half"
                current += 1.0 / den
                i += 3
                continue
        if w == "and" and seen:
            i += 1
            continue
        if w in ("a", "an", "one") and nxt in _FRACTIONS and nxt not in ("second",):
            current += 1.0 / _FRACTIONS[nxt]  # "a half", "a third"
            seen, i = True, i + 2
            continue
        if w in _FRACTIONS and seen and current >= 1 and current < 10:
            current = current / _FRACTIONS[w]  # "two thirds"
            i += 1
            continue
        if w in ("half",):
            current += 0.5  # "half a million"
            seen, i = True, i + 1
            if nxt in ("a", "an"):
                i += 1
            continue
        if w in _UNITS and not (
            w in ("a", "an") and nxt not in _SCALES and nxt not in _COUNT_WORDS
        ):
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w in _COUNT_WORDS:
            current = (current or 1.0) * _COUNT_WORDS[w]
        elif w == "hundred":
            current = (current or 1.0) * 100
        elif w in _SCALES:
            total += (current or 1.0) * _SCALES[w]
            current = 0.0
        else:
            return None
        seen = True
        i += 1
    return total + current if seen else None


def _split_words(text: str) -> list[str]:
    return [w.lower() for w in re.split(r"[\s\-–]+", text.strip()) if w]


def _strip_qualifier(text: str) -> tuple[str, Qualifier]:
    """Remove a leading "about"/"more than"/"up to" (or a trailing "or more") and name it."""
    m = re.search(r"\s+or\s+(more|over|above|less|fewer|under)\s*$", text, re.I)
    if m:
        tail: Qualifier = (
            "at_least" if m.group(1).lower() in ("more", "over", "above") else "at_most"
        )
        return text[: m.start()].strip(), tail
    for pattern, name in (
        (_APPROX, "about"),
        (_MIN, "at_least"),
        (_MAX, "at_most"),
        (_EXACT, "exactly"),
    ):
        m = pattern.search(text)
        if m and not text[: m.start()].strip(" ,$€£"):
            rest = (text[: m.start()] + text[m.end() :]).strip()
            if name == "exactly":
                # "only about 80", "just over 100": the hedge after the insistence counts
                inner, hedge = _strip_qualifier(rest)
                if inner != rest:
                    return inner, hedge
            return rest, name  # type: ignore[return-value]
    return text.strip(), "exactly"


def _number_and_rest(text: str) -> tuple[float | None, str]:
    """The first number in ``text`` and the text after it."""
    text = text.strip()
    m = _DIGITS.search(text)
    if m:
        before = text[: m.start()]
        # "1.5 million" and "5 km" start with digits; "half a million" has no digits and
        # "the 300 soldiers" has words before them: only currency or signs may come first.
        if not _WORD.search(before) or re.fullmatch(r"[^\w]*[A-Za-z]{0,3}\$?\s*", before):
            value, rest = _digits_value(m, text[m.end() :])
            return value, rest
    words = _split_words(re.sub(r"[,]", " ", text))
    for end in range(len(words), 0, -1):
        word_value = _words_value(words[:end])
        if word_value is not None:
            return word_value, " ".join(words[end:])
    return None, text


def parse_number(text: str) -> float | None:
    """The value of a number expression, or ``None`` if it has none or is vague.

    >>> parse_number("300,000"), parse_number("three hundred thousand"), parse_number("1.5bn")
    (300000.0, 300000.0, 1500000000.0)
    """
    body, _ = _strip_qualifier(text)
    if _VAGUE.search(body) and not _DIGITS.search(body):
        return None
    value, _rest = _number_and_rest(body)
    if value is None or math.isnan(value):
        return None
    return value


def _fmt(value: float) -> str:
    """Plain decimal, no exponent, no trailing zeros: 300000, 0.5, 0.333333."""
    if value == int(value) and abs(value) < 1e18:
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _parse_range(body: str) -> tuple[float | None, float | None]:
    m = _RANGE.fullmatch(body.strip())
    if not m:
        return None, None
    a_text = m.group("a") or m.group("c") or m.group("e")
    b_text = m.group("b") or m.group("d") or m.group("f")
    b = parse_number(b_text)
    a = parse_number(a_text)
    if a is None or b is None:
        return None, None
    # "10 to 15 million": the scale of the upper end applies to the lower end too.
    scale = re.search(r"(thousand|million|billion|trillion|bn|m|k)\b", b_text, re.I)
    if scale and not re.search(r"(thousand|million|billion|trillion|bn|m|k)\b", a_text, re.I):
        factor = _SCALES.get(scale.group(1).lower()) or _SUFFIX_SCALES.get(scale.group(1).lower())
        if factor and a * factor <= b:
            a *= factor
    return (a, b) if a <= b else (None, None)


# Vague multiples as ranges (news convention, documented in the README): "dozens" 24-99,
# "scores" 40-99, "hundreds" 200-999, "thousands" 2,000-9,999, "tens of thousands"
# 20,000-99,999, "hundreds of thousands" 200,000-999,999, likewise for millions and
# billions; "several"/"a few"/"some" before a scale word ("several hundred") count as its
# plural ("hundreds"). The lower end is two of the unit, the upper end just under the
# next order of magnitude.
_VAGUE_BASE = {"dozen": 12.0, "score": 20.0, **{k: v for k, v in _SCALES.items() if k in (
    "hundred", "thousand", "million", "billion")}}  # fmt: skip
_VAGUE_MULTIPLE = re.compile(
    r"(?:(?P<tens>tens|hundreds)\s+of\s+)?(?:(?:several|a\s+few|some|many)\s+)?"
    r"(?P<base>dozen|score|hundred|thousand|million|billion)(?P<plural>s)?(?:\s+of)?",
    re.I,
)


def vague_range(text: str) -> tuple[float, float] | None:
    """``(low, high)`` of a vague multiple ("dozens of", "tens of thousands"), else ``None``.

    >>> vague_range("hundreds of"), vague_range("tens of thousands")
    ((200.0, 999.0), (20000.0, 99999.0))
    """
    m = _VAGUE_MULTIPLE.fullmatch(text.strip())
    if not m:
        return None
    several = re.search(r"\b(?:several|few|some|many)\b", m.group(0), re.I)
    if not (m.group("plural") or several):
        return None  # "a hundred", "dozen": a number, not a vague amount
    base = _VAGUE_BASE[m.group("base").lower()]
    if m.group("tens"):
        if base < 100:
            return None  # "tens of dozens" is not news English
        base *= 10.0 if m.group("tens").lower() == "tens" else 100.0
    if base == 20.0:  # scores: 40-99
        return 40.0, 99.0
    if base == 12.0:  # dozens: 24-99
        return 24.0, 99.0
    return 2 * base, 10 * base - 1


# Digits that are not an amount: phone numbers ("555-0142", "+44 20 7946 0958"), clock
# times ("3:30") and digit groups with a leading zero after a dash ("12-04").
_NOT_AMOUNT = re.compile(
    r"\+\d[\d\s().-]{6,}|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}|\d{3}-\d{4}|"
    r"\d{2,5}(?:[\s.-]\d{2,5}){2,}|\d+\s*-\s*0\d+|\d{1,2}:\d{2}(?::\d{2})?",
)


def is_amount(text: str, after: str = "") -> bool:
    """Whether an expression the entity recogniser calls a number is an amount at all.

    Not: phone-like digit groups ("555-0142"), clock times ("3:30"), and "one" in "one of
    the ..." (it picks a member out, it does not count: "one of the victims"). ``after``
    is the text that follows the expression.
    """
    body = text.strip()
    if _NOT_AMOUNT.fullmatch(body):
        return False
    return not (body.lower() in ("one", "1") and re.match(r"\s+of\b", after, re.I))


def _plain_number(text: str, kind: Kind) -> Parsed:
    body, qualifier = _strip_qualifier(text)
    if _NOT_AMOUNT.fullmatch(body.strip()):
        return Parsed(kind)
    vague = vague_range(body)
    if vague is not None:
        v_low, v_high = vague
        if qualifier == "at_least":  # "at least hundreds"
            return Parsed(kind, v_low, None, _fmt(v_low), "at_least")
        if qualifier == "at_most":
            return Parsed(kind, v_high, None, _fmt(v_high), "at_most")
        return Parsed(kind, v_low, None, f"{_fmt(v_low)}/{_fmt(v_high)}", "range", v_high)
    low, high = _parse_range(body) if not re.fullmatch(r"\s*-?\d[\d,.]*\s*", body) else (None, None)
    if low is not None and high is not None:
        return Parsed(kind, low, None, f"{_fmt(low)}/{_fmt(high)}", "range", high)
    value = parse_number(body)
    if value is None:
        return Parsed(kind, qualifier=qualifier)
    return Parsed(kind, value, None, _fmt(value), qualifier)


# ---- percentages and money -------------------------------------------------------

_PERCENT_POINTS = re.compile(r"percentage[\s-]points?|pct\.?\s*points?|points?", re.I)
_PERCENT = re.compile(r"%|\bper\s*cent\b|\bpercent\b|\bpct\b", re.I)

_CURRENCY_SYMBOLS = (
    ("US$", "USD"), ("A$", "AUD"), ("AU$", "AUD"), ("C$", "CAD"), ("CA$", "CAD"),
    ("HK$", "HKD"), ("NZ$", "NZD"), ("S$", "SGD"), ("R$", "BRL"), ("$", "USD"),
    ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"), ("₹", "INR"), ("₪", "ILS"), ("₽", "RUB"),
    ("₩", "KRW"), ("₺", "TRY"), ("₴", "UAH"),
)  # fmt: skip
_CURRENCY_WORDS = {
    "dollar": "USD", "usd": "USD", "euro": "EUR", "eur": "EUR", "pound": "GBP",
    "sterling": "GBP", "gbp": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "rupee": "INR", "shekel": "ILS", "ruble": "RUB", "rouble": "RUB", "hryvnia": "UAH",
    "lira": "TRY", "franc": "CHF", "won": "KRW", "rand": "ZAR", "naira": "NGN",
    "riyal": "SAR", "dirham": "AED", "peso": "peso", "dinar": "dinar", "cent": "cent",
    "rs": "INR", "nis": "ILS",
}  # fmt: skip
_ISO_CODE = re.compile(r"\b([A-Z]{3})\b")
_KNOWN_CODES = set(_CURRENCY_WORDS.values()) | {code for _, code in _CURRENCY_SYMBOLS} | {
    "CHF", "SEK", "NOK", "DKK", "PLN", "MXN", "EGP", "PKR", "BDT",
}  # fmt: skip


def _currency(text: str) -> str | None:
    for symbol, symbol_code in _CURRENCY_SYMBOLS:
        if symbol in text:
            return symbol_code
    for m in _ISO_CODE.finditer(text):
        if m.group(1) in _KNOWN_CODES:
            return m.group(1)
    for word in _WORD.findall(text.lower()):
        code = _CURRENCY_WORDS.get(word.rstrip("s")) or _CURRENCY_WORDS.get(word)
        if code:
            return code
    return None


def _scaled(parsed: Parsed, factor: float) -> Parsed:
    if parsed.value is None:
        return parsed
    value = parsed.value * factor
    high = parsed.high * factor if parsed.high is not None else None
    norm = _fmt(value) if high is None else f"{_fmt(value)}/{_fmt(high)}"
    return Parsed(parsed.kind, value, parsed.unit, norm, parsed.qualifier, high)


def _strip_currency(text: str) -> str:
    out = text
    for symbol, _ in _CURRENCY_SYMBOLS:
        out = out.replace(symbol, " ")
    return out


# ---- dates and times ----------------------------------------------------------------

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTH_RE = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY_RE = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR_RE = r"(?P<year>(?:1[5-9]|20|21)\d\d)"
_DATE_PATTERNS = (
    re.compile(r"\b(?P<year>\d{4})-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(rf"\b{_MONTH_RE}\s+{_DAY_RE}(?:\s*,\s*|\s+){_YEAR_RE}\b", re.I),
    re.compile(rf"\b{_DAY_RE}(?:\s+of)?\s+{_MONTH_RE}(?:\s*,\s*|\s+){_YEAR_RE}\b", re.I),
    re.compile(r"\b(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<year>\d{4})\b"),
    re.compile(rf"\b{_MONTH_RE}\s+{_DAY_RE}\b(?!\s*(?:,|\d))", re.I),
    re.compile(rf"\b{_DAY_RE}(?:\s+of)?\s+{_MONTH_RE}\b", re.I),
    re.compile(rf"\b{_MONTH_RE}(?:\s*,\s*|\s+(?:of\s+)?){_YEAR_RE}\b", re.I),
    re.compile(r"\b(?P<year>\d{4})-(?P<m>[01]\d)\b"),
    # A bare month ("since February"), capitalised and in full: "may" and "march" are
    # also words.
    re.compile(
        r"\b(?P<month>January|February|March|April|May|June|July|August|September|"
        r"October|November|December)\b"
    ),
)
_DURATION_UNITS = {
    "year": "Y", "month": "M", "week": "W", "day": "D", "decade": "Y", "century": "Y",
}  # fmt: skip
_DURATION_FACTOR = {"decade": 10, "century": 100}
_TIME_UNITS = {"hour": "H", "minute": "M", "second": "S"}


def _iso(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            dt.date(year or 2000, month or 1, day)  # 2000 is a leap year: 29 Feb is valid
        except ValueError:
            return None
    y = f"{year:04d}" if year is not None else "XXXX"
    if month is None:
        return y
    return f"{y}-{month:02d}" if day is None else f"{y}-{month:02d}-{day:02d}"


def _month(name: str) -> int:
    key = name.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTHS[key[:3]]


def _relative_date(text: str, ref: dt.date | None) -> str | None:
    low = text.lower()
    if ref is None:
        return None
    simple = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
    for word, delta in simple.items():
        if re.search(rf"\b{word}\b", low):
            return (ref + dt.timedelta(days=delta)).isoformat()
    m = re.search(r"\b(last|this|next|past|coming)\s+(year|month|week)\b", low)
    if m:
        step = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[m.group(1)]
        unit = m.group(2)
        if unit == "year":
            return f"{ref.year + step:04d}"
        if unit == "month":
            month = ref.month + step
            year = ref.year + (month - 1) // 12
            return f"{year:04d}-{(month - 1) % 12 + 1:02d}"
        iso = (ref + dt.timedelta(weeks=step)).isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    m = re.search(r"\b(\w+(?:[\s-]\w+)*)\s+(day|week|month|year)s?\s+ago\b", low)
    if m:
        n = parse_number(m.group(1).split()[-1]) or parse_number(m.group(1))
        if n is not None and n == int(n):
            k = int(n)
            if m.group(2) == "day":
                return (ref - dt.timedelta(days=k)).isoformat()
            if m.group(2) == "week":
                return (ref - dt.timedelta(weeks=k)).isoformat()
            if m.group(2) == "month":
                month = ref.month - k
                year = ref.year + (month - 1) // 12
                return f"{year:04d}-{(month - 1) % 12 + 1:02d}"
            return f"{ref.year - k:04d}"
    m = re.search(r"\b(?:(last|next|this|coming)\s+)?(monday|tuesday|wednesday|thursday|friday|"
                  r"saturday|sunday)\b", low)  # fmt: skip
    if m:
        # News reports past events: a bare weekday is the latest one on or before the
        # reference date; "next"/"coming" Monday is the first one after it.
        target = _WEEKDAYS[m.group(2)]
        if m.group(1) in ("next", "coming"):
            delta = (target - ref.weekday()) % 7 or 7
        else:
            delta = -((ref.weekday() - target) % 7)
            if m.group(1) == "last" and delta == 0:
                delta = -7
        return (ref + dt.timedelta(days=delta)).isoformat()
    return None


def parse_date(text: str, ref: dt.date | None = None) -> str | None:
    """ISO 8601 for a date expression (precision as written), else ``None``.

    ``ref`` (the article's publication date) resolves relative dates ("yesterday",
    "last year", "three weeks ago", "on Monday") and gives day-and-month dates their
    year; without it those give ``None`` or ``XXXX-MM-DD``.
    """
    for i, pattern in enumerate(_DATE_PATTERNS):
        m = pattern.search(text)
        if not m:
            continue
        groups = m.groupdict()
        year = int(groups["year"]) if groups.get("year") else None
        if i == 0 or i == 7:
            return _iso(year, int(groups["m"]), int(groups["day"]) if groups.get("day") else None)
        if i == 3:
            a, b = int(groups["a"]), int(groups["b"])
            # US order (MM/DD) unless the first field cannot be a month.
            return _iso(year, *((a, b) if a <= 12 else (b, a)))
        month = _month(groups["month"])
        day = int(groups["day"]) if groups.get("day") else None
        if year is None and ref is not None:
            year = ref.year
        return _iso(year, month, day)
    m = re.search(r"\b(?:the\s+)?(?:(1[5-9]|20)(\d)0|'(\d)0)s\b", text)
    if m:  # "the 1990s", "the '90s"
        if m.group(1):
            return f"{m.group(1)}{m.group(2)}X"
        return f"19{m.group(3)}X"
    m = re.search(r"\b(?:fy\s*)?((?:1[5-9]|20|21)\d\d)\b", text, re.I)
    if m and not re.search(r"\d{4}\s*(?:people|years|days)", text):
        return m.group(1)
    return _relative_date(text, ref)


def _duration(text: str, units: dict[str, str], prefix: str) -> Parsed | None:
    m = re.search(
        r"(?P<n>.*?)\b(?P<unit>years?|months?|weeks?|days?|decades?|centur(?:y|ies)|"
        r"hours?|minutes?|seconds?)\b(?:\s+(?:old|long|ago))?",
        text,
        re.I,
    )
    if not m or "ago" in text.lower():
        return None
    unit = m.group("unit").lower()
    unit = "century" if unit.startswith("centur") else unit.rstrip("s")
    if unit not in units:
        return None
    n_text, qualifier = _strip_qualifier(m.group("n"))
    if re.search(r"\b(?:last|this|next|coming)\s*$", n_text, re.I):
        return None  # "last year" is a date (resolved with a reference date), not a length
    n_text = re.sub(r"\b(?:the|past|last|next|coming|for|of|in|within)\b", " ", n_text, flags=re.I)
    value = parse_number(n_text) if n_text.strip() else 1.0
    if value is None:
        return None
    value *= _DURATION_FACTOR.get(unit, 1)
    return Parsed(
        "time" if prefix == "PT" else "date",
        value,
        "year" if unit in _DURATION_FACTOR else unit,
        f"{prefix}{_fmt(value)}{units[unit]}",
        qualifier,
    )


def _parse_time(text: str) -> Parsed:
    low = text.lower()
    if re.search(r"\bnoon\b|\bmidday\b", low):
        return Parsed("time", 12.0, "hour", "T12:00")
    if re.search(r"\bmidnight\b", low):
        return Parsed("time", 0.0, "hour", "T00:00")
    m = re.search(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?!\w)", low)
    if m:
        hour, minute = int(m.group(1)) % 12, int(m.group(2) or 0)
        if m.group(3).startswith("p"):
            hour += 12
        if hour < 24 and minute < 60:
            return Parsed("time", hour + minute / 60, "hour", f"T{hour:02d}:{minute:02d}")
    m = re.search(r"\b([01]?\d|2[0-3])[:h]([0-5]\d)\b", low)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        return Parsed("time", hour + minute / 60, "hour", f"T{hour:02d}:{minute:02d}")
    duration = _duration(text, _TIME_UNITS, "PT")
    return duration or Parsed("time")


# ---- measures -------------------------------------------------------------------------

_UNIT_ALIASES = {
    "kilometre": "km", "kilometer": "km", "km": "km", "kms": "km", "mile": "mi", "mi": "mi",
    "metre": "m", "meter": "m", "m": "m", "centimetre": "cm", "centimeter": "cm", "cm": "cm",
    "millimetre": "mm", "millimeter": "mm", "mm": "mm", "foot": "ft", "feet": "ft", "ft": "ft",
    "inch": "in", "inches": "in", "yard": "yd", "kilogram": "kg", "kilogramme": "kg",
    "kg": "kg", "kilo": "kg", "gram": "g", "gramme": "g", "g": "g", "pound": "lb", "lb": "lb",
    "lbs": "lb", "ounce": "oz", "oz": "oz", "ton": "t", "tonne": "t", "tons": "t", "t": "t",
    "litre": "l", "liter": "l", "l": "l", "gallon": "gal", "barrel": "bbl", "bbl": "bbl",
    "acre": "acre", "hectare": "ha", "ha": "ha", "square kilometre": "km2",
    "square kilometer": "km2", "sq km": "km2", "km2": "km2", "square mile": "mi2",
    "sq mi": "mi2", "degree": "deg", "degrees": "deg", "°c": "degC", "°f": "degF",
    "celsius": "degC", "fahrenheit": "degF", "megawatt": "MW", "mw": "MW", "gigawatt": "GW",
    "gw": "GW", "kilowatt": "kW", "kw": "kW", "kwh": "kWh", "calorie": "kcal",
}  # fmt: skip


def _measure_unit(rest: str) -> str | None:
    rest = rest.strip().lower().strip(".,;")
    rest = re.sub(r"^(?:of\s+)", "", rest)
    if not rest:
        return None
    for n in (2, 1):
        words = rest.split()[:n]
        if len(words) < n:
            continue
        key = " ".join(words)
        for cand in (key, key.rstrip("s"), key[:-2] if key.endswith("es") else key):
            if cand in _UNIT_ALIASES:
                return _UNIT_ALIASES[cand]
    first = rest.split()[0]
    return first.rstrip("s") if first.isalpha() else first


# ---- the public entry point --------------------------------------------------------------


def _as_kind(kind: str) -> Kind:
    if kind in ENTITY_KINDS:
        return ENTITY_KINDS[kind]
    if kind in ENTITY_KINDS.values():
        return kind  # type: ignore[return-value]
    raise ValueError(f"unknown quantity kind {kind!r}")


def parse_quantity(text: str, kind: str, ref: dt.date | None = None) -> Parsed:
    """Parse ``text`` as a ``kind`` expression (a kind name or a spaCy entity label).

    Always returns a ``Parsed``; its ``value``/``normalized`` are ``None`` when the
    text has no definite value ("dozens", "recent years").
    """
    k = _as_kind(kind)
    text = text.strip()
    if k == "ordinal":
        low = text.lower().strip()
        m = re.match(r"(\d+)(?:st|nd|rd|th)\b", low)
        value: float | None
        if m:
            value = float(m.group(1))
        else:
            words = _split_words(low)
            value = _ORDINALS.get(words[-1]) if words else None
            if value is not None and len(words) > 1:  # "twenty-first"
                head = _words_value(words[:-1])
                value = value + head if head is not None else value
        if value is None:
            return Parsed(k)
        return Parsed(k, float(value), None, _fmt(float(value)))
    if k == "percent":
        points = _PERCENT_POINTS.search(text) and not _PERCENT.search(text)
        body = _PERCENT.sub(" ", _PERCENT_POINTS.sub(" ", text))
        base = _plain_number(body, k)
        unit = "percentage point" if points else "percent"
        if base.value is None:
            return Parsed(k, unit=unit, qualifier=base.qualifier)
        norm = (base.normalized or "") + (" percentage points" if points else "%")
        return Parsed(k, base.value, unit, norm, base.qualifier, base.high)
    if k == "money":
        code = _currency(text)
        body = _strip_currency(text)
        body = re.sub(r"\b[A-Z]{3}\b", " ", body)
        body = re.sub(
            r"\b(?:us|u\.s\.|dollars?|euros?|pounds?(?:\s+sterling)?|sterling|yen|yuan|"
            r"renminbi|rupees?|shekels?|rub(?:les?)?|roubles?|hryvnias?|liras?|francs?|"
            r"won|rand|nairas?|riyals?|dirhams?|pesos?|dinars?|cents?)\b",
            " ",
            body,
            flags=re.I,
        )
        base = _plain_number(body, k)
        if base.value is None:
            return Parsed(k, unit=code, qualifier=base.qualifier)
        if code == "cent":
            base, code = _scaled(base, 0.01), "USD"
        money_norm = f"{code} {base.normalized}" if code else base.normalized
        return Parsed(k, base.value, code, money_norm, base.qualifier, base.high)
    if k == "date":
        duration = _duration(text, _DURATION_UNITS, "P")
        iso = parse_date(text, ref)
        if iso is None and duration is not None:
            return duration
        if iso is None:
            return Parsed(k)
        year = re.match(r"(\d{4})", iso)
        return Parsed(k, float(year.group(1)) if year else None, None, iso)
    if k == "time":
        return _parse_time(text)
    if k == "quantity":
        body, qualifier = _strip_qualifier(text)
        amount, rest = _number_and_rest(body)
        if amount is None:
            return Parsed(k, qualifier=qualifier)
        measure_unit = _measure_unit(rest)
        measure = f"{_fmt(amount)} {measure_unit}" if measure_unit else _fmt(amount)
        return Parsed(k, amount, measure_unit, measure, qualifier)
    return _plain_number(text, k)


def conflict(a: Parsed, b: Parsed, rel_tol: float = ROUNDING_TOLERANCE) -> bool | None:
    """Whether ``a`` and ``b`` cannot both hold; ``None`` if they are not comparable.

    Comparable means same kind and unit with both values known. Qualifiers count:
    "more than 300" does not conflict with 350; "about 300" allows 10 % either way;
    ranges conflict only with values outside them. Dates compare their ``normalized``
    strings at the coarser precision of the two ("2024" vs "2024-03": no conflict).
    """
    if a.kind != b.kind or a.unit != b.unit:
        return None
    if a.kind == "date" and a.normalized and b.normalized:
        na, nb = a.normalized, b.normalized
        if na.startswith("P") != nb.startswith("P"):
            return None
        if not na.startswith("P"):
            n = min(len(na), len(nb))
            pa, pb = na[:n], nb[:n]
            if "W" in na or "W" in nb:
                return None
            return any(x != y and "X" not in (x, y) for x, y in zip(pa, pb, strict=True))
    ia, ib = interval(a, rel_tol), interval(b, rel_tol)
    if ia is None or ib is None:
        return None
    return ia[1] < ib[0] or ib[1] < ia[0]


def interval(p: Parsed, rel_tol: float = ROUNDING_TOLERANCE) -> tuple[float, float] | None:
    """The values ``p`` allows, as a closed interval (``None`` when it has no value).

    ``exactly`` v: [v, v]; ``about`` v: v give or take ``ABOUT_TOLERANCE``; ``at_least`` v:
    [v, inf); ``at_most`` v: (-inf, v]; ``range``: [value, high]. Every finite end is
    widened by ``rel_tol`` of the value for rounding. Two figures conflict only when their
    intervals are disjoint: "at least 40" and 52 do not, "just 15" and 40 do.
    """
    if p.value is None:
        return None
    v = p.value
    slack = max(abs(v) * rel_tol, 1e-9)
    if p.qualifier == "range" and p.high is not None:
        return v - slack, p.high + max(abs(p.high) * rel_tol, 1e-9)
    if p.qualifier == "about":
        lo, hi = sorted((v * (1 - ABOUT_TOLERANCE), v * (1 + ABOUT_TOLERANCE)))
        return lo - slack, hi + slack
    if p.qualifier == "at_least":
        return v - slack, math.inf
    if p.qualifier == "at_most":
        return -math.inf, v + slack
    return v - slack, v + slack


def hedge_around(before: str, after: str) -> tuple[str, str]:
    """The hedge that ends ``before`` and the "or more" that opens ``after``, if any.

    For an entity the recogniser cut short: in "... said some 9,000 families", given
    ``before`` = "... said " and ``after`` = " families", returns ("some ", ""). The
    caller parses ``prefix + entity + suffix`` and widens the span by their lengths.
    """
    m = _HEDGE_BEFORE.search(before[-40:])
    prefix = before[-40:][m.start("hedge") :] if m else ""
    n = _HEDGE_AFTER.match(after)
    return prefix, n.group(0) if n else ""


def parse_ref_date(published: str | None) -> dt.date | None:
    """The calendar date of an ``Article.published`` string (ISO prefix), else ``None``."""
    if not published:
        return None
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", published)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


__all__ = [
    "ABOUT_TOLERANCE",
    "ENTITY_KINDS",
    "QUALIFIERS",
    "Kind",
    "Parsed",
    "Qualifier",
    "conflict",
    "hedge_around",
    "interval",
    "is_amount",
    "parse_date",
    "parse_number",
    "parse_quantity",
    "parse_ref_date",
    "vague_range",
]
