"""Observations that bear on provisions: record one, list them, and each storage site's latest.

Recording checks the actor's permission (zone officers and the monitor, for
their own party), reads the observation from the command's data
(``domain.observation_records``), checks it against the agreement (routes,
kilometre ranges, storage-site zones), places it (``services.field_location``)
and stores it as a field record with its `observation.recorded` ledger entry
and first step, in one transaction. The event's data is the observation in
its normal form, exactly as the observer signs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from truceline.domain.accounts import Actor
from truceline.domain.agreements import Agreement
from truceline.domain.errors import InputError, NotFoundError
from truceline.domain.events import Event
from truceline.domain.field_location import Placement
from truceline.domain.observation_records import (
    entry_from_doc,
    entry_to_doc,
    observation_from_dict,
    observation_to_dict,
)
from truceline.domain.observations import (
    Observation,
    ObservationEntry,
    RoadStatus,
    StorageSite,
    Subkind,
    WeaponType,
    new_observation_id,
)
from truceline.domain.permissions import Action, authorize
from truceline.domain.zones import ZoneKind
from truceline.services.authorship import Signing
from truceline.services.field_location import (
    check_km,
    place,
    place_point,
    point_at_km,
    route_of,
    with_route,
)
from truceline.services.field_recording import (
    Now,
    Recorded,
    check_when,
    record_new,
    refuse_taken,
    with_id,
)
from truceline.services.field_store import FieldFilter, FieldKind, FieldRecord
from truceline.services.geography import Geography
from truceline.services.incidents import active_actor
from truceline.services.ledger import utc_now
from truceline.services.unit_of_work import UnitOfWork


def road_route(agreement: Agreement) -> str | None:
    """The route a road status is about unless another is named: the agreement's first route
    (the road itself, whose kilometres the corridor is built on)."""
    return agreement.routes[0].id if agreement.routes else None


def _with_defaults(agreement: Agreement, data: Mapping[str, Any]) -> dict[str, Any]:
    """A road status without a route is about the agreement's road."""
    out = dict(data)
    details = out.get("details")
    road = out.get("subkind") == str(Subkind.ROAD_STATUS) and isinstance(details, Mapping)
    if road and isinstance(details, Mapping) and not details.get("route"):
        out["details"] = {**details, "route": road_route(agreement)}
    return out


def _storage_zone(geo: Geography, site: str) -> str | None:
    """The storage-site zone a site names, or None for a site named by its point."""
    for zone in geo.agreement.zones:
        if zone.id == site:
            if zone.kind is not ZoneKind.STORAGE_SITE:
                raise InputError("details.site", f"zone {site!r} is a {zone.kind}, not a site")
            return zone.id
    return None


def _placement(geo: Geography, observation: Observation) -> Placement:
    """Where an observation lies: its location, else its stretch of road or its site's zone."""
    details = observation.details
    if observation.location is not None:
        return place(geo, observation.location)
    if isinstance(details, RoadStatus):
        route = route_of(geo, details.route, "details.route")
        lon, lat = point_at_km(geo, route, (details.from_km + details.to_km) / 2)
        return place_point(geo, lon, lat)
    if isinstance(details, StorageSite):
        zone_id = _storage_zone(geo, details.site)
        if zone_id is None:
            raise InputError("location", "give the site's point, or name a storage-site zone")
        spot = geo.agreement.zone(zone_id).geometry.representative_point()
        return place_point(geo, round(spot.x, 6), round(spot.y, 6))
    raise InputError("location", "give a point (lon, lat) or a km post (km, route)")


def _check_details(geo: Geography, observation: Observation) -> None:
    details = observation.details
    if isinstance(details, RoadStatus):
        route = route_of(geo, details.route, "details.route")
        check_km(geo, route, details.from_km, "details.from_km")
        check_km(geo, route, details.to_km, "details.to_km")
    if isinstance(details, StorageSite):
        _storage_zone(geo, details.site)


