"""The ledger service on a real SQLite file: recording, checkpoints, proofs, cosignatures."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.ledger_support import T0, append_events, event, make_app, register_user
from tests.packs import copy_example, edit_text
from truceline.adapters.notes import (
    Checkpoint,
    Note,
    cosign,
    parse_checkpoint,
    parse_note,
    parse_verifier_key,
    verifier_key,
    verify_note,
)
from truceline.adapters.signing import Ed25519Signer, canonical_json
from truceline.bootstrap import App, bootstrap
from truceline.domain import merkle
from truceline.domain.errors import ConflictError, InputError, NotFoundError
from truceline.domain.events import OPERATOR, Event
from truceline.domain.ledger import parse_leaf
from truceline.services.agreements import LoadPack
from truceline.services.ledger import (
    add_cosignature,
    entries_page,
    get_entry,
    history,
    latest_checkpoint,
    list_cosignatures,
    publish_checkpoint,
    record,
    record_presigned,
    served_checkpoint,
)
from truceline.services.ledger_proofs import consistency_proof, inclusion_proof
from truceline.settings import Settings


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    app = make_app(f"sqlite:///{tmp_path / 'ledger.db'}", tmp_path)
    try:
        yield app
    finally:
        app.close()


def test_entries_are_numbered_from_zero_in_the_order_they_are_recorded(app: App) -> None:
    append_events(app, 3)
    page = entries_page(app.uow(), 0, 10)
    assert page.size == 3
    assert [e.seq for e, _ in page.entries] == [0, 1, 2]
    assert [e.subject for e, _ in page.entries] == [f"agreement:test-{n}" for n in range(3)]
    assert all(tree_hash == e.leaf_hash for e, tree_hash in page.entries)


def test_an_entry_recorded_in_a_unit_of_work_that_is_not_committed_is_not_kept(app: App) -> None:
    with app.uow() as uow:
        record(uow, event(1), app.log.signer)
    assert entries_page(app.uow(), 0, 10).size == 0


def test_loading_a_pack_records_it_in_the_same_transaction(app: App, tmp_path: Path) -> None:
    app.load(LoadPack(copy_example(tmp_path)))
    pack = copy_example(tmp_path / "changed")
    edit_text(pack, "agreement.yaml", "title: Idlib", "title: The Idlib")
    app.load(LoadPack(pack, replace=True))
    entries = history(app.uow(), "agreement:idlib-m4")
    assert [e.event for e in entries] == ["agreement.loaded", "agreement.replaced"]
    assert all(e.actor == OPERATOR and e.key_id == app.log.signer.key_id for e in entries)
    first, second = (parse_leaf(e.leaf).body for e in entries)
    assert second["data"]["previous_digest"] == first["data"]["digest"]


def test_a_pack_refused_as_a_conflict_records_nothing(app: App, tmp_path: Path) -> None:
    app.load(LoadPack(copy_example(tmp_path)))
    pack = copy_example(tmp_path / "changed")
    edit_text(pack, "agreement.yaml", "title: Idlib", "title: The Idlib")
    with pytest.raises(ConflictError):
        app.load(LoadPack(pack))
    assert entries_page(app.uow(), 0, 10).size == 1


def test_a_failure_after_the_entry_rolls_back_the_change_and_the_entry(app: App) -> None:
    def change_that_fails_after_its_entry() -> None:
        with app.uow() as uow:
            record(uow, event(1), app.log.signer)
            raise RuntimeError("the change failed after its entry was appended")

    with pytest.raises(RuntimeError):
        change_that_fails_after_its_entry()
    assert entries_page(app.uow(), 0, 10).size == 0


def test_a_user_without_a_registered_key_cannot_sign_entries(app: App) -> None:
    with pytest.raises(InputError, match="no key is registered for 'usr_a'"), app.uow() as uow:
        record(uow, event(1, actor="usr_a"), Ed25519Signer.generate())


def test_a_user_signs_entries_with_the_key_registered_for_them(app: App) -> None:
    key = register_user(app, "usr_a")
    with app.uow() as uow:
        entry = record(uow, event(1, actor="usr_a", party="tr"), key)
        uow.commit()
    assert entry.seq == 1
    assert entry.key_id == key.key_id
    with pytest.raises(InputError, match="not one registered"), app.uow() as uow:
        record(uow, event(2, actor="usr_a"), Ed25519Signer.generate())


def test_operator_entries_must_be_signed_with_the_log_key(app: App) -> None:
    append_events(app, 1)
    with pytest.raises(ConflictError, match="log key"), app.uow() as uow:
        record(uow, event(2), Ed25519Signer.generate())


def presigned(key: Ed25519Signer, e: Event) -> tuple[dict[str, object], bytes, bytes]:
    body = e.body()
    return body, key.public_key, key.sign(canonical_json(body))


def test_an_entry_signed_on_the_client_is_appended_as_signed(app: App) -> None:
    key = register_user(app, "usr_a")
    body, public_key, signature = presigned(key, event(5, actor="usr_a", party="ru"))
    with app.uow() as uow:
        entry = record_presigned(uow, body, public_key, signature)
        uow.commit()
    stored, _ = get_entry(app.uow(), entry.seq)
    assert parse_leaf(stored.leaf).body == body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b, k, s: (b, k, bytes(64)), "signature"),
        (lambda b, k, s: ({**b, "subject": "agreement:other"}, k, s), "signature"),
        (lambda b, k, s: ({**b, "time": "2020-03-06T00:01:05+00:00"}, k, s), "event"),
        (lambda b, k, s: ({**b, "name": "no.such"}, k, s), "event"),
        (lambda b, k, s: (b, k[:31], s), "public_key"),
        (lambda b, k, s: ({**b, "actor": OPERATOR}, k, s), "event.actor"),
    ],
    ids=[
        "bad signature",
        "changed body",
        "not normal form",
        "unknown event",
        "short key",
        "operator",
    ],
)
def test_a_presigned_entry_that_does_not_hold_is_refused_naming_the_field(
    app: App, change: object, field: str
) -> None:
    key = register_user(app, "usr_a")
    body, public_key, signature = change(*presigned(key, event(5, actor="usr_a")))  # type: ignore[operator]
    with pytest.raises(InputError) as raised, app.uow() as uow:
        record_presigned(uow, body, public_key, signature)
    assert raised.value.field == field
    assert entries_page(app.uow(), 0, 10).size == 1


def test_a_presigned_entry_with_an_unregistered_key_is_refused(app: App) -> None:
    body, public_key, signature = presigned(Ed25519Signer.generate(), event(5, actor="usr_b"))
    with pytest.raises(InputError, match="no key is registered"), app.uow() as uow:
        record_presigned(uow, body, public_key, signature)


def test_a_checkpoint_is_a_note_signed_by_the_log_key_over_the_tree_head(app: App) -> None:
    append_events(app, 5)
    note = publish_checkpoint(app.uow(), app.log)
    name, public_key = parse_verifier_key(app.log.verifier_key())
    assert name == app.settings.log_origin
    assert verify_note(note, name, public_key)
    checkpoint = parse_checkpoint(note.body)
    assert (checkpoint.origin, checkpoint.size) == ("truceline.local/ledger", 5)
    leaves = [e.leaf_hash for e, _ in entries_page(app.uow(), 0, 5).entries]
    frontier = merkle.Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    assert checkpoint.root == frontier.root()
    assert latest_checkpoint(app.uow()).size == 5


def test_publishing_again_without_new_entries_gives_the_same_checkpoint(app: App) -> None:
    append_events(app, 2)
    first = publish_checkpoint(app.uow(), app.log)
    assert publish_checkpoint(app.uow(), app.log).text() == first.text()
    append_events(app, 1, start=2)
    assert parse_checkpoint(publish_checkpoint(app.uow(), app.log).body).size == 3


def test_an_empty_log_has_a_checkpoint_of_size_zero(app: App) -> None:
    checkpoint = parse_checkpoint(publish_checkpoint(app.uow(), app.log).body)
    assert (checkpoint.size, checkpoint.root) == (0, merkle.EMPTY_ROOT)


def test_no_checkpoint_yet_is_not_found(app: App) -> None:
    with pytest.raises(NotFoundError):
        latest_checkpoint(app.uow())
    with pytest.raises(NotFoundError):
        served_checkpoint(app.uow())


def test_the_log_refuses_a_log_key_other_than_the_one_it_was_signed_with(
    app: App, tmp_path: Path
) -> None:
    append_events(app, 1)
    other = make_app(app.settings.database_url, tmp_path / "other")
    try:
        with pytest.raises(ConflictError, match="TRUCELINE_LOG_KEY"):
            publish_checkpoint(other.uow(), other.log)
    finally:
        other.close()


def test_the_log_refuses_to_sign_a_tree_that_forks_from_its_last_checkpoint(app: App) -> None:
    append_events(app, 4)
    publish_checkpoint(app.uow(), app.log)
    with app.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER ledger_nodes_no_update"))
        conn.execute(text("UPDATE ledger_nodes SET hash = :h WHERE level = 2"), {"h": bytes(32)})
    with pytest.raises(ConflictError, match="refusing to sign a fork"):
        publish_checkpoint(app.uow(), app.log)


def test_inclusion_proofs_of_every_entry_verify_against_each_checkpoint(app: App) -> None:
    append_events(app, 11)
    for size in (1, 6, 8, 11):
        root = parse_checkpoint(checkpoint_at(app, size).body).root
        for seq in range(size):
            proof = inclusion_proof(app.uow(), seq, size)
            assert proof.root == root
            assert merkle.verify_inclusion(proof.leaf_hash, seq, size, proof.proof, root)


def checkpoint_at(app: App, size: int) -> Note:
    """A checkpoint of the log as it was at ``size`` (the tree head from the stored nodes)."""
    with app.uow() as uow:
        root = merkle.root(size, uow.ledger.node)
    return app.log.sign_checkpoint(Checkpoint(app.log.origin, size, root))


def test_consistency_proofs_between_all_sizes_verify(app: App) -> None:
    append_events(app, 9)
    for old in range(10):
        for new in range(old, 10):
            proof = consistency_proof(app.uow(), old, new)
            assert merkle.verify_consistency(old, new, proof.old_root, proof.new_root, proof.proof)


@pytest.mark.parametrize(
    ("seq", "size", "field"), [(0, 0, "size"), (0, 4, "size"), (3, 3, "seq"), (-1, 2, "seq")]
)
def test_an_inclusion_proof_outside_the_log_is_refused(
    app: App, seq: int, size: int, field: str
) -> None:
    append_events(app, 3)
    with pytest.raises(InputError) as raised:
        inclusion_proof(app.uow(), seq, size)
    assert raised.value.field == field


@pytest.mark.parametrize(("old", "new", "field"), [(2, 4, "new"), (3, 2, "old"), (-1, 2, "old")])
def test_a_consistency_proof_outside_the_log_is_refused(
    app: App, old: int, new: int, field: str
) -> None:
    append_events(app, 3)
    with pytest.raises(InputError) as raised:
        consistency_proof(app.uow(), old, new)
    assert raised.value.field == field


def test_an_entry_that_does_not_exist_is_not_found(app: App) -> None:
    append_events(app, 1)
    with pytest.raises(NotFoundError):
        get_entry(app.uow(), 1)
    with pytest.raises(InputError):
        entries_page(app.uow(), 0, 0)


def witness_cosignature(app: App, name: str = "witness.tr") -> tuple[str, str, Ed25519Signer]:
    """A witness's cosignature line of the latest checkpoint, its verifier key, and its key."""
    key = Ed25519Signer.generate()
    checkpoint = parse_checkpoint(parse_note(latest_checkpoint(app.uow()).note).body)
    line = cosign(checkpoint, name, key, 1_600_000_000).line().rstrip("\n")
    return line, verifier_key(name, key.public_key), key


