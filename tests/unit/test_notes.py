"""C2SP signed notes, checkpoints and cosignatures, checked against published examples."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace

import pytest

from truceline.adapters.notes import (
    Checkpoint,
    Note,
    NoteSignature,
    add_signature,
    cosign,
    note_key_id,
    parse_checkpoint,
    parse_note,
    parse_verifier_key,
    sign_note,
    verifier_key,
    verify_cosignature,
    verify_note,
)
from truceline.adapters.signing import Ed25519Signer, verify_signature

# The example key and note of golang.org/x/mod/sumdb/note, the reference implementation.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n"
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfq"
    "dngotpRZb6KE6RyyBwJnAM=\n"
)

# The example of c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature.
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_NOTE = (
    SPEC_BODY + "\n"
    "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5"
    "/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlr"
    "DJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)


def go_signer() -> Ed25519Signer:
    encoded = GO_SKEY.split("+", 4)[4]
    raw = base64.b64decode(encoded)
    assert raw[0] == 0x01
    return Ed25519Signer.from_private_bytes(raw[1:])


def checkpoint(size: int = 20852163, extensions: tuple[str, ...] = ()) -> Checkpoint:
    return Checkpoint("truceline.example/idlib-m4", size, hashlib.sha256(b"r").digest(), extensions)


# --- keys -----------------------------------------------------------------------------


def test_the_go_example_key_has_the_key_id_and_verifier_key_it_publishes() -> None:
    signer = go_signer()
    assert note_key_id("PeterNeumann", signer.public_key).hex() == "c74f20a3"
    assert verifier_key("PeterNeumann", signer.public_key) == GO_VKEY
    assert parse_verifier_key(GO_VKEY) == ("PeterNeumann", signer.public_key)


def test_a_key_id_hashes_the_name_a_newline_the_type_and_the_key() -> None:
    key = bytes(range(32))
    expected = hashlib.sha256(b"log.example/a\n\x04" + key).digest()[:4]
    assert note_key_id("log.example/a", key, 0x04) == expected
    assert note_key_id("log.example/a", key) != expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("PeterNeumann+c74f20a3", "is <name>"),
        ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
        ("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "hex digits"),
        ("Peter+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
        (GO_VKEY.replace("+AR", "+Ah"), "0x01 and a 32-byte"),
        (GO_VKEY + "AAAA", "0x01 and a 32-byte"),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", "base64"),
        ("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "key name"),
    ],
)
def test_a_malformed_verifier_key_is_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_verifier_key(text)


@pytest.mark.parametrize("name", ["", "has space", "plus+sign", "tab\there", "nbsp\u00a0x"])
def test_key_names_are_non_empty_without_spaces_or_plus(name: str) -> None:
    with pytest.raises(ValueError, match="key name"):
        note_key_id(name, bytes(32))


# --- signed notes ---------------------------------------------------------------------


def test_signing_the_go_example_text_gives_the_published_note_byte_for_byte() -> None:
    note = sign_note(GO_TEXT, "PeterNeumann", go_signer())
    assert note.text() == GO_NOTE


def test_the_go_example_note_parses_and_verifies() -> None:
    name, public_key = parse_verifier_key(GO_VKEY)
    note = parse_note(GO_NOTE)
    assert note.body == GO_TEXT
    assert [(s.name, s.key_id.hex(), len(s.signature)) for s in note.signatures] == [
        ("PeterNeumann", "c74f20a3", 64)
    ]
    assert verify_note(note, name, public_key)
    assert note.text() == GO_NOTE


def test_a_note_whose_text_has_blank_lines_splits_at_the_last_one() -> None:
    signer = Ed25519Signer.generate()
    body = "first\n\nsecond\n\n"
    text = sign_note(body, "log.example/a", signer).text()
    note = parse_note(text)
    assert note.body == body
    assert verify_note(note, "log.example/a", signer.public_key)


def test_a_changed_body_byte_fails_verification() -> None:
    _, public_key = parse_verifier_key(GO_VKEY)
    tampered = parse_note(GO_NOTE.replace("cryptography", "cryptographY"))
    assert not verify_note(tampered, "PeterNeumann", public_key)


def test_a_changed_signature_byte_fails_verification() -> None:
    _, public_key = parse_verifier_key(GO_VKEY)
    note = parse_note(GO_NOTE)
    sig = note.signatures[0]
    broken = replace(
        sig, signature=sig.signature[:10] + bytes([sig.signature[10] ^ 1]) + sig.signature[11:]
    )
    assert not verify_note(Note(note.body, (broken,)), "PeterNeumann", public_key)


def test_a_wrong_name_or_key_fails_verification() -> None:
    _, public_key = parse_verifier_key(GO_VKEY)
    note = parse_note(GO_NOTE)
    assert not verify_note(note, "PeterNeumann2", public_key)
    assert not verify_note(note, "PeterNeumann", Ed25519Signer.generate().public_key)
    assert not verify_note(note, "bad name", public_key)


def test_a_failing_signature_from_the_key_fails_the_note_even_next_to_a_good_one() -> None:
    signer = go_signer()
    note = parse_note(GO_NOTE)
    bad = replace(note.signatures[0], signature=bytes(64))
    assert not verify_note(add_signature(note, bad), "PeterNeumann", signer.public_key)


def test_signatures_from_other_keys_are_ignored() -> None:
    other = Ed25519Signer.generate()
    note = parse_note(GO_NOTE)
    extra = sign_note(GO_TEXT, "other.example/key", other).signatures[0]
    both = add_signature(note, extra)
    assert add_signature(both, extra) == both
    again = parse_note(both.text())
    assert len(again.signatures) == 2
    assert verify_note(again, "PeterNeumann", go_signer().public_key)
    assert verify_note(again, "other.example/key", other.public_key)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (GO_NOTE[:-1], "must end with a newline"),
        (GO_TEXT, "no blank line"),
        (GO_TEXT + "\n", "no signature lines"),
        (GO_NOTE.replace("\u2014 ", "- "), "em dash"),
        (GO_NOTE.replace("\u2014 PeterNeumann ", "\u2014 PeterNeumann  "), "<key name>"),
        (GO_NOTE.replace("PeterNeumann", "Peter+Neumann"), "key name"),
        (GO_NOTE.replace("AM=\n", "AM\n"), "not valid base64"),
        (GO_NOTE.replace("AM=\n", "AN=\n"), "not canonical base64"),
        (GO_TEXT + "\n\u2014 PeterNeumann AAAA\n", "too short"),
        (GO_NOTE.replace("think", "th\rink"), "control character"),
        (GO_NOTE + GO_NOTE.split("\n\n")[1] * 100, "more than 100"),
        (GO_NOTE + "\n", "no signature lines"),
    ],
    ids=[
        "no final newline",
        "no blank line",
        "no signatures",
        "hyphen not em dash",
        "two spaces",
        "plus in name",
        "bad base64",
        "non-canonical base64",
        "short signature",
        "control character",
        "too many signatures",
        "trailing blank line",
    ],
)
def test_a_malformed_note_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_note(text)


def test_a_note_accepts_at_least_sixteen_signatures() -> None:
    line = GO_NOTE.split("\n\n")[1]
    note = parse_note(GO_NOTE + line * 15)
    assert len(note.signatures) == 16


def test_only_a_text_ending_in_a_newline_can_be_signed() -> None:
    with pytest.raises(ValueError, match="must end with a newline"):
        sign_note("no newline", "log.example/a", Ed25519Signer.generate())
    with pytest.raises(ValueError, match="at least one signature"):
        Note("text\n", ()).text()


# --- checkpoints ---------------------------------------------------------------------


def test_the_spec_example_checkpoint_parses_and_prints_back() -> None:
    cp = parse_checkpoint(SPEC_BODY)
    assert cp.origin == "example.com/behind-the-sofa"
    assert cp.size == 20852163
    assert cp.root == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert cp.extensions == ()
    assert cp.body() == SPEC_BODY
    assert parse_note(SPEC_NOTE).body == SPEC_BODY


def test_a_checkpoint_with_extension_lines_round_trips() -> None:
    cp = checkpoint(0, ("ext one", "ext two"))
    assert cp.body().splitlines()[1] == "0"
    assert cp.body().endswith("\next one\next two\n")
    assert parse_checkpoint(cp.body()) == cp


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (SPEC_BODY[:-1], "must end with a newline"),
        ("example.com/log\n5\n", "needs origin, size and root hash"),
        ("\n5\n" + SPEC_BODY.split("\n")[2] + "\n", r"line 1 \(origin\): empty"),
        (SPEC_BODY.replace("\n20852163\n", "\n020852163\n"), r"line 2 \(size\)"),
        (SPEC_BODY.replace("\n20852163\n", "\n-1\n"), r"line 2 \(size\)"),
        (SPEC_BODY.replace("\n20852163\n", "\n 7\n"), r"line 2 \(size\)"),
        (SPEC_BODY.replace("q2I=", "q2I"), r"line 3 \(root hash\): root hash is not valid"),
        (SPEC_BODY.replace("CsUY", ""), r"line 3 \(root hash\): 29 bytes"),
        (SPEC_BODY + "\n", r"line 4 \(extension\): empty"),
        (SPEC_BODY + "ok\n\nafter\n", r"line 5 \(extension\): empty"),
        (SPEC_BODY.replace("sofa", "so\x00fa"), "line 1: contains a control character"),
    ],
)
def test_a_malformed_checkpoint_is_refused_naming_the_line(body: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_checkpoint(body)


def test_a_checkpoint_refuses_values_it_cannot_print() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Checkpoint("log.example/a", 1, b"short")
    with pytest.raises(ValueError, match=">= 0"):
        Checkpoint("log.example/a", -1, bytes(32))
    with pytest.raises(ValueError, match="one non-empty line"):
        Checkpoint("two\nlines", 1, bytes(32))
    with pytest.raises(ValueError, match="extension"):
        Checkpoint("log.example/a", 1, bytes(32), ("",))


def test_a_log_signed_checkpoint_verifies_as_a_note() -> None:
    log = Ed25519Signer.generate()
    cp = checkpoint()
    note = parse_note(sign_note(cp.body(), cp.origin, log).text())
    assert verify_note(note, cp.origin, log.public_key)
    assert parse_checkpoint(note.body) == cp


# --- cosignatures ------------------------------------------------------------------------


def test_the_spec_example_cosignature_carries_the_time_of_the_spec_message() -> None:
    witness = parse_note(SPEC_NOTE).signatures[1]
    assert witness.name == "witness.example.com/w1"
    assert len(witness.signature) == 8 + 64
    assert int.from_bytes(witness.signature[:8], "big") == 1679315147


def test_a_cosignature_signs_the_header_the_time_and_the_whole_checkpoint_body() -> None:
    witness = Ed25519Signer.from_private_bytes(bytes(range(32)))
    cp = parse_checkpoint(SPEC_BODY + "extension line\n")
    sig = cosign(cp, "witness.example.com/w1", witness, 1679315147)
    expected_id = hashlib.sha256(b"witness.example.com/w1\n\x04" + witness.public_key).digest()[:4]
    assert sig.key_id == expected_id
    assert sig.signature[:8] == (1679315147).to_bytes(8, "big")
    message = (
        b"cosignature/v1\ntime 1679315147\n"
        b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        b"extension line\n"
    )
    assert verify_signature(witness.public_key, message, sig.signature[8:])
    assert verify_cosignature(cp, sig, "witness.example.com/w1", witness.public_key) == 1679315147


def test_a_cosigned_checkpoint_note_carries_both_signatures_through_text() -> None:
    log, witness = Ed25519Signer.generate(), Ed25519Signer.generate()
    cp = checkpoint()
    note = add_signature(
        sign_note(cp.body(), cp.origin, log), cosign(cp, "w.example/1", witness, 0)
    )
    parsed = parse_note(note.text())
    assert verify_note(parsed, cp.origin, log.public_key)
    assert not verify_note(parsed, "w.example/1", witness.public_key)
    cosig = parsed.signatures[1]
    assert (
        verify_cosignature(parse_checkpoint(parsed.body), cosig, "w.example/1", witness.public_key)
        == 0
    )


def test_a_tampered_cosignature_is_rejected() -> None:
    witness = Ed25519Signer.generate()
    cp = checkpoint(1000, ("ext",))
    sig = cosign(cp, "w.example/1", witness, 1_700_000_000)
    later = replace(sig, signature=(1_700_000_001).to_bytes(8, "big") + sig.signature[8:])
    flipped = replace(sig, signature=sig.signature[:-1] + bytes([sig.signature[-1] ^ 1]))
    assert verify_cosignature(cp, sig, "w.example/1", witness.public_key) == 1_700_000_000
    assert (
        verify_cosignature(checkpoint(1001, ("ext",)), sig, "w.example/1", witness.public_key)
        is None
    )
    assert verify_cosignature(checkpoint(1000), sig, "w.example/1", witness.public_key) is None
    assert verify_cosignature(cp, later, "w.example/1", witness.public_key) is None
    assert verify_cosignature(cp, flipped, "w.example/1", witness.public_key) is None
    assert verify_cosignature(cp, sig, "w.example/2", witness.public_key) is None
    assert (
        verify_cosignature(cp, replace(sig, name="w.example/2"), "w.example/2", witness.public_key)
        is None
    )
    assert verify_cosignature(cp, sig, "w.example/1", Ed25519Signer.generate().public_key) is None
    assert (
        verify_cosignature(
            cp, replace(sig, signature=sig.signature[8:]), "w.example/1", witness.public_key
        )
        is None
    )


def test_a_note_signature_is_not_a_cosignature() -> None:
    witness = Ed25519Signer.generate()
    cp = checkpoint()
    plain = sign_note(cp.body(), "w.example/1", witness).signatures[0]
    assert verify_cosignature(cp, plain, "w.example/1", witness.public_key) is None


def test_a_cosignature_time_must_fit_in_63_bits() -> None:
    witness = Ed25519Signer.generate()
    top = cosign(checkpoint(), "w.example/1", witness, 2**63 - 1)
    assert verify_cosignature(checkpoint(), top, "w.example/1", witness.public_key) == 2**63 - 1
    with pytest.raises(ValueError, match="2\\*\\*63"):
        cosign(checkpoint(), "w.example/1", witness, 2**63)
    with pytest.raises(ValueError, match="2\\*\\*63"):
        cosign(checkpoint(), "w.example/1", witness, -1)
    too_late = replace(top, signature=(2**63).to_bytes(8, "big") + top.signature[8:])
    assert verify_cosignature(checkpoint(), too_late, "w.example/1", witness.public_key) is None


def test_a_note_signature_needs_a_four_byte_key_id() -> None:
    with pytest.raises(ValueError, match="4 bytes"):
        NoteSignature("w.example/1", b"abc", bytes(64))
