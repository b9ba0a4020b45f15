"""Accounts: adding and disabling users, their keys and API tokens, the demo's users.

Each change authorizes the actor (``domain.permissions``), makes the change,
appends its ledger entry signed by the actor's ``signer`` and commits, all in
one unit of work.

Adding a user is the one change with two entries: ``user.added`` (the
account) then ``user.key_registered`` (its public key), because the ledger
accepts a user's entries only under a key that an earlier
``user.key_registered`` entry registered for them (``domain.ledger.KeyRing``).

Logging in, sessions and token checks live in ``services.logins`` and are
re-exported here, so ``services.accounts`` is the one module entry points use.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from truceline.adapters.signing import Ed25519Signer, key_id_of, seal_private_key
from truceline.domain.accounts import (
    Actor,
    ApiToken,
    Role,
    User,
    check_display_name,
    check_one_authorized_officer,
    check_party,
    check_password,
    check_public_key,
    check_scopes,
    check_token_name,
    check_username,
    new_id,
)
from truceline.domain.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from truceline.domain.events import Event
from truceline.domain.permissions import PERMISSIONS, Action, authorize, can, effective_role
from truceline.services.ledger import Signer, record, record_presigned, utc_now
from truceline.services.logins import (
    DEFAULT_POLICY,
    TOKEN_PREFIX,
    AccountPolicy,
    Argon2Cost,
    as_utc,
    authenticate,
    end_session,
    secret_hash,
    session_user,
    start_session,
    token_lookup,
    token_user,
)
from truceline.services.unit_of_work import UnitOfWork

__all__ = [
    "DEFAULT_POLICY",
    "AccountPolicy",
    "AddUser",
    "Argon2Cost",
    "CreateToken",
    "DisableUser",
    "RegisterKey",
    "RevokeToken",
    "add_user",
    "authenticate",
    "create_token",
    "disable_user",
    "end_session",
    "find_user",
    "get_user",
    "key_registration_body",
    "list_tokens",
    "list_users",
    "register_key",
    "register_signed_key",
    "revoke_token",
    "session_user",
    "start_session",
    "token_lookup",
    "token_user",
]

#: How far the client's clock may be from the server's on a signed key registration.
CLOCK_SKEW = timedelta(minutes=5)


# --- commands ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AddUser:
    """Command: create an account. Without `public_key` the server makes a browser key pair."""

    username: str
    display_name: str
    party: str | None
    role: Role
    password: str
    public_key: bytes | None = None


@dataclass(frozen=True, slots=True)
class DisableUser:
    """Command: disable an account for good; its sessions end and its tokens stop working."""

    user_id: str


@dataclass(frozen=True, slots=True)
class RegisterKey:
    """Command: register the public key a user keeps on their own machine."""

    user_id: str
    public_key: bytes


@dataclass(frozen=True, slots=True)
class CreateToken:
    """Command: issue an API token to a user, with its scopes."""

    user_id: str
    name: str
    scopes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RevokeToken:
    """Command: revoke an API token."""

    token_id: str


# --- users -------------------------------------------------------------------------------


def add_user(
    cmd: AddUser,
    uow: UnitOfWork,
    actor: Actor,
    signer: Signer,
    *,
    now: Callable[[], datetime] = utc_now,
    policy: AccountPolicy = DEFAULT_POLICY,
) -> User:
    """Create an account: `user.added` and `user.key_registered` entries, one transaction."""
    authorize(actor, Action.MANAGE_USERS, cmd.party)
    role = _role(cmd.role)
    username = check_username(cmd.username)
    display_name = check_display_name(cmd.display_name)
    check_password(cmd.password)
    browser_key: Ed25519Signer | None = None
    if cmd.public_key is None:
        browser_key = Ed25519Signer.generate()
        public_key = browser_key.public_key
    else:
        public_key = check_public_key(cmd.public_key)
    # The slow argon2 work happens before the transaction, so it holds no lock.
    password_hash = policy.hasher().hash(cmd.password)
    sealed = None if browser_key is None else _seal(browser_key, cmd.password, policy)
    with uow:
        actor = _current(uow, actor)
        authorize(actor, Action.MANAGE_USERS, cmd.party)
        store = uow.accounts
        check_party(role, cmd.party, store.agreement_party_ids())
        if store.user_by_username(username) is not None:
            raise ConflictError(f"username {username!r} is taken")
        check_one_authorized_officer(role, cmd.party, store.active_authorized_officers(cmd.party))
        at = as_utc(now())
        user = User(
            id=new_id("usr"),
            username=username,
            display_name=display_name,
            party=cmd.party,
            role=role,
            disabled=False,
            public_key=public_key,
            created_at=at,
        )
        store.add_user(user, password_hash, sealed)
        custody = "sealed on the server" if sealed is not None else "kept by the user"
        added = _event(
            "user.added",
            actor,
            at,
            user.id,
            {
                "username": user.username,
                "display_name": user.display_name,
                "party": user.party,
                "role": str(user.role),
                "public_key": _b64(public_key),
                "key_custody": custody,
            },
        )
        record(uow, added, signer, now=lambda: at)
        record(uow, _key_event(actor, at, user.id, public_key, custody), signer, now=lambda: at)
        uow.commit()
    return user


def disable_user(
    cmd: DisableUser,
    uow: UnitOfWork,
    actor: Actor,
    signer: Signer,
    *,
    now: Callable[[], datetime] = utc_now,
) -> User:
    """Disable an account: it can no longer log in, use its tokens or act."""
    with uow:
        actor = _current(uow, actor)
        target = _user(uow, cmd.user_id)
        authorize(actor, Action.MANAGE_USERS, target.party)
        if target.id == actor.user_id:
            raise ConflictError("you cannot disable your own account; ask another administrator")
        if target.disabled:
            raise ConflictError(f"user {target.username!r} is already disabled")
        uow.accounts.disable_user(target.id)
        uow.accounts.revoke_user_sessions(target.id)
        at = as_utc(now())
        event = _event("user.disabled", actor, at, target.id, {"username": target.username})
        record(uow, event, signer, now=lambda: at)
        uow.commit()
    return replace(target, disabled=True)


def list_users(uow: UnitOfWork, actor: Actor) -> list[User]:
    """The accounts the actor may see: all of them for an administrator, else their party's."""
    with uow:
        actor = _current(uow, actor)
        role = effective_role(actor)
        if role is None or not PERMISSIONS[(role, Action.VIEW_USERS)]:
            authorize(actor, Action.VIEW_USERS, actor.party)
        return [u for u in uow.accounts.users() if can(actor, Action.VIEW_USERS, u.party)]


