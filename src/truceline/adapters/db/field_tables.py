"""Tables of the joint mechanism: field records and every step that changed them.

A record's whole current value is its ``doc``; the other columns repeat what
the lists filter and sort on. Steps are never updated or deleted: they are
the record's timeline, each tied to the ledger entry that recorded it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from truceline.adapters.db.tables import metadata

SEQ = BigInteger().with_variant(Integer(), "sqlite")

field_records = Table(
    "field_records",
    metadata,
    Column("id", String(96), primary_key=True),
    Column("agreement_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("number", Integer, nullable=True),
    Column("zone", String(64), nullable=True),
    Column("party", String(64), nullable=True),
    Column("day", Date, nullable=False),
    Column("state", String(32), nullable=False),
    Column("doc", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("agreement_id", "kind", "number", name="uq_field_records_number"),
    Index("ix_field_records_day", "agreement_id", "kind", "day", "id"),
)

field_steps = Table(
    "field_steps",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=True),
    Column("record_id", String(96), nullable=False),
    Column("action", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("party", String(64), nullable=True),
    Column("data", JSON, nullable=False),
    Column("ledger_seq", BigInteger, nullable=True),
    Index("ix_field_steps_record", "record_id", "seq"),
)
