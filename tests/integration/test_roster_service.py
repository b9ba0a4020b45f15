"""The roster services on a real database: assign, hand over, end, and who is on duty when."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.incident_support import Clock, Officer, add_officer, make_app
from truceline.bootstrap import App
from truceline.domain.accounts import MONITOR_PARTY, Actor, Role
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.events import OPERATOR
from truceline.domain.roster import AUTHORIZED
from truceline.services import accounts, roster
from truceline.services.authorship import PrepareOnly, ServerSigned
from truceline.services.field_store import FieldFilter, FieldKind
from truceline.services.ledger import entries_page, history

NORTH_ZONE, SOUTH_ZONE = "corridor-north", "corridor-south"


@dataclass
class Staff:
    """Officers of both sides, an analyst and an administrator, each with their own key."""

    tr1: Officer
    tr2: Officer
    ru1: Officer
    tr_ao: Officer
    ru_ao: Officer
    analyst: Officer
    admin: Officer


def staff(app: App) -> Staff:
    return Staff(
        tr1=add_officer(app, "tr-zone-1", Role.ZONE_OFFICER, "tr"),
        tr2=add_officer(app, "tr-zone-2", Role.ZONE_OFFICER, "tr"),
        ru1=add_officer(app, "ru-zone-1", Role.ZONE_OFFICER, "ru"),
        tr_ao=add_officer(app, "tr-ao", Role.AUTHORIZED_OFFICER, "tr"),
        ru_ao=add_officer(app, "ru-ao", Role.AUTHORIZED_OFFICER, "ru"),
        analyst=add_officer(app, "analyst", Role.ANALYST, MONITOR_PARTY),
        admin=add_officer(app, "admin", Role.ADMINISTRATOR, None),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(database_url: str, tmp_path: Path, example_pack: Path, clock: Clock) -> Iterator[App]:
    application = make_app(database_url, tmp_path, example_pack, clock)
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def people(app: App) -> Staff:
    return staff(app)


def assign(app: App, officer: Officer, **data: Any) -> roster.DutyChange:
    return roster.assign_duty(
        app.uow(),
        officer.actor,
        officer.signing,
        app.geography().agreement,
        data,
        app.now(),
        now=app.now,
    )


def end(app: App, officer: Officer, duty_id: str, **data: Any) -> roster.DutyChange:
    return roster.finish_duty(
        app.uow(),
        officer.actor,
        officer.signing,
        app.geography().agreement,
        duty_id,
        data,
        app.now(),
        now=app.now,
    )


def log_size(app: App) -> int:
    return entries_page(app.uow(), 0, 1).size


def duty_count(app: App) -> int:
    with app.uow() as uow:
        return len(uow.field.find(FieldFilter("idlib-m4", FieldKind.DUTY)))


def test_an_authorized_officer_puts_officers_on_duty_and_each_start_is_logged(
    app: App, people: Staff
) -> None:
    before = log_size(app)
    north = assign(app, people.tr_ao, post=NORTH_ZONE, user="tr-zone-1", note="day shift")
    own = assign(app, people.tr_ao, post=AUTHORIZED, user=people.tr_ao.actor.user_id)
    assert log_size(app) == before + 2
    assert north.duty.user_id == people.tr1.actor.user_id
    assert (north.duty.party, north.duty.start, north.duty.end) == ("tr", app.now(), None)
    assert north.event.name == "duty.started"
    assert north.event.data == {
        "id": north.duty.id,
        "party": "tr",
        "post": NORTH_ZONE,
        "user": people.tr1.actor.user_id,
        "start": app.now().isoformat(),
        "handover": False,
        "from": None,
        "note": "day shift",
    }
    [entry] = list(history(app.uow(), north.duty.id))
    assert (entry.event, entry.actor, entry.party) == (
        "duty.started",
        people.tr_ao.actor.user_id,
        "tr",
    )
    view = roster.roster_view(app.uow(), app.geography().agreement, app.now())
    assert view.on_duty.zones[NORTH_ZONE] == {"tr": north.duty, "ru": None}
    assert view.on_duty.authorized["tr"] == own.duty
    steps = roster.duty_view(app.uow(), app.geography().agreement, north.duty.id).steps
    assert [(s.action, s.ledger_seq) for s in steps] == [("started", before)]


def test_a_handover_ends_one_period_as_the_next_begins_in_one_entry(
    app: App, people: Staff, clock: Clock
) -> None:
    first = assign(app, people.tr_ao, post=NORTH_ZONE, user="tr-zone-1")
    clock.advance(hours=8)
    before = log_size(app)
    handed = assign(app, people.tr1, post=NORTH_ZONE, user="tr-zone-2", handover=True)
    assert log_size(app) == before + 1
    assert handed.event.name == "duty.handed_over"
    assert handed.event.data["from"] == first.duty.id
    assert handed.ended is not None
    assert handed.ended.end == handed.duty.start == clock.now
    assert handed.ended.handed_over_to == handed.duty.id
    view = roster.roster_view(app.uow(), app.geography().agreement, clock.now)
    assert view.on_duty.zones[NORTH_ZONE]["tr"] == handed.duty
    earlier = roster.roster_view(
        app.uow(), app.geography().agreement, clock.now - timedelta(hours=1)
    )
    assert earlier.on_duty.zones[NORTH_ZONE]["tr"] == handed.ended
    assert [p.id for p in view.periods] == [handed.duty.id, first.duty.id]
    steps = roster.duty_view(app.uow(), app.geography().agreement, first.duty.id).steps
    assert [s.action for s in steps] == ["started", "handed_over"]
    assert steps[1].ledger_seq == before


def test_a_second_officer_at_an_occupied_post_is_refused_and_nothing_is_written(
    app: App, people: Staff
) -> None:
    assign(app, people.tr_ao, post=NORTH_ZONE, user="tr-zone-1")
    before, records = log_size(app), duty_count(app)
    with pytest.raises(ConflictError, match="hand the post over"):
        assign(app, people.tr_ao, post=NORTH_ZONE, user="tr-zone-2")
    with pytest.raises(InputError) as nobody:
        assign(app, people.tr_ao, post=SOUTH_ZONE, user="tr-zone-2", handover=True)
    assert nobody.value.field == "handover"
    assert (log_size(app), duty_count(app)) == (before, records)
    assign(app, people.tr_ao, post=SOUTH_ZONE, user="tr-zone-2")
    assign(app, people.ru_ao, post=NORTH_ZONE, user="ru-zone-1")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"post": "nowhere", "user": "tr-zone-1"}, "post"),
        ({"post": NORTH_ZONE, "user": "nobody"}, "user"),
        ({"post": NORTH_ZONE, "user": "ru-zone-1"}, "user"),
        ({"post": NORTH_ZONE, "user": "tr-ao"}, "user"),
        ({"post": AUTHORIZED, "user": "tr-zone-1"}, "user"),
        ({"post": NORTH_ZONE, "user": "tr-zone-1", "start": "2020-04-01T10:00:00Z"}, "start"),
        ({"post": NORTH_ZONE, "user": "tr-zone-1", "start": "yesterday"}, "start"),
        ({"post": NORTH_ZONE, "user": "tr-zone-1", "shift": "day"}, "shift"),
    ],
)
def test_a_bad_assignment_names_its_field_and_writes_nothing(
    app: App, people: Staff, data: dict[str, Any], field: str
) -> None:
    before = log_size(app)
    with pytest.raises(InputError) as refused:
        assign(app, people.tr_ao, **data)
    assert refused.value.field == field
    assert (log_size(app), duty_count(app)) == (before, 0)


def test_only_the_partys_authorized_officer_an_administrator_or_the_holder_may_change_it(
    app: App, people: Staff, clock: Clock
) -> None:
    with pytest.raises(PermissionDenied):
        assign(app, people.tr1, post=NORTH_ZONE, user="tr-zone-1")
    with pytest.raises(PermissionDenied):
        assign(app, people.ru_ao, post=NORTH_ZONE, user="tr-zone-1", party="tr")
    with pytest.raises(PermissionDenied):
        assign(app, people.analyst, post=NORTH_ZONE, user="tr-zone-1", party="tr")
    first = assign(app, people.admin, post=NORTH_ZONE, user="tr-zone-1", party="tr")
    assert first.event.actor == people.admin.actor.user_id
    with pytest.raises(PermissionDenied):
        assign(app, people.tr2, post=NORTH_ZONE, user="tr-zone-2", handover=True)
    with pytest.raises(PermissionDenied):
        end(app, people.tr2, first.duty.id)
    with pytest.raises(PermissionDenied):
        end(app, people.ru_ao, first.duty.id)
    operator = Officer(Actor.operator(), app.log.signer)
    clock.advance(hours=1)
    ended = end(app, operator, first.duty.id, note="zone handed to the other post")
    assert ended.event.actor == OPERATOR
    assert ended.duty.end == app.now()


def test_ending_a_period_is_logged_once_and_the_zone_is_empty_afterwards(
    app: App, people: Staff, clock: Clock
) -> None:
    first = assign(app, people.tr_ao, post=NORTH_ZONE, user="tr-zone-1")
    clock.advance(hours=3)
    with pytest.raises(InputError) as future:
        end(app, people.tr1, first.duty.id, end=(clock.now + timedelta(hours=1)).isoformat())
    assert future.value.field == "end"
    done = end(app, people.tr1, first.duty.id, end=(clock.now - timedelta(hours=1)).isoformat())
    assert done.event.name == "duty.ended"
    assert done.duty.end == clock.now - timedelta(hours=1)
    before = log_size(app)
    with pytest.raises(ConflictError, match="already ended"):
        end(app, people.tr_ao, first.duty.id)
    with pytest.raises(NotFoundError):
        end(app, people.tr_ao, "duty_missing")
    assert log_size(app) == before
    view = roster.roster_view(app.uow(), app.geography().agreement, clock.now)
    assert view.on_duty.zones[NORTH_ZONE]["tr"] is None
    with app.uow() as uow:
        [record] = uow.field.find(FieldFilter("idlib-m4", FieldKind.DUTY))
    assert (record.state, record.zone, record.party) == ("ended", NORTH_ZONE, "tr")


def test_preparing_checks_everything_and_writes_nothing(app: App, people: Staff) -> None:
    before = log_size(app)
    signing = PrepareOnly()
    roster.assign_duty(
        app.uow(),
        people.tr_ao.actor,
        signing,
        app.geography().agreement,
        {"post": NORTH_ZONE, "user": "tr-zone-1"},
        app.now(),
        now=app.now,
    )
    assert signing.prepared is not None
    assert signing.prepared.data["id"].startswith("duty_")
    assert (log_size(app), duty_count(app)) == (before, 0)
    again = roster.assign_duty(
        app.uow(),
        people.tr_ao.actor,
        ServerSigned(people.tr_ao.signer),
        app.geography().agreement,
        dict(signing.prepared.data),
        signing.prepared.time,
        now=app.now,
    )
    assert again.event == signing.prepared


def test_the_authorized_officer_is_the_rosters_active_holder_or_else_the_partys_account(
    app: App, people: Staff, clock: Clock
) -> None:
    def found() -> str | None:
        with app.uow() as uow:
            return roster.authorized_officer(uow, "idlib-m4", "tr", clock.now)

    assert found() == people.tr_ao.actor.user_id
    assign(app, people.tr_ao, post=AUTHORIZED, user="tr-ao")
    assert found() == people.tr_ao.actor.user_id
    accounts.disable_user(
        accounts.DisableUser(people.tr_ao.actor.user_id),
        app.uow(),
        Actor.operator(),
        app.log.signer,
        now=app.now,
    )
    assert found() is None
