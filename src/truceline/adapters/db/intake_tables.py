"""Tables of the open-source intake: documents ingested, candidates, the source registry.

A candidate's whole current value is its ``doc`` (domain.intake_records);
the other columns repeat what the review queue filters and sorts on. A
document's id is its text's digest, so ingesting the same text again finds
it and adds nothing.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, DateTime, Index, Integer, String, Table, Text

from truceline.adapters.db.tables import metadata

intake_documents = Table(
    "intake_documents",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("agreement_id", String(64), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("site", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("published", Date, nullable=True),
    Column("original_published", Date, nullable=True),
    Column("original_site", String(200), nullable=False),
    Column("ingested_by", String(64), nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Index("ix_intake_documents_agreement", "agreement_id", "ingested_at"),
)

intake_candidates = Table(
    "intake_candidates",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("agreement_id", String(64), nullable=False),
    Column("document_id", String(32), nullable=False),
    Column("sentence_index", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("doc", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_intake_candidates_queue", "agreement_id", "status", "created_at", "id"),
    Index("ix_intake_candidates_document", "document_id", "sentence_index"),
)

intake_sources = Table(
    "intake_sources",
    metadata,
    Column("site", String(200), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("grade", String(2), nullable=False),
    Column("note", Text, nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=True),
)
