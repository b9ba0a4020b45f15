"""Tables of the ledger: entries, Merkle tree nodes, the tree head, checkpoints, cosignatures.

The log keeps two independent records of every leaf: the entry row (with the
leaf's canonical JSON) and the tree's level-0 node. Changing one without the
other is caught entry by entry; changing both changes the tree head, which is
caught against a signed checkpoint or by a witness.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

from truceline.adapters.db.tables import metadata

#: Entry numbers: BIGINT, and on SQLite INTEGER, so that seq is the rowid (one B-tree, not two).
SEQ = BigInteger().with_variant(Integer(), "sqlite")
#: The single row of ``ledger_head`` has this id.
HEAD_ID = 1
#: The condition of the partial index of the entries that decide which keys may sign for a
#: user, registrations and disablings (a literal, so planners use it).
KEY_REGISTRATIONS = "event IN ('user.key_registered', 'user.disabled')"

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("seq", SEQ, primary_key=True, autoincrement=False),
    Column("leaf", Text, nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    Column("event", String(64), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("party", String(64), nullable=True),
    Column("subject", String(256), nullable=False),
    Column("time", DateTime(timezone=True), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_ledger_entries_subject", "subject", "seq"),
    # Only key registrations are looked up by event: a partial index keeps appends cheap.
    Index(
        "ix_ledger_entries_key_registrations",
        "subject",
        "seq",
        sqlite_where=text(KEY_REGISTRATIONS),
        postgresql_where=text(KEY_REGISTRATIONS),
    ),
)

ledger_nodes = Table(
    "ledger_nodes",
    metadata,
    Column("level", Integer, nullable=False),
    Column("index", BigInteger, nullable=False),
    Column("hash", LargeBinary(32), nullable=False),
    PrimaryKeyConstraint("level", "index"),
    sqlite_with_rowid=False,
)

ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("frontier", JSON, nullable=False),
    Column("log_key_id", String(64), nullable=True),
)

ledger_checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

ledger_cosignatures = Table(
    "ledger_cosignatures",
    metadata,
    Column("size", BigInteger, nullable=False),
    Column("witness", String(256), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("signature", Text, nullable=False),
    Column("verifier_key", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("size", "witness", "key_id"),
)
