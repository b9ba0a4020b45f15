"""The statement routes: two-key approval, each key on its officer's own machine.

The API must refuse every way around the two keys: approving a stale text,
publishing with one approval, approving for the other party, an
information-group member approving, a signature by another key.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.incident_support import Clock, Officer, add_officer, cast, make_app, report_data
from tests.integration.test_incidents_api import World, b64
from truceline.domain.accounts import Role
from truceline.entrypoints.api.app import create_app
from truceline.services import incidents
from truceline.services.ledger import event_json

BASE = "/api/agreements/idlib-m4/statements"
TEXT = {
    "title": "Joint statement on the shelling of Ariha",
    "body": "Both sides confirm the shelling of Ariha.\r\n\r\n- no patrol was hit\r\n",
    "provisions": ["moscow-1-ceasefire"],
}


class Desk(World):
    """The world of the incident tests, with the joint information group and its officers."""

    ig_tr: Officer
    ig_ru: Officer
    incident: str

    def draft(self, **text: Any) -> dict[str, Any]:
        return self.write(self.ig_tr, BASE, {**TEXT, "incidents": [self.incident], **text})

    def approve(self, officer: Officer, statement: dict[str, Any]) -> dict[str, Any]:
        path = f"{BASE}/{statement['id']}/approvals"
        command = {"version": statement["version"], "text_sha256": statement["text_sha256"]}
        return self.write(officer, path, command)

    def try_write(
        self, officer: Officer, path: str, command: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """Prepare and, when that succeeds, sign and submit: the first refusal's answer."""
        prepared = self.client.post(path, headers=self.token(officer), json={"prepare": command})
        if prepared.status_code != 200:
            return prepared.status_code, prepared.json()
        submitted = self.submit(officer, path, prepared.json()["event"])
        return submitted.status_code, submitted.json()

    def reason(self, answer: dict[str, Any]) -> str:
        return " ".join(f"{e['field']}: {e['reason']}" for e in answer["errors"])

    def read(self, statement_id: str) -> dict[str, Any]:
        response = self.client.get(f"{BASE}/{statement_id}", headers=self.token(self.ig_tr))
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found


