"""Who is asking: passwords and lockout, browser sessions, API tokens.

Logging in, sessions and token use change no record, so they leave no ledger
entry; attempts are kept in ``login_attempts`` for the lockout and throttling.

- Passwords are argon2id hashes (``argon2.PasswordHasher``); a browser
  user's private key is sealed under their password and opened only here,
  at login, for the web layer to keep in memory for the session.
- Unknown usernames and wrong passwords get the same answer, cost the same
  argon2 work, and lock out alike (``domain.accounts.lock_state``).
- Session tokens and API token secrets are stored as their SHA-256 only.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from truceline.adapters.signing import Ed25519Signer, SealedKey, open_sealed_key
from truceline.domain.accounts import (
    ApiToken,
    Credentials,
    LockoutPolicy,
    LoginAttempt,
    SessionRecord,
    User,
    lock_state,
)
from truceline.domain.errors import AuthenticationError
from truceline.services.unit_of_work import UnitOfWork

TOKEN_PREFIX = "tl_"
WRONG_CREDENTIALS = "wrong username or password"
TOO_MANY_FROM_SOURCE = "too many failed logins from this address: try again later"
#: How stale `last_seen_at` / `last_used_at` may get before a request writes it again.
TOUCH_EVERY = timedelta(minutes=1)
#: How many recent attempts of one username the lockout replays at most.
ATTEMPTS_REPLAYED = 1000


# --- policy ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Argon2Cost:
    """argon2id costs: passes, memory in KiB, lanes."""

    time_cost: int
    memory_kib: int
    parallelism: int


@dataclass(frozen=True, slots=True)
class AccountPolicy:
    """Lockout, per-source throttling, session lifetimes and argon2id costs."""

    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)
    source_max_failures: int = 20
    session_lifetime: timedelta = timedelta(hours=12)
    session_idle: timedelta = timedelta(hours=1)
    #: argon2-cffi's defaults, RFC 9106's second recommended option.
    password_cost: Argon2Cost = Argon2Cost(time_cost=3, memory_kib=65536, parallelism=4)
    #: What seals a browser user's private key under their password.
    key_cost: Argon2Cost = Argon2Cost(time_cost=3, memory_kib=65536, parallelism=1)

    def hasher(self) -> PasswordHasher:
        return _hasher(self.password_cost)


DEFAULT_POLICY = AccountPolicy()


@cache
def _hasher(cost: Argon2Cost) -> PasswordHasher:
    return PasswordHasher(
        time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism
    )


@cache
def _decoy_hash(cost: Argon2Cost) -> str:
    """A hash to verify against when the username is unknown, so both take as long."""
    return _hasher(cost).hash(secrets.token_urlsafe(16))


def token_lookup(uow: UnitOfWork, secret: str, now: datetime) -> tuple[User, ApiToken] | None:
    """The active user and token a secret belongs to; None for anything else."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = as_utc(now)
    with uow:
        token = uow.accounts.token_by_hash(secret_hash(secret))
        if token is None or token.revoked:
            return None
        user = uow.accounts.user(token.user_id)
        if user is None or user.disabled:
            return None
        if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
            uow.accounts.touch_token(token.id, now)
            uow.commit()
    return user, token


def token_user(uow: UnitOfWork, secret: str, now: datetime, needed_scope: str) -> User | None:
    """The user of an active token that carries `needed_scope`; None otherwise."""
    found = token_lookup(uow, secret, now)
    if found is None or needed_scope not in found[1].scopes:
        return None
    return found[0]


# --- login and sessions ------------------------------------------------------------------


