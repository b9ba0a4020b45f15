"""Joint patrols as plain JSON-ready dicts, and back.

Two uses: the data of the ledger's patrol events (what the actor signed: a
plan, an end, track points) and the stored document of a patrol. Reading a
dict checks every value and refuses unknown keys, so a bad value raises
`InputError` naming its field (``contingents[1].vehicles``...). Writing a
value and reading it back gives the same dict: an event the server rebuilds
from signed data is the event that was signed.

Instants are written in UTC ending in ``Z``; days as ``YYYY-MM-DD``; the
planned start as ``HH:MM`` (``HH:MM:SS`` when it has seconds).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from truceline.domain.checks import check
from truceline.domain.errors import InputError
from truceline.domain.patrol_plans import PatrolPlan
from truceline.domain.patrols import (
    MAX_TRACK_POINTS,
    Contingent,
    Outcome,
    Patrol,
    TrackPoint,
    check_point,
    new_patrol_id,
)

JsonDict = dict[str, Any]

PLAN_FIELDS = ("id", "day", "start_time", "from_km", "to_km", "contingents", "checkpoints")
END_FIELDS = ("outcome", "at_km", "reason")
_CONTINGENT_FIELDS = ("party", "units", "vehicles")
_POINT_FIELDS = ("lon", "lat", "at")
_STORED_FIELDS = (
    *PLAN_FIELDS,
    "number",
    "agreement_id",
    "route",
    "planned_by",
    "lead_party",
    "notice_at",
    "acknowledgements",
    "started_at",
    "reached",
    "track",
    "ended_at",
    "outcome",
    "stopped_at_km",
    "reason",
    "incidents",
)
MAX_TEXT = 200
_MAX_JSON_INT = 2**53 - 1


# --- values ------------------------------------------------------------------------------


def instant(value: datetime) -> str:
    """An instant in UTC, ending in Z."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_instant(value: object, field: str) -> datetime:
    """An ISO 8601 instant with a UTC offset."""
    if not isinstance(value, str):
        raise InputError(field, f"{value!r} is not an ISO 8601 time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(field, f"{value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise InputError(field, "give the time with a UTC offset, such as 2020-03-15T06:00:00Z")
    return parsed


def clock_time(value: time) -> str:
    """A time of day as HH:MM, or HH:MM:SS when it has seconds."""
    return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")


def _parse_clock(value: object, field: str) -> time:
    if not isinstance(value, str):
        raise InputError(field, f"{value!r} is not a time of day (HH:MM)")
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"{value!r} is not a time of day (HH:MM)") from None
    check(parsed.tzinfo is None, field, "give the agreement's local time, without an offset")
    return parsed.replace(microsecond=0)


def _parse_day(value: object, field: str) -> date:
    if not isinstance(value, str):
        raise InputError(field, f"{value!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _object(value: object, field: str, allowed: Sequence[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(field, "must be an object")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        where = f"{field}.{unknown[0]}" if field else str(unknown[0])
        raise InputError(where, "is not a known field")
    return value


def _list(value: object, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise InputError(field, "must be a list")
    return list(value)


def number(value: object, field: str) -> float:
    """A finite number (a JSON integer or float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"must be a number, not {value!r}")
    result = float(value)
    check(math.isfinite(result), field, f"{value!r} is not a finite number")
    return result


def _whole(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > _MAX_JSON_INT:
        raise InputError(field, f"must be a whole number, not {value!r}")
    return value


def _text(value: object, field: str, default: str = "", limit: int = MAX_TEXT) -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise InputError(field, "must be a text")
    check(len(value) <= limit, field, f"at most {limit} characters")
    return value


def _required(data: Mapping[str, Any], key: str, field: str) -> Any:
    if data.get(key) is None:
        raise InputError(field, "is required")
    return data[key]


def _at(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


# --- the plan ----------------------------------------------------------------------------


def contingent_to_dict(contingent: Contingent) -> JsonDict:
    return {
        "party": contingent.party,
        "units": list(contingent.units),
        "vehicles": contingent.vehicles,
    }


def contingent_from_dict(value: object, field: str) -> Contingent:
    """A contingent: its party, its units (texts) and its number of vehicles."""
    data = _object(value, field, _CONTINGENT_FIELDS)
    units = _list(data.get("units"), f"{field}.units")
    for index, unit in enumerate(units):
        if not isinstance(unit, str):
            raise InputError(f"{field}.units[{index}]", "must be a text")
        check(len(unit) <= MAX_TEXT, f"{field}.units[{index}]", f"at most {MAX_TEXT} characters")
    return Contingent(
        party=_text(_required(data, "party", f"{field}.party"), f"{field}.party"),
        units=tuple(units),
        vehicles=_whole(data.get("vehicles", 0), f"{field}.vehicles"),
    )


def plan_to_dict(plan: PatrolPlan) -> JsonDict:
    """A plan as the data of a `patrol.planned` event."""
    return {
        "id": plan.id,
        "day": plan.day.isoformat(),
        "start_time": clock_time(plan.start_time),
        "from_km": plan.from_km,
        "to_km": plan.to_km,
        "contingents": [contingent_to_dict(c) for c in plan.contingents],
        "checkpoints": list(plan.checkpoints),
    }


def plan_from_dict(value: object, field: str = "") -> PatrolPlan:
    """The plan a dict describes (a fresh id when it has none); InputError names the bad field."""
    data = _object(value, field, PLAN_FIELDS)
    where = _at(field, "contingents")
    contingents = _list(_required(data, "contingents", where), where)
    checkpoints = _list(data.get("checkpoints"), _at(field, "checkpoints"))
    return PatrolPlan(
        id=_text(data.get("id"), _at(field, "id"), limit=1000) or new_patrol_id(),
        day=_parse_day(_required(data, "day", _at(field, "day")), _at(field, "day")),
        start_time=_parse_clock(
            _required(data, "start_time", _at(field, "start_time")), _at(field, "start_time")
        ),
        from_km=number(_required(data, "from_km", _at(field, "from_km")), _at(field, "from_km")),
        to_km=number(_required(data, "to_km", _at(field, "to_km")), _at(field, "to_km")),
        contingents=tuple(
            contingent_from_dict(c, _at(field, f"contingents[{i}]"))
            for i, c in enumerate(contingents)
        ),
        checkpoints=tuple(
            number(km, _at(field, f"checkpoints[{i}]")) for i, km in enumerate(checkpoints)
        ),
    )


# --- track points ------------------------------------------------------------------------


def point_to_dict(point: TrackPoint) -> JsonDict:
    """A track point as {lon, lat} and, when known, its time."""
    out: JsonDict = {"lon": point.lon, "lat": point.lat}
    if point.at is not None:
        out["at"] = instant(point.at)
    return out


def point_from_dict(value: object, field: str) -> TrackPoint:
    data = _object(value, field, _POINT_FIELDS)
    at = data.get("at")
    point = TrackPoint(
        lon=number(_required(data, "lon", f"{field}.lon"), f"{field}.lon"),
        lat=number(_required(data, "lat", f"{field}.lat"), f"{field}.lat"),
        at=None if at is None else parse_instant(at, f"{field}.at"),
    )
    check_point(point, field)
    return point


def points_to_list(points: Sequence[TrackPoint]) -> list[JsonDict]:
    return [point_to_dict(p) for p in points]


def points_from_list(value: object, field: str = "points") -> tuple[TrackPoint, ...]:
    """Track points from a list of {lon, lat, at?}."""
    items = _list(value, field)
    check(
        len(items) <= MAX_TRACK_POINTS,
        field,
        f"at most {MAX_TRACK_POINTS} points, got {len(items)}",
    )
    return tuple(point_from_dict(item, f"{field}[{i}]") for i, item in enumerate(items))


# --- the end -----------------------------------------------------------------------------


def end_to_dict(outcome: Outcome, at_km: float | None, reason: str) -> JsonDict:
    """An end as the data of a `patrol.ended` event."""
    return {"outcome": str(outcome), "at_km": at_km, "reason": reason}


def end_from_dict(value: object) -> tuple[Outcome, float | None, str]:
    """The outcome, the km post (curtailed) and the reason an end's data states."""
    data = _object(value, "", END_FIELDS)
    raw = _required(data, "outcome", "outcome")
    try:
        outcome = Outcome(str(raw))
    except ValueError:
        raise InputError("outcome", f"{raw!r} is not one of {[str(o) for o in Outcome]}") from None
    at_km = data.get("at_km")
    return (
        outcome,
        None if at_km is None else number(at_km, "at_km"),
        _text(data.get("reason"), "reason", limit=2000),
    )


# --- the stored document -----------------------------------------------------------------


def _optional_instant(value: datetime | None) -> str | None:
    return None if value is None else instant(value)


def patrol_to_dict(patrol: Patrol) -> JsonDict:
    """A patrol whole, as stored."""
    plan = PatrolPlan(
        patrol.id,
        patrol.day,
        patrol.start_time,
        patrol.from_km,
        patrol.to_km,
        patrol.contingents,
        patrol.checkpoints,
    )
    return {
        **plan_to_dict(plan),
        "number": patrol.number,
        "agreement_id": patrol.agreement_id,
        "route": patrol.route,
        "planned_by": patrol.planned_by,
        "lead_party": patrol.lead_party,
        "notice_at": instant(patrol.notice_at),
        "acknowledgements": [
            {"party": party, "at": instant(at)} for party, at in patrol.acknowledgements
        ],
        "started_at": _optional_instant(patrol.started_at),
        "reached": [{"km": km, "at": instant(at)} for km, at in patrol.reached],
        "track": points_to_list(patrol.track),
        "ended_at": _optional_instant(patrol.ended_at),
        "outcome": None if patrol.outcome is None else str(patrol.outcome),
        "stopped_at_km": patrol.stopped_at_km,
        "reason": patrol.reason,
        "incidents": list(patrol.incidents),
    }


def _optional_parse(value: object, field: str) -> datetime | None:
    return None if value is None else parse_instant(value, field)


def _stored_points(value: object) -> tuple[TrackPoint, ...]:
    """Stored track points, checked when they were added: read fast, without checking again."""
    return tuple(
        TrackPoint(
            float(p["lon"]),
            float(p["lat"]),
            None if p.get("at") is None else parse_instant(p["at"], "track.at"),
        )
        for p in _list(value, "track")
    )


def patrol_from_dict(value: object) -> Patrol:
    """The patrol a stored document describes."""
    data = _object(value, "", _STORED_FIELDS)
    plan = plan_from_dict({k: data[k] for k in PLAN_FIELDS if k in data})
    outcome = data.get("outcome")
    stopped = data.get("stopped_at_km")
    acks = _list(data.get("acknowledgements"), "acknowledgements")
    reached = _list(data.get("reached"), "reached")
    return Patrol(
        id=plan.id,
        number=_whole(data.get("number"), "number"),
        agreement_id=_text(data.get("agreement_id"), "agreement_id"),
        route=_text(data.get("route"), "route"),
        day=plan.day,
        start_time=plan.start_time,
        from_km=plan.from_km,
        to_km=plan.to_km,
        contingents=plan.contingents,
        checkpoints=plan.checkpoints,
        planned_by=_text(data.get("planned_by"), "planned_by"),
        lead_party=_text(data.get("lead_party"), "lead_party"),
        notice_at=parse_instant(data.get("notice_at"), "notice_at"),
        acknowledgements=tuple(
            (str(a["party"]), parse_instant(a["at"], f"acknowledgements[{i}].at"))
            for i, a in enumerate(acks)
        ),
        started_at=_optional_parse(data.get("started_at"), "started_at"),
        reached=tuple(
            (number(r["km"], f"reached[{i}].km"), parse_instant(r["at"], f"reached[{i}].at"))
            for i, r in enumerate(reached)
        ),
        track=_stored_points(data.get("track")),
        ended_at=_optional_parse(data.get("ended_at"), "ended_at"),
        outcome=None if outcome is None else Outcome(str(outcome)),
        stopped_at_km=None if stopped is None else number(stopped, "stopped_at_km"),
        reason=_text(data.get("reason"), "reason", limit=2000),
        incidents=tuple(str(i) for i in _list(data.get("incidents"), "incidents")),
    )
