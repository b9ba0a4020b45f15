"""Recording and reading observations on SQLite and PostgreSQL alike: the four subkinds,
where they lie, the road's status over a period and each storage site's latest state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.incident_support import Cast, Clock, Officer, cast, make_app
from tests.integration.test_restrictions_service import ARIHA, NORTH_HALF, NORTH_OF_ARIHA
from truceline.bootstrap import App
from truceline.domain.errors import InputError, PermissionDenied
from truceline.domain.ledger import parse_leaf
from truceline.domain.observations import Subkind, WeaponType
from truceline.services import observations, road_status
from truceline.services.authorship import PrepareOnly, Signing
from truceline.services.field_recording import Recorded
from truceline.services.ledger import entries_page, history
from truceline.services.observations import ObservationQuery

#: Saraqib as GeoNames places it, some 500 m east of the M4's first vertex (the corridor's
#: square-cut end): outside the corridor.
SARAQIB = (36.80591, 35.86447)


def observation_data(subkind: str = "heavy_weapons", **changes: Any) -> dict[str, Any]:
    """An observation of the subkind; heavy weapons: two tanks near Ariha."""
    details: dict[str, dict[str, Any]] = {
        "heavy_weapons": {"weapon_type": "tank", "count": 2},
        "armed_group": {"group": "opposition", "estimated_size": 40, "activity": "checkpoint"},
        "road_status": {"from_km": 0, "to_km": 20, "status": "closed"},
        "storage_site": {
            "site": "Ariha depot",
            "declared": {"tank": 4, "artillery": 2},
            "observed": {"tank": 6, "artillery": 2},
        },
    }
    base: dict[str, Any] = {
        "subkind": subkind,
        "observed_at": "2020-03-20T09:30:00Z",
        "location": {"lon": ARIHA[0], "lat": ARIHA[1]},
        "grade": "B2",
        "details": details[subkind],
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
    return observations.record_observation(
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


def listed(app: App, **query: Any) -> list[str]:
    found = observations.list_observations(app.uow(), app.geography(), ObservationQuery(**query))
    return [e.observation.id for e in found]


def test_heavy_weapons_near_ariha_are_recorded_logged_and_inside_the_corridor(
    app: App, people: Cast
) -> None:
    before = log_size(app)
    done = record(app, people.tr, observation_data())
    assert log_size(app) == before + 1
    entry = observations.get_observation(app.uow(), "idlib-m4", done.record.id)
    assert entry.observation.subkind is Subkind.HEAVY_WEAPONS
    assert entry.placement.zones == ("corridor-south",)
    assert entry.placement.responsible_party == "ru"
    assert entry.placement.inside_corridor
    assert entry.placement.place == "Ariha"
    assert (done.record.number, done.record.state, done.record.zone, done.record.party) == (
        1,
        "heavy_weapons",
        "corridor-south",
        "tr",
    )
    assert done.record.day == date(2020, 3, 20)
    [logged] = history(app.uow(), done.record.id)
    body = parse_leaf(logged.leaf).body
    assert (body["name"], body["actor"], body["party"]) == (
        "observation.recorded",
        people.tr.actor.user_id,
        "tr",
    )
    assert body["data"] == dict(done.event.data)
    assert body["data"]["details"] == {"weapon_type": "tank", "count": 2, "description": ""}
    assert "placement" not in body["data"]
    with app.uow() as uow:
        [step] = uow.field.steps(done.record.id)
    assert (step.action, step.ledger_seq) == ("recorded", logged.seq)


@pytest.mark.parametrize(
    ("point", "inside", "zones"),
    [
        (ARIHA, True, ("corridor-south",)),
        (NORTH_HALF, True, ("corridor-north",)),
        (NORTH_OF_ARIHA, False, ()),
        (SARAQIB, False, ()),
        ((36.80056, 35.86361), True, ("corridor-north", "corridor-south")),
    ],
)
def test_inside_the_corridor_is_computed_from_the_point(
    app: App, people: Cast, point: tuple[float, float], inside: bool, zones: tuple[str, ...]
) -> None:
    location = {"lon": point[0], "lat": point[1]}
    done = record(app, people.ru, observation_data(location=location))
    entry = observations.entry_of(done.record)
    assert entry.placement.inside_corridor is inside
    assert entry.placement.zones == zones


def test_a_km_post_is_turned_into_its_point_on_the_patrol_route(app: App, people: Cast) -> None:
    done = record(app, people.tr, observation_data("armed_group", location={"km": 30}))
    entry = observations.entry_of(done.record)
    assert entry.observation.location is not None
    assert entry.observation.location.route == "patrol-trumba-ain-al-havr"
    assert entry.placement.km == 30
    assert entry.placement.offset_m == 0
    assert entry.placement.inside_corridor
    assert entry.placement.place == "Mhambal"


def test_a_road_status_without_a_point_lies_at_the_middle_of_its_stretch_of_the_m4(
    app: App, people: Cast
) -> None:
    done = record(app, people.ru, observation_data("road_status", location=None))
    entry = observations.entry_of(done.record)
    assert entry.observation.location is None
    assert done.event.data["details"]["route"] == "m4"
    assert done.event.data["details"]["since"] == "2020-03-20T09:30:00+00:00"
    assert entry.placement.inside_corridor
    assert entry.placement.place != ""


def test_the_monitor_records_and_the_analyst_may_not(app: App, people: Cast) -> None:
    done = record(app, people.monitor, observation_data("armed_group"))
    assert done.record.party == "monitor"
    before = log_size(app)
    for who in (people.analyst, people.tr_ao):
        with pytest.raises(PermissionDenied):
            record(app, who, observation_data())
    assert log_size(app) == before
    assert listed(app) == [done.record.id]


def with_details(subkind: str, **changes: Any) -> dict[str, Any]:
    data = observation_data(subkind)
    return data | {"details": {**data["details"], **changes}}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (with_details("road_status", to_km=70), "details.to_km"),
        (with_details("road_status", route="m5"), "details.route"),
        (with_details("heavy_weapons", count=0), "details.count"),
        (with_details("storage_site", site="corridor-north"), "details.site"),
        (observation_data("storage_site", location=None), "location"),
        (observation_data(location=None), "location"),
        (observation_data(location={"km": 70}), "location.km"),
        (observation_data(observed_at="2020-04-01T10:00:00Z"), "observed_at"),
        (observation_data(grade="B9"), "grade"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    app: App, people: Cast, data: dict[str, Any], field: str
) -> None:
    before = log_size(app)
    with pytest.raises(InputError) as caught:
        record(app, people.tr, data)
    assert caught.value.field == field
    assert log_size(app) == before
    assert listed(app) == []


def test_preparing_writes_nothing_and_the_prepared_data_records_the_same_event(
    app: App, people: Cast
) -> None:
    signing = PrepareOnly()
    record(app, people.tr, observation_data("storage_site", id="obs_p"), signing)
    assert signing.prepared is not None
    assert listed(app) == []
    done = record(app, people.tr, dict(signing.prepared.data))
    assert done.event.data == signing.prepared.data


def test_lists_filter_by_subkind_zone_corridor_party_and_days(app: App, people: Cast) -> None:
    a = record(app, people.tr, observation_data())
    outside = {"lon": NORTH_OF_ARIHA[0], "lat": NORTH_OF_ARIHA[1]}
    b = record(
        app, people.ru, observation_data(location=outside, observed_at="2020-03-25T10:00:00Z")
    )
    north = {"lon": NORTH_HALF[0], "lat": NORTH_HALF[1]}
    c = record(app, people.ru, observation_data("armed_group", location=north))
    assert set(listed(app)) == {a.record.id, b.record.id, c.record.id}
    assert listed(app)[0] == b.record.id
    assert set(listed(app, subkind=Subkind.HEAVY_WEAPONS)) == {a.record.id, b.record.id}
    assert listed(app, subkind=Subkind.HEAVY_WEAPONS, inside_corridor=True) == [a.record.id]
    assert listed(app, inside_corridor=False) == [b.record.id]
    assert listed(app, zone="corridor-north") == [c.record.id]
    assert set(listed(app, party="ru")) == {b.record.id, c.record.id}
    assert listed(app, day_from=date(2020, 3, 21)) == [b.record.id]


def test_each_storage_site_shows_its_latest_declared_and_observed_and_the_difference(
    app: App, people: Cast
) -> None:
    record(app, people.tr, observation_data("storage_site"))
    later = with_details("storage_site", observed={"tank": 4, "artillery": 1, "mortar": 3}) | {
        "observed_at": "2020-03-25T09:00:00Z"
    }
    newest = record(app, people.ru, later)
    other = with_details("storage_site", site="Nayrab yard", observed={"tank": 4, "artillery": 2})
    record(app, people.ru, other)
    sites = observations.storage_sites(app.uow(), app.geography())
    assert [s.site for s in sites] == ["Ariha depot", "Nayrab yard"]
    ariha, nayrab = sites
    assert ariha.latest.observation.id == newest.record.id
    assert ariha.observations == 2
    assert ariha.discrepancies == {WeaponType.ARTILLERY: -1, WeaponType.MORTAR: 3}
    assert nayrab.discrepancies == {}
    before = observations.storage_sites(app.uow(), app.geography(), day_to=date(2020, 3, 24))
    assert before[0].discrepancies == {WeaponType.TANK: 2}


def test_the_road_status_gives_the_share_of_the_days_each_km_was_observed_open(
    app: App, people: Cast
) -> None:
    # Closed from km 0 to 20 since 00:00 local on 10 March; km 0-10 open from 00:00 on the 15th.
    closed = with_details("road_status", since="2020-03-10T00:00:00+02:00")
    record(app, people.ru, closed | {"observed_at": "2020-03-10T08:00:00Z"})
    reopened = with_details(
        "road_status", from_km=0, to_km=10, status="open", since="2020-03-15T00:00:00+02:00"
    )
    record(app, people.tr, reopened | {"observed_at": "2020-03-15T08:00:00Z"})
    view = road_status.road_status(
        app.uow(),
        app.geography(),
        date(2020, 4, 1),
        day_from=date(2020, 3, 10),
        day_to=date(2020, 3, 19),
    )
    assert view.route.id == "m4"
    assert view.reports == 2
    assert (view.segments[0].from_km, view.segments[0].to_km) == (0, 1)
    assert view.segments[0].open == pytest.approx(0.5)
    assert view.segments[0].closed == pytest.approx(0.5)
    assert view.segments[15].closed == pytest.approx(1.0)
    assert view.segments[30].unknown == pytest.approx(1.0)
    assert view.whole.open == pytest.approx(0.5 * 10 / view.whole.to_km)
    default = road_status.road_status(app.uow(), app.geography(), date(2020, 4, 1))
    assert (default.day_from, default.day_to) == (date(2020, 3, 3), date(2020, 4, 1))
    with pytest.raises(InputError) as caught:
        road_status.road_status(app.uow(), app.geography(), date(2020, 4, 1), route_id="m5")
    assert caught.value.field == "route"
