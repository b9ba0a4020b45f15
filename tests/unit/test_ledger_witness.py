"""The witness against a log in the same process: consistency, cosignatures, forks as evidence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ledger_support import append_events, make_app
from truceline.adapters.notes import Checkpoint, parse_checkpoint, parse_note, verify_cosignature
from truceline.adapters.signing import Ed25519Signer
from truceline.bootstrap import App
from truceline.domain.errors import ConflictError, InputError
from truceline.services.ledger import (
    LogIdentity,
    add_cosignature,
    entries_page,
    list_cosignatures,
    publish_checkpoint,
    served_checkpoint,
)
from truceline.services.ledger_proofs import consistency_proof
from truceline.services.witness import WitnessStatus, witness


class InProcessLog:
    """The RemoteLog a witness reads, served straight from the services of an App."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.served: str | None = None  # when set, served instead of the real checkpoint
        self.proof: list[bytes] | None = None  # when set, served instead of the real proof
        self.refuse_cosignatures = False

    def checkpoint(self) -> str:
        return self.served or served_checkpoint(self.app.uow())

    def verifier_key(self) -> str:
        return self.app.log.verifier_key()

    def cosignatures(self, size: int) -> list[dict[str, Any]]:
        return []

    def entries(self, start: int, stop: int) -> Iterator[dict[str, Any]]:
        return iter(())

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        if self.proof is not None:
            return self.proof
        return consistency_proof(self.app.uow(), old, new).proof

    def submit_cosignature(self, size: int, line: str, verifier_key: str) -> None:
        if self.refuse_cosignatures:
            raise InputError("url", "HTTP 503: try later")
        add_cosignature(self.app.uow(), size, line, verifier_key)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    app = make_app(f"sqlite:///{tmp_path / 'ledger.db'}", tmp_path)
    try:
        yield app
    finally:
        app.close()


@pytest.fixture
def log(app: App) -> InProcessLog:
    return InProcessLog(app)


@pytest.fixture
def key() -> Ed25519Signer:
    return Ed25519Signer.generate()


def grow(app: App, count: int) -> None:
    """Append ``count`` entries and publish a checkpoint."""
    append_events(app, count, start=entries_page(app.uow(), 0, 1).size)
    publish_checkpoint(app.uow(), app.log)


def test_the_first_checkpoint_is_trusted_cosigned_and_given_back_to_the_log(
    app: App, log: InProcessLog, key: Ed25519Signer, tmp_path: Path
) -> None:
    grow(app, 3)
    state = tmp_path / "witness"
    result = witness(log, state, "witness.tr", key)
    assert result.status is WitnessStatus.FIRST
    assert result.consistent
    assert (result.size, result.submitted) == (3, True)
    assert (state / "log.vkey").read_text().strip() == app.log.verifier_key()
    kept = parse_note(Path(state / "checkpoint").read_text())
    assert [s.name for s in kept.signatures] == [app.log.origin, "witness.tr"]
    [stored] = list_cosignatures(app.uow(), 3)
    assert stored.witness == "witness.tr"
    assert verify_cosignature(
        parse_checkpoint(kept.body), kept.signatures[1], "witness.tr", key.public_key
    )


def test_an_unchanged_log_and_a_grown_log_are_consistent(
    app: App, log: InProcessLog, key: Ed25519Signer, tmp_path: Path
) -> None:
    grow(app, 3)
    state = tmp_path / "witness"
    witness(log, state, "witness.tr", key)
    assert witness(log, state, "witness.tr", key).status is WitnessStatus.UNCHANGED
    grow(app, 5)
    result = witness(log, state, "witness.tr", key)
    assert result.status is WitnessStatus.CONSISTENT
    assert (result.previous_size, result.size) == (3, 8)
    assert parse_checkpoint(parse_note((state / "checkpoint").read_text()).body).size == 8


def forged(app: App, size: int, root: bytes) -> str:
    """A checkpoint signed by the log's own key over another tree: what a fork looks like."""
    return app.log.sign_checkpoint(Checkpoint(app.log.origin, size, root)).text()


