"""Ledger rules in the domain: the leaf format, the fast canonical JSON, the key rule."""

from __future__ import annotations

import base64
import json

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from tests.ledger_support import event
from truceline.adapters.signing import Ed25519Signer, canonical_json
from truceline.domain.events import OPERATOR
from truceline.domain.ledger import (
    KeyRing,
    assemble_leaf,
    parse_leaf,
    plain_canonical_json,
    registered_key,
)
from truceline.services.ledger import event_json, sign_event

SAFE = 2**53 - 1

plain_values = st.recursive(
    st.none() | st.booleans() | st.integers(-SAFE, SAFE) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(alphabet=st.characters(max_codepoint=127)), children, max_size=4)
    ),
    max_leaves=12,
)


@given(plain_values)
def test_the_fast_canonical_json_of_a_plain_value_is_the_rfc_8785_one(value: object) -> None:
    fast = plain_canonical_json(value)
    try:
        expected = rfc8785.dumps(value)  # type: ignore[arg-type]
    except Exception:  # what RFC 8785 refuses, the fast path must not invent
        assert fast is None
        return
    assert fast is None or fast == expected


@pytest.mark.parametrize(
    "value",
    [1.5, {"a": 1.0}, 2**53, [-(2**53)], {"é": 1}, ("a", "b"), {"a": "\ud800"}],
    ids=[
        "float",
        "float in object",
        "big int",
        "big negative int",
        "non-ASCII key",
        "tuple",
        "lone surrogate",
    ],
)
def test_values_the_fast_path_cannot_be_sure_of_are_left_to_the_full_algorithm(
    value: object,
) -> None:
    assert plain_canonical_json(value) is None


def test_an_event_body_with_floats_still_gets_its_rfc_8785_form() -> None:
    body = event(1, data={"km": 12.50, "b": [1e21]}).body()
    assert event_json(body) == rfc8785.dumps(body)


def test_a_leaf_is_the_canonical_json_of_the_event_its_key_and_its_signature() -> None:
    signer = Ed25519Signer.generate()
    entry = sign_event(event(3, data={"title": 'Идлиб "M4"\n', "public_key": "x"}), signer)
    body = event(3, data={"title": 'Идлиб "M4"\n', "public_key": "x"}).body()
    signature = json.loads(entry.leaf)["signature"]
    expected = canonical_json(
        {
            "event": body,
            "public_key": base64.b64encode(signer.public_key).decode(),
            "signature": signature,
        }
    )
    assert entry.leaf == expected
    parsed = parse_leaf(entry.leaf)
    assert parsed.body == body
    assert parsed.event_json == canonical_json(body)
    assert parsed.public_key == signer.public_key
    assert parsed.signature == base64.b64decode(signature)


@pytest.mark.parametrize(
    "damage",
    [
        lambda leaf: leaf.replace(b'{"event":', b'{ "event":', 1),
        lambda leaf: leaf[:-2] + b'", "x": 1}',
        lambda leaf: leaf.replace(b'"public_key":"', b'"public_key":"A', 1),
        lambda leaf: leaf[:-3] + b'=="}',
        lambda leaf: b'{"event":[],' + leaf.split(b",", 1)[1],
    ],
    ids=["space", "extra member", "key too long", "signature padding", "event not an object"],
)
def test_a_leaf_that_is_not_canonical_is_refused_with_a_reason(damage: object) -> None:
    leaf = sign_event(event(1), Ed25519Signer.generate()).leaf
    with pytest.raises(ValueError, match="leaf"):
        parse_leaf(damage(leaf))  # type: ignore[operator]


def test_assembling_a_leaf_from_its_parts_gives_back_the_same_bytes() -> None:
    leaf = sign_event(event(1), Ed25519Signer.generate()).leaf
    parsed = parse_leaf(leaf)
    assert assemble_leaf(parsed.event_json, parsed.public_key, parsed.signature) == leaf


def test_the_operator_signs_with_the_log_key_only() -> None:
    log, other = Ed25519Signer.generate(), Ed25519Signer.generate()
    ring = KeyRing(log.public_key)
    assert ring.allows(OPERATOR, log.public_key)
    assert not ring.allows(OPERATOR, other.public_key)
    assert "log's key" in ring.why_not(OPERATOR, other.public_key)


def test_a_user_signs_only_with_a_key_registered_before() -> None:
    key = Ed25519Signer.generate()
    ring = KeyRing(None)
    assert not ring.allows("usr_a", key.public_key)
    assert "no key is registered" in ring.why_not("usr_a", key.public_key)
    registration = event(
        1,
        name="user.key_registered",
        subject="usr_a",
        data={"public_key": base64.b64encode(key.public_key).decode()},
    ).body()
    ring.observe(registration)
    assert ring.allows("usr_a", key.public_key)
    assert not ring.allows("usr_b", key.public_key)
    assert registered_key(registration) == ("usr_a", key.public_key)


def test_a_key_registration_without_a_usable_key_is_refused() -> None:
    body = event(1, name="user.key_registered", subject="usr_a", data={"public_key": "AAAA"})
    with pytest.raises(ValueError, match="32"):
        registered_key(body.body())
    assert registered_key(event(2).body()) is None
