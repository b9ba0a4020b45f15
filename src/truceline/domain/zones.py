"""Zones and routes: the agreement's geometry, held in WGS 84 longitude/latitude."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shapely.geometry import LineString, MultiPolygon, Polygon


class ZoneKind(StrEnum):
    """What a zone is for."""

    SECURITY_CORRIDOR = "security_corridor"
    ZONE_OF_RESPONSIBILITY = "zone_of_responsibility"
    DEMILITARIZED_ZONE = "demilitarized_zone"
    DE_ESCALATION_AREA = "de_escalation_area"
    CONTACT_LINE_BUFFER = "contact_line_buffer"
    STORAGE_SITE = "storage_site"
    OTHER = "other"


class Side(StrEnum):
    """A side of a route: relative to its direction, or by compass."""

    LEFT = "left"
    RIGHT = "right"
    NORTH = "north"
    SOUTH = "south"
    EAST = "east"
    WEST = "west"


@dataclass(frozen=True, slots=True)
class RouteVertex:
    """Where one vertex of a route comes from."""

    name: str
    source: str


@dataclass(frozen=True, slots=True)
class Route:
    """A line with kilometre posts, such as a highway or a patrol route.

    Kilometres are counted from the first vertex, starting at `km_start`.
    """

    id: str
    name: str
    line: LineString
    vertices: tuple[RouteVertex, ...]
    accuracy_m: float
    accuracy_note: str
    km_start: float = 0.0
    km_step: float = 1.0
    end_note: str = ""


@dataclass(frozen=True, slots=True)
class CorridorSpec:
    """How a derived zone was built: the band of `width_km` on one side of a route."""

    route: str
    width_km: float
    side: Side


@dataclass(frozen=True, slots=True)
class Zone:
    """A polygon with a kind and, where the agreement says so, a responsible party."""

    id: str
    name: str
    kind: ZoneKind
    geometry: Polygon | MultiPolygon
    responsible_party: str | None
    derivation: CorridorSpec | None = None
    colour: str = ""
