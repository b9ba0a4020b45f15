"""Request and response schemas of the incident routes, and the conversions to them.

A write body is either ``{"prepare": <command>}`` (build the event to sign)
or ``{"event": <signed body>, "public_key": ..., "signature": ...}`` (submit
it). The command of each route is typed here so the OpenAPI document shows
its keys; the values inside (a report, an incident, a position) are checked
by the services, which name the bad field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from truceline.domain.incident_records import (
    history_to_dict,
    incident_to_dict,
    position_to_dict,
    report_to_dict,
)
from truceline.domain.reports import Report
from truceline.services.incident_queries import IncidentView
from truceline.services.incident_store import IncidentRecord, StoredPosition


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- reading -----------------------------------------------------------------------------


class DatesOut(_Out):
    start: date
    end: date


class IncidentSummaryOut(_Out):
    """One incident in a list: what it is, where, and where its finding stands."""

    id: str
    dates: DatesOut
    place: str
    lon: float
    lat: float
    event_type: str
    sub_event_type: str
    monitoring: str | None
    zones: list[str]
    responsible_party: str | None
    km_post: float | None
    provisions: list[str]
    status: str
    attribution: str
    possible_duplicates: list[str]
    merged_into: str | None


class IncidentPageOut(_Out):
    items: list[IncidentSummaryOut]
    next_cursor: str | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )
    total: int | None = Field(
        default=None, description="How many incidents match, when `with_total` was asked."
    )


class ReportOut(_Out):
    id: str
    channel: str
    reporting_party: str | None
    source_name: str
    source_url: str | None
    received_at: datetime
    original_text: str
    language: str
    grade: str
    entered_by: str = Field(description="The id of the user who entered the report.")


class PositionOut(_Out):
    party: str
    version: int
    stance: str
    held_responsible: str | None
    evidence: list[str]
    text: str
    recorded_at: datetime
    recorded_by: str = Field(description="The id of the user who recorded this version.")


class AttributionOut(_Out):
    state: str
    actor: str | None = Field(description="Who is held responsible, only when agreed.")
    confidence: float
    named: list[str] = Field(description="Every actor a confirming source named.")


class FindingOut(_Out):
    status: str
    attribution: AttributionOut
    decided_by: list[str] = Field(description="The guarantor parties whose positions decide.")


class HistoryOut(_Out):
    action: str
    at: datetime
    by: str
    incident_id: str
    other_incident_id: str | None
    report_ids: list[str]
    note: str


class IncidentOut(_Out):
    """One incident whole: the record, its reports, every position version, the finding."""

    incident: dict[str, Any] = Field(
        description="The incident as in docs/incidents.md: dates, location, event type, "
        "actors, fatalities, links (zones, km post, provisions), report ids, duplicates."
    )
    agreement_id: str
    responsible_party: str | None
    status: str
    attribution: str
    created_at: datetime
    updated_at: datetime
    reports: list[ReportOut]
    positions: dict[str, list[PositionOut]] = Field(
        description="Every version of each party's position, oldest first, keyed by party."
    )
    verdicts: list[PositionOut] = Field(description="Every version of the monitor's verdict.")
    finding: FindingOut
    merged_from: list[str]
    history: list[HistoryOut]


class PreparedOut(_Out):
    event: dict[str, Any] = Field(
        description="The event body to sign: its RFC 8785 canonical JSON is what the key signs."
    )


def summary_out(record: IncidentRecord) -> IncidentSummaryOut:
    incident = record.incident
    links = incident.links
    return IncidentSummaryOut(
        id=incident.id,
        dates=DatesOut(start=incident.dates.start, end=incident.dates.end),
        place=incident.location.place,
        lon=incident.location.lon,
        lat=incident.location.lat,
        event_type=incident.event_type,
        sub_event_type=incident.sub_event_type,
        monitoring=None if incident.monitoring is None else str(incident.monitoring),
        zones=list(links.zones),
        responsible_party=record.responsible_party,
        km_post=links.km_post,
        provisions=list(links.provisions),
        status=str(record.status),
        attribution=str(record.attribution),
        possible_duplicates=list(incident.possible_duplicates),
        merged_into=incident.merged_into,
    )


def report_out(report: Report) -> ReportOut:
    return ReportOut(**report_to_dict(report), entered_by=report.entered_by)


def position_out(stored: StoredPosition) -> PositionOut:
    return PositionOut(**position_to_dict(stored.position), recorded_by=stored.recorded_by)


def incident_out(view: IncidentView) -> IncidentOut:
    record = view.record
    positions: dict[str, list[PositionOut]] = {}
    for stored in view.versions:
        if not stored.monitor:
            positions.setdefault(stored.position.party, []).append(position_out(stored))
    for versions in positions.values():
        versions.sort(key=lambda p: p.version)
    verdicts = sorted(
        (position_out(s) for s in view.versions if s.monitor), key=lambda p: p.version
    )
    found = view.finding
    attribution = found.attribution
    return IncidentOut(
        incident=incident_to_dict(record.incident),
        agreement_id=record.agreement_id,
        responsible_party=record.responsible_party,
        status=str(record.status),
        attribution=str(record.attribution),
        created_at=record.created_at,
        updated_at=record.updated_at,
        reports=[report_out(r) for r in view.reports],
        positions=positions,
        verdicts=verdicts,
        finding=FindingOut(
            status=str(found.status),
            attribution=AttributionOut(
                state=str(attribution.state),
                actor=attribution.actor,
                confidence=attribution.confidence,
                named=list(attribution.named),
            ),
            decided_by=list(view.guarantors),
        ),
        merged_from=view.merged_from,
        history=[HistoryOut(**history_to_dict(e)) for e in record.incident.history],
    )


# --- writing -----------------------------------------------------------------------------


class Command(_In):
    """A write's command: what the caller states, as the service takes it."""

    def data(self) -> dict[str, Any]:
        """The command's data as the service takes it."""
        return self.model_dump()


