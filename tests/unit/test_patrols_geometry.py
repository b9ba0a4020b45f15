"""A patrol on the map: its planned segment, and the deviation of constructed tracks from it."""

from __future__ import annotations

from dataclasses import replace

import pytest
import shapely.testing
from shapely.geometry import Point

from tests.patrol_support import ROUTE, a_patrol, route_points
from truceline.adapters.packs import read_pack
from truceline.domain.errors import InputError
from truceline.domain.patrols import Patrol, TrackPoint
from truceline.packs import example_pack_path
from truceline.services.geography import Geography
from truceline.services.patrol_geometry import agreement_km_range, deviation, planned_segment


@pytest.fixture(scope="module")
def geo() -> Geography:
    return Geography(read_pack(example_pack_path("idlib-m4")))


def km_post(geo: Geography, km: float) -> Point:
    [point] = route_points(geo, [km])
    return Point(point.lon, point.lat)


def metres(geo: Geography, a: Point, b: Point) -> float:
    return float(geo.frame.to_metric(a).distance(geo.frame.to_metric(b)))


def tracked(points: list[TrackPoint], **changes: object) -> Patrol:
    return replace(a_patrol(**changes), track=tuple(points))


def test_the_patrol_route_runs_from_km_0_to_its_length(geo: Geography) -> None:
    first, last = agreement_km_range(geo.agreement, ROUTE)
    assert first == 0.0
    assert 60.0 < last < 62.0


def test_the_planned_segment_runs_between_its_km_posts_in_the_direction_of_travel(
    geo: Geography,
) -> None:
    segment = planned_segment(geo, ROUTE, 5.0, 30.0)
    assert geo.frame.to_metric(segment).length == pytest.approx(25_000.0, abs=1.0)
    start, end = Point(segment.coords[0]), Point(segment.coords[-1])
    assert metres(geo, start, km_post(geo, 5.0)) < 1.0
    assert metres(geo, end, km_post(geo, 30.0)) < 1.0
    back = planned_segment(geo, ROUTE, 30.0, 5.0)
    shapely.testing.assert_geometries_equal(back, segment.reverse(), tolerance=1e-9)


def test_a_segment_without_length_is_refused(geo: Geography) -> None:
    with pytest.raises(InputError):
        planned_segment(geo, ROUTE, 7.0, 7.0)


def test_a_patrol_without_a_track_has_no_deviation(geo: Geography) -> None:
    assert deviation(geo, a_patrol()) is None


def test_a_track_on_the_road_deviates_by_nothing_and_reaches_the_planned_end(
    geo: Geography,
) -> None:
    found = deviation(geo, tracked(route_points(geo, [k / 2 for k in range(61)])))
    assert found is not None
    assert found.max_m < 1.0
    assert found.mean_m < 1.0
    assert found.share_within == 1.0
    assert found.tolerance_m == 1500.0
    assert found.km_reached == pytest.approx(30.0, abs=0.01)


def test_a_track_a_kilometre_off_the_road_deviates_by_a_kilometre_within_tolerance(
    geo: Geography,
) -> None:
    points = route_points(geo, [2.0, 6.0, 12.0, 18.0, 24.0], offset_m=1000.0)
    found = deviation(geo, tracked(points))
    assert found is not None
    assert found.max_m == pytest.approx(1000.0, abs=5.0)
    assert found.mean_m == pytest.approx(1000.0, abs=30.0)
    assert found.share_within == 1.0
    assert found.km_reached == pytest.approx(24.0, abs=0.05)


def test_points_beyond_the_tolerance_count_against_the_share_and_not_for_the_km_reached(
    geo: Geography,
) -> None:
    on_road = route_points(geo, [1.0, 4.0, 8.0, 12.0])
    # Square to the road, 4 km to its right, at km posts away from its bends.
    astray = route_points(geo, [14.0, 16.0, 24.0, 26.0], offset_m=-4000.0)
    found = deviation(geo, tracked([*on_road, *astray]))
    assert found is not None
    assert found.share_within == 0.5
    assert found.max_m == pytest.approx(4000.0, abs=50.0)
    assert found.mean_m == pytest.approx(2000.0, abs=50.0)
    assert found.km_reached == pytest.approx(12.0, abs=0.01)


def test_a_track_past_the_end_is_measured_from_the_segment_and_reaches_beyond_it(
    geo: Geography,
) -> None:
    found = deviation(geo, tracked(route_points(geo, [10.0, 20.0, 30.0, 35.0])))
    assert found is not None
    assert found.max_m == pytest.approx(5000.0, rel=0.02)
    assert found.share_within == 0.75
    assert found.km_reached == pytest.approx(35.0, abs=0.01)


def test_the_km_reached_eastward_is_the_lowest_km_post_the_track_came_to(
    geo: Geography,
) -> None:
    points = route_points(geo, [40.0, 32.0, 25.0, 17.0])
    found = deviation(geo, tracked(points, from_km=40.0, to_km=10.0, checkpoints=(25.0,)))
    assert found is not None
    assert found.max_m < 1.0
    assert found.km_reached == pytest.approx(17.0, abs=0.01)


def test_a_track_nowhere_near_the_road_reaches_no_km(geo: Geography) -> None:
    found = deviation(geo, tracked([TrackPoint(36.63, 35.98), TrackPoint(36.64, 36.0)]))
    assert found is not None
    assert found.share_within == 0.0
    assert found.km_reached is None
    assert found.max_m > 10_000
