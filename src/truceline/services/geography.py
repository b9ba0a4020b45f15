"""Read-side geography of one agreement: projection, classifier, gazetteer, km posts."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from truceline.adapters.classifier import Classification, ZoneClassifier
from truceline.adapters.gazetteer import NearbyPlace, PlaceIndex, PlaceMatch
from truceline.adapters.projection import MetricFrame
from truceline.domain.agreements import Agreement
from truceline.domain.errors import InputError, NotFoundError
from truceline.domain.geometry import kilometre_posts
from truceline.domain.zones import Route

FloatArray = npt.NDArray[np.float64]
MAX_BATCH = 100_000


@dataclass(frozen=True, slots=True)
class ClassifiedPoint:
    """Where one point lies: its zones, who answers for them, and where it is along the route."""

    lon: float
    lat: float
    zones: tuple[str, ...]
    responsible: tuple[str, ...]
    km: float | None
    offset_m: float | None
    side: str | None


@dataclass(frozen=True, slots=True)
class KmPostPoint:
    """A kilometre post in longitude/latitude."""

    km: float
    lon: float
    lat: float


class Geography:
    """Everything computed once from an agreement's geometry and reused for each request."""

    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        self.frame = MetricFrame(agreement.crs)
        self.reference_route: Route | None = agreement.routes[0] if agreement.routes else None
        self.classifier = ZoneClassifier(self.frame, agreement.zones, self.reference_route)
        self.places = PlaceIndex(agreement.places)

    def route(self, route_id: str) -> Route:
        """One route of the agreement; NotFoundError otherwise."""
        try:
            return self.agreement.route(route_id)
        except KeyError:
            raise NotFoundError(
                f"no route {route_id!r} in agreement {self.agreement.id!r}"
            ) from None

    def km_posts(self, route: Route) -> list[KmPostPoint]:
        """The route's kilometre posts in longitude/latitude."""
        posts = kilometre_posts(self.frame.to_metric(route.line), route.km_start, route.km_step)
        x = np.array([p.x for p in posts], dtype=np.float64)
        y = np.array([p.y for p in posts], dtype=np.float64)
        lon, lat = self.frame.xy_to_wgs84(x, y)
        return [
            KmPostPoint(p.km, float(a), float(b)) for p, a, b in zip(posts, lon, lat, strict=True)
        ]

    def classify_arrays(self, lon: FloatArray, lat: FloatArray) -> Classification:
        """Classify arrays of points (any number) with the vectorized classifier."""
        return self.classifier.classify(lon, lat)

    def classify(self, points: list[tuple[float, float]]) -> list[ClassifiedPoint]:
        """Classify a batch of (lon, lat) points; InputError names the first bad one."""
        if len(points) > MAX_BATCH:
            raise InputError("points", f"at most {MAX_BATCH} points per request, got {len(points)}")
        for index, (lon, lat) in enumerate(points):
            if not (math.isfinite(lon) and -180 <= lon <= 180):
                raise InputError(f"points[{index}].lon", f"{lon} is not a longitude")
            if not (math.isfinite(lat) and -90 <= lat <= 90):
                raise InputError(f"points[{index}].lat", f"{lat} is not a latitude")
        lon_a = np.array([p[0] for p in points], dtype=np.float64)
        lat_a = np.array([p[1] for p in points], dtype=np.float64)
        return rows(self, lon_a, lat_a, self.classify_arrays(lon_a, lat_a))

    def search_places(self, query: str, limit: int = 10) -> list[PlaceMatch]:
        """Places whose name or a variant matches `query`."""
        if not query.strip():
            raise InputError("q", "give a name to search for")
        return self.places.search(query, limit=limit)

    def nearest_places(self, lon: float, lat: float, limit: int = 5) -> list[NearbyPlace]:
        """The places nearest to a point."""
        if not (-180 <= lon <= 180):
            raise InputError("lon", f"{lon} is not a longitude")
        if not (-90 <= lat <= 90):
            raise InputError("lat", f"{lat} is not a latitude")
        return self.places.nearest(lon, lat, limit=limit)


def compass_sides(
    geo: Geography, lon: FloatArray, lat: FloatArray, km: FloatArray
) -> list[str | None]:
    """North/south (or east/west where the road runs north-south) of the route, per point."""
    route = geo.reference_route
    if route is None:
        return [None] * len(lon)
    line = geo.frame.to_metric(route.line)
    x, y = geo.frame.xy_to_metric(lon, lat)
    known = np.isfinite(km) & np.isfinite(x) & np.isfinite(y)
    along = np.clip(
        (np.where(known, km, route.km_start) - route.km_start) * 1000.0, 0.0, line.length
    )
    nearest = shapely.line_interpolate_point(line, along)
    nx, ny = shapely.get_x(nearest), shapely.get_y(nearest)
    dx, dy = np.where(known, x - nx, 0.0), np.where(known, y - ny, 0.0)
    out: list[str | None] = []
    for a, b, ok in zip(dx, dy, known, strict=True):
        if not ok:
            out.append(None)
        elif a == 0 and b == 0:
            out.append("on the route")
        elif abs(b) >= abs(a):
            out.append("north" if b > 0 else "south")
        else:
            out.append("east" if a > 0 else "west")
    return out


def rows(
    geo: Geography, lon: FloatArray, lat: FloatArray, result: Classification
) -> list[ClassifiedPoint]:
    """Classification arrays as one record per point."""
    has_route = geo.reference_route is not None
    sides = compass_sides(geo, lon, lat, result.km) if has_route else [None] * len(lon)
    out: list[ClassifiedPoint] = []
    for i in range(len(lon)):
        members = np.flatnonzero(result.inside[i])
        out.append(
            ClassifiedPoint(
                lon=float(lon[i]),
                lat=float(lat[i]),
                zones=tuple(result.zone_ids[j] for j in members),
                responsible=tuple(r for j in members if (r := result.responsible[j]) is not None),
                km=finite_or_none(result.km[i], 3) if has_route else None,
                offset_m=finite_or_none(result.offset_m[i], 1) if has_route else None,
                side=sides[i],
            )
        )
    return out


def finite_or_none(value: float, digits: int) -> float | None:
    """A rounded number, or None where it could not be computed (NaN)."""
    return round(float(value), digits) if math.isfinite(value) else None
