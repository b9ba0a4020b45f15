"""Incidents: reports, incidents, zone and provision links, history, positions.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(96), primary_key=True),
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("sub_event_type", sa.String(64), nullable=False),
        sa.Column("family", sa.String(32), nullable=False),
        sa.Column("monitoring", sa.String(32), nullable=True),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("responsible_party", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attribution", sa.String(32), nullable=False),
        sa.Column("merged_into", sa.String(96), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source_id", sa.String(96), nullable=True),
        sa.Column("doc", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    for name, columns in (
        ("ix_incidents_date", ["agreement_id", "start_date", "id"]),
        ("ix_incidents_party", ["agreement_id", "responsible_party", "start_date", "id"]),
        ("ix_incidents_status", ["agreement_id", "status", "start_date", "id"]),
        ("ix_incidents_type", ["agreement_id", "event_type", "start_date", "id"]),
        ("ix_incidents_family", ["agreement_id", "family", "start_date", "lon"]),
    ):
        op.create_index(name, "incidents", columns)
    op.create_table(
        "incident_zones",
        sa.Column("incident_id", sa.String(96), nullable=False),
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("zone_id", sa.String(64), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "zone_id"),
    )
    op.create_index(
        "ix_incident_zones",
        "incident_zones",
        ["agreement_id", "zone_id", "start_date", "incident_id"],
    )
    op.create_table(
        "incident_provisions",
        sa.Column("incident_id", sa.String(96), nullable=False),
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("provision_id", sa.String(64), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "provision_id"),
    )
    op.create_index(
        "ix_incident_provisions",
        "incident_provisions",
        ["agreement_id", "provision_id", "start_date", "incident_id"],
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.String(96), primary_key=True),
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("incident_id", sa.String(96), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("reporting_party", sa.String(64), nullable=True),
        sa.Column("entered_by", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("doc", sa.JSON, nullable=False),
    )
    op.create_index("ix_reports_incident", "reports", ["incident_id", "channel", "reporting_party"])
    op.create_table(
        "incident_history",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.String(96), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("other_incident_id", sa.String(96), nullable=True),
        sa.Column("report_ids", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_incident_history", "incident_history", ["incident_id", "seq"])
    op.create_table(
        "incident_positions",
        sa.Column("incident_id", sa.String(96), nullable=False),
        sa.Column("party", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("stance", sa.String(16), nullable=False),
        sa.Column("held_responsible", sa.Text, nullable=True),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("monitor", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "party", "version"),
    )


def downgrade() -> None:
    for table in (
        "incident_positions",
        "incident_history",
        "reports",
        "incident_provisions",
        "incident_zones",
        "incidents",
    ):
        op.drop_table(table)
