"""What the incident services need from storage: the unit of work's ``incidents``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from truceline.domain.incidents import HistoryEntry, Incident
from truceline.domain.reports import Channel, Report
from truceline.domain.verification import AttributionState, Position, VerificationStatus


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """An incident as stored: the value, its agreement, the joint finding, bookkeeping."""

    incident: Incident
    agreement_id: str
    status: VerificationStatus
    attribution: AttributionState
    responsible_party: str | None
    content_hash: str
    source_id: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredPosition:
    """One version of a party's position (or of the monitor's verdict), and who recorded it."""

    position: Position
    recorded_by: str
    monitor: bool


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """What the incident list is narrowed to; every field left None is not a filter."""

    agreement_id: str
    date_from: date | None = None
    date_to: date | None = None
    zone: str | None = None
    responsible_party: str | None = None
    event_type: str | None = None
    status: VerificationStatus | None = None
    provision: str | None = None
    channel: Channel | None = None
    reporting_party: str | None = None
    #: Only incidents on which this party has recorded no position yet (its review queue).
    awaiting: str | None = None
    include_merged: bool = False


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page ends, in the list's order (newest first, then id descending)."""

    start_date: date
    id: str


@dataclass(frozen=True, slots=True)
class LinkRows:
    """The zones and provisions to index one incident under."""

    incident_id: str
    start_date: date
    zones: tuple[str, ...]
    provisions: tuple[str, ...]


class IncidentStore(Protocol):
    """Reports, incidents, their links, history and positions."""

    def insert(self, records: Sequence[IncidentRecord]) -> None: ...  # pragma: no cover
    def update(self, records: Sequence[IncidentRecord]) -> None: ...  # pragma: no cover
    def replace_links(
        self, agreement_id: str, rows: Sequence[LinkRows]
    ) -> None: ...  # pragma: no cover
    def get(self, incident_id: str) -> IncidentRecord | None: ...  # pragma: no cover
    def hashes(self, ids: Sequence[str]) -> dict[str, str]: ...  # pragma: no cover
    def add_reports(
        self, agreement_id: str, reports: Sequence[Report]
    ) -> None: ...  # pragma: no cover
    def report(self, report_id: str) -> Report | None: ...  # pragma: no cover
    def reports(self, incident_id: str) -> list[Report]: ...  # pragma: no cover
    def reports_of(self, incident_ids: Sequence[str]) -> dict[str, Report]: ...  # pragma: no cover
    def move_reports(
        self, report_ids: Sequence[str], incident_id: str
    ) -> None: ...  # pragma: no cover
    def add_history(
        self, entries: Iterable[HistoryEntry], ledger_seq: int | None
    ) -> None: ...  # pragma: no cover
    def add_position(
        self, incident_id: str, stored: StoredPosition
    ) -> None: ...  # pragma: no cover
    def positions(self, incident_id: str) -> list[StoredPosition]: ...  # pragma: no cover
    def set_finding(
        self, incident_id: str, status: VerificationStatus, attribution: AttributionState
    ) -> None: ...  # pragma: no cover
    def page(
        self, where: IncidentFilter, after: Cursor | None, limit: int
    ) -> list[IncidentRecord]: ...  # pragma: no cover
    def count(self, where: IncidentFilter) -> int: ...  # pragma: no cover
    def near(
        self,
        agreement_id: str,
        family: str,
        box: tuple[float, float, float, float],
        dates: tuple[date, date],
        limit: int,
    ) -> list[Incident]: ...  # pragma: no cover
    def scan(
        self, agreement_id: str, after_id: str | None, limit: int
    ) -> list[IncidentRecord]: ...  # pragma: no cover
