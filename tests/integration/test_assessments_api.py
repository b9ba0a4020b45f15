"""The assessment routes: the suggestion with its evidence, a proposal and each officer's view
signed on their own machine, the list, and each provision's timeline as JSON and as SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.incident_support import Clock, Officer, add_officer, cast, make_app
from tests.integration.test_assessments_service import (
    CEASEFIRE,
    PATROLS,
    Evidence,
    People,
    record_week_12,
)
from tests.integration.test_incidents_api import World
from tests.patrol_support import plan_data
from truceline.domain.accounts import Role
from truceline.entrypoints.api.app import create_app
from truceline.services import patrols

BASE = "/api/agreements/idlib-m4/assessments"
TIMELINE = "/api/agreements/idlib-m4/provisions/{}/timeline"


class Room(World):
    """The incident tests' world with both information groups and the week's evidence."""

    ig_tr: Officer
    ig_ru: Officer
    evidence: Evidence

    def errors(self, response: Any) -> list[tuple[str, str]]:
        return [(e["field"], e["reason"]) for e in response.json()["errors"]]

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, headers=self.token(self.ig_tr, "read"), params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def propose(self, officer: Officer | None = None, **command: Any) -> dict[str, Any]:
        body = {"provision": PATROLS, "period": "2020-W12", **command}
        return self.write(officer or self.ig_tr, BASE, body)

    def respond(self, officer: Officer, assessment: dict[str, Any], **command: Any) -> Any:
        path = f"{BASE}/{assessment['id']}/responses"
        return self.write(officer, path, command)


@pytest.fixture
def room(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[Room]:
    clock = Clock(datetime(2020, 3, 14, 12, 0, tzinfo=UTC))
    app = make_app(database_url, tmp_path, example_pack, clock)
    try:
        with TestClient(create_app(app)) as client:
            people = cast(app)
            world = Room(app, client, people)
            world.ig_tr = add_officer(app, "tr-ig", Role.INFO_GROUP_MEMBER, "tr")
            world.ig_ru = add_officer(app, "ru-ig", Role.INFO_GROUP_MEMBER, "ru")
            world.evidence = record_week_12(app, People(people, world.ig_tr, world.ig_ru), clock)
            yield world
    finally:
        app.close()


def test_the_suggestion_lists_the_evidence_it_counted(room: Room) -> None:
    found = room.get(f"{BASE}/suggest", provision=PATROLS, period="week", date="2020-03-18")
    assert found["period"] == {
        "label": "2020-W12",
        "kind": "week",
        "first_day": "2020-03-16",
        "last_day": "2020-03-22",
    }
    assert (found["score"], found["score_name"], found["measure"]) == (2, "intermediate", 0.75)
    assert found["rule"] == "patrol_completion"
    assert [e["kind"] for e in found["evidence"]] == ["patrol"] * 4
    ceasefire = room.get(f"{BASE}/suggest", provision=CEASEFIRE, period="month", date="2020-03-18")
    assert ceasefire["period"]["label"] == "2020-03"
    counted = [e["id"] for e in ceasefire["evidence"] if e["counts"]]
    assert counted == room.evidence.violations


def test_proposed_then_confirmed_by_one_officer_and_disputed_by_the_other(room: Room) -> None:
    event = room.prepare(room.ig_tr, BASE, {"provision": PATROLS, "period": "2020-W12"})
    assert event["name"] == "assessment.proposed"
    assert event["data"]["score"] == 2
    assert event["data"]["suggestion"]["explanation"].startswith("3 of 4 planned patrols")
    response = room.submit(room.ig_tr, BASE, event)
    assert response.status_code == 201, response.text
    proposed = response.json()
    assert (proposed["state"], proposed["version"], proposed["awaiting"]) == (
        "suggested",
        1,
        ["ru", "tr"],
    )
    once = room.respond(room.people.tr_ao, proposed, stance="confirms")
    assert once["state"] == "confirmed_by_one"
    both = room.respond(
        room.people.ru_ao, proposed, stance="disagrees", reason="the aborted one counts", score=1
    )
    assert both["state"] == "disputed"
    assert [(v["party"], v["stance"], v["score"]) for v in both["views"]] == [
        ("tr", "confirms", None),
        ("ru", "disagrees", 1),
    ]
    assert [h["action"] for h in both["history"]] == ["proposed", "confirmed", "disputed"]
    assert all(v["ledger_seq"] is not None for v in both["views"])
    whole = room.get(f"{BASE}/{proposed['id']}")
    assert whole["suggestion"]["evidence"] == proposed["suggestion"]["evidence"]


def test_a_disagreement_without_a_reason_is_refused_naming_the_field(room: Room) -> None:
    proposed = room.propose()
    path = f"{BASE}/{proposed['id']}/responses"
    response = room.client.post(
        path,
        headers=room.token(room.people.ru_ao),
        json={"prepare": {"stance": "disagrees", "score": 1}},
    )
    assert response.status_code == 422
    assert room.errors(response)[0][0] == "reason"


def test_a_zone_officer_may_not_propose_nor_an_information_group_member_respond(
    room: Room,
) -> None:
    for officer in (room.people.tr, room.ig_tr, room.ig_ru):
        room.token(officer)  # each token is an entry of its own: made before counting
    before = room.log_size()
    body = {"prepare": {"provision": PATROLS, "period": "2020-W12"}}
    response = room.client.post(BASE, headers=room.token(room.people.tr), json=body)
    assert response.status_code == 403
    proposed = room.propose()
    path = f"{BASE}/{proposed['id']}/responses"
    refused = room.client.post(
        path, headers=room.token(room.ig_ru), json={"prepare": {"stance": "confirms"}}
    )
    assert refused.status_code == 403
    assert room.log_size() == before + 1


def test_a_signed_proposal_whose_evidence_changed_since_it_was_prepared_is_refused(
    room: Room,
) -> None:
    event = room.prepare(room.ig_tr, BASE, {"provision": PATROLS, "period": "2020-W12"})
    clock = room.app.now
    assert isinstance(clock, Clock)
    tr = room.people.tr
    agreement = room.app.geography().agreement
    data = plan_data(day="2020-03-22")  # a fifth patrol planned in week 12, notice given now
    patrols.plan_patrol(room.app.uow(), tr.actor, tr.signing, agreement, data, clock())
    clock.advance(minutes=10)
    response = room.submit(room.ig_tr, BASE, event)
    assert response.status_code == 422
    assert room.errors(response)[0] == (
        "suggestion",
        "the evidence changed since this was prepared: prepare it again",
    )


def test_the_list_filters_by_provision_period_kind_dates_and_state(room: Room) -> None:
    weekly = room.propose()
    monthly = room.propose(room.people.monitor, provision=CEASEFIRE, period="2020-03")
    room.respond(room.people.tr_ao, monthly, stance="confirms")
    room.respond(room.people.ru_ao, monthly, stance="confirms")

    def ids(**params: Any) -> list[str]:
        return [a["id"] for a in room.get(BASE, **params)["items"]]

    assert ids() == [weekly["id"], monthly["id"]]
    assert ids(provision=CEASEFIRE) == [monthly["id"]]
    assert ids(period="week") == [weekly["id"]]
    assert ids(state="confirmed_by_both") == [monthly["id"]]
    assert ids(date_from="2020-03-10") == [weekly["id"]]
    assert ids(date_to="2020-03-10") == [monthly["id"]]
    response = room.client.get(BASE)
    assert response.status_code == 401


def test_the_timeline_is_given_as_json_and_as_an_svg_chart(room: Room) -> None:
    proposed = room.propose()
    room.respond(room.people.ru_ao, proposed, stance="disagrees", reason="too high", score=1)
    path = TIMELINE.format(PATROLS)
    found = room.get(path, period="week", date_from="2020-03-09", date_to="2020-03-29")
    assert [p["period"]["label"] for p in found["points"]] == ["2020-W11", "2020-W12", "2020-W13"]
    assert [p["score"] for p in found["points"]] == [None, 2, None]
    assert found["points"][1]["state"] == "disputed"
    assert found["points"][1]["disagreements"] == {"ru": 1}
    assert len(room.get(path)["points"]) == 12
    response = room.client.get(
        f"{path}.svg",
        headers=room.token(room.ig_tr, "read"),
        params={"date_from": "2020-03-09", "date_to": "2020-03-29"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.text)
    ids = [str(e.get("id")) for e in root.iter() if str(e.get("id", "")).startswith("point-")]
    assert ids == ["point-2020-W12"]


def test_an_unknown_provision_is_named(room: Room) -> None:
    response = room.client.get(TIMELINE.format("nothing"), headers=room.token(room.ig_tr, "read"))
    assert response.status_code == 404
    response = room.client.get(
        f"{BASE}/suggest", headers=room.token(room.ig_tr, "read"), params={"provision": "nothing"}
    )
    assert response.status_code == 422
    assert room.errors(response)[0][0] == "provision"
    response = room.client.get(f"{BASE}/asm_missing", headers=room.token(room.ig_tr, "read"))
    assert response.status_code == 404
