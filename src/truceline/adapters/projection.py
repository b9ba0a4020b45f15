"""Projection between WGS 84 and the agreement's metric CRS (pyproj, always_xy)."""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

G = TypeVar("G", bound=BaseGeometry)
FloatArray = npt.NDArray[np.float64]


def utm_epsg(lon: float, lat: float) -> int:
    """The EPSG code of the WGS 84 UTM zone that holds (lon, lat)."""
    zone = min(60, max(1, math.floor((lon + 180.0) / 6.0) + 1))
    return (32600 if lat >= 0 else 32700) + zone


class MetricFrame:
    """Moves coordinates between WGS 84 and one metric projected CRS."""

    def __init__(self, crs: str) -> None:
        self.crs = CRS.from_user_input(crs)
        if not self.crs.is_projected:
            raise ValueError(f"{crs} is not a projected (metric) CRS")
        units = {axis.unit_name for axis in self.crs.axis_info}
        if units - {"metre", "meter"}:
            raise ValueError(f"{crs} measures in {', '.join(sorted(units))}, not metres")
        self._forward = Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        self._inverse = Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)

    @classmethod
    def for_point(cls, lon: float, lat: float) -> MetricFrame:
        """The frame of the UTM zone that holds (lon, lat)."""
        return cls(f"EPSG:{utm_epsg(lon, lat)}")

    @property
    def name(self) -> str:
        """The CRS as an authority string, such as EPSG:32637."""
        authority = self.crs.to_authority()
        return f"{authority[0]}:{authority[1]}" if authority else self.crs.to_string()

    def to_metric(self, geometry: G) -> G:
        """The geometry in metres."""
        return self._apply(geometry, self._forward)

    def to_wgs84(self, geometry: G) -> G:
        """The geometry in longitude/latitude."""
        return self._apply(geometry, self._inverse)

    def xy_to_metric(self, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Arrays of longitude and latitude as arrays of x and y in metres."""
        x, y = self._forward.transform(lon, lat)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def xy_to_wgs84(self, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Arrays of x and y in metres as arrays of longitude and latitude."""
        lon, lat = self._inverse.transform(x, y)
        return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)

    @staticmethod
    def _apply(geometry: G, transformer: Transformer) -> G:
        def move(coords: FloatArray) -> FloatArray:
            x, y = transformer.transform(coords[:, 0], coords[:, 1])
            return np.column_stack([x, y])

        moved = shapely.transform(geometry, move)
        assert isinstance(moved, type(geometry))
        return moved
