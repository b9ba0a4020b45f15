"""Joint patrols: plan one, acknowledge its notice, start it, run it, end it, link incidents.

Every command checks the actor's permission (``domain.permissions``: zone
officers act for their own party), applies the rule of ``domain.patrols``,
stores the patrol as a field record of kind ``patrol``, appends one ledger
entry whose data is exactly the command's data, and keeps the change as a
step of the patrol's timeline tied to that entry; all in one transaction.

Any zone officer of a party taking part may start the patrol, record its
checkpoints and track, end it and link incidents to it; the plan is made by
the lead party's officer, and its notice acknowledged by the other parties'.

After the log's entry is appended (which serialises writers), the patrol is
read again and the change applied once more, so two officers acting at the
same moment cannot overwrite each other: the later one meets the rules
against the patrol as the earlier one left it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from truceline.domain import patrols as rules
from truceline.domain.accounts import Actor
from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.events import Event
from truceline.domain.patrol_plans import check_plan, new_patrol
from truceline.domain.patrol_records import (
    end_from_dict,
    end_to_dict,
    patrol_from_dict,
    patrol_to_dict,
    plan_from_dict,
    plan_to_dict,
    points_to_list,
)
from truceline.domain.patrols import Patrol, TrackPoint
from truceline.domain.permissions import Action, authorize, can
from truceline.services.authorship import Signing
from truceline.services.field_store import FieldKind, FieldRecord, FieldStep
from truceline.services.incidents import Now, active_actor, open_incident
from truceline.services.ledger import utc_now
from truceline.services.patrol_geometry import agreement_km_range
from truceline.services.positions import guarantors
from truceline.services.unit_of_work import UnitOfWork

Change = Callable[[Patrol], Patrol]


def patrol_route(agreement: Agreement) -> str:
    """The route the agreement's joint patrols follow; InputError("route") when none is set."""
    route = agreement.mechanism.patrol_route
    if route is None:
        raise InputError("route", f"the agreement {agreement.id!r} names no patrol route")
    return route


def stored_patrol(uow: UnitOfWork, agreement_id: str, patrol_id: str) -> tuple[FieldRecord, Patrol]:
    """A patrol of the agreement as stored; NotFoundError otherwise."""
    record = uow.field.get(patrol_id)
    if record is None or record.kind is not FieldKind.PATROL or record.agreement_id != agreement_id:
        raise NotFoundError(f"no patrol {patrol_id!r} in agreement {agreement_id!r}")
    return record, patrol_from_dict(record.doc)


def _step(event: Event, seq: int | None) -> FieldStep:
    return FieldStep(
        record_id=event.subject,
        action=event.name.removeprefix("patrol."),
        at=event.time,
        actor=event.actor,
        party=event.party,
        data=dict(event.data),
        ledger_seq=seq,
    )


def may_run(actor: Actor, patrol: Patrol) -> bool:
    """Whether the actor records the patrol's execution: an officer of a side taking part."""
    return (
        actor.party is not None
        and actor.party in patrol.parties
        and can(actor, Action.RECORD_PATROL_OUTCOME, actor.party)
    )


def check_taking_part(actor: Actor, patrol: Patrol) -> None:
    """PermissionDenied unless the actor's party takes part in the patrol."""
    if actor.party not in patrol.parties:
        raise PermissionDenied(
            f"{actor.username} ({actor.party}) takes no part in patrol #{patrol.number}"
        )


# --- the plan ----------------------------------------------------------------------------


def plan_patrol(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Patrol:
    """Plan the next joint patrol and give notice of it to the other side.

    ``data``: day, start_time, from_km, to_km, contingents, checkpoints, and
    optionally id. The planner's party leads; the patrol's number is the next
    of the agreement's sequence.
    """
    route = patrol_route(agreement)
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.PLAN_PATROL, actor.party)
        plan = plan_from_dict(data)
        lead = actor.party or ""
        check_plan(
            plan,
            km_range=agreement_km_range(agreement, route),
            guarantors=guarantors(agreement),
            lead=lead,
        )
        if uow.field.get(plan.id) is not None:
            raise ConflictError(f"a record {plan.id!r} already exists")
        event = Event("patrol.planned", actor.user_id, actor.party, at, plan.id, plan_to_dict(plan))
        seq = signing.append(uow, event, now)
        # Numbered after the log's lock is held: two plans at once cannot take the same number.
        patrol = new_patrol(
            plan,
            number=uow.field.next_number(agreement.id, FieldKind.PATROL),
            agreement_id=agreement.id,
            route=route,
            planned_by=actor.user_id,
            lead_party=lead,
            notice_at=at,
        )
        uow.field.insert(
            FieldRecord(
                id=patrol.id,
                agreement_id=agreement.id,
                kind=FieldKind.PATROL,
                day=patrol.day,
                state=str(patrol.state),
                doc=patrol_to_dict(patrol),
                created_at=at,
                updated_at=at,
                number=patrol.number,
                zone=None,
                party=patrol.lead_party,
            )
        )
        uow.field.add_step(_step(event, seq))
        if signing.writes:
            uow.commit()
        return patrol


