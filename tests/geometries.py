"""Shared fixture geometries and known points, used through pytest.mark.parametrize."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely.geometry import LineString, Polygon

from truceline.adapters.projection import MetricFrame

#: The metric frame of the example (UTM zone 37N).
FRAME = MetricFrame("EPSG:32637")

#: A straight route 20 km long running due east, in metres of FRAME.
EASTWARD_M = LineString([(300_000.0, 3_960_000.0), (320_000.0, 3_960_000.0)])

#: The same route drawn westward: left and right swap, north and south don't.
WESTWARD_M = LineString(list(reversed(EASTWARD_M.coords)))

#: An L-shaped route: 10 km east, then 10 km north.
ELBOW_M = LineString([(300_000.0, 3_960_000.0), (310_000.0, 3_960_000.0), (310_000.0, 3_970_000.0)])

#: A self-intersecting "bow tie" polygon in lon/lat: not a valid zone.
BOW_TIE = Polygon([(36.5, 35.7), (36.7, 35.9), (36.7, 35.7), (36.5, 35.9), (36.5, 35.7)])

#: Ariha, a vertex of the example's M4 route (lon, lat).
ARIHA = (36.600, 35.817)


@dataclass(frozen=True)
class KnownPoint:
    """A point whose zone in the example agreement is known."""

    name: str
    lon: float
    lat: float
    zone: str | None
    responsible: str | None


def _offset_from_ariha(metres_north: float) -> tuple[float, float]:
    """A point straight north (positive) or south (negative) of Ariha, across the road."""
    x, y = FRAME.xy_to_metric(np.array([ARIHA[0]]), np.array([ARIHA[1]]))
    lon, lat = FRAME.xy_to_wgs84(x, y + metres_north)
    return float(lon[0]), float(lat[0])


def known_points() -> list[KnownPoint]:
    """Points near Ariha north and south of the M4, and points outside the corridor."""
    north = _offset_from_ariha(2_000)
    south = _offset_from_ariha(-2_000)
    far_north = _offset_from_ariha(10_000)
    far_south = _offset_from_ariha(-10_000)
    return [
        KnownPoint("2 km north of the road at Ariha", *north, "corridor-north", "tr"),
        KnownPoint("2 km south of the road at Ariha", *south, "corridor-south", "ru"),
        KnownPoint("10 km north of the road at Ariha", *far_north, None, None),
        KnownPoint("10 km south of the road at Ariha", *far_south, None, None),
    ]
