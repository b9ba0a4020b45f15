"""The finder of date expressions, and their resolution against the publication date.

The finder is Truceline's own: regular expressions that know which words
can be dates in a news text and which cannot. "M4" is a road and the verb
"may" is a verb: a month name counts only when capitalised and next to a
day, a year or a preposition of time ("in May", "early September"), so no
road name or modal verb ever becomes a month. Each expression found is
resolved to a range of days with a precision: "on September 1" is a day,
"early September" the first ten days, "February-March 2020" two months,
"regularly" a vague period. A day written without its year is the latest
such day not after the publication date. dateparser normalises the single
days (absolute and relative: "Sept. 6", "yesterday", "last Tuesday"), with
English only and the publication date as its base.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser

from truceline.domain.intake import DatePrecision, DateSpan

_MONTH_NAMES = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTH_NAMES["Sept"] = 9
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19[5-9][0-9]|20[0-9]{2})"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DASH = r"\s*(?:-|\u2013|\u2014|to|and|through|until)\s*"
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_COUNT = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)"
_PARTS = {
    "early": (1, 10),
    "beginning": (1, 10),
    "start": (1, 10),
    "mid": (11, 20),
    "middle": (11, 20),
    "late": (21, 31),
    "end": (21, 31),
}

# Each kind of expression, tried in this order; an expression never overlaps an earlier one.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("iso", r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
        (
            "months",
            rf"\b(?:between\s+|from\s+)?(?P<m1>{_MONTH})(?:\s+(?P<y1>{_YEAR}))?{_DASH}"
            rf"(?P<m2>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?\b",
        ),
        (
            "days",
            rf"\b(?P<d1>{_DAY}){_DASH}(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH})"
            rf"(?:,?\s+(?P<y>{_YEAR}))?\b",
        ),
        (
            "days",
            rf"\b(?P<m>{_MONTH})\s+(?P<d1>{_DAY})\s*(?:-|\u2013|\u2014|to|and)\s*(?P<d2>{_DAY})"
            rf"(?:,?\s+(?P<y>{_YEAR}))?\b(?!\s*{_MONTH})",
        ),
        (
            "day",
            rf"\b(?:{_WEEKDAY},?\s+)?(?P<m>{_MONTH})\s+(?P<d>{_DAY})\b(?:,?\s+(?P<y>{_YEAR}))?",
        ),
        (
            "day",
            rf"\b(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH})"
            rf"(?:,?\s+(?P<y>{_YEAR}))?\b",
        ),
        (
            "part",
            rf"\b(?:(?:the\s+)?(?P<p>early|mid|late|beginning|start|middle|end)"
            rf"(?:\s*-\s*|\s+of\s+|\s+))(?P<m>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?\b",
        ),
        ("part_year", rf"\b(?P<p>early|mid|late)(?:\s*-\s*|\s+)(?P<y>{_YEAR})\b"),
        ("month", rf"\b(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR})\b"),
        (
            "month",
            rf"\b(?:in|since|until|till|by|during|through|from|of|last|this|since\s+early)"
            rf"\s+(?P<m>{_MONTH})(?![\w-])",
        ),
        ("year", rf"\b(?:in|since|during|throughout|of|early|late)\s+(?P<y>{_YEAR})\b"),
        (
            "relative_day",
            rf"\b(?P<rel>yesterday|today|tonight|last\s+night|this\s+(?:morning|afternoon|evening)"
            rf"|(?:{_COUNT})\s+days?\s+ago|(?:last\s+)?{_WEEKDAY})\b",
        ),
        (
            "week",
            rf"\b(?P<rel>last\s+week|this\s+week|earlier\s+this\s+week|past\s+week"
            rf"|(?:{_COUNT})\s+weeks?\s+ago)\b",
        ),
        (
            "relative_month",
            rf"\b(?P<rel>last\s+month|this\s+month|earlier\s+this\s+month|(?:{_COUNT})\s+months?\s+ago)\b",
        ),
        (
            "vague",
            r"\b(?P<rel>regularly|repeatedly|frequently|recently|constantly|continuously"
            r"|(?:almost\s+|nearly\s+)?daily|in\s+recent\s+(?:days|weeks|months)"
            r"|over\s+the\s+past\s+(?:few\s+)?(?:days|weeks|months)|for\s+(?:weeks|months))\b",
        ),
    )
)
_SINCE = re.compile(r"\bsince\s+(?:the\s+)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in a text, where it is, and the range it stands for."""

    span: DateSpan
    begin: int
    end: int


def _month(name: str) -> int:
    return _MONTH_NAMES[name.rstrip(".")]


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _year_for(month: int, day: int, anchor: date) -> int:
    """The year of the latest (month, day) not after the anchor (a day later at most)."""
    year = anchor.year
    try:
        candidate = date(year, month, min(day, _last_day(year, month)))
    except ValueError:  # pragma: no cover - calendar.monthrange keeps the day valid
        return year
    return year - 1 if candidate > anchor + timedelta(days=1) else year


@lru_cache(maxsize=64)
def _parser(anchor: date) -> DateDataParser:
    """dateparser for English only, preferring past dates, relative to the anchor's noon."""
    base = datetime.combine(anchor, time(12, 0))
    return DateDataParser(
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "past",
            "RETURN_AS_TIMEZONE_AWARE": False,
            "RELATIVE_BASE": base,
        },
    )


@lru_cache(maxsize=4096)
def normalise_day(expression: str, anchor: date) -> date | None:
    """One day written in words ("Sept. 6, 2020", "yesterday", "last Tuesday"), or None."""
    found = _parser(anchor).get_date_data(expression)
    if found.date_obj is None or found.period != "day":
        return None
    day: date = found.date_obj.date()
    return day


