"""The rows of the restriction and observation lists, and the points of their map.

Plain values for the templates (party ids as short names, times in the
agreement's local time, a record in a line); nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from truceline.domain.agreements import Agreement
from truceline.entrypoints.api.observation_schemas import (
    ObservationOut,
    RestrictionOut,
    describe,
)
from truceline.entrypoints.web.pages import label, moment, party_name


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One restriction or observation in a list and on the map."""

    id: str
    url: str
    number: int | None
    when: str
    category: str
    what: str
    where: str
    zone: str
    responsible: str
    inside_corridor: bool
    party: str
    lon: float
    lat: float


def field_rows(
    agreement: Agreement, items: Sequence[RestrictionOut | ObservationOut]
) -> list[FieldRow]:
    """Rows for the templates."""
    zones = {z.id: z.name for z in agreement.zones}
    rows = []
    for item in items:
        p = item.placement
        if isinstance(item, RestrictionOut):
            url, when, category = f"/field/restrictions/{item.id}", item.at, item.kind
        else:
            url, when, category = f"/field/observations/{item.id}", item.observed_at, item.subkind
        km = f"km {p.km:.1f}" if p.km is not None else ""
        rows.append(
            FieldRow(
                id=item.id,
                url=url,
                number=item.number,
                when=moment(when, agreement.timezone),
                category=category,
                what=describe(item),
                where=", ".join(x for x in (p.place, km) if x),
                zone=", ".join(zones.get(z, z) for z in p.zones) or "outside every zone",
                responsible=party_name(agreement, p.responsible_party)
                if p.responsible_party
                else "",
                inside_corridor=p.inside_corridor,
                party=party_name(agreement, item.party) if item.party else "",
                lon=p.lon,
                lat=p.lat,
            )
        )
    return rows


def map_points(
    restrictions: Sequence[RestrictionOut], observations: Sequence[ObservationOut]
) -> list[dict[str, Any]]:
    """The listed records for the map script (embedded as JSON, never run)."""
    points = [
        {
            "id": r.id,
            "layer": "restriction",
            "category": r.kind,
            "lon": r.placement.lon,
            "lat": r.placement.lat,
            "title": f"Restriction: {describe(r)}",
            "place": r.placement.place,
            "url": f"/field/restrictions/{r.id}",
        }
        for r in restrictions
    ]
    points += [
        {
            "id": o.id,
            "layer": "observation",
            "category": o.subkind,
            "lon": o.placement.lon,
            "lat": o.placement.lat,
            "title": f"{label(o.subkind).capitalize()}: {describe(o)}",
            "place": o.placement.place,
            "url": f"/field/observations/{o.id}",
        }
        for o in observations
    ]
    return points
