"""Create engines: SQLite (WAL, foreign keys on) or PostgreSQL with psycopg 3.

SQLite transactions start with ``BEGIN IMMEDIATE``: a transaction takes the
write lock when it begins, not at its first write, so two writers never both
read the ledger head and then race to append (pysqlite's own transaction
handling is turned off for this, as SQLAlchemy's pysqlite notes describe).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def normalise_url(url: str) -> str:
    """postgresql:// and postgres:// mean psycopg 3; sqlite paths stay as they are."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """An engine for `url`, tuned for the engine it names."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # pysqlite must not issue BEGIN itself: _sqlite_begin_immediate does.
    dbapi_connection.isolation_level = None


def _sqlite_begin_immediate(connection: Any) -> None:
    """Take SQLite's write lock at the start of every transaction (waits up to the timeout)."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")