def _span(kind: str, match: re.Match[str], anchor: date) -> DateSpan | None:
    g = match.groupdict()
    text = match.group(0).strip()
    if kind == "iso":
        try:
            day = date(int(g["y"]), int(g["m"]), int(g["d"]))
        except ValueError:
            return None
        return DateSpan(day, day, DatePrecision.DAY, text)
    if kind == "day":
        month = _month(g["m"])
        number = int(re.sub(r"\D", "", g["d"]))
        year = int(g["y"]) if g.get("y") else _year_for(month, number, anchor)
        words = f"{calendar.month_name[month]} {number}, {year}"
        found = normalise_day(words, anchor)
        return None if found is None else DateSpan(found, found, DatePrecision.DAY, text)
    if kind == "days":
        month = _month(g["m"])
        first, last = (int(re.sub(r"\D", "", g[k])) for k in ("d1", "d2"))
        year = int(g["y"]) if g.get("y") else _year_for(month, last, anchor)
        if not 1 <= first < last <= _last_day(year, month):
            return None
        return DateSpan(date(year, month, first), date(year, month, last), DatePrecision.DAYS, text)
    if kind == "months":
        first, last = _month(g["m1"]), _month(g["m2"])
        year2 = int(g["y"]) if g.get("y") else _year_for(last, 1, anchor)
        year1 = int(g["y1"]) if g.get("y1") else (year2 if first <= last else year2 - 1)
        start, end = date(year1, first, 1), date(year2, last, _last_day(year2, last))
        if start > end:
            return None
        return DateSpan(start, end, DatePrecision.MONTHS, text)
    if kind == "part":
        month = _month(g["m"])
        year = int(g["y"]) if g.get("y") else _year_for(month, 1, anchor)
        low, high = _PARTS[g["p"].lower()]
        last = min(high, _last_day(year, month))
        return DateSpan(
            date(year, month, low), date(year, month, last), DatePrecision.PART_OF_MONTH, text
        )
    if kind == "part_year":
        year = int(g["y"])
        months = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[g["p"].lower()]
        start = date(year, months[0], 1)
        end = date(year, months[1], _last_day(year, months[1]))
        return DateSpan(start, end, DatePrecision.MONTHS, text)
    if kind == "month":
        month = _month(g["m"])
        year = int(g["y"]) if g.get("y") else _year_for(month, 1, anchor)
        start, end = date(year, month, 1), date(year, month, _last_day(year, month))
        return DateSpan(start, end, DatePrecision.MONTH, text)
    if kind == "year":
        year = int(g["y"])
        return DateSpan(date(year, 1, 1), date(year, 12, 31), DatePrecision.YEAR, text)
    return _relative(kind, g["rel"], text, anchor)


def _count(words: str) -> int:
    first = words.split()[0].lower()
    return int(first) if first.isdigit() else _NUMBER_WORDS.get(first, 1)


def _relative(kind: str, rel: str, text: str, anchor: date) -> DateSpan | None:
    words = " ".join(rel.lower().split())
    if kind == "relative_day":
        if words in ("last night", "tonight"):
            words = "yesterday" if words == "last night" else "today"
        if words.startswith("this "):
            words = "today"
        day = normalise_day(words, anchor)
        if day is None or day > anchor:
            return None
        return DateSpan(day, day, DatePrecision.DAY, text)
    if kind == "week":
        if "ago" in words:
            end = anchor - timedelta(weeks=_count(words))
            return DateSpan(end - timedelta(days=6), end, DatePrecision.WEEK, text)
        monday = anchor - timedelta(days=anchor.weekday())
        if words.startswith("last") and "past" not in words:
            return DateSpan(
                monday - timedelta(days=7), monday - timedelta(days=1), DatePrecision.WEEK, text
            )
        return DateSpan(max(monday, anchor - timedelta(days=6)), anchor, DatePrecision.WEEK, text)
    if kind == "relative_month":
        first = anchor.replace(day=1)
        back = 1 if words.startswith("last") else (_count(words) if "ago" in words else 0)
        for _ in range(back):
            first = (first - timedelta(days=1)).replace(day=1)
        end = min(anchor, first.replace(day=_last_day(first.year, first.month)))
        return DateSpan(first, end, DatePrecision.MONTH, text)
    # A vague period: the caller bounds it by what else the document dates.
    return DateSpan(anchor, anchor, DatePrecision.PERIOD, text)


def find_dates(text: str, anchor: date) -> list[DateMention]:
    """Every date expression of `text`, in order, resolved against the anchor date.

    An expression after "since" covers everything from its start up to the
    anchor, as a vague period.
    """
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            begin, end = match.span()
            if any(begin < e and b < end for b, e in taken):
                continue
            span = _span(kind, match, anchor)
            if span is None:
                continue
            taken.append((begin, end))
            if _SINCE.search(text[max(0, begin - 12) : begin]) and span.start <= anchor:
                span = DateSpan(span.start, anchor, DatePrecision.PERIOD, "since " + span.text)
            found.append(DateMention(span, begin, end))
    found.sort(key=lambda m: m.begin)
    return found


def period_before(mentions: Sequence[DateSpan], anchor: date, text: str) -> DateSpan:
    """A vague period up to the anchor: from the earliest date the document gave before, or
    90 days before the anchor when it gave none within a year."""
    earlier = [m.start for m in mentions if anchor - timedelta(days=366) <= m.start <= anchor]
    start = min(earlier, default=anchor - timedelta(days=90))
    return DateSpan(start, anchor, DatePrecision.PERIOD, text)
