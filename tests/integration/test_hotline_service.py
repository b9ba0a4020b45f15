"""The hotline services on a real database: send, acknowledge, escalate, list and statistics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.incident_support import Clock, Officer, make_app, report_data
from tests.integration.test_roster_service import NORTH_ZONE, Staff, assign, staff
from truceline.bootstrap import App
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.events import OPERATOR
from truceline.domain.roster import AUTHORIZED
from truceline.services import hotline, incidents
from truceline.services.authorship import PrepareOnly, ServerSigned
from truceline.services.field_store import FieldKind, FieldRecord
from truceline.services.hotline import MessageFilter
from truceline.services.ledger import entries_page, history


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


def send(app: App, officer: Officer, **data: Any) -> hotline.HotlineChange:
    return hotline.send_message(
        app.uow(),
        officer.actor,
        officer.signing,
        app.geography().agreement,
        {"subject": "Shelling near Ariha"} | data,
        app.now(),
        now=app.now,
    )


def ack(app: App, officer: Officer, message_id: str, note: str = "") -> hotline.HotlineChange:
    return hotline.acknowledge_message(
        app.uow(),
        officer.actor,
        officer.signing,
        app.geography().agreement,
        message_id,
        {"note": note},
        app.now(),
        now=app.now,
    )


def sweep(app: App) -> list[str]:
    done = hotline.escalate_overdue(
        app.uow(), ServerSigned(app.log.signer), app.geography().agreement, app.now
    )
    return [m.id for m in done]


def log_size(app: App) -> int:
    return entries_page(app.uow(), 0, 1).size


def listed(app: App, **where: Any) -> list[int]:
    found = hotline.list_messages(app.uow(), app.geography().agreement, MessageFilter(**where))
    return [m.number for m in found]


def test_a_message_goes_to_the_other_sides_officer_on_duty_in_the_senders_zone(
    app: App, people: Staff
) -> None:
    assign(app, people.tr_ao, post=NORTH_ZONE, user="tr-zone-1")
    assign(app, people.ru_ao, post=NORTH_ZONE, user="ru-zone-1")
    before = log_size(app)
    sent = send(app, people.tr1, body="Rounds landing south of the road at km 24", urgent=True)
    assert log_size(app) == before + 1
    message = sent.message
    assert (message.number, message.from_party, message.to_party) == (1, "tr", "ru")
    assert (message.zone, message.to_user) == (NORTH_ZONE, people.ru1.actor.user_id)
    assert (message.sent_at, message.urgent, message.state) == (app.now(), True, "sent")
    assert sent.event.name == "hotline.sent"
    assert sent.event.data == {
        "id": message.id,
        "to_party": "ru",
        "to_user": people.ru1.actor.user_id,
        "zone": NORTH_ZONE,
        "subject": "Shelling near Ariha",
        "body": "Rounds landing south of the road at km 24",
        "urgent": True,
        "incident_id": None,
        "patrol_id": None,
    }
    [entry] = history(app.uow(), message.id)
    assert (entry.event, entry.actor, entry.party) == (
        "hotline.sent",
        people.tr1.actor.user_id,
        "tr",
    )
    assert send(app, people.ru1, subject="Received, checking").message.number == 2


def test_the_other_side_acknowledges_once_and_the_response_time_is_kept(
    app: App, people: Staff, clock: Clock
) -> None:
    message = send(app, people.tr1).message
    clock.advance(minutes=7)
    with pytest.raises(PermissionDenied):
        ack(app, people.tr2, message.id)
    with pytest.raises(PermissionDenied):
        ack(app, people.analyst, message.id)
    with pytest.raises(PermissionDenied):
        ack(app, people.admin, message.id)
    before = log_size(app)
    done = ack(app, people.ru_ao, message.id, "passing it to the south post")
    assert log_size(app) == before + 1
    assert done.event.name == "hotline.acknowledged"
    assert done.event.data == {"note": "passing it to the south post"}
    assert done.message.response_time() == timedelta(minutes=7)
    assert done.message.acknowledged_by == people.ru_ao.actor.user_id
    with pytest.raises(ConflictError, match="already acknowledged"):
        ack(app, people.ru1, message.id)
    with pytest.raises(NotFoundError):
        ack(app, people.ru1, "msg_missing")
    assert log_size(app) == before + 1
    view = hotline.message_view(app.uow(), app.geography().agreement, message.id)
    assert [s.action for s in view.steps] == ["sent", "acknowledged"]
    assert view.message == done.message


def test_who_may_send_is_the_matrix_own_party_zone_and_authorized_officers(
    app: App, people: Staff
) -> None:
    for outsider in (people.analyst, people.admin):
        with pytest.raises(PermissionDenied):
            send(app, outsider)
    assert send(app, people.tr_ao).message.from_party == "tr"
    assert send(app, people.ru1).message.to_party == "tr"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"to_party": "tr"}, "to_party"),
        ({"to_party": "sy-gov"}, "to_party"),
        ({"zone": "nowhere"}, "zone"),
        ({"to_user": "tr-zone-2"}, "to_user"),
        ({"to_user": "analyst"}, "to_user"),
        ({"to_user": "nobody"}, "to_user"),
        ({"incident_id": "inc_0000000000000000"}, "incident_id"),
        ({"patrol_id": "pat_missing"}, "patrol_id"),
        ({"urgent": "yes"}, "urgent"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_message_names_its_field_and_writes_nothing(
    app: App, people: Staff, data: dict[str, Any], field: str
) -> None:
    before = log_size(app)
    with pytest.raises(InputError) as refused:
        send(app, people.tr1, **data)
    assert refused.value.field == field
    assert log_size(app) == before
    assert listed(app) == []


def test_a_message_links_an_existing_incident_or_joint_patrol(app: App, people: Staff) -> None:
    reported = incidents.report_incident(
        app.uow(),
        people.tr1.actor,
        people.tr1.signing,
        app.enricher(),
        report_data(),
        app.now(),
        now=app.now,
    )
    incident_id = reported.record.incident.id
    with app.uow() as uow:
        uow.field.insert(
            FieldRecord(
                id="pat_1",
                agreement_id="idlib-m4",
                kind=FieldKind.PATROL,
                day=app.now().date(),
                state="planned",
                doc={},
                created_at=app.now(),
                updated_at=app.now(),
                number=1,
            )
        )
        uow.commit()
    linked = send(app, people.tr1, incident_id=incident_id, patrol_id="pat_1", to_user="ru-ao")
    message = linked.message
    assert (message.incident_id, message.patrol_id) == (incident_id, "pat_1")
    assert message.to_user == people.ru_ao.actor.user_id
    with pytest.raises(InputError) as not_a_patrol:
        send(app, people.tr1, patrol_id=message.id)
    assert not_a_patrol.value.field == "patrol_id"


def test_an_urgent_message_unacknowledged_past_the_limit_escalates_once_to_the_senders_ao(
    app: App, people: Staff, clock: Clock
) -> None:
    assign(app, people.tr_ao, post=AUTHORIZED, user="tr-ao")
    urgent = send(app, people.tr1, urgent=True).message
    calm = send(app, people.tr1).message
    answered = send(app, people.tr1, urgent=True).message
    clock.advance(minutes=10)
    ack(app, people.ru1, answered.id)
    clock.advance(minutes=20)
    assert sweep(app) == []
    clock.advance(seconds=1)
    before = log_size(app)
    assert sweep(app) == [urgent.id]
    assert log_size(app) == before + 1
    [_, entry] = history(app.uow(), urgent.id)
    assert (entry.event, entry.actor, entry.party) == ("hotline.escalated", OPERATOR, None)
    view = hotline.message_view(app.uow(), app.geography().agreement, urgent.id)
    assert view.message.escalated_at == clock.now
    assert view.message.escalated_to == people.tr_ao.actor.user_id
    assert view.message.state == "escalated"
    clock.advance(hours=2)
    assert sweep(app) == []
    assert log_size(app) == before + 1
    late = ack(app, people.ru1, urgent.id).message
    assert late.state == "acknowledged"
    assert late.response_time() == timedelta(hours=2, minutes=30, seconds=1)
    assert hotline.message_view(app.uow(), app.geography().agreement, calm.id).message.state == (
        "sent"
    )


def test_lists_filter_by_party_zone_urgency_and_acknowledgement_newest_first(
    app: App, people: Staff
) -> None:
    first = send(app, people.tr1, urgent=True, zone=NORTH_ZONE).message
    send(app, people.ru1)
    send(app, people.tr1)
    ack(app, people.ru1, first.id)
    assert listed(app) == [3, 2, 1]
    assert listed(app, party="ru") == [3, 2, 1]
    assert listed(app, urgent=True) == [1]
    assert listed(app, urgent=False) == [3, 2]
    assert listed(app, unacknowledged=True) == [3, 2]
    assert listed(app, zone=NORTH_ZONE) == [1]
    with pytest.raises(InputError) as bad:
        listed(app, party="sy-gov")
    assert bad.value.field == "party"


def test_statistics_give_each_sides_response_times(app: App, people: Staff, clock: Clock) -> None:
    ids = [send(app, people.tr1, urgent=i == 0).message.id for i in range(3)]
    clock.advance(minutes=4)
    ack(app, people.ru1, ids[1])
    clock.advance(minutes=6)
    ack(app, people.ru1, ids[2])
    clock.advance(minutes=30)
    stats = {
        s.party: s for s in hotline.hotline_stats(app.uow(), app.geography().agreement, clock.now)
    }
    ru, tr = stats["ru"], stats["tr"]
    assert (ru.received, ru.acknowledged, ru.unacknowledged_urgent, ru.overdue) == (3, 2, 1, 1)
    assert (ru.median_response_min, ru.p90_response_min) == (7.0, 10.0)
    assert (tr.sent, tr.received, tr.median_response_min) == (3, 0, None)


def test_preparing_a_message_writes_nothing_and_the_signed_data_gives_the_same_event(
    app: App, people: Staff
) -> None:
    signing = PrepareOnly()
    hotline.send_message(
        app.uow(),
        people.tr1.actor,
        signing,
        app.geography().agreement,
        {"subject": "Convoy at km 30"},
        app.now(),
        now=app.now,
    )
    assert signing.prepared is not None
    assert listed(app) == []
    again = hotline.send_message(
        app.uow(),
        people.tr1.actor,
        people.tr1.signing,
        app.geography().agreement,
        dict(signing.prepared.data),
        signing.prepared.time,
        now=app.now,
    )
    assert again.event == signing.prepared
    assert listed(app) == [1]
