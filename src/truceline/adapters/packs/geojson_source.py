"""GeoJSON FeatureCollections of a pack, checked feature by feature (RFC 7946, lon/lat)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import shapely.geometry
from shapely.geometry.base import BaseGeometry

from truceline.domain.errors import Problem
from truceline.domain.geometry import invalid_reason


@dataclass(frozen=True)
class Feature:
    """One checked feature: its id, geometry, properties and position in the file."""

    id: str
    geometry: BaseGeometry
    properties: dict[str, Any]
    index: int
    file: str


def read_feature_collection(
    text: str, file: str, allowed: tuple[str, ...]
) -> tuple[dict[str, Feature], list[Problem]]:
    """Features by id; every problem names the feature by index and id."""
    problems: list[Problem] = []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return {}, [Problem(file, f"line {err.lineno}", f"not valid JSON: {err.msg}")]
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return {}, [Problem(file, "", "must be a GeoJSON FeatureCollection")]
    raw_features = data.get("features")
    if not isinstance(raw_features, list):
        return {}, [Problem(file, "", "'features' must be a list")]
    features: dict[str, Feature] = {}
    for index, raw in enumerate(raw_features):
        feature, feature_problems = _read_feature(raw, index, file, allowed)
        problems.extend(feature_problems)
        if feature is None:
            continue
        if feature.id in features:
            where = f"feature {index} (id {feature.id})"
            problems.append(Problem(file, where, "duplicate feature id"))
            continue
        features[feature.id] = feature
    return features, problems


def _read_feature(
    raw: object, index: int, file: str, allowed: tuple[str, ...]
) -> tuple[Feature | None, list[Problem]]:
    where = f"feature {index}"
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        return None, [Problem(file, where, "not a GeoJSON Feature")]
    properties = raw.get("properties") or {}
    if not isinstance(properties, dict):
        return None, [Problem(file, where, "'properties' must be an object")]
    fid = raw.get("id", properties.get("id"))
    if not isinstance(fid, str) or not fid:
        return None, [Problem(file, where, "the feature needs a string 'id'")]
    where = f"feature {index} (id {fid})"
    geometry = raw.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in allowed:
        kinds = " or ".join(allowed)
        return None, [Problem(file, where, f"the geometry must be a {kinds}")]
    bad = _bad_coordinate(geometry.get("coordinates"))
    if bad:
        return None, [Problem(file, where, bad)]
    try:
        shape = shapely.geometry.shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as err:
        return None, [Problem(file, where, f"the geometry cannot be read: {err}")]
    reason = invalid_reason(shape)
    if reason:
        return None, [Problem(file, where, reason)]
    return Feature(id=fid, geometry=shape, properties=properties, index=index, file=file), []


def _bad_coordinate(coordinates: object) -> str | None:
    """Why the nested coordinate arrays are not WGS 84 lon/lat positions, or None."""
    if isinstance(coordinates, list) and coordinates and not isinstance(coordinates[0], list):
        if len(coordinates) < 2 or not all(
            isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates
        ):
            return f"a position must be [longitude, latitude], got {coordinates!r}"
        lon, lat = coordinates[0], coordinates[1]
        if not -180 <= lon <= 180 or not -90 <= lat <= 90:
            return f"position {coordinates!r} is not a WGS 84 longitude/latitude"
        return None
    if not isinstance(coordinates, list) or not coordinates:
        return "the geometry has no coordinates"
    for part in coordinates:
        reason = _bad_coordinate(part)
        if reason:
            return reason
    return None
