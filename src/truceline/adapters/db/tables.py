"""Table definitions. Geometry is stored as GeoJSON text in WGS 84 on every engine;
on PostgreSQL a migration adds PostGIS columns generated from it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

agreements = Table(
    "agreements",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("format_version", Integer, nullable=False),
    Column("crs", String(64), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("documents", JSON, nullable=False),
    Column("attribution", JSON, nullable=False),
    Column("mechanism", JSON, nullable=False, default=dict, server_default="{}"),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)


def _child(name: str, *columns: Column[object]) -> Table:
    return Table(
        name,
        metadata,
        Column("agreement_id", String(64), nullable=False),
        Column("id", String(64), nullable=False),
        Column("position", Integer, nullable=False),
        *columns,
        PrimaryKeyConstraint("agreement_id", "id"),
        ForeignKeyConstraint(["agreement_id"], ["agreements.id"], ondelete="CASCADE"),
    )


parties = _child(
    "parties",
    Column("name", Text, nullable=False),
    Column("short_name", Text, nullable=False),
    Column("roles", JSON, nullable=False),
    Column("colour", String(16), nullable=False),
)

provisions = _child(
    "provisions",
    Column("text", Text, nullable=False),
    Column("category", String(64), nullable=False),
    Column("obligated", JSON, nullable=False),
    Column("effective", DateTime(timezone=True), nullable=False),
    Column("deadline", DateTime(timezone=True), nullable=True),
    Column("zones", JSON, nullable=False),
    Column("verification", Text, nullable=False),
    Column("source_document", String(64), nullable=False),
    Column("source_section", Text, nullable=False),
    Column("breached_by", JSON, nullable=False, default=list, server_default="[]"),
    Column("assessed_by", JSON, nullable=True),
)

routes = _child(
    "routes",
    Column("name", Text, nullable=False),
    Column("geometry", Text, nullable=False),
    Column("vertices", JSON, nullable=False),
    Column("accuracy_m", Float, nullable=False),
    Column("accuracy_note", Text, nullable=False),
    Column("km_start", Float, nullable=False),
    Column("km_step", Float, nullable=False),
    Column("end_note", Text, nullable=False),
)

zones = _child(
    "zones",
    Column("name", Text, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("responsible_party", String(64), nullable=True),
    Column("geometry", Text, nullable=False),
    Column("derivation", JSON, nullable=True),
    Column("colour", String(16), nullable=False),
)

places = _child(
    "places",
    Column("name", Text, nullable=False),
    Column("alt_names", JSON, nullable=False),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("admin1", Text, nullable=False),
    Column("admin2", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("provenance", Text, nullable=False),
)
