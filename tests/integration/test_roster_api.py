"""The roster routes: authorized officers prepare, sign on their machine and submit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.incident_support import Clock, Officer, make_app
from tests.integration.test_incidents_api import b64
from tests.integration.test_roster_service import NORTH_ZONE, Staff, staff
from truceline.bootstrap import App
from truceline.domain.accounts import Actor
from truceline.entrypoints.api.app import create_app
from truceline.services import accounts
from truceline.services.ledger import entries_page, event_json

ROSTER = "/api/agreements/idlib-m4/roster"


@dataclass
class Desk:
    """The HTTP client and the people who use it, each with their tokens."""

    app: App
    client: TestClient
    people: Staff
    clock: Clock
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

    def submit(
        self, officer: Officer, path: str, event: dict[str, Any], signer: Officer | None = None
    ) -> httpx.Response:
        key = (signer or officer).signer
        body = {
            "event": event,
            "public_key": b64(key.public_key),
            "signature": b64(key.sign(event_json(event))),
        }
        return self.client.post(path, headers=self.token(officer), json=body)

    def write(self, officer: Officer, path: str, command: dict[str, Any]) -> dict[str, Any]:
        """Prepare, sign with the officer's own key, submit; the answer."""
        prepared = self.prepare(officer, path, command)
        assert prepared.status_code == 200, prepared.text
        response = self.submit(officer, path, prepared.json()["event"])
        assert response.status_code == 201, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def get(self, officer: Officer, path: str, **params: Any) -> httpx.Response:
        return self.client.get(path, headers=self.token(officer, "read"), params=params)

    def log_size(self) -> int:
        return entries_page(self.app.uow(), 0, 1).size


@contextmanager
def open_desk(database_url: str, tmp_path: Path, pack: Path) -> Iterator[Desk]:
    """A served application (no background sweep) with the staff of both sides."""
    clock = Clock()
    app = make_app(database_url, tmp_path, pack, clock)
    app.settings = app.settings.model_copy(update={"hotline_sweep_s": 0})
    try:
        with TestClient(create_app(app)) as client:
            yield Desk(app, client, staff(app), clock)
    finally:
        app.close()


@pytest.fixture
def desk(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[Desk]:
    with open_desk(database_url, tmp_path, example_pack) as opened:
        yield opened


def test_the_roster_is_set_over_http_and_shows_who_is_on_duty(desk: Desk) -> None:
    people = desk.people
    for officer in (people.tr_ao, people.ru_ao, people.tr1):
        desk.token(officer)
        desk.token(officer, "read")
    before = desk.log_size()
    prepared = desk.prepare(people.tr_ao, ROSTER, {"post": NORTH_ZONE, "user": "tr-zone-1"})
    assert prepared.status_code == 200, prepared.text
    event = prepared.json()["event"]
    assert (event["name"], event["actor"], event["party"]) == (
        "duty.started",
        people.tr_ao.actor.user_id,
        "tr",
    )
    assert event["data"]["user"] == people.tr1.actor.user_id
    assert desk.log_size() == before
    assert desk.get(people.tr1, ROSTER).json()["periods"] == []

    response = desk.submit(people.tr_ao, ROSTER, event)
    assert response.status_code == 201, response.text
    first = response.json()
    assert first["duty"]["id"] == event["subject"]
    assert [s["action"] for s in first["steps"]] == ["started"]
    assert first["steps"][0]["ledger_seq"] == before
    desk.write(people.ru_ao, ROSTER, {"post": NORTH_ZONE, "user": "ru-zone-1"})
    desk.write(people.tr_ao, ROSTER, {"post": "authorized", "user": "tr-ao"})
    assert desk.log_size() == before + 3

    desk.clock.advance(hours=8)
    handed = desk.write(
        people.tr1,
        ROSTER,
        {"post": NORTH_ZONE, "user": "tr-zone-2", "handover": True, "from": first["duty"]["id"]},
    )
    assert handed["duty"]["handed_over_from"] == first["duty"]["id"]

    now = desk.get(people.ru_ao, ROSTER).json()
    north = now["on_duty"]["zones"][NORTH_ZONE]
    assert north["tr"]["user"] == people.tr2.actor.user_id
    assert north["ru"]["user"] == people.ru1.actor.user_id
    assert now["on_duty"]["authorized"]["tr"]["user"] == people.tr_ao.actor.user_id
    assert now["on_duty"]["authorized"]["ru"] is None
    assert now["on_duty"]["zones"]["corridor-south"] == {"tr": None, "ru": None}
    assert len(now["periods"]) == 4

    earlier = desk.get(people.ru_ao, ROSTER, at="2020-04-01T10:00:00Z").json()
    assert earlier["on_duty"]["zones"][NORTH_ZONE]["tr"]["id"] == first["duty"]["id"]
    period = desk.get(people.tr1, f"{ROSTER}/{first['duty']['id']}").json()
    assert period["duty"]["end"] == handed["duty"]["start"]
    assert [s["action"] for s in period["steps"]] == ["started", "handed_over"]

    desk.clock.advance(hours=2)
    ended = desk.write(people.tr2, f"{ROSTER}/{handed['duty']['id']}/end", {"note": "stood down"})
    assert ended["duty"]["end"] is not None
    assert desk.get(people.tr1, ROSTER).json()["on_duty"]["zones"][NORTH_ZONE]["tr"] is None


def test_refusals_over_http_write_nothing(desk: Desk) -> None:
    people = desk.people
    desk.token(people.tr1)
    desk.token(people.ru_ao)
    desk.token(people.tr_ao)
    desk.token(people.tr_ao, "read")
    before = desk.log_size()
    bad = desk.prepare(people.tr_ao, ROSTER, {"post": "nowhere", "user": "tr-zone-1"})
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "post")
    typo = desk.prepare(people.tr_ao, ROSTER, {"post": NORTH_ZONE, "usr": "tr-zone-1"})
    assert typo.status_code == 422
    zone_officer = desk.prepare(people.tr1, ROSTER, {"post": NORTH_ZONE, "user": "tr-zone-1"})
    assert zone_officer.status_code == 403
    other_side = desk.prepare(
        people.ru_ao, ROSTER, {"post": NORTH_ZONE, "user": "tr-zone-1", "party": "tr"}
    )
    assert other_side.status_code == 403
    prepared = desk.prepare(people.tr_ao, ROSTER, {"post": NORTH_ZONE, "user": "tr-zone-1"})
    event = prepared.json()["event"]
    forged = desk.submit(people.tr_ao, ROSTER, event, signer=people.tr1)
    assert forged.status_code == 422
    changed = desk.submit(people.tr_ao, ROSTER, event | {"subject": "duty_other"})
    assert (changed.status_code, changed.json()["errors"][0]["field"]) == (422, "event")
    assert desk.submit(people.tr_ao, ROSTER, event).status_code == 201
    again = desk.prepare(people.tr_ao, ROSTER, {"post": NORTH_ZONE, "user": "tr-zone-2"})
    assert again.status_code == 409
    assert desk.get(people.tr_ao, f"{ROSTER}/duty_missing").status_code == 404
    naive = desk.get(people.tr_ao, ROSTER, at="2020-04-01T10:00:00")
    assert (naive.status_code, naive.json()["errors"][0]["field"]) == (422, "at")
    assert desk.log_size() == before + 1
    assert desk.client.get(ROSTER).status_code == 401
