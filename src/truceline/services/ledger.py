"""The ledger: record every change as a signed leaf, read it, publish checkpoints.

Every change is one entry: the event's canonical JSON (RFC 8785) signed by its
actor with Ed25519, wrapped in a leaf (``domain.ledger``) and appended to an
RFC 9162 Merkle tree. :func:`record` appends inside the caller's unit of work,
so a change and its entry commit together or not at all; call it last in the
transaction, after the change itself, so the head row is held briefly.

Checkpoints are C2SP signed notes (tlog-checkpoint) signed by the log's key.
Checkpoints and witness cosignatures are statements *about* the log and carry
their own signatures; they are not entries of it (an entry for each would grow
the log by itself on every checkpoint, forever). Proofs are in
``services.ledger_proofs``; export and verification in ``services.ledger_verify``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from truceline.adapters.notes import (
    Checkpoint,
    Note,
    NoteSignature,
    note_key_id,
    parse_checkpoint,
    parse_note,
    parse_verifier_key,
    verifier_key,
    verify_cosignature,
)
from truceline.adapters.signing import canonical_json, key_id_of, verify_signature
from truceline.domain import merkle
from truceline.domain.errors import ConflictError, InputError, NotFoundError
from truceline.domain.events import OPERATOR, Event
from truceline.domain.ledger import (
    PUBLIC_KEY_SIZE,
    SIGNATURE_SIZE,
    CheckpointRecord,
    CosignatureRecord,
    KeyRing,
    LedgerEntry,
    NewEntry,
    assemble_leaf,
    parse_leaf,
    plain_canonical_json,
)
from truceline.services.unit_of_work import UnitOfWork

MAX_PAGE = 5000


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


class Signer(Protocol):
    """Whoever signs an entry: an Ed25519 key able to sign bytes."""

    @property
    def public_key(self) -> bytes: ...  # pragma: no cover
    @property
    def key_id(self) -> str: ...  # pragma: no cover
    def sign(self, message: bytes) -> bytes: ...  # pragma: no cover


@dataclass(frozen=True)
class LogIdentity:
    """The log: its origin line (the checkpoints' first line and key name) and its key."""

    origin: str
    signer: Signer

    @property
    def public_key(self) -> bytes:
        return self.signer.public_key

    @property
    def key_id(self) -> str:
        """The project's key id of the log key (16 hex digits of its SHA-256)."""
        return key_id_of(self.signer.public_key)

    def verifier_key(self) -> str:
        """The C2SP verifier key (vkey) of the log, to check its checkpoints with."""
        return verifier_key(self.origin, self.signer.public_key)

    def sign_checkpoint(self, checkpoint: Checkpoint) -> Note:
        """The checkpoint as a signed note, signed by the log key under the origin's name."""
        body = checkpoint.body()
        key = note_key_id(self.origin, self.signer.public_key)
        return Note(body, (NoteSignature(self.origin, key, self.signer.sign(body.encode())),))


# --- recording entries -------------------------------------------------------------------


def event_json(body: Mapping[str, Any]) -> bytes:
    """The RFC 8785 canonical JSON of an event body: the bytes its actor signs."""
    fast = plain_canonical_json(body)
    return fast if fast is not None else canonical_json(body)


def sign_event(event: Event, signer: Signer) -> NewEntry:
    """The entry for ``event`` signed by ``signer``: canonical JSON, signature, leaf, hash."""
    return _signed(event, event.body(), signer, key_id_of(signer.public_key))


def _signed(event: Event, body: Mapping[str, Any], signer: Signer, key_id: str) -> NewEntry:
    signed = event_json(body)
    leaf = assemble_leaf(signed, signer.public_key, signer.sign(signed))
    return NewEntry(
        leaf,
        merkle.leaf_hash(leaf),
        event.name,
        event.actor,
        event.party,
        event.subject,
        event.time,
        key_id,
    )


def record(
    uow: UnitOfWork, event: Event, signer: Signer, *, now: Callable[[], datetime] = utc_now
) -> LedgerEntry:
    """Append ``event`` signed by ``signer`` in the caller's open unit of work (not committed).

    The key must be the actor's: the log key for ``operator``, otherwise a key
    registered for the actor by an earlier ``user.key_registered`` entry.
    """
    [entry] = record_many(uow, [(event, signer)], now=now)
    return entry


def record_many(
    uow: UnitOfWork,
    items: Iterable[tuple[Event, Signer]],
    *,
    now: Callable[[], datetime] = utc_now,
) -> list[LedgerEntry]:
    """Append many signed events in order, in one go, in the caller's unit of work (bulk work)."""
    signed = []
    key_ids: dict[bytes, str] = {}
    for event, signer in items:
        body = event.body()
        public_key = signer.public_key
        key_id = key_ids.get(public_key)
        if key_id is None:
            key_id = key_ids[public_key] = key_id_of(public_key)
        signed.append((_signed(event, body, signer, key_id), body, public_key))
    _check_keys(uow, signed)
    return uow.ledger.append([entry for entry, _, _ in signed], now())


def record_presigned(
    uow: UnitOfWork,
    body: Mapping[str, Any],
    public_key: bytes,
    signature: bytes,
    *,
    now: Callable[[], datetime] = utc_now,
) -> LedgerEntry:
    """Append an event signed on the client, in the caller's unit of work (not committed).

    The body must be an event in its normal form (as ``Event.body()`` writes it),
    the signature must verify over its canonical JSON, and the key must be one
    registered for the actor. The server never accepts ``operator`` entries this way.
    """
    try:
        event = Event.from_body(body)
    except ValueError as error:
        raise InputError("event", str(error)) from None
    normal = event.body()
    if normal != dict(body):
        raise InputError("event", f"not in normal form; sign exactly this body: {normal}")
    if event.actor == OPERATOR:
        raise InputError("event.actor", "operator entries are signed by the server only")
    if len(public_key) != PUBLIC_KEY_SIZE:
        raise InputError("public_key", f"an Ed25519 public key is 32 bytes, not {len(public_key)}")
    if len(signature) != SIGNATURE_SIZE:
        raise InputError("signature", f"an Ed25519 signature is 64 bytes, not {len(signature)}")
    signed = event_json(normal)
    if not verify_signature(public_key, signed, signature):
        raise InputError("signature", "does not verify for this event body and public key")
    leaf = assemble_leaf(signed, public_key, signature)
    entry = NewEntry(
        leaf=leaf,
        leaf_hash=merkle.leaf_hash(leaf),
        event=event.name,
        actor=event.actor,
        party=event.party,
        subject=event.subject,
        time=event.time,
        key_id=key_id_of(public_key),
    )
    _check_keys(uow, [(entry, normal, public_key)])
    [stored] = uow.ledger.append([entry], now())
    return stored


def _check_keys(
    uow: UnitOfWork, entries: Sequence[tuple[NewEntry, Mapping[str, Any], bytes]]
) -> None:
    """Refuse entries whose key may not sign for their actor (the rule verify applies)."""
    head = uow.ledger.head(lock=True)
    ring = KeyRing(None)
    loaded: set[str] = set()
    log_key_id = head.log_key_id
    for entry, body, public_key in entries:
        if entry.actor == OPERATOR:
            if log_key_id is None:
                uow.ledger.pin_log_key(entry.key_id)
                log_key_id = entry.key_id
            elif entry.key_id != log_key_id:
                raise ConflictError(
                    f"operator entries are signed with the log key {log_key_id}, "
                    f"not with key {entry.key_id}"
                )
        else:
            if entry.actor not in loaded:
                for leaf in uow.ledger.key_registrations(entry.actor):
                    ring.observe(parse_leaf(leaf).body)
                loaded.add(entry.actor)
            if not ring.allows(entry.actor, public_key):
                raise InputError("public_key", ring.why_not(entry.actor, public_key))
        try:
            ring.observe(body)
        except ValueError as error:
            raise InputError("event.data.public_key", str(error)) from None


# --- reading and proofs ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntryPage:
    """A page of entries, each with the tree's own hash of it, and the log's size."""

    size: int
    entries: list[tuple[LedgerEntry, bytes | None]]


def entries_page(uow: UnitOfWork, start: int, limit: int) -> EntryPage:
    """Up to ``limit`` entries from ``start`` (seq order), with the log's current size."""
    if start < 0:
        raise InputError("start", "must be 0 or more")
    if not 1 <= limit <= MAX_PAGE:
        raise InputError("limit", f"must be from 1 to {MAX_PAGE}")
    with uow:
        size = uow.ledger.head().size
        page = list(uow.ledger.entries_with_tree_hash(start, min(size, start + limit)))
    return EntryPage(size, page)


def get_entry(uow: UnitOfWork, seq: int) -> tuple[LedgerEntry, bytes | None]:
    """One entry and the tree's hash at its seq; NotFoundError when there is no entry ``seq``."""
    with uow:
        size = uow.ledger.head().size
        found = list(uow.ledger.entries_with_tree_hash(seq, seq + 1)) if seq < size else []
    if not found:
        raise NotFoundError(f"the log has no entry {seq}")
    return found[0]


def history(uow: UnitOfWork, subject: str) -> list[LedgerEntry]:
    """Every entry about one record, oldest first."""
    with uow:
        return uow.ledger.history(subject)


# --- checkpoints -------------------------------------------------------------------------


def publish_checkpoint(
    uow: UnitOfWork, log: LogIdentity, now: Callable[[], datetime] = utc_now
) -> Note:
    """Sign and store a checkpoint of the current tree head (the latest one if unchanged).

    Refuses (ConflictError) to sign a tree that does not extend the latest
    checkpoint: the stored log must never fork from what the log already signed.
    """
    with uow:
        uow.ledger.pin_log_key(log.key_id)
        head = uow.ledger.head(lock=True)
        latest = uow.ledger.checkpoint()
        if latest is not None:
            if latest.size > head.size:
                raise ConflictError(
                    f"the log holds {head.size} entries, fewer than the {latest.size} of its "
                    "latest checkpoint: entries were removed"
                )
            if merkle.root(latest.size, uow.ledger.node) != latest.root:
                raise ConflictError(
                    f"the stored tree no longer matches checkpoint {latest.size}: "
                    "history was rewritten; refusing to sign a fork"
                )
            if latest.size == head.size:
                return parse_note(latest.note)
        checkpoint = Checkpoint(log.origin, head.size, head.frontier.root())
        note = log.sign_checkpoint(checkpoint)
        uow.ledger.add_checkpoint(
            CheckpointRecord(checkpoint.size, checkpoint.root, note.text(), now())
        )
        uow.commit()
    return note


def latest_checkpoint(uow: UnitOfWork) -> CheckpointRecord:
    """The latest published checkpoint; NotFoundError when none was published yet."""
    with uow:
        found = uow.ledger.checkpoint()
    if found is None:
        raise NotFoundError("the log has published no checkpoint yet")
    return found


def served_checkpoint(uow: UnitOfWork) -> str:
    """The latest checkpoint note, with every stored witness cosignature of it appended."""
    with uow:
        found = uow.ledger.checkpoint()
        if found is None:
            raise NotFoundError("the log has published no checkpoint yet")
        cosignatures = list(uow.ledger.cosignatures(found.size))
    note = parse_note(found.note)
    for c in cosignatures:
        note = Note(note.body, (*note.signatures, parse_signature_line(c.signature)))
    return note.text()


# --- cosignatures ------------------------------------------------------------------------


def add_cosignature(
    uow: UnitOfWork,
    size: int,
    line: str,
    witness_key: str,
    now: Callable[[], datetime] = utc_now,
) -> CosignatureRecord:
    """Store a witness's cosignature line of the checkpoint of ``size``, once it verifies.

    ``witness_key`` is the witness's verifier key; the cosignature must be a
    valid ``cosignature/v1`` by that key of the checkpoint the log published.
    """
    try:
        name, public_key = parse_verifier_key(witness_key.strip())
    except ValueError as error:
        raise InputError("verifier_key", str(error)) from None
    signature = _parse_line(line)
    if signature.name != name:
        raise InputError("cosignature", f"is signed as {signature.name!r}, the key is {name!r}")
    with uow:
        found = uow.ledger.checkpoint(size)
        if found is None:
            raise NotFoundError(f"the log published no checkpoint of size {size}")
        checkpoint = parse_checkpoint(parse_note(found.note).body)
        timestamp = verify_cosignature(checkpoint, signature, name, public_key)
        if timestamp is None:
            raise InputError(
                "cosignature", f"is not a valid cosignature/v1 of checkpoint {size} by this key"
            )
        record = CosignatureRecord(
            size=size,
            witness=name,
            key_id=key_id_of(public_key),
            timestamp=timestamp,
            signature=signature.line().rstrip("\n"),
            verifier_key=witness_key.strip(),
            received_at=now(),
        )
        uow.ledger.put_cosignature(record)
        uow.commit()
    return record


def list_cosignatures(uow: UnitOfWork, size: int | None = None) -> list[CosignatureRecord]:
    """Stored cosignatures, of one checkpoint or of all (newest checkpoint first)."""
    with uow:
        return list(uow.ledger.cosignatures(size))


def _parse_line(line: str) -> NoteSignature:
    try:
        return parse_signature_line(line)
    except ValueError as error:
        raise InputError("cosignature", str(error)) from None


def parse_signature_line(line: str) -> NoteSignature:
    """One note signature line (``— name base64``) read with the note parser; ValueError."""
    text = line.strip("\n")
    if "\n" in text:
        raise ValueError("one signature line only")
    [signature] = parse_note(f"x\n\n{text}\n").signatures
    return signature
