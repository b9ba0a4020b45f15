"""The share of a period each kilometre of a route was observed open, on constructed reports."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

import pytest

from truceline.domain.errors import InputError
from truceline.domain.field_location import StatedLocation
from truceline.domain.observations import (
    HeavyWeapons,
    Observation,
    RoadState,
    RoadStatus,
    WeaponType,
)
from truceline.domain.road_status import SegmentShare, road_open_share, whole_route

START = datetime(2020, 3, 1, tzinfo=UTC)
END = datetime(2020, 3, 11, tzinfo=UTC)  # ten days: a day is 0.1 of the period
_ids = count(1)


def day(n: float) -> datetime:
    """Midnight of 1 March plus n days."""
    return datetime.fromtimestamp(START.timestamp() + n * 86400, tz=UTC)


def road(
    from_km: float,
    to_km: float,
    status: str,
    since: float,
    observed: float | None = None,
    route: str = "m4",
) -> Observation:
    """A road-status report: `since` and `observed` in days after 1 March (observed = since)."""
    return Observation(
        id=f"obs_{next(_ids)}",
        observed_at=day(since if observed is None else observed),
        details=RoadStatus(route, from_km, to_km, RoadState(status), day(since)),
    )


def shares(segments: list[SegmentShare]) -> list[tuple[float, float, float]]:
    return [(round(s.open, 6), round(s.closed, 6), round(s.unknown, 6)) for s in segments]


def test_without_reports_every_kilometre_is_unknown() -> None:
    segments = road_open_share([], 3.0, START, END)
    assert [(s.from_km, s.to_km) for s in segments] == [(0, 1), (1, 2), (2, 3)]
    assert shares(segments) == [(0, 0, 1)] * 3


def test_a_report_from_before_the_period_carries_its_status_into_it() -> None:
    segments = road_open_share([road(0, 3, "open", since=-5)], 3.0, START, END)
    assert shares(segments) == [(1, 0, 0)] * 3


def test_a_later_report_overrides_an_earlier_one_from_its_time_on() -> None:
    reports = [road(0, 4, "closed", since=0), road(0, 2, "open", since=5)]
    segments = road_open_share(reports, 4.0, START, END)
    assert shares(segments) == [(0.5, 0.5, 0), (0.5, 0.5, 0), (0, 1, 0), (0, 1, 0)]


def test_a_report_observed_later_wins_even_when_it_says_since_an_earlier_time() -> None:
    reports = [
        road(0, 1, "closed", since=3, observed=3),
        road(0, 1, "open", since=2, observed=8),
    ]
    [segment] = road_open_share(reports, 1.0, START, END)
    assert shares([segment]) == [(0.8, 0, 0.2)]


def test_a_report_observed_earlier_is_overridden_only_from_the_later_ones_since() -> None:
    reports = [
        road(0, 1, "closed", since=4, observed=4),
        road(0, 1, "open", since=5, observed=5),
    ]
    [segment] = road_open_share(reports, 1.0, START, END)
    assert shares([segment]) == [(0.5, 0.1, 0.4)]


def test_of_two_reports_observed_in_the_same_instant_the_one_given_later_wins() -> None:
    first = road(0, 1, "closed", since=0)
    second = road(0, 1, "open", since=0)
    assert shares(road_open_share([first, second], 1.0, START, END)) == [(1, 0, 0)]
    assert shares(road_open_share([second, first], 1.0, START, END)) == [(0, 1, 0)]


def test_a_stretch_ending_between_posts_counts_for_its_share_of_each_segment() -> None:
    segments = road_open_share([road(2.5, 3.5, "open", since=0)], 5.0, START, END)
    assert shares(segments) == [(0, 0, 1), (0, 0, 1), (0.5, 0, 0.5), (0.5, 0, 0.5), (0, 0, 1)]


def test_the_last_segment_is_shorter_when_the_route_ends_between_posts() -> None:
    segments = road_open_share([road(9.5, 12, "closed", since=0)], 10.4, START, END)
    assert (segments[-1].from_km, segments[-1].to_km) == (10.0, 10.4)
    assert shares(segments)[-2:] == [(0, 0.5, 0.5), (0, 1, 0)]


def test_kilometres_are_counted_from_the_routes_first_post() -> None:
    segments = road_open_share(
        [road(21, 22, "open", since=0)], 3.0, START, END, km_start=20.0, step_km=1.0
    )
    assert [(s.from_km, s.to_km) for s in segments] == [(20, 21), (21, 22), (22, 23)]
    assert shares(segments) == [(0, 0, 1), (1, 0, 0), (0, 0, 1)]


def test_reports_after_the_period_do_not_count_but_one_observed_later_about_it_does() -> None:
    reports = [
        road(0, 1, "closed", since=12),
        road(0, 1, "open", since=9, observed=15),
    ]
    [segment] = road_open_share(reports, 1.0, START, END)
    assert shares([segment]) == [(0.1, 0, 0.9)]


def test_only_road_status_reports_of_the_route_asked_count() -> None:
    tanks = Observation(
        id="obs_w",
        observed_at=day(0),
        details=HeavyWeapons(WeaponType.TANK, 2),
        location=StatedLocation(lon=36.6, lat=35.8),
    )
    reports = [tanks, road(0, 1, "open", since=0, route="m5"), road(0, 1, "closed", since=5)]
    [segment] = road_open_share(reports, 1.0, START, END, route="m4")
    assert shares([segment]) == [(0, 0.5, 0.5)]
    [both] = road_open_share(reports, 1.0, START, END)
    assert shares([both]) == [(0.5, 0.5, 0)]


def test_the_whole_route_is_the_length_weighted_share() -> None:
    segments = road_open_share([road(0, 1, "open", since=0)], 4.0, START, END)
    whole = whole_route(segments)
    assert (whole.from_km, whole.to_km) == (0, 4)
    assert (whole.open, whole.closed, whole.unknown) == pytest.approx((0.25, 0, 0.75))


@pytest.mark.parametrize(
    ("length", "start", "end", "field"),
    [
        (1.0, END, START, "period"),
        (1.0, START, START, "period"),
        (1.0, START.replace(tzinfo=None), END, "period"),
        (0.0, START, END, "route_length_km"),
    ],
)
def test_a_period_or_route_that_makes_no_sense_is_refused(
    length: float, start: datetime, end: datetime, field: str
) -> None:
    with pytest.raises(InputError) as caught:
        road_open_share([], length, start, end)
    assert caught.value.field == field