@pytest.fixture
def desk(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[Desk]:
    app = make_app(database_url, tmp_path, example_pack, Clock())
    try:
        with TestClient(create_app(app)) as client:
            people = cast(app)
            world = Desk(app, client, people)
            world.ig_tr = add_officer(app, "tr-ig", Role.INFO_GROUP_MEMBER, "tr")
            world.ig_ru = add_officer(app, "ru-ig", Role.INFO_GROUP_MEMBER, "ru")
            reported = incidents.report_incident(
                app.uow(),
                people.tr.actor,
                people.tr.signing,
                app.enricher(),
                report_data(),
                app.now(),
            )
            world.incident = reported.record.incident.id
            yield world
    finally:
        app.close()


def test_drafted_approved_by_both_sides_and_published_each_signing_on_their_own_machine(
    desk: Desk,
) -> None:
    ao_tr, ao_ru = desk.people.tr_ao, desk.people.ru_ao
    drafted = desk.draft()
    assert drafted["state"] == "draft"
    assert drafted["body"] == "Both sides confirm the shelling of Ariha.\n\n- no patrol was hit"
    assert sorted(drafted["awaiting"]) == ["ru", "tr"]
    one = desk.approve(ao_tr, drafted)
    assert one["state"] == "partly_approved"
    assert one["approved_by"] == ["tr"]
    both = desk.approve(ao_ru, one)
    assert both["state"] == "approved"
    path = f"{BASE}/{drafted['id']}/publish"
    done = desk.write(desk.ig_ru, path, {})
    assert done["state"] == "published"
    assert done["publication"]["text_sha256"] == drafted["text_sha256"]
    approvals = done["approvals"]
    assert {(a["party"], a["signature_verified"]) for a in approvals} == {
        ("tr", True),
        ("ru", True),
    }
    assert {a["public_key"] for a in approvals} == {
        b64(ao_tr.signer.public_key),
        b64(ao_ru.signer.public_key),
    }
    assert [h["action"] for h in done["history"]] == [
        "drafted",
        "approved",
        "approved",
        "published",
    ]
    listed = desk.client.get(BASE, headers=desk.token(ao_tr, "read"), params={"state": "published"})
    assert [s["id"] for s in listed.json()["items"]] == [drafted["id"]]


def test_the_event_an_approver_signs_names_the_version_and_the_texts_digest(desk: Desk) -> None:
    drafted = desk.draft()
    path = f"{BASE}/{drafted['id']}/approvals"
    command = {"version": 1, "text_sha256": drafted["text_sha256"]}
    event = desk.prepare(desk.people.tr_ao, path, command)
    assert event["name"] == "statement.approved"
    assert event["party"] == "tr"
    assert event["data"] == {
        "statement": drafted["id"],
        "version": 1,
        "text_sha256": drafted["text_sha256"],
    }


def test_approving_a_stale_text_is_refused(desk: Desk) -> None:
    drafted = desk.draft()
    revised = desk.write(
        desk.ig_ru, f"{BASE}/{drafted['id']}/versions", {**TEXT, "title": "A sharper title"}
    )
    assert revised["version"] == 2
    desk.token(desk.people.tr_ao)  # each token is an entry of the log: made before counting
    before = desk.log_size()
    status, answer = desk.try_write(
        desk.people.tr_ao,
        f"{BASE}/{drafted['id']}/approvals",
        {"version": 1, "text_sha256": drafted["text_sha256"]},
    )
    assert status == 409
    assert "not the current version" in desk.reason(answer)
    status, answer = desk.try_write(
        desk.people.tr_ao,
        f"{BASE}/{drafted['id']}/approvals",
        {"version": 2, "text_sha256": drafted["text_sha256"]},
    )
    assert status == 409
    assert "is not the digest of version 2" in desk.reason(answer)
    assert desk.log_size() == before


def test_an_approval_prepared_before_a_change_is_refused_when_submitted_after_it(
    desk: Desk,
) -> None:
    drafted = desk.draft()
    path = f"{BASE}/{drafted['id']}/approvals"
    event = desk.prepare(
        desk.people.tr_ao, path, {"version": 1, "text_sha256": drafted["text_sha256"]}
    )
    desk.write(desk.ig_ru, f"{BASE}/{drafted['id']}/versions", {**TEXT, "body": "Changed."})
    submitted = desk.submit(desk.people.tr_ao, path, event)
    assert submitted.status_code == 409, submitted.text
    assert desk.read(drafted["id"])["approvals"] == []


def test_a_change_after_both_approvals_voids_them_and_publishing_is_refused(desk: Desk) -> None:
    approved = desk.approve(desk.people.ru_ao, desk.approve(desk.people.tr_ao, desk.draft()))
    sid = approved["id"]
    revised = desk.write(desk.ig_tr, f"{BASE}/{sid}/versions", {**TEXT, "body": "Revised."})
    assert revised["state"] == "draft"
    assert [a["void"] for a in revised["approvals"]] == [True, True]
    status, answer = desk.try_write(desk.ig_tr, f"{BASE}/{sid}/publish", {})
    assert status == 409
    assert "awaits the approval" in desk.reason(answer)


def test_publishing_with_one_approval_is_refused(desk: Desk) -> None:
    one = desk.approve(desk.people.tr_ao, desk.draft())
    before = desk.log_size()
    status, answer = desk.try_write(desk.ig_tr, f"{BASE}/{one['id']}/publish", {})
    assert status == 409
    assert "still awaits the approval of ru" in desk.reason(answer)
    assert desk.log_size() == before
    assert desk.read(one["id"])["state"] == "partly_approved"


def test_approving_for_the_other_party_is_refused_every_way(desk: Desk) -> None:
    drafted = desk.draft()
    path = f"{BASE}/{drafted['id']}/approvals"
    command = {"version": 1, "text_sha256": drafted["text_sha256"]}
    tr_ao, ru_ao = desk.people.tr_ao, desk.people.ru_ao
    # No command names a party.
    status, _ = desk.try_write(tr_ao, path, {**command, "party": "ru"})
    assert status == 422
    # Turkey's officer signs an event saying it is Russia's approval: not what the server builds.
    event = desk.prepare(tr_ao, path, command)
    forged = desk.submit(tr_ao, path, {**event, "party": "ru"})
    assert forged.status_code == 422, forged.text
    # ... or one whose actor is Russia's officer.
    event_ru = desk.prepare(ru_ao, path, command)
    as_other = desk.submit(tr_ao, path, event_ru)
    assert as_other.status_code == 422, as_other.text
    # Russia's token with Turkey's officer's signature: the key is not the actor's.
    stolen = desk.client.post(
        path,
        headers=desk.token(ru_ao),
        json={
            "event": event_ru,
            "public_key": b64(tr_ao.signer.public_key),
            "signature": b64(tr_ao.signer.sign(event_json(event_ru))),
        },
    )
    assert stolen.status_code == 422, stolen.text
    assert "public_key" in stolen.text
    assert desk.read(drafted["id"])["approvals"] == []


def test_an_information_group_member_cannot_approve(desk: Desk) -> None:
    drafted = desk.draft()
    path = f"{BASE}/{drafted['id']}/approvals"
    command = {"version": 1, "text_sha256": drafted["text_sha256"]}
    for member in (desk.ig_tr, desk.ig_ru):
        status, answer = desk.try_write(member, path, command)
        assert status == 403
        assert "approve_statement" in desk.reason(answer)
    for other in (desk.people.tr, desk.people.monitor, desk.people.analyst):
        status, _ = desk.try_write(other, path, command)
        assert status == 403


def test_an_officer_cannot_draft_or_publish(desk: Desk) -> None:
    status, _ = desk.try_write(desk.people.tr_ao, BASE, TEXT)
    assert status == 403
    approved = desk.approve(desk.people.ru_ao, desk.approve(desk.people.tr_ao, desk.draft()))
    status, _ = desk.try_write(desk.people.tr_ao, f"{BASE}/{approved['id']}/publish", {})
    assert status == 403


def test_a_published_statement_cannot_change_through_the_api(desk: Desk) -> None:
    approved = desk.approve(desk.people.ru_ao, desk.approve(desk.people.tr_ao, desk.draft()))
    sid = approved["id"]
    desk.write(desk.ig_tr, f"{BASE}/{sid}/publish", {})
    desk.token(desk.ig_ru)
    before = desk.log_size()
    status, answer = desk.try_write(desk.ig_tr, f"{BASE}/{sid}/versions", {**TEXT, "body": "x"})
    assert status == 409
    assert "published" in desk.reason(answer)
    command = {"version": 1, "text_sha256": approved["text_sha256"]}
    status, _ = desk.try_write(desk.people.tr_ao, f"{BASE}/{sid}/approvals", command)
    assert status == 409
    status, _ = desk.try_write(desk.ig_ru, f"{BASE}/{sid}/publish", {})
    assert status == 409
    assert desk.log_size() == before


def test_a_party_records_its_claim_which_is_public_at_once(desk: Desk) -> None:
    claim = desk.write(
        desk.people.ru_ao,
        f"{BASE}/claims",
        {"title": "Russia's account", "body": "Fire came from the north.", "incidents": []},
    )
    assert claim["kind"] == "unilateral"
    assert claim["party"] == "ru"
    assert claim["state"] == "published"
    status, _ = desk.try_write(desk.people.tr, f"{BASE}/claims", {"title": "t", "body": "b"})
    assert status == 403


def test_bad_input_is_refused_naming_the_field(desk: Desk) -> None:
    status, answer = desk.try_write(desk.ig_tr, BASE, {**TEXT, "title": ""})
    assert status == 422
    assert answer["errors"][0]["field"] == "title"
    status, answer = desk.try_write(desk.ig_tr, BASE, {**TEXT, "incidents": ["inc_nothere"]})
    assert status == 422
    assert answer["errors"][0]["field"] == "incidents[0]"
    drafted = desk.draft()
    status, answer = desk.try_write(
        desk.people.tr_ao,
        f"{BASE}/{drafted['id']}/approvals",
        {"version": 1, "text_sha256": "Z" * 64},
    )
    assert status == 422
    assert answer["errors"][0]["field"] == "text_sha256"


def test_reading_statements_needs_a_token(desk: Desk) -> None:
    drafted = desk.draft()
    assert desk.client.get(BASE).status_code == 401
    assert desk.client.get(f"{BASE}/{drafted['id']}").status_code == 401
    missing = desk.client.get(f"{BASE}/stm_nothere", headers=desk.token(desk.ig_tr))
    assert missing.status_code == 404
