"""What the ledger services need from storage, as a Protocol (the unit of work's ``ledger``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Protocol

from truceline.domain.ledger import (
    CheckpointRecord,
    CosignatureRecord,
    Head,
    LedgerEntry,
    NewEntry,
)


class LedgerStore(Protocol):
    """The append-only log, its tree nodes, checkpoints and cosignatures."""

    def head(self, *, lock: bool = False) -> Head: ...  # pragma: no cover
    def pin_log_key(self, key_id: str) -> None: ...  # pragma: no cover
    def append(
        self, entries: Sequence[NewEntry], recorded_at: datetime
    ) -> list[LedgerEntry]: ...  # pragma: no cover
    def node(self, level: int, index: int) -> bytes: ...  # pragma: no cover
    def nodes(
        self, keys: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], bytes]: ...  # pragma: no cover
    def entry(self, seq: int) -> LedgerEntry | None: ...  # pragma: no cover
    def entries(
        self, start: int, stop: int, *, page: int = 1000
    ) -> Iterator[LedgerEntry]: ...  # pragma: no cover
    def entries_with_tree_hash(
        self, start: int, stop: int, *, page: int = 1000
    ) -> Iterator[tuple[LedgerEntry, bytes | None]]: ...  # pragma: no cover
    def history(self, subject: str) -> list[LedgerEntry]: ...  # pragma: no cover
    def key_registrations(self, user: str) -> list[bytes]: ...  # pragma: no cover
    def add_checkpoint(self, record: CheckpointRecord) -> None: ...  # pragma: no cover
    def checkpoint(
        self, size: int | None = None
    ) -> CheckpointRecord | None: ...  # pragma: no cover
    def put_cosignature(self, record: CosignatureRecord) -> None: ...  # pragma: no cover
    def cosignatures(
        self, size: int | None = None
    ) -> Iterable[CosignatureRecord]: ...  # pragma: no cover
