"""The restriction and observation routes: officers of both sides prepare, sign on their own
machine and submit; anyone with a read token lists, counts and reads the road and the sites."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.incident_support import Clock, cast, make_app
from tests.integration.test_incidents_api import World
from tests.integration.test_observations_service import observation_data
from tests.integration.test_restrictions_service import (
    NORTH_HALF,
    NORTH_OF_ARIHA,
    restriction_data,
)
from truceline.entrypoints.api.app import create_app

RESTRICTIONS = "/api/agreements/idlib-m4/restrictions"
OBSERVATIONS = "/api/agreements/idlib-m4/observations"


@pytest.fixture
def world(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[World]:
    app = make_app(database_url, tmp_path, example_pack, Clock())
    try:
        with TestClient(create_app(app)) as client:
            yield World(app, client, cast(app))
    finally:
        app.close()


def get(world: World, path: str, **params: Any) -> Any:
    response = world.client.get(
        path, headers=world.token(world.people.analyst, "read"), params=params
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_two_zone_officers_record_restrictions_signing_on_their_own_machines(
    world: World,
) -> None:
    tr, ru = world.people.tr, world.people.ru
    for officer in (tr, ru, world.people.analyst):
        world.token(officer, "read")
        world.token(officer)
    before = world.log_size()
    event = world.prepare(tr, RESTRICTIONS, restriction_data())
    assert (event["name"], event["actor"], event["party"]) == (
        "restriction.recorded",
        tr.actor.user_id,
        "tr",
    )
    assert event["subject"].startswith("res_")
    assert event["data"]["id"] == event["subject"]
    assert event["data"]["location"] == {"route": "patrol-trumba-ain-al-havr", "km": 12.0}
    assert world.log_size() == before
    assert get(world, RESTRICTIONS)["items"] == []

    response = world.submit(tr, RESTRICTIONS, event)
    assert response.status_code == 201, response.text
    recorded = response.json()
    assert recorded["id"] == event["subject"]
    assert recorded["number"] == 1
    assert recorded["until"] == "2020-03-20T08:40:00Z"
    assert recorded["placement"]["inside_corridor"] is True
    assert recorded["party"] == "tr"
    assert world.log_size() == before + 1

    north = {"lon": NORTH_HALF[0], "lat": NORTH_HALF[1]}
    denied = world.write(ru, RESTRICTIONS, restriction_data(kind="denied", location=north))
    assert denied["placement"]["zones"] == ["corridor-north"]
    assert denied["placement"]["responsible_party"] == "tr"

    listed = get(world, RESTRICTIONS)["items"]
    assert {r["id"] for r in listed} == {recorded["id"], denied["id"]}
    assert [r["id"] for r in get(world, RESTRICTIONS, kind="denied")["items"]] == [denied["id"]]
    assert [r["id"] for r in get(world, RESTRICTIONS, zone="corridor-north")["items"]] == [
        denied["id"]
    ]
    assert get(world, RESTRICTIONS, affected="monitor")["items"] == []
    assert get(world, RESTRICTIONS, day_from="2020-03-21")["items"] == []
    one = get(world, f"{RESTRICTIONS}/{denied['id']}")
    assert one == denied

    counts = get(world, f"{RESTRICTIONS}/counts", period="month")
    assert counts["period"] == "month"
    rows = [(r["period"], r["kind"], r["count"]) for r in counts["rows"]]
    assert sorted(rows) == [("2020-03", "delayed", 1), ("2020-03", "denied", 1)]
    weekly = get(world, f"{RESTRICTIONS}/counts")
    assert {r["period"] for r in weekly["rows"]} == {"2020-W12"}


def test_observations_are_recorded_in_two_steps_and_read_back_filtered(world: World) -> None:
    tr, ru = world.people.tr, world.people.ru
    tanks = world.write(tr, OBSERVATIONS, observation_data())
    assert tanks["subkind"] == "heavy_weapons"
    assert tanks["placement"]["inside_corridor"] is True
    outside = {"lon": NORTH_OF_ARIHA[0], "lat": NORTH_OF_ARIHA[1]}
    far = world.write(ru, OBSERVATIONS, observation_data(location=outside))
    assert far["placement"]["inside_corridor"] is False
    site = world.write(ru, OBSERVATIONS, observation_data("storage_site"))
    assert site["details"]["discrepancies"] == {"tank": 2}
    road = world.write(ru, OBSERVATIONS, observation_data("road_status", location=None))
    assert road["location"] is None
    assert road["details"]["route"] == "m4"

    inside = get(world, OBSERVATIONS, subkind="heavy_weapons", inside_corridor="true")["items"]
    assert [o["id"] for o in inside] == [tanks["id"]]
    every = get(world, OBSERVATIONS)["items"]
    assert len(every) == 4
    assert get(world, f"{OBSERVATIONS}/{site['id']}") == site

    sites = get(world, f"{OBSERVATIONS}/storage-sites")["items"]
    assert [(s["site"], s["discrepancies"], s["observation_id"]) for s in sites] == [
        ("Ariha depot", {"tank": 2}, site["id"])
    ]
    status = get(world, f"{OBSERVATIONS}/road-status", day_from="2020-03-21", day_to="2020-03-30")
    assert status["route"] == "m4"
    assert status["reports"] == 1
    assert status["segments"][0] == {
        "from_km": 0.0,
        "to_km": 1.0,
        "open": 0.0,
        "closed": 1.0,
        "unknown": 0.0,
    }
    assert status["segments"][25]["unknown"] == 1.0


def test_refusals_and_bad_input_write_nothing(world: World) -> None:
    analyst, tr = world.people.analyst, world.people.tr
    for scopes in (("read", "write"), ("read",)):
        world.token(analyst, *scopes)
        world.token(tr, *scopes)
    before = world.log_size()
    response = world.client.post(
        RESTRICTIONS,
        headers=world.token(analyst),
        json={"prepare": restriction_data()},
    )
    assert response.status_code == 403, response.text
    response = world.client.post(
        OBSERVATIONS,
        headers=world.token(tr),
        json={"prepare": observation_data(location={"km": 99})},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "location.km"
    response = world.client.post(
        OBSERVATIONS,
        headers=world.token(tr),
        json={"prepare": observation_data() | {"colour": "red"}},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("colour")
    read_only = world.token(tr, "read")
    response = world.client.post(
        RESTRICTIONS, headers=read_only, json={"prepare": restriction_data()}
    )
    assert response.status_code == 403
    assert world.client.get(RESTRICTIONS).status_code == 401
    assert world.log_size() == before


def test_a_submitted_body_other_than_the_prepared_one_is_refused(world: World) -> None:
    tr = world.people.tr
    world.token(tr)
    before = world.log_size()
    tampered = world.prepare(tr, OBSERVATIONS, observation_data())
    tampered["party"] = "ru"
    response = world.submit(tr, OBSERVATIONS, tampered)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "event"
    signed_by_other = world.prepare(tr, RESTRICTIONS, restriction_data())
    response = world.submit(tr, RESTRICTIONS, signed_by_other, signer=world.people.ru)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "public_key"
    assert world.log_size() == before


def test_unknown_records_and_bad_filters_answer_404_and_422(world: World) -> None:
    headers = world.token(world.people.analyst, "read")
    assert world.client.get(f"{OBSERVATIONS}/obs_none", headers=headers).status_code == 404
    assert world.client.get(f"{RESTRICTIONS}/res_none", headers=headers).status_code == 404
    response = world.client.get(RESTRICTIONS, headers=headers, params={"zone": "nowhere"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "zone"
    response = world.client.get(
        f"{RESTRICTIONS}/counts", headers=headers, params={"period": "year"}
    )
    assert response.status_code == 422
    response = world.client.get(
        f"{OBSERVATIONS}/road-status",
        headers=headers,
        params={"day_from": "2020-03-10", "day_to": "2020-03-01"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "day_to"
