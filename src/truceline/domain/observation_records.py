"""Observations as plain JSON-ready dicts, and back.

`observation_from_dict` reads what an observer states, the data of the
`observation.recorded` event exactly as signed::

    {"id": "obs_...", "subkind": "heavy_weapons", "observed_at": "2020-03-20T09:30:00+00:00",
     "location": {"lon": 36.6, "lat": 35.8} | {"route": "m4", "km": 23.5} | null,
     "note": "...", "grade": "B2" | null,
     "details": {"weapon_type": "tank", "count": 2, "description": ""}}

with `details` by subkind: heavy_weapons {weapon_type, count, description};
armed_group {group, estimated_size, activity}; road_status {route, from_km,
to_km, status, since (the observation's time when left out)}; storage_site
{site, declared: {type: count}, observed: {type: count}}.
`observation_to_dict` gives back the normal form, so preparing and submitting
a signed write build the same event. `entry_to_doc` and `entry_from_doc` add
what is derived and who recorded it. Unknown keys are refused; a bad value
raises `InputError` naming its field (``details.count``...).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from truceline.domain.checks import member
from truceline.domain.errors import InputError
from truceline.domain.field_codec import (
    MAX_NAME,
    JsonDict,
    obj,
    optional_int,
    optional_number,
    optional_time,
    parse_time,
    prefixed,
    text,
    time_text,
)
from truceline.domain.field_location import (
    location_from_dict,
    location_to_dict,
    placement_from_dict,
    placement_to_dict,
)
from truceline.domain.observations import (
    ArmedGroup,
    Details,
    HeavyWeapons,
    Observation,
    ObservationEntry,
    RoadState,
    RoadStatus,
    StorageSite,
    Subkind,
    WeaponType,
)
from truceline.domain.reports import AdmiraltyGrade

STATED_FIELDS = ("id", "subkind", "observed_at", "location", "note", "grade", "details")
_DOC_FIELDS = (*STATED_FIELDS, "placement", "party", "recorded_by", "recorded_at")
DETAIL_FIELDS: Mapping[Subkind, tuple[str, ...]] = {
    Subkind.HEAVY_WEAPONS: ("weapon_type", "count", "description"),
    Subkind.ARMED_GROUP: ("group", "estimated_size", "activity"),
    Subkind.ROAD_STATUS: ("route", "from_km", "to_km", "status", "since"),
    Subkind.STORAGE_SITE: ("site", "declared", "observed"),
}


def details_to_dict(details: Details) -> JsonDict:
    """An observation's details in their normal form."""
    if isinstance(details, HeavyWeapons):
        return {
            "weapon_type": str(details.weapon_type),
            "count": details.count,
            "description": details.description,
        }
    if isinstance(details, ArmedGroup):
        return {
            "group": details.group,
            "estimated_size": details.estimated_size,
            "activity": details.activity,
        }
    if isinstance(details, RoadStatus):
        return {
            "route": details.route,
            "from_km": details.from_km,
            "to_km": details.to_km,
            "status": str(details.status),
            "since": time_text(details.since),
        }
    return {
        "site": details.site,
        "declared": {str(k): v for k, v in details.declared.items()},
        "observed": {str(k): v for k, v in details.observed.items()},
    }


def observation_to_dict(observation: Observation) -> JsonDict:
    """An observation as signed: its normal form."""
    location = observation.location
    return {
        "id": observation.id,
        "subkind": str(observation.subkind),
        "observed_at": time_text(observation.observed_at),
        "location": None if location is None else location_to_dict(location),
        "note": observation.note,
        "grade": None if observation.grade is None else str(observation.grade),
        "details": details_to_dict(observation.details),
    }


def _required_number(data: Mapping[str, Any], key: str, field: str) -> float:
    value = optional_number(data, key, field)
    if value is None:
        raise InputError(f"{field}.{key}", "give a number")
    return value


def _weapon_counts(value: object, field: str) -> dict[WeaponType, int]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InputError(field, "must be an object of weapon type: count")
    counts = {}
    for key in value:
        weapon = member(WeaponType, key, f"{field}.{key}")
        number = optional_int(value, key, field)
        if number is None:
            raise InputError(f"{field}.{key}", "give a count")
        counts[weapon] = number
    return counts


def _details(subkind: Subkind, value: object, observed_at: datetime) -> Details:
    field = "details"
    data = obj(value, field, DETAIL_FIELDS[subkind])
    if subkind is Subkind.HEAVY_WEAPONS:
        count = optional_int(data, "count", field)
        return HeavyWeapons(
            weapon_type=member(WeaponType, data.get("weapon_type"), "weapon_type"),
            count=1 if count is None else count,
            description=text(data, "description", field, limit=MAX_NAME),
        )
    if subkind is Subkind.ARMED_GROUP:
        return ArmedGroup(
            group=text(data, "group", field, limit=MAX_NAME),
            estimated_size=optional_int(data, "estimated_size", field),
            activity=text(data, "activity", field),
        )
    if subkind is Subkind.ROAD_STATUS:
        since = optional_time(data, "since", field)
        return RoadStatus(
            route=text(data, "route", field, limit=MAX_NAME),
            from_km=_required_number(data, "from_km", field),
            to_km=_required_number(data, "to_km", field),
            status=member(RoadState, data.get("status"), "status"),
            since=observed_at if since is None else since,
        )
    return StorageSite(
        site=text(data, "site", field, limit=MAX_NAME),
        declared=_weapon_counts(data.get("declared"), f"{field}.declared"),
        observed=_weapon_counts(data.get("observed"), f"{field}.observed"),
    )


def observation_from_dict(value: object) -> Observation:
    """The observation a dict describes; InputError names the bad field."""
    data = obj(value, "", STATED_FIELDS)
    subkind = member(Subkind, data.get("subkind"), "subkind")
    if data.get("observed_at") in (None, ""):
        raise InputError("observed_at", "give the time it was seen, such as 2020-03-20T09:30:00Z")
    observed_at = parse_time(data["observed_at"], "observed_at")
    try:
        details = _details(subkind, data.get("details", {}), observed_at)
    except InputError as error:
        raise error if error.field.startswith("details") else prefixed(error, "details") from None
    grade_text = text(data, "grade", "", limit=8)
    location = data.get("location")
    return Observation(
        id=text(data, "id", "", limit=MAX_NAME),
        observed_at=observed_at,
        details=details,
        location=None if location is None else location_from_dict(location),
        note=text(data, "note", ""),
        grade=AdmiraltyGrade.parse(grade_text) if grade_text else None,
    )


def entry_to_doc(entry: ObservationEntry) -> JsonDict:
    """A stored observation's document: the statement, its placement, who recorded it."""
    return {
        **observation_to_dict(entry.observation),
        "placement": placement_to_dict(entry.placement),
        "party": entry.party,
        "recorded_by": entry.recorded_by,
        "recorded_at": time_text(entry.recorded_at),
    }


def entry_from_doc(doc: Mapping[str, Any], *, number: int | None, day: date) -> ObservationEntry:
    """A stored observation from its document and the record's number and day."""
    data = obj(doc, "", _DOC_FIELDS)
    stated = {k: v for k, v in data.items() if k in STATED_FIELDS}
    return ObservationEntry(
        observation=observation_from_dict(stated),
        placement=placement_from_dict(data["placement"]),
        number=number,
        day=day,
        party=data.get("party"),
        recorded_by=str(data["recorded_by"]),
        recorded_at=parse_time(data["recorded_at"], "recorded_at"),
    )
