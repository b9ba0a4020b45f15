"""The patrol routes: officers of both sides run a patrol, each signing on their own machine."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.incident_support import Cast, Clock, Officer, cast, make_app, report_data
from tests.patrol_support import plan_data, route_points
from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.patrol_records import points_to_list
from truceline.entrypoints.api.app import create_app
from truceline.services import accounts
from truceline.services.ledger import entries_page, event_json

BASE = "/api/agreements/idlib-m4/patrols"


@dataclass
class Desk:
    app: App
    client: TestClient
    people: Cast
    tokens: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)

    def token(self, officer: Officer, *scopes: str) -> dict[str, str]:
        scopes = scopes or ("read", "write")
        key = (officer.actor.user_id, scopes)
        if key not in self.tokens:
            _, self.tokens[key] = accounts.create_token(
                accounts.CreateToken(officer.actor.user_id, "test", scopes),
                self.app.uow(),
                Actor.operator(),
                self.app.log.signer,
                now=self.app.now,
            )
        return {"Authorization": f"Bearer {self.tokens[key]}"}

    def prepare(self, officer: Officer, path: str, command: dict[str, Any]) -> httpx.Response:
        return self.client.post(path, headers=self.token(officer), json={"prepare": command})

    def submit(self, officer: Officer, path: str, event: dict[str, Any]) -> httpx.Response:
        key = officer.signer
        return self.client.post(
            path,
            headers=self.token(officer),
            json={
                "event": event,
                "public_key": b64(key.public_key),
                "signature": b64(key.sign(event_json(event))),
            },
        )

    def write(self, officer: Officer, path: str, command: dict[str, Any]) -> dict[str, Any]:
        """Prepare, sign with the officer's key, submit; the patrol as answered."""
        prepared = self.prepare(officer, path, command)
        assert prepared.status_code == 200, prepared.text
        response = self.submit(officer, path, prepared.json()["event"])
        assert response.status_code == 201, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def get(self, officer: Officer, path: str, **params: Any) -> dict[str, Any]:
        response = self.client.get(path, headers=self.token(officer, "read"), params=params)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def log_size(self) -> int:
        return entries_page(self.app.uow(), 0, 1).size


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(database_url: str, tmp_path: Path, example_pack: Path, clock: Clock) -> Iterator[Desk]:
    app = make_app(database_url, tmp_path, example_pack, clock)
    try:
        with TestClient(create_app(app)) as client:
            yield Desk(app, client, cast(app))
    finally:
        app.close()


def test_two_sides_run_a_patrol_over_http_from_plan_to_curtailment(
    desk: Desk, clock: Clock
) -> None:
    tr, ru = desk.people.tr, desk.people.ru
    for officer in (tr, ru):
        desk.token(officer)
        desk.token(officer, "read")
    before = desk.log_size()
    prepared = desk.prepare(tr, BASE, plan_data())
    assert prepared.status_code == 200, prepared.text
    event = prepared.json()["event"]
    assert (event["name"], event["actor"], event["party"]) == (
        "patrol.planned",
        tr.actor.user_id,
        "tr",
    )
    assert event["data"]["start_time"] == "09:00"
    assert desk.log_size() == before
    assert desk.get(tr, BASE)["items"] == []

    planned = desk.submit(tr, BASE, event)
    assert planned.status_code == 201, planned.text
    patrol = planned.json()["patrol"]
    path = f"{BASE}/{patrol['id']}"
    assert patrol["id"] == event["subject"]
    assert (patrol["number"], patrol["state"], patrol["awaiting_acknowledgement"]) == (
        1,
        "planned",
        ["ru"],
    )

    refused = desk.prepare(tr, f"{path}/start", {})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "patrol"

    clock.advance(hours=1)
    assert desk.write(ru, f"{path}/acknowledge", {})["patrol"]["state"] == "acknowledged"
    clock.advance(hours=1)
    assert desk.write(ru, f"{path}/start", {})["patrol"]["state"] == "under_way"
    clock.advance(minutes=20)
    desk.write(tr, f"{path}/checkpoints", {"km": 10})
    points = route_points(desk.app.geography(), [0, 4, 8, 12], start=clock.now)
    tracked = desk.write(ru, f"{path}/track", {"points": points_to_list(points)})
    assert tracked["track"]["geometry"]["type"] == "LineString"
    assert tracked["track"]["properties"]["times"][0] == points_to_list(points)[0]["at"]
    assert tracked["deviation"]["share_within"] == 1.0
    assert tracked["deviation"]["km_reached"] == pytest.approx(12.0, abs=0.01)

    beyond = desk.prepare(
        tr, f"{path}/end", {"outcome": "curtailed", "at_km": 30, "reason": "Crowd"}
    )
    assert beyond.status_code == 422
    assert beyond.json()["errors"][0]["field"] == "at_km"
    clock.advance(minutes=10)
    ended = desk.write(
        tr,
        f"{path}/end",
        {"outcome": "curtailed", "at_km": 12.5, "reason": "A crowd blocked the road at Nayrab"},
    )
    assert ended["patrol"]["state"] == "curtailed"
    assert ended["patrol"]["covered_km"] == 12.5
    assert ended["patrol"]["stopped_at_km"] == 12.5

    reported = desk.write(tr, "/api/agreements/idlib-m4/incidents", report_data())
    incident_id = reported["incident"]["id"]
    linked = desk.write(ru, f"{path}/incidents", {"incident_id": incident_id})
    assert linked["patrol"]["incidents"] == [incident_id]

    assert desk.log_size() == before + 8  # 6 patrol steps, the incident, its link
    shown = desk.get(ru, path)
    assert [s["action"] for s in shown["steps"]] == [
        "planned",
        "acknowledged",
        "started",
        "checkpoint_reached",
        "track_recorded",
        "ended",
        "incident_linked",
    ]
    assert shown["steps"][1]["party"] == "ru"
    assert shown["segment"]["geometry"]["type"] == "LineString"
    assert shown["segment"]["geometry"]["coordinates"][0] == pytest.approx([36.76672, 35.858945])
    assert shown["patrol"]["contingents"][1]["units"] == ["Military police platoon 2"]
    assert shown["patrol"]["reached"][0]["km"] == 10.0
    stats = desk.get(ru, f"{BASE}/stats")
    assert stats["months"] == [
        {
            "month": "2020-04",
            "planned": 1,
            "completed": 0,
            "curtailed": 1,
            "aborted": 0,
            "km_planned": 30.0,
            "km_covered": 12.5,
        }
    ]


