"""Agreements, parties, provisions, routes, zones and places.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _child(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("agreement_id", sa.String(64), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("agreement_id", "id"),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"], ondelete="CASCADE"),
    )


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("format_version", sa.Integer, nullable=False),
        sa.Column("crs", sa.String(64), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("documents", sa.JSON, nullable=False),
        sa.Column("attribution", sa.JSON, nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    _child(
        "parties",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("short_name", sa.Text, nullable=False),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("colour", sa.String(16), nullable=False),
    )
    _child(
        "provisions",
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("obligated", sa.JSON, nullable=False),
        sa.Column("effective", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("zones", sa.JSON, nullable=False),
        sa.Column("verification", sa.Text, nullable=False),
        sa.Column("source_document", sa.String(64), nullable=False),
        sa.Column("source_section", sa.Text, nullable=False),
    )
    _child(
        "routes",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("geometry", sa.Text, nullable=False),
        sa.Column("vertices", sa.JSON, nullable=False),
        sa.Column("accuracy_m", sa.Float, nullable=False),
        sa.Column("accuracy_note", sa.Text, nullable=False),
        sa.Column("km_start", sa.Float, nullable=False),
        sa.Column("km_step", sa.Float, nullable=False),
        sa.Column("end_note", sa.Text, nullable=False),
    )
    _child(
        "zones",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("responsible_party", sa.String(64), nullable=True),
        sa.Column("geometry", sa.Text, nullable=False),
        sa.Column("derivation", sa.JSON, nullable=True),
        sa.Column("colour", sa.String(16), nullable=False),
    )
    _child(
        "places",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("alt_names", sa.JSON, nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("admin1", sa.Text, nullable=False),
        sa.Column("admin2", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("provenance", sa.Text, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgis_columns()


def _postgis_columns() -> None:
    """PostGIS geometry kept in step with the GeoJSON text, with spatial indexes."""
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    for table in ("routes", "zones"):
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN geom geometry(Geometry, 4326) "
            "GENERATED ALWAYS AS (ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326)) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_geom ON {table} USING gist (geom)")
    op.execute(
        "ALTER TABLE places ADD COLUMN geom geometry(Point, 4326) "
        "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED"
    )
    op.execute("CREATE INDEX ix_places_geom ON places USING gist (geom)")


def downgrade() -> None:
    for table in ("places", "zones", "routes", "provisions", "parties", "agreements"):
        op.drop_table(table)
