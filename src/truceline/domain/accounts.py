"""Accounts: users, their roles and parties, who is acting, API tokens, and login lockout.

A user belongs to one party of the agreement, to the monitor (party
``monitor``), or, for administrators, to no party. What each role may do is
the permission matrix of ``domain.permissions``; the rules here are about
who may hold an account at all:

- an administrator belongs to no party;
- a monitor belongs to the monitor;
- an analyst belongs to a party of the agreement or to the monitor (a neutral
  analyst);
- every other role belongs to a party of the agreement;
- each party has at most one active authorized officer: its decision-maker.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from truceline.domain.errors import ConflictError, InputError
from truceline.domain.events import OPERATOR

#: The party monitors belong to.
MONITOR_PARTY = "monitor"

USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
#: Usernames that would be confused with the server's own actor.
RESERVED_USERNAMES = frozenset({OPERATOR, "system", "root"})
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_DISPLAY_NAME_LENGTH = 200
MAX_TOKEN_NAME_LENGTH = 100
PUBLIC_KEY_SIZE = 32

#: The scopes an API token can carry, with what each allows.
TOKEN_SCOPES: dict[str, str] = {
    "read": "read records, the audit trail and the caller's own account",
    "write": "make the changes the user's role allows, such as registering their own key",
    "ledger": "read and feed the transparency log: entries, proofs, checkpoints, cosignatures",
    "admin": "administrator actions (administrators' tokens only)",
}


class Role(StrEnum):
    """What a user does; the permission matrix says what each role may do."""

    ZONE_OFFICER = "zone_officer"
    AUTHORIZED_OFFICER = "authorized_officer"
    INFO_GROUP_MEMBER = "info_group_member"
    MONITOR = "monitor"
    ANALYST = "analyst"
    ADMINISTRATOR = "administrator"


@dataclass(frozen=True)
class User:
    """A person with an account: their party (None for administrators), role and public key."""

    id: str
    username: str
    display_name: str
    party: str | None
    role: Role
    disabled: bool
    public_key: bytes | None
    created_at: datetime


@dataclass(frozen=True)
class Actor:
    """Who is doing something: a user, or the server's operator (role None)."""

    user_id: str
    username: str
    party: str | None
    role: Role | None

    @classmethod
    def operator(cls) -> Actor:
        """The server's own administrative commands (the `truceline` CLI on the server)."""
        return cls(user_id=OPERATOR, username=OPERATOR, party=None, role=None)

    @classmethod
    def of(cls, user: User) -> Actor:
        """A user acting as themselves."""
        return cls(user_id=user.id, username=user.username, party=user.party, role=user.role)

    @property
    def is_operator(self) -> bool:
        """Whether this is the server's operator rather than a user."""
        return self.user_id == OPERATOR and self.role is None


@dataclass(frozen=True)
class ApiToken:
    """An API token as stored: never its secret, which only its owner saw once."""

    id: str
    user_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True, slots=True)
class Credentials:
    """What login needs besides the user: the password hash and the sealed private key."""

    password_hash: str
    sealed_key: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A stored browser session; its token is known only by its hash (`id_hash`)."""

    id_hash: str
    user_id: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime
    revoked: bool


def new_id(prefix: str) -> str:
    """A random, prefixed record id such as ``usr_5kq2...`` (20 lowercase base-32 characters)."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    return f"{prefix}_" + "".join(secrets.choice(alphabet) for _ in range(20))


def check_username(username: str) -> str:
    """The username if it is well formed: 3 to 32 of a-z 0-9 . _ -, starting with a letter."""
    if not USERNAME_PATTERN.fullmatch(username):
        raise InputError(
            "username",
            f"{username!r} is not a username: 3 to 32 characters, lowercase letters, digits, "
            "'.', '_' or '-', starting with a letter",
        )
    if username in RESERVED_USERNAMES:
        raise InputError("username", f"{username!r} is reserved")
    return username


