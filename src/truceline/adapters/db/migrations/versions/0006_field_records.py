"""The joint mechanism: its rules per agreement, and field records with their steps.

Field records are duties, hotline messages, patrols, access restrictions and
observations (see services.field_store).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Agreements stored before get the defaults (see adapters.db.agreements._mechanism_of).
    with op.batch_alter_table("agreements") as batch:
        batch.add_column(
            sa.Column("mechanism", sa.JSON, nullable=False, server_default=sa.text("'{}'"))
        )
    op.create_table(
        "field_records",
        sa.Column("id", sa.String(96), primary_key=True),
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("number", sa.Integer, nullable=True),
        sa.Column("zone", sa.String(64), nullable=True),
        sa.Column("party", sa.String(64), nullable=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("doc", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("agreement_id", "kind", "number", name="uq_field_records_number"),
    )
    op.create_index("ix_field_records_day", "field_records", ["agreement_id", "kind", "day", "id"])
    op.create_table(
        "field_steps",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(96), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("party", sa.String(64), nullable=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("ledger_seq", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_field_steps_record", "field_steps", ["record_id", "seq"])


def downgrade() -> None:
    op.drop_table("field_steps")
    op.drop_table("field_records")
    with op.batch_alter_table("agreements") as batch:
        batch.drop_column("mechanism")
