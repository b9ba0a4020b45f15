"""Ed25519 keys and signatures, canonical JSON, and private keys sealed under a password.

- :func:`canonical_json` gives the RFC 8785 (JCS) bytes of a JSON value: the exact
  bytes that get hashed and signed, the same on every machine.
- :class:`Ed25519Signer` holds one private key; on disk it is an unencrypted
  PKCS#8 PEM file readable by its owner only (mode 0600).
- :class:`SealedKey` is a private key at rest under a password: argon2id derives
  a 32-byte key from the password and a random salt, and ChaCha20-Poly1305
  encrypts the private key under it with a random nonce.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import rfc8785
from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

__all__ = [
    "Ed25519Signer",
    "SealedKey",
    "canonical_json",
    "key_id_of",
    "open_sealed_key",
    "seal_private_key",
    "verify_signature",
]

KEY_SIZE = 32
SIGNATURE_SIZE = 64
SALT_SIZE = 16
NONCE_SIZE = 12
# Associated data of every sealed key: binds the ciphertext to this format.
_SEALED_AAD = b"truceline sealed private key v1"


def canonical_json(value: object) -> bytes:
    """The RFC 8785 canonical JSON bytes of ``value``.

    Raises ValueError for what JSON cannot hold exactly: NaN and infinities,
    integers beyond 2**53, keys that are not strings, other types.
    """
    try:
        return rfc8785.dumps(cast(Any, value))
    except rfc8785.FloatDomainError as error:
        raise ValueError(
            f"canonical JSON cannot hold a non-finite float (NaN or infinity): {error}"
        ) from None
    except RecursionError:
        raise ValueError("canonical JSON cannot hold a value nested this deeply") from None


def key_id_of(public_key: bytes) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature of ``message`` by ``public_key``.

    Returns False, never raises, for a malformed key or signature.
    """
    try:
        Ed25519PublicKey.from_public_bytes(bytes(public_key)).verify(
            bytes(signature), bytes(message)
        )
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


class Ed25519Signer:
    """One Ed25519 private key, able to sign."""

    __slots__ = ("_key", "_public")

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self._public = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @classmethod
    def generate(cls) -> Ed25519Signer:
        """A new random key."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, raw: bytes) -> Ed25519Signer:
        """The key whose raw 32-byte private form (the RFC 8032 seed) is ``raw``."""
        if len(raw) != KEY_SIZE:
            raise ValueError(f"an Ed25519 private key is {KEY_SIZE} bytes, not {len(raw)}")
        return cls(Ed25519PrivateKey.from_private_bytes(bytes(raw)))

    def private_bytes(self) -> bytes:
        """The raw 32-byte private key. Handle with care."""
        return self._key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte public key."""
        return self._public

    @property
    def key_id(self) -> str:
        """The first 16 hex digits of the SHA-256 of the public key."""
        return key_id_of(self._public)

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        return self._key.sign(bytes(message))

    def save(self, path: Path, *, overwrite: bool = False) -> None:
        """Write the key to ``path`` as a PKCS#8 PEM file with mode 0600.

        Creates the parent folder; refuses to replace an existing file unless
        ``overwrite`` is true.
        """
        pem = self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path = Path(path)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not overwrite:
            try:
                _write_private(path, pem)
            except FileExistsError:
                raise FileExistsError(
                    f"{path}: a file is already there; not overwriting a key"
                ) from None
            return
        partial = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            _write_private(partial, pem)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)

    @classmethod
    def load(cls, path: Path) -> Ed25519Signer:
        """Read a key written by :meth:`save` (any unencrypted PEM Ed25519 private key)."""
        path = Path(path)
        data = path.read_bytes()
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise ValueError(
                f"{path}: not an Ed25519 private key (expected an unencrypted PKCS#8 PEM file)"
            ) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path}: not an Ed25519 private key (found a {type(key).__name__})")
        return cls(key)

    def __repr__(self) -> str:
        return f"Ed25519Signer(key_id={self.key_id!r})"


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist) readable and writable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


@dataclass(frozen=True)
class SealedKey:
    """A private key encrypted under a password (argon2id + ChaCha20-Poly1305)."""

    salt: bytes
    nonce: bytes
    ciphertext: bytes
    time_cost: int
    memory_cost: int
    parallelism: int

    def to_json(self) -> dict[str, str | int]:
        """A JSON object for storage; byte fields in standard base64."""
        return {
            "kdf": "argon2id",
            "cipher": "chacha20-poly1305",
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "ciphertext": _b64(self.ciphertext),
            "time_cost": self.time_cost,
            "memory_cost": self.memory_cost,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> SealedKey:
        """Read what :meth:`to_json` wrote; ValueError naming the bad field."""
        for field, expected in (("kdf", "argon2id"), ("cipher", "chacha20-poly1305")):
            if field in data and data[field] != expected:
                raise ValueError(f"sealed key: {field} must be {expected!r}")
        sealed = cls(
            salt=_b64_field(data, "salt"),
            nonce=_b64_field(data, "nonce"),
            ciphertext=_b64_field(data, "ciphertext"),
            time_cost=_int_field(data, "time_cost"),
            memory_cost=_int_field(data, "memory_cost"),
            parallelism=_int_field(data, "parallelism"),
        )
        if len(sealed.salt) != SALT_SIZE:
            raise ValueError(f"sealed key: salt must be {SALT_SIZE} bytes")
        if len(sealed.nonce) != NONCE_SIZE:
            raise ValueError(f"sealed key: nonce must be {NONCE_SIZE} bytes")
        return sealed


def seal_private_key(
    private: bytes,
    password: str,
    *,
    time_cost: int = 3,
    memory_cost: int = 65536,
    parallelism: int = 1,
) -> SealedKey:
    """Encrypt ``private`` under ``password`` (argon2id costs: memory in KiB)."""
    if not password:
        raise ValueError("a sealed key needs a non-empty password")
    salt = secrets.token_bytes(SALT_SIZE)
    nonce = secrets.token_bytes(NONCE_SIZE)
    key = _derive(password, salt, time_cost, memory_cost, parallelism)
    ciphertext = ChaCha20Poly1305(key).encrypt(nonce, bytes(private), _SEALED_AAD)
    return SealedKey(salt, nonce, ciphertext, time_cost, memory_cost, parallelism)


def open_sealed_key(sealed: SealedKey, password: str) -> bytes:
    """Decrypt a sealed key; ValueError("wrong password or damaged key") on failure."""
    try:
        key = _derive(
            password, sealed.salt, sealed.time_cost, sealed.memory_cost, sealed.parallelism
        )
        return ChaCha20Poly1305(key).decrypt(sealed.nonce, sealed.ciphertext, _SEALED_AAD)
    except (InvalidTag, HashingError, ValueError, OverflowError):
        raise ValueError("wrong password or damaged key") from None


def _derive(
    password: str, salt: bytes, time_cost: int, memory_cost: int, parallelism: int
) -> bytes:
    return hash_secret_raw(
        secret=password.encode("utf-8"),
        salt=salt,
        time_cost=time_cost,
        memory_cost=memory_cost,
        parallelism=parallelism,
        hash_len=KEY_SIZE,
        type=Type.ID,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64_field(data: Mapping[str, object], field: str) -> bytes:
    value = data.get(field)
    if not isinstance(value, str):
        raise ValueError(f"sealed key: {field} must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValueError(f"sealed key: {field} is not valid base64") from None


def _int_field(data: Mapping[str, object], field: str) -> int:
    value = data.get(field)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"sealed key: {field} must be a positive integer")
    return value
