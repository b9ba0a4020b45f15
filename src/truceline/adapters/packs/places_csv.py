"""The gazetteer CSV of a pack, checked line by line."""

from __future__ import annotations

import csv
import io
import math
import re

from truceline.domain.errors import Problem
from truceline.domain.places import Place

COLUMNS = ("id", "name", "alt_names", "lat", "lon", "admin1", "admin2", "source", "provenance")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def read_places(text: str, file: str) -> tuple[list[Place], list[Problem]]:
    """Places of the CSV; every problem names its line."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in COLUMNS if c not in header]
    extra = [c for c in header if c not in COLUMNS]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if extra:
            parts.append(f"unknown column(s) {', '.join(extra)}")
        return [], [Problem(file, "line 1", "; ".join(parts))]
    places: list[Place] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        where = f"line {line}"
        if None in row or any(v is None for v in row.values()):
            problems.append(Problem(file, where, f"expected {len(COLUMNS)} fields"))
            continue
        place, reason = _place(row)
        if place is None:
            problems.append(Problem(file, where, reason))
            continue
        if place.id in seen:
            problems.append(
                Problem(file, where, f"id {place.id!r} already used on line {seen[place.id]}")
            )
            continue
        seen[place.id] = line
        places.append(place)
    return places, problems


def _place(row: dict[str, str]) -> tuple[Place | None, str]:
    pid = row["id"].strip()
    if not _ID.match(pid):
        return None, f"id: {pid!r} must be lower-case letters, digits, '-' or '_'"
    name = row["name"].strip()
    if not name:
        return None, "name: must not be empty"
    lat_text, lon_text = row["lat"].strip(), row["lon"].strip()
    if bool(lat_text) != bool(lon_text):
        return None, "lat/lon: give both or neither"
    lat = lon = None
    if lat_text:
        try:
            lat, lon = float(lat_text), float(lon_text)
        except ValueError:
            return None, f"lat/lon: not numbers ({lat_text!r}, {lon_text!r})"
        if not (math.isfinite(lat) and -90 <= lat <= 90):
            return None, f"lat: {lat_text} is outside -90..90"
        if not (math.isfinite(lon) and -180 <= lon <= 180):
            return None, f"lon: {lon_text} is outside -180..180"
    source = row["source"].strip()
    if not source:
        return None, "source: every place needs its source"
    alt = tuple(a.strip() for a in row["alt_names"].split(";") if a.strip())
    return (
        Place(
            id=pid,
            name=name,
            alt_names=alt,
            lat=lat,
            lon=lon,
            admin1=row["admin1"].strip(),
            admin2=row["admin2"].strip(),
            source=source,
            provenance=row["provenance"].strip(),
        ),
        "",
    )
