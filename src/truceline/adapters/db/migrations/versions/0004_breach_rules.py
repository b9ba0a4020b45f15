"""Breach rules: the rules each provision declares for the incidents that may breach it.

Provisions stored before this revision get an empty list, which is what their
packs declared: the pack format had no `breached_by` before.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("provisions") as batch:
        batch.add_column(
            sa.Column("breached_by", sa.JSON, nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("provisions") as batch:
        batch.drop_column("breached_by")
