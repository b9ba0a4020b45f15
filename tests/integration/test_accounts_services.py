"""Accounts, keys and tokens on a real database, SQLite and PostgreSQL alike.

Every change leaves its ledger entries, signed by the actor; every refusal
writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from truceline.adapters.db import accounts as tables
from truceline.adapters.signing import Ed25519Signer, canonical_json, verify_signature
from truceline.bootstrap import App, bootstrap
from truceline.domain.accounts import MONITOR_PARTY, Actor, Role, User, new_id
from truceline.domain.errors import (
    AuthenticationError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDenied,
)
from truceline.domain.ledger import LedgerEntry, parse_leaf
from truceline.services import accounts, demo_accounts
from truceline.services.accounts import AccountPolicy, Argon2Cost
from truceline.services.agreements import get_agreement
from truceline.services.ledger import entries_page, publish_checkpoint
from truceline.services.ledger_verify import export_bundle, verify_bundle
from truceline.settings import Settings

CHEAP = Argon2Cost(time_cost=1, memory_kib=1024, parallelism=1)
FAST = AccountPolicy(password_cost=CHEAP, key_cost=CHEAP)
PASSWORD = "correct horse battery staple"
T0 = datetime(2020, 9, 1, 8, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(database_url: str, tmp_path: Path, example_pack: Path, clock: Clock) -> Iterator[App]:
    settings = Settings(database_url=database_url, log_key=tmp_path / "log.key", pack=example_pack)
    application = bootstrap(settings)
    application.now = clock
    try:
        yield application
    finally:
        application.close()


def log_size(app: App) -> int:
    return entries_page(app.uow(), 0, 1).size


def entries_after(app: App, size: int) -> list[LedgerEntry]:
    return [entry for entry, _ in entries_page(app.uow(), size, 100).entries]


def body_of(entry: LedgerEntry) -> dict[str, Any]:
    return parse_leaf(entry.leaf).body


def add(
    app: App,
    username: str,
    role: Role,
    party: str | None,
    *,
    actor: Actor | None = None,
    signer: Any = None,
    public_key: bytes | None = None,
) -> User:
    return accounts.add_user(
        accounts.AddUser(username, username.title(), party, role, PASSWORD, public_key),
        app.uow(),
        actor or Actor.operator(),
        signer or app.log.signer,
        now=app.now,
        policy=FAST,
    )


def login(app: App, username: str, password: str = PASSWORD, source: str = "10.0.0.1") -> Any:
    return accounts.authenticate(app.uow(), username, password, app.now(), source, policy=FAST)


def user_row(app: App, username: str) -> Any:
    with app.engine.connect() as conn:
        return conn.execute(select(tables.users).where(tables.users.c.username == username)).one()


# --- adding users -------------------------------------------------------------------------


def test_adding_a_user_stores_an_argon2id_hash_and_a_sealed_key_and_logs_the_account_and_key(
    app: App,
) -> None:
    before = log_size(app)
    user = add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    assert user.id.startswith("usr_")
    assert (user.party, user.role, user.disabled) == ("ru", Role.ZONE_OFFICER, False)
    row = user_row(app, "ru-zo")
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert row.sealed_key["kdf"] == "argon2id"
    assert bytes(row.public_key) == user.public_key

    added, key = entries_after(app, before)
    assert [added.event, key.event] == ["user.added", "user.key_registered"]
    assert {added.actor, key.actor} == {"operator"}
    assert added.subject == key.subject == user.id
    data = body_of(added)["data"]
    assert data["role"] == "zone_officer"
    assert data["party"] == "ru"
    assert data["key_custody"] == "sealed on the server"
    text = canonical_json(body_of(added)).decode()
    assert PASSWORD not in text
    assert set(body_of(key)["data"]) == {"public_key", "key_id", "custody"}
    assert row.sealed_key["ciphertext"] not in text + canonical_json(body_of(key)).decode()
    leaf = parse_leaf(added.leaf)
    assert leaf.public_key == app.log.signer.public_key
    assert verify_signature(leaf.public_key, leaf.event_json, leaf.signature)


def test_a_user_with_their_own_public_key_has_no_key_on_the_server(app: App) -> None:
    own = Ed25519Signer.generate()
    before = log_size(app)
    user = add(app, "tr-ig", Role.INFO_GROUP_MEMBER, "tr", public_key=own.public_key)
    assert user.public_key == own.public_key
    assert user_row(app, "tr-ig").sealed_key is None
    added, _ = entries_after(app, before)
    assert body_of(added)["data"]["key_custody"] == "kept by the user"


@pytest.mark.parametrize(
    ("username", "role", "party", "password", "match"),
    [
        ("Bad Name", Role.ZONE_OFFICER, "ru", PASSWORD, "username"),
        ("ru-zo", Role.ZONE_OFFICER, "ru", "short", "at least 12 characters"),
        ("ru-zo", Role.ZONE_OFFICER, "xx", PASSWORD, "'xx' is not a party"),
        ("ru-zo", Role.ZONE_OFFICER, None, PASSWORD, "belongs to a party"),
        ("boss", Role.ADMINISTRATOR, "ru", PASSWORD, "administrator belongs to no party"),
        ("eye", Role.MONITOR, "ru", PASSWORD, "monitor belongs to the party 'monitor'"),
    ],
)
def test_a_bad_user_is_refused_and_nothing_is_written(
    app: App, username: str, role: Role, party: str | None, password: str, match: str
) -> None:
    before = log_size(app)
    with pytest.raises(InputError, match=match):
        accounts.add_user(
            accounts.AddUser(username, "Name", party, role, password),
            app.uow(),
            Actor.operator(),
            app.log.signer,
            policy=FAST,
        )
    assert accounts.list_users(app.uow(), Actor.operator()) == []
    assert log_size(app) == before


def test_a_username_is_taken_once(app: App) -> None:
    add(app, "analyst", Role.ANALYST, MONITOR_PARTY)
    with pytest.raises(ConflictError, match="username 'analyst' is taken"):
        add(app, "analyst", Role.ANALYST, "ru")


def test_each_party_has_one_active_authorized_officer(app: App) -> None:
    first = add(app, "ru-ao", Role.AUTHORIZED_OFFICER, "ru")
    add(app, "tr-ao", Role.AUTHORIZED_OFFICER, "tr")
    before = log_size(app)
    with pytest.raises(ConflictError, match="party 'ru' already has an active authorized officer"):
        add(app, "ru-ao2", Role.AUTHORIZED_OFFICER, "ru")
    assert log_size(app) == before
    accounts.disable_user(
        accounts.DisableUser(first.id), app.uow(), Actor.operator(), app.log.signer
    )
    second = add(app, "ru-ao2", Role.AUTHORIZED_OFFICER, "ru")
    assert second.role is Role.AUTHORIZED_OFFICER


def test_the_database_itself_refuses_a_second_active_authorized_officer(app: App) -> None:
    first = add(app, "ru-ao", Role.AUTHORIZED_OFFICER, "ru")
    second = replace(first, id=new_id("usr"), username="ru-ao2")
    with pytest.raises(IntegrityError), app.uow() as uow:
        uow.accounts.add_user(second, "not a hash", None)


def test_only_an_administrator_adds_users(app: App) -> None:
    add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    officer, signer = login(app, "ru-zo")
    before = log_size(app)
    with pytest.raises(PermissionDenied, match=r"ru-zo \(zone_officer\) may not manage_users"):
        add(app, "tr-zo", Role.ZONE_OFFICER, "tr", actor=Actor.of(officer), signer=signer)
    assert log_size(app) == before


def test_an_administrator_adds_users_with_entries_signed_by_their_own_key(app: App) -> None:
    add(app, "admin", Role.ADMINISTRATOR, None)
    admin, signer = login(app, "admin")
    before = log_size(app)
    user = add(app, "tr-zo", Role.ZONE_OFFICER, "tr", actor=Actor.of(admin), signer=signer)
    added, key = entries_after(app, before)
    assert (added.actor, added.party, key.actor) == (admin.id, None, admin.id)
    assert parse_leaf(added.leaf).public_key == admin.public_key
    assert body_of(key)["subject"] == user.id


# --- disabling ----------------------------------------------------------------------------


def test_disabling_a_user_logs_it_ends_sessions_stops_tokens_and_logins(app: App) -> None:
    user = add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    session, _ = accounts.start_session(app.uow(), user, app.now())
    _, secret = accounts.create_token(
        accounts.CreateToken(user.id, "laptop", ("read",)),
        app.uow(),
        Actor.operator(),
        app.log.signer,
    )
    before = log_size(app)
    disabled = accounts.disable_user(
        accounts.DisableUser(user.id), app.uow(), Actor.operator(), app.log.signer, now=app.now
    )
    assert disabled.disabled
    [entry] = entries_after(app, before)
    assert (entry.event, entry.actor, entry.subject) == ("user.disabled", "operator", user.id)
    assert accounts.session_user(app.uow(), session, app.now()) is None
    assert accounts.token_user(app.uow(), secret, app.now(), "read") is None
    with pytest.raises(AuthenticationError, match="disabled"):
        login(app, "ru-zo")
    with pytest.raises(ConflictError, match="already disabled"):
        accounts.disable_user(
            accounts.DisableUser(user.id), app.uow(), Actor.operator(), app.log.signer
        )


def test_an_administrator_cannot_disable_themselves(app: App) -> None:
    admin = add(app, "admin", Role.ADMINISTRATOR, None)
    _, signer = login(app, "admin")
    with pytest.raises(ConflictError, match="your own account"):
        accounts.disable_user(accounts.DisableUser(admin.id), app.uow(), Actor.of(admin), signer)


def test_a_disabled_user_may_no_longer_act(app: App) -> None:
    admin = add(app, "admin", Role.ADMINISTRATOR, None)
    _, signer = login(app, "admin")
    add(app, "admin2", Role.ADMINISTRATOR, None)
    other, other_signer = login(app, "admin2")
    accounts.disable_user(accounts.DisableUser(admin.id), app.uow(), Actor.of(other), other_signer)
    with pytest.raises(PermissionDenied, match="no active account"):
        add(app, "tr-zo", Role.ZONE_OFFICER, "tr", actor=Actor.of(admin), signer=signer)


def test_an_unknown_user_is_not_found(app: App) -> None:
    with pytest.raises(NotFoundError, match="no user 'usr_nobody'"):
        accounts.disable_user(
            accounts.DisableUser("usr_nobody"), app.uow(), Actor.operator(), app.log.signer
        )


# --- API tokens ---------------------------------------------------------------------------


def test_a_token_secret_is_shown_once_and_stored_only_as_its_hash(app: App) -> None:
    user = add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    token, secret = accounts.create_token(
        accounts.CreateToken(user.id, "field laptop", ("write", "read")),
        app.uow(),
        Actor.operator(),
        app.log.signer,
        now=app.now,
    )
    assert secret.startswith("tl_")
    assert len(secret) >= 40
    assert token.id.startswith("tok_")
    assert token.scopes == ("read", "write")
    with app.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(tables.api_tokens))]
    assert len(rows) == 1
    assert rows[0]["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(rows)
    assert all(secret not in repr(t) for t in accounts.list_tokens(app.uow(), Actor.operator()))


def test_a_token_authenticates_its_user_for_its_scopes_only(app: App) -> None:
    user = add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    _, secret = accounts.create_token(
        accounts.CreateToken(user.id, "reader", ("read",)),
        app.uow(),
        Actor.operator(),
        app.log.signer,
    )
    found = accounts.token_user(app.uow(), secret, app.now(), "read")
    assert found is not None
    assert found.id == user.id
    assert accounts.token_user(app.uow(), secret, app.now(), "write") is None
    assert accounts.token_user(app.uow(), secret + "x", app.now(), "read") is None
    assert accounts.token_user(app.uow(), "not-a-token", app.now(), "read") is None
    [stored] = accounts.list_tokens(app.uow(), Actor.operator(), user.id)
    assert stored.last_used_at == T0


def test_a_user_creates_and_revokes_their_own_tokens_each_change_logged(app: App) -> None:
    add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    user, signer = login(app, "ru-zo")
    before = log_size(app)
    token, secret = accounts.create_token(
        accounts.CreateToken(user.id, "script", ("read",)), app.uow(), Actor.of(user), signer
    )
    [created] = entries_after(app, before)
    assert (created.event, created.actor, created.party) == ("token.created", user.id, "ru")
    assert created.subject == token.id
    assert body_of(created)["data"]["scopes"] == ["read"]
    assert secret not in canonical_json(body_of(created)).decode()

    revoked = accounts.revoke_token(
        accounts.RevokeToken(token.id), app.uow(), Actor.of(user), signer, now=app.now
    )
    assert revoked.revoked_at == T0
    [entry] = entries_after(app, before + 1)
    assert (entry.event, entry.actor, entry.subject) == ("token.revoked", user.id, token.id)
    assert accounts.token_user(app.uow(), secret, app.now(), "read") is None
    with pytest.raises(ConflictError, match="already revoked"):
        accounts.revoke_token(accounts.RevokeToken(token.id), app.uow(), Actor.of(user), signer)


def test_a_user_cannot_touch_someone_elses_tokens_but_an_administrator_can(app: App) -> None:
    owner = add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    add(app, "tr-zo", Role.ZONE_OFFICER, "tr")
    add(app, "admin", Role.ADMINISTRATOR, None)
    other, other_signer = login(app, "tr-zo")
    token, _ = accounts.create_token(
        accounts.CreateToken(owner.id, "script", ("read",)),
        app.uow(),
        Actor.operator(),
        app.log.signer,
    )
    with pytest.raises(PermissionDenied, match="manage_users"):
        accounts.create_token(
            accounts.CreateToken(owner.id, "mine now", ("read",)),
            app.uow(),
            Actor.of(other),
            other_signer,
        )
    with pytest.raises(PermissionDenied):
        accounts.revoke_token(
            accounts.RevokeToken(token.id), app.uow(), Actor.of(other), other_signer
        )
    admin, admin_signer = login(app, "admin")
    accounts.revoke_token(accounts.RevokeToken(token.id), app.uow(), Actor.of(admin), admin_signer)


def test_token_scopes_are_checked(app: App) -> None:
    user = add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    before = log_size(app)
    for scopes, match in [((), "at least one scope"), (("root",), "unknown scope 'root'")]:
        with pytest.raises(InputError, match=match):
            accounts.create_token(
                accounts.CreateToken(user.id, "x", scopes),
                app.uow(),
                Actor.operator(),
                app.log.signer,
            )
    with pytest.raises(InputError, match="only an administrator"):
        accounts.create_token(
            accounts.CreateToken(user.id, "x", ("admin",)),
            app.uow(),
            Actor.operator(),
            app.log.signer,
        )
    assert log_size(app) == before


# --- logging in ---------------------------------------------------------------------------


def test_logging_in_opens_the_users_own_key_and_writes_no_ledger_entry(app: App) -> None:
    added = add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    before = log_size(app)
    user, signer = login(app, "RU-ZO ")
    assert user.id == added.id
    assert signer.public_key == added.public_key
    assert log_size(app) == before


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(app: App) -> None:
    add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    with pytest.raises(AuthenticationError) as wrong:
        login(app, "ru-zo", "not the password")
    with pytest.raises(AuthenticationError) as unknown:
        login(app, "nobody", "not the password")
    assert str(wrong.value) == str(unknown.value) == "wrong username or password"


def test_five_failures_lock_the_account_for_fifteen_minutes(app: App, clock: Clock) -> None:
    add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    for _ in range(5):
        with pytest.raises(AuthenticationError, match="wrong username or password"):
            login(app, "ru-zo", "guess guess guess")
        clock.advance(minutes=1)
    with pytest.raises(AuthenticationError, match=r"try again after 08:19 UTC"):
        login(app, "ru-zo")
    row = user_row(app, "ru-zo")
    assert row.locked_until is not None
    clock.advance(minutes=14)
    user, _ = login(app, "ru-zo")
    assert user.username == "ru-zo"
    row = user_row(app, "ru-zo")
    assert (row.failed_logins, row.locked_until) == (0, None)


def test_an_unknown_username_locks_out_just_like_a_real_one(app: App) -> None:
    add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    answers = {}
    for name in ("ru-zo", "ghost"):
        for _ in range(5):
            with pytest.raises(AuthenticationError):
                login(app, name, "guess guess guess")
        with pytest.raises(AuthenticationError) as sixth:
            login(app, name, "guess guess guess")
        answers[name] = str(sixth.value)
    assert answers["ru-zo"] == answers["ghost"]
    assert "too many failed logins for this username" in answers["ghost"]


def test_one_address_failing_on_many_usernames_is_throttled(app: App) -> None:
    add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    policy = AccountPolicy(password_cost=CHEAP, key_cost=CHEAP, source_max_failures=3)
    for name in ("a1", "a2", "a3"):
        with pytest.raises(AuthenticationError):
            accounts.authenticate(app.uow(), name, "x" * 12, app.now(), "6.6.6.6", policy=policy)
    with pytest.raises(AuthenticationError, match="from this address"):
        accounts.authenticate(app.uow(), "ru-zo", PASSWORD, app.now(), "6.6.6.6", policy=policy)
    user, _ = accounts.authenticate(
        app.uow(), "ru-zo", PASSWORD, app.now(), "10.1.1.1", policy=policy
    )
    assert user.username == "ru-zo"


def test_a_user_who_keeps_their_key_cannot_log_in_to_the_browser(app: App) -> None:
    add(app, "ru-zo", Role.ZONE_OFFICER, "ru", public_key=Ed25519Signer.generate().public_key)
    with pytest.raises(AuthenticationError, match="keeps its key on its own machine"):
        login(app, "ru-zo")


def test_the_default_password_hash_uses_the_documented_argon2id_parameters(app: App) -> None:
    accounts.add_user(
        accounts.AddUser("ana", "Ana", MONITOR_PARTY, Role.ANALYST, PASSWORD),
        app.uow(),
        Actor.operator(),
        app.log.signer,
    )
    row = user_row(app, "ana")
    assert row.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert (row.sealed_key["time_cost"], row.sealed_key["memory_cost"]) == (3, 65536)
    user, _ = accounts.authenticate(app.uow(), "ana", PASSWORD, app.now(), "")
    assert user.username == "ana"


def test_a_hash_made_with_older_costs_is_upgraded_at_login(app: App) -> None:
    add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    stronger = AccountPolicy(password_cost=Argon2Cost(2, 2048, 1), key_cost=CHEAP)
    accounts.authenticate(app.uow(), "ru-zo", PASSWORD, app.now(), "", policy=stronger)
    assert "$m=2048,t=2,p=1$" in user_row(app, "ru-zo").password_hash


# --- sessions -----------------------------------------------------------------------------


def test_a_session_lives_until_logout_and_stores_only_its_hash(app: App, clock: Clock) -> None:
    user = add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    token, csrf = accounts.start_session(app.uow(), user, app.now())
    assert token != csrf
    with app.engine.connect() as conn:
        [row] = conn.execute(select(tables.sessions)).all()
    assert row.id_hash == hashlib.sha256(token.encode()).hexdigest()
    clock.advance(minutes=30)
    found = accounts.session_user(app.uow(), token, app.now())
    assert found is not None
    assert found == (user, csrf)
    accounts.end_session(app.uow(), token)
    assert accounts.session_user(app.uow(), token, app.now()) is None


def test_a_session_ends_when_idle_or_too_old(app: App, clock: Clock) -> None:
    user = add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    idle, _ = accounts.start_session(app.uow(), user, app.now())
    busy, _ = accounts.start_session(app.uow(), user, app.now())
    for _ in range(12):
        clock.advance(minutes=59)
        assert accounts.session_user(app.uow(), busy, app.now()) is not None
    assert accounts.session_user(app.uow(), idle, app.now()) is None
    clock.advance(minutes=13)  # 12 h 1 min after login, 13 min after the last request
    assert accounts.session_user(app.uow(), busy, app.now()) is None


def test_an_unknown_session_token_is_nobody(app: App) -> None:
    assert accounts.session_user(app.uow(), "made-up", app.now()) is None
    assert accounts.session_user(app.uow(), "", app.now()) is None


# --- keys ---------------------------------------------------------------------------------


def test_the_operator_registers_a_users_own_key_and_the_server_forgets_its_copy(app: App) -> None:
    user = add(app, "ru-zo", Role.ZONE_OFFICER, "ru")
    own = Ed25519Signer.generate()
    before = log_size(app)
    updated = accounts.register_key(
        accounts.RegisterKey(user.id, own.public_key), app.uow(), Actor.operator(), app.log.signer
    )
    assert updated.public_key == own.public_key
    [entry] = entries_after(app, before)
    assert (entry.event, entry.actor, entry.subject) == ("user.key_registered", "operator", user.id)
    assert body_of(entry)["data"]["custody"] == "kept by the user"
    assert user_row(app, "ru-zo").sealed_key is None
    with pytest.raises(AuthenticationError, match="own machine"):
        login(app, "ru-zo")


def test_a_user_rotates_their_key_by_signing_its_registration_with_the_current_one(
    app: App, clock: Clock
) -> None:
    current = Ed25519Signer.generate()
    user = add(app, "tr-zo", Role.ZONE_OFFICER, "tr", public_key=current.public_key)
    new = Ed25519Signer.generate()
    body = accounts.key_registration_body(user, new.public_key, clock.advance(seconds=30))
    signature = current.sign(canonical_json(body))
    before = log_size(app)
    updated = accounts.register_signed_key(
        app.uow(), user, body, signature, current.public_key, now=app.now
    )
    assert updated.public_key == new.public_key
    [entry] = entries_after(app, before)
    assert (entry.event, entry.actor, entry.party) == ("user.key_registered", user.id, "tr")
    assert parse_leaf(entry.leaf).public_key == current.public_key


def test_a_key_registration_signed_with_an_unregistered_key_is_refused(app: App) -> None:
    user = add(app, "tr-zo", Role.ZONE_OFFICER, "tr", public_key=b"\x01" * 32)
    new = Ed25519Signer.generate()
    body = accounts.key_registration_body(user, new.public_key, app.now())
    before = log_size(app)
    with pytest.raises(InputError, match="public_key"):
        accounts.register_signed_key(
            app.uow(), user, body, new.sign(canonical_json(body)), new.public_key, now=app.now
        )
    assert log_size(app) == before
    assert accounts.get_user(app.uow(), user.id).public_key == b"\x01" * 32


def test_a_key_registration_with_another_body_or_an_old_time_is_refused(
    app: App, clock: Clock
) -> None:
    current = Ed25519Signer.generate()
    user = add(app, "tr-zo", Role.ZONE_OFFICER, "tr", public_key=current.public_key)
    new = Ed25519Signer.generate()
    body = accounts.key_registration_body(user, new.public_key, app.now())
    forged = {**body, "party": "ru"}
    with pytest.raises(InputError, match="sign exactly this body"):
        accounts.register_signed_key(
            app.uow(), user, forged, current.sign(canonical_json(forged)), current.public_key
        )
    clock.advance(minutes=6)
    with pytest.raises(InputError, match="5 minutes"):
        accounts.register_signed_key(
            app.uow(),
            user,
            body,
            current.sign(canonical_json(body)),
            current.public_key,
            now=app.now,
        )


# --- the demo and the whole log -----------------------------------------------------------


def test_the_demo_makes_one_user_per_role_per_guarantor_and_only_once(app: App) -> None:
    agreement = get_agreement(app.uow())
    created = demo_accounts.demo_users(app.uow(), agreement.parties, app.log.signer, policy=FAST)
    by_name = {user.username: (user.role, user.party) for user, _ in created}
    assert by_name == {
        "ru-zone-officer": (Role.ZONE_OFFICER, "ru"),
        "ru-authorized-officer": (Role.AUTHORIZED_OFFICER, "ru"),
        "ru-info-group": (Role.INFO_GROUP_MEMBER, "ru"),
        "tr-zone-officer": (Role.ZONE_OFFICER, "tr"),
        "tr-authorized-officer": (Role.AUTHORIZED_OFFICER, "tr"),
        "tr-info-group": (Role.INFO_GROUP_MEMBER, "tr"),
        "monitor": (Role.MONITOR, MONITOR_PARTY),
        "analyst": (Role.ANALYST, MONITOR_PARTY),
        "admin": (Role.ADMINISTRATOR, None),
    }
    passwords = [password for _, password in created]
    assert len(set(passwords)) == len(passwords)
    assert all(len(p) >= 12 for p in passwords)
    password = {u.username: p for u, p in created}["tr-authorized-officer"]
    user, _ = login(app, "tr-authorized-officer", password)
    assert user.role is Role.AUTHORIZED_OFFICER
    assert demo_accounts.demo_users(app.uow(), agreement.parties, app.log.signer, policy=FAST) == []


def test_a_log_of_account_changes_by_users_and_the_operator_verifies_offline(
    app: App, tmp_path: Path
) -> None:
    add(app, "admin", Role.ADMINISTRATOR, None)
    admin, admin_signer = login(app, "admin")
    officer = add(app, "ru-zo", Role.ZONE_OFFICER, "ru", actor=Actor.of(admin), signer=admin_signer)
    user, signer = login(app, "ru-zo")
    token, _ = accounts.create_token(
        accounts.CreateToken(officer.id, "script", ("read",)), app.uow(), Actor.of(user), signer
    )
    accounts.revoke_token(accounts.RevokeToken(token.id), app.uow(), Actor.of(admin), admin_signer)
    accounts.disable_user(
        accounts.DisableUser(officer.id), app.uow(), Actor.of(admin), admin_signer
    )
    publish_checkpoint(app.uow(), app.log, app.now)
    bundle = tmp_path / "log.bundle"
    export_bundle(app.uow(), app.log, bundle)
    report = verify_bundle(bundle.read_text(encoding="utf-8").splitlines())
    assert report.valid, report.summary()
    assert report.size == log_size(app)
