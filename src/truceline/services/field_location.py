"""Placing restrictions and observations: a km post becomes a point, a point gets its km post.

A location is stated as a point or as a kilometre post on a route (the
agreement's patrol route by default, else its first route). Both are turned
into a `Placement` here with the agreement's geography: the point, the
kilometre post on the route (the stated one, else the default), the distance
from it, the zones holding the point with the party answering for them, and
whether a security corridor holds it. Distances and posts are computed in
the agreement's metric projection.
"""

from __future__ import annotations

import numpy as np
from shapely.geometry import LineString

from truceline.domain.agreements import Agreement
from truceline.domain.errors import InputError, NotFoundError
from truceline.domain.field_location import Placement, StatedLocation
from truceline.domain.geometry import locate
from truceline.domain.zones import Route, ZoneKind
from truceline.services.geography import Geography

#: How far from a point the nearest gazetteer place may lie to name it, in metres.
NEAR_PLACE_M = 5_000.0


def default_route(agreement: Agreement) -> str | None:
    """The route km posts are counted on unless another is named: the patrol route, else the
    agreement's first route; None when the agreement has no route."""
    ids = [r.id for r in agreement.routes]
    patrol = agreement.mechanism.patrol_route
    if patrol is not None and patrol in ids:
        return patrol
    return ids[0] if ids else None


def route_of(geo: Geography, route_id: str | None, field: str) -> Route:
    """A route of the agreement (the default one for None); InputError naming `field` otherwise."""
    chosen = route_id or default_route(geo.agreement)
    if chosen is None:
        raise InputError(field, "the agreement has no route to count km posts on")
    try:
        return geo.route(chosen)
    except NotFoundError:
        known = ", ".join(r.id for r in geo.agreement.routes)
        raise InputError(field, f"{chosen!r} is not a route of the agreement ({known})") from None


def metric_line(geo: Geography, route: Route) -> LineString:
    """The route's line in the agreement's metric projection."""
    line = geo.frame.to_metric(route.line)
    assert isinstance(line, LineString)
    return line


def km_range(geo: Geography, route: Route) -> tuple[float, float]:
    """The first and last kilometre posts of a route."""
    length = metric_line(geo, route).length / 1000.0
    return route.km_start, round(route.km_start + length, 3)


def check_km(geo: Geography, route: Route, km: float, field: str) -> None:
    """Refuse a km post beyond the route's ends."""
    first, last = km_range(geo, route)
    if not first <= km <= last:
        raise InputError(field, f"{km:g} is off route {route.id} (km {first:g} to {last:g})")


def point_at_km(geo: Geography, route: Route, km: float) -> tuple[float, float]:
    """The (lon, lat) of a kilometre post of a route."""
    line = metric_line(geo, route)
    spot = line.interpolate((km - route.km_start) * 1000.0)
    lon, lat = geo.frame.xy_to_wgs84(np.array([spot.x]), np.array([spot.y]))
    return round(float(lon[0]), 6), round(float(lat[0]), 6)


def with_route(geo: Geography, location: StatedLocation, field: str = "location") -> StatedLocation:
    """The location with its route named (a km post's default route filled in) and checked."""
    if not location.by_km:
        return location
    assert location.km is not None
    route = route_of(geo, location.route, f"{field}.route")
    check_km(geo, route, location.km, f"{field}.km")
    return StatedLocation(route=route.id, km=location.km, place=location.place)


def place(geo: Geography, location: StatedLocation) -> Placement:
    """Where a stated location lies (its route filled in first, see `with_route`)."""
    location = with_route(geo, location)
    if location.by_km:
        assert location.km is not None
        route = route_of(geo, location.route, "location.route")
        lon, lat = point_at_km(geo, route, location.km)
        return place_point(geo, lon, lat, location.place, route=route, km=location.km)
    assert location.lon is not None
    assert location.lat is not None
    return place_point(geo, location.lon, location.lat, location.place)


def place_point(
    geo: Geography,
    lon: float,
    lat: float,
    name: str = "",
    *,
    route: Route | None = None,
    km: float | None = None,
) -> Placement:
    """Where a point lies; `route` and `km` when it is a known post of that route."""
    [classified] = geo.classify([(lon, lat)])
    kinds = {z.id: z.kind for z in geo.agreement.zones}
    parties = set(classified.responsible)
    chosen = route or _default(geo)
    offset: float | None = None
    if chosen is not None:
        line = metric_line(geo, chosen)
        x, y = geo.frame.xy_to_metric(np.array([lon]), np.array([lat]))
        if np.isfinite(x[0]) and np.isfinite(y[0]):
            found = locate(line, float(x[0]), float(y[0]), chosen.km_start)
            offset = round(found.offset_m, 1)
            km = round(found.km, 3) if km is None else km
    if not name:
        nearest = geo.nearest_places(lon, lat, limit=1)
        if nearest and nearest[0].distance_m <= NEAR_PLACE_M:
            name = nearest[0].place.name
    return Placement(
        lon=lon,
        lat=lat,
        route=None if chosen is None else chosen.id,
        km=km,
        offset_m=offset,
        zones=classified.zones,
        responsible_party=parties.pop() if len(parties) == 1 else None,
        inside_corridor=any(kinds.get(z) is ZoneKind.SECURITY_CORRIDOR for z in classified.zones),
        place=name,
    )


def _default(geo: Geography) -> Route | None:
    chosen = default_route(geo.agreement)
    return None if chosen is None else geo.route(chosen)
