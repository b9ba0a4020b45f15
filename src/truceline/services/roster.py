"""The roster: put officers on duty, hand posts over, end duty periods, and say who is on duty.

Who may change a party's roster (checked here; the permission matrix has no
roster action): the party's authorized officer, for every post of the party;
an administrator or the server's operator, for any party (the
``manage_users`` permission); and the officer holding a post, who may hand
it over to a successor or end their own period. Every change is one ledger
entry whose data is the command in its normal form, signed by whoever acts,
and one step on each duty period it touches, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from truceline.domain.accounts import Actor, Role, User
from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.events import Event
from truceline.domain.permissions import Action, authorize
from truceline.domain.roster import (
    AUTHORIZED,
    Duty,
    OnDuty,
    check_post,
    end_duty,
    guarantor_parties,
    hand_over,
    holder,
    new_duty_id,
    on_duty,
    start_duty,
)
from truceline.domain.roster_records import (
    assignment_from_dict,
    assignment_to_dict,
    duty_from_dict,
    duty_to_dict,
    ending_from_dict,
    ending_to_dict,
)
from truceline.services.authorship import Signing
from truceline.services.field_store import FieldFilter, FieldKind, FieldRecord, FieldStep
from truceline.services.incidents import active_actor
from truceline.services.ledger import utc_now
from truceline.services.unit_of_work import UnitOfWork

Now = Callable[[], datetime]
USER_ID_PREFIX = "usr_"


@dataclass(frozen=True, slots=True)
class DutyChange:
    """A duty period as it now stands, the period a handover ended, and the logged event."""

    duty: Duty
    ended: Duty | None
    event: Event


def local_day(agreement: Agreement, at: datetime) -> date:
    """The day of `at` in the agreement's time zone."""
    return at.astimezone(ZoneInfo(agreement.timezone)).date()


def duty_record(
    agreement: Agreement, duty: Duty, created_at: datetime, updated_at: datetime
) -> FieldRecord:
    """A duty period as a field record: its day is the start's, its zone the post's."""
    return FieldRecord(
        id=duty.id,
        agreement_id=agreement.id,
        kind=FieldKind.DUTY,
        day=local_day(agreement, duty.start),
        state="on_duty" if duty.is_open else "ended",
        doc=duty_to_dict(duty),
        created_at=created_at,
        updated_at=updated_at,
        zone=None if duty.post == AUTHORIZED else duty.post,
        party=duty.party,
    )


def _records(uow: UnitOfWork, agreement_id: str) -> list[FieldRecord]:
    return list(uow.field.find(FieldFilter(agreement_id, FieldKind.DUTY)))


def stored_duties(uow: UnitOfWork, agreement_id: str) -> list[Duty]:
    """Every duty period of the agreement (in the caller's unit of work), by start day."""
    return [duty_from_dict(r.doc) for r in _records(uow, agreement_id)]


def manages(actor: Actor, party: str) -> bool:
    """Whether the actor manages the party's roster: its authorized officer, or an administrator."""
    if actor.is_operator or actor.role is Role.ADMINISTRATOR:
        authorize(actor, Action.MANAGE_USERS, None)
        return True
    return actor.role is Role.AUTHORIZED_OFFICER and actor.party == party


def _refuse(actor: Actor, party: str, what: str) -> PermissionDenied:
    return PermissionDenied(
        f"{actor.username} ({actor.role or 'operator'}) may not {what} for party {party!r}: "
        "only its authorized officer, an administrator, or the officer holding the post may"
    )


def _officer(uow: UnitOfWork, given: str, party: str, post: str) -> User:
    """The active user named by username or id, with the role the post needs, of the party."""
    if given.startswith(USER_ID_PREFIX):
        user = uow.accounts.user(given)
    else:
        user = uow.accounts.user_by_username(given)
    if user is None:
        raise InputError("user", f"no user {given!r}")
    if user.disabled:
        raise InputError("user", f"{user.username} is disabled")
    if user.party != party:
        raise InputError("user", f"{user.username} belongs to {user.party!r}, not {party!r}")
    needed = Role.AUTHORIZED_OFFICER if post == AUTHORIZED else Role.ZONE_OFFICER
    if user.role is not needed:
        raise InputError("user", f"{user.username} is a {user.role}; the post needs a {needed}")
    return user