def test_the_list_is_by_day_and_filtered_by_days(desk: Desk) -> None:
    tr = desk.people.tr
    later = desk.write(tr, BASE, plan_data(day="2020-04-03"))["patrol"]
    earlier = desk.write(tr, BASE, plan_data(day="2020-03-20"))["patrol"]
    listed = desk.get(tr, BASE)["items"]
    assert [(p["id"], p["number"]) for p in listed] == [(earlier["id"], 2), (later["id"], 1)]
    april = desk.get(tr, BASE, day_from="2020-04-01")["items"]
    assert [p["id"] for p in april] == [later["id"]]
    wrong = desk.client.get(
        BASE,
        headers=desk.token(tr, "read"),
        params={"day_from": "2020-05-01", "day_to": "2020-04-01"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "day_to"


def test_writes_follow_the_permission_matrix_and_the_token_scopes(desk: Desk) -> None:
    tr, analyst = desk.people.tr, desk.people.analyst
    assert desk.prepare(analyst, BASE, plan_data()).status_code == 403
    read_only = desk.client.post(
        BASE, headers=desk.token(tr, "read"), json={"prepare": plan_data()}
    )
    assert read_only.status_code == 403
    assert desk.client.get(BASE).status_code == 401
    patrol = desk.write(tr, BASE, plan_data())["patrol"]
    own = desk.prepare(tr, f"{BASE}/{patrol['id']}/acknowledge", {})
    assert own.status_code == 422
    assert own.json()["errors"][0]["field"] == "party"
    assert (
        desk.prepare(desk.people.ru_ao, f"{BASE}/{patrol['id']}/acknowledge", {}).status_code == 403
    )


def test_a_bad_command_or_an_unknown_patrol_is_refused_naming_the_field(desk: Desk) -> None:
    tr = desk.people.tr
    unknown_key = desk.prepare(tr, BASE, {**plan_data(), "colour": "red"})
    assert unknown_key.status_code == 422
    assert unknown_key.json()["errors"][0]["field"] == "prepare.colour"
    off_route = desk.prepare(tr, BASE, plan_data(to_km=80))
    assert off_route.status_code == 422
    assert off_route.json()["errors"][0]["field"] == "to_km"
    missing = desk.client.get(f"{BASE}/pat_nothing", headers=desk.token(tr, "read"))
    assert missing.status_code == 404
    patrol = desk.write(tr, BASE, plan_data())["patrol"]
    naive = desk.prepare(
        tr,
        f"{BASE}/{patrol['id']}/track",
        {"points": [{"lon": 36.7, "lat": 35.8, "at": "2020-04-01T09:00:00"}]},
    )
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "points[0].at"


def test_a_signed_event_that_was_altered_is_refused(desk: Desk) -> None:
    tr, ru = desk.people.tr, desk.people.ru
    patrol = desk.write(tr, BASE, plan_data())["patrol"]
    path = f"{BASE}/{patrol['id']}"
    desk.write(ru, f"{path}/acknowledge", {})
    desk.write(ru, f"{path}/start", {})
    prepared = desk.prepare(tr, f"{path}/end", {"outcome": "completed"})
    event = prepared.json()["event"]
    assert event["data"] == {"outcome": "completed", "at_km": None, "reason": ""}
    altered = {**event, "data": {"outcome": "aborted", "at_km": None, "reason": "x"}}
    key = tr.signer
    response = desk.client.post(
        f"{path}/end",
        headers=desk.token(tr),
        json={
            "event": altered,
            "public_key": b64(key.public_key),
            "signature": b64(key.sign(event_json(event))),
        },
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "signature"
    assert desk.get(tr, path)["patrol"]["state"] == "under_way"
