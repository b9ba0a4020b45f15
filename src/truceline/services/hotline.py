"""The hotline: send a message to the other side, acknowledge one, escalate the overdue ones.

Sending and acknowledging are the ``log_hotline_message`` permission: a
zone officer or authorized officer sends for their own party, and
acknowledges messages addressed to their own party. The message's addressee
on the other side is filled in from the roster (its officer on duty in the
message's zone) when the sender names none. Escalation is the server's own
act, signed with the log's key: each urgent message left unacknowledged for
longer than the agreement's ``hotline_escalation`` goes, once, to the
sending party's authorized officer on duty at that time. Every change is
one ledger entry and one step of the message, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from truceline.domain.accounts import Actor, Role
from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.events import OPERATOR, Event
from truceline.domain.hotline import (
    Message,
    PartyStats,
    acknowledge,
    due_for_escalation,
    escalate,
    new_message_id,
    party_stats,
)
from truceline.domain.hotline_records import (
    Sending,
    ack_note_from_dict,
    message_from_dict,
    message_to_dict,
    sending_from_dict,
    sending_to_dict,
)
from truceline.domain.permissions import Action, authorize
from truceline.domain.roster import Duty, guarantor_parties, holder, zone_posts
from truceline.domain.roster_records import time_text
from truceline.services.agreements import list_agreements
from truceline.services.authorship import Signing
from truceline.services.field_store import FieldFilter, FieldKind, FieldRecord, FieldStep
from truceline.services.incidents import active_actor
from truceline.services.ledger import utc_now
from truceline.services.roster import USER_ID_PREFIX, authorized_officer, local_day, stored_duties
from truceline.services.unit_of_work import UnitOfWork

Now = Callable[[], datetime]
#: The roles a message may be addressed to on the other side.
_ADDRESSEES = (Role.ZONE_OFFICER, Role.AUTHORIZED_OFFICER)


@dataclass(frozen=True, slots=True)
class HotlineChange:
    """A message as it now stands, and the event that changed it."""

    message: Message
    event: Event


def message_record(
    agreement: Agreement, message: Message, created_at: datetime, updated_at: datetime
) -> FieldRecord:
    """A message as a field record: numbered, its day the sending day, its party the sender's."""
    return FieldRecord(
        id=message.id,
        agreement_id=agreement.id,
        kind=FieldKind.MESSAGE,
        day=local_day(agreement, message.sent_at),
        state=message.state,
        doc=message_to_dict(message),
        created_at=created_at,
        updated_at=updated_at,
        number=message.number,
        zone=message.zone,
        party=message.from_party,
    )


def _addressee(
    agreement: Agreement, party: str, sending: Sending, duties: Sequence[Duty], at: datetime
) -> tuple[str, str | None]:
    """The receiving party and the zone of a message, checked."""
    parties = guarantor_parties(agreement)
    others = [p for p in parties if p != party]
    to_party = sending.to_party
    if to_party is None:
        if len(others) != 1:
            raise InputError("to_party", f"name the party it goes to: one of {others}")
        to_party = others[0]
    if to_party not in others:
        raise InputError("to_party", f"{to_party!r} is not the other side: one of {others}")
    zone = sending.zone
    if zone is None:
        mine = [d.post for d in duties if d.party == party and d.covers(at)]
        held = [post for post in mine if post in zone_posts(agreement)]
        zone = held[0] if len(held) == 1 else None
    elif zone not in zone_posts(agreement):
        raise InputError("zone", f"{zone!r} is not a zone of responsibility")
    return to_party, zone


def _to_user(uow: UnitOfWork, given: str, to_party: str) -> str:
    if given.startswith(USER_ID_PREFIX):
        user = uow.accounts.user(given)
    else:
        user = uow.accounts.user_by_username(given)
    if user is None or user.disabled:
        raise InputError("to_user", f"no active user {given!r}")
    if user.party != to_party or user.role not in _ADDRESSEES:
        raise InputError("to_user", f"{user.username} is not an officer of {to_party!r}")
    return user.id


