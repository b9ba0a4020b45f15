"""Assessment rules: the rule each provision declares for scoring its implementation.

Provisions stored before this revision get none (NULL), which is what their
packs declared: the pack format had no `assessed_by` before. Assessments
themselves are field records of kind ``assessment`` (0006): no table of
their own.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("provisions") as batch:
        batch.add_column(sa.Column("assessed_by", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("provisions") as batch:
        batch.drop_column("assessed_by")