def record_observation(
    uow: UnitOfWork,
    actor: Actor,
    signing: Signing,
    geo: Geography,
    data: Mapping[str, Any],
    at: datetime,
    *,
    now: Now = utc_now,
) -> Recorded:
    """Record an observation: `data` as in docs/restrictions-and-observations.md."""
    agreement = geo.agreement
    data = _with_defaults(agreement, with_id(data, new_observation_id))
    with uow:
        actor = active_actor(uow, actor)
        authorize(actor, Action.RECORD_OBSERVATION, actor.party)
        observation = observation_from_dict(data)
        if observation.location is not None:
            located = with_route(geo, observation.location)
            observation = replace(observation, location=located)
        check_when(agreement, observation.observed_at, at, "observed_at")
        _check_details(geo, observation)
        refuse_taken(uow, observation.id)
        placement = _placement(geo, observation)
        event = Event(
            "observation.recorded",
            actor.user_id,
            actor.party,
            at,
            observation.id,
            observation_to_dict(observation),
        )
        recorder = actor

        def doc(number: int, day: date) -> Mapping[str, Any]:
            entry = ObservationEntry(
                observation, placement, number, day, recorder.party, recorder.user_id, at
            )
            return entry_to_doc(entry)

        return record_new(
            uow,
            signing,
            agreement,
            event,
            kind=FieldKind.OBSERVATION,
            when=observation.observed_at,
            zone=placement.zone,
            state=str(observation.subkind),
            doc=doc,
            now=now,
        )


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ObservationQuery:
    """Which observations to list: each criterion given must match."""

    subkind: Subkind | None = None
    zone: str | None = None
    inside_corridor: bool | None = None
    party: str | None = None
    day_from: date | None = None
    day_to: date | None = None


def entry_of(record: FieldRecord) -> ObservationEntry:
    """The observation a stored record holds."""
    return entry_from_doc(record.doc, number=record.number, day=record.day)


def list_observations(
    uow: UnitOfWork, geo: Geography, query: ObservationQuery, *, limit: int | None = None
) -> list[ObservationEntry]:
    """The observations matching `query`, newest first (by day, then id)."""
    if query.zone is not None and query.zone not in {z.id for z in geo.agreement.zones}:
        raise InputError("zone", f"{query.zone!r} is not a zone of the agreement")
    if query.day_from and query.day_to and query.day_to < query.day_from:
        raise InputError("day_to", "is before day_from")
    where = FieldFilter(
        geo.agreement.id,
        FieldKind.OBSERVATION,
        zone=query.zone,
        party=query.party,
        state=None if query.subkind is None else str(query.subkind),
        day_from=query.day_from,
        day_to=query.day_to,
    )
    with uow:
        records = uow.field.find(where, newest_first=True)
    entries = [entry_of(r) for r in records]
    if query.inside_corridor is not None:
        inside = query.inside_corridor
        entries = [e for e in entries if e.placement.inside_corridor is inside]
    return entries if limit is None else entries[:limit]


def get_observation(uow: UnitOfWork, agreement_id: str, observation_id: str) -> ObservationEntry:
    """One observation of the agreement; NotFoundError otherwise."""
    with uow:
        record = uow.field.get(observation_id)
    if (
        record is None
        or record.kind is not FieldKind.OBSERVATION
        or record.agreement_id != agreement_id
    ):
        raise NotFoundError(f"no observation {observation_id!r} in agreement {agreement_id!r}")
    return entry_of(record)


# --- storage sites -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteState:
    """A storage site as last observed: declared against observed weapons, and the difference.

    `zone` is the site's zone when it is one; `observations` how many
    observations of the site are on record.
    """

    site: str
    name: str
    zone: str | None
    latest: ObservationEntry
    declared: Mapping[WeaponType, int]
    observed: Mapping[WeaponType, int]
    discrepancies: Mapping[WeaponType, int]
    observations: int


def storage_sites(
    uow: UnitOfWork, geo: Geography, *, day_to: date | None = None
) -> list[SiteState]:
    """Every storage site observed (up to `day_to`), as its latest observation shows it."""
    query = ObservationQuery(subkind=Subkind.STORAGE_SITE, day_to=day_to)
    latest: dict[str, ObservationEntry] = {}
    seen: dict[str, int] = {}
    for entry in list_observations(uow, geo, query):
        assert isinstance(entry.observation.details, StorageSite)
        site = entry.observation.details.site
        seen[site] = seen.get(site, 0) + 1
        known = latest.get(site)
        if known is None or _order(entry) > _order(known):
            latest[site] = entry
    zones = {z.id: z.name for z in geo.agreement.zones}
    out = []
    for site in sorted(latest):
        entry = latest[site]
        details = entry.observation.details
        assert isinstance(details, StorageSite)
        out.append(
            SiteState(
                site=site,
                name=zones.get(site, site),
                zone=site if site in zones else None,
                latest=entry,
                declared=details.declared,
                observed=details.observed,
                discrepancies=details.discrepancies,
                observations=seen[site],
            )
        )
    return out


def _order(entry: ObservationEntry) -> tuple[datetime, datetime, str]:
    return (entry.observation.observed_at, entry.recorded_at, entry.observation.id)
