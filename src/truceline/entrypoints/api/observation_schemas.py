"""Request and response schemas of the restriction and observation routes, and the conversions.

A write body is ``{"prepare": <command>}`` or ``{"event", "public_key",
"signature"}`` (see `incident_schemas.SignedWrite`). The commands are typed
here so the OpenAPI document shows their keys; the values are checked by the
services, which name the bad field. Times are texts (ISO 8601 with a UTC
offset) so that what is signed is exactly what was sent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from truceline.domain.field_location import Placement, location_to_dict
from truceline.domain.observation_records import details_to_dict
from truceline.domain.observations import ObservationEntry, StorageSite
from truceline.domain.restrictions import RestrictionCount, RestrictionEntry
from truceline.domain.road_status import SegmentShare
from truceline.entrypoints.api.incident_schemas import Command, SignedWrite
from truceline.services.observations import SiteState
from truceline.services.road_status import RoadStatusView


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


# --- reading -----------------------------------------------------------------------------


class PlacementOut(_Out):
    """Where a record lies, derived from its location and the agreement's geometry."""

    lon: float
    lat: float
    route: str | None = Field(description="The route `km` is counted on.")
    km: float | None = Field(description="The kilometre post on that route.")
    offset_m: float | None = Field(description="Distance from that route, in metres.")
    zones: list[str]
    zone: str | None = Field(description="The first zone: the one lists and counts use.")
    responsible_party: str | None
    inside_corridor: bool
    place: str


def placement_out(placement: Placement) -> PlacementOut:
    return PlacementOut(
        lon=placement.lon,
        lat=placement.lat,
        route=placement.route,
        km=placement.km,
        offset_m=placement.offset_m,
        zones=list(placement.zones),
        zone=placement.zone,
        responsible_party=placement.responsible_party,
        inside_corridor=placement.inside_corridor,
        place=placement.place,
    )


class RestrictionOut(_Out):
    """One access restriction as recorded, with where it lies."""

    id: str
    number: int | None
    day: date = Field(description="The local day it began.")
    at: datetime
    until: datetime | None
    duration_minutes: int | None
    affected: str
    patrol_id: str | None
    kind: str
    imposed_by: str
    reason_given: str
    consequence: str
    note: str
    location: dict[str, Any] = Field(description="As stated: {lon, lat} or {route, km}.")
    placement: PlacementOut
    party: str | None = Field(description="The party of whoever recorded it.")
    recorded_by: str
    recorded_at: datetime


def restriction_out(entry: RestrictionEntry) -> RestrictionOut:
    r = entry.restriction
    return RestrictionOut(
        id=r.id,
        number=entry.number,
        day=entry.day,
        at=r.at,
        until=r.until,
        duration_minutes=r.duration_minutes,
        affected=str(r.affected),
        patrol_id=r.patrol_id,
        kind=str(r.kind),
        imposed_by=r.imposed_by,
        reason_given=r.reason_given,
        consequence=r.consequence,
        note=r.note,
        location=location_to_dict(r.location),
        placement=placement_out(entry.placement),
        party=entry.party,
        recorded_by=entry.recorded_by,
        recorded_at=entry.recorded_at,
    )


class RestrictionListOut(_Out):
    items: list[RestrictionOut]


class CountOut(_Out):
    """Restrictions of one kind in one zone (null: outside every zone) in one period."""

    period: str = Field(description="2020-03-20, 2020-W12 or 2020-03.")
    period_start: date
    zone: str | None
    kind: str
    count: int
    patrols: int
    monitors: int
    minutes: int = Field(description="The lengths given, added up.")


class CountsOut(_Out):
    period: str
    rows: list[CountOut]


def count_out(row: RestrictionCount) -> CountOut:
    return CountOut(
        period=row.period,
        period_start=row.period_start,
        zone=row.zone,
        kind=str(row.kind),
        count=row.count,
        patrols=row.patrols,
        monitors=row.monitors,
        minutes=row.minutes,
    )


class ObservationOut(_Out):
    """One observation as recorded, with where it lies (and, for a storage site, the
    discrepancies: observed minus declared, per weapon type that differs)."""

    id: str
    number: int | None
    day: date = Field(description="The local day it was observed.")
    subkind: str
    observed_at: datetime
    details: dict[str, Any]
    location: dict[str, Any] | None = Field(description="As stated, or null.")
    note: str
    grade: str | None
    placement: PlacementOut
    party: str | None = Field(description="The observer's party.")
    recorded_by: str
    recorded_at: datetime


def observation_out(entry: ObservationEntry) -> ObservationOut:
    o = entry.observation
    details = details_to_dict(o.details)
    if isinstance(o.details, StorageSite):
        details["discrepancies"] = {str(k): v for k, v in o.details.discrepancies.items()}
    return ObservationOut(
        id=o.id,
        number=entry.number,
        day=entry.day,
        subkind=str(o.subkind),
        observed_at=o.observed_at,
        details=details,
        location=None if o.location is None else location_to_dict(o.location),
        note=o.note,
        grade=None if o.grade is None else str(o.grade),
        placement=placement_out(entry.placement),
        party=entry.party,
        recorded_by=entry.recorded_by,
        recorded_at=entry.recorded_at,
    )


class ObservationListOut(_Out):
    items: list[ObservationOut]


class SegmentOut(_Out):
    from_km: float
    to_km: float
    open: float = Field(description="Share of the period observed open (0 to 1).")
    closed: float
    unknown: float


