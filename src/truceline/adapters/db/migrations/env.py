"""Alembic environment: Truceline always passes an open connection in."""

from __future__ import annotations

from alembic import context

from truceline.adapters.db.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through truceline.adapters.db.migrate.upgrade()")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
