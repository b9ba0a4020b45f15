"""The incident list's rows and the points of its map, and how an incident is named.

Plain values for the templates (party ids as short names, date ranges as
text); nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from truceline.domain.agreements import Agreement
from truceline.domain.incidents import DateRange, Incident
from truceline.entrypoints.web.pages import label, party_name
from truceline.services.incident_store import IncidentRecord


def actor_name(agreement: Agreement, actor: str | None) -> str:
    """A party's short name, or the actor's own name; "no one" for None."""
    if actor is None:
        return "no one"
    return party_name(agreement, actor)


def dates_text(dates: DateRange) -> str:
    """`2020-03-20`, or `2020-03-18 to 2020-03-22`."""
    if dates.start == dates.end:
        return dates.start.isoformat()
    return f"{dates.start.isoformat()} to {dates.end.isoformat()}"


def title_of(incident: Incident) -> str:
    """A heading for an incident: what, where, when."""
    where = f" near {incident.location.place}" if incident.location.place else ""
    return f"{incident.sub_event_type}{where}, {dates_text(incident.dates)}"


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """One incident in the list and on the list's map."""

    id: str
    dates: str
    place: str
    event_type: str
    sub_event_type: str
    monitoring: str
    zones: tuple[str, ...]
    responsible: str
    status: str
    attribution: str
    fatalities: int
    lon: float
    lat: float


def incident_row(agreement: Agreement, record: IncidentRecord) -> IncidentRow:
    incident = record.incident
    zones = {z.id: z.name for z in agreement.zones}
    return IncidentRow(
        id=incident.id,
        dates=dates_text(incident.dates),
        place=incident.location.place,
        event_type=incident.event_type,
        sub_event_type=incident.sub_event_type,
        monitoring=label(str(incident.monitoring)) if incident.monitoring else "",
        zones=tuple(zones.get(z, z) for z in incident.links.zones),
        responsible=(
            party_name(agreement, record.responsible_party) if record.responsible_party else ""
        ),
        status=str(record.status),
        attribution=label(str(record.attribution)),
        fatalities=incident.fatalities.best,
        lon=incident.location.lon,
        lat=incident.location.lat,
    )


def map_points(rows: Sequence[IncidentRow]) -> list[dict[str, Any]]:
    """The listed incidents for the map script (embedded as JSON, never run)."""
    return [
        {
            "id": r.id,
            "lon": r.lon,
            "lat": r.lat,
            "status": r.status,
            "title": f"{r.sub_event_type}, {r.dates}",
            "place": r.place,
            "url": f"/incidents/{r.id}",
        }
        for r in rows
    ]
