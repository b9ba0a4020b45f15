"""Export the log as a self-contained bundle, and verify a bundle (or a live log) offline.

A bundle is JSON Lines. The first line is the header::

    {"format": "truceline-ledger-bundle/1", "origin": ..., "log_key": <verifier key>,
     "checkpoint": <signed note text>, "size": N, "cosignatures": [...], "exported_at": ...}

then one line per entry, ``seq`` 0 to N - 1 in order::

    {"seq": 0, "leaf": <the leaf's canonical JSON, as a string>, "leaf_hash": <base64>}

where ``leaf_hash`` is the hash the log's Merkle tree holds for that position
(its level-0 node), a record kept apart from the entry itself.

:func:`verify_bundle` reads the lines once, in constant memory (a Merkle
frontier, not a list of leaves), and stops at the first problem: it names the
entry (its seq) and the reason, or says the bundle is valid, with its size and
root hash.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from truceline.adapters.notes import (
    Checkpoint,
    parse_checkpoint,
    parse_note,
    parse_verifier_key,
    verify_cosignature,
    verify_note,
)
from truceline.adapters.signing import verify_signature
from truceline.domain import merkle
from truceline.domain.errors import InputError, NotFoundError
from truceline.domain.events import Event
from truceline.domain.ledger import KeyRing, b64, b64decode, parse_leaf
from truceline.services.ledger import LogIdentity, event_json, parse_signature_line, utc_now
from truceline.services.unit_of_work import UnitOfWork

BUNDLE_FORMAT = "truceline-ledger-bundle/1"
PROGRESS_EVERY = 1000

Progress = Callable[[int, int], None]
"""Called now and then with (entries done, entries in all)."""


# --- export ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: the file, the checkpoint's size, and the entries written."""

    path: Path
    size: int
    entries: int


def export_bundle(
    uow: UnitOfWork, log: LogIdentity, out: Path, progress: Progress | None = None
) -> ExportResult:
    """Write the log, up to its latest checkpoint, as a bundle file (written whole or not at all).

    Entries are written as stored: a damaged log gives a bundle that fails to
    verify, naming the damage, rather than no bundle at all.
    """
    partial = out.with_name(f".{out.name}.partial")
    written = 0
    try:
        with uow, partial.open("w", encoding="utf-8", newline="\n") as file:
            checkpoint = uow.ledger.checkpoint()
            if checkpoint is None:
                raise NotFoundError("the log has published no checkpoint: run `ledger checkpoint`")
            header = _header(
                log.origin,
                log.verifier_key(),
                checkpoint.note,
                checkpoint.size,
                [_cosignature_json(c) for c in uow.ledger.cosignatures(checkpoint.size)],
            )
            file.write(json.dumps(header) + "\n")
            for entry, tree_hash in uow.ledger.entries_with_tree_hash(0, checkpoint.size):
                file.write(entry_line(entry.seq, entry.leaf, tree_hash) + "\n")
                written += 1
                if progress is not None and written % PROGRESS_EVERY == 0:
                    progress(written, checkpoint.size)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    if progress is not None:
        progress(written, checkpoint.size)
    return ExportResult(out, checkpoint.size, written)


def entry_line(seq: int, leaf: bytes, tree_hash: bytes | None) -> str:
    """One entry line of a bundle (without its newline)."""
    return json.dumps(
        {
            "seq": seq,
            "leaf": leaf.decode("utf-8"),
            "leaf_hash": None if tree_hash is None else b64(tree_hash),
        },
        ensure_ascii=False,
    )


