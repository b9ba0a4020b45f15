"""Where statements are kept: field records of kind ``statement``, and their steps.

A statement's whole value (every version and approval) is the record's
``doc``; the record's ``state``, ``number``, ``party`` and ``day`` repeat what
lists filter on. Each change is a step tied to its log entry. Reading a
stored document checks it (``domain.statement_records``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from truceline.domain.agreements import Agreement
from truceline.domain.errors import ConflictError, NotFoundError
from truceline.domain.events import Event
from truceline.domain.ledger import b64, parse_leaf
from truceline.domain.statement_records import statement_from_dict, statement_to_dict
from truceline.domain.statements import Seal, Statement
from truceline.services.field_store import FieldKind, FieldRecord, FieldStep
from truceline.services.unit_of_work import UnitOfWork


def local_day(agreement: Agreement, when: datetime) -> date:
    """The day `when` falls on in the agreement's time zone."""
    return when.astimezone(ZoneInfo(agreement.timezone)).date()


def stored_statement(
    uow: UnitOfWork, agreement_id: str, statement_id: str
) -> tuple[FieldRecord, Statement]:
    """A statement of the agreement as stored; NotFoundError otherwise."""
    record = uow.field.get(statement_id)
    if (
        record is None
        or record.kind is not FieldKind.STATEMENT
        or record.agreement_id != agreement_id
    ):
        raise NotFoundError(f"no statement {statement_id!r} in agreement {agreement_id!r}")
    return record, statement_from_dict(record.doc)


def step_of(event: Event, seq: int | None) -> FieldStep:
    return FieldStep(
        record_id=event.subject,
        action=event.name.removeprefix("statement."),
        at=event.time,
        actor=event.actor,
        party=event.party,
        data=dict(event.data),
        ledger_seq=seq,
    )


def record_of(
    agreement: Agreement, statement: Statement, at: datetime, old: FieldRecord | None = None
) -> FieldRecord:
    """The field record of a statement: dated by its drafting, or its publication once public."""
    publication = statement.publication
    day = local_day(agreement, publication.at if publication else statement.current.at)
    doc = statement_to_dict(statement)
    if old is not None:
        updated = max(old.updated_at, at)
        return replace(old, day=day, state=str(statement.state), doc=doc, updated_at=updated)
    return FieldRecord(
        id=statement.id,
        agreement_id=agreement.id,
        kind=FieldKind.STATEMENT,
        day=day,
        state=str(statement.state),
        doc=doc,
        created_at=at,
        updated_at=at,
        number=statement.number,
        zone=None,
        party=statement.party,
    )


def seal_of(uow: UnitOfWork, seq: int | None) -> Seal | None:
    """The approver's signature, as the log keeps it in the entry `seq`."""
    if seq is None:
        return None
    entry = uow.ledger.entry(seq)
    if entry is None:  # pragma: no cover - the entry was appended in this transaction
        raise ConflictError(f"the log has no entry {seq}")
    leaf = parse_leaf(entry.leaf)
    return Seal(seq, b64(leaf.public_key), b64(leaf.signature))
