"""quantities: numbers, percentages, money, dates, times and measures in structured form."""

from __future__ import annotations

import datetime as dt

import pytest

from framelens.text.quantities import (
    conflict,
    hedge_around,
    interval,
    is_amount,
    parse_date,
    parse_number,
    parse_quantity,
    parse_ref_date,
)

REF = dt.date(2024, 3, 6)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("300,000", 300_000),
        ("300000", 300_000),
        ("three hundred thousand", 300_000),
        ("one hundred and twelve", 112),
        ("twenty-one", 21),
        ("1.5 million", 1_500_000),
        ("1.5m", 1_500_000),
        ("4bn", 4e9),
        ("10k", 10_000),
        ("half", 0.5),
        ("half a million", 500_000),
        ("one and a half million", 1_500_000),
        ("a third", 1 / 3),
        ("two-thirds", 2 / 3),
        ("3/4", 0.75),
        ("1 1/2", 1.5),
        ("a dozen", 12),
        ("two dozen", 24),
        ("a million", 1e6),
        ("nearly 300", 300),
        ("more than 3,000", 3000),
        ("0.5", 0.5),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["dozens", "hundreds", "thousands of", "several", "many", ""])
def test_vague_amounts_have_no_value(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("about 300", "about"),
        ("some 300", "about"),
        ("more than 300", "at_least"),
        ("at least 300", "at_least"),
        ("300 or more", "at_least"),
        ("fewer than 300", "at_most"),
        ("up to 300", "at_most"),
        ("300", "exactly"),
    ],
)
def test_qualifiers(text: str, qualifier: str) -> None:
    parsed = parse_quantity(text, "CARDINAL")
    assert parsed.value == 300
    assert parsed.qualifier == qualifier


def test_ranges() -> None:
    r = parse_quantity("between 10 and 15 percent", "PERCENT")
    assert (r.value, r.high, r.qualifier, r.normalized) == (10, 15, "range", "10/15%")
    r = parse_quantity("10 to 15 million", "CARDINAL")
    assert (r.value, r.high) == (10e6, 15e6)
    r = parse_quantity("2,000-3,000", "CARDINAL")
    assert (r.value, r.high) == (2000, 3000)
    assert parse_quantity("two or three", "CARDINAL").normalized == "2/3"


@pytest.mark.parametrize(
    ("text", "value", "unit", "normalized"),
    [
        ("12%", 12, "percent", "12%"),
        ("12 percent", 12, "percent", "12%"),
        ("12.5 per cent", 12.5, "percent", "12.5%"),
        ("twelve percent", 12, "percent", "12%"),
        ("three percentage points", 3, "percentage point", "3 percentage points"),
    ],
)
def test_percent(text: str, value: float, unit: str, normalized: str) -> None:
    p = parse_quantity(text, "PERCENT")
    assert (p.kind, p.value, p.unit, p.normalized) == ("percent", value, unit, normalized)


@pytest.mark.parametrize(
    ("text", "value", "code"),
    [
        ("$4bn", 4e9, "USD"),
        ("$3.2 billion", 3.2e9, "USD"),
        ("US$5", 5, "USD"),
        ("300 million dollars", 3e8, "USD"),
        ("€500,000", 500_000, "EUR"),
        ("1.2 billion euros", 1.2e9, "EUR"),
        ("£2m", 2e6, "GBP"),
        ("NIS 30,000", 30_000, "ILS"),
        ("Rs 300 crore", 3e9, "INR"),
        ("5 yuan", 5, "CNY"),
        ("50 cents", 0.5, "USD"),
    ],
)
def test_money(text: str, value: float, code: str) -> None:
    p = parse_quantity(text, "MONEY")
    assert p.value == pytest.approx(value)
    assert p.unit == code
    assert p.normalized is not None and p.normalized.startswith(code + " ")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("March 5, 2024", "2024-03-05"),
        ("5 March 2024", "2024-03-05"),
        ("5th of March, 2024", "2024-03-05"),
        ("Sept. 11, 2001", "2001-09-11"),
        ("2024-03-05", "2024-03-05"),
        ("03/05/2024", "2024-03-05"),  # US order
        ("25/12/2023", "2023-12-25"),  # cannot be US order
        ("March 2024", "2024-03"),
        ("in 2019", "2019"),
        ("the 1990s", "199X"),
        ("March 5", "XXXX-03-05"),
        ("since February", "XXXX-02"),
        ("may", None),  # a bare month must be capitalised and written in full
        ("Feb 30, 2024", None),
        ("yesterday", None),  # relative, and no reference date
    ],
)
def test_dates_without_reference(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("yesterday", "2024-03-05"),
        ("today", "2024-03-06"),
        ("last year", "2023"),
        ("next month", "2024-04"),
        ("last week", "2024-W09"),
        ("three weeks ago", "2024-02-14"),
        ("on Monday", "2024-03-04"),
        ("next Monday", "2024-03-11"),
        ("March 5", "2024-03-05"),
        ("since January", "2024-01"),
    ],
)
def test_dates_resolved_against_publication_date(text: str, iso: str) -> None:
    assert parse_date(text, REF) == iso


