"""RFC 9162 Merkle tree math, checked against a plain reference and published vectors."""

from __future__ import annotations

import hashlib
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truceline.domain.merkle import (
    EMPTY_ROOT,
    Frontier,
    NodeSource,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    range_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

# --- the reference: RFC 9162 section 2.1, recursion over a list of leaves -----


def ref_mth(leaves: list[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:])).digest()


def ref_path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*ref_path(m, leaves[:k]), ref_mth(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), ref_mth(leaves[:k])]


def ref_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [ref_mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*ref_subproof(m, leaves[:k], whole), ref_mth(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), ref_mth(leaves[:k])]


def ref_proof(m: int, leaves: list[bytes]) -> list[bytes]:
    return ref_subproof(m, leaves, True)


# --- a tree of 300 leaves, its nodes stored as Frontier.append reports them ----

MAX_SIZE = 300
LEAVES = [f"ledger entry {i}".encode() for i in range(MAX_SIZE)]


@cache
def stored_nodes() -> dict[tuple[int, int], bytes]:
    frontier = Frontier()
    nodes: dict[tuple[int, int], bytes] = {}
    for data in LEAVES:
        for level, index, h in frontier.append(leaf_hash(data)):
            assert (level, index) not in nodes
            nodes[(level, index)] = h
    return nodes


@cache
def ref_root(size: int) -> bytes:
    return ref_mth(LEAVES[:size])


