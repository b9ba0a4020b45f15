"""The restriction and observation forms' fields, read into the data the services take.

A form is read into exactly the dict a client of the API would send, so the
services check everything; what is read here is only what a form field must
be turned into: a local date and time into an ISO time with the agreement's
offset, a number, a location from the point or the km post filled in. A value
that cannot be read raises `InputError` naming the form field; `problem_of`
maps a service's field path (``location.km``, ``details.count``) back to the
form field that holds it.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from truceline.domain.errors import ConflictError, InputError
from truceline.domain.observations import Subkind, WeaponType
from truceline.entrypoints.web.admin_pages import sentence
from truceline.entrypoints.web.incident_forms import Fields

#: The form field holding each service field, longest prefix first wins.
_FORM_FIELDS = {
    "location.lon": "lon",
    "location.lat": "lat",
    "location.km": "km",
    "location.route": "route",
    "location.place": "place",
    "location": "lon",
    "details.weapon_type": "weapon_type",
    "details.count": "count",
    "details.description": "description",
    "details.group": "group",
    "details.estimated_size": "estimated_size",
    "details.activity": "activity",
    "details.route": "road_route",
    "details.from_km": "from_km",
    "details.to_km": "to_km",
    "details.status": "status",
    "details.since": "since",
    "details.site": "site",
    "details.declared": "declared_tank",
    "details.observed": "observed_tank",
    "until": "duration_minutes",
}


def form_field(service_field: str) -> str:
    """The form field for a service's field path (``details.declared.tank``: ``declared_tank``)."""
    for side in ("declared", "observed"):
        prefix = f"details.{side}."
        if service_field.startswith(prefix):
            return f"{side}_{service_field[len(prefix) :]}"
    for prefix in sorted(_FORM_FIELDS, key=len, reverse=True):
        if service_field == prefix or service_field.startswith(prefix + "."):
            return _FORM_FIELDS[prefix]
    return service_field


def problem_of(error: InputError | ConflictError | None) -> dict[str, str] | None:
    """A refused form's problem: the form field to mark, the field path, why."""
    if error is None:
        return None
    if isinstance(error, InputError):
        reason = error.reason if error.reason.endswith(".") else f"{error.reason}."
        return {"field": form_field(error.field), "path": error.field, "reason": reason}
    return {"field": "", "path": "", "reason": sentence(error)}


def local_input(moment: datetime, timezone: str) -> str:
    """A time as a datetime-local field shows it, in the agreement's local time."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def local_time(fields: Fields, name: str, timezone: str, *, required: bool) -> str | None:
    """A datetime-local field, read in the agreement's time zone, as ISO 8601 with the offset."""
    value = fields.text(name)
    if not value:
        if required:
            raise InputError(name, "give the date and time")
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(name, f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM)") from None
    if naive.tzinfo is not None:
        return naive.isoformat()
    return naive.replace(tzinfo=ZoneInfo(timezone)).isoformat()


def _number(fields: Fields, name: str) -> float | None:
    value = fields.text(name)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise InputError(name, f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise InputError(name, f"{value!r} is not a number")
    return number


def _whole(fields: Fields, name: str) -> int | None:
    value = fields.text(name)
    if not value:
        return None
    if not value.isdigit():
        raise InputError(name, f"{value!r} is not a whole number of 0 or more")
    return int(value)


def location_part(fields: Fields, *, required: bool = True) -> dict[str, Any] | None:
    """The location: the point when lon or lat is filled in, else the km post (and its route)."""
    lon, lat, km = _number(fields, "lon"), _number(fields, "lat"), _number(fields, "km")
    named = {"place": fields.text("place")} if fields.text("place") else {}
    if lon is not None or lat is not None:
        if km is not None:
            raise InputError("km", "give the point or the km post, not both")
        if lon is None:
            raise InputError("lon", "give the point's longitude too")
        if lat is None:
            raise InputError("lat", "give the point's latitude too")
        return {"lon": round(lon, 6), "lat": round(lat, 6), **named}
    if km is not None:
        route = fields.text("route")
        return {"km": km, **({"route": route} if route else {}), **named}
    if required:
        raise InputError("lon", "give the point (longitude and latitude) or a km post")
    return None


def restriction_data(fields: Fields, timezone: str) -> dict[str, Any]:
    """The restriction of the form."""
    data: dict[str, Any] = {
        "at": local_time(fields, "at", timezone, required=True),
        "affected": fields.text("affected"),
        "kind": fields.text("kind"),
        "imposed_by": fields.text("imposed_by"),
        "reason_given": fields.text("reason_given"),
        "consequence": fields.text("consequence"),
        "note": fields.text("note"),
        "location": location_part(fields),
    }
    minutes = _whole(fields, "duration_minutes")
    if minutes is not None:
        data["duration_minutes"] = minutes
    if fields.text("patrol_id"):
        data["patrol_id"] = fields.text("patrol_id")
    return data


def subkind_of(value: str) -> Subkind:
    """The subkind a form or link names (heavy weapons when none or an unknown one)."""
    try:
        return Subkind(value)
    except ValueError:
        return Subkind.HEAVY_WEAPONS


def _counts(fields: Fields, side: str) -> dict[str, int]:
    counts = {}
    for weapon in WeaponType:
        number = _whole(fields, f"{side}_{weapon}")
        if number is not None:
            counts[str(weapon)] = number
    return counts


def details_part(fields: Fields, subkind: Subkind, timezone: str) -> dict[str, Any]:
    """The details of the chosen subkind."""
    if subkind is Subkind.HEAVY_WEAPONS:
        return {
            "weapon_type": fields.text("weapon_type"),
            "count": _whole(fields, "count"),
            "description": fields.text("description"),
        }
    if subkind is Subkind.ARMED_GROUP:
        return {
            "group": fields.text("group"),
            "estimated_size": _whole(fields, "estimated_size"),
            "activity": fields.text("activity"),
        }
    if subkind is Subkind.ROAD_STATUS:
        road: dict[str, Any] = {
            "from_km": _number(fields, "from_km"),
            "to_km": _number(fields, "to_km"),
            "status": fields.text("status"),
        }
        if fields.text("road_route"):
            road["route"] = fields.text("road_route")
        since = local_time(fields, "since", timezone, required=False)
        if since is not None:
            road["since"] = since
        return road
    return {
        "site": fields.text("site"),
        "declared": _counts(fields, "declared"),
        "observed": _counts(fields, "observed"),
    }


def observation_data(fields: Fields, subkind: Subkind, timezone: str) -> dict[str, Any]:
    """The observation of the form (the location may stay empty for a road or a site zone)."""
    optional = subkind in (Subkind.ROAD_STATUS, Subkind.STORAGE_SITE)
    return {
        "subkind": str(subkind),
        "observed_at": local_time(fields, "observed_at", timezone, required=True),
        "location": location_part(fields, required=not optional),
        "note": fields.text("note"),
        "grade": fields.text("grade") or None,
        "details": details_part(fields, subkind, timezone),
    }
