"""Joint patrols: the plan, the notice and its acknowledgement, the run, and the outcome.

A joint patrol is numbered in the agreement's sequence (the 1st, 2nd ...
combined patrol). Its life::

    planned ──(every other side acknowledges)──> acknowledged ──(start)──> under way
    planned ──(start, where the agreement allows it unacknowledged)──> under way
    under way ──(end)──> completed | curtailed at km x | aborted

The planner's party (the lead) gives notice to the other parties taking part
when the patrol is planned; each of them acknowledges it once, before the
start. While under way the patrol reaches its checkpoints in travel order;
track points may be added from the start on, and incidents linked to it.
After the end nothing changes except that: more track points and more
incidents.

Kilometres are the km posts of the agreement's patrol route. The patrol
travels from `from_km` to `to_km`, which may run either way along the route.
Every function here is pure: it returns a new `Patrol`, or raises
`InputError(field, reason)` naming the rule that was broken.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from enum import StrEnum

from truceline.domain.checks import MAX_ID_LENGTH, check

PATROL_ID = re.compile(r"pat_[A-Za-z0-9][A-Za-z0-9._-]*")
#: How many track points a patrol keeps at most (and one upload may carry).
MAX_TRACK_POINTS = 100_000
MAX_UNITS = 50
MAX_VEHICLES = 1000
MAX_CHECKPOINTS = 200
MAX_REASON = 2000
MAX_INCIDENTS = 1000


def check_finite(value: float, field: str) -> None:
    """Refuse a km post that is not a finite number."""
    check(math.isfinite(value), field, f"{value} is not a finite number")


def new_patrol_id() -> str:
    """A fresh random patrol id."""
    return "pat_" + secrets.token_hex(8)


class PatrolState(StrEnum):
    """Where a patrol stands in its life."""

    PLANNED = "planned"
    ACKNOWLEDGED = "acknowledged"
    UNDER_WAY = "under_way"
    COMPLETED = "completed"
    CURTAILED = "curtailed"
    ABORTED = "aborted"


class Outcome(StrEnum):
    """How a patrol ended: the whole segment, part of it (at a km post), or not at all."""

    COMPLETED = "completed"
    CURTAILED = "curtailed"
    ABORTED = "aborted"


@dataclass(frozen=True)
class Contingent:
    """One side's part in a patrol: its units and how many vehicles."""

    party: str
    units: tuple[str, ...]
    vehicles: int


@dataclass(frozen=True)
class TrackPoint:
    """A point of a patrol's track, WGS 84 longitude/latitude, with its time when known."""

    lon: float
    lat: float
    at: datetime | None = None


@dataclass(frozen=True)
class Patrol:
    """A joint patrol as it stands: its plan, the notice, the run and the outcome.

    `start_time` is the agreement's local time on `day`; `notice_at` the instant
    the plan (and so the notice to the other side) was recorded. `reached`
    holds each checkpoint reached with its time, in order; `stopped_at_km`
    where a curtailed patrol stopped.
    """

    id: str
    number: int
    agreement_id: str
    route: str
    day: date
    start_time: time
    from_km: float
    to_km: float
    contingents: tuple[Contingent, ...]
    checkpoints: tuple[float, ...]
    planned_by: str
    lead_party: str
    notice_at: datetime
    acknowledgements: tuple[tuple[str, datetime], ...] = ()
    started_at: datetime | None = None
    reached: tuple[tuple[float, datetime], ...] = ()
    track: tuple[TrackPoint, ...] = ()
    ended_at: datetime | None = None
    outcome: Outcome | None = None
    stopped_at_km: float | None = None
    reason: str = ""
    incidents: tuple[str, ...] = ()

    @property
    def parties(self) -> tuple[str, ...]:
        """The parties taking part, in the order of the contingents."""
        return tuple(c.party for c in self.contingents)

    @property
    def direction(self) -> int:
        """+1 when the patrol travels up the km posts, -1 when down."""
        return 1 if self.to_km >= self.from_km else -1

    @property
    def state(self) -> PatrolState:
        """Planned, acknowledged, under way, or how it ended."""
        if self.outcome is not None:
            return PatrolState(str(self.outcome))
        if self.started_at is not None:
            return PatrolState.UNDER_WAY
        if self.awaiting_acknowledgement:
            return PatrolState.PLANNED
        return PatrolState.ACKNOWLEDGED

    @property
    def planned_km(self) -> float:
        """The length of the planned segment, in km along the route."""
        return abs(self.to_km - self.from_km)

    @property
    def last_reached_km(self) -> float | None:
        """The km post of the last checkpoint reached, or None."""
        return self.reached[-1][0] if self.reached else None

    @property
    def covered_km(self) -> float:
        """How much of the segment the patrol covered, in km along the route.

        Completed: the whole segment. Curtailed: from the start of the segment
        to where it stopped. Aborted (or not yet ended): up to the last
        checkpoint reached, 0 when none was.
        """
        if self.outcome is Outcome.COMPLETED:
            return self.planned_km
        if self.outcome is Outcome.CURTAILED and self.stopped_at_km is not None:
            return abs(self.stopped_at_km - self.from_km)
        last = self.last_reached_km
        return 0.0 if last is None else abs(last - self.from_km)

    @property
    def awaiting_acknowledgement(self) -> tuple[str, ...]:
        """The parties taking part, other than the lead, that have not acknowledged the notice."""
        done = {party for party, _ in self.acknowledgements}
        return tuple(p for p in self.parties if p != self.lead_party and p not in done)

    @property
    def ended(self) -> bool:
        """Whether the patrol has ended (completed, curtailed or aborted)."""
        return self.outcome is not None

    def inside(self, km: float) -> bool:
        """Whether `km` lies strictly between the two ends of the segment."""
        low, high = sorted((self.from_km, self.to_km))
        return low < km < high

    def along(self, km: float) -> float:
        """How far `km` lies from the start of the segment in the direction of travel."""
        return (km - self.from_km) * self.direction


