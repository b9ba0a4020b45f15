"""A patrol on the map: its planned segment of the route, and how far its track kept to it.

Everything is measured in the agreement's metric frame (``adapters.projection``)
and handed back in WGS 84 longitude/latitude. The deviation of a track is the
distance of each of its points from the planned segment; the route's own
accuracy (``accuracy_m`` in the pack: how far the drawn line may be from the
real road) is the tolerance within which a point counts as on the route.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.ops import substring

from truceline.adapters.projection import MetricFrame
from truceline.domain.agreements import Agreement
from truceline.domain.errors import InputError
from truceline.domain.patrols import Patrol
from truceline.domain.zones import Route
from truceline.services.geography import Geography


def route_of(agreement: Agreement, route_id: str) -> Route:
    """The route of the agreement; InputError("route") when it has no such route."""
    try:
        return agreement.route(route_id)
    except KeyError:
        raise InputError("route", f"the agreement has no route {route_id!r}") from None


def km_range(frame: MetricFrame, route: Route) -> tuple[float, float]:
    """The route's first and last km post (its start, and its start plus its length)."""
    length_km = frame.to_metric(route.line).length / 1000.0
    return route.km_start, round(route.km_start + length_km, 3)


def agreement_km_range(agreement: Agreement, route_id: str) -> tuple[float, float]:
    """The first and last km post of one of the agreement's routes."""
    return km_range(MetricFrame(agreement.crs), route_of(agreement, route_id))


def _metric_segment(geography: Geography, route: Route, from_km: float, to_km: float) -> LineString:
    line = geography.frame.to_metric(route.line)
    start = (from_km - route.km_start) * 1000.0
    stop = (to_km - route.km_start) * 1000.0
    part = substring(line, start, stop)
    if not isinstance(part, LineString):  # a point: the two km posts are the same
        raise InputError("to_km", "the segment has no length: give two km posts")
    return part


def planned_segment(
    geography: Geography, route_id: str, from_km: float, to_km: float
) -> LineString:
    """The part of the route from one km post to the other, in that direction (WGS 84)."""
    route = geography.route(route_id)
    return geography.frame.to_wgs84(_metric_segment(geography, route, from_km, to_km))


@dataclass(frozen=True)
class Deviation:
    """How far a patrol's track kept to its planned segment.

    `max_m` and `mean_m` are the largest and the average distance of the
    track's points from the segment, in metres; `share_within` the share of
    points (0 to 1) no further from it than `tolerance_m`, the route's
    accuracy. `km_reached` is the furthest km post, in the direction of
    travel, that a point within the tolerance of the route lies at (None when
    no point is that close).
    """

    max_m: float
    mean_m: float
    share_within: float
    tolerance_m: float
    km_reached: float | None


def deviation(geography: Geography, patrol: Patrol) -> Deviation | None:
    """The deviation of the patrol's track from its planned segment; None without a track."""
    if not patrol.track:
        return None
    route = geography.route(patrol.route)
    line = geography.frame.to_metric(route.line)
    segment = _metric_segment(geography, route, patrol.from_km, patrol.to_km)
    lon = np.array([p.lon for p in patrol.track], dtype=np.float64)
    lat = np.array([p.lat for p in patrol.track], dtype=np.float64)
    x, y = geography.frame.xy_to_metric(lon, lat)
    points = shapely.points(x, y)
    off_segment = shapely.distance(segment, points)
    tolerance = float(route.accuracy_m)
    near_route = shapely.distance(line, points) <= tolerance
    km_reached: float | None = None
    if near_route.any():
        km = route.km_start + shapely.line_locate_point(line, points[near_route]) / 1000.0
        furthest = km.max() if patrol.direction > 0 else km.min()
        km_reached = round(float(furthest), 3)
    return Deviation(
        max_m=round(float(off_segment.max()), 1),
        mean_m=round(float(off_segment.mean()), 1),
        share_within=round(float((off_segment <= tolerance).mean()), 4),
        tolerance_m=tolerance,
        km_reached=km_reached,
    )
