"""The stored log on SQLite and PostgreSQL: append-only, and linear under concurrent appends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.ledger_support import event, lines_of, make_app, register_user
from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App
from truceline.domain.ledger import parse_leaf
from truceline.services.ledger import entries_page, publish_checkpoint, record, record_many
from truceline.services.ledger_proofs import consistency_proof
from truceline.services.ledger_verify import export_bundle, verify_bundle

THREADS = 8
EACH = 12


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    app = make_app(database_url, tmp_path)
    try:
        yield app
    finally:
        app.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET subject = 'x'",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_nodes SET level = 9",
        "DELETE FROM ledger_nodes",
        "DELETE FROM ledger_checkpoints",
    ],
)
def test_the_database_refuses_to_change_or_delete_what_the_log_holds(
    app: App, statement: str
) -> None:
    with app.uow() as uow:
        record(uow, event(1), app.log.signer)
        uow.commit()
    publish_checkpoint(app.uow(), app.log)
    with pytest.raises(DBAPIError, match="append-only"), app.engine.begin() as conn:
        conn.execute(text(statement))


def test_concurrent_appends_make_one_linear_log_that_verifies(app: App, tmp_path: Path) -> None:
    keys = {f"usr_{t}": register_user(app, f"usr_{t}") for t in range(THREADS)}
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def append(user: str, key: Ed25519Signer) -> None:
        try:
            start.wait()
            for n in range(EACH):
                with app.uow() as uow:
                    record(uow, event(n, actor=user, subject=f"{user}:{n}"), key)
                    uow.commit()
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=append, args=item) for item in keys.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    total = THREADS + THREADS * EACH
    page = entries_page(app.uow(), 0, total + 10)
    assert page.size == total
    assert [e.seq for e, _ in page.entries] == list(range(total)), "no gap, no duplicate"
    for user in keys:
        mine = [e.subject for e, _ in page.entries if e.actor == user]
        assert mine == [f"{user}:{n}" for n in range(EACH)], "each writer's order is kept"
    publish_checkpoint(app.uow(), app.log)
    out = tmp_path / "bundle.jsonl"
    export_bundle(app.uow(), app.log, out)
    report = verify_bundle(lines_of(out))
    assert report.valid, report.summary()
    assert report.size == total


def test_a_batch_append_is_one_transaction_with_every_node_stored(app: App) -> None:
    with app.uow() as uow:
        record_many(uow, [(event(n), app.log.signer) for n in range(37)])
        uow.commit()
    page = entries_page(app.uow(), 0, 100)
    assert [e.seq for e, _ in page.entries] == list(range(37))
    assert [parse_leaf(e.leaf).body["data"] for e, _ in page.entries] == [
        {"n": n} for n in range(37)
    ]
    for old in (1, 16, 20, 36):
        assert consistency_proof(app.uow(), old, 37).proof
