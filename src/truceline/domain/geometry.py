"""Planar geometry in a metric projection: corridors, kilometre posts, validity.

Every function here takes and returns coordinates in metres of a projected CRS;
projecting to and from WGS 84 is the job of the projection adapter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from truceline.domain.errors import GeometryError
from truceline.domain.zones import Side


def invalid_reason(geometry: BaseGeometry) -> str | None:
    """Why a geometry is unusable as a zone or route, or None when it is fine."""
    if geometry.is_empty:
        return "the geometry is empty"
    if not shapely.is_valid(geometry):
        return f"invalid geometry: {shapely.is_valid_reason(geometry)}"
    if isinstance(geometry, Polygon | MultiPolygon) and geometry.area <= 0:
        return "the polygon has no area"
    if isinstance(geometry, LineString) and geometry.length <= 0:
        return "the line has no length"
    return None


def corridor_half(line: LineString, width_m: float, side: Side) -> Polygon | MultiPolygon:
    """The band `width_m` deep on one side of `line`, ends cut square.

    LEFT and RIGHT are relative to the line's direction; NORTH, SOUTH, EAST
    and WEST pick whichever of the two bands lies further that way.
    """
    if width_m <= 0:
        raise GeometryError(f"corridor width must be positive, got {width_m} m")
    if line.length <= 0:
        raise GeometryError("a corridor needs a route of positive length")
    left = _single_sided(line, width_m)
    right = _single_sided(line, -width_m)
    if side is Side.LEFT:
        return left
    if side is Side.RIGHT:
        return right
    lc, rc = left.centroid, right.centroid
    if side is Side.NORTH:
        return left if lc.y > rc.y else right
    if side is Side.SOUTH:
        return left if lc.y < rc.y else right
    if side is Side.EAST:
        return left if lc.x > rc.x else right
    return left if lc.x < rc.x else right


def _single_sided(line: LineString, distance: float) -> Polygon | MultiPolygon:
    band = line.buffer(distance, quad_segs=16, single_sided=True, join_style="round")
    if not band.is_valid:
        band = shapely.make_valid(band)
    # Keep every piece: a tight bend can leave a band in parts, and none may be dropped.
    parts = [g for g in getattr(band, "geoms", [band]) if isinstance(g, Polygon) and g.area > 0]
    if not parts:
        raise GeometryError("the corridor band could not be built from the route")
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


@dataclass(frozen=True, slots=True)
class KmPost:
    """A kilometre post: its chainage and its point, in metres."""

    km: float
    x: float
    y: float


def kilometre_posts(line: LineString, km_start: float = 0.0, step_km: float = 1.0) -> list[KmPost]:
    """Posts every `step_km` along the line, labelled from `km_start`, plus the end."""
    if step_km <= 0:
        raise GeometryError(f"kilometre step must be positive, got {step_km}")
    length_km = line.length / 1000.0
    first = math.ceil(km_start / step_km) * step_km
    posts: list[KmPost] = []
    k = 0
    while True:
        km = first + k * step_km
        along_km = km - km_start
        if along_km > length_km + 1e-9:
            break
        point = line.interpolate(along_km * 1000.0)
        posts.append(KmPost(km=round(km, 3), x=point.x, y=point.y))
        k += 1
    end = line.interpolate(line.length)
    end_km = round(km_start + length_km, 3)
    if not posts or posts[-1].km < end_km:
        posts.append(KmPost(km=end_km, x=end.x, y=end.y))
    return posts


@dataclass(frozen=True, slots=True)
class LinearReference:
    """Where a point lies relative to a route: chainage, offset and side."""

    km: float
    offset_m: float
    side: Side


def locate(line: LineString, x: float, y: float, km_start: float = 0.0) -> LinearReference:
    """The kilometre post of the nearest point of the route, the distance to it, and the side."""
    point = Point(x, y)
    along = line.project(point)
    offset = line.distance(point)
    return LinearReference(
        km=km_start + along / 1000.0,
        offset_m=offset,
        side=side_of(line, along, x, y),
    )


def side_of(line: LineString, along: float, x: float, y: float) -> Side:
    """LEFT or RIGHT of the route's direction at chainage `along` (metres)."""
    step = min(1.0, line.length / 2)
    a = line.interpolate(max(0.0, along - step))
    b = line.interpolate(min(line.length, along + step))
    cross = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x)
    return Side.LEFT if cross > 0 else Side.RIGHT