# --- transitions -------------------------------------------------------------------------


def _name(patrol: Patrol) -> str:
    return f"patrol #{patrol.number}"


def _not_ended(patrol: Patrol, doing: str) -> None:
    check(
        not patrol.ended,
        "patrol",
        f"{_name(patrol)} has ended ({patrol.state}); it can no longer be {doing}",
    )


def _under_way(patrol: Patrol, doing: str) -> None:
    _not_ended(patrol, doing)
    check(
        patrol.started_at is not None,
        "patrol",
        f"{_name(patrol)} has not started ({patrol.state}); it cannot be {doing} yet",
    )


def _started(patrol: Patrol, doing: str) -> None:
    check(
        patrol.started_at is not None,
        "patrol",
        f"{_name(patrol)} has not started ({patrol.state}); nothing can be {doing} yet",
    )


def _not_before_start(patrol: Patrol, at: datetime) -> None:
    start = patrol.started_at
    check(start is None or at >= start, "at", f"{at.isoformat()} is before the start")


def acknowledge(patrol: Patrol, party: str, at: datetime) -> Patrol:
    """The notice acknowledged by `party`: a party taking part other than the lead, once."""
    _not_ended(patrol, "acknowledged")
    check(
        patrol.started_at is None,
        "patrol",
        f"{_name(patrol)} is under way; its notice can no longer be acknowledged",
    )
    check(
        party != patrol.lead_party,
        "party",
        f"{party!r} gave the notice of {_name(patrol)}; the other side acknowledges it",
    )
    check(party in patrol.parties, "party", f"{party!r} takes no part in {_name(patrol)}")
    check(
        party in patrol.awaiting_acknowledgement,
        "party",
        f"{party!r} already acknowledged {_name(patrol)}",
    )
    return replace(patrol, acknowledgements=(*patrol.acknowledgements, (party, at)))


def start(patrol: Patrol, at: datetime, *, may_start_unacknowledged: bool) -> Patrol:
    """The patrol under way: only once, and not before acknowledgement unless the rules allow."""
    _not_ended(patrol, "started")
    check(patrol.started_at is None, "patrol", f"{_name(patrol)} is already under way")
    waiting = patrol.awaiting_acknowledgement
    check(
        may_start_unacknowledged or not waiting,
        "patrol",
        f"{_name(patrol)} may not start before {', '.join(waiting)} acknowledged its notice "
        "(the agreement's rule)",
    )
    return replace(patrol, started_at=at)


