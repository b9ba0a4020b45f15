"""The agreement repository: whole agreements in, whole agreements out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon
from sqlalchemy import Connection, delete, insert, select

from truceline.adapters.db import tables as t
from truceline.domain.agreements import (
    Agreement,
    BreachRule,
    Mechanism,
    Party,
    PartyRole,
    Provision,
    ProvisionCategory,
    SourceDocument,
    SourceRef,
)
from truceline.domain.assessments import rule_from_dict, rule_to_dict
from truceline.domain.errors import NotFoundError
from truceline.domain.event_types import Family, MonitoringKind
from truceline.domain.places import Place
from truceline.domain.zones import CorridorSpec, Route, RouteVertex, Side, Zone, ZoneKind


@dataclass(frozen=True, slots=True)
class AgreementRecord:
    """What is stored about an agreement besides its content."""

    id: str
    title: str
    digest: str
    loaded_at: datetime


class AgreementRepository:
    """Reads and writes agreements on one open connection (the unit of work's)."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def records(self) -> list[AgreementRecord]:
        """Every stored agreement, oldest first."""
        rows = self._conn.execute(
            select(
                t.agreements.c.id,
                t.agreements.c.title,
                t.agreements.c.digest,
                t.agreements.c.loaded_at,
            ).order_by(t.agreements.c.loaded_at, t.agreements.c.id)
        )
        return [AgreementRecord(r.id, r.title, r.digest, _utc(r.loaded_at)) for r in rows]

    def record(self, agreement_id: str) -> AgreementRecord | None:
        """The stored record of one agreement, or None."""
        for record in self.records():
            if record.id == agreement_id:
                return record
        return None

    def remove(self, agreement_id: str) -> None:
        """Remove an agreement and everything it holds (used only to replace it)."""
        for table in (t.places, t.zones, t.routes, t.provisions, t.parties):
            self._conn.execute(delete(table).where(table.c.agreement_id == agreement_id))
        self._conn.execute(delete(t.agreements).where(t.agreements.c.id == agreement_id))

    def add(self, agreement: Agreement, digest: str, loaded_at: datetime) -> None:
        """Store a complete agreement."""
        a = agreement
        self._conn.execute(
            insert(t.agreements).values(
                id=a.id,
                title=a.title,
                summary=a.summary,
                format_version=a.format_version,
                crs=a.crs,
                timezone=a.timezone,
                digest=digest,
                documents=[
                    {
                        "id": d.id,
                        "title": d.title,
                        "date": d.date.isoformat(),
                        "place": d.place,
                        "reference": d.reference,
                        "url": d.url,
                    }
                    for d in a.documents
                ],
                attribution=list(a.attribution),
                mechanism=_mechanism_json(a.mechanism),
                loaded_at=loaded_at,
            )
        )
        self._insert(
            t.parties,
            a.id,
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "short_name": p.short_name,
                    "roles": [str(r) for r in p.roles],
                    "colour": p.colour,
                }
                for p in a.parties
            ],
        )
        self._insert(
            t.provisions,
            a.id,
            [
                {
                    "id": p.id,
                    "text": p.text,
                    "category": str(p.category),
                    "obligated": list(p.obligated),
                    "effective": p.effective,
                    "deadline": p.deadline,
                    "zones": list(p.zones),
                    "verification": p.verification,
                    "source_document": p.source.document,
                    "source_section": p.source.section,
                    "breached_by": [_rule_json(rule) for rule in p.breached_by],
                    "assessed_by": None if p.assessed_by is None else rule_to_dict(p.assessed_by),
                }
                for p in a.provisions
            ],
        )
        self._insert(
            t.routes,
            a.id,
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "geometry": shapely.to_geojson(r.line),
                    "vertices": [{"name": v.name, "source": v.source} for v in r.vertices],
                    "accuracy_m": r.accuracy_m,
                    "accuracy_note": r.accuracy_note,
                    "km_start": r.km_start,
                    "km_step": r.km_step,
                    "end_note": r.end_note,
                }
                for r in a.routes
            ],
        )
        self._insert(
            t.zones,
            a.id,
            [
                {
                    "id": z.id,
                    "name": z.name,
                    "kind": str(z.kind),
                    "responsible_party": z.responsible_party,
                    "geometry": shapely.to_geojson(z.geometry),
                    "derivation": None
                    if z.derivation is None
                    else {
                        "route": z.derivation.route,
                        "width_km": z.derivation.width_km,
                        "side": str(z.derivation.side),
                    },
                    "colour": z.colour,
                }
                for z in a.zones
            ],
        )
        self._insert(
            t.places,
            a.id,
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "alt_names": list(p.alt_names),
                    "lat": p.lat,
                    "lon": p.lon,
                    "admin1": p.admin1,
                    "admin2": p.admin2,
                    "source": p.source,
                    "provenance": p.provenance,
                }
                for p in a.places
            ],
        )

    def _insert(self, table: Any, agreement_id: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            self._conn.execute(
                insert(table),
                [
                    {"agreement_id": agreement_id, "position": i, **row}
                    for i, row in enumerate(rows)
                ],
            )

    def get(self, agreement_id: str) -> Agreement:
        """The whole agreement; NotFoundError when it is not stored."""
        head = self._conn.execute(
            select(t.agreements).where(t.agreements.c.id == agreement_id)
        ).one_or_none()
        if head is None:
            raise NotFoundError(f"no agreement {agreement_id!r} is loaded")

        def rows(table: Any) -> list[Any]:
            return list(
                self._conn.execute(
                    select(table)
                    .where(table.c.agreement_id == agreement_id)
                    .order_by(table.c.position)
                )
            )

        return Agreement(
            id=head.id,
            title=head.title,
            summary=head.summary,
            format_version=head.format_version,
            crs=head.crs,
            timezone=head.timezone,
            documents=tuple(
                SourceDocument(
                    d["id"],
                    d["title"],
                    date.fromisoformat(d["date"]),
                    d["place"],
                    d["reference"],
                    d["url"],
                )
                for d in head.documents
            ),
            parties=tuple(
                Party(r.id, r.name, tuple(PartyRole(x) for x in r.roles), r.short_name, r.colour)
                for r in rows(t.parties)
            ),
            provisions=tuple(
                Provision(
                    id=r.id,
                    text=r.text,
                    category=ProvisionCategory(r.category),
                    obligated=tuple(r.obligated),
                    effective=_utc(r.effective),
                    deadline=None if r.deadline is None else _utc(r.deadline),
                    zones=tuple(r.zones),
                    verification=r.verification,
                    source=SourceRef(r.source_document, r.source_section),
                    breached_by=tuple(_rule_of(rule) for rule in r.breached_by),
                    assessed_by=None if r.assessed_by is None else rule_from_dict(r.assessed_by),
                )
                for r in rows(t.provisions)
            ),
            routes=tuple(
                Route(
                    id=r.id,
                    name=r.name,
                    line=_geometry(r.geometry, LineString),
                    vertices=tuple(RouteVertex(v["name"], v["source"]) for v in r.vertices),
                    accuracy_m=r.accuracy_m,
                    accuracy_note=r.accuracy_note,
                    km_start=r.km_start,
                    km_step=r.km_step,
                    end_note=r.end_note,
                )
                for r in rows(t.routes)
            ),
            zones=tuple(
                Zone(
                    id=r.id,
                    name=r.name,
                    kind=ZoneKind(r.kind),
                    geometry=_geometry(r.geometry, Polygon | MultiPolygon),
                    responsible_party=r.responsible_party,
                    derivation=None
                    if r.derivation is None
                    else CorridorSpec(
                        r.derivation["route"], r.derivation["width_km"], Side(r.derivation["side"])
                    ),
                    colour=r.colour,
                )
                for r in rows(t.zones)
            ),
            places=tuple(
                Place(
                    r.id,
                    r.name,
                    tuple(r.alt_names),
                    r.lat,
                    r.lon,
                    r.admin1,
                    r.admin2,
                    r.source,
                    r.provenance,
                )
                for r in rows(t.places)
            ),
            attribution=tuple(head.attribution),
            mechanism=_mechanism_of(head.mechanism),
        )


def _rule_json(rule: BreachRule) -> dict[str, Any]:
    return {
        "families": [str(f) for f in rule.families],
        "event_types": list(rule.event_types),
        "sub_event_types": list(rule.sub_event_types),
        "monitoring": [str(m) for m in rule.monitoring],
        "zones": None if rule.zones is None else list(rule.zones),
        "after": rule.after,
    }


def _rule_of(data: dict[str, Any]) -> BreachRule:
    return BreachRule(
        families=tuple(Family(f) for f in data["families"]),
        event_types=tuple(data["event_types"]),
        sub_event_types=tuple(data["sub_event_types"]),
        monitoring=tuple(MonitoringKind(m) for m in data["monitoring"]),
        zones=None if data["zones"] is None else tuple(data["zones"]),
        after=data["after"],
    )


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _geometry(text: str, kind: Any) -> Any:
    geometry = shapely.from_geojson(text)
    if not isinstance(geometry, kind):
        raise ValueError(f"stored geometry is a {geometry.geom_type}: {json.dumps(text)[:60]}")
    return geometry


def _mechanism_json(mechanism: Mechanism) -> dict[str, Any]:
    return {
        "patrol_route": mechanism.patrol_route,
        "patrol_start_unacknowledged": mechanism.patrol_start_unacknowledged,
        "hotline_escalation_s": mechanism.hotline_escalation.total_seconds(),
    }


def _mechanism_of(data: dict[str, Any]) -> Mechanism:
    """A stored mechanism; agreements stored before it existed get the defaults."""
    default = Mechanism()
    seconds = data.get("hotline_escalation_s")
    return Mechanism(
        patrol_route=data.get("patrol_route"),
        patrol_start_unacknowledged=bool(data.get("patrol_start_unacknowledged", False)),
        hotline_escalation=default.hotline_escalation
        if seconds is None
        else timedelta(seconds=float(seconds)),
    )
