"""Where a restriction or an observation was: a point, or a kilometre post on a route.

Whoever records states one of the two (`StatedLocation`), with a place name
if they like. Everything else (the point of a kilometre post, the kilometre
post of a point, the zones that hold it, the party answering for them,
whether it lies in the security corridor) is derived from the agreement's
geometry on every write (`Placement`): stored with the record, never signed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from truceline.domain.checks import check
from truceline.domain.errors import InputError
from truceline.domain.field_codec import (
    MAX_NAME,
    JsonDict,
    obj,
    optional_number,
    text,
)

_LOCATION_KEYS = ("lon", "lat", "route", "km", "place")
_PLACEMENT_KEYS = (
    "lon",
    "lat",
    "route",
    "km",
    "offset_m",
    "zones",
    "responsible_party",
    "inside_corridor",
    "place",
)


@dataclass(frozen=True, slots=True)
class StatedLocation:
    """A point (`lon`, `lat`) or a kilometre post (`km` on `route`), as the recorder gave it.

    `route` None with a `km` means the agreement's default route (its patrol
    route, else its first); the services fill it in before anything is signed.
    """

    lon: float | None = None
    lat: float | None = None
    route: str | None = None
    km: float | None = None
    place: str = ""

    def __post_init__(self) -> None:
        has_point = self.lon is not None or self.lat is not None
        if has_point and self.km is not None:
            raise InputError("km", "give a point (lon and lat) or a km post, not both")
        if self.km is None:
            check(self.lon is not None, "lon", "give the point's longitude (or a km post)")
            check(self.lat is not None, "lat", "give the point's latitude (or a km post)")
            check(self.route is None, "route", "a route goes with a km post")
            for name, bound in (("lon", 180.0), ("lat", 90.0)):
                value = getattr(self, name)
                ok = math.isfinite(value) and abs(value) <= bound
                check(ok, name, f"must be a number from -{bound:g} to {bound:g}, not {value!r}")
        else:
            check(math.isfinite(self.km) and self.km >= 0, "km", "must be a number of 0 or more")
        check(len(self.place) <= MAX_NAME, "place", f"at most {MAX_NAME} characters")

    @property
    def by_km(self) -> bool:
        """Whether this is a kilometre post rather than a point."""
        return self.km is not None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a record lies, derived from its location and the agreement's geometry.

    `route` and `km` are the kilometre post on the agreement's default route
    (or the stated route); `offset_m` the distance from that route. `zones`
    are in the agreement's order; `responsible_party` the one party answering
    for them (None when none does or two meet there); `inside_corridor`
    whether a security-corridor zone holds the point; `place` the stated
    name, else the nearest place of the gazetteer.
    """

    lon: float
    lat: float
    route: str | None
    km: float | None
    offset_m: float | None
    zones: tuple[str, ...]
    responsible_party: str | None
    inside_corridor: bool
    place: str = ""

    @property
    def zone(self) -> str | None:
        """The first zone that holds the point: the one lists and counts file it under."""
        return self.zones[0] if self.zones else None


def location_to_dict(location: StatedLocation) -> JsonDict:
    """A stated location as signed: the point, or the route and km post; the place if named."""
    out: JsonDict
    if location.by_km:
        out = {"route": location.route, "km": location.km}
    else:
        out = {"lon": location.lon, "lat": location.lat}
    if location.place:
        out["place"] = location.place
    return out


def location_from_dict(value: object, field: str = "location") -> StatedLocation:
    """The stated location a dict describes; InputError names the bad field."""
    data = obj(value, field, _LOCATION_KEYS)
    route = text(data, "route", field, limit=MAX_NAME) or None
    try:
        return StatedLocation(
            lon=optional_number(data, "lon", field),
            lat=optional_number(data, "lat", field),
            route=route,
            km=optional_number(data, "km", field),
            place=text(data, "place", field, limit=MAX_NAME),
        )
    except InputError as error:
        if error.field.startswith(f"{field}."):
            raise
        raise InputError(f"{field}.{error.field}", error.reason) from None


def placement_to_dict(placement: Placement) -> JsonDict:
    """A placement as stored in a record's document."""
    return {
        "lon": placement.lon,
        "lat": placement.lat,
        "route": placement.route,
        "km": placement.km,
        "offset_m": placement.offset_m,
        "zones": list(placement.zones),
        "responsible_party": placement.responsible_party,
        "inside_corridor": placement.inside_corridor,
        "place": placement.place,
    }


def placement_from_dict(value: object) -> Placement:
    """A stored placement."""
    data: Mapping[str, Any] = obj(value, "placement", _PLACEMENT_KEYS)
    return Placement(
        lon=float(data["lon"]),
        lat=float(data["lat"]),
        route=data.get("route"),
        km=None if data.get("km") is None else float(data["km"]),
        offset_m=None if data.get("offset_m") is None else float(data["offset_m"]),
        zones=tuple(data.get("zones") or ()),
        responsible_party=data.get("responsible_party"),
        inside_corridor=bool(data.get("inside_corridor")),
        place=str(data.get("place") or ""),
    )
