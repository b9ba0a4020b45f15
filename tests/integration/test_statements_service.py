"""Statements through the services, on SQLite and PostgreSQL: the two-key state machine."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.incident_support import Clock, Officer, add_officer, make_app, report_data
from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App
from truceline.domain.accounts import MONITOR_PARTY, Role
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.ledger import parse_leaf
from truceline.domain.statements import Statement, StatementKind, StatementState
from truceline.services import incidents, ledger, statement_claims, statements
from truceline.services.authorship import PrepareOnly, ServerSigned
from truceline.services.statement_queries import (
    claims_for_incident,
    in_progress,
    list_statements,
    on_incident,
    public_statement,
    published,
    statement_view,
)


@dataclass
class Team:
    app: App
    ig_tr: Officer
    ig_ru: Officer
    ao_tr: Officer
    ao_ru: Officer
    zone_tr: Officer
    analyst: Officer
    incident: str

    @property
    def agreement(self) -> Any:
        return self.app.geography().agreement

    def draft(self, officer: Officer | None = None, **text: Any) -> Statement:
        data = {
            "title": "Joint statement on the shelling of Ariha",
            "body": "Both sides confirm the shelling of Ariha on **20 March**.",
            "incidents": [self.incident],
            "provisions": ["moscow-1-ceasefire"],
            **text,
        }
        who = officer or self.ig_tr
        return statements.draft_statement(
            self.app.uow(), who.actor, who.signing, self.agreement, data, self.app.now()
        )

    def approve(self, officer: Officer, statement: Statement, **data: Any) -> Statement:
        current = statement.current
        command = {"version": current.number, "text_sha256": current.sha256, **data}
        return statements.approve_statement(
            self.app.uow(),
            officer.actor,
            officer.signing,
            self.agreement,
            statement.id,
            command,
            self.app.now(),
        )

    def revise(self, officer: Officer, statement: Statement, **data: Any) -> Statement:
        text = statement.text
        command = {
            "title": text.title,
            "body": text.body,
            "incidents": list(text.incidents),
            "provisions": list(text.provisions),
            **data,
        }
        return statements.revise_statement(
            self.app.uow(),
            officer.actor,
            officer.signing,
            self.agreement,
            statement.id,
            command,
            self.app.now(),
        )

    def publish(self, officer: Officer, statement: Statement, **data: Any) -> Statement:
        return statements.publish_statement(
            self.app.uow(),
            officer.actor,
            officer.signing,
            self.agreement,
            statement.id,
            data,
            self.app.now(),
        )

    def claim(self, officer: Officer, **text: Any) -> Statement:
        data = {
            "title": "Our account of Ariha",
            "body": "The shelling came from the south.",
            "incidents": [self.incident],
            **text,
        }
        return statement_claims.record_claim(
            self.app.uow(), officer.actor, officer.signing, self.agreement, data, self.app.now()
        )

    def log_size(self) -> int:
        return ledger.entries_page(self.app.uow(), 0, 1).size


@pytest.fixture
def team(database_url: str, tmp_path: Path, example_pack: Path) -> Iterator[Team]:
    app = make_app(database_url, tmp_path, example_pack, Clock())
    try:
        zone_tr = add_officer(app, "tr-zone", Role.ZONE_OFFICER, "tr")
        reported = incidents.report_incident(
            app.uow(), zone_tr.actor, zone_tr.signing, app.enricher(), report_data(), app.now()
        )
        yield Team(
            app=app,
            ig_tr=add_officer(app, "tr-ig", Role.INFO_GROUP_MEMBER, "tr"),
            ig_ru=add_officer(app, "ru-ig", Role.INFO_GROUP_MEMBER, "ru"),
            ao_tr=add_officer(app, "tr-ao", Role.AUTHORIZED_OFFICER, "tr"),
            ao_ru=add_officer(app, "ru-ao", Role.AUTHORIZED_OFFICER, "ru"),
            zone_tr=zone_tr,
            analyst=add_officer(app, "analyst", Role.ANALYST, MONITOR_PARTY),
            incident=reported.record.incident.id,
        )
    finally:
        app.close()


def test_draft_both_approvals_and_publication_through_the_services(team: Team) -> None:
    statement = team.draft()
    assert statement.state is StatementState.DRAFT
    assert statement.number == 1
    one = team.approve(team.ao_tr, statement)
    assert one.state is StatementState.PARTLY_APPROVED
    with pytest.raises(ConflictError, match="awaits the approval of ru"):
        team.publish(team.ig_tr, one)
    both = team.approve(team.ao_ru, one)
    assert both.state is StatementState.APPROVED
    done = team.publish(team.ig_ru, both)
    assert done.state is StatementState.PUBLISHED
    assert public_statement(team.app.uow(), "idlib-m4", done.id) == done
    assert [s.id for s in published(team.app.uow(), "idlib-m4")] == [done.id]
    assert in_progress(team.app.uow(), "idlib-m4") == []


def test_each_approval_keeps_the_officers_signature_of_the_text_digest(team: Team) -> None:
    statement = team.approve(team.ao_tr, team.draft())
    [approval] = statement.approvals
    assert approval.seal is not None
    entry, _ = ledger.get_entry(team.app.uow(), approval.seal.ledger_seq)
    leaf = parse_leaf(entry.leaf)
    assert leaf.public_key == team.ao_tr.signer.public_key
    assert leaf.body["name"] == "statement.approved"
    assert leaf.body["data"] == {
        "statement": statement.id,
        "version": 1,
        "text_sha256": statement.current.sha256,
    }
    view = statement_view(team.app.uow(), "idlib-m4", statement.id)
    assert view.verified == (True,)
    assert [s.action for s in view.steps] == ["drafted", "approved"]
    assert all(s.ledger_seq is not None for s in view.steps)


def test_a_change_after_an_approval_voids_it_and_the_new_text_needs_both_again(
    team: Team,
) -> None:
    approved = team.approve(team.ao_ru, team.approve(team.ao_tr, team.draft()))
    revised = team.revise(team.ig_ru, approved, body="Both sides confirm it, with regret.")
    assert revised.state is StatementState.DRAFT
    assert revised.current.number == 2
    assert [a.voided_by for a in revised.approvals] == [2, 2]
    with pytest.raises(ConflictError):
        team.publish(team.ig_tr, revised)
    # An approval naming the old text is refused: the officer must read the new one.
    with pytest.raises(ConflictError, match="not the current version"):
        team.approve(team.ao_tr, revised, version=1, text_sha256=approved.current.sha256)
    again = team.approve(team.ao_ru, team.approve(team.ao_tr, revised))
    assert team.publish(team.ig_tr, again).state is StatementState.PUBLISHED


def test_a_published_statement_cannot_change_through_the_services(team: Team) -> None:
    done = team.publish(
        team.ig_tr, team.approve(team.ao_ru, team.approve(team.ao_tr, team.draft()))
    )
    before = team.log_size()
    with pytest.raises(ConflictError, match="published"):
        team.revise(team.ig_tr, done, title="A new title")
    with pytest.raises(ConflictError, match="published"):
        team.approve(team.ao_tr, done)
    with pytest.raises(ConflictError, match="published"):
        team.publish(team.ig_ru, done)
    assert team.log_size() == before
    assert public_statement(team.app.uow(), "idlib-m4", done.id) == done


def test_only_each_partys_authorized_officer_approves_and_only_for_its_party(team: Team) -> None:
    statement = team.draft()
    for who in (team.ig_tr, team.ig_ru, team.zone_tr, team.analyst):
        with pytest.raises(PermissionDenied):
            team.approve(who, statement)
    with pytest.raises(InputError, match="not a known field"):
        team.approve(team.ao_tr, statement, party="ru")
    assert team.approve(team.ao_tr, statement).approved_by == ("tr",)


def test_only_information_group_members_draft_revise_and_publish(team: Team) -> None:
    for who in (team.ao_tr, team.zone_tr, team.analyst):
        with pytest.raises(PermissionDenied):
            team.draft(who)
    statement = team.draft()
    with pytest.raises(PermissionDenied):
        team.revise(team.ao_tr, statement, title="Changed by an officer")
    approved = team.approve(team.ao_ru, team.approve(team.ao_tr, statement))
    with pytest.raises(PermissionDenied):
        team.publish(team.ao_tr, approved)


def test_a_statement_must_name_incidents_and_provisions_of_the_agreement(team: Team) -> None:
    with pytest.raises(InputError) as refused:
        team.draft(incidents=["inc_doesnotexist"])
    assert refused.value.field == "incidents[0]"
    with pytest.raises(InputError) as refused:
        team.draft(provisions=["no-such-provision"])
    assert refused.value.field == "provisions[0]"


def test_a_key_that_is_not_the_approvers_cannot_sign_the_approval(team: Team) -> None:
    statement = team.draft()
    forged = ServerSigned(Ed25519Signer.generate())
    current = statement.current
    with pytest.raises(InputError) as refused:
        statements.approve_statement(
            team.app.uow(),
            team.ao_tr.actor,
            forged,
            team.agreement,
            statement.id,
            {"version": 1, "text_sha256": current.sha256},
            team.app.now(),
        )
    assert refused.value.field == "public_key"
    assert statement_view(team.app.uow(), "idlib-m4", statement.id).statement.approvals == ()


def test_preparing_an_approval_writes_nothing(team: Team) -> None:
    statement = team.draft()
    before = team.log_size()
    prepare = PrepareOnly()
    current = statement.current
    statements.approve_statement(
        team.app.uow(),
        team.ao_tr.actor,
        prepare,
        team.agreement,
        statement.id,
        {"version": 1, "text_sha256": current.sha256},
        team.app.now(),
    )
    assert prepare.prepared is not None
    assert prepare.prepared.data["text_sha256"] == current.sha256
    assert team.log_size() == before
    stored = statement_view(team.app.uow(), "idlib-m4", statement.id).statement
    assert stored.state is StatementState.DRAFT


def test_a_claim_is_public_at_once_and_shown_on_the_incidents_it_mentions(team: Team) -> None:
    joint = team.publish(
        team.ig_tr, team.approve(team.ao_ru, team.approve(team.ao_tr, team.draft()))
    )
    russian = team.claim(team.ao_ru)
    turkish = team.claim(team.ig_tr, title="Turkey's account", body="Shelled from the north.")
    assert russian.kind is StatementKind.UNILATERAL
    assert russian.party == "ru"
    assert russian.state is StatementState.PUBLISHED
    assert (russian.number, turkish.number) == (2, 3)
    said = on_incident(team.app.uow(), "idlib-m4", team.incident)
    assert [s.id for s in said.joint] == [joint.id]
    assert {s.id for s in said.claims} == {russian.id, turkish.id}
    claims = claims_for_incident(team.app.uow(), "idlib-m4", team.incident)
    assert {c.party for c in claims} == {"ru", "tr"}
    kinds = list_statements(team.app.uow(), "idlib-m4", kind=StatementKind.UNILATERAL)
    assert {s.id for s in kinds} == {russian.id, turkish.id}


def test_a_claim_is_recorded_only_for_ones_own_party_and_never_changes(team: Team) -> None:
    with pytest.raises(PermissionDenied, match="for 'tr' only"):
        team.claim(team.ao_tr, party="ru")
    for who in (team.zone_tr, team.analyst):
        with pytest.raises(PermissionDenied):
            team.claim(who)
    made = team.claim(team.ao_tr)
    with pytest.raises(ConflictError, match="claim is never changed"):
        team.revise(team.ig_tr, made, title="Changed")
    with pytest.raises(ConflictError, match="claim"):
        team.approve(team.ao_ru, made)


def test_drafts_are_not_public(team: Team) -> None:
    statement = team.approve(team.ao_tr, team.draft())
    with pytest.raises(NotFoundError):
        public_statement(team.app.uow(), "idlib-m4", statement.id)
    assert [s.id for s in in_progress(team.app.uow(), "idlib-m4")] == [statement.id]
    assert published(team.app.uow(), "idlib-m4") == []


def test_two_drafts_get_numbers_in_sequence_and_ids_are_never_reused(team: Team) -> None:
    first = team.draft(id="stm_fixed")
    second = team.draft(title="Another")
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ConflictError, match="already exists"):
        team.draft(id="stm_fixed")
