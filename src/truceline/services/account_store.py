"""What the account services need from storage, as a Protocol (the unit of work's ``accounts``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from truceline.domain.accounts import ApiToken, Credentials, LoginAttempt, SessionRecord, User


class AccountStore(Protocol):
    """What the account services need from storage (the unit of work's ``accounts``)."""

    def add_user(
        self, user: User, password_hash: str, sealed_key: Mapping[str, Any] | None
    ) -> None: ...  # pragma: no cover
    def user(self, user_id: str) -> User | None: ...  # pragma: no cover
    def user_by_username(self, username: str) -> User | None: ...  # pragma: no cover
    def users(self) -> list[User]: ...  # pragma: no cover
    def count_users(self) -> int: ...  # pragma: no cover
    def active_authorized_officers(self, party: str | None) -> list[User]: ...  # pragma: no cover
    def credentials(self, user_id: str) -> Credentials: ...  # pragma: no cover
    def lock_status(self, user_id: str) -> tuple[int, datetime | None]: ...  # pragma: no cover
    def set_password_hash(self, user_id: str, password_hash: str) -> None: ...  # pragma: no cover
    def set_lock(
        self, user_id: str, failed_logins: int, locked_until: datetime | None
    ) -> None: ...  # pragma: no cover
    def disable_user(self, user_id: str) -> None: ...  # pragma: no cover
    def set_public_key(
        self, user_id: str, public_key: bytes, sealed_key: Mapping[str, Any] | None
    ) -> None: ...  # pragma: no cover
    def agreement_party_ids(self) -> set[str]: ...  # pragma: no cover
    def add_login_attempt(
        self, username: str, at: datetime, ok: bool, source: str
    ) -> None: ...  # pragma: no cover
    def login_attempts(
        self, username: str, since: datetime, limit: int
    ) -> list[LoginAttempt]: ...  # pragma: no cover
    def source_failures(self, source: str, since: datetime) -> int: ...  # pragma: no cover
    def add_session(self, record: SessionRecord) -> None: ...  # pragma: no cover
    def session(self, id_hash: str) -> SessionRecord | None: ...  # pragma: no cover
    def touch_session(self, id_hash: str, at: datetime) -> None: ...  # pragma: no cover
    def revoke_session(self, id_hash: str) -> None: ...  # pragma: no cover
    def revoke_user_sessions(self, user_id: str) -> None: ...  # pragma: no cover
    def add_token(self, token: ApiToken, token_hash: str) -> None: ...  # pragma: no cover
    def token(self, token_id: str) -> ApiToken | None: ...  # pragma: no cover
    def token_by_hash(self, token_hash: str) -> ApiToken | None: ...  # pragma: no cover
    def tokens(self, user_id: str | None = None) -> list[ApiToken]: ...  # pragma: no cover
    def revoke_token(self, token_id: str, at: datetime) -> None: ...  # pragma: no cover
    def touch_token(self, token_id: str, at: datetime) -> None: ...  # pragma: no cover
