"""Ledger rules: what a leaf is, and which key may sign for whom.

A leaf is the RFC 8785 canonical JSON of one object with three members::

    {"event": <event body>, "public_key": <base64>, "signature": <base64>}

where the signature is the actor's Ed25519 signature over the canonical JSON
of the event body. Member names sort as ``event`` < ``public_key`` <
``signature`` and base64 needs no escaping, so the canonical leaf is the
canonical event JSON wrapped in fixed bytes: :func:`assemble_leaf` builds it
without canonicalising twice, and :func:`parse_leaf` takes the signed event
bytes straight out of it.

The key rule (:class:`KeyRing`): an entry by the ``operator`` is signed with
the log's own key; an entry by a user is signed with a key registered for that
user by an earlier ``user.key_registered`` entry (its subject is the user id,
``data.public_key`` the base64 raw key), itself signed under the same rule.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from truceline.domain.events import OPERATOR
from truceline.domain.merkle import Frontier

KEY_REGISTERED = "user.key_registered"
USER_DISABLED = "user.disabled"
PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64

_MAX_SAFE = 2**53 - 1
_SCALARS = frozenset((str, bool, type(None)))
# Made once: json.dumps with options would build an encoder on every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_LEAF_START = b'{"event":'
_LEAF_KEY = b',"public_key":"'
_LEAF_SIGNATURE = b'","signature":"'
_LEAF_END = b'"}'
_KEY_B64 = 44  # base64 of 32 bytes
_SIGNATURE_B64 = 88  # base64 of 64 bytes
_TAIL = _KEY_B64 + len(_LEAF_SIGNATURE) + _SIGNATURE_B64 + len(_LEAF_END)


class NewEntry(NamedTuple):
    """An entry ready to append: its leaf, the leaf's hash, and the event's searchable fields.

    NewEntry and LedgerEntry are named tuples rather than frozen dataclasses
    because bulk appends make one per entry, and a tuple is several times
    cheaper to build.
    """

    leaf: bytes
    leaf_hash: bytes
    event: str
    actor: str
    party: str | None
    subject: str
    time: datetime
    key_id: str


class LedgerEntry(NamedTuple):
    """One stored entry: its position (``seq``, from 0), its leaf and when the log took it."""

    seq: int
    leaf: bytes
    leaf_hash: bytes
    event: str
    actor: str
    party: str | None
    subject: str
    time: datetime
    key_id: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Head:
    """The tree head as stored: its frontier (size and subtree roots) and the pinned log key."""

    frontier: Frontier
    log_key_id: str | None

    @property
    def size(self) -> int:
        """The number of entries in the log."""
        return self.frontier.size


@dataclass(frozen=True, slots=True)
class CheckpointRecord:
    """A checkpoint the log published: tree size, root hash and the signed note's text."""

    size: int
    root: bytes
    note: str
    published_at: datetime


@dataclass(frozen=True, slots=True)
class CosignatureRecord:
    """A witness's cosignature of one checkpoint, as the witness submitted it."""

    size: int
    witness: str
    key_id: str
    timestamp: int
    signature: str
    verifier_key: str
    received_at: datetime


@dataclass(frozen=True, slots=True)
class ParsedLeaf:
    """A leaf taken apart: the exact signed event bytes, the event body, key and signature."""

    event_json: bytes
    body: dict[str, Any]
    public_key: bytes
    signature: bytes


def b64(data: bytes) -> str:
    """Standard base64 with padding, as text."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, what: str) -> bytes:
    """Strict standard base64; ValueError naming ``what`` otherwise."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ValueError(f"{what} is not valid base64") from None


def plain_canonical_json(value: Any) -> bytes | None:
    """RFC 8785 canonical JSON of a *plain* value, fast; None for anything else.

    Plain: objects with ASCII keys, arrays (lists), strings, booleans, null and
    integers of at most 2**53 - 1 in magnitude. For these, Python's sorted,
    compact ``json.dumps`` writes exactly the RFC 8785 bytes (same key order,
    same string escapes); floats, big integers, non-ASCII keys and other types
    need the full algorithm, so the caller falls back to it on None.
    """
    if not _plain(value):
        return None
    try:
        return _CANONICAL.encode(value).encode()
    except UnicodeEncodeError:  # a lone surrogate: RFC 8785 escapes it, json.dumps cannot
        return None


def _plain(value: Any) -> bool:
    # Loops rather than all(...): this runs once per value of every event appended.
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not key.isascii():
                return False
            if type(item) not in _SCALARS and not _plain(item):
                return False
        return True
    if kind is int:
        return bool(-_MAX_SAFE <= value <= _MAX_SAFE)
    if kind is list:
        for item in value:  # noqa: SIM110 - a loop is faster than all() here
            if type(item) not in _SCALARS and not _plain(item):
                return False
        return True
    return False


