"""The incident routes: officers of both sides prepare, sign on their machine and submit."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.incident_support import (
    NORTH,
    SOUTH,
    Cast,
    Clock,
    Officer,
    cast,
    make_app,
    report_data,
)
from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.domain.ledger import parse_leaf
from truceline.entrypoints.api.app import create_app
from truceline.services import accounts, incidents
from truceline.services.ledger import entries_page, event_json

BASE = "/api/agreements/idlib-m4/incidents"
#: A value that passes the schema but makes no sense (InputError) answers 400, naming the
#: field; a body or parameter that does not match the schema answers 422 (see app.py).
BAD_INPUT = 422


@dataclass
class World:
    app: App
    client: TestClient
    people: Cast
    tokens: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)

    def token(self, officer: Officer, *scopes: str) -> dict[str, str]:
        """The headers of a token of the officer's (made once: each token is a ledger entry)."""
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

    def prepare(self, officer: Officer, path: str, command: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(path, headers=self.token(officer), json={"prepare": command})
        assert response.status_code == 200, response.text
        event: dict[str, Any] = response.json()["event"]
        return event

    def submit(
        self, officer: Officer, path: str, event: dict[str, Any], signer: Officer | None = None
    ) -> httpx.Response:
        key = (signer or officer).signer
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
        """Prepare, sign with the officer's own key, submit; the incident as answered."""
        response = self.submit(officer, path, self.prepare(officer, path, command))
        assert response.status_code == 201, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def log_size(self) -> int:
        return entries_page(self.app.uow(), 0, 1).size

    def listed(self, officer: Officer, **params: Any) -> list[str]:
        response = self.client.get(BASE, headers=self.token(officer, "read"), params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def position(stance: str, held: str | None = None) -> dict[str, Any]:
    return {"position": {"stance": stance, "held_responsible": held, "evidence": [], "text": ""}}


@pytest.fixture
def world(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[World]:
    app = make_app(database_url, tmp_path, example_pack, Clock())
    try:
        with TestClient(create_app(app)) as client:
            yield World(app, client, cast(app))
    finally:
        app.close()


def test_two_zone_officers_report_and_take_positions_signing_on_their_own_machines(
    world: World,
) -> None:
    tr, ru = world.people.tr, world.people.ru
    for officer in (tr, ru):
        world.token(officer, "read")
        world.token(officer)
    before = world.log_size()
    event = world.prepare(tr, BASE, report_data(party="tr", point=NORTH))
    assert (event["name"], event["actor"], event["party"]) == (
        "incident.reported",
        tr.actor.user_id,
        "tr",
    )
    assert event["data"]["incident"]["location"]["lon"] == NORTH[0]
    assert world.log_size() == before
    assert world.listed(tr) == []

    response = world.submit(tr, BASE, event)
    assert response.status_code == 201, response.text
    reported = response.json()
    incident_id = reported["incident"]["id"]
    assert incident_id == event["subject"]
    assert reported["incident"]["links"]["zones"] == ["corridor-north"]
    assert reported["responsible_party"] == "tr"
    assert "moscow-1-ceasefire" in reported["incident"]["links"]["provisions"]
    assert reported["status"] == "pending"
    [entry] = [e for e, _ in entries_page(world.app.uow(), before, 10).entries]
    assert parse_leaf(entry.leaf).body == event
    assert entry.key_id == tr.signer.key_id

    [summary] = world.client.get(BASE, headers=world.token(ru, "read")).json()["items"]
    assert summary["id"] == incident_id
    assert (summary["zones"], summary["responsible_party"]) == (["corridor-north"], "tr")
    assert 20 < summary["km_post"] < 30
    queue = world.client.get(f"{BASE}/queue/ru", headers=world.token(ru, "read")).json()
    assert [item["id"] for item in queue["items"]] == [incident_id]

    extra = {"report": {**report_data(party="ru")["report"], "source_name": "ru liaison"}}
    attached = world.write(ru, f"{BASE}/{incident_id}/reports", extra)
    assert len(attached["reports"]) == 2
    world.write(tr, f"{BASE}/{incident_id}/positions", position("confirms", "sy-gov"))
    disputed = world.write(ru, f"{BASE}/{incident_id}/positions", position("denies"))
    assert disputed["finding"]["status"] == "disputed"
    assert world.listed(ru, awaiting="ru") == []
    world.app.now.advance(minutes=10)  # type: ignore[attr-defined]
    agreed = world.write(ru, f"{BASE}/{incident_id}/positions", position("confirms", "sy-gov"))
    assert agreed["finding"]["status"] == "verified"
    assert agreed["finding"]["attribution"]["state"] == "agreed"
    assert agreed["finding"]["attribution"]["actor"] == "sy-gov"

    whole = world.client.get(f"{BASE}/{incident_id}", headers=world.token(tr, "read")).json()
    assert set(whole["positions"]) == {"tr", "ru"}
    assert [(p["version"], p["stance"]) for p in whole["positions"]["ru"]] == [
        (1, "denies"),
        (2, "confirms"),
    ]
    assert whole["positions"]["ru"][0]["recorded_by"] == ru.actor.user_id
    assert whole["verdicts"] == []
    assert sorted(whole["finding"]["decided_by"]) == ["ru", "tr"]
    assert [h["action"] for h in whole["history"]] == [
        "reported",
        "report_attached",
        "position_recorded",
        "position_recorded",
        "position_recorded",
    ]
    assert world.log_size() == before + 5
    assert world.listed(tr, status="verified") == [incident_id]


def test_merge_and_split_are_prepared_signed_and_submitted_too(world: World) -> None:
    people = world.people
    first = world.write(people.tr, BASE, report_data(notes="Shelling of Ariha at dawn"))
    second = world.write(
        people.ru, BASE, report_data(party="ru", notes="Shelling of Ariha at dawn, again")
    )
    first_id, second_id = first["incident"]["id"], second["incident"]["id"]
    merged = world.write(
        people.tr_ao, f"{BASE}/{first_id}/merge", {"absorbed": second_id, "note": "same"}
    )
    assert len(merged["incident"]["report_ids"]) == 2
    assert merged["merged_from"] == [second_id]
    absorbed = world.client.get(f"{BASE}/{second_id}", headers=world.token(people.tr, "read"))
    assert absorbed.json()["incident"]["merged_into"] == first_id
    assert world.listed(people.tr) == [first_id]
    assert set(world.listed(people.tr, include_merged=True)) == {first_id, second_id}

    moved = merged["incident"]["report_ids"][-1]
    path = f"{BASE}/{first_id}/split"
    event = world.prepare(people.monitor, path, {"report_ids": [moved], "note": "two events"})
    new_id = event["data"]["new_id"]
    assert new_id.startswith("inc_")
    response = world.submit(people.monitor, path, event)
    assert response.status_code == 201, response.text
    assert moved not in response.json()["incident"]["report_ids"]
    created = world.client.get(f"{BASE}/{new_id}", headers=world.token(people.tr, "read")).json()
    assert [r["id"] for r in created["reports"]] == [moved]

    missing = world.client.post(
        f"{BASE}/{first_id}/merge", headers=world.token(people.tr_ao), json={"prepare": {}}
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "prepare.absorbed"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (report_data(point=(200.0, 35.0)), "incident.location.lon"),
        (report_data(day="2018-09-16"), "incident.dates.start"),
        (report_data(day="2020-04-02"), "incident.dates.end"),
        (report_data(sub_event_type="Tea party"), "incident.sub_event_type"),
    ],
    ids=["bad longitude", "before the agreement", "in the future", "unknown sub-event type"],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    world: World, data: dict[str, Any], field: str
) -> None:
    tr = world.people.tr
    headers = world.token(tr)
    world.token(tr, "read")
    before = world.log_size()
    prepared = world.client.post(BASE, headers=headers, json={"prepare": data})
    assert prepared.status_code == BAD_INPUT, prepared.text
    assert prepared.json()["errors"][0]["field"] == field
    # A client that signs the bad data anyway is refused just the same.
    body = {
        "name": "incident.reported",
        "actor": tr.actor.user_id,
        "party": "tr",
        "time": "2020-04-01T09:00:00.000000Z",
        "subject": "inc_bad",
        "data": data,
    }
    submitted = world.submit(tr, BASE, body)
    assert submitted.status_code == BAD_INPUT, submitted.text
    assert submitted.json()["errors"][0]["field"] == field
    assert world.log_size() == before
    assert world.listed(tr) == []


def test_an_unknown_zone_or_bad_cursor_in_the_list_is_refused_naming_the_parameter(
    world: World,
) -> None:
    headers = world.token(world.people.tr, "read")
    for params, status, named in [
        ({"zone": "atlantis"}, BAD_INPUT, "zone"),
        ({"awaiting": "martians"}, BAD_INPUT, "awaiting"),
        ({"after": "garbage!"}, BAD_INPUT, "after"),
        ({"status": "maybe"}, 422, "status"),
        ({"limit": 0}, 422, "limit"),
        ({"date_from": "yesterday"}, 422, "date_from"),
    ]:
        response = world.client.get(BASE, headers=headers, params=params)
        assert response.status_code == status, (params, response.text)
        assert response.json()["errors"][0]["field"] == named


def test_a_tampered_or_borrowed_signature_is_refused_and_nothing_is_written(world: World) -> None:
    tr, ru = world.people.tr, world.people.ru
    for officer in (tr, ru):
        world.token(officer, "read")
        world.token(officer)
    before = world.log_size()
    event = world.prepare(tr, BASE, report_data())
    key = tr.signer
    signature = b64(key.sign(event_json(event)))
    tampered = {**event, "data": {**event["data"], "report": {**event["data"]["report"]}}}
    tampered["data"]["report"]["grade"] = "A1"
    for body, public_key, named in [
        (tampered, key.public_key, "signature"),
        ({**event, "time": "2020-04-01T09:00:01.000000Z"}, key.public_key, "signature"),
        ({**event, "party": "ru"}, key.public_key, "event"),
        (event, ru.signer.public_key, "signature"),
    ]:
        response = world.client.post(
            BASE,
            headers=world.token(tr),
            json={"event": body, "public_key": b64(public_key), "signature": signature},
        )
        assert response.status_code == BAD_INPUT, response.text
        assert response.json()["errors"][0]["field"] == named
    # ru signs tr's report with ru's own (registered) key: not tr's key, so refused.
    borrowed = world.submit(tr, BASE, event, signer=ru)
    assert borrowed.status_code == BAD_INPUT
    assert borrowed.json()["errors"][0]["field"] == "public_key"
    # tr's body submitted with ru's token: ru may not file tr's allegation.
    stolen = world.submit(ru, BASE, event, signer=tr)
    assert stolen.status_code == 403
    assert world.log_size() == before
    assert world.listed(tr) == []


def test_a_role_that_may_not_act_gets_403_and_a_token_without_write_too(world: World) -> None:
    people = world.people
    incident_id = incidents.report_incident(
        world.app.uow(),
        people.tr.actor,
        people.tr.signing,
        world.app.enricher(),
        report_data(),
        world.app.now(),
        now=world.app.now,
    ).record.incident.id
    analyst = world.token(people.analyst)
    cases = [
        (BASE, report_data(party="monitor", channel="open_source"), analyst),
        (f"{BASE}/{incident_id}/positions", position("confirms"), analyst),
        (f"{BASE}/{incident_id}/merge", {"absorbed": incident_id}, analyst),
        (BASE, report_data(party="ru"), world.token(people.tr)),
        (BASE, report_data(), world.token(people.tr, "read")),
    ]
    for path, command, headers in cases:
        response = world.client.post(path, headers=headers, json={"prepare": command})
        assert response.status_code == 403, (path, response.text)
    assert world.client.post(BASE, json={"prepare": report_data()}).status_code == 401
    assert world.client.get(BASE).status_code == 401
    both = world.client.post(
        BASE,
        headers=world.token(people.tr),
        json={"prepare": report_data(), "event": {}, "public_key": "", "signature": ""},
    )
    assert both.status_code == 422
    unknown = world.client.get(f"{BASE}/inc_nothing", headers=world.token(people.tr, "read"))
    assert unknown.status_code == 404


def test_keyset_pages_walk_the_list_through_the_api(world: World) -> None:
    tr = world.people.tr
    for day in range(6, 13):
        incidents.report_incident(
            world.app.uow(),
            tr.actor,
            tr.signing,
            world.app.enricher(),
            report_data(day=f"2020-03-{day:02d}", point=SOUTH, notes=f"event {day}"),
            world.app.now(),
            now=world.app.now,
        )
    headers = world.token(tr, "read")
    first = world.client.get(BASE, headers=headers, params={"limit": 3, "with_total": True}).json()
    assert first["total"] == 7
    days = [item["dates"]["start"] for item in first["items"]]
    assert days == ["2020-03-12", "2020-03-11", "2020-03-10"]
    seen = list(days)
    cursor = first["next_cursor"]
    while cursor:
        page = world.client.get(BASE, headers=headers, params={"limit": 3, "after": cursor})
        assert page.status_code == 200, page.text
        assert page.json()["total"] is None
        seen += [item["dates"]["start"] for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
    assert seen == [f"2020-03-{day:02d}" for day in range(12, 5, -1)]
    narrowed = world.listed(tr, zone="corridor-south", date_from="2020-03-11")
    assert len(narrowed) == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (report_data(injuries=2**60), "incident.injuries"),
        (report_data(id="inc_" + "x" * 100), "incident.id"),
        (
            {**report_data(), "report": {**report_data()["report"], "source_url": 5}},
            "report.source_url",
        ),
        (
            {**report_data(), "report": {**report_data()["report"], "reporting_party": [1]}},
            "report.reporting_party",
        ),
    ],
    ids=[
        "beyond JSON's exact integers",
        "an id too long to store",
        "a url not text",
        "a party not text",
    ],
)
def test_values_the_log_or_the_database_cannot_keep_are_refused_naming_the_field(
    world: World, data: dict[str, Any], field: str
) -> None:
    response = world.client.post(BASE, headers=world.token(world.people.tr), json={"prepare": data})
    assert response.status_code == BAD_INPUT, response.text
    assert response.json()["errors"][0]["field"] == field


def test_text_that_is_not_valid_unicode_is_refused_before_anything_runs(world: World) -> None:
    body = json.dumps({"prepare": report_data(notes="NOTE")}).replace("NOTE", "\\ud800")
    response = world.client.post(
        BASE,
        headers={**world.token(world.people.tr), "Content-Type": "application/json"},
        content=body,
    )
    assert response.status_code == 422
    assert "lone surrogate" in response.json()["errors"][0]["reason"]
