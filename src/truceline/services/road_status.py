"""Road status of a route over a run of days: the share of the time each km was observed open.

Reads every road-status observation of the route (those from before the days
asked carry their status into them) and works out, with
``domain.road_status``, the share of the period each kilometre segment was
observed open, closed, or not known. The period runs from the first day's
local midnight to the midnight after the last day, in the agreement's time
zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from truceline.domain.errors import InputError
from truceline.domain.field_codec import YEARS
from truceline.domain.observations import RoadStatus, Subkind
from truceline.domain.road_status import SegmentShare, road_open_share, whole_route
from truceline.domain.zones import Route
from truceline.services.field_location import km_range, route_of
from truceline.services.geography import Geography
from truceline.services.observations import ObservationQuery, list_observations, road_route
from truceline.services.unit_of_work import UnitOfWork

#: The days looked at when none are named: the 30 days up to today.
DEFAULT_DAYS = 30


@dataclass(frozen=True, slots=True)
class RoadStatusView:
    """A route's observed status over a period: per km segment, and for the whole route."""

    route: Route
    day_from: date
    day_to: date
    period_start: datetime
    period_end: datetime
    segments: list[SegmentShare]
    whole: SegmentShare
    reports: int


def period_of(geo: Geography, day_from: date, day_to: date) -> tuple[datetime, datetime]:
    """The instants a run of local days starts and ends."""
    zone = ZoneInfo(geo.agreement.timezone)
    start = datetime.combine(day_from, time(), zone)
    end = datetime.combine(day_to + timedelta(days=1), time(), zone)
    return start, end


def road_status(
    uow: UnitOfWork,
    geo: Geography,
    today: date,
    *,
    route_id: str | None = None,
    day_from: date | None = None,
    day_to: date | None = None,
) -> RoadStatusView:
    """The share of each day from `day_from` to `day_to` (both included; by default the 30
    days up to `today`) each kilometre of the route (the agreement's road by default) was
    observed open to civilian traffic."""
    route = route_of(geo, route_id or road_route(geo.agreement), "route")
    for name, day in (("day_from", day_from), ("day_to", day_to)):
        if day is not None and not YEARS[0] <= day.year <= YEARS[1]:
            raise InputError(name, f"give a day from the years {YEARS[0]} to {YEARS[1]}")
    day_to = day_to or today
    day_from = day_from or day_to - timedelta(days=DEFAULT_DAYS - 1)
    if day_to < day_from:
        raise InputError("day_to", "is before day_from")
    start, end = period_of(geo, day_from, day_to)
    entries = list_observations(uow, geo, ObservationQuery(subkind=Subkind.ROAD_STATUS))
    # Oldest first: of two reports observed in the same instant, the one recorded later wins.
    entries.sort(key=lambda e: (e.observation.observed_at, e.recorded_at, e.observation.id))
    reports = [e.observation for e in entries]
    first, last = km_range(geo, route)
    segments = road_open_share(
        reports,
        last - first,
        start,
        end,
        km_start=first,
        step_km=route.km_step,
        route=route.id,
    )
    counted = sum(
        1
        for o in reports
        if isinstance(o.details, RoadStatus)
        and o.details.route == route.id
        and o.details.since < end
    )
    return RoadStatusView(
        route, day_from, day_to, start, end, segments, whole_route(segments), counted
    )
