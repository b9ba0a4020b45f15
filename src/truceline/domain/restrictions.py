"""Access restrictions: a joint patrol or the monitor denied access or delayed, and their counts.

A `Restriction` says where (a point or a kilometre post), when it began and
for how long, whom it stopped (a patrol, optionally naming it, or the
monitor), whether they were denied or delayed, who imposed it, the reason
they gave and what followed. Restrictions are counted per period (day, ISO
week or month, in the agreement's local days), zone and kind
(`count_restrictions`): the rows of the lists, the API and the bulletin.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from truceline.domain.checks import check, check_id
from truceline.domain.field_codec import MAX_NAME, MAX_TEXT
from truceline.domain.field_location import Placement, StatedLocation

RESTRICTION_ID = re.compile(r"res_[A-Za-z0-9][A-Za-z0-9._-]*")
#: The longest restriction this records: thirty days, in minutes.
MAX_DURATION_MINUTES = 30 * 24 * 60


def new_restriction_id() -> str:
    """A fresh random restriction id."""
    return "res_" + secrets.token_hex(8)


class Affected(StrEnum):
    """Whom a restriction stopped."""

    PATROL = "patrol"
    MONITOR = "monitor"


class RestrictionKind(StrEnum):
    """What was done to them: turned away, or held up and then let through."""

    DENIED = "denied"
    DELAYED = "delayed"


class Period(StrEnum):
    """The periods restrictions and observations are counted over."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class Restriction:
    """One access restriction as recorded: everything the recorder states.

    `duration_minutes` is how long the patrol or monitor was held (a delay
    needs it; a denial may give how long they waited before turning back).
    `patrol_id` names the joint patrol stopped, when the patrol is on record.
    `imposed_by` is free text or a party id of the agreement.
    """

    id: str
    at: datetime
    location: StatedLocation
    affected: Affected
    kind: RestrictionKind
    imposed_by: str
    duration_minutes: int | None = None
    patrol_id: str | None = None
    reason_given: str = ""
    consequence: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        check_id(self.id, RESTRICTION_ID, "id")
        check(self.at.tzinfo is not None, "at", "give the time with a UTC offset")
        check(bool(self.imposed_by.strip()), "imposed_by", "say who imposed it (a party or text)")
        check(len(self.imposed_by) <= MAX_NAME, "imposed_by", f"at most {MAX_NAME} characters")
        minutes = self.duration_minutes
        if self.kind is RestrictionKind.DELAYED:
            check(minutes is not None, "duration_minutes", "a delay needs its length in minutes")
        if minutes is not None:
            ok = 0 <= minutes <= MAX_DURATION_MINUTES
            check(ok, "duration_minutes", f"must be 0 to {MAX_DURATION_MINUTES} minutes")
            if self.kind is RestrictionKind.DELAYED:
                check(minutes > 0, "duration_minutes", "a delay lasts at least a minute")
        if self.patrol_id is not None:
            check(
                self.affected is Affected.PATROL,
                "patrol_id",
                "only a restriction of a patrol names one",
            )
            check(bool(self.patrol_id.strip()), "patrol_id", "must not be empty")
        for name in ("reason_given", "consequence", "note"):
            check(len(getattr(self, name)) <= MAX_TEXT, name, f"at most {MAX_TEXT} characters")

    @property
    def until(self) -> datetime | None:
        """When it ended: the start plus its length, when the length is known."""
        if self.duration_minutes is None:
            return None
        return self.at + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True, slots=True)
class RestrictionEntry:
    """A restriction as stored: what was stated, where it lies, and who recorded it when."""

    restriction: Restriction
    placement: Placement
    number: int | None
    day: date
    party: str | None
    recorded_by: str
    recorded_at: datetime


# --- counting ----------------------------------------------------------------------------


def period_start(day: date, period: Period) -> date:
    """The first day of the period holding `day` (weeks start on Monday, as ISO's do)."""
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    return day


def period_label(start: date, period: Period) -> str:
    """A period as people write it: 2020-03-20, 2020-W12, 2020-03."""
    if period is Period.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period is Period.MONTH:
        return f"{start:%Y-%m}"
    return start.isoformat()


@dataclass(frozen=True, slots=True)
class RestrictionCount:
    """How many restrictions of one kind a period saw in one zone (None: outside every zone).

    `patrols` and `monitors` split `count` by whom they stopped; `minutes`
    adds up the lengths that were given.
    """

    period: str
    period_start: date
    zone: str | None
    kind: RestrictionKind
    count: int
    patrols: int
    monitors: int
    minutes: int


def count_restrictions(
    entries: Iterable[RestrictionEntry], period: Period
) -> list[RestrictionCount]:
    """Restrictions counted per period, zone (the first that holds each) and kind, in order.

    Rows come by period, then zone (outside every zone last), then kind;
    only combinations that occurred have a row.
    """
    totals: dict[tuple[date, str | None, RestrictionKind], list[int]] = {}
    for entry in entries:
        restriction = entry.restriction
        key = (period_start(entry.day, period), entry.placement.zone, restriction.kind)
        row = totals.setdefault(key, [0, 0, 0, 0])
        row[0] += 1
        row[1 if restriction.affected is Affected.PATROL else 2] += 1
        row[3] += restriction.duration_minutes or 0
    kinds = list(RestrictionKind)
    order = sorted(totals, key=lambda k: (k[0], k[1] is None, k[1] or "", kinds.index(k[2])))
    return [
        RestrictionCount(
            period_label(start, period), start, zone, kind, *totals[(start, zone, kind)]
        )
        for start, zone, kind in order
    ]
