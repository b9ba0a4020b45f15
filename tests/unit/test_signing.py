"""Ed25519 keys and signatures, canonical JSON, and password-sealed private keys."""

from __future__ import annotations

import hashlib
import math
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from truceline.adapters.signing import (
    Ed25519Signer,
    SealedKey,
    canonical_json,
    key_id_of,
    open_sealed_key,
    seal_private_key,
    verify_signature,
)

# RFC 8032 section 7.1, TEST 1 and TEST 2.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
RFC8032_2_PUBLIC = bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
RFC8032_2_SIGNATURE = bytes.fromhex(
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
)

FAST = {"time_cost": 1, "memory_cost": 8192, "parallelism": 1}


# --- canonical JSON ----------------------------------------------------------------


def test_canonical_json_sorts_keys_and_drops_whitespace() -> None:
    value = {"zone": "north", "at": [1.0, 2.5, -0.0], "id": "inc_1", "ok": True, "n": None}
    assert (
        canonical_json(value) == b'{"at":[1,2.5,0],"id":"inc_1","n":null,"ok":true,"zone":"north"}'
    )


def test_canonical_json_writes_numbers_and_strings_as_rfc_8785_does() -> None:
    assert canonical_json([1e21, 1e-7, 333333333.3333333, 100]) == (
        b"[1e+21,1e-7,333333333.3333333,100]"
    )
    assert canonical_json({"\u20ac": "\u00e9\n\u0001"}) == '{"\u20ac":"\u00e9\\n\\u0001"}'.encode()


def test_canonical_json_sorts_keys_by_utf16_code_units() -> None:
    assert canonical_json({"\U0001f600": 1, "\ufb01": 2}) == '{"\U0001f600":1,"\ufb01":2}'.encode()


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_canonical_json_refuses_floats_that_are_not_finite(bad: float) -> None:
    with pytest.raises(ValueError, match="non-finite float"):
        canonical_json({"lat": bad})


def test_canonical_json_refuses_values_json_cannot_hold() -> None:
    with pytest.raises(ValueError, match="safe integer"):
        canonical_json(2**60)
    with pytest.raises(ValueError, match="unsupported type"):
        canonical_json({"when": object()})


# --- Ed25519 -------------------------------------------------------------------------


def test_a_signer_reproduces_the_rfc_8032_test_vector() -> None:
    signer = Ed25519Signer.from_private_bytes(RFC8032_SECRET)
    assert signer.public_key == RFC8032_PUBLIC
    assert signer.private_bytes() == RFC8032_SECRET
    assert signer.sign(b"") == RFC8032_SIGNATURE
    assert verify_signature(RFC8032_PUBLIC, b"", RFC8032_SIGNATURE)
    assert verify_signature(RFC8032_2_PUBLIC, b"\x72", RFC8032_2_SIGNATURE)


def test_the_key_id_is_the_start_of_the_sha256_of_the_public_key() -> None:
    signer = Ed25519Signer.from_private_bytes(RFC8032_SECRET)
    expected = hashlib.sha256(RFC8032_PUBLIC).hexdigest()[:16]
    assert signer.key_id == key_id_of(RFC8032_PUBLIC) == expected
    assert len(expected) == 16


def test_generated_keys_are_distinct_and_sign_what_they_verify() -> None:
    one, two = Ed25519Signer.generate(), Ed25519Signer.generate()
    assert one.public_key != two.public_key
    assert len(one.public_key) == 32
    assert len(one.private_bytes()) == 32
    signature = one.sign(b"incident inc_42 recorded")
    assert len(signature) == 64
    assert verify_signature(one.public_key, b"incident inc_42 recorded", signature)
    assert not verify_signature(two.public_key, b"incident inc_42 recorded", signature)


@pytest.mark.parametrize(
    ("public_key", "message", "signature"),
    [
        (RFC8032_PUBLIC, b"x", RFC8032_SIGNATURE),
        (RFC8032_PUBLIC, b"", RFC8032_SIGNATURE[:-1] + b"\x00"),
        (RFC8032_PUBLIC, b"", RFC8032_SIGNATURE[:63]),
        (RFC8032_PUBLIC, b"", b""),
        (RFC8032_PUBLIC[:31], b"", RFC8032_SIGNATURE),
        (b"", b"", RFC8032_SIGNATURE),
        (RFC8032_2_PUBLIC, b"", RFC8032_SIGNATURE),
    ],
    ids=["other message", "changed byte", "short", "empty", "short key", "no key", "other key"],
)
def test_a_bad_signature_or_key_verifies_false_without_raising(
    public_key: bytes, message: bytes, signature: bytes
) -> None:
    assert verify_signature(public_key, message, signature) is False


def test_a_private_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes, not 31"):
        Ed25519Signer.from_private_bytes(RFC8032_SECRET[:31])


# --- keys on disk ----------------------------------------------------------------------