def segment_out(share: SegmentShare) -> SegmentOut:
    return SegmentOut(
        from_km=round(share.from_km, 3),
        to_km=round(share.to_km, 3),
        open=round(share.open, 6),
        closed=round(share.closed, 6),
        unknown=round(share.unknown, 6),
    )


class RoadStatusOut(_Out):
    route: str
    day_from: date
    day_to: date
    period_start: datetime
    period_end: datetime
    reports: int = Field(description="Road-status reports of the route that count.")
    whole: SegmentOut = Field(description="The whole route, weighted by length.")
    segments: list[SegmentOut]


def road_status_out(view: RoadStatusView) -> RoadStatusOut:
    return RoadStatusOut(
        route=view.route.id,
        day_from=view.day_from,
        day_to=view.day_to,
        period_start=view.period_start,
        period_end=view.period_end,
        reports=view.reports,
        whole=segment_out(view.whole),
        segments=[segment_out(s) for s in view.segments],
    )


class SiteOut(_Out):
    """A storage site as its latest observation shows it."""

    site: str
    name: str
    zone: str | None
    observation_id: str
    observed_at: datetime
    party: str | None
    declared: dict[str, int]
    observed: dict[str, int]
    discrepancies: dict[str, int] = Field(description="Observed minus declared, where they differ.")
    observations: int = Field(description="How many observations of the site are on record.")
    lon: float
    lat: float


def site_out(state: SiteState) -> SiteOut:
    latest = state.latest
    return SiteOut(
        site=state.site,
        name=state.name,
        zone=state.zone,
        observation_id=latest.observation.id,
        observed_at=latest.observation.observed_at,
        party=latest.party,
        declared={str(k): v for k, v in state.declared.items()},
        observed={str(k): v for k, v in state.observed.items()},
        discrepancies={str(k): v for k, v in state.discrepancies.items()},
        observations=state.observations,
        lon=latest.placement.lon,
        lat=latest.placement.lat,
    )


class SitesOut(_Out):
    items: list[SiteOut]


def describe(item: RestrictionOut | ObservationOut) -> str:
    """What a restriction or an observation is, in a line: `patrol delayed 40 min by opposition`,
    `2 x tank`, `m4 km 0-12 closed`, `depot-1: tank +2, mortar -1`."""
    if isinstance(item, RestrictionOut):
        length = "" if item.duration_minutes is None else f" {item.duration_minutes} min"
        return f"{item.affected} {item.kind}{length} by {item.imposed_by}"
    d = item.details
    if item.subkind == "heavy_weapons":
        return f"{d['count']} x {d['weapon_type']}"
    if item.subkind == "armed_group":
        size = "" if d.get("estimated_size") is None else f" (~{d['estimated_size']})"
        return f"{d['group']}{size}"
    if item.subkind == "road_status":
        return f"{d['route']} km {d['from_km']:g}-{d['to_km']:g} {d['status']}"
    gaps = ", ".join(f"{k} {v:+d}" for k, v in d.get("discrepancies", {}).items())
    return f"{d['site']}: " + (gaps or "as declared")


# --- writing -----------------------------------------------------------------------------


class _Stated(Command):
    def data(self) -> dict[str, Any]:
        """The command's data as the service takes it (keys left out stay out)."""
        return self.model_dump(exclude_unset=True)


class RestrictionCommand(_Stated):
    """An access restriction: where, when, for how long, whom, what, by whom, why."""

    id: str | None = Field(default=None, max_length=96, description="res_...; made up if left out.")
    at: str = Field(max_length=64, description="When it began: ISO 8601 with a UTC offset.")
    duration_minutes: int | None = Field(default=None, description="How long it held them.")
    until: str | None = Field(
        default=None, max_length=64, description="When it ended, instead of duration_minutes."
    )
    affected: str = Field(max_length=16, description="patrol or monitor.")
    patrol_id: str | None = Field(
        default=None, max_length=96, description="The joint patrol stopped, if on record."
    )
    kind: str = Field(max_length=16, description="denied or delayed.")
    imposed_by: str = Field(max_length=200, description="A party id, or words.")
    reason_given: str = Field(default="", max_length=4000)
    consequence: str = Field(default="", max_length=4000)
    note: str = Field(default="", max_length=4000)
    location: dict[str, Any] = Field(
        description="{lon, lat} or {km, route} (route: the patrol route when left out); "
        "place optional."
    )


class ObservationCommand(_Stated):
    """An observation: its subkind, when and where it was seen, and the subkind's details."""

    id: str | None = Field(default=None, max_length=96, description="obs_...; made up if left out.")
    subkind: str = Field(
        max_length=32, description="heavy_weapons, armed_group, road_status or storage_site."
    )
    observed_at: str = Field(max_length=64, description="ISO 8601 with a UTC offset.")
    location: dict[str, Any] | None = Field(
        default=None,
        description="{lon, lat} or {km, route}; optional for a road status and for a storage "
        "site named by its zone.",
    )
    note: str = Field(default="", max_length=4000)
    grade: str | None = Field(default=None, max_length=8, description="Admiralty grade, e.g. B2.")
    details: dict[str, Any] = Field(
        description="heavy_weapons {weapon_type, count, description}; armed_group {group, "
        "estimated_size, activity}; road_status {route, from_km, to_km, status, since}; "
        "storage_site {site, declared, observed}."
    )


class RestrictionWrite(SignedWrite):
    prepare: RestrictionCommand | None = None


class ObservationWrite(SignedWrite):
    prepare: ObservationCommand | None = None
