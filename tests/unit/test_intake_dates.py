"""The finder of date expressions: what is a date, what is not, and the range each stands for."""

from __future__ import annotations

from datetime import date

import pytest

from truceline.adapters.intake.dates import find_dates, period_before
from truceline.domain.intake import DatePrecision, DateSpan

PUBLISHED = date(2020, 9, 2)


def only(text: str, anchor: date = PUBLISHED) -> DateSpan:
    [mention] = find_dates(text, anchor)
    return mention.span


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("On September 1, the sides held drills", "2020-09-01", "2020-09-01", "day"),
        ("On March 5, Turkey and Russia signed a deal", "2020-03-05", "2020-03-05", "day"),
        ("Global Research, September 06, 2020", "2020-09-06", "2020-09-06", "day"),
        ("South Front 2 September 2020", "2020-09-02", "2020-09-02", "day"),
        ("on the 3rd of August", "2020-08-03", "2020-08-03", "day"),
        ("on 2020-08-30 at dawn", "2020-08-30", "2020-08-30", "day"),
        ("As of early September however", "2020-09-01", "2020-09-10", "part_of_month"),
        ("clashes in mid-August", "2020-08-11", "2020-08-20", "part_of_month"),
        ("by the end of February 2020", "2020-02-21", "2020-02-29", "part_of_month"),
        ("In February-March 2020, the army failed", "2020-02-01", "2020-03-31", "months"),
        ("between January and March 2020", "2020-01-01", "2020-03-31", "months"),
        ("on 1-3 September 2020", "2020-09-01", "2020-09-03", "days"),
        ("in May 2019", "2019-05-01", "2019-05-31", "month"),
        ("fighting in May", "2020-05-01", "2020-05-31", "month"),
        ("in 2019", "2019-01-01", "2019-12-31", "year"),
        ("late 2019", "2019-09-01", "2019-12-31", "months"),
        ("yesterday", "2020-09-01", "2020-09-01", "day"),
        ("last Tuesday", "2020-09-01", "2020-09-01", "day"),
        ("two days ago", "2020-08-31", "2020-08-31", "day"),
        ("last week", "2020-08-24", "2020-08-30", "week"),
        ("last month", "2020-08-01", "2020-08-31", "month"),
    ],
)
def test_each_kind_of_expression_becomes_a_range_with_its_precision(
    text: str, start: str, end: str, precision: str
) -> None:
    span = only(text)
    assert (span.start.isoformat(), span.end.isoformat(), str(span.precision)) == (
        start,
        end,
        precision,
    )


@pytest.mark.parametrize(
    "text",
    [
        "joint patrols on the M4 highway",
        "A new confrontation may cost even more",
        "the sides may agree, and May could not",
        "it may be March-like weather",
        "the M5 and M4 roads",
        "March on the capital",
    ],
)
def test_the_road_m4_and_the_verb_may_are_never_months(text: str) -> None:
    assert [m.span.text for m in find_dates(text, PUBLISHED)] == []


def test_a_day_without_a_year_is_the_latest_such_day_not_after_publication() -> None:
    assert only("on December 30", date(2021, 1, 2)).start == date(2020, 12, 30)
    assert only("on January 1", date(2021, 1, 2)).start == date(2021, 1, 1)


def test_since_makes_a_vague_period_up_to_publication() -> None:
    span = only("attacks since March 2020")
    assert (span.start, span.end, span.precision) == (
        date(2020, 3, 1),
        PUBLISHED,
        DatePrecision.PERIOD,
    )


def test_words_of_frequency_are_a_vague_period_stated_as_such() -> None:
    span = only("patrols regularly become targets of attacks")
    assert span.precision is DatePrecision.PERIOD
    assert span.vague


def test_a_vague_period_runs_from_the_earliest_earlier_date_to_publication() -> None:
    earlier = [DateSpan(date(2020, 3, 5), date(2020, 3, 5), DatePrecision.DAY)]
    span = period_before(earlier, PUBLISHED, "regularly")
    assert (span.start, span.end, span.precision) == (
        date(2020, 3, 5),
        PUBLISHED,
        DatePrecision.PERIOD,
    )
    assert period_before([], PUBLISHED, "").start == date(2020, 6, 4)


def test_expressions_are_found_in_order_and_never_overlap() -> None:
    found = find_dates("On March 5 and again on 1-3 September 2020, yesterday too.", PUBLISHED)
    assert [m.span.text for m in found] == ["March 5", "1-3 September 2020", "yesterday"]
