"""The unit of work: one transaction per command, committed whole or not at all."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from truceline.adapters.db.accounts import AccountRepository
from truceline.adapters.db.agreements import AgreementRepository
from truceline.adapters.db.field_records import FieldRecordRepository
from truceline.adapters.db.incidents import IncidentRepository
from truceline.adapters.db.intake import IntakeRepository
from truceline.adapters.db.ledger import LedgerRepository


class SqlUnitOfWork:
    """Opens a connection and transaction; commits only when asked, rolls back otherwise."""

    accounts: AccountRepository
    agreements: AgreementRepository
    field: FieldRecordRepository
    incidents: IncidentRepository
    intake: IntakeRepository
    ledger: LedgerRepository

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        self._connection = self._engine.connect()
        self._connection.begin()
        self.accounts = AccountRepository(self._connection)
        self.agreements = AgreementRepository(self._connection)
        self.field = FieldRecordRepository(self._connection)
        self.incidents = IncidentRepository(self._connection)
        self.intake = IntakeRepository(self._connection)
        self.ledger = LedgerRepository(self._connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._connection is not None
        try:
            self.rollback()
        finally:
            self._connection.close()
            self._connection = None

    def commit(self) -> None:
        """Make every change of this unit of work permanent."""
        assert self._connection is not None
        self._connection.commit()

    def rollback(self) -> None:
        """Drop every change not yet committed."""
        assert self._connection is not None
        self._connection.rollback()
