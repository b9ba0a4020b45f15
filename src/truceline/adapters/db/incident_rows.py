"""How incident records and reports become table rows, and rows become records again.

An incident's whole value is its ``doc`` (``incident_to_dict``); the other
columns repeat what the list filters and sorts on. Column tuples give the
order in which `bulk_rows.RowWriter` takes each table's values.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from truceline.domain.incident_records import incident_from_dict, incident_to_dict, report_from_dict
from truceline.domain.incidents import HistoryEntry
from truceline.domain.reports import Report
from truceline.domain.verification import AttributionState, VerificationStatus
from truceline.services.incident_store import IncidentRecord


def utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def row_values(record: IncidentRecord) -> dict[str, Any]:
    incident = record.incident
    return {
        "id": incident.id,
        "agreement_id": record.agreement_id,
        "start_date": incident.dates.start,
        "end_date": incident.dates.end,
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "family": str(incident.family),
        "monitoring": None if incident.monitoring is None else str(incident.monitoring),
        "lon": incident.location.lon,
        "lat": incident.location.lat,
        "responsible_party": record.responsible_party,
        "status": str(record.status),
        "attribution": str(record.attribution),
        "merged_into": incident.merged_into,
        "content_hash": record.content_hash,
        "source_id": record.source_id,
        "doc": incident_to_dict(incident),
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


INCIDENT_COLUMNS = (
    "id",
    "agreement_id",
    "start_date",
    "end_date",
    "event_type",
    "sub_event_type",
    "family",
    "monitoring",
    "lon",
    "lat",
    "responsible_party",
    "status",
    "attribution",
    "merged_into",
    "content_hash",
    "source_id",
    "doc",
    "created_at",
    "updated_at",
)
REPORT_COLUMNS = (
    "id",
    "agreement_id",
    "incident_id",
    "channel",
    "reporting_party",
    "entered_by",
    "received_at",
    "doc",
)
ZONE_COLUMNS = ("incident_id", "agreement_id", "zone_id", "start_date")
PROVISION_COLUMNS = ("incident_id", "agreement_id", "provision_id", "start_date")
HISTORY_COLUMNS = (
    "incident_id",
    "action",
    "at",
    "by",
    "other_incident_id",
    "report_ids",
    "note",
    "ledger_seq",
)


def record_of(row: Row[Any], history: tuple[HistoryEntry, ...]) -> IncidentRecord:
    incident = incident_from_dict(row.doc)
    if history:
        incident = replace(incident, history=history)
    return IncidentRecord(
        incident=incident,
        agreement_id=row.agreement_id,
        status=VerificationStatus(row.status),
        attribution=AttributionState(row.attribution),
        responsible_party=row.responsible_party,
        content_hash=row.content_hash,
        source_id=row.source_id,
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
    )


def report_of(row: Row[Any]) -> Report:
    return report_from_dict(row.doc, entered_by=row.entered_by, incident_id=row.incident_id)
