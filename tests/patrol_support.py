"""Helpers of the patrol tests: a plan's data, a planned patrol, and tracks built on the route."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import shapely

from truceline.domain.patrols import Contingent, Patrol, TrackPoint
from truceline.services.geography import Geography

#: The example's patrol route: Trumba (km 0) westward, about 60.9 km long.
ROUTE = "patrol-trumba-ain-al-havr"
#: When the tests' patrols are planned (notice) and run.
NOTICE = datetime(2020, 3, 14, 12, 0, tzinfo=UTC)
DAY = date(2020, 3, 15)
START = datetime(2020, 3, 15, 6, 0, tzinfo=UTC)


def plan_data(**changes: Any) -> dict[str, Any]:
    """The data of a plan: Turkey leads, Russia takes part, km 0 to 30 with two checkpoints."""
    data: dict[str, Any] = {
        "day": "2020-04-01",
        "start_time": "09:00",
        "from_km": 0,
        "to_km": 30,
        "contingents": [
            {"party": "tr", "units": ["Mechanised company A"], "vehicles": 4},
            {"party": "ru", "units": ["Military police platoon 2"], "vehicles": 3},
        ],
        "checkpoints": [10, 20],
    }
    data.update(changes)
    return data


def a_patrol(**changes: Any) -> Patrol:
    """A planned patrol (no. 1), km 0 to 30, checkpoints at km 10 and 20, led by Turkey."""
    patrol = Patrol(
        id="pat_test1",
        number=1,
        agreement_id="idlib-m4",
        route=ROUTE,
        day=DAY,
        start_time=time(9, 0),
        from_km=0.0,
        to_km=30.0,
        contingents=(
            Contingent("tr", ("Mechanised company A",), 4),
            Contingent("ru", ("Military police platoon 2",), 3),
        ),
        checkpoints=(10.0, 20.0),
        planned_by="usr_tr",
        lead_party="tr",
        notice_at=NOTICE,
    )
    return replace(patrol, **changes)


def at(minutes: float) -> datetime:
    """`minutes` after the start."""
    return START + timedelta(minutes=minutes)


def route_points(
    geo: Geography,
    kms: Sequence[float],
    *,
    offset_m: float = 0.0,
    start: datetime | None = None,
    route_id: str = ROUTE,
) -> list[TrackPoint]:
    """Points at these km posts of the route, `offset_m` to the left of its direction (negative:
    to the right), square to the road; a minute apart from `start` when given."""
    route = geo.route(route_id)
    line = geo.frame.to_metric(route.line)
    along = np.array([(km - route.km_start) * 1000.0 for km in kms], dtype=np.float64)
    on = shapely.line_interpolate_point(line, along)
    ahead = shapely.line_interpolate_point(line, np.minimum(along + 10.0, line.length))
    behind = shapely.line_interpolate_point(line, np.maximum(along - 10.0, 0.0))
    dx = shapely.get_x(ahead) - shapely.get_x(behind)
    dy = shapely.get_y(ahead) - shapely.get_y(behind)
    norm = np.hypot(dx, dy)
    x = shapely.get_x(on) - dy / norm * offset_m
    y = shapely.get_y(on) + dx / norm * offset_m
    lon, lat = geo.frame.xy_to_wgs84(x, y)
    return [
        TrackPoint(float(a), float(b), None if start is None else start + timedelta(minutes=index))
        for index, (a, b) in enumerate(zip(lon, lat, strict=True))
    ]