# --- changes -----------------------------------------------------------------------------


def _change(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    patrol_id: str,
    action: Action,
    name: str,
    data: Mapping[str, Any],
    change: Change,
    at: datetime,
    now: Now,
) -> Patrol:
    """Check, apply, log and store one change to a patrol (see the module's docstring)."""
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, action, actor.party)
        _, patrol = stored_patrol(uow, agreement.id, patrol_id)
        check_taking_part(actor, patrol)
        change(patrol)
        event = Event(name, actor.user_id, actor.party, at, patrol_id, dict(data))
        seq = signing.append(uow, event, now)
        record, patrol = stored_patrol(uow, agreement.id, patrol_id)
        changed = change(patrol)
        uow.field.update(
            replace(
                record,
                state=str(changed.state),
                doc=patrol_to_dict(changed),
                updated_at=max(record.updated_at, at),
            )
        )
        uow.field.add_step(_step(event, seq))
        if signing.writes:
            uow.commit()
        return changed


def acknowledge_patrol(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    patrol_id: str,
    at: datetime,
    *,
    now: Now = utc_now,
) -> Patrol:
    """The actor's party acknowledges the notice of a patrol it takes part in."""
    party = actor.party or ""
    return _change(
        uow,
        actor,
        signing,
        agreement,
        patrol_id,
        Action.ACKNOWLEDGE_PATROL,
        "patrol.acknowledged",
        {},
        lambda p: rules.acknowledge(p, party, at),
        at,
        now,
    )


def start_patrol(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    patrol_id: str,
    at: datetime,
    *,
    now: Now = utc_now,
) -> Patrol:
    """The patrol sets out; before acknowledgement only where the agreement allows it."""
    allowed = agreement.mechanism.patrol_start_unacknowledged
    return _change(
        uow,
        actor,
        signing,
        agreement,
        patrol_id,
        Action.RECORD_PATROL_OUTCOME,
        "patrol.started",
        {},
        lambda p: rules.start(p, at, may_start_unacknowledged=allowed),
        at,
        now,
    )


def reach_checkpoint(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    patrol_id: str,
    km: float,
    at: datetime,
    *,
    now: Now = utc_now,
) -> Patrol:
    """The patrol reached the planned checkpoint at km post `km`."""
    if isinstance(km, bool) or not isinstance(km, int | float):
        raise InputError("km", f"must be a number, not {km!r}")
    km = float(km)
    return _change(
        uow,
        actor,
        signing,
        agreement,
        patrol_id,
        Action.RECORD_PATROL_OUTCOME,
        "patrol.checkpoint_reached",
        {"km": km},
        lambda p: rules.reach_checkpoint(p, km, at),
        at,
        now,
    )


def record_track(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    patrol_id: str,
    points: Sequence[TrackPoint],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Patrol:
    """Track points of the patrol, uploaded or entered; appended to its track."""
    points = tuple(points)
    return _change(
        uow,
        actor,
        signing,
        agreement,
        patrol_id,
        Action.RECORD_PATROL_OUTCOME,
        "patrol.track_recorded",
        {"points": points_to_list(points)},
        lambda p: rules.add_track(p, points),
        at,
        now,
    )


def end_patrol(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    patrol_id: str,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Patrol:
    """The patrol ended: ``data`` is {outcome, at_km (curtailed), reason (curtailed, aborted)}."""
    outcome, at_km, reason = end_from_dict(data)
    return _change(
        uow,
        actor,
        signing,
        agreement,
        patrol_id,
        Action.RECORD_PATROL_OUTCOME,
        "patrol.ended",
        end_to_dict(outcome, at_km, reason),
        lambda p: rules.end(p, outcome, at, at_km=at_km, reason=reason),
        at,
        now,
    )


def link_incident(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    agreement: Agreement,
    patrol_id: str,
    incident_id: str,
    at: datetime,
    *,
    now: Now = utc_now,
) -> Patrol:
    """Link an incident of the agreement to the patrol it happened on."""
    if not isinstance(incident_id, str) or not incident_id:
        raise InputError("incident_id", "give an incident's id")

    def link(patrol: Patrol) -> Patrol:
        open_incident(uow, agreement.id, incident_id)
        return rules.link_incident(patrol, incident_id)

    return _change(
        uow,
        actor,
        signing,
        agreement,
        patrol_id,
        Action.RECORD_PATROL_OUTCOME,
        "patrol.incident_linked",
        {"incident_id": incident_id},
        link,
        at,
        now,
    )
