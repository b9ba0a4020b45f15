"""The hotline routes: both sides send and acknowledge, client-signed; the server escalates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.incident_support import Clock, make_app
from tests.integration.test_roster_api import ROSTER, Desk, open_desk
from tests.integration.test_roster_service import NORTH_ZONE, staff
from truceline.entrypoints.api.app import create_app
from truceline.services.ledger import history

HOTLINE = "/api/agreements/idlib-m4/hotline"


@pytest.fixture
def desk(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[Desk]:
    with open_desk(database_url, tmp_path, example_pack) as opened:
        yield opened


def test_both_sides_send_and_acknowledge_over_http_with_response_times(desk: Desk) -> None:
    people = desk.people
    for officer in (people.tr_ao, people.ru_ao, people.tr1, people.ru1):
        desk.token(officer)
        desk.token(officer, "read")
    desk.write(people.tr_ao, ROSTER, {"post": NORTH_ZONE, "user": "tr-zone-1"})
    desk.write(people.ru_ao, ROSTER, {"post": NORTH_ZONE, "user": "ru-zone-1"})
    before = desk.log_size()

    prepared = desk.prepare(
        people.tr1, HOTLINE, {"subject": "Fire at km 24", "body": "Mortar rounds", "urgent": True}
    )
    assert prepared.status_code == 200, prepared.text
    event = prepared.json()["event"]
    assert event["name"] == "hotline.sent"
    assert event["data"]["to_user"] == people.ru1.actor.user_id
    assert event["data"]["zone"] == NORTH_ZONE
    assert desk.log_size() == before
    sent = desk.submit(people.tr1, HOTLINE, event)
    assert sent.status_code == 201, sent.text
    message = sent.json()["message"]
    assert (message["number"], message["from_party"], message["to_party"]) == (1, "tr", "ru")
    assert (message["state"], message["overdue"], message["response_min"]) == (
        "sent",
        False,
        None,
    )
    assert message["due_at"] == "2020-04-01T09:30:00Z"
    message_path = f"{HOTLINE}/{message['id']}"

    refused = desk.prepare(people.tr1, f"{message_path}/acknowledge", {})
    assert refused.status_code == 403
    desk.clock.advance(minutes=12)
    acked = desk.write(people.ru1, f"{message_path}/acknowledge", {"note": "checking"})
    assert acked["message"]["response_min"] == 12.0
    assert acked["message"]["acknowledged_by"] == people.ru1.actor.user_id
    assert [s["action"] for s in acked["steps"]] == ["sent", "acknowledged"]
    again = desk.prepare(people.ru_ao, f"{message_path}/acknowledge", {})
    assert again.status_code == 409

    desk.write(people.ru1, HOTLINE, {"subject": "Convoy passing km 30"})
    assert desk.log_size() == before + 3

    items = desk.get(people.tr_ao, HOTLINE).json()["items"]
    assert [m["number"] for m in items] == [2, 1]
    waiting = desk.get(people.tr_ao, HOTLINE, unacknowledged="true").json()["items"]
    assert [m["number"] for m in waiting] == [2]
    urgent = desk.get(people.tr_ao, HOTLINE, urgent="true").json()["items"]
    assert [m["number"] for m in urgent] == [1]
    bad = desk.get(people.tr_ao, HOTLINE, party="sy-gov")
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "party")

    stats = desk.get(people.tr_ao, f"{HOTLINE}/stats").json()
    assert stats["escalation_min"] == 30.0
    by_party = {s["party"]: s for s in stats["parties"]}
    assert (by_party["ru"]["received"], by_party["ru"]["median_response_min"]) == (1, 12.0)
    assert (by_party["tr"]["received"], by_party["tr"]["acknowledged"]) == (1, 0)
    shown = desk.get(people.ru1, message_path).json()
    assert shown["message"]["acknowledge_note"] == "checking"
    assert desk.get(people.ru1, f"{HOTLINE}/msg_missing").status_code == 404


def test_a_bad_message_over_http_names_its_field(desk: Desk) -> None:
    people = desk.people
    desk.token(people.tr1)
    desk.token(people.analyst)
    before = desk.log_size()
    empty = desk.prepare(people.tr1, HOTLINE, {"subject": "x", "to_party": "tr"})
    assert (empty.status_code, empty.json()["errors"][0]["field"]) == (422, "to_party")
    link = desk.prepare(people.tr1, HOTLINE, {"subject": "x", "incident_id": "inc_00"})
    assert (link.status_code, link.json()["errors"][0]["field"]) == (422, "incident_id")
    assert desk.prepare(people.analyst, HOTLINE, {"subject": "x"}).status_code == 403
    assert desk.log_size() == before


def test_the_server_escalates_overdue_urgent_messages_while_it_runs(
    database_url: str, tmp_path: Path, example_pack: Path
) -> None:
    clock = Clock()
    app = make_app(database_url, tmp_path, example_pack, clock)
    try:
        app.settings = app.settings.model_copy(update={"hotline_sweep_s": 0})
        with TestClient(create_app(app)) as client:
            desk = Desk(app, client, staff(app), clock)
            people = desk.people
            sent = desk.write(people.tr1, HOTLINE, {"subject": "Help at km 12", "urgent": True})
            clock.advance(minutes=31)
            listed = desk.get(people.tr_ao, HOTLINE).json()["items"]
            assert (listed[0]["overdue"], listed[0]["state"]) == (True, "sent")
        message_id = sent["message"]["id"]
        assert [e.event for e in history(app.uow(), message_id)] == ["hotline.sent"]

        app.settings = app.settings.model_copy(update={"hotline_sweep_s": 3600})
        with TestClient(create_app(app)):
            pass
        entries = history(app.uow(), message_id)
        assert [(e.event, e.actor) for e in entries] == [
            ("hotline.sent", people.tr1.actor.user_id),
            ("hotline.escalated", "operator"),
        ]
        with TestClient(create_app(app)) as client:
            desk = Desk(app, client, desk.people, clock)
            shown = desk.get(people.tr_ao, f"{HOTLINE}/{message_id}").json()["message"]
            assert shown["state"] == "escalated"
            assert shown["escalated_to"] == people.tr_ao.actor.user_id
    finally:
        app.close()
