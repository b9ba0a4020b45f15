"""Open-source intake: documents ingested, incident candidates, the source registry.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_documents",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("original_published", sa.Date, nullable=True),
        sa.Column("original_site", sa.String(200), nullable=False),
        sa.Column("ingested_by", sa.String(64), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_intake_documents_agreement", "intake_documents", ["agreement_id", "ingested_at"]
    )
    op.create_table(
        "intake_candidates",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("document_id", sa.String(32), nullable=False),
        sa.Column("sentence_index", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("doc", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_intake_candidates_queue",
        "intake_candidates",
        ["agreement_id", "status", "created_at", "id"],
    )
    op.create_index(
        "ix_intake_candidates_document", "intake_candidates", ["document_id", "sentence_index"]
    )
    op.create_table(
        "intake_sources",
        sa.Column("site", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("grade", sa.String(2), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("intake_sources")
    op.drop_table("intake_candidates")
    op.drop_table("intake_documents")
