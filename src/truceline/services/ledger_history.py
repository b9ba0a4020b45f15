"""One record's history, each entry checked again as it is shown.

The same rule `verify` applies to the whole log, applied to the entries about
one record: the stored hash, the actor's signature, and that the key could
sign for the actor at that place in the log (registered by an earlier
`user.key_registered` entry and not cut off by a `user.disabled` one; the
log's key for the operator).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from truceline.adapters.signing import verify_signature
from truceline.domain import merkle
from truceline.domain.events import OPERATOR
from truceline.domain.ledger import KEY_REGISTERED, USER_DISABLED, KeyRing, LedgerEntry, parse_leaf
from truceline.services.ledger import history
from truceline.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class EntryCheck:
    """A stored entry, whether it still holds, why not, and its event's data."""

    entry: LedgerEntry
    valid: bool
    problem: str
    data: Mapping[str, Any] = field(default_factory=dict)


def checked_history(uow: UnitOfWork, subject: str, log_key: bytes) -> list[EntryCheck]:
    """Every entry about `subject`, oldest first, each checked again."""
    deciding: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
    return [check_entry(uow, entry, log_key, deciding) for entry in history(uow, subject)]


def check_entry(
    uow: UnitOfWork,
    entry: LedgerEntry,
    log_key: bytes,
    deciding: dict[str, list[tuple[int, Mapping[str, Any]]]],
) -> EntryCheck:
    """One entry checked: its hash, its signature, and whose key signed it."""
    try:
        parsed = parse_leaf(entry.leaf)
    except ValueError as error:
        return EntryCheck(entry, False, str(error))
    raw = parsed.body.get("data")
    data: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    if merkle.leaf_hash(entry.leaf) != entry.leaf_hash:
        return EntryCheck(entry, False, "the entry does not match its recorded hash", data)
    if not verify_signature(parsed.public_key, parsed.event_json, parsed.signature):
        return EntryCheck(
            entry, False, "the signature does not verify: the event was altered", data
        )
    actor = str(parsed.body.get("actor"))
    if actor != entry.actor:
        return EntryCheck(entry, False, "the signed actor is not the one stored", data)
    ring = KeyRing(log_key)
    if actor != OPERATOR:
        if actor not in deciding:
            deciding[actor] = _deciding_entries(uow, actor)
        for seq, body in deciding[actor]:
            if seq >= entry.seq:
                break
            ring.observe(body)
    if not ring.allows(actor, parsed.public_key):
        return EntryCheck(entry, False, ring.why_not(actor, parsed.public_key), data)
    return EntryCheck(entry, True, "", data)


def _deciding_entries(uow: UnitOfWork, user: str) -> list[tuple[int, Mapping[str, Any]]]:
    """The key registrations and disablings about `user`, by position, that parse."""
    found: list[tuple[int, Mapping[str, Any]]] = []
    for entry in history(uow, user):
        if entry.event not in (KEY_REGISTERED, USER_DISABLED):
            continue
        try:
            body = parse_leaf(entry.leaf).body
            KeyRing(None).observe(body)  # a malformed registration decides nothing
        except ValueError:
            continue
        found.append((entry.seq, body))
    return found
