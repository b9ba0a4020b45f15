"""Recording, listing and counting access restrictions on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.incident_support import Cast, Clock, Officer, cast, make_app
from truceline.bootstrap import App
from truceline.domain.accounts import MONITOR_PARTY, Actor
from truceline.domain.errors import ConflictError, InputError, PermissionDenied
from truceline.domain.ledger import parse_leaf
from truceline.domain.restrictions import Affected, Period, RestrictionKind
from truceline.services import restrictions
from truceline.services.authorship import PrepareOnly, ServerSigned, Signing
from truceline.services.field_recording import Recorded
from truceline.services.field_store import FieldKind, FieldRecord
from truceline.services.ledger import entries_page, history
from truceline.services.restrictions import RestrictionQuery

#: GeoNames points of the towns (see DOMAIN.md); Ariha lies in the corridor's south half.
ARIHA = (36.60964, 35.81374)
#: 20 km north of Ariha: outside the corridor.
NORTH_OF_ARIHA = (36.60964, 35.81374 + 0.18)
#: In the corridor's north half, Turkey's (as in the incident tests).
NORTH_HALF = (36.55, 35.83)


def restriction_data(**changes: Any) -> dict[str, Any]:
    """A patrol delayed at km 12 of the patrol route by a crowd, 40 minutes."""
    base: dict[str, Any] = {
        "at": "2020-03-20T08:00:00Z",
        "duration_minutes": 40,
        "affected": "patrol",
        "kind": "delayed",
        "imposed_by": "opposition",
        "reason_given": "the road is ours",
        "consequence": "delayed 40 min, then let through",
        "location": {"km": 12},
    }
    return {k: v for k, v in (base | changes).items() if v is not None}


@pytest.fixture
def app(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[App]:
    app = make_app(database_url, tmp_path, example_pack, Clock())
    yield app
    app.close()


@pytest.fixture
def people(app: App) -> Cast:
    return cast(app)


def record(
    app: App, officer: Officer, data: dict[str, Any], signing: Signing | None = None
) -> Recorded:
    return restrictions.record_restriction(
        app.uow(),
        officer.actor,
        signing or officer.signing,
        app.geography(),
        data,
        app.now(),
        now=app.now,
    )


def log_size(app: App) -> int:
    return entries_page(app.uow(), 0, 1).size


def stored(app: App) -> int:
    every = restrictions.list_restrictions(app.uow(), app.geography(), RestrictionQuery())
    return len(every)


def test_a_zone_officer_records_a_delay_signed_logged_placed_and_numbered(
    app: App, people: Cast
) -> None:
    before = log_size(app)
    done = record(app, people.tr, restriction_data())
    assert log_size(app) == before + 1
    entry = restrictions.get_restriction(app.uow(), "idlib-m4", done.record.id)
    assert entry.number == 1
    assert entry.day == date(2020, 3, 20)
    assert entry.party == "tr"
    assert entry.recorded_by == people.tr.actor.user_id
    assert entry.restriction.kind is RestrictionKind.DELAYED
    assert entry.restriction.until == datetime(2020, 3, 20, 8, 40, tzinfo=UTC)
    assert entry.restriction.location.route == "patrol-trumba-ain-al-havr"
    assert entry.placement.km == 12
    assert entry.placement.inside_corridor
    assert entry.placement.zone in ("corridor-north", "corridor-south")
    assert done.record.zone == entry.placement.zone
    assert done.record.state == "delayed"
    [logged] = history(app.uow(), done.record.id)
    body = parse_leaf(logged.leaf).body
    assert body["name"] == "restriction.recorded"
    assert body["actor"] == people.tr.actor.user_id
    assert body["party"] == "tr"
    assert body["data"] == dict(done.event.data)
    assert body["data"]["location"] == {"route": "patrol-trumba-ain-al-havr", "km": 12.0}
    with app.uow() as uow:
        [step] = uow.field.steps(done.record.id)
    assert (step.action, step.ledger_seq, step.actor) == (
        "recorded",
        logged.seq,
        people.tr.actor.user_id,
    )
    assert step.data == body["data"]
    second = record(app, people.ru, restriction_data(kind="denied", duration_minutes=None))
    assert second.record.number == 2


@pytest.mark.parametrize(
    ("point", "zones", "party", "inside"),
    [
        (ARIHA, ("corridor-south",), "ru", True),
        (NORTH_HALF, ("corridor-north",), "tr", True),
        (NORTH_OF_ARIHA, (), None, False),
    ],
)
def test_the_zone_and_the_responsible_party_come_from_the_point(
    app: App,
    people: Cast,
    point: tuple[float, float],
    zones: tuple[str, ...],
    party: str | None,
    inside: bool,
) -> None:
    location = {"lon": point[0], "lat": point[1]}
    done = record(app, people.tr, restriction_data(location=location))
    entry = restrictions.entry_of(done.record)
    assert entry.placement.zones == zones
    assert entry.placement.responsible_party == party
    assert entry.placement.inside_corridor is inside
    assert done.record.zone == (zones[0] if zones else None)
    assert entry.placement.route == "patrol-trumba-ain-al-havr"
    assert entry.placement.km is not None


def test_a_km_post_on_another_route_is_placed_on_that_route(app: App, people: Cast) -> None:
    done = record(app, people.tr, restriction_data(location={"km": 0, "route": "m4"}))
    entry = restrictions.entry_of(done.record)
    # km 0 of the M4 is its first vertex, drawn at Saraqib, on the corridor's axis.
    assert (entry.placement.lon, entry.placement.lat) == pytest.approx((36.80056, 35.86361))
    assert entry.placement.zones == ("corridor-north", "corridor-south")
    assert entry.placement.responsible_party is None
    assert entry.placement.place == "Saraqib"


def test_the_monitor_records_for_itself(app: App, people: Cast) -> None:
    done = record(app, people.monitor, restriction_data(affected="monitor"))
    assert done.record.party == MONITOR_PARTY
    assert restrictions.entry_of(done.record).restriction.affected is Affected.MONITOR


@pytest.mark.parametrize("who", ["analyst", "ru_ao", "tr_ao"])
def test_roles_that_do_not_record_restrictions_are_refused_and_nothing_is_written(
    app: App, people: Cast, who: str
) -> None:
    before = log_size(app)
    with pytest.raises(PermissionDenied):
        record(app, getattr(people, who), restriction_data())
    assert log_size(app) == before
    assert stored(app) == 0


def test_the_operator_has_no_party_and_may_not_record_one(app: App) -> None:
    operator = Officer(Actor.operator(), app.log.signer)
    with pytest.raises(PermissionDenied):
        record(app, operator, restriction_data(), ServerSigned(app.log.signer))
    assert stored(app) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"location": {"km": 99}}, "location.km"),
        ({"location": {"km": 3, "route": "m5"}}, "location.route"),
        ({"at": "2020-04-02T08:00:00Z"}, "at"),
        ({"at": "2018-09-01T08:00:00Z"}, "at"),
        ({"patrol_id": "pat_missing"}, "patrol_id"),
        ({"kind": "delayed", "duration_minutes": None}, "duration_minutes"),
        ({"location": {"lon": 36.6}}, "location.lat"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    app: App, people: Cast, changes: dict[str, Any], field: str
) -> None:
    before = log_size(app)
    data = restriction_data(**changes)
    with pytest.raises(InputError) as caught:
        record(app, people.tr, data)
    assert caught.value.field == field
    assert log_size(app) == before
    assert stored(app) == 0


def test_a_patrol_on_record_may_be_named_and_a_taken_id_is_a_conflict(
    app: App, people: Cast
) -> None:
    at = app.now()
    with app.uow() as uow:
        uow.field.insert(
            FieldRecord(
                "pat_7", "idlib-m4", FieldKind.PATROL, date(2020, 3, 20), "planned", {}, at, at
            )
        )
        uow.commit()
    done = record(app, people.tr, restriction_data(id="res_a", patrol_id="pat_7"))
    assert restrictions.entry_of(done.record).restriction.patrol_id == "pat_7"
    before = log_size(app)
    with pytest.raises(ConflictError):
        record(app, people.ru, restriction_data(id="res_a"))
    assert log_size(app) == before


def test_preparing_builds_the_event_and_writes_nothing(app: App, people: Cast) -> None:
    before = log_size(app)
    signing = PrepareOnly()
    record(app, people.tr, restriction_data(id="res_p"), signing)
    assert signing.prepared is not None
    assert signing.prepared.name == "restriction.recorded"
    assert signing.prepared.subject == "res_p"
    assert log_size(app) == before
    assert stored(app) == 0
    done = record(app, people.tr, dict(signing.prepared.data))
    assert done.event.data == signing.prepared.data


def test_lists_filter_by_zone_kind_whom_party_and_days_newest_first(app: App, people: Cast) -> None:
    south = {"lon": ARIHA[0], "lat": ARIHA[1]}
    north = {"lon": NORTH_HALF[0], "lat": NORTH_HALF[1]}
    a = record(app, people.tr, restriction_data(location=north, at="2020-03-18T08:00:00Z"))
    b = record(app, people.ru, restriction_data(location=south, kind="denied"))
    c = record(
        app,
        people.monitor,
        restriction_data(location=south, affected="monitor", at="2020-03-25T07:00:00Z"),
    )
    geo = app.geography()

    def ids(**query: Any) -> list[str]:
        found = restrictions.list_restrictions(app.uow(), geo, RestrictionQuery(**query))
        return [e.restriction.id for e in found]

    assert ids() == [c.record.id, b.record.id, a.record.id]
    assert ids(zone="corridor-south") == [c.record.id, b.record.id]
    assert ids(kind=RestrictionKind.DENIED) == [b.record.id]
    assert ids(affected=Affected.MONITOR) == [c.record.id]
    assert ids(party="tr") == [a.record.id]
    assert ids(day_from=date(2020, 3, 19), day_to=date(2020, 3, 24)) == [b.record.id]
    with pytest.raises(InputError) as caught:
        ids(zone="nowhere")
    assert caught.value.field == "zone"


def test_counts_per_zone_and_period(app: App, people: Cast) -> None:
    south = {"lon": ARIHA[0], "lat": ARIHA[1]}
    north = {"lon": NORTH_HALF[0], "lat": NORTH_HALF[1]}
    outside = {"lon": NORTH_OF_ARIHA[0], "lat": NORTH_OF_ARIHA[1]}
    record(app, people.tr, restriction_data(location=north, at="2020-03-16T08:00:00Z"))
    record(app, people.tr, restriction_data(location=north, at="2020-03-22T23:00:00Z"))
    record(app, people.ru, restriction_data(location=south, kind="denied"))
    record(app, people.ru, restriction_data(location=outside, at="2020-03-23T08:00:00Z"))
    geo = app.geography()
    weeks = restrictions.restriction_counts(app.uow(), geo, Period.WEEK)
    assert [(r.period, r.zone, str(r.kind), r.count, r.minutes) for r in weeks] == [
        ("2020-W12", "corridor-north", "delayed", 1, 40),
        ("2020-W12", "corridor-south", "denied", 1, 40),
        ("2020-W13", "corridor-north", "delayed", 1, 40),
        ("2020-W13", None, "delayed", 1, 40),
    ]
    # 23:00 UTC on Sunday 22 March is already Monday the 23rd in Damascus: days are local.
    days = restrictions.restriction_counts(app.uow(), geo, Period.DAY)
    assert [r.period for r in days] == ["2020-03-16", "2020-03-20", "2020-03-23", "2020-03-23"]
    months = restrictions.restriction_counts(
        app.uow(), geo, Period.MONTH, RestrictionQuery(zone="corridor-north")
    )
    assert [(r.period, r.count) for r in months] == [("2020-03", 2)]