def reach_checkpoint(patrol: Patrol, km: float, at: datetime) -> Patrol:
    """A planned checkpoint reached: while under way, after the last one reached (some may be
    passed over), each once."""
    _under_way(patrol, "at a checkpoint")
    check_finite(km, "km")
    _not_before_start(patrol, at)
    check(
        km in patrol.checkpoints,
        "km",
        f"km {km:g} is not a checkpoint of {_name(patrol)} "
        f"({', '.join(f'{c:g}' for c in patrol.checkpoints) or 'it has none'})",
    )
    last = patrol.last_reached_km
    if last is not None:
        check(km != last, "km", f"the checkpoint at km {km:g} was already reached")
        check(
            patrol.checkpoints.index(km) > patrol.checkpoints.index(last),
            "km",
            f"km {km:g} comes before km {last:g}, the last checkpoint reached",
        )
        check(at >= patrol.reached[-1][1], "at", "is before the last checkpoint was reached")
    return replace(patrol, reached=(*patrol.reached, (km, at)))


def check_point(point: TrackPoint, field: str) -> None:
    """A point with a longitude and latitude in range and a time with a zone."""
    ok_lon = math.isfinite(point.lon) and -180 <= point.lon <= 180
    check(ok_lon, f"{field}.lon", f"{point.lon} is not a longitude")
    ok_lat = math.isfinite(point.lat) and -90 <= point.lat <= 90
    check(ok_lat, f"{field}.lat", f"{point.lat} is not a latitude")
    if point.at is not None:
        check(point.at.tzinfo is not None, f"{field}.at", "give the time with a UTC offset")


def add_track(patrol: Patrol, points: Sequence[TrackPoint]) -> Patrol:
    """Track points appended: from the start on, also after the end."""
    _started(patrol, "tracked")
    check(bool(points), "points", "give at least one point")
    total = len(patrol.track) + len(points)
    check(
        total <= MAX_TRACK_POINTS,
        "points",
        f"a patrol keeps at most {MAX_TRACK_POINTS} track points; this would make {total}",
    )
    for index, point in enumerate(points):
        check_point(point, f"points[{index}]")
    return replace(patrol, track=(*patrol.track, *points))


def end(
    patrol: Patrol, outcome: Outcome, at: datetime, *, at_km: float | None = None, reason: str = ""
) -> Patrol:
    """The patrol ended: completed at the planned end, curtailed at a km post inside the
    segment with a reason, or aborted with a reason."""
    _under_way(patrol, "ended")
    _not_before_start(patrol, at)
    if patrol.reached:
        check(at >= patrol.reached[-1][1], "at", "is before the last checkpoint was reached")
    reason = reason.strip()
    check(len(reason) <= MAX_REASON, "reason", f"at most {MAX_REASON} characters")
    stopped: float | None = None
    if outcome is Outcome.COMPLETED:
        check(
            at_km is None or at_km == patrol.to_km,
            "at_km",
            f"a completed patrol ends at the planned end (km {patrol.to_km:g}); "
            "curtail it to end elsewhere",
        )
    elif outcome is Outcome.CURTAILED:
        check(at_km is not None, "at_km", "give the km post where the patrol stopped")
        assert at_km is not None
        check_finite(at_km, "at_km")
        check(
            patrol.inside(at_km),
            "at_km",
            f"km {at_km:g} is not inside the planned segment (km {patrol.from_km:g} to "
            f"{patrol.to_km:g}): a patrol is curtailed before its end, never beyond it",
        )
        last = patrol.last_reached_km
        check(
            last is None or patrol.along(at_km) >= patrol.along(last),
            "at_km",
            f"km {at_km:g} comes before km {last}, a checkpoint the patrol reached",
        )
        check(bool(reason), "reason", "say why the patrol was curtailed")
        stopped = at_km
    else:
        check(
            at_km is None,
            "at_km",
            "an aborted patrol has no km post; curtail it to say where it stopped",
        )
        check(bool(reason), "reason", "say why the patrol was aborted")
    return replace(patrol, ended_at=at, outcome=outcome, stopped_at_km=stopped, reason=reason)


def link_incident(patrol: Patrol, incident_id: str) -> Patrol:
    """An incident linked to the patrol it happened on: from the start on, each once."""
    _started(patrol, "linked")
    check(
        bool(incident_id) and len(incident_id) <= MAX_ID_LENGTH,
        "incident_id",
        "give an incident's id",
    )
    check(
        incident_id not in patrol.incidents,
        "incident_id",
        f"{incident_id} is already linked to {_name(patrol)}",
    )
    check(len(patrol.incidents) < MAX_INCIDENTS, "incident_id", "too many incidents linked")
    return replace(patrol, incidents=(*patrol.incidents, incident_id))
