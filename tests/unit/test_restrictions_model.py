"""Access restrictions: the rules of one restriction, its codec, and the counts per period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from truceline.domain.errors import InputError
from truceline.domain.field_location import Placement
from truceline.domain.restriction_records import (
    entry_from_doc,
    entry_to_doc,
    restriction_from_dict,
    restriction_to_dict,
)
from truceline.domain.restrictions import (
    Affected,
    Period,
    RestrictionEntry,
    RestrictionKind,
    count_restrictions,
    period_label,
    period_start,
)

AT = datetime(2020, 3, 20, 8, 0, tzinfo=UTC)


def data(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "res_1",
        "at": "2020-03-20T08:00:00Z",
        "duration_minutes": 40,
        "affected": "patrol",
        "kind": "delayed",
        "imposed_by": "opposition",
        "reason_given": "a crowd on the road",
        "consequence": "delayed 40 min",
        "location": {"km": 12, "route": "patrol"},
    }
    return {k: v for k, v in (base | changes).items() if v is not None}


def test_a_restriction_reads_back_to_its_normal_form_and_that_form_is_stable() -> None:
    restriction = restriction_from_dict(data())
    assert restriction.kind is RestrictionKind.DELAYED
    assert restriction.affected is Affected.PATROL
    assert restriction.until == AT + timedelta(minutes=40)
    normal = restriction_to_dict(restriction)
    assert normal["at"] == "2020-03-20T08:00:00+00:00"
    assert normal["location"] == {"route": "patrol", "km": 12.0}
    assert restriction_to_dict(restriction_from_dict(normal)) == normal


def test_an_end_time_becomes_the_length_in_minutes() -> None:
    restriction = restriction_from_dict(
        data(duration_minutes=None, until="2020-03-20T09:15:00+00:00")
    )
    assert restriction.duration_minutes == 75
    assert "until" not in restriction_to_dict(restriction)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"at": None}, "at"),
        ({"at": "2020-03-20T08:00:00"}, "at"),
        ({"at": "yesterday"}, "at"),
        ({"kind": "blocked"}, "kind"),
        ({"affected": "convoy"}, "affected"),
        ({"imposed_by": "  "}, "imposed_by"),
        ({"duration_minutes": None}, "duration_minutes"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": -5}, "duration_minutes"),
        ({"duration_minutes": 40.5}, "duration_minutes"),
        ({"duration_minutes": 31 * 24 * 60}, "duration_minutes"),
        ({"until": "2020-03-20T09:00:00Z"}, "until"),
        ({"duration_minutes": None, "until": "2020-03-20T07:00:00Z"}, "until"),
        ({"affected": "monitor", "patrol_id": "pat_1"}, "patrol_id"),
        ({"location": None}, "location"),
        ({"location": {"lon": 36.6}}, "location.lat"),
        ({"location": {"lon": 36.6, "lat": 35.8, "km": 3}}, "location.km"),
        ({"location": {"lon": 190, "lat": 35.8}}, "location.lon"),
        ({"location": {"km": -1}}, "location.km"),
        ({"location": {"lon": 36.6, "lat": 35.8, "route": "m4"}}, "location.route"),
        ({"location": {"x": 1}}, "location.x"),
        ({"blocked_by": "x"}, "blocked_by"),
        ({"id": "inc_1"}, "id"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        restriction_from_dict(data(**changes))
    assert caught.value.field == field


def test_a_denial_may_leave_out_how_long() -> None:
    restriction = restriction_from_dict(data(kind="denied", duration_minutes=None))
    assert restriction.duration_minutes is None
    assert restriction.until is None


def test_the_stored_document_keeps_the_placement_and_who_recorded_it() -> None:
    entry = RestrictionEntry(
        restriction=restriction_from_dict(data()),
        placement=placement(("corridor-north",), inside=True),
        number=3,
        day=date(2020, 3, 20),
        party="tr",
        recorded_by="usr_1",
        recorded_at=AT,
    )
    assert entry_from_doc(entry_to_doc(entry), number=3, day=date(2020, 3, 20)) == entry


# --- counting ----------------------------------------------------------------------------


def placement(zones: tuple[str, ...], *, inside: bool = False) -> Placement:
    return Placement(36.6, 35.8, "patrol", 12.0, 0.0, zones, None, inside)


def entry(
    day: date, zone: str | None, kind: str = "delayed", affected: str = "patrol", minutes: int = 30
) -> RestrictionEntry:
    restriction = restriction_from_dict(
        data(
            kind=kind,
            affected=affected,
            duration_minutes=minutes if kind == "delayed" else None,
            at=f"{day.isoformat()}T08:00:00Z",
        )
    )
    return RestrictionEntry(
        restriction,
        placement(() if zone is None else (zone, "other")),
        None,
        day,
        "tr",
        "usr_1",
        AT,
    )


@pytest.mark.parametrize(
    ("day", "period", "start", "label"),
    [
        (date(2020, 3, 20), Period.DAY, date(2020, 3, 20), "2020-03-20"),
        (date(2020, 3, 20), Period.WEEK, date(2020, 3, 16), "2020-W12"),
        (date(2020, 3, 22), Period.WEEK, date(2020, 3, 16), "2020-W12"),
        (date(2020, 3, 23), Period.WEEK, date(2020, 3, 23), "2020-W13"),
        (date(2021, 1, 2), Period.WEEK, date(2020, 12, 28), "2020-W53"),
        (date(2020, 3, 31), Period.MONTH, date(2020, 3, 1), "2020-03"),
    ],
)
def test_periods_start_on_their_first_day_and_are_named_as_people_write_them(
    day: date, period: Period, start: date, label: str
) -> None:
    assert period_start(day, period) == start
    assert period_label(start, period) == label


def test_restrictions_are_counted_per_week_zone_and_kind_with_whom_they_stopped() -> None:
    entries = [
        entry(date(2020, 3, 16), "corridor-north"),
        entry(date(2020, 3, 20), "corridor-north", affected="monitor", minutes=15),
        entry(date(2020, 3, 21), "corridor-north", kind="denied"),
        entry(date(2020, 3, 18), "corridor-south"),
        entry(date(2020, 3, 19), None, kind="denied"),
        entry(date(2020, 3, 24), "corridor-north"),
    ]
    rows = count_restrictions(entries, Period.WEEK)
    assert [
        (r.period, r.zone, str(r.kind), r.count, r.patrols, r.monitors, r.minutes) for r in rows
    ] == [
        ("2020-W12", "corridor-north", "denied", 1, 1, 0, 0),
        ("2020-W12", "corridor-north", "delayed", 2, 1, 1, 45),
        ("2020-W12", "corridor-south", "delayed", 1, 1, 0, 30),
        ("2020-W12", None, "denied", 1, 1, 0, 0),
        ("2020-W13", "corridor-north", "delayed", 1, 1, 0, 30),
    ]
    by_day = count_restrictions(entries, Period.DAY)
    assert len(by_day) == 6
    by_month = count_restrictions(entries, Period.MONTH)
    assert sum(r.count for r in by_month) == 6
    assert {r.period for r in by_month} == {"2020-03"}


def test_a_restriction_counts_in_the_first_zone_that_holds_it() -> None:
    rows = count_restrictions([entry(date(2020, 3, 16), "corridor-south")], Period.DAY)
    assert [r.zone for r in rows] == ["corridor-south"]
