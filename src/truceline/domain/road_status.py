"""Road status over time: the share of a period each kilometre of a route was observed open.

Each road-status observation says a stretch of a route (from km to km) was
open or closed to civilian traffic *since* a time. Along each stretch the
status holds from that time until another report covering it takes over: at
any instant, the status of a piece of road is that of the latest report (by
when it was observed; the later of two recorded in the same instant is the one
given later) whose `since` has passed. Before any report covers a piece, its
status is unknown, which is neither open nor closed.

`road_open_share` cuts the route into kilometre segments and gives, for
each, the shares of the period it was observed open, closed and unknown;
`whole_route` the same for the route as a whole, weighted by length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from truceline.domain.errors import InputError
from truceline.domain.observations import Observation, RoadState, RoadStatus


@dataclass(frozen=True, slots=True)
class SegmentShare:
    """One stretch of a route and the shares (0 to 1, adding to 1) of a period it was
    observed open, observed closed, and not known."""

    from_km: float
    to_km: float
    open: float
    closed: float
    unknown: float

    @property
    def length_km(self) -> float:
        return self.to_km - self.from_km


@dataclass(frozen=True, slots=True)
class _Report:
    from_km: float
    to_km: float
    since: datetime
    order: tuple[datetime, int]
    open: bool


def _reports(observations: Iterable[Observation], route: str | None) -> list[_Report]:
    found = []
    for index, observation in enumerate(observations):
        details = observation.details
        if not isinstance(details, RoadStatus) or (route is not None and details.route != route):
            continue
        found.append(
            _Report(
                details.from_km,
                details.to_km,
                details.since,
                (observation.observed_at, index),
                details.status is RoadState.OPEN,
            )
        )
    return found


def _timeline(
    reports: Sequence[_Report], start: datetime, end: datetime
) -> tuple[float, float, float]:
    """The shares of [start, end) the reports (all covering one piece of road) show open,
    closed and nothing."""
    changes = sorted({start, end} | {r.since for r in reports if start < r.since < end})
    whole = (end - start).total_seconds()
    opened = closed = 0.0
    for t0, t1 in pairwise(changes):
        active = [r for r in reports if r.since <= t0]
        if not active:
            continue
        seconds = (t1 - t0).total_seconds()
        if max(active, key=lambda r: r.order).open:
            opened += seconds
        else:
            closed += seconds
    return opened / whole, closed / whole, max(0.0, whole - opened - closed) / whole


def road_open_share(
    observations: Iterable[Observation],
    route_length_km: float,
    period_start: datetime,
    period_end: datetime,
    *,
    km_start: float = 0.0,
    step_km: float = 1.0,
    route: str | None = None,
) -> list[SegmentShare]:
    """Per kilometre segment of a route, the shares of [period_start, period_end) it was
    observed open, closed and unknown.

    Only road-status observations count (of `route`, when given); their
    stretches are clipped to the route, which runs from `km_start` for
    `route_length_km`. Segments are `step_km` long, the last one shorter when
    the route ends between posts. Reports from before the period carry their
    status into it.
    """
    if period_start.tzinfo is None or period_end.tzinfo is None:
        raise InputError("period", "give the period's times with a UTC offset")
    if period_end <= period_start:
        raise InputError("period", "the period ends before it starts")
    if not route_length_km > 0:
        raise InputError("route_length_km", "a route has a positive length")
    if not step_km > 0:
        raise InputError("step_km", "segments have a positive length")
    end_km = km_start + route_length_km
    bounds = [km_start]
    while bounds[-1] + step_km < end_km - 1e-9:
        bounds.append(km_start + len(bounds) * step_km)
    bounds.append(end_km)
    reports = [r for r in _reports(observations, route) if r.since < period_end]
    cuts = sorted(
        set(bounds)
        | {min(max(km, km_start), end_km) for r in reports for km in (r.from_km, r.to_km)}
    )
    memo: dict[frozenset[int], tuple[float, float, float]] = {}
    pieces: list[tuple[float, float, tuple[float, float, float]]] = []
    for a, b in pairwise(cuts):
        if b <= a:
            continue
        covering = frozenset(i for i, r in enumerate(reports) if r.from_km <= a and r.to_km >= b)
        if covering not in memo:
            memo[covering] = _timeline(
                [reports[i] for i in sorted(covering)], period_start, period_end
            )
        pieces.append((a, b, memo[covering]))
    segments = []
    for low, high in pairwise(bounds):
        shares = [0.0, 0.0, 0.0]
        for a, b, piece in pieces:
            overlap = min(b, high) - max(a, low)
            if overlap > 0:
                for k in range(3):
                    shares[k] += piece[k] * overlap
        length = high - low
        segments.append(SegmentShare(low, high, *(s / length for s in shares)))
    return segments


def whole_route(segments: Sequence[SegmentShare]) -> SegmentShare:
    """The segments taken together: the shares of the whole route, weighted by length."""
    if not segments:
        raise InputError("segments", "no segment to add up")
    total = sum(s.length_km for s in segments)
    return SegmentShare(
        segments[0].from_km,
        segments[-1].to_km,
        sum(s.open * s.length_km for s in segments) / total,
        sum(s.closed * s.length_km for s in segments) / total,
        sum(s.unknown * s.length_km for s in segments) / total,
    )