def find_user(uow: UnitOfWork, username: str) -> User:
    """The account with this username; NotFoundError otherwise."""
    with uow:
        user = uow.accounts.user_by_username(username)
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    return user


def get_user(uow: UnitOfWork, user_id: str) -> User:
    """The account with this id; NotFoundError otherwise."""
    with uow:
        return _user(uow, user_id)


# --- keys --------------------------------------------------------------------------------


def register_key(
    cmd: RegisterKey,
    uow: UnitOfWork,
    actor: Actor,
    signer: Signer,
    *,
    now: Callable[[], datetime] = utc_now,
) -> User:
    """Register a key the user keeps on their own machine; the server drops any key it held."""
    public_key = check_public_key(cmd.public_key)
    with uow:
        actor = _current(uow, actor)
        target = _user(uow, cmd.user_id)
        _authorize_for(actor, target, Action.REGISTER_OWN_KEY)
        if target.disabled:
            raise ConflictError(f"user {target.username!r} is disabled")
        uow.accounts.set_public_key(target.id, public_key, None)
        at = as_utc(now())
        event = _key_event(actor, at, target.id, public_key, "kept by the user")
        record(uow, event, signer, now=lambda: at)
        uow.commit()
    return replace(target, public_key=public_key)


def key_registration_body(user: User, public_key: bytes, time: datetime) -> dict[str, Any]:
    """The event body a user signs, with a key already registered, to register `public_key`."""
    actor = Actor.of(user)
    return _key_event(actor, as_utc(time), user.id, public_key, "kept by the user").body()


def register_signed_key(
    uow: UnitOfWork,
    user: User,
    body: Mapping[str, Any],
    signature: bytes,
    signing_key: bytes,
    *,
    now: Callable[[], datetime] = utc_now,
) -> User:
    """Register a key from a `user.key_registered` body the user signed on their machine.

    The body must be exactly `key_registration_body(user, key, time)` with a
    time within 5 minutes of the server's; it is signed with `signing_key`, a
    key the ledger already holds for the user (the log refuses any other).
    """
    data = body.get("data")
    text = data.get("public_key") if isinstance(data, Mapping) else None
    if not isinstance(text, str):
        raise InputError("event.data.public_key", "give the new public key in base64")
    public_key = check_public_key(_b64decode(text, "event.data.public_key"))
    try:
        time = datetime.fromisoformat(str(body.get("time", "")).replace("Z", "+00:00"))
    except ValueError:
        raise InputError("event.time", "not an ISO 8601 time") from None
    if time.tzinfo is None:
        raise InputError("event.time", "give the time in UTC, ending in Z")
    expected = key_registration_body(user, public_key, time)
    if dict(body) != expected:
        raise InputError("event", f"sign exactly this body: {expected}")
    at = as_utc(now())
    if abs(at - time) > CLOCK_SKEW:
        raise InputError("event.time", "more than 5 minutes from the server's clock")
    with uow:
        actor = _current(uow, Actor.of(user))
        authorize(actor, Action.REGISTER_OWN_KEY, actor.party)
        current = _user(uow, user.id)
        if current.public_key == public_key:
            raise ConflictError("this key is already the user's registered key")
        uow.accounts.set_public_key(user.id, public_key, None)
        record_presigned(uow, expected, signing_key, signature, now=lambda: at)
        uow.commit()
    return replace(current, public_key=public_key)