def _header(
    origin: str, log_key: str, note: str, size: int, cosignatures: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT,
        "origin": origin,
        "log_key": log_key,
        "checkpoint": note,
        "size": size,
        "cosignatures": cosignatures,
        "exported_at": utc_now().isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def _cosignature_json(c: Any) -> dict[str, Any]:
    return {
        "witness": c.witness,
        "key_id": c.key_id,
        "timestamp": c.timestamp,
        "signature": c.signature,
        "verifier_key": c.verifier_key,
    }


# --- a live log over HTTP, read as a bundle ------------------------------------------------


class RemoteLog(Protocol):
    """A log served by another Truceline over HTTP (see adapters.ledger_client)."""

    def checkpoint(self) -> str: ...  # pragma: no cover
    def verifier_key(self) -> str: ...  # pragma: no cover
    def cosignatures(self, size: int) -> list[dict[str, Any]]: ...  # pragma: no cover
    def entries(self, start: int, stop: int) -> Iterator[dict[str, Any]]: ...  # pragma: no cover
    def consistency_proof(self, old: int, new: int) -> list[bytes]: ...  # pragma: no cover
    def submit_cosignature(
        self, size: int, line: str, verifier_key: str
    ) -> None: ...  # pragma: no cover


def remote_bundle(log: RemoteLog) -> Iterator[str]:
    """The lines of a bundle of a live log, up to its latest checkpoint, fetched page by page."""
    note_text = log.checkpoint()
    try:
        checkpoint = parse_checkpoint(parse_note(note_text).body)
    except ValueError as error:
        raise InputError("checkpoint", f"the log serves no readable checkpoint: {error}") from None
    header = _header(
        checkpoint.origin,
        log.verifier_key(),
        note_text,
        checkpoint.size,
        log.cosignatures(checkpoint.size),
    )
    yield json.dumps(header)
    for item in log.entries(0, checkpoint.size):
        yield json.dumps({k: item.get(k) for k in ("seq", "leaf", "leaf_hash")})


# --- verify ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyReport:
    """The outcome: valid (size and root), or the first bad entry (or None) and why."""

    valid: bool
    reason: str
    origin: str | None = None
    size: int = 0
    root: bytes | None = None
    checked: int = 0
    first_bad: int | None = None
    cosigned_by: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        """One line for people."""
        if self.valid:
            assert self.root is not None
            witnesses = f"; cosigned by {', '.join(self.cosigned_by)}" if self.cosigned_by else ""
            return f"valid: {self.size} entries of {self.origin}, root {b64(self.root)}{witnesses}"
        where = f"entry {self.first_bad}: " if self.first_bad is not None else ""
        return f"invalid: {where}{self.reason}"


class _Bad(Exception):
    def __init__(self, seq: int | None, reason: str) -> None:
        self.seq = seq
        self.reason = reason


@dataclass(frozen=True)
class _Header:
    origin: str
    log_key: bytes
    checkpoint: Checkpoint
    cosigned_by: tuple[str, ...]


def verify_bundle(
    lines: Iterable[str],
    *,
    log_key: str | None = None,
    witness_keys: Sequence[str] = (),
    progress: Progress | None = None,
) -> VerifyReport:
    """Check a bundle line by line: every leaf hash, signature, key and the tree head.

    ``log_key``: the verifier key you trust for the log (else the bundle's own is
    used, which proves consistency but not whose log it is). ``witness_keys``:
    witnesses whose valid cosignature of the checkpoint is required. Raises
    InputError when the input is not a bundle at all.
    """
    it = iter(lines)
    header = _read_header(it, log_key, witness_keys)
    if isinstance(header, VerifyReport):
        return header
    size = header.checkpoint.size
    frontier = merkle.Frontier()
    ring = KeyRing(header.log_key)
    try:
        for line in it:
            if not line.strip():
                continue
            _check_entry(line, frontier.size, size, ring, frontier)
            if progress is not None and frontier.size % PROGRESS_EVERY == 0:
                progress(frontier.size, size)
        if frontier.size < size:
            raise _Bad(
                frontier.size,
                f"missing: the bundle ends after {frontier.size} entries, "
                f"but its checkpoint covers {size}",
            )
        if frontier.root() != header.checkpoint.root:
            raise _Bad(
                None,
                f"the tree head of the entries ({b64(frontier.root())}) is not the one the "
                f"checkpoint signed ({b64(header.checkpoint.root)}): history was rewritten",
            )
    except _Bad as bad:
        return VerifyReport(
            False,
            bad.reason,
            header.origin,
            size,
            None,
            frontier.size,
            bad.seq,
            header.cosigned_by,
        )
    if progress is not None:
        progress(frontier.size, size)
    return VerifyReport(
        True,
        "every entry, signature and the tree head verify",
        header.origin,
        size,
        frontier.root(),
        frontier.size,
        None,
        header.cosigned_by,
    )


def _check_entry(
    line: str, expected: int, size: int, ring: KeyRing, frontier: merkle.Frontier
) -> None:
    """Check one entry line and add its leaf to the frontier; _Bad names what is wrong."""
    try:
        item = json.loads(line)
        seq, leaf_text, tree_text = item["seq"], item["leaf"], item["leaf_hash"]
    except (ValueError, KeyError, TypeError):
        raise _Bad(expected, "not an entry line (seq, leaf, leaf_hash)") from None
    if seq != expected:
        if isinstance(seq, int) and seq > expected:
            raise _Bad(
                expected, f"missing or out of place: entry {seq} comes where {expected} belongs"
            )
        raise _Bad(expected, f"out of order: entry {seq!r} comes where {expected} belongs")
    if seq >= size:
        raise _Bad(seq, f"beyond the checkpoint, which covers {size} entries")
    if not isinstance(leaf_text, str):
        raise _Bad(seq, "the leaf is not a string")
    leaf = leaf_text.encode("utf-8")
    digest = merkle.leaf_hash(leaf)
    if tree_text is None:
        raise _Bad(seq, "the log's tree holds no leaf hash for this position")
    try:
        tree_hash = b64decode(tree_text, "leaf_hash")
    except ValueError as error:
        raise _Bad(seq, str(error)) from None
    if tree_hash != digest:
        raise _Bad(
            seq,
            "the entry is not the leaf the tree recorded at this position: "
            "it was changed, moved or replaced after it was appended",
        )
    try:
        parsed = parse_leaf(leaf)
        Event.from_body(parsed.body)
    except ValueError as error:
        raise _Bad(seq, str(error)) from None
    body = parsed.body
    actor = body["actor"]
    if not ring.allows(actor, parsed.public_key):
        raise _Bad(
            seq, f"signed with a key it may not use: {ring.why_not(actor, parsed.public_key)}"
        )
    if not verify_signature(parsed.public_key, parsed.event_json, parsed.signature):
        raise _Bad(seq, f"the signature by {actor!r} does not verify: the event was altered")
    if event_json(body) != parsed.event_json:
        raise _Bad(seq, "the event is not in canonical JSON (RFC 8785)")
    try:
        ring.observe(body)
    except ValueError as error:
        raise _Bad(seq, str(error)) from None
    frontier.append(digest)


def _read_header(
    it: Iterator[str], log_key: str | None, witness_keys: Sequence[str]
) -> _Header | VerifyReport:
    """The bundle's header, checked; a VerifyReport when it is readable but does not verify."""
    first = next(it, None)
    if first is None:
        raise InputError("bundle", "empty: no header line")
    try:
        header = json.loads(first)
    except ValueError:
        raise InputError("bundle", "line 1 is not JSON: not a ledger bundle") from None
    if not isinstance(header, dict) or header.get("format") != BUNDLE_FORMAT:
        raise InputError("bundle", f"line 1 does not declare the format {BUNDLE_FORMAT!r}")
    try:
        origin = str(header["origin"])
        name, public_key = parse_verifier_key(str(header["log_key"]))
        note = parse_note(str(header["checkpoint"]))
        checkpoint = parse_checkpoint(note.body)
        cosignatures = list(header.get("cosignatures") or [])
    except (KeyError, ValueError) as error:
        raise InputError("bundle", f"the header is not readable: {error}") from None

    def bad(reason: str) -> VerifyReport:
        return VerifyReport(False, reason, origin, checkpoint.size)

    if log_key is not None:
        try:
            trusted = parse_verifier_key(log_key.strip())
        except ValueError as error:
            raise InputError("log_key", str(error)) from None
        if trusted != (name, public_key):
            return bad("the bundle's log key is not the log key you gave")
    if name != origin or checkpoint.origin != origin:
        return bad(f"the checkpoint's origin or key name is not the bundle's origin {origin!r}")
    if not verify_note(note, name, public_key):
        return bad("the checkpoint's signature by the log key does not verify")
    cosigned_by = _cosigners(checkpoint, cosignatures)
    for text in witness_keys:
        try:
            witness = parse_verifier_key(text.strip())
        except ValueError as error:
            raise InputError("witness_key", str(error)) from None
        if witness not in cosigned_by:
            return bad(f"no valid cosignature of the checkpoint by witness {witness[0]!r}")
    return _Header(origin, public_key, checkpoint, tuple(sorted(n for n, _ in cosigned_by)))


def _cosigners(checkpoint: Checkpoint, cosignatures: list[Any]) -> set[tuple[str, bytes]]:
    """The witnesses (name, public key) whose cosignature in the bundle verifies."""
    found: set[tuple[str, bytes]] = set()
    for c in cosignatures:
        try:
            name, public_key = parse_verifier_key(str(c["verifier_key"]).strip())
            signature = parse_signature_line(str(c["signature"]))
        except (KeyError, TypeError, ValueError):
            continue
        if verify_cosignature(checkpoint, signature, name, public_key) is not None:
            found.add((name, public_key))
    return found
