"""The corridor builder, kilometre posts and linear referencing, on constructed routes."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import LineString

from tests.geometries import EASTWARD_M, ELBOW_M, WESTWARD_M
from truceline.domain.errors import GeometryError
from truceline.domain.geometry import corridor_half, invalid_reason, kilometre_posts, locate
from truceline.domain.zones import Side


@pytest.mark.parametrize("route", [EASTWARD_M, WESTWARD_M], ids=["eastward", "westward"])
def test_the_north_half_of_a_straight_route_is_the_band_above_it(route: LineString) -> None:
    north = corridor_half(route, 6_000, Side.NORTH)
    minx, miny, maxx, maxy = north.bounds
    assert (minx, maxx) == pytest.approx((300_000, 320_000))
    assert (miny, maxy) == pytest.approx((3_960_000, 3_966_000))
    assert north.area == pytest.approx(20_000 * 6_000, rel=1e-9)


@pytest.mark.parametrize(
    "route", [EASTWARD_M, WESTWARD_M, ELBOW_M], ids=["eastward", "westward", "elbow"]
)
def test_the_two_halves_touch_along_the_route_and_never_overlap(route: LineString) -> None:
    north = corridor_half(route, 6_000, Side.NORTH)
    south = corridor_half(route, 6_000, Side.SOUTH)
    assert north.intersection(south).area == pytest.approx(0, abs=1e-3)
    assert north.boundary.intersection(south.boundary).length == pytest.approx(
        route.length, rel=1e-6
    )


def test_left_of_an_eastward_route_is_north_and_left_of_a_westward_route_is_south() -> None:
    assert corridor_half(EASTWARD_M, 1_000, Side.LEFT).centroid.y > 3_960_000
    assert corridor_half(WESTWARD_M, 1_000, Side.LEFT).centroid.y < 3_960_000
    assert corridor_half(WESTWARD_M, 1_000, Side.RIGHT).centroid.y > 3_960_000


def test_a_corridor_needs_a_positive_width() -> None:
    with pytest.raises(GeometryError, match="width must be positive"):
        corridor_half(EASTWARD_M, 0, Side.NORTH)


def test_kilometre_posts_run_every_km_from_the_start_and_end_at_the_end() -> None:
    posts = kilometre_posts(LineString([(0, 0), (2_500, 0)]), km_start=10.0)
    assert [p.km for p in posts] == [10.0, 11.0, 12.0, 12.5]
    assert (posts[1].x, posts[1].y) == pytest.approx((1_000, 0))
    assert (posts[-1].x, posts[-1].y) == pytest.approx((2_500, 0))


def test_kilometre_posts_follow_a_bend() -> None:
    posts = kilometre_posts(ELBOW_M, step_km=5)
    assert [p.km for p in posts] == [0, 5, 10, 15, 20]
    assert (posts[3].x, posts[3].y) == pytest.approx((310_000, 3_965_000))


def test_linear_referencing_gives_chainage_offset_and_side() -> None:
    ref = locate(EASTWARD_M, 305_000, 3_957_000, km_start=2.0)
    assert ref.km == pytest.approx(7.0)
    assert ref.offset_m == pytest.approx(3_000)
    assert ref.side is Side.RIGHT
    assert locate(WESTWARD_M, 305_000, 3_957_000).side is Side.LEFT


def test_a_self_intersecting_polygon_is_reported_with_the_reason() -> None:
    bow_tie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    reason = invalid_reason(bow_tie)
    assert reason is not None
    assert "Self-intersection" in reason


def test_a_valid_polygon_has_no_invalid_reason() -> None:
    assert invalid_reason(shapely.box(0, 0, 1, 1)) is None


def test_a_band_that_comes_out_in_pieces_keeps_every_piece() -> None:
    # A hairpin: the inner band of the tight turn is cut off from the rest.
    hairpin = LineString([(0, 0), (10_000, 0), (10_000, 300), (0, 300)])
    inner = corridor_half(hairpin, 2_000, Side.RIGHT)
    outer = corridor_half(hairpin, 2_000, Side.LEFT)
    assert inner.is_valid
    assert outer.is_valid
    assert inner.area + outer.area > 10_000 * 2_000
