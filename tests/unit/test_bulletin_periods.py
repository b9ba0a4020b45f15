"""Bulletin periods: a day, or the ISO week (Monday to Sunday) holding it, and the one before."""

from __future__ import annotations

from datetime import date

import pytest

from truceline.services.bulletins import BulletinPeriod, Cadence, bulletin_period


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2020, 9, 2), date(2020, 8, 31), date(2020, 9, 6)),  # a Wednesday
        (date(2020, 8, 31), date(2020, 8, 31), date(2020, 9, 6)),  # the Monday itself
        (date(2020, 9, 6), date(2020, 8, 31), date(2020, 9, 6)),  # the Sunday itself
        (date(2021, 1, 1), date(2020, 12, 28), date(2021, 1, 3)),  # across a year's end
    ],
)
def test_a_weekly_bulletin_covers_the_iso_week_holding_its_date(
    day: date, start: date, end: date
) -> None:
    assert bulletin_period(Cadence.WEEKLY, day) == BulletinPeriod(Cadence.WEEKLY, start, end)


def test_a_daily_bulletin_covers_its_day_and_compares_with_the_day_before() -> None:
    period = bulletin_period(Cadence.DAILY, date(2020, 3, 1))
    assert (period.start, period.end) == (date(2020, 3, 1), date(2020, 3, 1))
    assert period.previous() == BulletinPeriod(Cadence.DAILY, date(2020, 2, 29), date(2020, 2, 29))
    assert period.label == "1 March 2020"


def test_a_week_compares_with_the_week_before_and_says_which_it_is() -> None:
    period = bulletin_period(Cadence.WEEKLY, date(2021, 1, 1))
    assert period.label == "week 53 of 2020, 28 December to 3 January 2021"
    before = period.previous()
    assert (before.start, before.end) == (date(2020, 12, 21), date(2020, 12, 27))
    assert before.holds(date(2020, 12, 27))
    assert not before.holds(date(2020, 12, 28))
