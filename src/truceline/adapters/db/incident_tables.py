"""Tables of incidents: reports, incidents, their links, history, positions and verdicts.

An incident's whole value is its ``doc`` (the JSON of
``domain.incident_records.incident_to_dict``); the other columns of
``incidents`` repeat what the list filters and sorts on, so every filter is an
indexed column or an indexed side table. Nothing here is ever deleted: a
merged incident keeps its row with ``merged_into`` set, every history entry
and every version of a position is a row of its own.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from truceline.adapters.db.tables import metadata

SEQ = BigInteger().with_variant(Integer(), "sqlite")

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(96), primary_key=True),
    Column("agreement_id", String(64), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("sub_event_type", String(64), nullable=False),
    Column("family", String(32), nullable=False),
    Column("monitoring", String(32), nullable=True),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("responsible_party", String(64), nullable=True),
    Column("status", String(16), nullable=False),
    Column("attribution", String(32), nullable=False),
    Column("merged_into", String(96), nullable=True),
    Column("content_hash", String(64), nullable=False),
    Column("source_id", String(96), nullable=True),
    Column("doc", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_incidents_date", "agreement_id", "start_date", "id"),
    Index("ix_incidents_party", "agreement_id", "responsible_party", "start_date", "id"),
    Index("ix_incidents_status", "agreement_id", "status", "start_date", "id"),
    Index("ix_incidents_type", "agreement_id", "event_type", "start_date", "id"),
    Index("ix_incidents_family", "agreement_id", "family", "start_date", "lon"),
)

#: The zones an incident lies in, with the date, so a zone's incidents are one index range.
incident_zones = Table(
    "incident_zones",
    metadata,
    Column("incident_id", String(96), nullable=False),
    Column("agreement_id", String(64), nullable=False),
    Column("zone_id", String(64), nullable=False),
    Column("start_date", Date, nullable=False),
    PrimaryKeyConstraint("incident_id", "zone_id"),
    Index("ix_incident_zones", "agreement_id", "zone_id", "start_date", "incident_id"),
)

#: The provisions an incident may breach (by the pack's rules), likewise.
incident_provisions = Table(
    "incident_provisions",
    metadata,
    Column("incident_id", String(96), nullable=False),
    Column("agreement_id", String(64), nullable=False),
    Column("provision_id", String(64), nullable=False),
    Column("start_date", Date, nullable=False),
    PrimaryKeyConstraint("incident_id", "provision_id"),
    Index("ix_incident_provisions", "agreement_id", "provision_id", "start_date", "incident_id"),
)

reports = Table(
    "reports",
    metadata,
    Column("id", String(96), primary_key=True),
    Column("agreement_id", String(64), nullable=False),
    Column("incident_id", String(96), nullable=True),
    Column("channel", String(32), nullable=False),
    Column("reporting_party", String(64), nullable=True),
    Column("entered_by", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("doc", JSON, nullable=False),
    Index("ix_reports_incident", "incident_id", "channel", "reporting_party"),
)

incident_history = Table(
    "incident_history",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=True),
    Column("incident_id", String(96), nullable=False),
    Column("action", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(64), nullable=False),
    Column("other_incident_id", String(96), nullable=True),
    Column("report_ids", JSON, nullable=False),
    Column("note", Text, nullable=False),
    Column("ledger_seq", BigInteger, nullable=True),
    Index("ix_incident_history", "incident_id", "seq"),
)

positions = Table(
    "incident_positions",
    metadata,
    Column("incident_id", String(96), nullable=False),
    Column("party", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("stance", String(16), nullable=False),
    Column("held_responsible", Text, nullable=True),
    Column("evidence", JSON, nullable=False),
    Column("text", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("monitor", Boolean, nullable=False),
    PrimaryKeyConstraint("incident_id", "party", "version"),
)
