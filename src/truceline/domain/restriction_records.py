"""Access restrictions as plain JSON-ready dicts, and back.

`restriction_from_dict` reads what a recorder states: the data of the
`restriction.recorded` event, exactly as signed. It takes the length as
`duration_minutes` or as an end time `until`, and gives back the one normal
form (`restriction_to_dict`: `duration_minutes` only), so preparing and
submitting a signed write build the same event. `entry_to_doc` and
`entry_from_doc` add what is derived and who recorded it, for the stored
record's document. Unknown keys are refused; a bad value raises
`InputError` naming its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from truceline.domain.checks import member
from truceline.domain.errors import InputError
from truceline.domain.field_codec import (
    MAX_NAME,
    JsonDict,
    obj,
    optional_int,
    optional_time,
    parse_time,
    text,
    time_text,
)
from truceline.domain.field_location import (
    location_from_dict,
    location_to_dict,
    placement_from_dict,
    placement_to_dict,
)
from truceline.domain.restrictions import (
    Affected,
    Restriction,
    RestrictionEntry,
    RestrictionKind,
)

STATED_FIELDS = (
    "id",
    "at",
    "duration_minutes",
    "affected",
    "patrol_id",
    "kind",
    "imposed_by",
    "reason_given",
    "consequence",
    "note",
    "location",
)
_INPUT_FIELDS = (*STATED_FIELDS, "until")
_DOC_FIELDS = (*STATED_FIELDS, "placement", "party", "recorded_by", "recorded_at")


def restriction_to_dict(restriction: Restriction) -> JsonDict:
    """A restriction as signed: its normal form."""
    return {
        "id": restriction.id,
        "at": time_text(restriction.at),
        "duration_minutes": restriction.duration_minutes,
        "affected": str(restriction.affected),
        "patrol_id": restriction.patrol_id,
        "kind": str(restriction.kind),
        "imposed_by": restriction.imposed_by,
        "reason_given": restriction.reason_given,
        "consequence": restriction.consequence,
        "note": restriction.note,
        "location": location_to_dict(restriction.location),
    }


def _minutes(data: Mapping[str, Any]) -> int | None:
    minutes = optional_int(data, "duration_minutes", "")
    start = parse_time(data.get("at"), "at")
    until = optional_time(data, "until", "")
    if until is None:
        return minutes
    if minutes is not None:
        raise InputError("until", "give duration_minutes or until, not both")
    if until < start:
        raise InputError("until", "ends before the restriction began")
    return round((until - start).total_seconds() / 60)


def restriction_from_dict(value: object) -> Restriction:
    """The restriction a dict describes; InputError names the bad field."""
    data = obj(value, "", _INPUT_FIELDS)
    if "at" not in data or data.get("at") in (None, ""):
        raise InputError("at", "give the time it began, such as 2020-03-20T10:00:00Z")
    if "location" not in data:
        raise InputError("location", "give a point (lon, lat) or a km post (km, route)")
    return Restriction(
        id=text(data, "id", "", limit=MAX_NAME),
        at=parse_time(data["at"], "at"),
        location=location_from_dict(data["location"]),
        affected=member(Affected, data.get("affected"), "affected"),
        kind=member(RestrictionKind, data.get("kind"), "kind"),
        imposed_by=text(data, "imposed_by", "", limit=MAX_NAME),
        duration_minutes=_minutes(data),
        patrol_id=text(data, "patrol_id", "", limit=MAX_NAME) or None,
        reason_given=text(data, "reason_given", ""),
        consequence=text(data, "consequence", ""),
        note=text(data, "note", ""),
    )


def entry_to_doc(entry: RestrictionEntry) -> JsonDict:
    """A stored restriction's document: the statement, its placement, who recorded it."""
    return {
        **restriction_to_dict(entry.restriction),
        "placement": placement_to_dict(entry.placement),
        "party": entry.party,
        "recorded_by": entry.recorded_by,
        "recorded_at": time_text(entry.recorded_at),
    }


def entry_from_doc(doc: Mapping[str, Any], *, number: int | None, day: date) -> RestrictionEntry:
    """A stored restriction from its document and the record's number and day."""
    data = obj(doc, "", _DOC_FIELDS)
    stated = {k: v for k, v in data.items() if k in STATED_FIELDS}
    return RestrictionEntry(
        restriction=restriction_from_dict(stated),
        placement=placement_from_dict(data["placement"]),
        number=number,
        day=day,
        party=data.get("party"),
        recorded_by=str(data["recorded_by"]),
        recorded_at=parse_time(data["recorded_at"], "recorded_at"),
    )