def check_password(password: str) -> str:
    """The password if it is long enough (12 characters at least) and not absurdly long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError("password", f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError("password", f"a password has at most {MAX_PASSWORD_LENGTH} characters")
    if not password.strip():
        raise InputError("password", "a password cannot be only spaces")
    return password


def check_display_name(name: str) -> str:
    """The display name, trimmed; it may not be empty or longer than 200 characters."""
    name = name.strip()
    if not name:
        raise InputError("display_name", "give the user's name")
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise InputError(
            "display_name", f"at most {MAX_DISPLAY_NAME_LENGTH} characters, got {len(name)}"
        )
    if any(ord(c) < 0x20 for c in name):
        raise InputError("display_name", "a name cannot hold control characters")
    return name


def check_party(role: Role, party: str | None, agreement_parties: Collection[str]) -> None:
    """Whether a user of `role` may belong to `party`, given the loaded agreements' party ids."""
    if role is Role.ADMINISTRATOR:
        if party is not None:
            raise InputError("party", "an administrator belongs to no party")
        return
    if role is Role.MONITOR:
        if party != MONITOR_PARTY:
            raise InputError("party", f"a monitor belongs to the party {MONITOR_PARTY!r}")
        return
    if role is Role.ANALYST and party == MONITOR_PARTY:
        return
    if party is None:
        raise InputError("party", f"a {role} belongs to a party of the agreement")
    if party not in agreement_parties:
        known = ", ".join(sorted(agreement_parties)) or "none: no agreement is loaded"
        raise InputError("party", f"{party!r} is not a party of the agreement (parties: {known})")


def check_one_authorized_officer(
    role: Role, party: str | None, active_officers: Iterable[User]
) -> None:
    """Refuse a second active authorized officer for a party: disable the first one before."""
    if role is not Role.AUTHORIZED_OFFICER:
        return
    for officer in active_officers:
        if officer.party == party and not officer.disabled:
            raise ConflictError(
                f"party {party!r} already has an active authorized officer "
                f"({officer.username}); disable that account first"
            )


def check_public_key(public_key: bytes) -> bytes:
    """A raw Ed25519 public key: exactly 32 bytes."""
    if len(public_key) != PUBLIC_KEY_SIZE:
        raise InputError(
            "public_key",
            f"an Ed25519 public key is {PUBLIC_KEY_SIZE} bytes, not {len(public_key)}",
        )
    return public_key


def check_token_name(name: str) -> str:
    """The token's name, trimmed: 1 to 100 characters saying what it is for."""
    name = name.strip()
    if not name or len(name) > MAX_TOKEN_NAME_LENGTH:
        raise InputError("name", f"name the token in 1 to {MAX_TOKEN_NAME_LENGTH} characters")
    return name


def check_scopes(scopes: Iterable[str], role: Role) -> tuple[str, ...]:
    """Known scopes, at least one, each once, in the documented order; `admin` for admins only."""
    given = list(scopes)
    if not given:
        raise InputError("scopes", f"give at least one scope ({', '.join(TOKEN_SCOPES)})")
    for scope in given:
        if scope not in TOKEN_SCOPES:
            raise InputError(
                "scopes", f"unknown scope {scope!r} (known: {', '.join(TOKEN_SCOPES)})"
            )
    if "admin" in given and role is not Role.ADMINISTRATOR:
        raise InputError("scopes", "only an administrator's token can have the admin scope")
    return tuple(s for s in TOKEN_SCOPES if s in given)


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """Lock a username after `max_failures` failed logins within `window`, for `lock_for`."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)

    @property
    def lookback(self) -> timedelta:
        """How far back the attempts that can still matter go."""
        return self.window + self.lock_for


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    """One login attempt for a username: when, and whether the password was right."""

    at: datetime
    ok: bool


@dataclass(frozen=True, slots=True)
class LockState:
    """Where a username stands: locked until when (None: not locked), and failures counted."""

    locked_until: datetime | None
    failures: int


def lock_state(attempts: Iterable[LoginAttempt], now: datetime, policy: LockoutPolicy) -> LockState:
    """Replay a username's login attempts to say whether it is locked at `now`.

    Rules: a success clears the count; a failure while locked does not count;
    failures older than the window drop out; the failure that reaches
    `max_failures` locks the username for `lock_for` from then. The same
    replay applies to usernames that have no account, so a locked account
    and an unknown one answer alike.
    """
    counted: list[datetime] = []
    until: datetime | None = None
    for attempt in sorted(attempts, key=lambda a: a.at):
        if attempt.ok:
            counted, until = [], None
            continue
        if until is not None and attempt.at < until:
            continue
        counted = [at for at in counted if at > attempt.at - policy.window]
        counted.append(attempt.at)
        if len(counted) >= policy.max_failures:
            until, counted = attempt.at + policy.lock_for, []
    return LockState(
        locked_until=until if until is not None and until > now else None,
        failures=len([at for at in counted if at > now - policy.window]),
    )
