"""Verifying bundles offline: what is valid, and the first bad entry of what is not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ledger_support import append_events, event, make_app, register_user
from truceline.adapters.notes import Checkpoint, cosign, parse_checkpoint, parse_note, verifier_key
from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App
from truceline.domain import merkle
from truceline.domain.errors import InputError
from truceline.domain.ledger import assemble_leaf, b64
from truceline.services.ledger import (
    LogIdentity,
    add_cosignature,
    event_json,
    publish_checkpoint,
    record,
)
from truceline.services.ledger_verify import BUNDLE_FORMAT, entry_line, export_bundle, verify_bundle

ORIGIN = "test.local/log"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    app = make_app(f"sqlite:///{tmp_path / 'ledger.db'}", tmp_path)
    try:
        yield app
    finally:
        app.close()


def exported(app: App, tmp_path: Path) -> list[str]:
    """The lines of a bundle of the app's log, checkpoint published first."""
    publish_checkpoint(app.uow(), app.log)
    out = tmp_path / "bundle.jsonl"
    export_bundle(app.uow(), app.log, out)
    return out.read_text(encoding="utf-8").splitlines()


def bundle(log: Ed25519Signer, leaves: list[bytes], size: int | None = None) -> list[str]:
    """A bundle made by hand: these leaves, and a checkpoint of them signed by ``log``."""
    frontier = merkle.Frontier()
    for leaf in leaves:
        frontier.append(merkle.leaf_hash(leaf))
    identity = LogIdentity(ORIGIN, log)
    note = identity.sign_checkpoint(Checkpoint(ORIGIN, len(leaves), frontier.root()))
    header = {
        "format": BUNDLE_FORMAT,
        "origin": ORIGIN,
        "log_key": identity.verifier_key(),
        "checkpoint": note.text(),
        "size": size or len(leaves),
        "cosignatures": [],
    }
    lines = [entry_line(n, leaf, merkle.leaf_hash(leaf)) for n, leaf in enumerate(leaves)]
    return [json.dumps(header), *lines]


def signed_leaf(body_json: bytes, key: Ed25519Signer) -> bytes:
    return assemble_leaf(body_json, key.public_key, key.sign(body_json))


def test_an_exported_log_verifies_with_its_size_and_root(app: App, tmp_path: Path) -> None:
    key = register_user(app, "usr_a")
    with app.uow() as uow:
        record(uow, event(1, actor="usr_a", party="tr"), key)
        uow.commit()
    append_events(app, 3, start=2)
    lines = exported(app, tmp_path)
    report = verify_bundle(lines, log_key=app.log.verifier_key())
    assert report.valid, report.summary()
    assert (report.size, report.checked, report.first_bad) == (5, 5, None)
    checkpoint = parse_checkpoint(parse_note(json.loads(lines[0])["checkpoint"]).body)
    assert report.root == checkpoint.root
    assert report.summary().startswith("valid: 5 entries of truceline.local/ledger")