def _check_links(uow: UnitOfWork, agreement_id: str, sending: Sending) -> None:
    if sending.incident_id is not None:
        incident = uow.incidents.get(sending.incident_id)
        if incident is None or incident.agreement_id != agreement_id:
            raise InputError("incident_id", f"no incident {sending.incident_id!r} in the agreement")
    if sending.patrol_id is not None:
        patrol = uow.field.get(sending.patrol_id)
        if (
            patrol is None
            or patrol.kind is not FieldKind.PATROL
            or patrol.agreement_id != (agreement_id)
        ):
            raise InputError("patrol_id", f"no joint patrol {sending.patrol_id!r} in the agreement")


def send_message(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> HotlineChange:
    """Send a message to the other side (``hotline.sent``), sent at `at`.

    ``data``: ``{"subject", "body"?, "urgent"?, "to_party"?, "to_user"?, "zone"?,
    "incident_id"?, "patrol_id"?, "id"?}``; the normal form fills in the id,
    the other party, the sender's zone and the addressee from the roster.
    """
    sending = sending_from_dict(data)
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.LOG_HOTLINE_MESSAGE, actor.party)
        party = actor.party
        if party is None or party not in guarantor_parties(agreement):
            raise PermissionDenied(f"the hotline joins the guarantors; {party!r} is not one")
        duties = stored_duties(uow, agreement.id)
        to_party, zone = _addressee(agreement, party, sending, duties, at)
        if sending.to_user is not None:
            to_user: str | None = _to_user(uow, sending.to_user, to_party)
        else:
            found = holder(duties, to_party, zone, at) if zone is not None else None
            to_user = None if found is None else found.user_id
        _check_links(uow, agreement.id, sending)
        message_id = sending.id or new_message_id()
        if uow.field.get(message_id) is not None:
            raise ConflictError(f"a record {message_id!r} already exists")
        message = Message(
            id=message_id,
            number=1,  # numbered below, once the log's lock is held
            from_user=actor.user_id,
            from_party=party,
            to_party=to_party,
            to_user=to_user,
            zone=zone,
            sent_at=at,
            subject=sending.subject,
            body=sending.body,
            urgent=sending.urgent,
            incident_id=sending.incident_id,
            patrol_id=sending.patrol_id,
        )
        event = Event(
            "hotline.sent", actor.user_id, party, at, message.id, sending_to_dict(message)
        )
        seq = signing.append(uow, event, now)
        # Numbered after the log's lock is held: two messages at once cannot share a number.
        message = replace(message, number=uow.field.next_number(agreement.id, FieldKind.MESSAGE))
        uow.field.insert(message_record(agreement, message, at, at))
        return _finish(uow, signing, event, message, "sent", now, seq=seq)


def _finish(
    uow: UnitOfWork,
    signing: Signing,
    event: Event,
    message: Message,
    action: str,
    now: Now,
    *,
    seq: int | None = None,
) -> HotlineChange:
    """Log the change (unless `seq` says it is logged already), keep its step, commit."""
    if seq is None:
        seq = signing.append(uow, event, now)
    uow.field.add_step(
        FieldStep(message.id, action, event.time, event.actor, event.party, event.data, seq)
    )
    if signing.writes:
        uow.commit()
    return HotlineChange(message, event)


def _message_record(uow: UnitOfWork, agreement_id: str, message_id: str) -> FieldRecord:
    record = uow.field.get(message_id)
    if (
        record is None
        or record.kind is not FieldKind.MESSAGE
        or record.agreement_id != agreement_id
    ):
        raise NotFoundError(f"no hotline message {message_id!r} in agreement {agreement_id!r}")
    return record


