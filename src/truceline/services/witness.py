"""A witness: a party's own process that checks the log never rewrites its history.

Each run fetches the log's latest checkpoint, checks the log's signature on it
(the log key is pinned in the state folder on first use, or given), and
compares it with the last checkpoint this witness saw:

- same size and root: unchanged;
- larger: the log must prove, with an RFC 9162 consistency proof, that the new
  tree extends the old one;
- smaller, or same size with another root, or a proof that fails: a **fork**.
  Both checkpoints are signed by the log key and cannot both be true: they are
  written to ``forks/`` as evidence, and the new one is not accepted.

When the log is consistent, the witness cosigns the checkpoint (C2SP
tlog-cosignature, ``cosignature/v1``), stores it with its cosignature as the
new last-seen checkpoint, and gives the cosignature back to the log.

State folder: ``log.vkey`` (the pinned log key), ``checkpoint`` (the last
checkpoint seen, with this witness's cosignature), ``witness.vkey`` (this
witness's verifier key, to publish), ``forks/`` (evidence).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

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
from truceline.adapters.signing import Ed25519Signer
from truceline.domain import merkle
from truceline.domain.errors import ConflictError, InputError, TrucelineError
from truceline.domain.ledger import b64
from truceline.services.ledger import utc_now
from truceline.services.ledger_verify import RemoteLog

LOG_KEY_FILE = "log.vkey"
CHECKPOINT_FILE = "checkpoint"
WITNESS_KEY_FILE = "witness.vkey"
FORKS_DIR = "forks"


class WitnessStatus(StrEnum):
    """What a witness run found."""

    FIRST = "first"
    UNCHANGED = "unchanged"
    CONSISTENT = "consistent"
    FORK = "fork"
    INVALID = "invalid"


@dataclass(frozen=True)
class WitnessResult:
    """The outcome of one witness run."""

    status: WitnessStatus
    reason: str
    size: int | None = None
    root: bytes | None = None
    previous_size: int | None = None
    evidence: tuple[Path, ...] = ()
    cosignature: str | None = None
    submitted: bool = False
    submit_error: str | None = None

    @property
    def consistent(self) -> bool:
        """Whether the log's new checkpoint was accepted and cosigned."""
        return self.status in (
            WitnessStatus.FIRST,
            WitnessStatus.UNCHANGED,
            WitnessStatus.CONSISTENT,
        )


def witness(
    fetch: RemoteLog,
    state_dir: Path,
    name: str,
    signer: Ed25519Signer,
    log_key: str | None = None,
    now: Callable[[], datetime] = utc_now,
) -> WitnessResult:
    """Check the log's latest checkpoint against the last one seen; cosign it if consistent."""
    try:
        own_key = verifier_key(name, signer.public_key)
    except ValueError as error:
        raise InputError("name", str(error)) from None
    state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write(state_dir / WITNESS_KEY_FILE, own_key + "\n")
    key_name, public_key = _log_key(fetch, state_dir, log_key)

    served = fetch.checkpoint()
    try:
        note = parse_note(served)
        checkpoint = parse_checkpoint(note.body)
    except ValueError as error:
        return WitnessResult(WitnessStatus.INVALID, f"the log's checkpoint is unreadable: {error}")
    if not verify_note(note, key_name, public_key):
        return WitnessResult(
            WitnessStatus.INVALID, "the checkpoint is not signed by the log's key", checkpoint.size
        )
    if checkpoint.origin != key_name:
        return WitnessResult(
            WitnessStatus.INVALID,
            f"the checkpoint's origin {checkpoint.origin!r} is not the log's {key_name!r}",
            checkpoint.size,
        )

    last_text = _read(state_dir / CHECKPOINT_FILE)
    last = None if last_text is None else parse_checkpoint(parse_note(last_text).body)
    status, reason, proof = _compare(fetch, last, checkpoint)
    if status is WitnessStatus.FORK:
        assert last is not None
        assert last_text is not None
        evidence = _keep_evidence(state_dir, now(), last_text, served, proof, reason)
        return WitnessResult(status, reason, checkpoint.size, checkpoint.root, last.size, evidence)

    signature = cosign(checkpoint, name, signer, int(now().timestamp()))
    others = tuple(s for s in note.signatures if s.name != name)
    _write(state_dir / CHECKPOINT_FILE, Note(note.body, (*others, signature)).text())
    line = signature.line().rstrip("\n")
    submitted, submit_error = True, None
    try:
        fetch.submit_cosignature(checkpoint.size, line, own_key)
    except TrucelineError as error:
        submitted, submit_error = False, str(error)
    return WitnessResult(
        status,
        reason,
        checkpoint.size,
        checkpoint.root,
        None if last is None else last.size,
        (),
        line,
        submitted,
        submit_error,
    )


