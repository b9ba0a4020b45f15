"""The ledger repository: appends serialised on the head row, nodes for proofs, paged reads.

Appends are serialised so the log stays linear: on PostgreSQL the append locks
the one ``ledger_head`` row (``SELECT ... FOR UPDATE``) until the transaction
ends; on SQLite every transaction already holds the database's write lock from
its ``BEGIN IMMEDIATE`` (see ``adapters.db.engine``). Either way the next
writer reads the head only after the previous one committed or rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Table,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)

from truceline.adapters.db.ledger_tables import (
    HEAD_ID,
    KEY_REGISTRATIONS,
    ledger_checkpoints,
    ledger_cosignatures,
    ledger_entries,
    ledger_head,
    ledger_nodes,
)
from truceline.domain.errors import ConflictError, NotFoundError
from truceline.domain.ledger import (
    CheckpointRecord,
    CosignatureRecord,
    Head,
    LedgerEntry,
    NewEntry,
)
from truceline.domain.merkle import Frontier

E = ledger_entries.c
N = ledger_nodes.c


class LedgerRepository:
    """Reads and appends the log on one open connection (the unit of work's)."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    # --- the head and appends -----------------------------------------------------------

    def head(self, *, lock: bool = False) -> Head:
        """The tree head; with ``lock``, held against other appends until the transaction ends."""
        query = select(ledger_head.c.size, ledger_head.c.frontier, ledger_head.c.log_key_id).where(
            ledger_head.c.id == HEAD_ID
        )
        if lock:
            query = query.with_for_update()
        row = self._conn.execute(query).one_or_none()
        if row is None:
            raise NotFoundError("the ledger has no head row: run the database migrations")
        frontier = Frontier(int(row.size), [bytes.fromhex(h) for h in row.frontier])
        return Head(frontier, row.log_key_id)

    def pin_log_key(self, key_id: str) -> None:
        """Record the log's key id on first use; ConflictError if another key signed before."""
        head = self.head(lock=True)
        if head.log_key_id is None:
            self._conn.execute(
                update(ledger_head).where(ledger_head.c.id == HEAD_ID).values(log_key_id=key_id)
            )
        elif head.log_key_id != key_id:
            raise ConflictError(
                f"this database's log is signed with key {head.log_key_id}, but the log key "
                f"given is {key_id}: point TRUCELINE_LOG_KEY at the log's own key file"
            )

    def append(self, entries: Sequence[NewEntry], recorded_at: datetime) -> list[LedgerEntry]:
        """Append entries in order, with every tree node they complete; one head update.

        The rows go to the driver's ``executemany`` as tuples: this is the hot
        path of bulk appends, and SQLAlchemy's per-row parameter handling would
        cost more than signing the entry.
        """
        if not entries:
            return []
        frontier = self.head(lock=True).frontier
        time_param = _bind(ledger_entries.c.time, self._conn)
        recorded = time_param(recorded_at)
        rows: list[tuple[Any, ...]] = []
        nodes: list[tuple[int, int, bytes]] = []
        stored: list[LedgerEntry] = []
        for e in entries:
            seq = frontier.size
            nodes.extend(frontier.append(e.leaf_hash))
            rows.append(
                (
                    seq,
                    e.leaf.decode("utf-8"),
                    e.leaf_hash,
                    e.event,
                    e.actor,
                    e.party,
                    e.subject,
                    time_param(e.time),
                    e.key_id,
                    recorded,
                )
            )
            stored.append(
                LedgerEntry(
                    seq,
                    e.leaf,
                    e.leaf_hash,
                    e.event,
                    e.actor,
                    e.party,
                    e.subject,
                    e.time,
                    e.key_id,
                    recorded_at,
                )
            )
        self._insert_many(ledger_entries, rows)
        self._insert_many(ledger_nodes, nodes)
        self._conn.execute(
            update(ledger_head)
            .where(ledger_head.c.id == HEAD_ID)
            .values(size=frontier.size, frontier=[h.hex() for h in frontier.hashes])
        )
        return stored

    def _insert_many(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        """INSERT rows (tuples in the table's column order) with the driver's executemany."""
        dialect = self._conn.dialect
        quote = dialect.identifier_preparer.quote
        mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)
        if mark is None:  # pragma: no cover - neither sqlite3 nor psycopg
            names = [c.name for c in table.columns]
            self._conn.execute(insert(table), [dict(zip(names, r, strict=True)) for r in rows])
            return
        columns = ", ".join(quote(c.name) for c in table.columns)
        marks = ", ".join([mark] * len(table.columns))
        self._conn.exec_driver_sql(
            f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", list(rows)
        )

    # --- reads -------------------------------------------------------------------------

    def node(self, level: int, index: int) -> bytes:
        """The stored hash of the complete subtree at (level, index)."""
        found = self._conn.execute(
            select(N.hash).where(N.level == level, N.index == index)
        ).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"the tree has no node at level {level}, index {index}")
        return bytes(found)

    def nodes(self, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """The stored hashes of the nodes at these (level, index) pairs that exist (one query)."""
        by_level: dict[int, list[int]] = {}
        for level, index in set(keys):
            by_level.setdefault(level, []).append(index)
        if not by_level:
            return {}
        # One "level = ? AND index IN (...)" per level: both engines look these up by key
        # (SQLite scans the table for a row-value IN list).
        condition = or_(
            *(and_(N.level == level, N.index.in_(sorted(idx))) for level, idx in by_level.items())
        )
        rows = self._conn.execute(select(N.level, N.index, N.hash).where(condition))
        return {(level, index): bytes(h) for level, index, h in rows}

    def entry(self, seq: int) -> LedgerEntry | None:
        """The entry at ``seq``, or None."""
        row = self._conn.execute(select(ledger_entries).where(E.seq == seq)).one_or_none()
        return None if row is None else _entry(row)

    def entries(self, start: int, stop: int, *, page: int = 1000) -> Iterator[LedgerEntry]:
        """The stored entries with ``start <= seq < stop`` in order, read a page at a time."""
        for rows in self._pages(select(ledger_entries), start, stop, page):
            yield from (_entry(r) for r in rows)

    def entries_with_tree_hash(
        self, start: int, stop: int, *, page: int = 1000
    ) -> Iterator[tuple[LedgerEntry, bytes | None]]:
        """Each stored entry in ``[start, stop)`` with the tree's level-0 hash at its seq.

        The second item is None when the tree has no node there.
        """
        query = select(ledger_entries, N.hash.label("tree_hash")).select_from(
            ledger_entries.outerjoin(ledger_nodes, and_(N.level == 0, N.index == E.seq))
        )
        for rows in self._pages(query, start, stop, page):
            for r in rows:
                yield _entry(r), None if r.tree_hash is None else bytes(r.tree_hash)

    def _pages(self, query: Any, start: int, stop: int, page: int) -> Iterator[Sequence[Any]]:
        """Keyset pages of ``query`` by seq: constant memory however long the range."""
        after = start - 1
        while after + 1 < stop:
            rows = self._conn.execute(
                query.where(E.seq > after, E.seq < stop).order_by(E.seq).limit(page)
            ).all()
            if not rows:
                return
            yield rows
            after = rows[-1].seq

    def history(self, subject: str) -> list[LedgerEntry]:
        """Every entry about one record, oldest first."""
        rows = self._conn.execute(
            select(ledger_entries).where(E.subject == subject).order_by(E.seq)
        )
        return [_entry(r) for r in rows]

    def key_registrations(self, user: str) -> list[bytes]:
        """The leaves of the ``user.key_registered`` and ``user.disabled`` entries about
        ``user``, oldest first: what decides which keys may sign for them."""
        rows = self._conn.execute(
            select(E.leaf).where(text(KEY_REGISTRATIONS), E.subject == user).order_by(E.seq)
        )
        return [leaf.encode("utf-8") for (leaf,) in rows]

    # --- checkpoints and cosignatures ---------------------------------------------------

    def add_checkpoint(self, record: CheckpointRecord) -> None:
        """Store a published checkpoint."""
        self._conn.execute(
            insert(ledger_checkpoints).values(
                size=record.size,
                root=record.root,
                note=record.note,
                published_at=record.published_at,
            )
        )

    def checkpoint(self, size: int | None = None) -> CheckpointRecord | None:
        """The checkpoint of one size, or (no size) the latest; None when there is none."""
        c = ledger_checkpoints.c
        if size is None:
            latest = select(func.max(c.size)).scalar_subquery()
            query = select(ledger_checkpoints).where(c.size == latest)
        else:
            query = select(ledger_checkpoints).where(c.size == size)
        row = self._conn.execute(query).one_or_none()
        if row is None:
            return None
        return CheckpointRecord(int(row.size), bytes(row.root), row.note, _utc(row.published_at))

    def put_cosignature(self, record: CosignatureRecord) -> None:
        """Store a witness's cosignature, replacing its earlier one for the same checkpoint."""
        c = ledger_cosignatures.c
        self._conn.execute(
            delete(ledger_cosignatures).where(
                c.size == record.size, c.witness == record.witness, c.key_id == record.key_id
            )
        )
        self._conn.execute(
            insert(ledger_cosignatures).values(
                size=record.size,
                witness=record.witness,
                key_id=record.key_id,
                timestamp=record.timestamp,
                signature=record.signature,
                verifier_key=record.verifier_key,
                received_at=record.received_at,
            )
        )

    def cosignatures(self, size: int | None = None) -> list[CosignatureRecord]:
        """The cosignatures of one checkpoint, or of all; newest checkpoint first."""
        c = ledger_cosignatures.c
        query = select(ledger_cosignatures).order_by(c.size.desc(), c.witness, c.key_id)
        if size is not None:
            query = query.where(c.size == size)
        return [
            CosignatureRecord(
                int(r.size),
                r.witness,
                r.key_id,
                int(r.timestamp),
                r.signature,
                r.verifier_key,
                _utc(r.received_at),
            )
            for r in self._conn.execute(query)
        ]


def _bind(column: Column[Any], connection: Connection) -> Callable[[Any], Any]:
    """The dialect's conversion of a Python value for ``column`` (identity when none)."""
    dialect = connection.dialect
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else _same


def _same(value: Any) -> Any:
    return value


def _entry(row: Any) -> LedgerEntry:
    return LedgerEntry(
        seq=int(row.seq),
        leaf=row.leaf.encode("utf-8"),
        leaf_hash=bytes(row.leaf_hash),
        event=row.event,
        actor=row.actor,
        party=row.party,
        subject=row.subject,
        time=_utc(row.time),
        key_id=row.key_id,
        recorded_at=_utc(row.recorded_at),
    )


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