@pytest.mark.parametrize(
    ("size", "reason"),
    [(3, "two different trees of size 3"), (2, "went back from size 3 to size 2")],
    ids=["same size, other root", "smaller"],
)
def test_a_rewritten_history_is_a_fork_with_both_checkpoints_as_evidence(
    app: App, log: InProcessLog, key: Ed25519Signer, tmp_path: Path, size: int, reason: str
) -> None:
    grow(app, 3)
    state = tmp_path / "witness"
    witness(log, state, "witness.tr", key)
    seen = (state / "checkpoint").read_text()
    log.served = forged(app, size, bytes(range(32)))
    result = witness(log, state, "witness.tr", key)
    assert result.status is WitnessStatus.FORK
    assert not result.consistent
    assert reason in result.reason
    names = sorted(p.name for p in result.evidence)
    assert names == ["seen.checkpoint", "served.checkpoint"]
    evidence = {p.name: p.read_text() for p in result.evidence}
    assert evidence["seen.checkpoint"] == seen
    assert evidence["served.checkpoint"] == log.served
    assert (state / "checkpoint").read_text() == seen, "a fork is never accepted"


def test_a_larger_tree_that_does_not_extend_the_old_one_is_a_fork(
    app: App, log: InProcessLog, key: Ed25519Signer, tmp_path: Path
) -> None:
    grow(app, 3)
    state = tmp_path / "witness"
    witness(log, state, "witness.tr", key)
    log.served = forged(app, 9, bytes(32))
    log.proof = [bytes(32)] * 3
    result = witness(log, state, "witness.tr", key)
    assert result.status is WitnessStatus.FORK
    assert "consistency proof fails" in result.reason
    assert sorted(p.name for p in result.evidence) == [
        "proof.txt",
        "seen.checkpoint",
        "served.checkpoint",
    ]


def test_a_checkpoint_not_signed_by_the_pinned_log_key_is_invalid(
    app: App, log: InProcessLog, key: Ed25519Signer, tmp_path: Path
) -> None:
    grow(app, 2)
    state = tmp_path / "witness"
    witness(log, state, "witness.tr", key)
    impostor = LogIdentity(app.log.origin, Ed25519Signer.generate())
    log.served = impostor.sign_checkpoint(Checkpoint(app.log.origin, 4, bytes(32))).text()
    result = witness(log, state, "witness.tr", key)
    assert result.status is WitnessStatus.INVALID
    assert "not signed by the log's key" in result.reason
    log.served = "garbage\n"
    assert witness(log, state, "witness.tr", key).status is WitnessStatus.INVALID


def test_a_log_key_given_that_differs_from_the_pinned_one_is_refused(
    app: App, log: InProcessLog, key: Ed25519Signer, tmp_path: Path
) -> None:
    grow(app, 1)
    state = tmp_path / "witness"
    witness(log, state, "witness.tr", key)
    other = LogIdentity(app.log.origin, Ed25519Signer.generate()).verifier_key()
    with pytest.raises(ConflictError, match="pinned"):
        witness(log, state, "witness.tr", key, log_key=other)
    with pytest.raises(InputError):
        witness(log, tmp_path / "new", "witness.tr", key, log_key="nonsense")
    with pytest.raises(InputError):
        witness(log, tmp_path / "new", "bad name", key)


def test_a_log_key_given_on_the_first_run_is_used_and_pinned(
    app: App, log: InProcessLog, key: Ed25519Signer, tmp_path: Path
) -> None:
    grow(app, 1)
    impostor = LogIdentity(app.log.origin, Ed25519Signer.generate()).verifier_key()
    result = witness(log, tmp_path / "w", "witness.tr", key, log_key=impostor)
    assert result.status is WitnessStatus.INVALID
    assert (tmp_path / "w" / "log.vkey").read_text().strip() == impostor


def test_a_cosignature_the_log_does_not_take_is_reported_not_fatal(
    app: App, log: InProcessLog, key: Ed25519Signer, tmp_path: Path
) -> None:
    grow(app, 1)
    log.refuse_cosignatures = True
    result = witness(log, tmp_path / "w", "witness.tr", key)
    assert result.consistent
    assert not result.submitted
    assert "503" in (result.submit_error or "")