class CountingSource:
    """A NodeSource over the stored nodes that refuses nodes outside the tree."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.calls = 0

    def __call__(self, level: int, index: int) -> bytes:
        self.calls += 1
        assert (index + 1) << level <= self.size, f"node ({level}, {index}) is outside the tree"
        return stored_nodes()[(level, index)]


def flipped(proof: list[bytes], which: int) -> list[bytes]:
    changed = bytearray(proof[which])
    changed[which % len(changed)] ^= 0x01
    return [*proof[:which], bytes(changed), *proof[which + 1 :]]


sizes = st.integers(min_value=1, max_value=MAX_SIZE)


@st.composite
def size_and_index(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(sizes)
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@st.composite
def old_and_new_size(draw: st.DrawFn) -> tuple[int, int]:
    new = draw(sizes)
    return draw(st.integers(min_value=1, max_value=new)), new


# --- known answers: the RFC 6962 test vectors of the certificate-transparency code -


CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def ct_source() -> NodeSource:
    hashes = [leaf_hash(data) for data in CT_LEAVES]
    return lambda level, index: ref_mth_of_hashes(hashes[index << level : (index + 1) << level])


def ref_mth_of_hashes(hashes: list[bytes]) -> bytes:
    while len(hashes) > 1:
        hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


def test_hashes_use_the_rfc_domain_separation_bytes() -> None:
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert (
        node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    )


def test_the_root_of_a_single_empty_leaf_is_the_hash_of_that_leaf() -> None:
    frontier = Frontier()
    frontier.append(leaf_hash(b""))
    assert frontier.root() == leaf_hash(b"") == bytes.fromhex(CT_ROOTS[1])


@pytest.mark.parametrize("size", range(len(CT_ROOTS)))
def test_roots_match_the_published_vectors(size: int) -> None:
    frontier = Frontier()
    for data in CT_LEAVES[:size]:
        frontier.append(leaf_hash(data))
    assert frontier.root().hex() == CT_ROOTS[size]
    assert root(size, ct_source()).hex() == CT_ROOTS[size]
    assert ref_mth(CT_LEAVES[:size]).hex() == CT_ROOTS[size]


@pytest.mark.parametrize(
    ("index", "size", "expected"),
    [
        (0, 1, []),
        (0, 8, ["96a296d2", "5f083f0a", "6b47aaf2"]),
        (5, 8, ["bc1a0643", "ca854ea1", "d37ee418"]),
        (2, 3, ["fac54203"]),
        (1, 5, ["6e340b9c", "5f083f0a", "bc1a0643"]),
    ],
)
def test_inclusion_proofs_match_the_published_vectors(
    index: int, size: int, expected: list[str]
) -> None:
    proof = inclusion_proof(index, size, ct_source())
    assert [h.hex()[:8] for h in proof] == expected
    assert verify_inclusion(
        leaf_hash(CT_LEAVES[index]), index, size, proof, bytes.fromhex(CT_ROOTS[size])
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (1, 1, []),
        (1, 8, ["96a296d2", "5f083f0a", "6b47aaf2"]),
        (6, 8, ["0ebc5d34", "ca854ea1", "d37ee418"]),
        (2, 5, ["5f083f0a", "bc1a0643"]),
    ],
)
def test_consistency_proofs_match_the_published_vectors(
    old: int, new: int, expected: list[str]
) -> None:
    proof = consistency_proof(old, new, ct_source())
    assert [h.hex()[:8] for h in proof] == expected
    old_root, new_root = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert verify_consistency(old, new, old_root, new_root, proof)


# --- the frontier ---------------------------------------------------------------


def test_the_frontier_root_matches_the_reference_at_every_size() -> None:
    frontier = Frontier()
    assert frontier.root() == EMPTY_ROOT
    for size, data in enumerate(LEAVES, start=1):
        frontier.append(leaf_hash(data))
        assert frontier.size == size
        assert len(frontier.hashes) == size.bit_count()
        assert frontier.root() == ref_root(size)


def test_an_append_reports_the_leaf_and_every_parent_it_completes() -> None:
    frontier = Frontier()
    for data in LEAVES[:7]:
        frontier.append(leaf_hash(data))
    completed = frontier.append(leaf_hash(LEAVES[7]))
    assert [(level, index) for level, index, _ in completed] == [(0, 7), (1, 3), (2, 1), (3, 0)]
    assert completed[0][2] == leaf_hash(LEAVES[7])
    assert completed[-1][2] == ref_root(8)
    assert frontier.hashes == (ref_root(8),)


def test_every_complete_node_is_reported_exactly_once() -> None:
    nodes = stored_nodes()
    expected = sum(MAX_SIZE >> level for level in range(MAX_SIZE.bit_length()))
    assert len(nodes) == expected
    for (level, index), h in nodes.items():
        assert h == ref_mth(LEAVES[index << level : (index + 1) << level])


@given(sizes)
def test_a_frontier_restored_from_storage_continues_the_same_tree(size: int) -> None:
    stored = Frontier.from_nodes(size, CountingSource(size))
    restored = Frontier(stored.size, stored.hashes)
    assert restored == stored
    assert restored.root() == ref_root(size)
    if size < MAX_SIZE:
        restored.append(leaf_hash(LEAVES[size]))
        assert restored.root() == ref_root(size + 1)


def test_a_frontier_refuses_hashes_that_do_not_fit_its_size() -> None:
    with pytest.raises(ValueError, match="size 3 has 2 subtree roots, not 1"):
        Frontier(3, [EMPTY_ROOT])
    with pytest.raises(ValueError, match="32 bytes"):
        Frontier(1, [b"short"])
    with pytest.raises(ValueError, match="32 bytes"):
        Frontier().append(b"leaf data, not a leaf hash")


# --- tree hashes, proofs and their checks against the reference ------------------


@given(sizes)
def test_the_root_from_stored_nodes_matches_the_reference(size: int) -> None:
    source = CountingSource(size)
    assert root(size, source) == ref_root(size)
    assert source.calls <= size.bit_length()


def test_the_root_of_an_empty_tree_is_the_hash_of_nothing() -> None:
    assert root(0, CountingSource(0)) == EMPTY_ROOT


@given(st.integers(0, MAX_SIZE), st.integers(0, MAX_SIZE))
def test_a_range_hash_is_the_mth_of_that_slice(a: int, b: int) -> None:
    start, end = min(a, b), max(a, b)
    assert range_hash(start, end, CountingSource(end)) == ref_mth(LEAVES[start:end])


@settings(max_examples=300)
@given(size_and_index())
def test_inclusion_proofs_match_the_reference_and_verify(case: tuple[int, int]) -> None:
    size, index = case
    source = CountingSource(size)
    proof = inclusion_proof(index, size, source)
    assert proof == ref_path(index, LEAVES[:size])
    assert source.calls <= 2 * size.bit_length()
    assert verify_inclusion(leaf_hash(LEAVES[index]), index, size, proof, ref_root(size))


@settings(max_examples=300)
@given(old_and_new_size())
def test_consistency_proofs_match_the_reference_and_verify(case: tuple[int, int]) -> None:
    old, new = case
    source = CountingSource(new)
    proof = consistency_proof(old, new, source)
    assert proof == (ref_proof(old, LEAVES[:new]) if old < new else [])
    assert source.calls <= 2 * new.bit_length()
    assert verify_consistency(old, new, ref_root(old), ref_root(new), proof)


@pytest.mark.parametrize("size", range(1, 34))
def test_every_proof_in_small_trees_matches_the_reference(size: int) -> None:
    source = CountingSource(size)
    for index in range(size):
        assert inclusion_proof(index, size, source) == ref_path(index, LEAVES[:size])
    for old in range(1, size):
        proof = consistency_proof(old, size, source)
        assert proof == ref_proof(old, LEAVES[:size])
        assert verify_consistency(old, size, ref_root(old), ref_root(size), proof)


def test_the_empty_tree_is_consistent_with_every_tree_by_an_empty_proof() -> None:
    assert consistency_proof(0, 5, CountingSource(5)) == []
    assert verify_consistency(0, 5, EMPTY_ROOT, ref_root(5), [])
    assert not verify_consistency(0, 5, ref_root(1), ref_root(5), [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, ref_root(5), [ref_root(1)])


def test_equal_sizes_need_equal_roots_and_an_empty_proof() -> None:
    assert verify_consistency(7, 7, ref_root(7), ref_root(7), [])
    assert not verify_consistency(7, 7, ref_root(7), ref_root(6), [])
    assert not verify_consistency(7, 7, ref_root(7), ref_root(7), [ref_root(7)])


def test_proofs_are_refused_for_impossible_positions() -> None:
    with pytest.raises(ValueError, match="outside a tree of size 4"):
        inclusion_proof(4, 4, CountingSource(4))
    with pytest.raises(ValueError, match="from size 5 to size 4"):
        consistency_proof(5, 4, CountingSource(5))


# --- tampering -------------------------------------------------------------------


@settings(max_examples=200)
@given(size_and_index(), st.data())
def test_a_tampered_inclusion_proof_is_rejected(case: tuple[int, int], data: st.DataObject) -> None:
    size, index = case
    proof = inclusion_proof(index, size, CountingSource(size))
    leaf, good_root = leaf_hash(LEAVES[index]), ref_root(size)
    assert not verify_inclusion(leaf, index, size, [*proof, EMPTY_ROOT], good_root)
    assert not verify_inclusion(leaf, index, size, [EMPTY_ROOT, *proof], good_root)
    assert not verify_inclusion(leaf_hash(b"another entry"), index, size, proof, good_root)
    assert not verify_inclusion(leaf, index, size, proof, ref_root(size - 1))
    assert not verify_inclusion(leaf, size, size, proof, good_root)
    assert not verify_inclusion(leaf, -1, size, proof, good_root)
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1))
        assert not verify_inclusion(leaf, index, size, flipped(proof, which), good_root)
        assert not verify_inclusion(leaf, index, size, proof[:-1], good_root)
        assert not verify_inclusion(leaf, index, size, proof[1:], good_root)
    other = data.draw(st.integers(0, size - 1))
    if other != index:
        assert not verify_inclusion(leaf, other, size, proof, good_root)
    for claimed in (size - 1, size + 1, 2 * size + 1):
        if index < claimed <= MAX_SIZE:
            assert not verify_inclusion(leaf, index, claimed, proof, ref_root(claimed))


@settings(max_examples=200)
@given(old_and_new_size(), st.data())
def test_a_tampered_consistency_proof_is_rejected(
    case: tuple[int, int], data: st.DataObject
) -> None:
    old, new = case
    if old == new:
        return
    proof = consistency_proof(old, new, CountingSource(new))
    old_root, new_root = ref_root(old), ref_root(new)
    which = data.draw(st.integers(0, len(proof) - 1))
    assert not verify_consistency(old, new, old_root, new_root, flipped(proof, which))
    assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
    assert not verify_consistency(old, new, old_root, new_root, proof[1:])
    assert not verify_consistency(old, new, old_root, new_root, [*proof, EMPTY_ROOT])
    assert not verify_consistency(old, new, new_root, old_root, proof)
    assert not verify_consistency(new, old, new_root, old_root, proof)
    assert not verify_consistency(old, new, ref_root(old - 1), new_root, proof)
    for claimed_old in (old - 1, old + 1):
        if 0 < claimed_old < new:
            assert not verify_consistency(claimed_old, new, ref_root(claimed_old), new_root, proof)
    for claimed_new in (new - 1, new + 1):
        if old < claimed_new <= MAX_SIZE:
            assert not verify_consistency(old, claimed_new, old_root, ref_root(claimed_new), proof)
