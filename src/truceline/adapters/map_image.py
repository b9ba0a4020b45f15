"""A static map of an agreement's area as a PNG, drawn with matplotlib: for bulletins and PDFs.

The web pages draw their maps in the browser with Leaflet; a bulletin must
carry its map inside the page (a PDF fetches nothing), so it gets this
server-side drawing of the same layers: the zones filled in their colours,
the routes, the towns they pass and points coloured by a status. The output
is the same for the same input (no date or software name is written), so the
same data gives the same bulletin.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from shapely.geometry import LineString, MultiPolygon, Polygon

#: Colours of verification statuses, as on the web pages.
STATUS_COLOURS: Mapping[str, str] = {
    "pending": "#6b7280",
    "verified": "#15803d",
    "disputed": "#c2410c",
    "unverifiable": "#7c3aed",
    "rejected": "#111827",
}


@dataclass(frozen=True, slots=True)
class MapZone:
    """A zone to fill: its polygon (lon/lat), colour and name."""

    geometry: Polygon | MultiPolygon
    colour: str
    name: str


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A point to mark (lon/lat) and its status, which gives its colour."""

    lon: float
    lat: float
    status: str


@dataclass(frozen=True, slots=True)
class MapLabel:
    """A place's name written at its point (lon/lat)."""

    lon: float
    lat: float
    text: str


def _polygons(geometry: Polygon | MultiPolygon) -> list[Polygon]:
    return list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]


def area_map_png(
    zones: Sequence[MapZone],
    routes: Sequence[LineString],
    points: Sequence[MapPoint],
    *,
    labels: Sequence[MapLabel] = (),
    title: str = "",
    dpi: int = 150,
) -> bytes:
    """The same map as a PNG image (for PDFs, where it is carried as one picture)."""
    figure = _figure(zones, routes, points, labels, title)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _figure(
    zones: Sequence[MapZone],
    routes: Sequence[LineString],
    points: Sequence[MapPoint],
    labels: Sequence[MapLabel],
    title: str,
    width_in: float = 7.0,
    height_in: float = 3.6,
) -> Figure:
    figure = Figure(figsize=(width_in, height_in), dpi=96)
    axes = figure.add_subplot()
    for zone in zones:
        for polygon in _polygons(zone.geometry):
            x, y = polygon.exterior.xy
            axes.fill(x, y, color=zone.colour or "#9ca3af", alpha=0.22, linewidth=0.6)
            axes.plot(x, y, color=zone.colour or "#9ca3af", linewidth=0.6)
    for route in routes:
        x, y = route.xy
        axes.plot(x, y, color="#1f2937", linewidth=1.4)
    for place in labels:
        axes.plot([place.lon], [place.lat], marker="s", markersize=2.5, color="#1f2937")
        axes.annotate(
            place.text,
            (place.lon, place.lat),
            xytext=(2, 3),
            textcoords="offset points",
            fontsize=6,
            color="#1f2937",
        )
    seen: set[str] = set()
    for point in points:
        colour = STATUS_COLOURS.get(point.status, "#2563eb")
        label = point.status if point.status not in seen else None
        seen.add(point.status)
        axes.scatter(
            [point.lon],
            [point.lat],
            s=22,
            color=colour,
            edgecolors="white",
            linewidths=0.6,
            label=label,
            zorder=3,
        )
    if seen:
        axes.legend(loc="lower left", fontsize=7, frameon=True, title="Incidents", title_fontsize=7)
    axes.set_aspect(1.0 / 0.81)  # ~cos(36°): degrees of longitude are shorter there
    axes.tick_params(labelsize=6)
    axes.set_xlabel("longitude", fontsize=7)
    axes.set_ylabel("latitude", fontsize=7)
    if title:
        axes.set_title(title, fontsize=8)
    figure.tight_layout()
    return figure