def test_a_saved_key_is_a_private_pkcs8_pem_that_loads_back(tmp_path: Path) -> None:
    signer = Ed25519Signer.generate()
    path = tmp_path / "keys" / "ledger" / "signing.pem"
    signer.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----\n")
    loaded = Ed25519Signer.load(path)
    assert loaded.private_bytes() == signer.private_bytes()
    assert loaded.public_key == signer.public_key


def test_saving_refuses_to_replace_a_key_unless_told_to(tmp_path: Path) -> None:
    path = tmp_path / "signing.pem"
    first, second = Ed25519Signer.generate(), Ed25519Signer.generate()
    first.save(path)
    with pytest.raises(FileExistsError, match=r"signing\.pem"):
        second.save(path)
    assert Ed25519Signer.load(path).public_key == first.public_key
    second.save(path, overwrite=True)
    assert Ed25519Signer.load(path).public_key == second.public_key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signing.pem"]


def test_loading_something_that_is_not_a_key_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a key\n")
    with pytest.raises(ValueError, match=r"notes\.txt: not an Ed25519 private key"):
        Ed25519Signer.load(path)


def test_loading_another_kind_of_private_key_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p256.pem"
    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(ValueError, match=r"p256\.pem: not an Ed25519 private key"):
        Ed25519Signer.load(path)


def test_a_signer_does_not_show_its_private_key_in_its_repr() -> None:
    signer = Ed25519Signer.from_private_bytes(RFC8032_SECRET)
    assert signer.key_id in repr(signer)
    assert RFC8032_SECRET.hex() not in repr(signer)


# --- sealed private keys -----------------------------------------------------------------


def test_a_sealed_key_opens_with_its_password() -> None:
    sealed = seal_private_key(RFC8032_SECRET, "correct horse", **FAST)
    assert RFC8032_SECRET not in sealed.ciphertext
    assert len(sealed.salt) == 16
    assert len(sealed.nonce) == 12
    assert (sealed.time_cost, sealed.memory_cost, sealed.parallelism) == (1, 8192, 1)
    assert open_sealed_key(sealed, "correct horse") == RFC8032_SECRET


def test_sealing_twice_uses_a_fresh_salt_and_nonce() -> None:
    one = seal_private_key(RFC8032_SECRET, "pw", **FAST)
    two = seal_private_key(RFC8032_SECRET, "pw", **FAST)
    assert one.salt != two.salt
    assert one.nonce != two.nonce
    assert one.ciphertext != two.ciphertext


def test_a_wrong_password_does_not_open_a_sealed_key() -> None:
    sealed = seal_private_key(RFC8032_SECRET, "correct horse", **FAST)
    with pytest.raises(ValueError, match=r"^wrong password or damaged key$"):
        open_sealed_key(sealed, "correct horsE")


@pytest.mark.parametrize(
    "field", ["salt", "nonce", "ciphertext", "time_cost", "memory_cost", "parallelism"]
)
def test_a_damaged_sealed_key_does_not_open(field: str) -> None:
    sealed = seal_private_key(RFC8032_SECRET, "pw", **FAST)
    value = getattr(sealed, field)
    changes: dict[str, Any] = {}
    if isinstance(value, bytes):
        changes[field] = bytes([value[0] ^ 1]) + value[1:]
    else:
        changes[field] = 1 if field == "memory_cost" else value + 1
    damaged = replace(sealed, **changes)
    with pytest.raises(ValueError, match=r"^wrong password or damaged key$"):
        open_sealed_key(damaged, "pw")


def test_a_sealed_key_survives_a_json_round_trip() -> None:
    sealed = seal_private_key(RFC8032_SECRET, "pw", **FAST)
    stored = sealed.to_json()
    assert stored["kdf"] == "argon2id"
    assert stored["cipher"] == "chacha20-poly1305"
    assert isinstance(stored["salt"], str)
    assert canonical_json(stored)
    again = SealedKey.from_json(stored)
    assert again == sealed
    assert open_sealed_key(again, "pw") == RFC8032_SECRET


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"salt": "not base64!"}, "salt is not valid base64"),
        ({"salt": "AAAA"}, "salt must be 16 bytes"),
        ({"nonce": 12}, "nonce must be a base64 string"),
        ({"time_cost": "3"}, "time_cost must be a positive integer"),
        ({"memory_cost": 0}, "memory_cost must be a positive integer"),
        ({"parallelism": True}, "parallelism must be a positive integer"),
        ({"kdf": "scrypt"}, "kdf must be 'argon2id'"),
    ],
)
def test_reading_a_malformed_sealed_key_names_the_field(
    change: dict[str, object], message: str
) -> None:
    stored: dict[str, object] = {**seal_private_key(b"k" * 32, "pw", **FAST).to_json(), **change}
    with pytest.raises(ValueError, match=message):
        SealedKey.from_json(stored)


def test_a_sealed_key_needs_a_password() -> None:
    with pytest.raises(ValueError, match="non-empty password"):
        seal_private_key(RFC8032_SECRET, "", **FAST)
