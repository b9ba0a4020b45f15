"""The field record repository: the joint mechanism's records and their steps on one connection."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from truceline.adapters.db.field_tables import field_records, field_steps
from truceline.services.field_store import FieldFilter, FieldKind, FieldRecord, FieldStep

F = field_records.c
S = field_steps.c


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _values(record: FieldRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "agreement_id": record.agreement_id,
        "kind": str(record.kind),
        "number": record.number,
        "zone": record.zone,
        "party": record.party,
        "day": record.day,
        "state": record.state,
        "doc": dict(record.doc),
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def _record(row: Row[Any]) -> FieldRecord:
    return FieldRecord(
        id=row.id,
        agreement_id=row.agreement_id,
        kind=FieldKind(row.kind),
        day=row.day,
        state=row.state,
        doc=row.doc,
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
        number=row.number,
        zone=row.zone,
        party=row.party,
    )


class FieldRecordRepository:
    """Field records and their steps (see services.field_store)."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def get(self, record_id: str) -> FieldRecord | None:
        """One record, or None."""
        row = self._conn.execute(select(field_records).where(F.id == record_id)).first()
        return None if row is None else _record(row)

    def insert(self, record: FieldRecord) -> None:
        """Add a new record."""
        self._conn.execute(insert(field_records).values(_values(record)))

    def update(self, record: FieldRecord) -> None:
        """Replace a stored record's value and columns (its id, kind and creation time stay)."""
        values = _values(record)
        for kept in ("id", "agreement_id", "kind", "created_at"):
            del values[kept]
        self._conn.execute(update(field_records).where(F.id == record.id).values(values))

    def find(
        self, where: FieldFilter, *, limit: int | None = None, newest_first: bool = False
    ) -> list[FieldRecord]:
        """The records matching `where`, by day then id (or the reverse)."""
        query = select(field_records).where(
            F.agreement_id == where.agreement_id, F.kind == str(where.kind)
        )
        for column, value in (
            (F.zone, where.zone),
            (F.party, where.party),
            (F.state, where.state),
        ):
            if value is not None:
                query = query.where(column == value)
        if where.day_from is not None:
            query = query.where(F.day >= where.day_from)
        if where.day_to is not None:
            query = query.where(F.day <= where.day_to)
        order = (F.day.desc(), F.id.desc()) if newest_first else (F.day, F.id)
        query = query.order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        return [_record(row) for row in self._conn.execute(query)]

    def next_number(self, agreement_id: str, kind: FieldKind) -> int:
        """One more than the highest number of this kind in the agreement (1 for the first)."""
        highest = self._conn.execute(
            select(func.max(F.number)).where(F.agreement_id == agreement_id, F.kind == str(kind))
        ).scalar()
        return 1 if highest is None else int(highest) + 1

    def add_step(self, step: FieldStep) -> None:
        """Append a step to a record's timeline."""
        self._conn.execute(
            insert(field_steps).values(
                record_id=step.record_id,
                action=step.action,
                at=step.at,
                actor=step.actor,
                party=step.party,
                data=dict(step.data),
                ledger_seq=step.ledger_seq,
            )
        )

    def steps(self, record_id: str) -> list[FieldStep]:
        """A record's timeline, oldest first."""
        rows = self._conn.execute(
            select(field_steps).where(S.record_id == record_id).order_by(S.seq)
        )
        return [
            FieldStep(
                record_id=row.record_id,
                action=row.action,
                at=_utc(row.at),
                actor=row.actor,
                party=row.party,
                data=row.data,
                ledger_seq=row.ledger_seq,
            )
            for row in rows
        ]
