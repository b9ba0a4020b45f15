"""The periods an implementation is assessed over: ISO weeks and calendar months.

Days are the agreement's local days; the services turn them into instants in
its time zone. A week runs Monday to Sunday and is named by its ISO week
(``2020-W53`` holds 28 December 2020 to 3 January 2021); a month is named
``2020-03``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from truceline.domain.errors import InputError


class PeriodKind(StrEnum):
    """How long an assessed period is."""

    WEEK = "week"
    MONTH = "month"


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


#: The years a period may fall in: wide for any agreement, narrow enough for date arithmetic.
FIRST_YEAR, LAST_YEAR = 1900, 2999


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """An ISO week (Monday to Sunday) or a calendar month, named by its first day.

    Days are the agreement's local days; the services turn them into instants
    in its time zone. `end` is the day after the last, so a period is
    ``start <= day < end``.
    """

    kind: PeriodKind
    start: date

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.start.year <= LAST_YEAR:
            raise InputError("period", f"give a period from {FIRST_YEAR} to {LAST_YEAR}")
        if self.kind is PeriodKind.WEEK and self.start.weekday() != 0:
            raise InputError("period", f"a week starts on a Monday, not on {self.start}")
        if self.kind is PeriodKind.MONTH and self.start.day != 1:
            raise InputError("period", f"a month starts on its 1st, not on {self.start}")

    @classmethod
    def containing(cls, kind: PeriodKind | str, day: date) -> Period:
        """The week or month that holds `day`."""
        kind = period_kind(kind)
        if kind is PeriodKind.WEEK:
            return cls(kind, day - timedelta(days=day.weekday()))
        return cls(kind, day.replace(day=1))

    @classmethod
    def parse(cls, text: object, field: str = "period") -> Period:
        """A period as written: ``2020-W12`` (an ISO week) or ``2020-03`` (a month)."""
        value = text.strip() if isinstance(text, str) else ""
        try:
            if "-W" in value:
                year, week = value.split("-W")
                if len(year) != 4 or len(week) != 2:
                    raise ValueError(value)
                return cls(PeriodKind.WEEK, date.fromisocalendar(int(year), int(week), 1))
            year, month = value.split("-")
            if len(year) != 4 or len(month) != 2:
                raise ValueError(value)
            return cls(PeriodKind.MONTH, date(int(year), int(month), 1))
        except ValueError:
            raise InputError(
                field,
                f"{text!r} is not a period: write an ISO week (2020-W12) or a month (2020-03)",
            ) from None

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.kind is PeriodKind.WEEK:
            return self.start + timedelta(days=7)
        return _next_month(self.start)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def weeks(self) -> float:
        """How many weeks long: 1 for a week, 31/7 for a 31-day month."""
        return self.days / 7

    @property
    def label(self) -> str:
        """The period as people write it: 2020-W12 (ISO week-numbering year), 2020-03."""
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start:%Y-%m}"

    def following(self) -> Period:
        """The next period of the same kind."""
        return Period(self.kind, self.end)

    def preceding(self) -> Period:
        """The period of the same kind just before."""
        return Period.containing(self.kind, self.start - timedelta(days=1))

    def __str__(self) -> str:
        return self.label


def period_kind(value: object, field: str = "period") -> PeriodKind:
    """`week` or `month`."""
    try:
        return PeriodKind(str(value))
    except ValueError:
        raise InputError(field, f"{value!r} is not one of week, month") from None


def periods_between(kind: PeriodKind, first_day: date, last_day: date) -> list[Period]:
    """Every period of the kind that holds a day from `first_day` to `last_day`, in order."""
    if last_day < first_day:
        raise InputError("date_to", "the range ends before it starts")
    out = [Period.containing(kind, first_day)]
    while out[-1].end <= last_day:
        out.append(out[-1].following())
    return out