def test_progress_is_reported_while_verifying(app: App, tmp_path: Path) -> None:
    append_events(app, 3)
    seen: list[tuple[int, int]] = []
    assert verify_bundle(exported(app, tmp_path), progress=lambda d, t: seen.append((d, t))).valid
    assert seen[-1] == (3, 3)


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        ([], "empty"),
        (["not json"], "not JSON"),
        (['{"format": "other/1"}'], "does not declare the format"),
        ([json.dumps({"format": BUNDLE_FORMAT})], "header is not readable"),
    ],
)
def test_what_is_not_a_bundle_is_an_input_error(lines: list[str], reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        verify_bundle(lines)


def test_a_log_key_other_than_the_one_trusted_is_reported(app: App, tmp_path: Path) -> None:
    append_events(app, 1)
    other = verifier_key(app.log.origin, Ed25519Signer.generate().public_key)
    report = verify_bundle(exported(app, tmp_path), log_key=other)
    assert not report.valid
    assert "not the log key you gave" in report.reason


def test_a_checkpoint_whose_signature_fails_is_reported(app: App, tmp_path: Path) -> None:
    append_events(app, 2)
    lines = exported(app, tmp_path)
    header = json.loads(lines[0])
    note = parse_note(header["checkpoint"])
    forged = app.log.sign_checkpoint(Checkpoint(app.log.origin, 2, bytes(32)))
    header["checkpoint"] = note.body + "\n" + forged.signatures[0].line()
    report = verify_bundle([json.dumps(header), *lines[1:]])
    assert not report.valid
    assert report.first_bad is None
    assert "signature" in report.reason


@pytest.mark.parametrize(
    ("change", "first_bad", "reason"),
    [
        (lambda e: e[:2] + e[3:], 2, "missing"),
        (lambda e: [*e[:2], e[3], e[2], *e[4:]], 2, "out of place: entry 3 comes where 2"),
        (lambda e: [*e[:3], e[1], *e[3:]], 3, "out of order: entry 1 comes where 3"),
        (lambda e: e[:-1], 4, "missing: the bundle ends after 4 entries"),
        (lambda e: [*e, e[-1].replace('"seq": 4', '"seq": 5')], 5, "beyond the checkpoint"),
        (lambda e: [*e[:1], "{", *e[2:]], 1, "not an entry line"),
    ],
    ids=["gap", "swapped lines", "repeated line", "truncated", "one too many", "garbage"],
)
def test_a_damaged_sequence_of_entries_names_the_first_bad_one(
    app: App, tmp_path: Path, change: object, first_bad: int, reason: str
) -> None:
    append_events(app, 5)
    header, *entries = exported(app, tmp_path)
    report = verify_bundle([header, *change(entries)])  # type: ignore[operator]
    assert not report.valid
    assert report.first_bad == first_bad
    assert reason in report.reason


def test_an_edited_event_fails_its_leaf_hash_and_then_its_signature(
    app: App, tmp_path: Path
) -> None:
    append_events(app, 3)
    header, *entries = exported(app, tmp_path)
    item = json.loads(entries[1])
    item["leaf"] = item["leaf"].replace('"n":1', '"n":7')
    tree_hash_kept = verify_bundle([header, entries[0], json.dumps(item), entries[2]])
    assert (tree_hash_kept.first_bad, tree_hash_kept.valid) == (1, False)
    assert "not the leaf the tree recorded" in tree_hash_kept.reason
    item["leaf_hash"] = b64(merkle.leaf_hash(item["leaf"].encode()))
    rehashed = verify_bundle([header, entries[0], json.dumps(item), entries[2]])
    assert rehashed.first_bad == 1
    assert "signature by 'operator' does not verify" in rehashed.reason


def test_a_rewritten_history_with_consistent_leaf_hashes_fails_the_tree_head(
    app: App, tmp_path: Path
) -> None:
    append_events(app, 3)
    header, *entries = exported(app, tmp_path)
    swapped = []
    for line in (entries[1], entries[0], entries[2]):
        swapped.append(json.loads(line))
    for seq, item in enumerate(swapped):
        item["seq"] = seq
    report = verify_bundle([header, *(json.dumps(i) for i in swapped)])
    assert not report.valid
    assert report.first_bad is None
    assert "history was rewritten" in report.reason


def test_entries_by_a_user_need_a_key_registered_earlier_in_the_log() -> None:
    log, user = Ed25519Signer.generate(), Ed25519Signer.generate()
    registration = event(
        1, name="user.key_registered", subject="usr_a", data={"public_key": b64(user.public_key)}
    )
    by_user = event(2, actor="usr_a", party="tr")
    leaves = [
        signed_leaf(event_json(by_user.body()), user),
        signed_leaf(event_json(registration.body()), log),
        signed_leaf(event_json(by_user.body()), user),
    ]
    early = verify_bundle(bundle(log, leaves))
    assert early.first_bad == 0
    assert "no key is registered for 'usr_a' before this entry" in early.reason
    assert verify_bundle(bundle(log, leaves[1:])).valid
    impostor = [leaves[1], signed_leaf(event_json(by_user.body()), Ed25519Signer.generate())]
    assert verify_bundle(bundle(log, impostor)).first_bad == 1


def test_an_operator_entry_signed_by_another_key_is_refused() -> None:
    log = Ed25519Signer.generate()
    body = b'{"actor":"operator","data":{},"name":"agreement.loaded","party":null,'
    body += b'"subject":"agreement:x","time":"2020-03-06T00:01:00.000000Z"}'
    report = verify_bundle(bundle(log, [signed_leaf(body, Ed25519Signer.generate())]))
    assert report.first_bad == 0
    assert "log's key" in report.reason


def test_an_event_signed_in_a_form_other_than_canonical_json_is_refused() -> None:
    log = Ed25519Signer.generate()
    duplicate_key = (
        b'{"actor":"operator","data":{},"name":"agreement.loaded","party":null,'
        b'"subject":"agreement:x","subject":"agreement:y","time":"2020-03-06T00:01:00.000000Z"}'
    )
    report = verify_bundle(bundle(log, [signed_leaf(duplicate_key, log)]))
    assert report.first_bad == 0
    assert "canonical JSON" in report.reason


def test_an_unknown_event_name_is_refused() -> None:
    log = Ed25519Signer.generate()
    body = b'{"actor":"operator","data":{},"name":"made.up","party":null,'
    body += b'"subject":"x","time":"2020-03-06T00:01:00.000000Z"}'
    report = verify_bundle(bundle(log, [signed_leaf(body, log)]))
    assert (report.first_bad, report.valid) == (0, False)
    assert "unknown event name" in report.reason


def test_a_required_witness_must_have_cosigned_the_checkpoint(app: App, tmp_path: Path) -> None:
    append_events(app, 2)
    publish_checkpoint(app.uow(), app.log)
    witness = Ed25519Signer.generate()
    witness_key = verifier_key("witness.ru", witness.public_key)
    missing = verify_bundle(exported(app, tmp_path), witness_keys=[witness_key])
    assert not missing.valid
    assert "witness.ru" in missing.reason
    with app.uow() as uow:
        note = uow.ledger.checkpoint()
    assert note is not None
    checkpoint = parse_checkpoint(parse_note(note.note).body)
    line = cosign(checkpoint, "witness.ru", witness, 1_700_000_000).line()
    add_cosignature(app.uow(), 2, line, witness_key)
    report = verify_bundle(exported(app, tmp_path), witness_keys=[witness_key])
    assert report.valid
    assert report.cosigned_by == ("witness.ru",)


def test_a_disabled_user_s_key_may_not_sign_after_the_disabling_entry() -> None:
    log, user = Ed25519Signer.generate(), Ed25519Signer.generate()
    registration = event(
        1, name="user.key_registered", subject="usr_a", data={"public_key": b64(user.public_key)}
    )
    by_user = event(2, actor="usr_a", party="tr")
    disabled = event(3, name="user.disabled", subject="usr_a", data={"username": "a"})
    leaves = [
        signed_leaf(event_json(registration.body()), log),
        signed_leaf(event_json(by_user.body()), user),
        signed_leaf(event_json(disabled.body()), log),
        signed_leaf(event_json(by_user.body()), user),
    ]
    assert verify_bundle(bundle(log, leaves[:3])).valid
    report = verify_bundle(bundle(log, leaves))
    assert report.first_bad == 3
    assert "'usr_a' was disabled by an earlier entry" in report.reason


def test_the_log_refuses_an_entry_by_a_disabled_user(app: App) -> None:
    user = register_user(app, "usr_b")
    with app.uow() as uow:
        record(
            uow,
            event(1, name="user.disabled", subject="usr_b", data={"username": "b"}),
            app.log.signer,
        )
        uow.commit()
    with app.uow() as uow, pytest.raises(InputError, match="was disabled"):
        record(uow, event(2, actor="usr_b", party="tr"), user)
