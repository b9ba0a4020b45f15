"""The ledger's HTTP API on both engines, and verifying a live log through it."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.ledger_support import append_events, forwarding_transport, make_app
from truceline.adapters.ledger_client import LedgerClient
from truceline.adapters.notes import (
    cosign,
    parse_checkpoint,
    parse_note,
    parse_verifier_key,
    verifier_key,
    verify_note,
)
from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App
from truceline.domain import merkle
from truceline.entrypoints.api.app import create_app
from truceline.services.ledger import publish_checkpoint
from truceline.services.ledger_verify import remote_bundle, verify_bundle


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    app = make_app(database_url, tmp_path)
    try:
        append_events(app, 7)
        publish_checkpoint(app.uow(), app.log)
        yield app
    finally:
        app.close()


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    with TestClient(create_app(app)) as client:
        yield client


def b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def test_the_checkpoint_is_a_signed_note_in_plain_text(app: App, client: TestClient) -> None:
    response = client.get("/api/ledger/checkpoint")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    note = parse_note(response.text)
    assert parse_checkpoint(note.body).size == 7
    key = client.get("/api/ledger/key").text.strip()
    assert key == app.log.verifier_key()
    assert verify_note(note, *parse_verifier_key(key))


def test_entries_come_in_pages_with_the_trees_leaf_hash(client: TestClient) -> None:
    first = client.get("/api/ledger/entries", params={"start": 0, "limit": 3}).json()
    assert (first["size"], first["start"], first["next"]) == (7, 0, 3)
    assert [e["seq"] for e in first["entries"]] == [0, 1, 2]
    entry = first["entries"][1]
    assert b64(entry["leaf_hash"]) == merkle.leaf_hash(entry["leaf"].encode())
    assert (entry["event"], entry["actor"], entry["key_id"]) == (
        "agreement.replaced",
        "operator",
        entry["key_id"],
    )
    last = client.get("/api/ledger/entries", params={"start": 6, "limit": 3}).json()
    assert ([e["seq"] for e in last["entries"]], last["next"]) == ([6], None)
    assert (
        client.get("/api/ledger/entries/4").json()
        == (client.get("/api/ledger/entries", params={"start": 4, "limit": 1}).json()["entries"][0])
    )


def test_a_missing_entry_or_bad_range_answers_in_the_error_shape(client: TestClient) -> None:
    missing = client.get("/api/ledger/entries/7")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["field"] == "path"
    too_many = client.get("/api/ledger/entries", params={"limit": 100_000})
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "limit"
    outside = client.get("/api/ledger/proofs/inclusion", params={"seq": 3, "size": 9})
    assert outside.status_code == 422
    assert outside.json() == {
        "errors": [{"field": "size", "reason": "must be from 1 to the log's size, 7"}]
    }


def test_proofs_verify_against_the_published_checkpoint(client: TestClient) -> None:
    note = parse_note(client.get("/api/ledger/checkpoint").text)
    root = parse_checkpoint(note.body).root
    for seq in range(7):
        body = client.get("/api/ledger/proofs/inclusion", params={"seq": seq, "size": 7}).json()
        proof = [b64(h) for h in body["proof"]]
        assert b64(body["root"]) == root
        assert merkle.verify_inclusion(b64(body["leaf_hash"]), seq, 7, proof, root)
    body = client.get("/api/ledger/proofs/consistency", params={"old": 3, "new": 7}).json()
    assert b64(body["new_root"]) == root
    proof = [b64(h) for h in body["proof"]]
    assert merkle.verify_consistency(3, 7, b64(body["old_root"]), root, proof)


def test_a_witness_posts_its_cosignature_and_it_is_shown(client: TestClient) -> None:
    note = parse_note(client.get("/api/ledger/checkpoint").text)
    key = Ed25519Signer.generate()
    line = cosign(parse_checkpoint(note.body), "witness.ru", key, 1_700_000_000).line()
    vkey = verifier_key("witness.ru", key.public_key)
    posted = client.post(
        "/api/ledger/cosignatures", json={"size": 7, "cosignature": line, "verifier_key": vkey}
    )
    assert posted.status_code == 201, posted.text
    assert posted.json()["witness"] == "witness.ru"
    [shown] = client.get("/api/ledger/cosignatures", params={"size": 7}).json()
    assert (shown["key_id"], shown["timestamp"]) == (key.key_id, 1_700_000_000)
    served = parse_note(client.get("/api/ledger/checkpoint").text)
    assert [s.name for s in served.signatures][-1] == "witness.ru"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"size": 7, "cosignature": "— witness.ru AAAA", "verifier_key": "x"}, 422, "verifier_key"),
        ({"size": 7, "cosignature": "nonsense", "verifier_key": None}, 422, "verifier_key"),
        ({"size": 7, "cosignature": "x", "verifier_key": "y", "extra": 1}, 422, "extra"),
    ],
)
def test_a_bad_cosignature_is_refused_naming_the_field(
    client: TestClient, body: dict[str, object], status: int, field: str
) -> None:
    response = client.post("/api/ledger/cosignatures", json=body)
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field


def test_a_live_log_verifies_through_an_injected_transport(app: App, client: TestClient) -> None:
    with LedgerClient(
        "http://log.test/api/ledger", transport=forwarding_transport(client), page=3
    ) as remote:
        report = verify_bundle(remote_bundle(remote), log_key=app.log.verifier_key())
    assert report.valid, report.summary()
    assert report.size == 7


def test_the_server_publishes_a_checkpoint_when_it_starts(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, checkpoint_interval_s=3600)
    try:
        append_events(app, 2)
        with TestClient(create_app(app)) as client:
            for _ in range(200):  # the publisher runs in a thread: give it a moment
                response = client.get("/api/ledger/checkpoint")
                if response.status_code == 200:
                    break
                time.sleep(0.01)
        assert parse_checkpoint(parse_note(response.text).body).size == 2
    finally:
        app.close()