def _log_key(fetch: RemoteLog, state_dir: Path, given: str | None) -> tuple[str, bytes]:
    """The log's key: given, else pinned, else fetched and pinned (trust on first use)."""
    pinned_text = _read(state_dir / LOG_KEY_FILE)
    text = given if given is not None else pinned_text
    if text is None:
        text = fetch.verifier_key()
    try:
        key = parse_verifier_key(text.strip())
    except ValueError as error:
        raise InputError("log_key", str(error)) from None
    if pinned_text is not None and parse_verifier_key(pinned_text.strip()) != key:
        raise ConflictError(
            f"the log key given is not the one pinned in {state_dir / LOG_KEY_FILE}; "
            "remove that file only if the log really changed its key"
        )
    if pinned_text is None:
        _write(state_dir / LOG_KEY_FILE, text.strip() + "\n")
    return key


def _compare(
    fetch: RemoteLog, last: Checkpoint | None, new: Checkpoint
) -> tuple[WitnessStatus, str, list[bytes]]:
    if last is None:
        return WitnessStatus.FIRST, f"first checkpoint seen: size {new.size}", []
    if new.size < last.size:
        return (
            WitnessStatus.FORK,
            f"the log went back from size {last.size} to size {new.size}: history was truncated",
            [],
        )
    if new.size == last.size:
        if new.root == last.root:
            return WitnessStatus.UNCHANGED, f"unchanged at size {new.size}", []
        return (
            WitnessStatus.FORK,
            f"two different trees of size {new.size}: history was rewritten",
            [],
        )
    proof = fetch.consistency_proof(last.size, new.size)
    if not merkle.verify_consistency(last.size, new.size, last.root, new.root, proof):
        return (
            WitnessStatus.FORK,
            f"the tree of size {new.size} does not extend the tree of size {last.size} "
            "seen before (the consistency proof fails): history was rewritten",
            proof,
        )
    return WitnessStatus.CONSISTENT, f"grew from size {last.size} to {new.size}, consistently", []


def _keep_evidence(
    state_dir: Path, at: datetime, seen: str, served: str, proof: list[bytes], reason: str
) -> tuple[Path, ...]:
    stamp = at.strftime("%Y%m%dT%H%M%SZ")
    folder = state_dir / FORKS_DIR / f"{stamp}-{secrets.token_hex(3)}"
    folder.mkdir(mode=0o700, parents=True)
    files = [
        (folder / "seen.checkpoint", seen),
        (folder / "served.checkpoint", served),
        (
            folder / "README.txt",
            f"Fork detected at {at.isoformat()}: {reason}.\n"
            "seen.checkpoint: the checkpoint this witness saw and cosigned before.\n"
            "served.checkpoint: the checkpoint the log served now.\n"
            "Both carry the log's signature; they cannot both be true.\n",
        ),
    ]
    if proof:
        files.append((folder / "proof.txt", "".join(f"{b64(h)}\n" for h in proof)))
    for path, text in files:
        _write(path, text)
    return tuple(path for path, _ in files if path.name != "README.txt")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically with ``text``."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
