"""The patrol forms read into the data the patrol services take.

Only translation happens here: text to numbers, lines to lists. Every rule
(km posts on the route, checkpoints inside the segment, reasons given...)
is the services' and the domain's, which name the field they refuse.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from truceline.domain.errors import InputError
from truceline.domain.patrols import TrackPoint
from truceline.entrypoints.web.incident_forms import Fields

#: Points a form may enter by hand (a file may carry more).
MAX_ENTERED_POINTS = 2000


def _float(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(name, f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(name, f"{text!r} is not a number")
    return value


def km_list(text: str, name: str) -> list[float]:
    """Km posts separated by commas or spaces: "4, 8, 12"."""
    return [_float(part, name) for part in text.replace(",", " ").split()]


def plan_data(fields: Fields, guarantors: Sequence[str]) -> dict[str, Any]:
    """The plan form: day, start time, segment, checkpoints, each side's units and vehicles."""
    contingents = []
    for party in guarantors:
        units = [u.strip() for u in fields.text(f"units_{party}").split(",") if u.strip()]
        vehicles_text = fields.text(f"vehicles_{party}") or "0"
        if not vehicles_text.isdigit():
            raise InputError(f"vehicles_{party}", "give a whole number of vehicles")
        if units or vehicles_text != "0":
            contingents.append({"party": party, "units": units, "vehicles": int(vehicles_text)})
    data: dict[str, Any] = {
        "day": fields.text("day"),
        "start_time": fields.text("start_time"),
        "from_km": _float(fields.text("from_km"), "from_km"),
        "to_km": _float(fields.text("to_km"), "to_km"),
        "contingents": contingents,
        "checkpoints": km_list(fields.text("checkpoints"), "checkpoints"),
    }
    return data


def end_data(fields: Fields) -> dict[str, Any]:
    """The end form: the outcome, the km post a curtailed patrol stopped at, the reason."""
    outcome = fields.text("outcome")
    data: dict[str, Any] = {"outcome": outcome, "reason": fields.text("reason")}
    at_km = fields.text("at_km")
    if at_km:
        data["at_km"] = _float(at_km, "at_km")
    return data


def entered_points(text: str) -> list[TrackPoint]:
    """Track points typed one a line: `lon, lat` or `lon, lat, 2020-09-02T08:15:00+03:00`."""
    points = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        field = f"points line {number}"
        if len(parts) not in (2, 3):
            raise InputError(field, "give lon, lat and optionally an ISO time")
        lon, lat = _float(parts[0], field), _float(parts[1], field)
        at = None
        if len(parts) == 3 and parts[2]:
            try:
                at = datetime.fromisoformat(parts[2])
            except ValueError:
                raise InputError(field, f"{parts[2]!r} is not an ISO 8601 time") from None
            if at.tzinfo is None:
                raise InputError(field, "give the time with its UTC offset")
        points.append(TrackPoint(lon, lat, at))
        if len(points) > MAX_ENTERED_POINTS:
            raise InputError(
                "points", f"at most {MAX_ENTERED_POINTS} points by hand; upload a file"
            )
    if not points:
        raise InputError("points", "enter at least one point, or upload a GPX or GeoJSON file")
    return points


def one_km(fields: Fields) -> float:
    """The checkpoint form's one km post."""
    chosen = km_list(fields.text("km"), "km")
    if len(chosen) != 1:
        raise InputError("km", "choose the checkpoint reached")
    return chosen[0]


def incident_id(fields: Fields) -> str:
    """The link form's incident id."""
    found = fields.text("incident_id")
    if not found:
        raise InputError("incident_id", "give the id of the incident to link")
    return found