def test_durations_are_iso_durations() -> None:
    assert parse_quantity("three years", "DATE").normalized == "P3Y"
    assert parse_quantity("the past decade", "DATE").normalized == "P10Y"
    assert parse_quantity("two hours", "TIME").normalized == "PT2H"
    # "last year" is a date, not a one-year length.
    assert parse_quantity("last year", "DATE").normalized is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [("3 p.m.", "T15:00"), ("7:45 am", "T07:45"), ("15:30", "T15:30"), ("noon", "T12:00")],
)
def test_times(text: str, iso: str) -> None:
    assert parse_quantity(text, "TIME").normalized == iso


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("5 km", 5, "km"),
        ("40 miles", 40, "mi"),
        ("300 tons", 300, "t"),
        ("10,000 square kilometres", 10_000, "km2"),
        ("2 million barrels", 2e6, "bbl"),
    ],
)
def test_measures(text: str, value: float, unit: str) -> None:
    p = parse_quantity(text, "QUANTITY")
    assert (p.value, p.unit) == (value, unit)


@pytest.mark.parametrize(
    ("text", "value"), [("third", 3), ("21st", 21), ("twenty-first", 21), ("100th", 100)]
)
def test_ordinals(text: str, value: float) -> None:
    assert parse_quantity(text, "ORDINAL").value == value


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown quantity kind"):
        parse_quantity("3", "PERSON")


def test_conflict_rules() -> None:
    p = parse_quantity
    assert conflict(p("300", "CARDINAL"), p("350", "CARDINAL")) is True
    assert conflict(p("300,000", "CARDINAL"), p("three hundred thousand", "CARDINAL")) is False
    assert conflict(p("more than 300", "CARDINAL"), p("350", "CARDINAL")) is False
    assert conflict(p("fewer than 300", "CARDINAL"), p("350", "CARDINAL")) is True
    assert conflict(p("about 300", "CARDINAL"), p("310", "CARDINAL")) is False
    assert conflict(p("between 10 and 15 percent", "PERCENT"), p("12%", "PERCENT")) is False
    assert conflict(p("12%", "PERCENT"), p("21 percent", "PERCENT")) is True
    # Different currencies, or a number against a percentage, are not comparable.
    assert conflict(p("$5", "MONEY"), p("5 euros", "MONEY")) is None
    assert conflict(p("12", "CARDINAL"), p("12%", "PERCENT")) is None
    # Dates compare at the coarser precision.
    assert conflict(p("March 2024", "DATE"), p("March 5, 2024", "DATE")) is False
    assert conflict(p("March 4, 2024", "DATE"), p("March 5, 2024", "DATE")) is True


def test_parse_ref_date() -> None:
    assert parse_ref_date("2024-03-06T10:00:00Z") == REF
    assert parse_ref_date("2024-03-06") == REF
    assert parse_ref_date("March 2024") is None
    assert parse_ref_date(None) is None