def assign_duty(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> DutyChange:
    """Start a duty period (``duty.started``) or hand a post over (``"handover": true``).

    ``data``: ``{"post", "user", "party"?, "start"?, "handover"?, "from"?, "note"?, "id"?}``.
    `party` defaults to the actor's, `start` to `at` (never later), `id` to a
    fresh one; a handover ends the current holder's period (``from``, when
    given, must name it) at the successor's start, one ``duty.handed_over``.
    """
    cmd = assignment_from_dict(data)
    with uow:
        actor = active_actor(uow, actor)
        party = cmd.party or actor.party
        if party is None:
            raise InputError("party", "name the party whose roster this is")
        manager = manages(actor, party)
        if not manager and not (cmd.handover and actor.party == party):
            raise _refuse(actor, party, "assign duty")
        check_post(agreement, party, cmd.post)
        start = cmd.start or at
        if start > at:
            raise InputError("start", "a duty period starts at the command's time or before")
        records = {r.id: r for r in _records(uow, agreement.id)}
        duties = [duty_from_dict(r.doc) for r in records.values()]
        current = holder(duties, party, cmd.post, start) if cmd.handover else None
        if cmd.handover and current is None:
            raise InputError(
                "handover",
                f"no officer of {party} is at {cmd.post} at {start.isoformat()}: start a period",
            )
        if not manager and (current is None or current.user_id != actor.user_id):
            raise _refuse(actor, party, "hand over this post")
        if current is not None and cmd.from_duty not in (None, current.id):
            raise ConflictError(
                f"{cmd.from_duty} is not the period at {cmd.post} then: {current.id} is"
            )
        user = _officer(uow, cmd.user, party, cmd.post)
        duty_id = cmd.id or new_duty_id()
        if uow.field.get(duty_id) is not None:
            raise ConflictError(f"a record {duty_id!r} already exists")
        duty = Duty(duty_id, party, cmd.post, user.id, start, note=cmd.note)
        ended: Duty | None = None
        if current is not None:
            ended, duty = hand_over(duties, current, duty)
            uow.field.update(duty_record(agreement, ended, records[ended.id].created_at, at))
        else:
            duty = start_duty(duties, duty)
        uow.field.insert(duty_record(agreement, duty, at, at))
        name = "duty.handed_over" if ended is not None else "duty.started"
        event = Event(
            name, actor.user_id, actor.party, at, duty.id, assignment_to_dict(duty, cmd.handover)
        )
        seq = signing.append(uow, event, now)
        steps = [(duty.id, "started")] + ([(ended.id, "handed_over")] if ended else [])
        for record_id, action in steps:
            uow.field.add_step(
                FieldStep(record_id, action, at, actor.user_id, actor.party, event.data, seq)
            )
        if signing.writes:
            uow.commit()
        return DutyChange(duty, ended, event)


def _duty_record(uow: UnitOfWork, agreement_id: str, duty_id: str) -> FieldRecord:
    record = uow.field.get(duty_id)
    if record is None or record.kind is not FieldKind.DUTY or record.agreement_id != agreement_id:
        raise NotFoundError(f"no duty period {duty_id!r} in agreement {agreement_id!r}")
    return record


def finish_duty(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    duty_id: str,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> DutyChange:
    """End an open duty period with no successor (``duty.ended``): ``{"end"?, "note"?}``."""
    ending = ending_from_dict(data)
    with uow:
        actor = active_actor(uow, actor)
        record = _duty_record(uow, agreement.id, duty_id)
        duty = duty_from_dict(record.doc)
        if not manages(actor, duty.party) and duty.user_id != actor.user_id:
            raise _refuse(actor, duty.party, "end this duty period")
        end = ending.end or at
        if end > at:
            raise InputError("end", "a duty period ends at the command's time or before")
        ended = end_duty(duty, end)
        uow.field.update(duty_record(agreement, ended, record.created_at, at))
        event = Event(
            "duty.ended", actor.user_id, actor.party, at, duty.id, ending_to_dict(end, ending.note)
        )
        seq = signing.append(uow, event, now)
        uow.field.add_step(
            FieldStep(duty.id, "ended", at, actor.user_id, actor.party, event.data, seq)
        )
        if signing.writes:
            uow.commit()
        return DutyChange(ended, None, event)


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RosterView:
    """The roster at one instant and its whole history (newest period first)."""

    on_duty: OnDuty
    periods: Sequence[Duty]


def roster_view(uow: UnitOfWork, agreement: Agreement, at: datetime) -> RosterView:
    """Who is on duty at `at`, and every period, newest start first."""
    with uow:
        duties = stored_duties(uow, agreement.id)
    periods = sorted(duties, key=lambda d: (d.start, d.id), reverse=True)
    return RosterView(on_duty(agreement, duties, at), periods)


@dataclass(frozen=True, slots=True)
class DutyView:
    """One duty period and its steps (each with its ledger entry)."""

    duty: Duty
    steps: Sequence[FieldStep]


def duty_view(uow: UnitOfWork, agreement: Agreement, duty_id: str) -> DutyView:
    """One duty period with the steps that made it what it is."""
    with uow:
        record = _duty_record(uow, agreement.id, duty_id)
        return DutyView(duty_from_dict(record.doc), list(uow.field.steps(duty_id)))


def authorized_officer(uow: UnitOfWork, agreement_id: str, party: str, at: datetime) -> str | None:
    """The party's authorized officer at `at` (a user id), in the caller's unit of work.

    The roster's ``authorized`` post first (when its holder is still active);
    otherwise the party's one active authorized officer account, if any.
    """
    found = holder(stored_duties(uow, agreement_id), party, AUTHORIZED, at)
    if found is not None:
        user = uow.accounts.user(found.user_id)
        if user is not None and not user.disabled:
            return user.id
    accounts = uow.accounts.active_authorized_officers(party)
    return accounts[0].id if len(accounts) == 1 else None


def officers(uow: UnitOfWork, agreement: Agreement) -> list[User]:
    """The active zone and authorized officers of the guarantors: who may hold a post."""
    parties = set(guarantor_parties(agreement))
    with uow:
        every = uow.accounts.users()
    roles = (Role.ZONE_OFFICER, Role.AUTHORIZED_OFFICER)
    return sorted(
        (u for u in every if not u.disabled and u.party in parties and u.role in roles),
        key=lambda u: (u.party or "", u.role, u.username),
    )