def authenticate(
    uow: UnitOfWork,
    username: str,
    password: str,
    now: datetime,
    source: str,
    *,
    policy: AccountPolicy = DEFAULT_POLICY,
) -> tuple[User, Ed25519Signer]:
    """Check a password and open the user's sealed key; AuthenticationError otherwise.

    Unknown usernames and wrong passwords get the same answer, and lock out
    alike; `source` (the client's address) is throttled on its own.
    """
    now = as_utc(now)
    name = username.strip().lower()[:256]
    source = source[:128]
    window = now - policy.lockout.window
    with uow:
        store = uow.accounts
        if source and store.source_failures(source, window) >= policy.source_max_failures:
            _attempt(uow, None, name, now, False, source, policy)
            raise AuthenticationError(TOO_MANY_FROM_SOURCE)
        state = lock_state(_attempts(uow, name, now, policy), now, policy.lockout)
        user = store.user_by_username(name)
        credentials = None if user is None else store.credentials(user.id)
    if state.locked_until is not None:
        with uow:
            _attempt(uow, user, name, now, False, source, policy)
        raise AuthenticationError(_locked_message(state.locked_until))
    hasher = policy.hasher()
    if credentials is None:
        _verify(hasher, _decoy_hash(policy.password_cost), password)
    if (
        user is None
        or credentials is None
        or not _verify(hasher, credentials.password_hash, password)
    ):
        with uow:
            _attempt(uow, user, name, now, False, source, policy)
        raise AuthenticationError(WRONG_CREDENTIALS)
    if user.disabled:
        with uow:
            _attempt(uow, user, name, now, False, source, policy)
        raise AuthenticationError("this account is disabled")
    signer = _open_key(user, credentials, password)
    with uow:
        if hasher.check_needs_rehash(credentials.password_hash):
            uow.accounts.set_password_hash(user.id, hasher.hash(password))
        _attempt(uow, user, name, now, True, source, policy)
    return user, signer


def start_session(
    uow: UnitOfWork, user: User, now: datetime, *, policy: AccountPolicy = DEFAULT_POLICY
) -> tuple[str, str]:
    """A new browser session: (session token, CSRF token). Only the token's hash is stored."""
    now = as_utc(now)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with uow:
        uow.accounts.add_session(
            SessionRecord(
                id_hash=secret_hash(token),
                user_id=user.id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + policy.session_lifetime,
                last_seen_at=now,
                revoked=False,
            )
        )
        uow.commit()
    return token, csrf


def session_user(
    uow: UnitOfWork, token: str, now: datetime, *, policy: AccountPolicy = DEFAULT_POLICY
) -> tuple[User, str] | None:
    """The user and CSRF token of a live session; None if unknown, ended, expired or idle."""
    if not token or len(token) > 200:
        return None
    now = as_utc(now)
    with uow:
        found = uow.accounts.session(secret_hash(token))
        if found is None or found.revoked or now >= found.expires_at:
            return None
        if now >= found.last_seen_at + policy.session_idle:
            return None
        user = uow.accounts.user(found.user_id)
        if user is None or user.disabled:
            return None
        if now - found.last_seen_at >= TOUCH_EVERY:
            uow.accounts.touch_session(found.id_hash, now)
            uow.commit()
    return user, found.csrf_token


def end_session(uow: UnitOfWork, token: str) -> None:
    """End a session (log out); unknown tokens are ignored."""
    with uow:
        uow.accounts.revoke_session(secret_hash(token))
        uow.commit()


# --- helpers -----------------------------------------------------------------------------


def _open_key(user: User, credentials: Credentials, password: str) -> Ed25519Signer:
    if credentials.sealed_key is None:
        raise AuthenticationError(
            "this account keeps its key on its own machine: use the command line or the API"
        )
    try:
        signer = Ed25519Signer.from_private_bytes(
            open_sealed_key(SealedKey.from_json(credentials.sealed_key), password)
        )
    except ValueError:
        raise AuthenticationError(
            "this account's key cannot be opened; ask an administrator"
        ) from None
    if signer.public_key != user.public_key:
        raise AuthenticationError("this account's key does not match its registered public key")
    return signer


def _verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _attempts(
    uow: UnitOfWork, name: str, now: datetime, policy: AccountPolicy
) -> list[LoginAttempt]:
    since = now - policy.lockout.lookback
    return uow.accounts.login_attempts(name, since, ATTEMPTS_REPLAYED)


def _attempt(
    uow: UnitOfWork,
    user: User | None,
    name: str,
    now: datetime,
    ok: bool,
    source: str,
    policy: AccountPolicy,
) -> None:
    """Record one attempt, bring the account's lock columns up to date, and commit."""
    uow.accounts.add_login_attempt(name, now, ok, source)
    if user is not None:
        state = lock_state(_attempts(uow, name, now, policy), now, policy.lockout)
        uow.accounts.set_lock(user.id, state.failures, state.locked_until)
    uow.commit()


def _locked_message(until: datetime) -> str:
    return (
        "too many failed logins for this username: try again after "
        f"{until.astimezone(UTC):%H:%M} UTC"
    )


def secret_hash(text: str) -> str:
    """The SHA-256 (hex) under which a session token or API token secret is stored."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def as_utc(value: datetime) -> datetime:
    """An aware time in UTC; ValueError for a naive one."""
    if value.tzinfo is None:
        raise ValueError("times must carry a time zone")
    return value.astimezone(UTC)
