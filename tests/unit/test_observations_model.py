"""Observations: the four subkinds' rules, the codec, storage discrepancies and the counts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from truceline.domain.errors import InputError
from truceline.domain.field_location import Placement
from truceline.domain.observation_records import (
    entry_from_doc,
    entry_to_doc,
    observation_from_dict,
    observation_to_dict,
)
from truceline.domain.observations import (
    ArmedGroup,
    HeavyWeapons,
    ObservationEntry,
    RoadState,
    RoadStatus,
    StorageSite,
    Subkind,
    WeaponType,
    count_observations,
    storage_discrepancies,
)
from truceline.domain.restrictions import Period

SEEN = "2020-03-20T09:30:00+00:00"
POINT = {"lon": 36.60964, "lat": 35.81374}
DETAILS: dict[str, dict[str, Any]] = {
    "heavy_weapons": {"weapon_type": "tank", "count": 2, "description": ""},
    "armed_group": {"group": "opposition", "estimated_size": 30, "activity": "digging in"},
    "road_status": {
        "route": "m4",
        "from_km": 0.0,
        "to_km": 12.5,
        "status": "closed",
        "since": "2020-03-20T06:00:00+00:00",
    },
    "storage_site": {
        "site": "Depot at Ariha",
        "declared": {"tank": 4, "artillery": 2},
        "observed": {"tank": 6, "mortar": 1},
    },
}


def data(subkind: str = "heavy_weapons", **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "obs_1",
        "subkind": subkind,
        "observed_at": SEEN,
        "location": POINT,
        "note": "",
        "grade": "B2",
        "details": DETAILS[subkind],
    }
    return base | changes


@pytest.mark.parametrize("subkind", list(DETAILS))
def test_each_subkind_reads_back_to_its_normal_form_and_that_form_is_stable(
    subkind: str,
) -> None:
    observation = observation_from_dict(data(subkind))
    assert str(observation.subkind) == subkind
    normal = observation_to_dict(observation)
    assert normal["details"] == DETAILS[subkind]
    assert observation_to_dict(observation_from_dict(normal)) == normal


def test_the_details_become_typed_values() -> None:
    weapons = observation_from_dict(data()).details
    assert weapons == HeavyWeapons(WeaponType.TANK, 2)
    group = observation_from_dict(data("armed_group")).details
    assert group == ArmedGroup("opposition", 30, "digging in")
    road = observation_from_dict(data("road_status")).details
    assert isinstance(road, RoadStatus)
    assert road.status is RoadState.CLOSED
    assert road.since == datetime(2020, 3, 20, 6, 0, tzinfo=UTC)


def test_a_road_status_without_since_holds_from_when_it_was_observed() -> None:
    details = {k: v for k, v in DETAILS["road_status"].items() if k != "since"}
    road = observation_from_dict(data("road_status", details=details)).details
    assert isinstance(road, RoadStatus)
    assert road.since == datetime(2020, 3, 20, 9, 30, tzinfo=UTC)


def test_a_heavy_weapons_sighting_without_a_count_is_one_weapon() -> None:
    details = {"weapon_type": "mrls"}
    weapons = observation_from_dict(data(details=details)).details
    assert weapons == HeavyWeapons(WeaponType.MRLS, 1)


def test_a_road_status_or_a_storage_site_may_leave_out_the_location() -> None:
    for subkind in ("road_status", "storage_site"):
        assert observation_from_dict(data(subkind, location=None)).location is None


def with_details(subkind: str, **changes: Any) -> dict[str, Any]:
    return data(subkind, details={**DETAILS[subkind], **changes})


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (data(subkind="heavy_weapons") | {"subkind": "sighting"}, "subkind"),
        (data(observed_at=None), "observed_at"),
        (data(observed_at="2020-03-20T09:30"), "observed_at"),
        (data(location=None), "location"),
        (data("armed_group", location=None), "location"),
        (data(location={"lat": 35.8}), "location.lon"),
        (data(grade="Z9"), "grade"),
        (data(id="res_1"), "id"),
        (data(colour="red"), "colour"),
        (with_details("heavy_weapons", weapon_type="rifle"), "details.weapon_type"),
        (with_details("heavy_weapons", count=0), "details.count"),
        (with_details("heavy_weapons", count="two"), "details.count"),
        (with_details("heavy_weapons", calibre=122), "details.calibre"),
        (with_details("armed_group", group=""), "details.group"),
        (with_details("armed_group", estimated_size=0), "details.estimated_size"),
        (with_details("road_status", status="half"), "details.status"),
        (with_details("road_status", from_km=None), "details.from_km"),
        (with_details("road_status", to_km=0.0), "details.to_km"),
        (with_details("road_status", from_km=-1.0), "details.from_km"),
        (with_details("road_status", since="2020-03-21T00:00:00Z"), "details.since"),
        (with_details("road_status", route=""), "details.route"),
        (with_details("storage_site", site=""), "details.site"),
        (with_details("storage_site", declared={"rifle": 3}), "details.declared.rifle"),
        (with_details("storage_site", observed={"tank": -1}), "details.observed.tank"),
        (with_details("storage_site", observed={"tank": None}), "details.observed.tank"),
        (with_details("storage_site", declared={}, observed={}), "details.observed"),
        (with_details("storage_site", declared=[1]), "details.declared"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(value: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        observation_from_dict(value)
    assert caught.value.field == field


# --- storage discrepancies ---------------------------------------------------------------


def test_discrepancies_are_observed_minus_declared_for_each_type_that_differs() -> None:
    site = observation_from_dict(data("storage_site")).details
    assert isinstance(site, StorageSite)
    assert site.discrepancies == {
        WeaponType.TANK: 2,
        WeaponType.ARTILLERY: -2,
        WeaponType.MORTAR: 1,
    }


@pytest.mark.parametrize(
    ("declared", "observed", "expected"),
    [
        ({}, {}, {}),
        ({WeaponType.TANK: 3}, {WeaponType.TANK: 3}, {}),
        ({WeaponType.TANK: 3}, {}, {WeaponType.TANK: -3}),
        ({}, {WeaponType.MRLS: 1}, {WeaponType.MRLS: 1}),
        ({WeaponType.TANK: 0}, {WeaponType.MORTAR: 0}, {}),
    ],
)
def test_storage_discrepancies_on_constructed_counts(
    declared: dict[WeaponType, int],
    observed: dict[WeaponType, int],
    expected: dict[WeaponType, int],
) -> None:
    assert storage_discrepancies(declared, observed) == expected


def test_a_site_that_holds_what_it_declared_has_no_discrepancy() -> None:
    counts = {"tank": 4}
    site = observation_from_dict(
        with_details("storage_site", declared=counts, observed=counts)
    ).details
    assert isinstance(site, StorageSite)
    assert site.discrepancies == {}


# --- stored entries and counts -----------------------------------------------------------


def entry(subkind: str, day: date, zone: str | None, *, inside: bool = False) -> ObservationEntry:
    zones = () if zone is None else (zone,)
    return ObservationEntry(
        observation=observation_from_dict(data(subkind)),
        placement=Placement(36.6, 35.8, "m4", 3.0, 10.0, zones, "tr", inside, "Ariha"),
        number=1,
        day=day,
        party="tr",
        recorded_by="usr_1",
        recorded_at=datetime(2020, 3, 21, tzinfo=UTC),
    )


def test_the_stored_document_keeps_the_placement_and_who_recorded_it() -> None:
    stored = entry("storage_site", date(2020, 3, 20), "corridor-south", inside=True)
    back = entry_from_doc(entry_to_doc(stored), number=1, day=date(2020, 3, 20))
    assert back == stored


def test_observations_are_counted_per_period_zone_and_subkind_with_those_in_the_corridor() -> None:
    entries = [
        entry("heavy_weapons", date(2020, 3, 16), "corridor-north", inside=True),
        entry("heavy_weapons", date(2020, 3, 17), "corridor-north", inside=True),
        entry("heavy_weapons", date(2020, 3, 18), None),
        entry("road_status", date(2020, 3, 18), "corridor-north", inside=True),
        entry("armed_group", date(2020, 4, 2), "corridor-south", inside=True),
    ]
    rows = count_observations(entries, Period.MONTH)
    assert [(r.period, r.zone, r.subkind, r.count, r.inside_corridor) for r in rows] == [
        ("2020-03", "corridor-north", Subkind.HEAVY_WEAPONS, 2, 2),
        ("2020-03", "corridor-north", Subkind.ROAD_STATUS, 1, 1),
        ("2020-03", None, Subkind.HEAVY_WEAPONS, 1, 0),
        ("2020-04", "corridor-south", Subkind.ARMED_GROUP, 1, 1),
    ]
