"""Duties and roster commands as JSON-ready dicts, and back.

The same shapes serve as the stored document of a duty period and as the
data of the ledger's ``duty.*`` events (what the actor signed). Reading a
dict runs every check, so a bad value raises `InputError` naming its field;
unknown keys are refused, so a typo is never silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from truceline.domain.checks import check, check_id
from truceline.domain.errors import InputError
from truceline.domain.roster import DUTY_ID, MAX_NOTE, Duty

JsonDict = dict[str, Any]

_DUTY_FIELDS = (
    "id",
    "party",
    "post",
    "user",
    "start",
    "end",
    "handed_over_from",
    "handed_over_to",
    "note",
)
ASSIGNMENT_FIELDS = ("id", "party", "post", "user", "start", "handover", "from", "note")
ENDING_FIELDS = ("end", "note")


def time_text(value: datetime) -> str:
    """An instant as ISO 8601 text in UTC (how times are stored and signed here)."""
    return value.astimezone(UTC).isoformat()


def parse_time(value: object, field: str) -> datetime:
    """An ISO 8601 instant with a UTC offset; InputError naming `field` otherwise."""
    if not isinstance(value, str):
        raise InputError(field, "give an ISO 8601 time with a UTC offset (2020-03-20T06:00Z)")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(field, f"{value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise InputError(field, "give the time with a UTC offset, such as 2020-03-20T06:00:00Z")
    return parsed


def fields_of(value: object, field: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    """`value` as an object with no key outside `allowed`."""
    if not isinstance(value, Mapping):
        raise InputError(field, "must be an object")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        prefix = f"{field}." if field else ""
        known = ", ".join(allowed)
        raise InputError(f"{prefix}{unknown[0]}", f"is not a known field (give {known})")
    return value


def text_of(data: Mapping[str, Any], key: str, *, required: bool = False, limit: int = 200) -> str:
    """A text field, trimmed; empty when left out, unless `required`."""
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(key, "must be a text")
    value = value.strip()
    check(bool(value) or not required, key, "is required")
    check(len(value) <= limit, key, f"at most {limit} characters")
    return value


def optional_text(data: Mapping[str, Any], key: str, limit: int = 200) -> str | None:
    """A text field, or None when it is left out or empty."""
    return text_of(data, key, limit=limit) or None


def flag_of(data: Mapping[str, Any], key: str) -> bool:
    """A true/false field, false when left out."""
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise InputError(key, f"must be true or false, not {value!r}")
    return value


# --- stored duty periods -----------------------------------------------------------------


def duty_to_dict(duty: Duty) -> JsonDict:
    """A duty period as stored."""
    return {
        "id": duty.id,
        "party": duty.party,
        "post": duty.post,
        "user": duty.user_id,
        "start": time_text(duty.start),
        "end": None if duty.end is None else time_text(duty.end),
        "handed_over_from": duty.handed_over_from,
        "handed_over_to": duty.handed_over_to,
        "note": duty.note,
    }


def duty_from_dict(value: object) -> Duty:
    """The duty period a stored dict describes."""
    data = fields_of(value, "duty", _DUTY_FIELDS)
    end = data.get("end")
    return Duty(
        id=str(data["id"]),
        party=str(data["party"]),
        post=str(data["post"]),
        user_id=str(data["user"]),
        start=parse_time(data.get("start"), "start"),
        end=None if end is None else parse_time(end, "end"),
        handed_over_from=data.get("handed_over_from"),
        handed_over_to=data.get("handed_over_to"),
        note=str(data.get("note") or ""),
    )


# --- commands ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assignment:
    """Put an officer on duty at a post from `start`; a `handover` takes over from `from_duty`.

    `user` is a username or user id as given; the service resolves it and
    writes the user id into the command's normal form.
    """

    id: str
    party: str | None
    post: str
    user: str
    start: datetime | None
    handover: bool
    from_duty: str | None
    note: str


def assignment_from_dict(value: object) -> Assignment:
    """The assignment a command's data describes; InputError names the bad field."""
    data = fields_of(value, "", ASSIGNMENT_FIELDS)
    duty_id = text_of(data, "id", limit=96)
    if duty_id:
        check_id(duty_id, DUTY_ID, "id")
    from_duty = optional_text(data, "from", limit=96)
    if from_duty is not None:
        check_id(from_duty, DUTY_ID, "from")
    handover = flag_of(data, "handover")
    if from_duty is not None and not handover:
        raise InputError("from", "only a handover names the period it takes over from")
    start = data.get("start")
    return Assignment(
        id=duty_id,
        party=optional_text(data, "party", limit=64),
        post=text_of(data, "post", required=True, limit=64),
        user=text_of(data, "user", required=True, limit=96),
        start=None if start is None else parse_time(start, "start"),
        handover=handover,
        from_duty=from_duty,
        note=text_of(data, "note", limit=MAX_NOTE),
    )


def assignment_to_dict(duty: Duty, handover: bool) -> JsonDict:
    """The normal form of an assignment that made `duty`: what the actor signs."""
    return {
        "id": duty.id,
        "party": duty.party,
        "post": duty.post,
        "user": duty.user_id,
        "start": time_text(duty.start),
        "handover": handover,
        "from": duty.handed_over_from,
        "note": duty.note,
    }


@dataclass(frozen=True, slots=True)
class Ending:
    """End a duty period at `end` (the command's time when left out)."""

    end: datetime | None
    note: str


def ending_from_dict(value: object) -> Ending:
    """The ending a command's data describes."""
    data = fields_of(value, "", ENDING_FIELDS)
    end = data.get("end")
    return Ending(
        end=None if end is None else parse_time(end, "end"),
        note=text_of(data, "note", limit=MAX_NOTE),
    )


def ending_to_dict(end: datetime, note: str) -> JsonDict:
    """The normal form of an ending."""
    return {"end": time_text(end), "note": note}
