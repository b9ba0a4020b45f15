"""Patrol tracks from files: GPX (from a GPS receiver) and GeoJSON, as track points.

``parse_track`` reads the file's bytes and returns its points in order,
longitude first, each with its time when the file gives one. A GPX file
gives its track points (``trkpt``); a file without any gives its route
points (``rtept``), and one without those its waypoints (``wpt``). A GeoJSON
file gives the positions of its LineString, MultiLineString, MultiPoint and
Point geometries (bare, in a Feature, or in a FeatureCollection, in order);
the times come from the feature's ``times`` property (one per position,
nested like the positions for a MultiLineString, or flat), also spelled
``coordTimes``, or from ``time`` for a single Point. Times without a UTC
offset are read as UTC, as GPX says they are.

Every problem raises ``InputError(filename, reason)``: not XML or JSON, no
points, a coordinate out of range, a bad time, or too big (more than 5 MB,
or more than 100,000 points).
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from truceline.domain.errors import InputError
from truceline.domain.patrols import MAX_TRACK_POINTS, TrackPoint

MAX_BYTES = 5 * 1024 * 1024
MAX_POINTS = MAX_TRACK_POINTS
GPX_SUFFIXES = (".gpx",)
GEOJSON_SUFFIXES = (".geojson", ".json")
_DECLARATIONS = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class _Problem(Exception):
    """A problem with the file's content, before the file's name is put on it."""


def parse_track(content: bytes, filename: str) -> list[TrackPoint]:
    """The track points of a GPX or GeoJSON file; InputError(filename, reason) otherwise."""
    suffix = PurePath(filename).suffix.lower()
    try:
        if len(content) > MAX_BYTES:
            raise _Problem(f"the file is {len(content):,} bytes; at most {MAX_BYTES:,} (5 MB)")
        if suffix in GPX_SUFFIXES:
            points = _gpx(content)
        elif suffix in GEOJSON_SUFFIXES:
            points = _geojson(content)
        else:
            raise _Problem("give a .gpx, .geojson or .json file")
        if not points:
            raise _Problem("the file holds no track points")
        return points
    except _Problem as problem:
        raise InputError(filename, str(problem)) from None


def _coordinate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(value)
    return float(value)


def _point(lon: object, lat: object, at: datetime | None, index: int) -> TrackPoint:
    try:
        x, y = _coordinate(lon), _coordinate(lat)
    except ValueError:
        raise _Problem(f"point {index + 1}: {lon!r}, {lat!r} is not a position") from None
    if not (math.isfinite(x) and -180 <= x <= 180):
        raise _Problem(f"point {index + 1}: {lon} is not a longitude (-180 to 180)")
    if not (math.isfinite(y) and -90 <= y <= 90):
        raise _Problem(f"point {index + 1}: {lat} is not a latitude (-90 to 90)")
    return TrackPoint(x, y, at)


def _time(value: object, index: int) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Problem(f"point {index + 1}: {value!r} is not a time")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _Problem(f"point {index + 1}: {value!r} is not an ISO 8601 time") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _too_many(count: int) -> None:
    if count > MAX_POINTS:
        raise _Problem(f"more than {MAX_POINTS:,} points")


# --- GPX ---------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _gpx(content: bytes) -> list[TrackPoint]:
    if _DECLARATIONS.search(content):
        raise _Problem("a GPX file has no DOCTYPE or ENTITY declarations")
    try:
        root = ET.fromstring(content)
    except ET.ParseError as error:
        raise _Problem(f"not XML: {error}") from None
    if _local(root.tag) != "gpx":
        raise _Problem(f"not a GPX file: its root element is <{_local(root.tag)}>, not <gpx>")
    kinds: dict[str, list[ET.Element]] = {"trkpt": [], "rtept": [], "wpt": []}
    for element in root.iter():
        name = _local(element.tag)
        if name in kinds:
            kinds[name].append(element)
            _too_many(len(kinds[name]))
    chosen = kinds["trkpt"] or kinds["rtept"] or kinds["wpt"]
    points = []
    for index, element in enumerate(chosen):
        when = next((c.text for c in element if _local(c.tag) == "time"), None)
        points.append(_point(element.get("lon"), element.get("lat"), _time(when, index), index))
    return points


# --- GeoJSON -----------------------------------------------------------------------------


def _geojson(content: bytes) -> list[TrackPoint]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _Problem("not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise _Problem(f"not JSON: {error}") from None
    points: list[TrackPoint] = []
    for position, at in _positions(data):
        points.append(_point(position[0], position[1], _time(at, len(points)), len(points)))
        _too_many(len(points))
    return points


Position = Sequence[Any]


def _positions(data: object) -> Iterator[tuple[Position, object]]:
    if not isinstance(data, Mapping):
        raise _Problem("not GeoJSON: the file holds no object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise _Problem("a FeatureCollection needs a list of features")
        for index, feature in enumerate(features):
            yield from _feature(feature, f"feature {index + 1}")
    elif kind == "Feature":
        yield from _feature(data, "the feature")
    else:
        yield from _geometry(data, {}, "the geometry")


def _feature(feature: object, where: str) -> Iterator[tuple[Position, object]]:
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise _Problem(f"{where} is not a GeoJSON Feature")
    geometry = feature.get("geometry")
    if geometry is None:
        return
    properties = feature.get("properties")
    yield from _geometry(geometry, properties if isinstance(properties, Mapping) else {}, where)


def _geometry(
    geometry: object, properties: Mapping[str, Any], where: str
) -> Iterator[tuple[Position, object]]:
    if not isinstance(geometry, Mapping):
        raise _Problem(f"{where}: not a GeoJSON geometry")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    times = properties.get("times", properties.get("coordTimes"))
    if kind == "Point":
        single = properties.get("time")
        if single is None and isinstance(times, list) and times:
            single = times[0]
        yield _position(coordinates, where), single
    elif kind in ("LineString", "MultiPoint"):
        yield from _run(coordinates, times, where)
    elif kind == "MultiLineString":
        lines = _list(coordinates, where)
        nested = isinstance(times, list) and all(isinstance(t, list) for t in times)
        flat = iter(times) if isinstance(times, list) and not nested else None
        for index, line in enumerate(lines):
            these = times[index] if nested and isinstance(times, list) else None
            if flat is not None:
                these = [next(flat, None) for _ in _list(line, where)]
            yield from _run(line, these, where)
    else:
        raise _Problem(
            f"{where}: a {kind} is not a track "
            "(give LineString, MultiLineString, MultiPoint or Point)"
        )


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Problem(f"{where}: the coordinates are not a list")
    return value


def _position(value: object, where: str) -> Position:
    if not isinstance(value, list) or len(value) < 2:
        raise _Problem(f"{where}: {value!r} is not a position [longitude, latitude]")
    return value


def _run(coordinates: object, times: object, where: str) -> Iterator[tuple[Position, object]]:
    positions = _list(coordinates, where)
    if times is not None and (not isinstance(times, list) or len(times) != len(positions)):
        raise _Problem(f"{where}: give one time per position, or none")
    for index, position in enumerate(positions):
        yield _position(position, where), None if times is None else times[index]
