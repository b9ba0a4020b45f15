"""Merkle tree math of RFC 9162 (section 2.1): tree hashes, proofs and their checks.

The ledger is an append-only list of leaves. Its tree hash, inclusion proofs and
consistency proofs follow RFC 9162 exactly, so any RFC 6962/9162 verifier can
check them. Hashes are 32-byte SHA-256 digests.

Stored nodes are addressed as ``(level, index)``: the hash of the complete,
aligned subtree over leaves ``[index * 2**level, (index + 1) * 2**level)``.
Level 0 holds the leaf hashes. Every function that builds a hash or a proof
reads such nodes through a :data:`NodeSource`, and asks for O(log n) of them.

Leaves enter this module already hashed: :meth:`Frontier.append` and
:func:`verify_inclusion` take ``leaf_hash(data)``, not the data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Frontier",
    "NodeSource",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "range_hash",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeSource = Callable[[int, int], bytes]
"""Returns the stored hash of the complete subtree at ``(level, index)``."""


def leaf_hash(data: bytes) -> bytes:
    """The RFC 9162 hash of one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 9162 hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (for n >= 2): where MTH splits."""
    return 1 << ((n - 1).bit_length() - 1)


def _is_perfect(start: int, end: int) -> int | None:
    """The level of ``[start, end)`` if it is one complete aligned subtree, else None."""
    n = end - start
    if n > 0 and n & (n - 1) == 0 and start % n == 0:
        return n.bit_length() - 1
    return None


def range_hash(start: int, end: int, node: NodeSource) -> bytes:
    """MTH of leaves ``[start, end)``, built from complete aligned subtrees only.

    O(log n) node reads for the ranges trees and proofs use (those starting at 0
    or at a subtree boundary); a range starting elsewhere takes more.
    """
    if start < 0 or end < start:
        raise ValueError(f"bad leaf range [{start}, {end})")
    if start == end:
        return EMPTY_ROOT
    level = _is_perfect(start, end)
    if level is not None:
        return node(level, start >> level)
    k = _split(end - start)
    return node_hash(range_hash(start, start + k, node), range_hash(start + k, end, node))


def root(size: int, node: NodeSource) -> bytes:
    """The tree hash of the first ``size`` leaves (EMPTY_ROOT for an empty tree)."""
    return range_hash(0, size, node)


def inclusion_proof(index: int, size: int, node: NodeSource) -> list[bytes]:
    """RFC 9162 PATH(index, D[size]): the audit path of one leaf, leaf side first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = _split(end - start)
        if m < k:
            path.append(range_hash(start + k, end, node))
            end = start + k
        else:
            path.append(range_hash(start, start + k, node))
            start, m = start + k, m - k
    path.reverse()
    return path


def consistency_proof(old_size: int, new_size: int, node: NodeSource) -> list[bytes]:
    """RFC 9162 PROOF(old_size, D[new_size]); empty when old_size is 0 or new_size."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    start, end, m, whole = 0, new_size, old_size, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append(range_hash(start + k, end, node))
            end = start + k
        else:
            proof.append(range_hash(start, start + k, node))
            start, m, whole = start + k, m - k, False
    if not whole:
        proof.append(range_hash(start, end, node))
    proof.reverse()
    return proof


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Check an inclusion proof for the leaf hash ``leaf`` (RFC 9162, 2.1.3.2)."""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check that the tree at ``new_size`` extends the one at ``old_size`` (RFC 9162, 2.1.4.2).

    The RFC covers ``0 < old_size < new_size``. Equal sizes need an empty proof and
    equal roots; an empty old tree needs an empty proof and ``old_root == EMPTY_ROOT``.
    """
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


class Frontier:
    """The state of an append-only tree: the roots of its perfect subtrees.

    There is one hash per set bit of ``size``, highest level (leftmost subtree)
    first. That is all it takes to append a leaf and to compute the root.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0:
            raise ValueError(f"a tree size cannot be negative: {size}")
        if len(hashes) != size.bit_count():
            raise ValueError(
                f"a tree of size {size} has {size.bit_count()} subtree roots, not {len(hashes)}"
            )
        for h in hashes:
            _check_hash(h)
        self._size = size
        self._hashes = [bytes(h) for h in hashes]

    @classmethod
    def from_nodes(cls, size: int, node: NodeSource) -> Frontier:
        """Rebuild the frontier of a tree of ``size`` leaves from its stored nodes."""
        hashes = []
        start = 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                hashes.append(node(level, start >> level))
                start += 1 << level
        return cls(size, hashes)

    @property
    def size(self) -> int:
        """The number of leaves appended so far."""
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The perfect-subtree roots, highest level first (the form to store)."""
        return tuple(self._hashes)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add one leaf hash; return each node ``(level, index, hash)`` it completes."""
        _check_hash(leaf)
        leaf = bytes(leaf)
        index = self._size
        completed = [(0, index, leaf)]
        h, level = leaf, 0
        while index >> level & 1:
            h = node_hash(self._hashes.pop(), h)
            level += 1
            completed.append((level, index >> level, h))
        self._hashes.append(h)
        self._size += 1
        return completed

    def root(self) -> bytes:
        """The tree hash of all leaves appended so far."""
        if not self._hashes:
            return EMPTY_ROOT
        r = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            r = node_hash(h, r)
        return r

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Frontier):
            return NotImplemented
        return self._size == other._size and self._hashes == other._hashes

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Frontier(size={self._size}, root={self.root().hex()})"


def _check_hash(value: bytes) -> None:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        raise ValueError(f"a tree hash is {HASH_SIZE} bytes, got {value!r:.80}")
