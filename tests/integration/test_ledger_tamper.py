"""Tampering with the stored log directly in the database, on SQLite and PostgreSQL alike.

Each kind of tampering is caught: by `verify` (naming the first bad entry and
why) when it leaves the log's two records of a leaf at odds, or by a witness
(a fork, with both checkpoints as evidence) when the whole history is rewritten
and signed again with the log key.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text, update

from tests.ledger_support import (
    allow_tampering,
    append_events,
    event,
    forwarding_transport,
    lines_of,
    make_app,
)
from truceline.adapters.db.ledger_tables import ledger_head
from truceline.adapters.ledger_client import LedgerClient
from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App
from truceline.domain import merkle
from truceline.entrypoints.api.app import create_app
from truceline.services.ledger import publish_checkpoint, record
from truceline.services.ledger_verify import VerifyReport, export_bundle, verify_bundle
from truceline.services.witness import WitnessResult, WitnessStatus, witness

SIZE = 8
# Entry 3's event data {"n":3} becomes {"n":30} (a colon escaped for SQLAlchemy's text()).
EDIT_ENTRY_3 = (
    r"""UPDATE ledger_entries SET leaf = replace(leaf, '"n"\:3', '"n"\:30') WHERE seq = 3"""
)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    app = make_app(database_url, tmp_path)
    try:
        append_events(app, SIZE)
        publish_checkpoint(app.uow(), app.log)
        yield app
    finally:
        app.close()


def tamper(app: App, *statements: str) -> None:
    """Run SQL on the stored log, past its append-only triggers."""
    with app.engine.begin() as conn:
        allow_tampering(conn)
        for statement in statements:
            conn.execute(text(statement))


def verified(app: App, tmp_path: Path) -> VerifyReport:
    """What `truceline ledger export` then `verify` would say: publish, export, verify."""
    publish_checkpoint(app.uow(), app.log)
    out = tmp_path / "bundle.jsonl"
    export_bundle(app.uow(), app.log, out)
    return verify_bundle(lines_of(out), log_key=app.log.verifier_key())


def test_the_untouched_log_verifies(app: App, tmp_path: Path) -> None:
    report = verified(app, tmp_path)
    assert report.valid, report.summary()
    assert report.size == SIZE


def test_an_edited_entry_is_named_by_verify(app: App, tmp_path: Path) -> None:
    tamper(app, EDIT_ENTRY_3)
    report = verified(app, tmp_path)
    assert (report.valid, report.first_bad) == (False, 3)
    assert "not the leaf the tree recorded" in report.reason


def test_an_edited_entry_whose_tree_leaf_was_edited_too_fails_its_signature(
    app: App, tmp_path: Path
) -> None:
    tamper(app, EDIT_ENTRY_3)
    with app.engine.begin() as conn:
        leaf = conn.execute(text("SELECT leaf FROM ledger_entries WHERE seq = 3")).scalar_one()
        conn.execute(
            text('UPDATE ledger_nodes SET hash = :h WHERE level = 0 AND "index" = 3'),
            {"h": merkle.leaf_hash(leaf.encode())},
        )
    report = verified(app, tmp_path)
    assert report.first_bad == 3
    assert "signature by 'operator' does not verify" in report.reason


def test_a_deleted_entry_is_named_by_verify(app: App, tmp_path: Path) -> None:
    tamper(app, "DELETE FROM ledger_entries WHERE seq = 2")
    report = verified(app, tmp_path)
    assert (report.valid, report.first_bad) == (False, 2)
    assert "missing" in report.reason


def test_a_deleted_entry_with_the_rest_renumbered_is_named_by_verify(
    app: App, tmp_path: Path
) -> None:
    tamper(
        app,
        "DELETE FROM ledger_entries WHERE seq = 2",
        *(f"UPDATE ledger_entries SET seq = {n - 1} WHERE seq = {n}" for n in range(3, SIZE)),
    )
    report = verified(app, tmp_path)
    assert report.first_bad == 2
    assert "not the leaf the tree recorded" in report.reason


def test_two_reordered_entries_are_named_by_verify(app: App, tmp_path: Path) -> None:
    tamper(
        app,
        "UPDATE ledger_entries SET seq = -1 WHERE seq = 1",
        "UPDATE ledger_entries SET seq = 1 WHERE seq = 4",
        "UPDATE ledger_entries SET seq = 4 WHERE seq = -1",
    )
    report = verified(app, tmp_path)
    assert (report.valid, report.first_bad) == (False, 1)
    assert "changed, moved or replaced" in report.reason


def test_a_truncated_tail_is_named_by_verify(app: App, tmp_path: Path) -> None:
    tamper(app, "DELETE FROM ledger_entries WHERE seq >= 5")
    report = verified(app, tmp_path)
    assert (report.valid, report.first_bad) == (False, 5)
    assert f"the bundle ends after 5 entries, but its checkpoint covers {SIZE}" in report.reason


def rewrite_history(app: App, keep: int) -> None:
    """Keep the first ``keep`` entries, and make the stored log whole again at that size,
    as an operator with the database and the log key could: entries, nodes, head and
    checkpoints all agree afterwards."""
    with app.engine.begin() as conn:
        allow_tampering(conn)
        for table, column in (("ledger_entries", "seq"), ("ledger_nodes", '"index"')):
            where = (
                f"{column} >= {keep}"
                if table == "ledger_entries"
                else (f'("index" + 1) * (1 << level) > {keep}')
            )
            conn.execute(text(f"DELETE FROM {table} WHERE {where}"))
        conn.execute(text("DELETE FROM ledger_checkpoints"))
        conn.execute(text("DELETE FROM ledger_cosignatures"))
        _reset_head(conn, keep)


def _reset_head(conn: Connection, size: int) -> None:
    def node(level: int, index: int) -> bytes:
        found = conn.execute(
            text('SELECT hash FROM ledger_nodes WHERE level = :l AND "index" = :i'),
            {"l": level, "i": index},
        ).scalar_one()
        return bytes(found)

    frontier = merkle.Frontier.from_nodes(size, node)
    conn.execute(update(ledger_head).values(size=size, frontier=[h.hex() for h in frontier.hashes]))


def watch(app: App, state: Path, key: Ed25519Signer) -> WitnessResult:
    """One run of a witness reading the log over its HTTP API."""
    with TestClient(create_app(app)) as client:
        remote = LedgerClient("http://log.test", transport=forwarding_transport(client))
        with remote:
            return witness(remote, state, "witness.tr", key)


def test_a_fully_truncated_log_verifies_alone_but_the_witness_reports_a_fork(
    app: App, tmp_path: Path
) -> None:
    key, state = Ed25519Signer.generate(), tmp_path / "witness"
    assert watch(app, state, key).status is WitnessStatus.FIRST
    rewrite_history(app, 5)
    assert verified(app, tmp_path).valid, "self-consistent after a careful truncation"
    result = watch(app, state, key)
    assert result.status is WitnessStatus.FORK
    assert f"went back from size {SIZE} to size 5" in result.reason
    evidence = {p.name: p.read_text() for p in result.evidence}
    assert evidence["seen.checkpoint"].split("\n")[1] == str(SIZE)
    assert evidence["served.checkpoint"].split("\n")[1] == "5"


def test_a_rewritten_history_signed_again_with_the_log_key_is_a_fork_for_the_witness(
    app: App, tmp_path: Path
) -> None:
    key, state = Ed25519Signer.generate(), tmp_path / "witness"
    assert watch(app, state, key).status is WitnessStatus.FIRST
    rewrite_history(app, 3)
    with app.uow() as uow:  # a different history from entry 3 on, longer than before
        for n in range(3, SIZE + 4):
            record(uow, event(n, data={"n": n, "rewritten": True}), app.log.signer)
        uow.commit()
    publish_checkpoint(app.uow(), app.log)
    assert verified(app, tmp_path).valid, "the rewritten log is consistent in itself"
    result = watch(app, state, key)
    assert result.status is WitnessStatus.FORK
    assert "consistency proof fails" in result.reason
    names = sorted(p.name for p in result.evidence)
    assert names == ["proof.txt", "seen.checkpoint", "served.checkpoint"]
    assert all(p.exists() for p in result.evidence)