# ---- hedges as news writes them (issue 15, pattern 10) --------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "high"),
    [
        ("just 15", 15, "exactly", None),
        ("only 80", 80, "exactly", None),
        # an insistence before a hedge keeps the hedge
        ("only about 80", 80, "about", None),
        ("just under 40", 40, "about", None),
        ("only more than 300", 300, "at_least", None),
        ("exactly 212", 212, "exactly", None),
        ("at least 20", 20, "at_least", None),
        ("more than 300", 300, "at_least", None),
        ("nearly 40", 40, "about", None),
        ("almost 1,000", 1000, "about", None),
        ("some 9,000", 9000, "about", None),
        ("just over 300", 300, "about", None),
        ("up to 5,000", 5000, "at_most", None),
        ("no more than 12", 12, "at_most", None),
        ("between 30 and 40", 30, "range", 40),
        ("30 to 40", 30, "range", 40),
        ("dozens of", 24, "range", 99),
        ("dozens", 24, "range", 99),
        ("scores of", 40, "range", 99),
        ("hundreds of", 200, "range", 999),
        ("several hundred", 200, "range", 999),
        ("thousands", 2000, "range", 9999),
        ("tens of thousands", 20_000, "range", 99_999),
        ("hundreds of thousands", 200_000, "range", 999_999),
        ("at least hundreds", 200, "at_least", None),
        ("forty", 40, "exactly", None),
        ("forty-two", 42, "exactly", None),
        ("two hundred", 200, "exactly", None),
        ("1.5 million", 1_500_000, "exactly", None),
        ("a dozen", 12, "exactly", None),
        ("a hundred", 100, "exactly", None),
    ],
)
def test_hedged_quantities(text: str, value: float, qualifier: str, high: float | None) -> None:
    p = parse_quantity(text, "CARDINAL")
    assert (p.value, p.qualifier, p.high) == (value, qualifier, high)


@pytest.mark.parametrize(
    "text", ["555-0142", "555-1234", "+44 20 7946 0958", "3:30", "12-04", "2024-03-05"]
)
def test_digits_that_are_not_amounts(text: str) -> None:
    assert not is_amount(text)
    assert parse_quantity(text, "CARDINAL").value is None


def test_one_of_the_is_not_a_count() -> None:
    assert not is_amount("one", " of the victims was a child")
    assert is_amount("four", " of its staff were arrested")
    assert is_amount("one", " person was hurt")
    # Years are dates, ordinals ranks: neither is read as a count.
    assert parse_quantity("in 2019", "DATE").normalized == "2019"
    assert parse_quantity("third", "ORDINAL").qualifier == "exactly"


def test_hedge_around_an_entity_cut_short() -> None:
    assert hedge_around("The ministry said some ", " families") == ("some ", "")
    assert hedge_around("Officials counted just ", " tents") == ("just ", "")
    assert hedge_around("It found ", " or more graves") == ("", " or more")
    # A word that merely ends in a hedge is not one ("handsome", "runabout").
    assert hedge_around("a handsome ", "") == ("", "")
    assert hedge_around("a runabout ", "") == ("", "")


def test_intervals() -> None:
    p = parse_quantity
    assert interval(p("at least 40", "CARDINAL"))[1] == float("inf")
    assert interval(p("up to 40", "CARDINAL"))[0] == float("-inf")
    lo, hi = interval(p("nearly 40", "CARDINAL"))
    assert lo < 36.01 and 43.99 < hi < 45
    lo, hi = interval(p("just 15", "CARDINAL"))
    assert 14.5 < lo <= 15 <= hi < 15.5
    assert interval(p("between 30 and 40", "CARDINAL"))[1] == pytest.approx(40.8)
    assert interval(p("dozens", "CARDINAL")) is not None
    assert interval(p("several", "CARDINAL")) is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("at least 40", "52", False),
        ("more than 300", "80", True),
        ("just 15", "40", True),
        ("only 80", "300", True),
        ("nearly 40", "38", False),
        ("nearly 40", "25", True),
        ("some 9,000", "8,500", False),
        ("up to 5,000", "4,200", False),
        ("up to 5,000", "6,000", True),
        ("between 30 and 40", "35", False),
        ("between 30 and 40", "60", True),
        ("dozens of", "12", True),
        ("dozens of", "60", False),
        ("hundreds of", "250", False),
        ("hundreds of", "40", True),
        ("tens of thousands", "40,000", False),
        ("tens of thousands", "5,000", True),
        ("at least 20", "up to 30", False),
        ("at least 40", "up to 30", True),
        ("forty", "40", False),
    ],
)
def test_conflict_uses_the_qualifier(a: str, b: str, expected: bool) -> None:
    pa, pb = parse_quantity(a, "CARDINAL"), parse_quantity(b, "CARDINAL")
    assert conflict(pa, pb) is expected
    assert conflict(pb, pa) is expected
