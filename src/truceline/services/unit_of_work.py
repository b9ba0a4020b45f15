"""What the services need from storage, as a Protocol, so tests can pass fakes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from truceline.domain.agreements import Agreement
from truceline.services.account_store import AccountStore
from truceline.services.field_store import FieldStore
from truceline.services.incident_store import IncidentStore
from truceline.services.intake_store import IntakeStore
from truceline.services.ledger_store import LedgerStore


class AgreementRecordLike(Protocol):
    """The stored facts about an agreement."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def digest(self) -> str: ...
    @property
    def loaded_at(self) -> datetime: ...


class AgreementStore(Protocol):
    """Agreements as a whole."""

    def records(self) -> Sequence[AgreementRecordLike]: ...  # pragma: no cover
    def record(self, agreement_id: str) -> AgreementRecordLike | None: ...  # pragma: no cover
    def add(
        self, agreement: Agreement, digest: str, loaded_at: datetime
    ) -> None: ...  # pragma: no cover
    def remove(self, agreement_id: str) -> None: ...  # pragma: no cover
    def get(self, agreement_id: str) -> Agreement: ...  # pragma: no cover


class UnitOfWork(Protocol):
    """A transaction over the stores."""

    @property
    def accounts(self) -> AccountStore: ...  # pragma: no cover
    @property
    def agreements(self) -> AgreementStore: ...  # pragma: no cover
    @property
    def incidents(self) -> IncidentStore: ...  # pragma: no cover
    @property
    def field(self) -> FieldStore: ...  # pragma: no cover
    @property
    def intake(self) -> IntakeStore: ...  # pragma: no cover
    @property
    def ledger(self) -> LedgerStore: ...  # pragma: no cover

    def __enter__(self) -> Self: ...  # pragma: no cover
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...  # pragma: no cover
    def commit(self) -> None: ...  # pragma: no cover
