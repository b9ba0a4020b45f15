"""Proofs about the ledger: RFC 9162 inclusion and consistency proofs from the stored nodes.

Which tree nodes a proof needs depends only on the sizes involved, so each
proof fetches all of them in one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from truceline.domain import merkle
from truceline.domain.errors import InputError, NotFoundError
from truceline.services.unit_of_work import UnitOfWork

_PLACEHOLDER = bytes(32)


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """That entry ``seq`` is leaf ``seq`` of the tree of ``size`` leaves with this root."""

    seq: int
    size: int
    leaf_hash: bytes
    root: bytes
    proof: list[bytes]


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """That the tree of ``new`` leaves extends the tree of ``old`` leaves."""

    old: int
    new: int
    old_root: bytes
    new_root: bytes
    proof: list[bytes]


def inclusion_proof(uow: UnitOfWork, seq: int, size: int) -> InclusionProof:
    """The RFC 9162 inclusion proof of entry ``seq`` in the tree of ``size`` leaves."""
    with uow:
        log_size = uow.ledger.head().size
        if not 1 <= size <= log_size:
            raise InputError("size", f"must be from 1 to the log's size, {log_size}")
        if not 0 <= seq < size:
            raise InputError("seq", f"must be from 0 to size - 1 ({size - 1})")
        node = _fetch_nodes(
            uow,
            lambda n: n(0, seq),
            lambda n: merkle.root(size, n),
            lambda n: merkle.inclusion_proof(seq, size, n),
        )
        return InclusionProof(
            seq,
            size,
            node(0, seq),
            merkle.root(size, node),
            merkle.inclusion_proof(seq, size, node),
        )


def consistency_proof(uow: UnitOfWork, old: int, new: int) -> ConsistencyProof:
    """The RFC 9162 consistency proof from the tree of ``old`` leaves to that of ``new``."""
    with uow:
        log_size = uow.ledger.head().size
        if not 0 <= new <= log_size:
            raise InputError("new", f"must be from 0 to the log's size, {log_size}")
        if not 0 <= old <= new:
            raise InputError("old", f"must be from 0 to new ({new})")
        node = _fetch_nodes(
            uow,
            lambda n: merkle.root(old, n),
            lambda n: merkle.root(new, n),
            lambda n: merkle.consistency_proof(old, new, n),
        )
        return ConsistencyProof(
            old,
            new,
            merkle.root(old, node),
            merkle.root(new, node),
            merkle.consistency_proof(old, new, node),
        )


def _fetch_nodes(
    uow: UnitOfWork, *uses: Callable[[merkle.NodeSource], object]
) -> merkle.NodeSource:
    """The tree nodes ``uses`` will read, fetched in one query.

    Which nodes a proof or root needs depends only on the sizes, never on the
    hashes, so a first pass with placeholder hashes lists them.
    """
    wanted: set[tuple[int, int]] = set()

    def note(level: int, index: int) -> bytes:
        wanted.add((level, index))
        return _PLACEHOLDER

    for use in uses:
        use(note)
    found = uow.ledger.nodes(wanted)

    def node(level: int, index: int) -> bytes:
        try:
            return found[(level, index)]
        except KeyError:
            raise NotFoundError(f"the tree has no node at level {level}, index {index}") from None

    return node