class ReportCommand(Command):
    """A report that starts a new incident."""

    report: dict[str, Any] = Field(
        description="channel, reporting_party, source_name, source_url, received_at, "
        "original_text, language, grade; id optional."
    )
    incident: dict[str, Any] = Field(
        description="dates, location, event_type, sub_event_type and the other stated "
        "fields of docs/incidents.md; id optional."
    )


class AttachCommand(Command):
    """A new report that joins an existing incident."""

    report: dict[str, Any]


class PositionCommand(Command):
    """The next version of the caller's party's position (a monitor's: the verdict)."""

    position: dict[str, Any] = Field(
        description="stance (confirms, denies, cannot_assess), "
        "held_responsible (an actor or null), evidence (texts), text."
    )
    version: int | None = Field(
        default=None, description="The version this will be; the next one when left out."
    )

    def data(self) -> dict[str, Any]:
        extra = {} if self.version is None else {"version": self.version}
        return {"position": self.position, **extra}


class MergeCommand(Command):
    """Merge `absorbed` into the incident of the path."""

    absorbed: str = Field(max_length=100, description="The id of the incident merged away.")
    note: str = Field(default="", max_length=2000)


class SplitCommand(Command):
    """Move these reports of the incident of the path to a new incident."""

    report_ids: list[str] = Field(min_length=1, max_length=1000)
    new_id: str | None = Field(
        default=None, max_length=100, description="The new incident's id; made up when null."
    )
    note: str = Field(default="", max_length=2000)


class SignedWrite(_In):
    """Either `prepare`, or `event` with `public_key` and `signature`."""

    prepare: Command | None = None
    event: dict[str, Any] | None = Field(
        default=None, description="The prepared event body, exactly as signed."
    )
    public_key: str | None = Field(
        default=None, max_length=200, description="The signer's Ed25519 public key (base64)."
    )
    signature: str | None = Field(
        default=None,
        max_length=200,
        description="Ed25519 signature of the event's RFC 8785 canonical JSON (base64).",
    )

    @model_validator(mode="before")
    @classmethod
    def _unicode(cls, value: Any) -> Any:
        """Refuse text that cannot be stored or signed (a lone surrogate such as ``\\ud800``)."""
        _check_unicode(value)
        return value

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        signed = (self.event, self.public_key, self.signature)
        prepare = self.prepare
        if prepare is not None and any(v is not None for v in signed):
            raise ValueError("give prepare, or event with public_key and signature; not both")
        if prepare is None and any(v is None for v in signed):
            raise ValueError("give prepare, or event with public_key and signature")
        return self


def _check_unicode(value: object) -> None:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("a text holds a lone surrogate: not valid Unicode") from None
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


class ReportWrite(SignedWrite):
    prepare: ReportCommand | None = None


class AttachWrite(SignedWrite):
    prepare: AttachCommand | None = None


class PositionWrite(SignedWrite):
    prepare: PositionCommand | None = None


class MergeWrite(SignedWrite):
    prepare: MergeCommand | None = None


class SplitWrite(SignedWrite):
    prepare: SplitCommand | None = None
