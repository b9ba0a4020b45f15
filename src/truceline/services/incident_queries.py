"""Reading incidents: the filtered list with keyset pages, one incident whole, a party's queue."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace
from datetime import date

from truceline.domain.agreements import Agreement
from truceline.domain.errors import InputError, NotFoundError
from truceline.domain.event_types import EVENT_TYPES
from truceline.domain.reports import Report
from truceline.services.incident_store import (
    Cursor,
    IncidentFilter,
    IncidentRecord,
    StoredPosition,
)
from truceline.services.positions import Finding, finding, guarantors
from truceline.services.unit_of_work import UnitOfWork

MAX_PAGE = 500
DEFAULT_PAGE = 50


def encode_cursor(record: IncidentRecord) -> str:
    """The opaque cursor that starts the page after this incident."""
    text = f"{record.incident.dates.start.isoformat()}|{record.incident.id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> Cursor:
    """The position a cursor names; InputError("after", ...) when it is not one."""
    try:
        padded = token + "=" * (-len(token) % 4)
        day, _, incident_id = base64.urlsafe_b64decode(padded).decode().partition("|")
        return Cursor(date.fromisoformat(day), incident_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InputError("after", "not a cursor returned by this list") from None


def check_filter(agreement: Agreement, where: IncidentFilter) -> None:
    """Refuse a filter naming a zone, provision, party or event type the agreement lacks."""
    zones = {z.id for z in agreement.zones}
    provisions = {p.id for p in agreement.provisions}
    parties = {p.id for p in agreement.parties} | {"monitor"}
    for name, value, known in (
        ("zone", where.zone, zones),
        ("provision", where.provision, provisions),
        ("responsible_party", where.responsible_party, parties),
        ("reporting_party", where.reporting_party, parties),
        ("awaiting", where.awaiting, parties),
        ("event_type", where.event_type, set(EVENT_TYPES)),
    ):
        if value is not None and value not in known:
            raise InputError(name, f"{value!r} is not one of {sorted(known)}")
    if where.date_from and where.date_to and where.date_from > where.date_to:
        raise InputError("date_to", "the range ends before it starts")


@dataclass(frozen=True, slots=True)
class IncidentPage:
    """One page of the list, the cursor of the next (None on the last) and the total."""

    items: list[IncidentRecord]
    next_cursor: str | None
    total: int | None


def list_incidents(
    uow: UnitOfWork,
    agreement: Agreement,
    where: IncidentFilter,
    *,
    after: str | None = None,
    limit: int = DEFAULT_PAGE,
    with_total: bool = False,
) -> IncidentPage:
    """A page of incidents, newest first; pass the page's `next_cursor` as `after`."""
    if not 1 <= limit <= MAX_PAGE:
        raise InputError("limit", f"from 1 to {MAX_PAGE}")
    check_filter(agreement, where)
    cursor = None if after is None else decode_cursor(after)
    with uow:
        rows = uow.incidents.page(where, cursor, limit + 1)
        total = uow.incidents.count(where) if with_total else None
    more = len(rows) > limit
    rows = rows[:limit]
    return IncidentPage(rows, encode_cursor(rows[-1]) if more and rows else None, total)


@dataclass(frozen=True, slots=True)
class IncidentView:
    """Everything shown on an incident's page."""

    record: IncidentRecord
    reports: list[Report]
    versions: list[StoredPosition]
    finding: Finding
    guarantors: tuple[str, ...]

    @property
    def merged_from(self) -> list[str]:
        """The incidents merged into this one."""
        return [
            e.other_incident_id
            for e in self.record.incident.history
            if e.action == "merged" and e.incident_id == self.record.incident.id
            if e.other_incident_id
        ]


def incident_view(uow: UnitOfWork, agreement: Agreement, incident_id: str) -> IncidentView:
    """One incident with its reports, every version of every position, and the finding."""
    with uow:
        record = uow.incidents.get(incident_id)
        if record is None or record.agreement_id != agreement.id:
            raise NotFoundError(f"no incident {incident_id!r} in agreement {agreement.id!r}")
        reports = uow.incidents.reports(incident_id)
        versions = uow.incidents.positions(incident_id)
    result = finding(agreement, versions)
    record = replace(record, status=result.status, attribution=result.attribution.state)
    return IncidentView(record, reports, versions, result, guarantors(agreement))
