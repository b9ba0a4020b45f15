"""What recording a restriction and recording an observation share: the day a time falls on,
the checks on when it happened, and writing the record with its ledger entry and step."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, InputError
from truceline.domain.events import Event
from truceline.services.authorship import CLOCK_SKEW, Signing
from truceline.services.field_store import FieldKind, FieldRecord, FieldStep
from truceline.services.incidents import agreement_start
from truceline.services.unit_of_work import UnitOfWork

Now = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Recorded:
    """A record as stored, and the event that recorded it."""

    record: FieldRecord
    event: Event


def local_day(agreement: Agreement, when: datetime) -> date:
    """The day `when` falls on in the agreement's time zone."""
    return when.astimezone(ZoneInfo(agreement.timezone)).date()


def check_when(agreement: Agreement, when: datetime, recorded_at: datetime, field: str) -> None:
    """Refuse a time before the agreement's first day, or after it was recorded."""
    start = agreement_start(agreement)
    if local_day(agreement, when) < start:
        raise InputError(field, f"is before the agreement's start ({start})")
    if when - recorded_at > CLOCK_SKEW:
        raise InputError(field, "is in the future")


def with_id(data: Mapping[str, Any], maker: Callable[[], str]) -> dict[str, Any]:
    """The command's data with a fresh `id` where the caller left it out."""
    out = dict(data)
    if not out.get("id"):
        out["id"] = maker()
    return out


def refuse_taken(uow: UnitOfWork, record_id: str) -> None:
    """A ConflictError when a record with this id exists."""
    if uow.field.get(record_id) is not None:
        raise ConflictError(f"a record {record_id!r} already exists")


def record_new(
    uow: UnitOfWork,
    signing: Signing,
    agreement: Agreement,
    event: Event,
    *,
    kind: FieldKind,
    when: datetime,
    zone: str | None,
    state: str,
    doc: Callable[[int, date], Mapping[str, Any]],
    now: Now,
) -> Recorded:
    """Log a new record's event, then store it numbered and dated, with its first step.

    The record is numbered once the log's lock is held (two at once cannot
    share a number); `doc` makes its value from that number and its day,
    the local day of `when`. Commits unless only preparing.
    """
    seq = signing.append(uow, event, now)
    number = uow.field.next_number(agreement.id, kind)
    day = local_day(agreement, when)
    record = FieldRecord(
        id=event.subject,
        agreement_id=agreement.id,
        kind=kind,
        day=day,
        state=state,
        doc=doc(number, day),
        created_at=event.time,
        updated_at=event.time,
        number=number,
        zone=zone,
        party=event.party,
    )
    uow.field.insert(record)
    uow.field.add_step(
        FieldStep(
            record_id=record.id,
            action="recorded",
            at=event.time,
            actor=event.actor,
            party=event.party,
            data=event.data,
            ledger_seq=seq,
        )
    )
    if signing.writes:
        uow.commit()
    return Recorded(record, event)
