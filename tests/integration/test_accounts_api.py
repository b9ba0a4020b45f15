"""`/api/me`: API tokens in the Authorization header, and a key registered by its owner."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from truceline.adapters.signing import Ed25519Signer, canonical_json
from truceline.bootstrap import App, bootstrap
from truceline.domain.accounts import Actor, Role, User
from truceline.entrypoints.api.app import create_app
from truceline.services import accounts
from truceline.services.accounts import AccountPolicy, Argon2Cost
from truceline.services.ledger import entries_page
from truceline.settings import Settings

CHEAP = Argon2Cost(time_cost=1, memory_kib=1024, parallelism=1)
FAST = AccountPolicy(password_cost=CHEAP, key_cost=CHEAP)


@dataclass
class World:
    app: App
    client: TestClient
    user: User
    key: Ed25519Signer

    def token(self, *scopes: str) -> str:
        _, secret = accounts.create_token(
            accounts.CreateToken(self.user.id, "test", scopes),
            self.app.uow(),
            Actor.operator(),
            self.app.log.signer,
        )
        return secret


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    settings = Settings(
        database_url=database_url,
        example="idlib-m4",
        log_key=tmp_path / "log.key",
        checkpoint_interval_s=0,
    )
    app = bootstrap(settings)
    key = Ed25519Signer.generate()
    user = accounts.add_user(
        accounts.AddUser("tr-zo", "Ayse", "tr", Role.ZONE_OFFICER, "x" * 16, key.public_key),
        app.uow(),
        Actor.operator(),
        app.log.signer,
        policy=FAST,
    )
    try:
        with TestClient(create_app(app)) as client:
            yield World(app, client, user, key)
    finally:
        app.close()


def test_without_a_token_the_api_answers_401_asking_for_one(world: World) -> None:
    response = world.client.get("/api/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    [error] = response.json()["errors"]
    assert error["field"] == "authorization"
    assert "Bearer" in error["reason"]


def test_a_made_up_or_revoked_token_is_refused(world: World) -> None:
    assert world.client.get("/api/me", headers=bearer("tl_made_up")).status_code == 401
    secret = world.token("read")
    [token] = accounts.list_tokens(world.app.uow(), Actor.operator(), world.user.id)
    accounts.revoke_token(
        accounts.RevokeToken(token.id), world.app.uow(), Actor.operator(), world.app.log.signer
    )
    assert world.client.get("/api/me", headers=bearer(secret)).status_code == 401


def test_me_says_who_the_token_belongs_to_and_nothing_secret(world: World) -> None:
    response = world.client.get("/api/me", headers=bearer(world.token("read")))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == world.user.id
    assert (body["username"], body["party"], body["role"]) == ("tr-zo", "tr", "zone_officer")
    assert body["public_key"] == b64(world.key.public_key)
    assert set(body) == {
        "id",
        "username",
        "display_name",
        "party",
        "role",
        "public_key",
        "key_id",
        "created_at",
    }


def test_a_token_without_the_needed_scope_gets_403(world: World) -> None:
    response = world.client.get("/api/me", headers=bearer(world.token("write")))
    assert response.status_code == 403
    assert "lacks the 'read' scope" in response.json()["errors"][0]["reason"]


def test_a_user_registers_a_new_key_signed_with_their_current_one(world: World) -> None:
    new = Ed25519Signer.generate()
    body = accounts.key_registration_body(world.user, new.public_key, world.app.now())
    headers = bearer(world.token("write"))
    before = entries_page(world.app.uow(), 0, 1).size
    response = world.client.post(
        "/api/me/key",
        headers=headers,
        json={
            "event": body,
            "signature": b64(world.key.sign(canonical_json(body))),
            "signed_with": b64(world.key.public_key),
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["public_key"] == b64(new.public_key)
    [(entry, _)] = entries_page(world.app.uow(), before, 10).entries
    assert (entry.event, entry.actor, entry.subject) == (
        "user.key_registered",
        world.user.id,
        world.user.id,
    )


def test_a_key_registration_with_a_bad_signature_is_a_400_and_logs_nothing(world: World) -> None:
    new = Ed25519Signer.generate()
    body = accounts.key_registration_body(world.user, new.public_key, world.app.now())
    headers = bearer(world.token("write"))
    before = entries_page(world.app.uow(), 0, 1).size
    for signature, signed_with, field in [
        ("%%%", b64(world.key.public_key), "signature"),
        (b64(new.sign(canonical_json(body))), b64(new.public_key), "public_key"),
        (b64(b"\0" * 64), b64(world.key.public_key), "signature"),
    ]:
        response = world.client.post(
            "/api/me/key",
            headers=headers,
            json={"event": body, "signature": signature, "signed_with": signed_with},
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    assert entries_page(world.app.uow(), 0, 1).size == before


def test_registering_a_key_needs_the_write_scope(world: World) -> None:
    response = world.client.post(
        "/api/me/key",
        headers=bearer(world.token("read")),
        json={"event": {}, "signature": "", "signed_with": ""},
    )
    assert response.status_code == 403
