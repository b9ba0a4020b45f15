"""Access restrictions: record one, list them, count them per period, zone and kind.

Recording checks the actor's permission (zone officers and the monitor, for
their own party), reads the restriction from the command's data
(``domain.restriction_records``, so a bad value is refused naming its
field), places it (``services.field_location``), stores it as a field
record with its `restriction.recorded` ledger entry and first step, all in
one transaction. The event's data is the restriction in its normal form,
exactly as the recorder signs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from truceline.domain.accounts import Actor
from truceline.domain.errors import InputError, NotFoundError
from truceline.domain.events import Event
from truceline.domain.permissions import Action, authorize
from truceline.domain.restriction_records import (
    entry_from_doc,
    entry_to_doc,
    restriction_from_dict,
    restriction_to_dict,
)
from truceline.domain.restrictions import (
    Affected,
    Period,
    RestrictionCount,
    RestrictionEntry,
    RestrictionKind,
    count_restrictions,
    new_restriction_id,
)
from truceline.services.authorship import Signing
from truceline.services.field_location import place, with_route
from truceline.services.field_recording import (
    Now,
    Recorded,
    check_when,
    record_new,
    refuse_taken,
    with_id,
)
from truceline.services.field_store import FieldFilter, FieldKind, FieldRecord
from truceline.services.geography import Geography
from truceline.services.incidents import active_actor
from truceline.services.ledger import utc_now
from truceline.services.unit_of_work import UnitOfWork


def _check_patrol(uow: UnitOfWork, agreement_id: str, patrol_id: str) -> None:
    found = uow.field.get(patrol_id)
    if found is None or found.kind is not FieldKind.PATROL or found.agreement_id != agreement_id:
        raise InputError("patrol_id", f"no joint patrol {patrol_id!r} in this agreement")


def record_restriction(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    geo: Geography,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Recorded:
    """Record an access restriction: `data` as in docs/restrictions-and-observations.md."""
    agreement = geo.agreement
    data = with_id(data, new_restriction_id)
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.RECORD_ACCESS_RESTRICTION, actor.party)
        restriction = restriction_from_dict(data)
        restriction = replace(restriction, location=with_route(geo, restriction.location))
        check_when(agreement, restriction.at, at, "at")
        if restriction.patrol_id is not None:
            _check_patrol(uow, agreement.id, restriction.patrol_id)
        refuse_taken(uow, restriction.id)
        placement = place(geo, restriction.location)
        event = Event(
            "restriction.recorded",
            actor.user_id,
            actor.party,
            at,
            restriction.id,
            restriction_to_dict(restriction),
        )
        recorder = actor

        def doc(number: int, day: date) -> Mapping[str, Any]:
            entry = RestrictionEntry(
                restriction, placement, number, day, recorder.party, recorder.user_id, at
            )
            return entry_to_doc(entry)

        return record_new(
            uow,
            signing,
            agreement,
            event,
            kind=FieldKind.RESTRICTION,
            when=restriction.at,
            zone=placement.zone,
            state=str(restriction.kind),
            doc=doc,
            now=now,
        )


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RestrictionQuery:
    """Which restrictions to list: each criterion given must match."""

    zone: str | None = None
    kind: RestrictionKind | None = None
    affected: Affected | None = None
    party: str | None = None
    day_from: date | None = None
    day_to: date | None = None


def entry_of(record: FieldRecord) -> RestrictionEntry:
    """The restriction a stored record holds."""
    return entry_from_doc(record.doc, number=record.number, day=record.day)


def _check_query(geo: Geography, query: RestrictionQuery) -> None:
    zones = {z.id for z in geo.agreement.zones}
    if query.zone is not None and query.zone not in zones:
        raise InputError("zone", f"{query.zone!r} is not a zone of the agreement")
    if query.day_from and query.day_to and query.day_to < query.day_from:
        raise InputError("day_to", "is before day_from")


def list_restrictions(
    uow: UnitOfWork, geo: Geography, query: RestrictionQuery, *, limit: int | None = None
) -> list[RestrictionEntry]:
    """The restrictions matching `query`, newest first (by day, then id)."""
    _check_query(geo, query)
    where = FieldFilter(
        geo.agreement.id,
        FieldKind.RESTRICTION,
        zone=query.zone,
        party=query.party,
        state=None if query.kind is None else str(query.kind),
        day_from=query.day_from,
        day_to=query.day_to,
    )
    with uow:
        records = uow.field.find(where, newest_first=True)
    entries = [entry_of(r) for r in records]
    if query.affected is not None:
        entries = [e for e in entries if e.restriction.affected is query.affected]
    return entries if limit is None else entries[:limit]


def get_restriction(uow: UnitOfWork, agreement_id: str, restriction_id: str) -> RestrictionEntry:
    """One restriction of the agreement; NotFoundError otherwise."""
    with uow:
        record = uow.field.get(restriction_id)
    if (
        record is None
        or record.kind is not FieldKind.RESTRICTION
        or record.agreement_id != agreement_id
    ):
        raise NotFoundError(f"no restriction {restriction_id!r} in agreement {agreement_id!r}")
    return entry_of(record)


def restriction_counts(
    uow: UnitOfWork, geo: Geography, period: Period, query: RestrictionQuery | None = None
) -> list[RestrictionCount]:
    """The restrictions matching `query` counted per period, zone and kind (see the domain)."""
    return count_restrictions(list_restrictions(uow, geo, query or RestrictionQuery()), period)


def counts_by_zone(rows: Sequence[RestrictionCount]) -> dict[str | None, int]:
    """Totals per zone of count rows."""
    totals: dict[str | None, int] = {}
    for row in rows:
        totals[row.zone] = totals.get(row.zone, 0) + row.count
    return totals
