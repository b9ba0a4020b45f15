"""Writing many rows at once: executemany of tuples on SQLite, COPY on PostgreSQL.

SQLAlchemy's ``execute(insert(table), [dict, ...])`` passes every value of
every row through its type processors and parameter machinery; for the
hundreds of thousands of rows of a bulk import that costs more than the
database's own work. `RowWriter` takes rows as tuples in a given column
order and hands them to the driver in one call: ``executemany`` on SQLite,
``COPY ... FROM STDIN`` on PostgreSQL, inside the connection's transaction.

Values are stored exactly as SQLAlchemy stores them: dates and times go
through the column type's own bind processor for the dialect (SQLite keeps
them as text in SQLAlchemy's format, psycopg takes the objects), so reading
them back through SQLAlchemy gives the same values. JSON is written by
`json_text`, compact but otherwise what the ``JSON`` type's serializer
writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Date, DateTime, Table, event

if TYPE_CHECKING:
    import sqlite3

    import psycopg

_JSON = json.JSONEncoder(separators=(",", ":"), check_circular=False)  # rows hold no cycles

_Processor = Callable[[Any], Any]
#: Rows in one call from which SQLite gets `BULK_CACHE_KIB` of page cache for the transaction.
BULK_ROWS = 1_000
BULK_CACHE_KIB = 256 * 1024
#: Distinct dates (and times) whose driver values are kept for reuse.
_MEMO_SIZE = 100_000
#: A row as a tuple of driver values, in the order of the columns given with it.
RowTuple = tuple[Any, ...]


def json_text(value: object) -> str:
    """A JSON value as stored text: no spaces, non-ASCII escaped (as ``json.dumps`` does)."""
    return _JSON.encode(value)


class RowWriter:
    """Inserts many rows into a table on one connection, in the transaction it is in."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection
        self.postgresql = connection.dialect.name == "postgresql"
        self._dates: dict[date, Any] = {}
        self._times: dict[datetime, Any] = {}
        self._processors: tuple[_Processor | None, _Processor | None] | None = None
        self._widened = False

    def date(self, value: date) -> Any:
        """A date as the driver takes it for a ``Date`` column."""
        found = self._dates.get(value)
        if found is None:
            process = self._bind_processors()[0]
            found = value if process is None else process(value)
            if len(self._dates) >= _MEMO_SIZE:
                self._dates.clear()
            self._dates[value] = found
        return found

    def time(self, value: datetime) -> Any:
        """A time as the driver takes it for a ``DateTime(timezone=True)`` column."""
        found = self._times.get(value)
        if found is None:
            process = self._bind_processors()[1]
            found = value if process is None else process(value)
            if len(self._times) >= _MEMO_SIZE:
                self._times.clear()
            self._times[value] = found
        return found

    def _bind_processors(self) -> tuple[_Processor | None, _Processor | None]:
        if self._processors is None:
            dialect = self._conn.dialect
            self._processors = (
                Date().dialect_impl(dialect).bind_processor(dialect),
                DateTime(timezone=True).dialect_impl(dialect).bind_processor(dialect),
            )
        return self._processors

    def _widen_sqlite_cache(self) -> None:
        """Give SQLite a large page cache until this transaction ends.

        With the default 2 MB, a large import's indexes do not fit: their pages
        are spilled to the write-ahead log and read back again and again. The
        previous size is restored when the transaction commits or rolls back.
        """
        if self._widened:
            return
        raw = cast("sqlite3.Connection", self._conn.connection.dbapi_connection)
        (previous,) = raw.execute("PRAGMA cache_size").fetchone()

        def restore(*_: object) -> None:
            raw.execute(f"PRAGMA cache_size = {int(previous)}")
            self._widened = False

        raw.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        self._widened = True
        event.listen(self._conn, "commit", restore, once=True)
        event.listen(self._conn, "rollback", restore, once=True)

    def insert(self, table: Table, columns: Sequence[str], rows: Sequence[RowTuple]) -> None:
        """Insert `rows` (tuples of driver values in the order of `columns`) into `table`."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.postgresql:
            raw = cast("psycopg.Connection[Any]", self._conn.connection.dbapi_connection)
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        batch = list(rows)
        if len(batch) >= BULK_ROWS:
            self._widen_sqlite_cache()
        marks = ", ".join("?" for _ in columns)
        self._conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", batch)