# --- API tokens --------------------------------------------------------------------------


def create_token(
    cmd: CreateToken,
    uow: UnitOfWork,
    actor: Actor,
    signer: Signer,
    *,
    now: Callable[[], datetime] = utc_now,
) -> tuple[ApiToken, str]:
    """Issue a token; the secret is returned here once and only its SHA-256 is stored."""
    name = check_token_name(cmd.name)
    with uow:
        actor = _current(uow, actor)
        owner = _user(uow, cmd.user_id)
        _authorize_for(actor, owner, Action.MANAGE_TOKENS_OWN)
        if owner.disabled:
            raise ConflictError(f"user {owner.username!r} is disabled")
        scopes = check_scopes(cmd.scopes, owner.role)
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        at = as_utc(now())
        token = ApiToken(new_id("tok"), owner.id, name, scopes, at, None, None)
        uow.accounts.add_token(token, secret_hash(secret))
        data = {"user": owner.id, "username": owner.username, "name": name, "scopes": [*scopes]}
        record(uow, _event("token.created", actor, at, token.id, data), signer, now=lambda: at)
        uow.commit()
    return token, secret


def revoke_token(
    cmd: RevokeToken,
    uow: UnitOfWork,
    actor: Actor,
    signer: Signer,
    *,
    now: Callable[[], datetime] = utc_now,
) -> ApiToken:
    """Revoke a token: it stops working at once."""
    with uow:
        actor = _current(uow, actor)
        token = uow.accounts.token(cmd.token_id)
        if token is None:
            raise NotFoundError(f"no token {cmd.token_id!r}")
        owner = _user(uow, token.user_id)
        _authorize_for(actor, owner, Action.MANAGE_TOKENS_OWN)
        if token.revoked:
            raise ConflictError(f"token {token.id!r} is already revoked")
        at = as_utc(now())
        uow.accounts.revoke_token(token.id, at)
        data = {"user": owner.id, "username": owner.username, "name": token.name}
        record(uow, _event("token.revoked", actor, at, token.id, data), signer, now=lambda: at)
        uow.commit()
    return replace(token, revoked_at=at)


def list_tokens(uow: UnitOfWork, actor: Actor, user_id: str | None = None) -> list[ApiToken]:
    """Tokens (never their secrets): one user's, or everyone's for an administrator."""
    with uow:
        actor = _current(uow, actor)
        if user_id is None:
            authorize(actor, Action.MANAGE_USERS, None)
            return uow.accounts.tokens()
        _authorize_for(actor, _user(uow, user_id), Action.MANAGE_TOKENS_OWN)
        return uow.accounts.tokens(user_id)


# --- helpers -----------------------------------------------------------------------------


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InputError("role", f"unknown role {value!r} (roles: {', '.join(Role)})") from None


def _current(uow: UnitOfWork, actor: Actor) -> Actor:
    """The actor as stored now: an unknown or disabled account may not act."""
    if actor.is_operator:
        return actor
    user = uow.accounts.user(actor.user_id)
    if user is None or user.disabled:
        raise PermissionDenied(f"{actor.username} has no active account and may not act")
    return Actor.of(user)


def _user(uow: UnitOfWork, user_id: str) -> User:
    user = uow.accounts.user(user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id!r}")
    return user


def _authorize_for(actor: Actor, target: User, own_action: Action) -> None:
    """A user's own keys and tokens are theirs to manage; anyone else's need manage_users."""
    if target.id == actor.user_id:
        authorize(actor, own_action, actor.party)
    else:
        authorize(actor, Action.MANAGE_USERS, target.party)


def _event(name: str, actor: Actor, at: datetime, subject: str, data: dict[str, Any]) -> Event:
    return Event(name, actor.user_id, actor.party, at, subject, data)


def _key_event(actor: Actor, at: datetime, user_id: str, public_key: bytes, custody: str) -> Event:
    data = {"public_key": _b64(public_key), "key_id": key_id_of(public_key), "custody": custody}
    return _event("user.key_registered", actor, at, user_id, data)


def _seal(signer: Ed25519Signer, password: str, policy: AccountPolicy) -> dict[str, str | int]:
    cost = policy.key_cost
    sealed = seal_private_key(
        signer.private_bytes(),
        password,
        time_cost=cost.time_cost,
        memory_cost=cost.memory_kib,
        parallelism=cost.parallelism,
    )
    return sealed.to_json()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(text: str, field_name: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(field_name, "not valid base64") from None