def test_a_witness_cosignature_is_stored_and_served_with_the_checkpoint(app: App) -> None:
    append_events(app, 2)
    publish_checkpoint(app.uow(), app.log)
    line, vkey, key = witness_cosignature(app)
    stored = add_cosignature(app.uow(), 2, line, vkey)
    assert (stored.witness, stored.key_id, stored.timestamp) == (
        "witness.tr",
        key.key_id,
        1_600_000_000,
    )
    assert list_cosignatures(app.uow(), 2) == [stored]
    served = parse_note(served_checkpoint(app.uow()))
    assert [s.name for s in served.signatures] == ["truceline.local/ledger", "witness.tr"]
    again = add_cosignature(app.uow(), 2, line, vkey)
    assert list_cosignatures(app.uow()) == [again]


def test_a_cosignature_that_does_not_verify_is_refused(app: App) -> None:
    append_events(app, 2)
    publish_checkpoint(app.uow(), app.log)
    line, _, _ = witness_cosignature(app)
    _, other_vkey, _ = witness_cosignature(app)
    with pytest.raises(InputError) as raised:
        add_cosignature(app.uow(), 2, line, other_vkey)
    assert raised.value.field == "cosignature"
    with pytest.raises(InputError) as raised:
        add_cosignature(app.uow(), 2, line, "not a key")
    assert raised.value.field == "verifier_key"
    with pytest.raises(InputError):
        add_cosignature(app.uow(), 2, "— witness.tr !!!", other_vkey)
    with pytest.raises(NotFoundError):
        add_cosignature(app.uow(), 7, line, other_vkey)
    assert list_cosignatures(app.uow()) == []


def test_the_log_key_is_generated_on_first_start_private_to_its_owner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "keys" / "log.key"
    first = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}", log_key=key_file))
    first.close()
    assert "generated a new one" in capsys.readouterr().err
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}", log_key=key_file))
    second.close()
    assert capsys.readouterr().err == ""
    assert second.log.key_id == first.log.key_id


def test_a_log_key_file_that_is_not_a_key_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "log.key"
    bad.write_text("not a key")
    with pytest.raises(InputError) as raised:
        make_app(f"sqlite:///{tmp_path / 'a.db'}", tmp_path)
    assert raised.value.field == "log_key"


def test_recorded_times_and_event_times_come_back_in_utc(app: App) -> None:
    append_events(app, 1)
    entry, _ = get_entry(app.uow(), 0)
    assert entry.time == T0
    assert entry.recorded_at.tzinfo is not None
    assert len(entry.leaf_hash) == 32
