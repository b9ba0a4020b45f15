"""Accounts in the database: users, browser sessions, API tokens and login attempts.

Secrets never reach these tables: passwords are stored as argon2id hashes,
session tokens and API token secrets as their SHA-256, and a browser user's
private key only sealed under their password.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    text,
    update,
)

from truceline.adapters.db import tables as t
from truceline.adapters.db.tables import metadata
from truceline.domain.accounts import (
    ApiToken,
    Credentials,
    LoginAttempt,
    Role,
    SessionRecord,
    User,
)

#: At most one active authorized officer per party, enforced by the database too.
ONE_AUTHORIZED_OFFICER = "role = 'authorized_officer' AND NOT disabled"

users = Table(
    "users",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("party", String(64), nullable=True),
    Column("role", String(32), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("public_key", LargeBinary(32), nullable=True),
    Column("sealed_key", JSON, nullable=True),
    Column("disabled", Boolean, nullable=False),
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(
        "ux_users_one_authorized_officer",
        "party",
        unique=True,
        sqlite_where=text(ONE_AUTHORIZED_OFFICER),
        postgresql_where=text(ONE_AUTHORIZED_OFFICER),
    ),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", String(32), ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf_token", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("user_id", String(32), ForeignKey("users.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scopes", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(256), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("source", String(128), nullable=False),
    Index("ix_login_attempts_username_at", "username", "at"),
    Index("ix_login_attempts_source_at", "source", "at"),
)


class AccountRepository:
    """Reads and writes accounts on one open connection (the unit of work's)."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    # Users

    def add_user(
        self, user: User, password_hash: str, sealed_key: Mapping[str, Any] | None
    ) -> None:
        """Store a new user with their password hash and, for browser users, sealed key."""
        self._conn.execute(
            insert(users).values(
                id=user.id,
                username=user.username,
                display_name=user.display_name,
                party=user.party,
                role=str(user.role),
                password_hash=password_hash,
                public_key=user.public_key,
                sealed_key=None if sealed_key is None else dict(sealed_key),
                disabled=user.disabled,
                failed_logins=0,
                locked_until=None,
                created_at=user.created_at,
            )
        )

    def user(self, user_id: str) -> User | None:
        """One user by id, or None."""
        row = self._conn.execute(select(users).where(users.c.id == user_id)).one_or_none()
        return None if row is None else _user(row)

    def user_by_username(self, username: str) -> User | None:
        """One user by username, or None."""
        row = self._conn.execute(select(users).where(users.c.username == username)).one_or_none()
        return None if row is None else _user(row)

    def users(self) -> list[User]:
        """Every user, oldest first."""
        rows = self._conn.execute(select(users).order_by(users.c.created_at, users.c.username))
        return [_user(r) for r in rows]

    def count_users(self) -> int:
        """How many accounts exist, disabled ones included."""
        return int(self._conn.execute(select(func.count()).select_from(users)).scalar_one())

    def active_authorized_officers(self, party: str | None) -> list[User]:
        """The active authorized officers of a party (at most one, by the rules)."""
        rows = self._conn.execute(
            select(users).where(
                users.c.role == str(Role.AUTHORIZED_OFFICER),
                users.c.party == party,
                users.c.disabled.is_(False),
            )
        )
        return [_user(r) for r in rows]

    def credentials(self, user_id: str) -> Credentials:
        """The password hash and sealed key of a user who exists."""
        row = self._conn.execute(
            select(users.c.password_hash, users.c.sealed_key).where(users.c.id == user_id)
        ).one()
        return Credentials(row.password_hash, row.sealed_key)

    def lock_status(self, user_id: str) -> tuple[int, datetime | None]:
        """The failed logins counted and the lock's end, as last stored."""
        row = self._conn.execute(
            select(users.c.failed_logins, users.c.locked_until).where(users.c.id == user_id)
        ).one()
        return int(row.failed_logins), _utc_or_none(row.locked_until)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self._conn.execute(
            update(users).where(users.c.id == user_id).values(password_hash=password_hash)
        )

    def set_lock(self, user_id: str, failed_logins: int, locked_until: datetime | None) -> None:
        """Record the failed logins counted and until when the account is locked."""
        self._conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(failed_logins=failed_logins, locked_until=locked_until)
        )

    def disable_user(self, user_id: str) -> None:
        self._conn.execute(update(users).where(users.c.id == user_id).values(disabled=True))

    def set_public_key(
        self, user_id: str, public_key: bytes, sealed_key: Mapping[str, Any] | None
    ) -> None:
        """Replace a user's public key (and sealed private key, None for a key kept elsewhere)."""
        self._conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(
                public_key=public_key,
                sealed_key=None if sealed_key is None else dict(sealed_key),
            )
        )

    def agreement_party_ids(self) -> set[str]:
        """The ids of every party of every stored agreement."""
        return set(self._conn.execute(select(t.parties.c.id).distinct()).scalars())

    # Login attempts

    def add_login_attempt(self, username: str, at: datetime, ok: bool, source: str) -> None:
        self._conn.execute(
            insert(login_attempts).values(username=username, at=at, ok=ok, source=source)
        )

    def login_attempts(self, username: str, since: datetime, limit: int) -> list[LoginAttempt]:
        """The newest attempts for a username after `since`, at most `limit`, oldest first."""
        rows = self._conn.execute(
            select(login_attempts.c.at, login_attempts.c.ok)
            .where(login_attempts.c.username == username, login_attempts.c.at > since)
            .order_by(login_attempts.c.at.desc(), login_attempts.c.id.desc())
            .limit(limit)
        )
        return sorted((LoginAttempt(_utc(r.at), bool(r.ok)) for r in rows), key=lambda a: a.at)

    def source_failures(self, source: str, since: datetime) -> int:
        """How many failed logins came from `source` after `since`."""
        return int(
            self._conn.execute(
                select(func.count())
                .select_from(login_attempts)
                .where(
                    login_attempts.c.source == source,
                    login_attempts.c.at > since,
                    login_attempts.c.ok.is_(False),
                )
            ).scalar_one()
        )

    # Sessions

    def add_session(self, record: SessionRecord) -> None:
        self._conn.execute(
            insert(sessions).values(
                id_hash=record.id_hash,
                user_id=record.user_id,
                csrf_token=record.csrf_token,
                created_at=record.created_at,
                expires_at=record.expires_at,
                last_seen_at=record.last_seen_at,
                revoked=record.revoked,
            )
        )

    def session(self, id_hash: str) -> SessionRecord | None:
        row = self._conn.execute(
            select(sessions).where(sessions.c.id_hash == id_hash)
        ).one_or_none()
        if row is None:
            return None
        return SessionRecord(
            id_hash=row.id_hash,
            user_id=row.user_id,
            csrf_token=row.csrf_token,
            created_at=_utc(row.created_at),
            expires_at=_utc(row.expires_at),
            last_seen_at=_utc(row.last_seen_at),
            revoked=bool(row.revoked),
        )

    def touch_session(self, id_hash: str, at: datetime) -> None:
        self._conn.execute(
            update(sessions).where(sessions.c.id_hash == id_hash).values(last_seen_at=at)
        )

    def revoke_session(self, id_hash: str) -> None:
        self._conn.execute(
            update(sessions).where(sessions.c.id_hash == id_hash).values(revoked=True)
        )

    def revoke_user_sessions(self, user_id: str) -> None:
        self._conn.execute(
            update(sessions).where(sessions.c.user_id == user_id).values(revoked=True)
        )

    # API tokens

    def add_token(self, token: ApiToken, token_hash: str) -> None:
        self._conn.execute(
            insert(api_tokens).values(
                id=token.id,
                user_id=token.user_id,
                name=token.name,
                token_hash=token_hash,
                scopes=list(token.scopes),
                created_at=token.created_at,
                revoked_at=token.revoked_at,
                last_used_at=token.last_used_at,
            )
        )

    def token(self, token_id: str) -> ApiToken | None:
        row = self._conn.execute(
            select(api_tokens).where(api_tokens.c.id == token_id)
        ).one_or_none()
        return None if row is None else _token(row)

    def token_by_hash(self, token_hash: str) -> ApiToken | None:
        row = self._conn.execute(
            select(api_tokens).where(api_tokens.c.token_hash == token_hash)
        ).one_or_none()
        return None if row is None else _token(row)

    def tokens(self, user_id: str | None = None) -> list[ApiToken]:
        """The tokens of one user, or of everyone, oldest first."""
        query = select(api_tokens).order_by(api_tokens.c.created_at, api_tokens.c.id)
        if user_id is not None:
            query = query.where(api_tokens.c.user_id == user_id)
        return [_token(r) for r in self._conn.execute(query)]

    def revoke_token(self, token_id: str, at: datetime) -> None:
        self._conn.execute(
            update(api_tokens).where(api_tokens.c.id == token_id).values(revoked_at=at)
        )

    def touch_token(self, token_id: str, at: datetime) -> None:
        self._conn.execute(
            update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=at)
        )


def _user(row: Any) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        party=row.party,
        role=Role(row.role),
        disabled=bool(row.disabled),
        public_key=None if row.public_key is None else bytes(row.public_key),
        created_at=_utc(row.created_at),
    )


def _token(row: Any) -> ApiToken:
    return ApiToken(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        scopes=tuple(row.scopes),
        created_at=_utc(row.created_at),
        revoked_at=_utc_or_none(row.revoked_at),
        last_used_at=_utc_or_none(row.last_used_at),
    )


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else _utc(value)
