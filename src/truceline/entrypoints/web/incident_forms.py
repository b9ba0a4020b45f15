"""The incident forms' fields, read into the data the incident services take.

A form is read into exactly the dicts a client of the API would send
(``{"report": …, "incident": …}``, ``{"position": …, "version": n}``), so the
services check everything; what is read here is only what a form field must
be turned into (a number, a list, a date range). A value that cannot be read
raises `InputError` naming the form field. `form_field` maps a service's field
path (``incident.dates.start``) back to the form field that holds it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from starlette.datastructures import FormData

from truceline.domain.accounts import MONITOR_PARTY
from truceline.domain.errors import ConflictError, InputError
from truceline.domain.reports import Channel
from truceline.domain.verification import VerificationStatus
from truceline.entrypoints.web.admin_pages import sentence
from truceline.entrypoints.web.pages import label
from truceline.services.geography import Geography
from truceline.services.incident_store import IncidentFilter

MAX_TEXT = 20_000
#: The form field that holds each part of the services' data, longest prefix first wins.
_FORM_FIELDS = {
    "incident.location.lon": "lon",
    "incident.location.lat": "lat",
    "incident.location.place": "place",
    "incident.location.geo_precision": "geo_precision",
    "incident.location": "lon",
    "incident.dates.start": "date_start",
    "incident.dates.end": "date_end",
    "incident.dates": "date_end",
    "incident.event_type": "event_type",
    "incident.sub_event_type": "sub_event_type",
    "incident.disorder_type": "sub_event_type",
    "incident.monitoring": "monitoring",
    "incident.notes": "notes",
    "incident.actors.actor1": "actor1",
    "incident.actors.inter1": "inter1",
    "incident.actors.actor2": "actor2",
    "incident.actors.inter2": "inter2",
    "incident.actors": "actor1",
    "incident.fatalities": "fatalities_best",
    "incident.injuries": "injuries",
    "report.channel": "channel",
    "report.reporting_party": "channel",
    "report.source_name": "source_name",
    "report.source_url": "source_url",
    "report.grade": "grade_reliability",
    "report.language": "language",
    "report.original_text": "original_text",
    "position.stance": "stance",
    "position.held_responsible": "held_responsible",
    "position.evidence": "evidence",
    "position.text": "text",
    "version": "version",
}


def form_field(service_field: str) -> str:
    """The form field for a service's field path; the path itself when no form field holds it."""
    for prefix in sorted(_FORM_FIELDS, key=len, reverse=True):
        if service_field == prefix or service_field.startswith(prefix + "."):
            return _FORM_FIELDS[prefix]
    return service_field


@dataclass(frozen=True)
class Fields:
    """A submitted form's text fields (trimmed), and its repeated fields as lists."""

    values: Mapping[str, str]
    lists: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, form: FormData) -> Fields:
        values: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                values.setdefault(key, value)
                lists.setdefault(key, []).append(value)
        return cls(values, {k: tuple(v) for k, v in lists.items()})

    def text(self, name: str, default: str = "") -> str:
        value = self.values.get(name, default).strip()
        if len(value) > MAX_TEXT:
            raise InputError(name, f"at most {MAX_TEXT} characters")
        return value

    def all(self, name: str) -> tuple[str, ...]:
        return tuple(v.strip() for v in self.lists.get(name, ()) if v.strip())

    def entered(self) -> dict[str, str]:
        """What was typed, to show the form again as it was."""
        return dict(self.values)


def _number(fields: Fields, name: str, reason: str) -> float:
    text = fields.text(name)
    try:
        value = float(text)
    except ValueError:
        raise InputError(name, reason) from None
    if not math.isfinite(value):
        raise InputError(name, reason)
    return value


def _count(fields: Fields, name: str) -> int | None:
    text = fields.text(name)
    if not text:
        return None
    if not text.isdigit():
        raise InputError(name, f"{text!r} is not a whole number of 0 or more")
    return int(text)


def _code(fields: Fields, name: str) -> int:
    text = fields.text(name, "0") or "0"
    if not text.isdigit():
        raise InputError(name, f"{text!r} is not an ACLED actor code (0-8)")
    return int(text)


def report_part(fields: Fields, party: str | None, received_at: datetime) -> dict[str, Any]:
    """The ``report`` of a report form: channel, source, grade, language, original text."""
    channel = fields.text("channel", str(Channel.PARTY_ALLEGATION))
    grade = fields.text("grade_reliability", "F") + fields.text("grade_credibility", "6")
    return {
        "channel": channel,
        "reporting_party": party,
        "source_name": fields.text("source_name"),
        "source_url": fields.text("source_url") or None,
        "received_at": received_at.isoformat(),
        "original_text": fields.text("original_text"),
        "language": fields.text("language", "en"),
        "grade": grade,
    }


