"""C2SP signed notes, transparency-log checkpoints and witness cosignatures.

What this module follows, byte for byte:

- c2sp.org/signed-note: a note is a text ending in a newline, a blank line, then
  one or more lines ``— <key name> base64(key ID || signature)``. The key ID is
  ``SHA-256(key name || 0x0A || signature type || public key)[:4]``; Ed25519 note
  signatures have type 0x01 and sign the text (with its final newline). Key names
  are non-empty, without Unicode spaces or "+"; notes hold no control characters
  but the newline. A verifier considers only signatures whose name *and* key ID
  match its key, and any of those that fails makes the note fail.
- Verifier keys in the form of Go's golang.org/x/mod/sumdb/note, which the C2SP
  specs call vkeys: ``<name>+<key ID in 8 hex digits>+base64(0x01 || public key)``.
- c2sp.org/tlog-checkpoint: the body is the origin, the tree size in decimal with
  no leading zeros, the base64 RFC 6962 root hash (32 bytes), then optional
  non-empty extension lines; every line ends in a newline.
- c2sp.org/tlog-cosignature, the Ed25519 ``cosignature/v1`` type: key ID type
  0x04; the signed message is ``cosignature/v1\\n``, ``time <timestamp>\\n`` and
  then the *whole* checkpoint body, extension lines included (the spec says they
  MUST be included if present); the signature field is the 8-byte big-endian
  POSIX timestamp (at most 2**63 - 1) followed by the 64-byte Ed25519 signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from truceline.adapters.signing import Ed25519Signer, verify_signature

__all__ = [
    "COSIGNATURE_V1_TYPE",
    "ED25519_TYPE",
    "Checkpoint",
    "Note",
    "NoteSignature",
    "add_signature",
    "cosign",
    "note_key_id",
    "parse_checkpoint",
    "parse_note",
    "parse_verifier_key",
    "sign_note",
    "verifier_key",
    "verify_cosignature",
    "verify_note",
]

ED25519_TYPE = 0x01
COSIGNATURE_V1_TYPE = 0x04
MAX_SIGNATURES = 100
MAX_TIMESTAMP = 2**63 - 1
_EM_DASH = "\u2014"
_COSIGNATURE_HEADER = "cosignature/v1\n"
_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")
_HEX_KEY_ID = re.compile(r"[0-9a-f]{8}")


def note_key_id(name: str, public_key: bytes, key_type: int = ED25519_TYPE) -> bytes:
    """The 4-byte key ID: SHA-256(name || 0x0A || key type || public key)[:4]."""
    _check_name(name)
    data = name.encode("utf-8") + b"\n" + bytes([key_type]) + bytes(public_key)
    return hashlib.sha256(data).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The verifier key text ``<name>+<hex key ID>+<base64(0x01 || public key)>``."""
    _check_public_key(public_key)
    key_id = note_key_id(name, public_key)
    return f"{name}+{key_id.hex()}+{_b64(bytes([ED25519_TYPE]) + public_key)}"


def parse_verifier_key(text: str) -> tuple[str, bytes]:
    """The key name and raw Ed25519 public key of a verifier key; ValueError if malformed."""
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise ValueError("a verifier key is <name>+<key id>+<key>")
    name, hex_id, encoded = parts
    _check_name(name)
    if not _HEX_KEY_ID.fullmatch(hex_id):
        raise ValueError(f"verifier key id {hex_id!r} is not 8 lowercase hex digits")
    key = _b64_decode(encoded, "verifier key")
    if len(key) != 33 or key[0] != ED25519_TYPE:
        raise ValueError("a verifier key holds 0x01 and a 32-byte Ed25519 public key")
    public_key = key[1:]
    if note_key_id(name, public_key).hex() != hex_id:
        raise ValueError(f"verifier key id {hex_id} does not match the name and key")
    return name, public_key


@dataclass(frozen=True)
class Checkpoint:
    """The head of a transparency log at one size (c2sp.org/tlog-checkpoint)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin or _has_control(self.origin):
            raise ValueError("a checkpoint origin is one non-empty line")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise ValueError(f"a checkpoint size is a whole number >= 0, not {self.size!r}")
        if not isinstance(self.root, bytes) or len(self.root) != 32:
            raise ValueError("a checkpoint root hash is 32 bytes")
        for line in self.extensions:
            if not line or "\n" in line or _has_control(line):
                raise ValueError(f"a checkpoint extension is one non-empty line: {line!r}")

    def body(self) -> str:
        """The note text: origin, size, base64 root, extension lines; each ends in a newline."""
        lines = [self.origin, str(self.size), _b64(self.root), *self.extensions]
        return "".join(f"{line}\n" for line in lines)


def parse_checkpoint(body: str) -> Checkpoint:
    """Read a checkpoint body strictly; ValueError naming the bad line."""
    if not body.endswith("\n"):
        raise ValueError("checkpoint: the body must end with a newline")
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise ValueError(f"checkpoint: {len(lines)} line(s); needs origin, size and root hash")
    for number, line in enumerate(lines, start=1):
        if _has_control(line):
            raise ValueError(f"checkpoint line {number}: contains a control character")
    origin, size, root, *extensions = lines
    if not origin:
        raise ValueError("checkpoint line 1 (origin): empty")
    if not _SIZE.fullmatch(size):
        raise ValueError(
            f"checkpoint line 2 (size): {size!r} is not a decimal without leading zeros"
        )
    try:
        root_hash = _b64_decode(root, "root hash")
    except ValueError as error:
        raise ValueError(f"checkpoint line 3 (root hash): {error}") from None
    if len(root_hash) != 32:
        raise ValueError(f"checkpoint line 3 (root hash): {len(root_hash)} bytes, not 32")
    for number, line in enumerate(extensions, start=4):
        if not line:
            raise ValueError(f"checkpoint line {number} (extension): empty")
    return Checkpoint(origin, int(size), root_hash, tuple(extensions))


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key name, 4-byte key ID and the signature bytes after it."""

    name: str
    key_id: bytes
    signature: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.key_id) != 4:
            raise ValueError("a note key ID is 4 bytes")
        if not self.signature:
            raise ValueError("a note signature cannot be empty")

    def line(self) -> str:
        """The signature line, with its final newline."""
        return f"{_EM_DASH} {self.name} {_b64(self.key_id + self.signature)}\n"


