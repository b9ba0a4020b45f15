"""Assessed periods: ISO weeks (Monday to Sunday, across a year's end) and calendar months."""

from __future__ import annotations

from datetime import date

import pytest

from truceline.domain.assessment_periods import Period, PeriodKind, periods_between
from truceline.domain.errors import InputError

WEEK, MONTH = PeriodKind.WEEK, PeriodKind.MONTH


def test_a_week_runs_from_monday_to_sunday_and_is_named_by_its_iso_week() -> None:
    week = Period.containing(WEEK, date(2020, 3, 18))  # a Wednesday
    assert week.start == date(2020, 3, 16)
    assert week.last_day == date(2020, 3, 22)
    assert week.end == date(2020, 3, 23)
    assert (week.label, week.days, week.weeks) == ("2020-W12", 7, 1.0)


@pytest.mark.parametrize(
    ("day", "monday", "label"),
    [
        (date(2020, 12, 31), date(2020, 12, 28), "2020-W53"),  # 2020 has 53 ISO weeks
        (date(2021, 1, 3), date(2020, 12, 28), "2020-W53"),  # a Sunday in 2021, still 2020's
        (date(2021, 1, 4), date(2021, 1, 4), "2021-W01"),
        (date(2019, 12, 30), date(2019, 12, 30), "2020-W01"),  # a Monday in 2019, week 1 of 2020
        (date(2018, 12, 31), date(2018, 12, 31), "2019-W01"),
    ],
)
def test_weeks_across_a_years_end_belong_to_their_iso_year(
    day: date, monday: date, label: str
) -> None:
    week = Period.containing(WEEK, day)
    assert (week.start, week.label) == (monday, label)
    assert Period.parse(label) == week


def test_the_week_after_the_53rd_is_the_next_years_first() -> None:
    week = Period.parse("2020-W53")
    assert week.following().label == "2021-W01"
    assert week.following().preceding() == week


@pytest.mark.parametrize(
    ("day", "label", "days"),
    [
        (date(2020, 2, 15), "2020-02", 29),
        (date(2019, 2, 1), "2019-02", 28),
        (date(2020, 3, 31), "2020-03", 31),
        (date(2020, 12, 31), "2020-12", 31),
    ],
)
def test_a_month_is_a_calendar_month(day: date, label: str, days: int) -> None:
    month = Period.containing(MONTH, day)
    assert (month.label, month.days, month.start.day) == (label, days, 1)
    assert month.weeks == days / 7
    assert Period.parse(label) == month


def test_december_is_followed_by_january_of_the_next_year() -> None:
    december = Period.parse("2020-12")
    assert december.end == date(2021, 1, 1)
    assert december.following().label == "2021-01"
    assert Period.parse("2021-01").preceding() == december


@pytest.mark.parametrize("text", ["2020-W54", "2021-W53", "2020-13", "2020-3", "W12", "", "2020"])
def test_a_period_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(InputError) as caught:
        Period.parse(text)
    assert caught.value.field == "period"


def test_a_period_must_start_where_its_kind_starts() -> None:
    with pytest.raises(InputError, match="a week starts on a Monday"):
        Period(WEEK, date(2020, 3, 18))
    with pytest.raises(InputError, match="a month starts on its 1st"):
        Period(MONTH, date(2020, 3, 2))


def test_the_periods_between_two_days_cover_both_ends() -> None:
    weeks = periods_between(WEEK, date(2020, 12, 24), date(2021, 1, 11))  # to a Monday
    assert [w.label for w in weeks] == ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]
    months = periods_between(MONTH, date(2020, 11, 30), date(2021, 1, 1))
    assert [m.label for m in months] == ["2020-11", "2020-12", "2021-01"]
    with pytest.raises(InputError):
        periods_between(WEEK, date(2021, 1, 5), date(2020, 12, 24))


@pytest.mark.parametrize("day", [date.min, date(1899, 12, 31), date(3000, 2, 1), date.max])
def test_a_period_outside_the_years_any_agreement_covers_is_refused_not_overflowed(
    day: date,
) -> None:
    for kind in PeriodKind:
        with pytest.raises(InputError, match="from 1900 to 2999"):
            Period.containing(kind, day)