def incident_part(fields: Fields, geo: Geography) -> dict[str, Any]:
    """The ``incident`` of the report form; an empty place name takes the nearest place's."""
    lon = _number(fields, "lon", "click the map or choose a place to set the point (longitude)")
    lat = _number(fields, "lat", "click the map or choose a place to set the point (latitude)")
    if not (-180 <= lon <= 180):
        raise InputError("lon", f"{lon} is not a longitude")
    if not (-90 <= lat <= 90):
        raise InputError("lat", f"{lat} is not a latitude")
    place = fields.text("place")
    admin1 = admin2 = ""
    nearest = geo.nearest_places(lon, lat, limit=1)
    if nearest and (not place or place == nearest[0].place.name):
        place = nearest[0].place.name
        admin1, admin2 = nearest[0].place.admin1, nearest[0].place.admin2
    start = fields.text("date_start")
    if not start:
        raise InputError("date_start", "give the day it happened (or the first day)")
    precision = fields.text("geo_precision", "2")
    if precision not in ("1", "2", "3"):
        raise InputError("geo_precision", "choose 1, 2 or 3")
    best = _count(fields, "fatalities_best") or 0
    low = _count(fields, "fatalities_low")
    high = _count(fields, "fatalities_high")
    actors: dict[str, Any] = {}
    for n in ("1", "2"):
        name = fields.text("actor" + n)
        if name:
            actors |= {"actor" + n: name, "inter" + n: _code(fields, "inter" + n)}
    associated = fields.text("associated1")
    if associated:
        actors["associated1"] = [a.strip() for a in associated.split(",") if a.strip()]
    return {
        "dates": {"start": start, "end": fields.text("date_end") or start},
        "location": {
            "lon": round(lon, 6),
            "lat": round(lat, 6),
            "place": place,
            "admin1": admin1,
            "admin2": admin2,
            "geo_precision": int(precision),
        },
        "event_type": fields.text("event_type"),
        "sub_event_type": fields.text("sub_event_type"),
        "monitoring": fields.text("monitoring") or None,
        "notes": fields.text("notes"),
        "actors": actors,
        "fatalities": {
            "low": best if low is None else low,
            "best": best,
            "high": best if high is None else high,
        },
        "injuries": _count(fields, "injuries"),
    }


def position_data(fields: Fields) -> dict[str, Any]:
    """``{"position": …, "version": n}`` from the position form (evidence one item a line)."""
    held = fields.text("held_responsible")
    data: dict[str, Any] = {
        "position": {
            "stance": fields.text("stance"),
            "held_responsible": held or None,
            "evidence": [line.strip() for line in fields.text("evidence").splitlines()],
            "text": fields.text("text"),
        }
    }
    version = fields.text("version")
    if version:
        if not version.isdigit():
            raise InputError("version", "reload the page: the form's version is not a number")
        data["version"] = int(version)
    return data


def source_name_for(party_name: str, role: str) -> str:
    """The default source of a report typed in by this user: `Turkey zone officer`."""
    return f"{party_name} {role.replace('_', ' ')}".strip()


def default_channel(party: str | None) -> str:
    """A party's officers allege; the monitor reports on its own channel."""
    return str(Channel.MONITOR if party == MONITOR_PARTY else Channel.PARTY_ALLEGATION)


def held_choices(
    parties: Sequence[tuple[str, str]], actors: Sequence[str]
) -> list[tuple[str, str]]:
    """Whom a position may hold responsible: no one, each party, each actor of the incident."""
    ids = {p for p, _ in parties}
    return [("", "no one"), *parties, *((a, a) for a in actors if a not in ids)]


def channel_choices(monitor: bool) -> list[tuple[str, str]]:
    """The channels a person may file a report on from the form (bulk import is for files)."""
    return [
        (str(c), label(str(c)))
        for c in Channel
        if c is not Channel.BULK_IMPORT and (monitor or c is not Channel.MONITOR)
    ]


def problem_of(error: InputError | ConflictError | None) -> dict[str, str] | None:
    """A refused form's problem for the page: the form field to mark, the field path, why."""
    if error is None:
        return None
    if isinstance(error, InputError):
        reason = error.reason if error.reason.endswith(".") else f"{error.reason}."
        field = form_field(error.field)
        return {"field": field, "path": error.field, "reason": reason}
    return {"field": "", "path": "", "reason": sentence(error)}


def list_filter(agreement_id: str, query: dict[str, str]) -> IncidentFilter:
    """The list's filter from its GET form; an empty field is no filter."""

    def day(name: str) -> date | None:
        value = query.get(name, "")
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InputError(name, f"{value!r} is not a date (YYYY-MM-DD)") from None

    status = query.get("status") or None
    channel = query.get("channel") or None
    try:
        status_value = None if status is None else VerificationStatus(status)
    except ValueError:
        raise InputError("status", f"{status!r} is not a verification status") from None
    try:
        channel_value = None if channel is None else Channel(channel)
    except ValueError:
        raise InputError("channel", f"{channel!r} is not a channel") from None
    return IncidentFilter(
        agreement_id,
        date_from=day("date_from"),
        date_to=day("date_to"),
        zone=query.get("zone") or None,
        responsible_party=query.get("responsible_party") or None,
        event_type=query.get("event_type") or None,
        status=status_value,
        provision=query.get("provision") or None,
        channel=channel_value,
        reporting_party=query.get("reporting_party") or None,
    )