@dataclass(frozen=True)
class Note:
    """A signed note: a text and its signatures (c2sp.org/signed-note)."""

    body: str
    signatures: tuple[NoteSignature, ...]

    def __post_init__(self) -> None:
        _check_text(self.body)

    def text(self) -> str:
        """The note as sent: body, blank line, one line per signature."""
        if not self.signatures:
            raise ValueError("a signed note needs at least one signature")
        return self.body + "\n" + "".join(sig.line() for sig in self.signatures)


def sign_note(body: str, name: str, signer: Ed25519Signer) -> Note:
    """Sign ``body`` with an Ed25519 note signature under key name ``name``."""
    _check_text(body)
    key_id = note_key_id(name, signer.public_key)
    signature = signer.sign(body.encode("utf-8"))
    return Note(body, (NoteSignature(name, key_id, signature),))


def add_signature(note: Note, sig: NoteSignature) -> Note:
    """The note with one more signature (unchanged if it already holds this one)."""
    if sig in note.signatures:
        return note
    return Note(note.body, (*note.signatures, sig))


def parse_note(text: str) -> Note:
    """Read a signed note strictly; ValueError with the reason."""
    _check_text(text)
    split = text.rfind("\n\n")
    if split < 0:
        raise ValueError("note: no blank line between the text and the signatures")
    body, block = text[: split + 1], text[split + 2 :]
    if not block:
        raise ValueError("note: no signature lines after the blank line")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise ValueError(f"note: more than {MAX_SIGNATURES} signatures")
    return Note(body, tuple(_parse_signature_line(n, line) for n, line in enumerate(lines, 1)))


def _parse_signature_line(number: int, line: str) -> NoteSignature:
    prefix = f"{_EM_DASH} "
    if not line.startswith(prefix):
        raise ValueError(f"note signature {number}: does not start with an em dash and a space")
    parts = line[len(prefix) :].split(" ")
    if len(parts) != 2:
        raise ValueError(f"note signature {number}: not '<key name> <base64 signature>'")
    name, encoded = parts
    try:
        _check_name(name)
        raw = _b64_decode(encoded, "signature")
    except ValueError as error:
        raise ValueError(f"note signature {number}: {error}") from None
    if len(raw) < 5:
        raise ValueError(f"note signature {number}: too short for a key ID and a signature")
    return NoteSignature(name, raw[:4], raw[4:])


def verify_note(note: Note, name: str, public_key: bytes) -> bool:
    """Whether the note carries an Ed25519 signature by this key, and all such verify."""
    try:
        key_id = note_key_id(name, public_key)
    except ValueError:
        return False
    mine = [s for s in note.signatures if s.name == name and s.key_id == key_id]
    message = note.body.encode("utf-8")
    return bool(mine) and all(verify_signature(public_key, message, s.signature) for s in mine)


def cosign(
    checkpoint: Checkpoint, name: str, signer: Ed25519Signer, timestamp: int
) -> NoteSignature:
    """A ``cosignature/v1`` signature of the checkpoint by a witness, at ``timestamp``."""
    if isinstance(timestamp, bool) or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError(f"a cosignature timestamp is between 0 and 2**63 - 1, not {timestamp}")
    key_id = note_key_id(name, signer.public_key, COSIGNATURE_V1_TYPE)
    signature = signer.sign(_cosigned_message(checkpoint, timestamp))
    return NoteSignature(name, key_id, timestamp.to_bytes(8, "big") + signature)


def verify_cosignature(
    checkpoint: Checkpoint, sig: NoteSignature, name: str, public_key: bytes
) -> int | None:
    """The timestamp of a valid ``cosignature/v1`` by this witness key, else None."""
    try:
        key_id = note_key_id(name, public_key, COSIGNATURE_V1_TYPE)
    except ValueError:
        return None
    if sig.name != name or sig.key_id != key_id or len(sig.signature) != 8 + 64:
        return None
    timestamp = int.from_bytes(sig.signature[:8], "big")
    if timestamp > MAX_TIMESTAMP:
        return None
    message = _cosigned_message(checkpoint, timestamp)
    if not verify_signature(public_key, message, sig.signature[8:]):
        return None
    return timestamp


def _cosigned_message(checkpoint: Checkpoint, timestamp: int) -> bytes:
    return f"{_COSIGNATURE_HEADER}time {timestamp}\n{checkpoint.body()}".encode()


def _check_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name) or _has_control(name):
        raise ValueError(f"key name {name!r} must be non-empty, without spaces or '+'")


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise ValueError("note: the text must end with a newline")
    if _has_control(text):
        raise ValueError("note: contains a control character other than newline")


def _has_control(text: str) -> bool:
    return any(c < " " and c != "\n" for c in text)


def _check_public_key(public_key: bytes) -> None:
    if len(public_key) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64_decode(text: str, what: str) -> bytes:
    """Strict standard base64: valid alphabet, padding, and canonical trailing bits."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is not valid base64") from None
    if _b64(data) != text:
        raise ValueError(f"{what} is not canonical base64")
    return data