def acknowledge_message(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    message_id: str,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> HotlineChange:
    """Acknowledge a message addressed to the actor's party (``hotline.acknowledged``): once."""
    note = ack_note_from_dict(data)
    with uow:
        actor = active_actor(uow, actor)
        record = _message_record(uow, agreement.id, message_id)
        message = message_from_dict(record.doc)
        authorize(actor, Action.LOG_HOTLINE_MESSAGE, message.to_party)
        done = acknowledge(message, actor.user_id, at, note)
        uow.field.update(message_record(agreement, done, record.created_at, at))
        event = Event(
            "hotline.acknowledged", actor.user_id, actor.party, at, message.id, {"note": note}
        )
        return _finish(uow, signing, event, done, "acknowledged", now)


def escalate_overdue(
    uow: UnitOfWork, signing: Signing, agreement: Agreement, now: Now = utc_now
) -> list[Message]:
    """Escalate every urgent message overdue now and not yet escalated (``hotline.escalated``).

    Each goes to its sending party's authorized officer at that time, as the
    server's operator (sign with the log's key); one transaction each.
    Running it again escalates nothing twice. Returns those escalated.
    """
    limit = agreement.mechanism.hotline_escalation
    at = now()
    with uow:
        waiting = [message_from_dict(r.doc) for r in _find(uow, agreement.id, "sent")]
    done = []
    for candidate in due_for_escalation(waiting, at, limit):
        with uow:
            record = _message_record(uow, agreement.id, candidate.id)
            message = message_from_dict(record.doc)
            if message.escalated or not message.overdue(at, limit):
                continue
            to = authorized_officer(uow, agreement.id, message.from_party, at)
            escalated = escalate(message, at, limit, to)
            uow.field.update(message_record(agreement, escalated, record.created_at, at))
            due = message.due_at(limit)
            assert due is not None
            event = Event(
                "hotline.escalated",
                OPERATOR,
                None,
                at,
                message.id,
                {"to": to, "party": message.from_party, "due_at": time_text(due)},
            )
            done.append(_finish(uow, signing, event, escalated, "escalated", now).message)
    return done


def escalate_everywhere(uow: UnitOfWork, signing: Signing, now: Now = utc_now) -> list[Message]:
    """`escalate_overdue` for every agreement loaded (what the server's sweep runs)."""
    done = []
    for agreement in list_agreements(uow):
        done.extend(escalate_overdue(uow, signing, agreement, now))
    return done


# --- reading -----------------------------------------------------------------------------


def _find(uow: UnitOfWork, agreement_id: str, state: str | None = None) -> Sequence[FieldRecord]:
    return uow.field.find(FieldFilter(agreement_id, FieldKind.MESSAGE, state=state))


@dataclass(frozen=True, slots=True)
class MessageFilter:
    """Which messages to list: each criterion given must hold."""

    party: str | None = None
    zone: str | None = None
    urgent: bool | None = None
    unacknowledged: bool = False


def _matches(message: Message, where: MessageFilter) -> bool:
    if where.party is not None and where.party not in (message.from_party, message.to_party):
        return False
    if where.zone is not None and message.zone != where.zone:
        return False
    if where.urgent is not None and message.urgent != where.urgent:
        return False
    return not (where.unacknowledged and message.acknowledged)


def list_messages(
    uow: UnitOfWork, agreement: Agreement, where: MessageFilter, *, limit: int | None = None
) -> list[Message]:
    """The messages matching `where`, newest (highest number) first."""
    parties = guarantor_parties(agreement)
    if where.party is not None and where.party not in parties:
        raise InputError("party", f"{where.party!r} is not one of {list(parties)}")
    if where.zone is not None and where.zone not in zone_posts(agreement):
        raise InputError("zone", f"{where.zone!r} is not a zone of responsibility")
    with uow:
        every = [message_from_dict(r.doc) for r in _find(uow, agreement.id)]
    found = sorted((m for m in every if _matches(m, where)), key=lambda m: -m.number)
    return found if limit is None else found[:limit]


@dataclass(frozen=True, slots=True)
class MessageView:
    """One message and its steps (sent, acknowledged, escalated), each with its ledger entry."""

    message: Message
    steps: Sequence[FieldStep]


def message_view(uow: UnitOfWork, agreement: Agreement, message_id: str) -> MessageView:
    """One message whole."""
    with uow:
        record = _message_record(uow, agreement.id, message_id)
        return MessageView(message_from_dict(record.doc), list(uow.field.steps(message_id)))


def hotline_stats(uow: UnitOfWork, agreement: Agreement, at: datetime) -> list[PartyStats]:
    """Each guarantor's use of the hotline and its response times, as of `at`."""
    with uow:
        every = [message_from_dict(r.doc) for r in _find(uow, agreement.id)]
    return stats_of(agreement, every, at)


def stats_of(agreement: Agreement, messages: Iterable[Message], at: datetime) -> list[PartyStats]:
    """The guarantors' statistics over these messages."""
    limit = agreement.mechanism.hotline_escalation
    return party_stats(messages, guarantor_parties(agreement), at, limit)
