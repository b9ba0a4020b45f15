"""Incidents, reports and positions as plain JSON-ready dicts, and back.

One shape serves three uses: the data of the ledger's incident events (what
the actor signed), the stored document of an incident, and the JSON export.
Reading a dict runs every check of the domain values, so a bad value raises
`InputError` naming its field (``incident.location.lat``...). Unknown keys
are refused, so a typo is never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from truceline.domain.checks import member
from truceline.domain.errors import InputError
from truceline.domain.event_types import MonitoringKind
from truceline.domain.incidents import (
    Actors,
    DateRange,
    Fatalities,
    HistoryEntry,
    Incident,
    Links,
    Location,
)
from truceline.domain.reports import AdmiraltyGrade, Channel, Report
from truceline.domain.verification import Position, Stance
from truceline.domain.zones import Side

JsonDict = dict[str, Any]

#: The fields of an incident that whoever reports it states (the rest is derived or kept).
DRAFT_FIELDS = (
    "id",
    "dates",
    "location",
    "event_type",
    "sub_event_type",
    "disorder_type",
    "actors",
    "civilian_targeting",
    "fatalities",
    "injuries",
    "notes",
    "tags",
    "monitoring",
    "explosions",
    "shots",
)
_STORED_FIELDS = (
    *DRAFT_FIELDS,
    "report_ids",
    "links",
    "possible_duplicates",
    "external_ids",
    "merged_into",
)
_REPORT_FIELDS = (
    "id",
    "channel",
    "reporting_party",
    "source_name",
    "source_url",
    "received_at",
    "original_text",
    "language",
    "grade",
)


def _time(value: datetime) -> str:
    return value.isoformat()


def _parse_time(value: object, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InputError(field, f"{value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise InputError(field, "give the time with a UTC offset, such as 2020-03-06T10:00:00Z")
    return parsed


def _parse_date(value: object, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _object(value: object, field: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(field, "must be an object")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise InputError(f"{field}.{unknown[0]}", "is not a known field")
    return value


def _list(value: object, field: str) -> tuple[Any, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise InputError(field, "must be a list")
    return tuple(value)


def _strings(value: object, field: str) -> tuple[str, ...]:
    items = _list(value, field)
    if not all(isinstance(item, str) for item in items):
        raise InputError(field, "must be a list of texts")
    return items


def _text(data: Mapping[str, Any], key: str, field: str, default: str = "") -> str:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise InputError(f"{field}.{key}", "must be a text")
    return value


#: The largest whole number JSON keeps exactly (RFC 8785), so every count can be signed.
_MAX_JSON_INT = 2**53 - 1


def _optional_int(data: Mapping[str, Any], key: str, field: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{field}.{key}", f"must be a whole number, not {value!r}")
    if abs(value) > _MAX_JSON_INT:
        raise InputError(f"{field}.{key}", f"must be at most {_MAX_JSON_INT} (JSON's exact range)")
    return value


def _int(data: Mapping[str, Any], key: str, field: str, default: int = 0) -> int:
    value = _optional_int(data, key, field)
    return default if value is None else value


def _number(data: Mapping[str, Any], key: str, field: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{field}.{key}", f"must be a number, not {value!r}")
    return float(value)


def _prefixed(error: InputError, prefix: str) -> InputError:
    return InputError(f"{prefix}.{error.field}", error.reason)


_T = TypeVar("_T")


def _within(prefix: str, make: Callable[[], _T]) -> _T:
    """Build a part of a value; a check that fails inside names its field under `prefix`."""
    try:
        return make()
    except InputError as error:
        if "." in error.field:
            raise
        raise _prefixed(error, prefix) from None


# --- reports ---------------------------------------------------------------------------


def report_to_dict(report: Report) -> JsonDict:
    """A report as a dict (without who entered it or its incident, which the record holds)."""
    return {
        "id": report.id,
        "channel": str(report.channel),
        "reporting_party": report.reporting_party,
        "source_name": report.source_name,
        "source_url": report.source_url,
        "received_at": _time(report.received_at),
        "original_text": report.original_text,
        "language": report.language,
        "grade": str(report.grade),
    }


def report_from_dict(
    value: object, *, entered_by: str, incident_id: str | None = None, field: str = "report"
) -> Report:
    """The report a dict describes; InputError names the bad field."""
    data = _object(value, field, _REPORT_FIELDS)
    try:
        return Report(
            id=_text(data, "id", field),
            channel=member(Channel, data.get("channel"), "channel"),
            source_name=_text(data, "source_name", field),
            received_at=_parse_time(data.get("received_at"), f"{field}.received_at"),
            original_text=_text(data, "original_text", field),
            language=_text(data, "language", field),
            grade=AdmiraltyGrade.parse(_text(data, "grade", field, "F6")),
            entered_by=entered_by,
            reporting_party=_text(data, "reporting_party", field) or None,
            source_url=_text(data, "source_url", field) or None,
            incident_id=incident_id,
        )
    except InputError as error:
        raise error if error.field.startswith(field) else _prefixed(error, field) from None


# --- incidents -------------------------------------------------------------------------


def draft_to_dict(incident: Incident) -> JsonDict:
    """What a reporter states about an incident: the fields of `DRAFT_FIELDS`."""
    location = incident.location
    actors = incident.actors
    fatalities = incident.fatalities
    return {
        "id": incident.id,
        "dates": {"start": incident.dates.start.isoformat(), "end": incident.dates.end.isoformat()},
        "location": {
            "lon": location.lon,
            "lat": location.lat,
            "place": location.place,
            "admin1": location.admin1,
            "admin2": location.admin2,
            "admin3": location.admin3,
            "geo_precision": location.geo_precision,
            "where_prec": location.where_prec,
            "country": location.country,
            "iso": location.iso,
            "region": location.region,
        },
        "event_type": incident.event_type,
        "sub_event_type": incident.sub_event_type,
        "disorder_type": incident.disorder_type,
        "actors": {
            "actor1": actors.actor1,
            "inter1": actors.inter1,
            "actor2": actors.actor2,
            "inter2": actors.inter2,
            "associated1": list(actors.associated1),
            "associated2": list(actors.associated2),
        },
        "civilian_targeting": incident.civilian_targeting,
        "fatalities": {
            "low": fatalities.low,
            "best": fatalities.best,
            "high": fatalities.high,
            "side_a": fatalities.side_a,
            "side_b": fatalities.side_b,
            "civilians": fatalities.civilians,
            "unknown": fatalities.unknown,
        },
        "injuries": incident.injuries,
        "notes": incident.notes,
        "tags": list(incident.tags),
        "monitoring": None if incident.monitoring is None else str(incident.monitoring),
        "explosions": incident.explosions,
        "shots": incident.shots,
    }


def incident_to_dict(incident: Incident) -> JsonDict:
    """The whole incident except its history (kept as separate records)."""
    links = incident.links
    return {
        **draft_to_dict(incident),
        "report_ids": list(incident.report_ids),
        "links": {
            "zones": list(links.zones),
            "route": links.route,
            "km_post": links.km_post,
            "side": None if links.side is None else str(links.side),
            "distance_to_route_m": links.distance_to_route_m,
            "provisions": list(links.provisions),
        },
        "possible_duplicates": list(incident.possible_duplicates),
        "external_ids": [[scheme, value] for scheme, value in incident.external_ids],
        "merged_into": incident.merged_into,
    }


def incident_from_dict(value: object, *, field: str = "incident", draft: bool = False) -> Incident:
    """The incident a dict describes (only `DRAFT_FIELDS` when `draft`); InputError otherwise."""
    data = _object(value, field, DRAFT_FIELDS if draft else _STORED_FIELDS)
    try:
        return _incident(data, field)
    except InputError as error:
        raise error if error.field.startswith(field) else _prefixed(error, field) from None


def _incident(data: Mapping[str, Any], field: str) -> Incident:
    dates = _object(data.get("dates"), f"{field}.dates", ("start", "end"))
    where = _object(
        data.get("location"),
        f"{field}.location",
        (
            "lon",
            "lat",
            "place",
            "admin1",
            "admin2",
            "admin3",
            "geo_precision",
            "where_prec",
            "country",
            "iso",
            "region",
        ),
    )
    loc = f"{field}.location"
    location = _within(
        "location",
        lambda: Location(
            lon=_number(where, "lon", loc),
            lat=_number(where, "lat", loc),
            place=_text(where, "place", loc),
            admin1=_text(where, "admin1", loc),
            admin2=_text(where, "admin2", loc),
            admin3=_text(where, "admin3", loc),
            geo_precision=_int(where, "geo_precision", loc),
            where_prec=_int(where, "where_prec", loc),
            country=_text(where, "country", loc),
            iso=_optional_int(where, "iso", loc),
            region=_text(where, "region", loc),
        ),
    )
    who = _object(
        data.get("actors") or {},
        f"{field}.actors",
        ("actor1", "inter1", "actor2", "inter2", "associated1", "associated2"),
    )
    act = f"{field}.actors"
    actors = _within(
        "actors",
        lambda: Actors(
            actor1=_text(who, "actor1", act),
            inter1=_int(who, "inter1", act),
            actor2=_text(who, "actor2", act),
            inter2=_int(who, "inter2", act),
            associated1=_strings(who.get("associated1"), f"{act}.associated1"),
            associated2=_strings(who.get("associated2"), f"{act}.associated2"),
        ),
    )
    dead = _object(
        data.get("fatalities") or {},
        f"{field}.fatalities",
        ("low", "best", "high", "side_a", "side_b", "civilians", "unknown"),
    )
    fat = f"{field}.fatalities"
    fatalities = _within(
        "fatalities",
        lambda: Fatalities(
            low=_int(dead, "low", fat),
            best=_int(dead, "best", fat),
            high=_int(dead, "high", fat),
            side_a=_optional_int(dead, "side_a", fat),
            side_b=_optional_int(dead, "side_b", fat),
            civilians=_optional_int(dead, "civilians", fat),
            unknown=_optional_int(dead, "unknown", fat),
        ),
    )
    monitoring = data.get("monitoring")
    targeting = data.get("civilian_targeting", False)
    if not isinstance(targeting, bool):
        raise InputError(f"{field}.civilian_targeting", "must be true or false")
    return Incident(
        id=_text(data, "id", field),
        dates=_within(
            "dates",
            lambda: DateRange(
                _parse_date(dates.get("start"), f"{field}.dates.start"),
                _parse_date(dates.get("end"), f"{field}.dates.end"),
            ),
        ),
        location=location,
        event_type=_text(data, "event_type", field),
        sub_event_type=_text(data, "sub_event_type", field),
        actors=actors,
        disorder_type=_text(data, "disorder_type", field),
        civilian_targeting=targeting,
        fatalities=fatalities,
        injuries=_optional_int(data, "injuries", field),
        notes=_text(data, "notes", field),
        tags=_strings(data.get("tags"), f"{field}.tags"),
        monitoring=None if monitoring is None else member(MonitoringKind, monitoring, "monitoring"),
        explosions=_optional_int(data, "explosions", field),
        shots=_optional_int(data, "shots", field),
        report_ids=_strings(data.get("report_ids"), f"{field}.report_ids"),
        links=_links(data.get("links"), f"{field}.links"),
        possible_duplicates=_strings(
            data.get("possible_duplicates"), f"{field}.possible_duplicates"
        ),
        external_ids=tuple(
            (str(pair[0]), str(pair[1])) for pair in _list(data.get("external_ids"), field)
        ),
        merged_into=data.get("merged_into"),
    )


def _links(value: object, field: str) -> Links:
    if value is None:
        return Links()
    data = _object(
        value, field, ("zones", "route", "km_post", "side", "distance_to_route_m", "provisions")
    )
    side = data.get("side")
    return Links(
        zones=_strings(data.get("zones"), f"{field}.zones"),
        route=data.get("route"),
        km_post=data.get("km_post"),
        side=None if side is None else member(Side, side, f"{field}.side"),
        distance_to_route_m=data.get("distance_to_route_m"),
        provisions=_strings(data.get("provisions"), f"{field}.provisions"),
    )


# --- history and positions ----------------------------------------------------------------


def history_to_dict(entry: HistoryEntry) -> JsonDict:
    """A history entry as a dict."""
    return {
        "action": str(entry.action),
        "at": _time(entry.at),
        "by": entry.by,
        "incident_id": entry.incident_id,
        "other_incident_id": entry.other_incident_id,
        "report_ids": list(entry.report_ids),
        "note": entry.note,
    }


def position_statement(value: object, field: str = "position") -> JsonDict:
    """A party's statement (stance, whom it holds responsible, evidence, text), checked."""
    data = _object(value, field, ("stance", "held_responsible", "evidence", "text"))
    stance = member(Stance, data.get("stance"), f"{field}.stance")
    held = data.get("held_responsible")
    if held is not None and (not isinstance(held, str) or not held.strip()):
        raise InputError(f"{field}.held_responsible", "an actor's name, or null for no one")
    evidence = _strings(data.get("evidence"), f"{field}.evidence")
    return {
        "stance": str(stance),
        "held_responsible": None if held is None else held.strip(),
        "evidence": [item.strip() for item in evidence if item.strip()],
        "text": _text(data, "text", field).strip(),
    }


def position_to_dict(position: Position) -> JsonDict:
    """One version of a party's position."""
    return {
        "party": position.party,
        "version": position.version,
        "stance": str(position.stance),
        "held_responsible": position.held_responsible,
        "evidence": list(position.evidence),
        "text": position.text,
        "recorded_at": _time(position.recorded_at),
    }