def assemble_leaf(event_json: bytes, public_key: bytes, signature: bytes) -> bytes:
    """The canonical leaf for an event's canonical JSON, the signer's key and signature."""
    return b"".join(
        (
            _LEAF_START,
            event_json,
            _LEAF_KEY,
            base64.b64encode(public_key),
            _LEAF_SIGNATURE,
            base64.b64encode(signature),
            _LEAF_END,
        )
    )


def parse_leaf(leaf: bytes) -> ParsedLeaf:
    """Take a leaf apart; ValueError with the reason when it is not a canonical leaf.

    A canonical leaf ends with fixed-size base64 of the key and signature at
    fixed places, so they are read from the end, and only the event is parsed.
    """
    key_at = len(leaf) - _TAIL
    if (
        key_at <= len(_LEAF_START)
        or not leaf.startswith(_LEAF_START)
        or leaf[key_at - len(_LEAF_KEY) : key_at] != _LEAF_KEY
        or leaf[key_at + _KEY_B64 : key_at + _KEY_B64 + len(_LEAF_SIGNATURE)] != _LEAF_SIGNATURE
        or not leaf.endswith(_LEAF_END)
    ):
        raise ValueError(
            "the leaf is not the canonical object of an event, a public_key and a signature"
        )
    event_json = leaf[len(_LEAF_START) : key_at - len(_LEAF_KEY)]
    key_text = leaf[key_at : key_at + _KEY_B64]
    signature_text = leaf[key_at + _KEY_B64 + len(_LEAF_SIGNATURE) : -len(_LEAF_END)]
    try:
        body = json.loads(event_json)
        public_key = base64.b64decode(key_text, validate=True)
        signature = base64.b64decode(signature_text, validate=True)
    except (ValueError, binascii.Error):
        raise ValueError(
            "the leaf's event is not JSON, or its key or signature not base64"
        ) from None
    if not isinstance(body, dict):
        raise ValueError("the leaf's event is not a JSON object")
    if len(public_key) != PUBLIC_KEY_SIZE or base64.b64encode(public_key) != key_text:
        raise ValueError("the leaf's public_key is not the canonical base64 of 32 bytes")
    if len(signature) != SIGNATURE_SIZE or base64.b64encode(signature) != signature_text:
        raise ValueError("the leaf's signature is not the canonical base64 of 64 bytes")
    return ParsedLeaf(event_json, body, public_key, signature)


def registered_key(body: Mapping[str, Any]) -> tuple[str, bytes] | None:
    """The (user id, public key) a ``user.key_registered`` event body registers, else None.

    ValueError when the event is a registration whose key is missing or malformed.
    """
    if body.get("name") != KEY_REGISTERED:
        return None
    data = body.get("data")
    text = data.get("public_key") if isinstance(data, Mapping) else None
    if not isinstance(text, str):
        raise ValueError("a user.key_registered event needs data.public_key (base64)")
    key = b64decode(text, "data.public_key")
    if len(key) != PUBLIC_KEY_SIZE:
        raise ValueError(f"data.public_key is {len(key)} bytes, not 32")
    return str(body.get("subject")), key


class KeyRing:
    """Which keys may sign for which actor, learnt from the log as it is read in order."""

    __slots__ = ("_disabled", "_keys", "operator_key")

    def __init__(self, operator_key: bytes | None) -> None:
        self.operator_key = operator_key
        self._keys: dict[str, set[bytes]] = {}
        self._disabled: set[str] = set()

    def allows(self, actor: str, public_key: bytes) -> bool:
        """Whether ``public_key`` may sign entries by ``actor``."""
        if actor == OPERATOR:
            return self.operator_key is not None and public_key == self.operator_key
        return actor not in self._disabled and public_key in self._keys.get(actor, ())

    def register(self, user: str, public_key: bytes) -> None:
        """Accept ``public_key`` for ``user`` from now on."""
        self._keys.setdefault(user, set()).add(public_key)

    def observe(self, body: Mapping[str, Any]) -> None:
        """Learn from one accepted entry: a key registration adds a key, and a
        ``user.disabled`` entry stops every key of that user from signing again."""
        if body.get("name") == USER_DISABLED:
            self._disabled.add(str(body.get("subject")))
            return
        found = registered_key(body)
        if found is not None:
            self.register(*found)

    def why_not(self, actor: str, public_key: bytes) -> str:
        """Why ``public_key`` may not sign for ``actor``, in words."""
        if actor == OPERATOR:
            return "an operator entry must be signed with the log's key"
        if actor in self._disabled:
            return f"{actor!r} was disabled by an earlier entry and may not sign again"
        if actor not in self._keys:
            return f"no key is registered for {actor!r} before this entry"
        return f"the key is not one registered for {actor!r}"
